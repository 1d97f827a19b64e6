"""Demo deadlines of the district (seed_demo): the calendar district1 keeps and the schools meet.

- the term-1 screening window and the June home-visit month, met from the schools' data
  (screening 95% of the students, home visits 80%): the schools that reach the target are
  recorded as met, as the morning check would have, on a day inside the window;
- the term-1 report of the care system, marked done by most schools (a few after the due date,
  a few not at all), some with a note;
- around today: a report due in five days and one due three days ago (coordinator1's school has
  not sent either: director1 sees one due and one late on the school's home page, and was told
  of the late one), and a meeting of network 1 opening next week.

Rows are written directly (not through the services) so that dates can lie in the past and no
message leaves while seeding; only the late report's reminder is made, for the leaders of the
schools that are late, as the morning check would have.
"""

from __future__ import annotations

import datetime

from carecore.models import Membership, Notification, User
from districts.deadlines.models import Completion, Deadline, Kind, Reminder
from districts.deadlines.selectors import measure, reached
from districts.deadlines.services import MEET_ROLES, deadline_url

DAY = datetime.timedelta(days=1)
NOTES = [
    "ส่งรายงานฉบับสมบูรณ์ทางระบบแล้ว",
    "แนบสรุปผลการดำเนินงานภาคเรียนที่ 1",
    "ส่งเอกสารฉบับจริงทางไปรษณีย์อีกทางหนึ่ง",
    "",
]


def seed_deadlines(*, district, networks, schools, academic_year, rng, today) -> int:
    """The demo district's deadlines, set by district1; returns how many."""
    district1 = User.objects.filter(username="district1").first()
    common = {"district": district, "created_by": district1, "updated_by": district1}

    def on(month: int, day: int) -> datetime.date:
        """A day of the academic year: May to December of its first calendar year, January
        to April of the next."""
        first = academic_year.start.year
        return datetime.date(first if month >= 5 else first + 1, month, day)

    rows = [
        Deadline(
            kind=Kind.SCREENING,
            title="คัดกรองนักเรียนรายบุคคล ภาคเรียนที่ 1",
            details="คัดกรองนักเรียนทุกคนด้วยแบบ SDQ และเกณฑ์คัดกรองของโรงเรียน บันทึกผลในระบบให้ครบ",
            opens_on=academic_year.start,
            due_on=on(6, 30),
            target_percent=95,
            **common,
        ),
        Deadline(
            kind=Kind.HOME_VISITS,
            title="เดือนแห่งการเยี่ยมบ้านนักเรียน",
            details="ครูประจำชั้นเยี่ยมบ้านนักเรียนทุกคนและบันทึกผลการเยี่ยมบ้านในระบบ",
            opens_on=on(6, 1),
            due_on=on(6, 30),
            target_percent=80,
            **common,
        ),
        Deadline(
            kind=Kind.REPORT,
            title="รายงานผลการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน ภาคเรียนที่ 1",
            details="สรุปผลการดำเนินงานทั้ง 5 ขั้นตอน พร้อมแนบไฟล์รายงาน (PDF)",
            opens_on=on(10, 1),
            due_on=on(10, 31),
            **common,
        ),
        Deadline(
            kind=Kind.REPORT,
            title="ส่งข้อมูลนักเรียนยากจนเพื่อขอรับทุนเสมอภาค",
            details="ยืนยันข้อมูลนักเรียนยากจนที่คัดกรองแล้ว และส่งแบบสรุปจำนวนนักเรียน",
            opens_on=today - 20 * DAY,
            due_on=today - 3 * DAY,
            remind_days=5,
            **common,
        ),
        Deadline(
            kind=Kind.REPORT,
            title="ส่งแบบสรุปผลการคัดกรองนักเรียนรายห้อง",
            details="ส่งแบบสรุปผลการคัดกรองของทุกห้องเรียน ลงนามโดยผู้อำนวยการ",
            opens_on=today - 10 * DAY,
            due_on=today + 5 * DAY,
            **common,
        ),
        Deadline(
            kind=Kind.OTHER,
            title="ส่งแผนการนิเทศภายในเพื่อประชุมกลุ่มเครือข่าย",
            details="ส่งแผนการนิเทศภายในของโรงเรียนก่อนการประชุมกลุ่มเครือข่าย",
            network=networks[0],
            opens_on=today + 7 * DAY,
            due_on=today + 21 * DAY,
            **common,
        ),
    ]
    deadlines = Deadline.objects.bulk_create(rows)
    screening, visits, term_report, poor, summary, _network = deadlines
    first = schools[0]  # coordinator1's and director1's school
    leaders: dict[int, list] = {}
    for m in Membership.objects.filter(school__in=schools, role__in=MEET_ROLES).select_related(
        "user"
    ):
        leaders.setdefault(m.school_id, []).append(m.user)

    completions: list[Completion] = []
    # Measured: the schools at their target are recorded met on a day of the window (or, for a
    # window still open, as the morning check would: yesterday).
    shares = measure(school_ids=[s.pk for s in schools], deadlines=[screening, visits])
    for deadline in (screening, visits):
        if deadline.opens_on > today:
            continue
        last = min(deadline.due_on, today - DAY)
        for school in schools:
            if reached(deadline, *shares[deadline.pk, school.pk]):
                span = max((last - deadline.opens_on).days, 0)
                done_on = max(deadline.opens_on, last - rng.randint(0, span) * DAY)
                completions.append(_done(deadline, school, done_on, source="measured"))

    # Marked: most schools sent the term report (a few late, a few not yet); a third sent the
    # report due in five days; for the report due three days ago, most sent it in time.
    def marked(deadline, share: float, late_share: float, *, skip=()):
        if deadline.opens_on > today:
            return
        for school in schools:
            if school in skip or rng.random() > share:
                continue
            late = deadline.due_on < today - DAY and rng.random() < late_share
            if late:
                done_on = min(today - DAY, deadline.due_on + rng.randint(1, 7) * DAY)
            else:
                span = max((min(deadline.due_on, today) - deadline.opens_on).days, 0)
                done_on = deadline.opens_on + rng.randint(0, span) * DAY
            completions.append(
                _done(deadline, school, done_on, by=leaders.get(school.pk), note=rng.choice(NOTES))
            )

    marked(term_report, 0.85, 0.15)
    marked(poor, 0.7, 0.0, skip={first})
    marked(summary, 0.35, 0.0, skip={first})
    Completion.objects.bulk_create(completions)

    # The late report's reminder, sent the morning after its due date to the late schools.
    done = {c.school_id for c in completions if c.deadline is poor}
    late = [s for s in schools if s.pk not in done]
    Reminder.objects.bulk_create(
        Reminder(deadline=poor, school=s, kind=Reminder.Kind.LATE, due_on=poor.due_on) for s in late
    )
    Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=Notification.Kind.DEADLINE_LATE,
            url=deadline_url(poor, school),
            place=school.name,
        )
        for school in late
        for user in leaders.get(school.pk, [])
    )
    return len(deadlines)


def _done(deadline, school, done_on, *, source="marked", by=None, note="") -> Completion:
    return Completion(
        deadline=deadline,
        school=school,
        source=source,
        done_on=done_on,
        done_by=by[0] if by else None,
        note=note if source == "marked" else "",
    )

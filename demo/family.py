"""Demo parents and students as users (issue 20): ``parent1``, the parent of two children (one in
teacher1's room, a younger or older one at another school of the district), and ``student1``,
a student of teacher1's room with their own account. What waits for them in the portal: a
home-visit appointment teacher1 proposed, a consent request, messages with teacher1, behaviour
notices, and the child's absences in the roll. The counsellor has a request for help from
another student of the school (student1 sends their own in the browser journey).

No LINE account: linking LINE needs the school's real Official Account (README.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from attendance.models import LeaveKind, Mark, Status
from behaviour.models import Category
from carecore.models import Notification, NotificationPreference, User
from demo.conduct import incident_row
from portal.models import ConsentRequest, HelpRequest, Message, MessageThread
from schools.models import Classroom, Grade
from students.consent_models import GuardianConsent
from students.family_models import GuardianLink, StudentAccount
from students.models import Enrolment, Guardian, Student
from visits.models import VisitAppointment

ONE_DAY = datetime.timedelta(days=1)
# How a child says "I" and ends a sentence politely.
BOY = {"me": "ผม", "end": "ครับ"}
GIRL = {"me": "หนู", "end": "ค่ะ"}
HELP_TEXT = "ช่วงนี้ที่บ้านพ่อกับแม่ทะเลาะกันบ่อย {me}นอนไม่ค่อยหลับและไม่มีสมาธิเรียน อยากคุยกับครูแนะแนว{end}"


@dataclass
class FamilyPick:
    child1: Student  # in teacher1's room
    child2: Student  # at another school
    student1: Student  # in teacher1's room, with their own account
    helped: Student | None  # asked the counsellor for help


def _first_in(classroom, exclude=()) -> Student | None:
    enrolment = (
        Enrolment.objects.filter(classroom=classroom)
        .exclude(student_id__in=exclude)
        .select_related("student__school")
        .order_by("number")
        .first()
    )
    return enrolment.student if enrolment else None


def pick_family(*, academic_year, schools, teacher1_classroom: Classroom) -> FamilyPick:
    """Who plays the demo's family: read before the rolls and the incidents are made."""
    roster = list(
        Enrolment.objects.filter(classroom=teacher1_classroom)
        .exclude(
            student__consents__purpose=GuardianConsent.Purpose.EXTERNAL_REFERRAL,
        )
        .select_related("student__school")
        .order_by("number")
    )
    students = [e.student for e in roster]
    girls = [s for s in students if s.gender == Student.Gender.FEMALE] or students
    boys = [s for s in students if s.gender == Student.Gender.MALE] or students
    child1 = girls[len(girls) // 3]
    student1 = next(s for s in boys[len(boys) // 2 :] + students if s != child1)
    others = [s for s in schools if s.pk != teacher1_classroom.school_id]
    rooms = Classroom.objects.filter(academic_year=academic_year, room=1)
    other_room = (
        rooms.filter(school__in=others, grade=Grade.M1).order_by("school__code").first()
        or rooms.filter(school__in=others, grade=Grade.P1).order_by("school__code").first()
    )
    child2 = _first_in(other_room)
    helper_room = (
        rooms.filter(school_id=teacher1_classroom.school_id, grade__gt=teacher1_classroom.grade)
        .order_by("-grade")
        .first()
    )
    helped = _first_in(helper_room) if helper_room else None
    return FamilyPick(child1=child1, child2=child2, student1=student1, helped=helped)


def _ending(prefix: str) -> str:
    return "ครับ" if prefix == "นาย" else "ค่ะ"


def _next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def _sibling(pick: FamilyPick) -> Guardian | None:
    """Child 1's guardian becomes child 2's too: same person, same phone, same surname."""
    guardian = Guardian.objects.filter(student=pick.child1).order_by("-is_primary", "pk").first()
    pick.child2.last_name = pick.child1.last_name
    pick.child2.save(update_fields=["last_name"])
    if guardian is not None:
        Guardian.objects.filter(student=pick.child2).update(is_primary=False)
        Guardian.objects.create(
            student=pick.child2,
            prefix=guardian.prefix,
            first_name=guardian.first_name,
            last_name=guardian.last_name,
            relation=guardian.relation,
            phone=guardian.phone,
            occupation=guardian.occupation,
            lives_with_student=True,
            is_primary=True,
        )
    return guardian


def seed_family(
    *,
    pick: FamilyPick,
    password_hash: str,
    today: datetime.date,
    teacher1: User,
    counsellor: User | None,
    school_days: list[datetime.date],
    academic_year,
) -> dict[str, str]:
    """The family accounts and what waits for them (run inside scopes_disabled); returns the
    accounts' descriptions for the log-in list."""
    guardian = _sibling(pick)
    parent1 = User.objects.create(
        username="parent1",
        prefix=guardian.prefix if guardian else "นาง",
        first_name=guardian.first_name if guardian else "มาลี",
        last_name=guardian.last_name if guardian else pick.child1.last_name,
        phone=guardian.phone if guardian else "",
        email="parent1@demo.invalid",
        password=password_hash,
    )
    child2_guardian = Guardian.objects.filter(student=pick.child2, is_primary=True).first()
    GuardianLink.objects.bulk_create(
        [
            GuardianLink(
                user=parent1,
                student=child,
                guardian=g,
                relationship=g.relation if g else "",
            )
            for child, g in ((pick.child1, guardian), (pick.child2, child2_guardian))
        ]
    )
    student1 = User.objects.create(
        username="student1",
        first_name=pick.student1.first_name,
        last_name=pick.student1.last_name,
        email="student1@demo.invalid",
        password=password_hash,
    )
    StudentAccount.objects.create(user=student1, student=pick.student1)
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user=parent1,
                channel=NotificationPreference.Channel.EMAIL,
                frequency=NotificationPreference.Frequency.DAILY,
            ),
            NotificationPreference(user=student1, channel=NotificationPreference.Channel.PORTAL),
        ]
    )
    child = pick.child1
    school = child.school
    notices = []

    def tell(kind, url, user=parent1, place=school.name):
        notices.append(Notification(user=user, kind=kind, url=url, place=place))

    # The child's absences in the roll: absent last week, a sick day, late the day before.
    if len(school_days) >= 10:
        for day, status, kind in (
            (school_days[-5], Status.ABSENT, ""),
            (school_days[-9], Status.LEAVE, LeaveKind.SICK),
            (school_days[-2], Status.LATE, ""),
        ):
            Mark.objects.filter(student=child, date=day, period=0).update(
                status=status, leave_kind=kind
            )
    # Behaviour notices told to the parent: a good deed and a rude word.
    recent = [d for d in school_days if d >= academic_year.start] or [today - ONE_DAY]
    told = timezone.now()
    classroom_id = (
        Enrolment.objects.filter(student=child, academic_year=academic_year)
        .values_list("classroom_id", flat=True)
        .first()
    )
    for name, day, note in (
        ("จิตอาสา", recent[len(recent) // 3], "ช่วยครูจัดห้องสมุดในวันหยุด"),
        ("พูดจาไม่สุภาพหรือไม่เคารพครู", recent[-3], "พูดจาไม่สุภาพกับเพื่อนในชั่วโมงพลศึกษา"),
    ):
        incident = incident_row(
            category=Category.objects.get(school=school, name=name),
            student_id=child.pk,
            classroom_id=classroom_id,
            academic_year=academic_year,
            term=academic_year.terms.filter(start__lte=day, end__gte=day).first(),
            day=day,
            by=teacher1.pk,
            note=note,
        )
        incident.parent_told_at = told
        incident.save()
    behaviour_url = reverse("portal:child_behaviour", kwargs={"student_id": child.pk})
    tell(Notification.Kind.FAMILY_BEHAVIOUR, behaviour_url)

    # A home visit teacher1 proposes, waiting for the family's answer.
    visit_day = _next_weekday(today + datetime.timedelta(days=4))
    appointment = VisitAppointment.objects.create(
        school=school,
        student=child,
        date=visit_day,
        time=datetime.time(16, 30),
        note="ครูขอเยี่ยมบ้านตามโครงการเยี่ยมบ้านนักเรียน ภาคเรียนที่ 2 ใช้เวลาประมาณครึ่งชั่วโมง",
        proposed_by=teacher1,
    )
    tell(
        Notification.Kind.FAMILY_APPOINTMENT,
        reverse(
            "portal:appointment_answer",
            kwargs={"student_id": child.pk, "appointment_id": appointment.pk},
        ),
    )
    # A consent request, waiting.
    ConsentRequest.objects.create(
        school=school,
        student=child,
        purpose=GuardianConsent.Purpose.EXTERNAL_REFERRAL,
        note=(
            "โรงเรียนขอส่งชื่อและผลการตรวจวัดสายตาของนักเรียนให้โรงพยาบาลส่งเสริมสุขภาพตำบล "
            "เพื่อนัดตรวจสายตาซ้ำและรับแว่นตาโดยไม่เสียค่าใช้จ่าย"
        ),
        asked_by=teacher1,
    )
    child_url = reverse("portal:child", kwargs={"student_id": child.pk})
    tell(Notification.Kind.FAMILY_CONSENT, child_url)

    # Messages with teacher1: the newest, from the teacher, not read yet.
    now = timezone.now()
    t, p = _ending(teacher1.prefix), _ending(parent1.prefix)
    thread = MessageThread.objects.create(school=school, student=child, parent=parent1)
    lines = [
        (
            teacher1,
            False,
            5,
            f"สวัสดี{t} ผู้ปกครองของ{child.first_name} สัปดาห์นี้{child.first_name}ส่งการบ้าน"
            f"คณิตศาสตร์ไม่ครบ 2 ครั้ง รบกวนช่วยดูการบ้านที่บ้านด้วยนะ{t}",
        ),
        (
            parent1,
            True,
            4,
            f"ขอบคุณ{p}ครู ช่วงนี้ทำงานกะดึก จะให้พี่ช่วยดูการบ้านให้{p}",
        ),
        (
            teacher1,
            False,
            1,
            f"ขอบคุณ{t} ครูจะส่งใบงานกลับบ้านทุกวันศุกร์ และขอนัดเยี่ยมบ้านตามที่แจ้งในระบบ"
            f"นะ{t} ตอบรับหรือเสนอวันอื่นได้เลย{t}",
        ),
    ]
    for author, from_family, days_ago, body in lines:
        message = Message.objects.create(
            thread=thread, school=school, author=author, from_family=from_family, body=body
        )
        Message.objects.filter(pk=message.pk).update(
            created=now - datetime.timedelta(days=days_ago, hours=2)
        )
    MessageThread.objects.filter(pk=thread.pk).update(
        last_message_at=now - datetime.timedelta(days=1, hours=2),
        parent_read_at=now - datetime.timedelta(days=4, hours=1),
        staff_read_at=now - datetime.timedelta(days=3),
    )
    tell(
        Notification.Kind.FAMILY_MESSAGE,
        reverse("portal:child_messages", kwargs={"student_id": child.pk}),
    )

    # Another student of the school asked the counsellor for help (in confidence).
    if pick.helped is not None and counsellor is not None:
        helped_user = User.objects.create(
            username=f"s{pick.helped.school.code}-{pick.helped.student_code}",
            first_name=pick.helped.first_name,
            last_name=pick.helped.last_name,
            password="!",  # noqa: S106 - an unusable password: not a demo log-in
        )
        StudentAccount.objects.create(user=helped_user, student=pick.helped)
        help_request = HelpRequest.objects.create(
            school=pick.helped.school,
            student=pick.helped,
            author=helped_user,
            body=HELP_TEXT.format(**(BOY if pick.helped.gender == Student.Gender.MALE else GIRL)),
            contact=HelpRequest.Contact.MEET,
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(
            created=now - datetime.timedelta(days=1, hours=5)  # sent yesterday after school
        )
        tell(
            Notification.Kind.HELP_REQUEST,
            reverse(
                "portal_staff:help_detail",
                kwargs={"school_code": pick.helped.school.code, "help_id": help_request.pk},
            ),
            user=counsellor,
        )
    Notification.objects.bulk_create(notices)

    def where(student):
        room = Enrolment.objects.filter(student=student, academic_year=academic_year).first()
        return f"{student.school.name} ({room.classroom if room else ''})"

    return {
        "parent1": f"ผู้ปกครองของ {pick.child1} · {where(pick.child1)}; "
        f"{pick.child2} · {where(pick.child2)}",
        "student1": f"{pick.student1} · {where(pick.student1)}",
    }

"""The facts out of the records, the results and snapshots written, the jobs, and the district's
settings (docs/early-warning.md)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from attendance.models import LeaveKind, Mark, Roll, SchoolHoliday, Status
from behaviour.tests.factories import CategoryFactory, CorrectionFactory, IncidentFactory
from carecore.imports.signals import import_applied
from carecore.models import AuditEvent, Notification
from conftest import make_student
from dropouts import services as dropout_services
from dropouts.models import ReporterKind, Situation
from earlywarning import tasks
from earlywarning.compute import (
    EXTRACT_QUERIES,
    Period,
    extract_facts,
    extract_facts_for_school,
    recompute_district,
    recompute_school,
    recompute_schools,
)
from earlywarning.model import Facts, Params
from earlywarning.models import WarningResult, WarningSettings, WarningSnapshot
from earlywarning.selectors import (
    case_record,
    district_params,
    school_counts,
    school_results,
    student_trend,
    week_of,
)
from earlywarning.services import StaleSettings, settings_save
from screening.models import CareGroup
from students.models import Enrolment, FamilyRecord, Student, TermResult
from visits.tests.factories import HomeVisitFactory

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def today(term1):
    """A Wednesday ten weeks into the first term: the 4-week window lies inside the term."""
    day = term1.start + datetime.timedelta(days=70)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


def weekdays_back(day: datetime.date, n: int) -> list[datetime.date]:
    days = []
    while len(days) < n:
        day -= ONE_DAY
        if day.weekday() < 5:
            days.append(day)
    return days


def mark(side, student, day, status, leave_kind="") -> None:
    roll, _ = Roll.objects.get_or_create(
        school=side.school, classroom=side.classroom, date=day, period=0
    )
    Mark.objects.create(
        roll=roll,
        student=student,
        school=side.school,
        date=day,
        status=status,
        leave_kind=leave_kind,
    )


def build_records(world, term1, today) -> dict:
    """The records behind the documented student (world.a.student), and what they add up to."""
    side, student = world.a, world.a.student
    year = world.year.year
    with scopes_disabled():
        # Attendance: 5 absent days in the last 4 weeks (and an absence on a day without school,
        # which does not count), 2 days of sick leave earlier in the term, a late day.
        holiday = weekdays_back(today, 3)[-1]
        SchoolHoliday.objects.create(school=side.school, start=holiday, end=holiday, name="วันหยุด")
        recent = [d for d in weekdays_back(today, 10) if d != holiday]
        for day in recent[:5]:
            mark(side, student, day, Status.ABSENT)
        mark(side, student, holiday, Status.ABSENT)
        mark(side, student, recent[5], Status.LATE)
        for day in weekdays_back(today - datetime.timedelta(days=35), 2):
            mark(side, student, day, Status.LEAVE, LeaveKind.SICK)
        mark(side, world.a.other_student, recent[0], Status.PRESENT)
        # Behaviour: two incidents in the last 8 weeks, one before, one cancelled.
        bad = CategoryFactory(school=side.school, points=10)
        for days_ago in (3, 40, 70):
            IncidentFactory(
                student=student, category=bad, date=today - datetime.timedelta(days=days_ago)
            )
        IncidentFactory(student=student, category=bad, date=today, cancelled_at=timezone.now())
        # Grades: last year's two terms (this year's first is not over by ``today``); one from
        # long ago.
        TermResult.objects.create(student=student, year=year - 1, term=1, gpa=Decimal("2.80"))
        TermResult.objects.create(
            student=student,
            year=year - 1,
            term=2,
            gpa=Decimal("1.90"),
            failed_subjects=["ค21101"],
            incomplete_subjects=["อ21101"],
        )
        TermResult.objects.create(student=student, year=year - 3, term=1, gpa=Decimal("4.00"))
        TermResult.objects.create(
            student=world.a.other_student, year=year - 3, term=1, gpa=Decimal("0.90")
        )
        FamilyRecord.objects.create(
            student=student, lives_with="grandparents", income_per_month=6000, household_size=5
        )
        CareGroup.objects.create(
            student=student, term=term1, school=side.school, derived_level="risk", level="risk"
        )
        HomeVisitFactory(
            student=student,
            date=today - datetime.timedelta(days=30),
            problems=["poverty", "health"],
        )
        HomeVisitFactory(student=student, date=today, status="draft", problems=["violence"])
        # A record of the same child at another school, from two years ago: one move.
        earlier = make_student(world.b.school, world.b.classroom, 990, 9)
        Student.objects.filter(pk=earlier.pk).update(
            national_id=student.national_id,
            created=timezone.now() - datetime.timedelta(days=730),
        )
    days = len(
        [
            d
            for d in (term1.start + ONE_DAY * i for i in range((today - term1.start).days + 1))
            if d.weekday() < 5 and d != holiday
        ]
    )
    return {
        "facts": Facts(
            absent_days_4w=5,
            attendance_rate=(days - 7) / days,
            conduct_score=70,
            deductions_8w=2,
            gpa_now=Decimal("1.90"),
            gpa_before=Decimal("2.80"),
            failed_now=2,
            care_level="risk",
            lives_with="grandparents",
            income_per_person=1200,
            welfare_card=None,
            visit_problems=("poverty", "health"),
            moves_12m=1,
        ),
    }


def test_facts_out_of_the_records(world, term1, today):
    expected = build_records(world, term1, today)["facts"]
    facts = extract_facts_for_school(world.a.school, today)
    assert facts[world.a.student.pk] == expected
    assert facts[world.a.other_student.pk] == Facts(attendance_rate=1.0)
    assert set(facts) == {world.a.student.pk, world.a.other_student.pk}


def test_a_later_record_does_not_change_an_earlier_week(world, term1, term2, today):
    """A past Monday (the demo back-fills them) sees only what was dated by then: incidents,
    corrections and home visits after it, a term result of a term not over, a care group of a
    term not begun change nothing; the later day sees them."""
    build_records(world, term1, today)
    student, side = world.a.student, world.a
    monday = week_of(today)
    before = extract_facts_for_school(side.school, monday)[student.pk]
    recompute_school(side.school, monday)
    with scopes_disabled():
        snapshot = WarningSnapshot.objects.get(student=student, week=monday)
        later = today + ONE_DAY
        bad = CategoryFactory(school=side.school, points=20)
        for _n in range(3):
            IncidentFactory(student=student, category=bad, date=later)
        CorrectionFactory(student=student, date=later, points=10)
        TermResult.objects.create(
            student=student, year=world.year.year, term=1, gpa=Decimal("0.50")
        )
        CareGroup.objects.create(
            student=student,
            term=term2,
            school=side.school,
            derived_level="problem",
            level="problem",
        )
        HomeVisitFactory(student=student, date=later, problems=["violence"])
    after = extract_facts_for_school(side.school, monday)[student.pk]
    assert after == before
    recompute_school(side.school, monday)
    with scopes_disabled():
        again = WarningSnapshot.objects.get(student=student, week=monday)
    assert (again.level, again.score) == (snapshot.level, snapshot.score)
    # The day after sees the incidents, the correction and the visit.
    seen = extract_facts_for_school(side.school, later)[student.pk]
    assert (seen.conduct_score, seen.deductions_8w) == (before.conduct_score - 60 + 10, 5)
    assert seen.visit_problems == ("violence",)
    # This year's first term counts once it is over; the second term's group once it begins.
    assert extract_facts_for_school(side.school, term1.end)[student.pk].gpa_now == Decimal("0.50")
    assert extract_facts_for_school(side.school, term2.start)[student.pk].care_level == "problem"


def test_the_documented_student_from_the_records(world, term1, today):
    """The hand-built student: level, score and reasons exactly as the model documents them."""
    build_records(world, term1, today)
    run = recompute_school(world.a.school, today)
    assert (run.students, run.watch, run.high) == (2, 0, 1)
    with scopes_disabled():
        result = WarningResult.objects.get(student=world.a.student)
        quiet = WarningResult.objects.get(student=world.a.other_student)
    assert (result.level, result.score, result.version, result.settings_revision) == (
        "high",
        12,
        "ew-2",
        0,
    )
    assert [(r["code"], r["weight"]) for r in result.reasons] == [
        ("absent", 3),
        ("gpa_drop", 2),
        ("failed", 2),
        ("family", 2),
        ("care_group", 1),
        ("visit_problems", 1),
        ("moves", 1),
    ]
    assert result.reasons[0] == {"code": "absent", "weight": 3, "group": "A", "days": 5, "weeks": 4}
    assert (quiet.level, quiet.score, quiet.reasons) == ("none", 0, [])


def test_results_and_snapshots_are_upserted(world, term1, today):
    build_records(world, term1, today)
    assert recompute_school(world.a.school, today).written == 2
    with scopes_disabled():
        before = WarningResult.objects.get(student=world.a.student).computed_at
    # Nothing changed: no result rewritten, only the time they were computed.
    assert recompute_school(world.a.school, today).written == 0
    with scopes_disabled():
        assert WarningResult.objects.get(student=world.a.student).computed_at > before
    recompute_school(world.a.school, today + ONE_DAY)  # same week: the snapshot is updated
    next_week = today + datetime.timedelta(days=7)
    recompute_school(world.a.school, next_week)
    with scopes_disabled():
        assert WarningResult.objects.count() == 2
        weeks = list(
            WarningSnapshot.objects.filter(student=world.a.student).values_list("week", "level")
        )
        assert student_trend(student=world.a.student) == list(
            WarningSnapshot.objects.filter(student=world.a.student).order_by("week")
        )
    assert [w for w, _level in weeks] == [week_of(today), week_of(next_week)]
    assert week_of(today).weekday() == 0

    # A student no longer enrolled at the school loses their result (the snapshots stay).
    with scopes_disabled():
        Enrolment.objects.filter(student=world.a.other_student).delete()
    recompute_school(world.a.school, next_week)
    with scopes_disabled():
        assert list(WarningResult.objects.values_list("student_id", flat=True)) == [
            world.a.student.pk
        ]


def test_the_selectors_read_the_results(world, term1, today):
    build_records(world, term1, today)
    recompute_district(world.a.district, today)
    recompute_district(world.b.district, today)
    with scopes_disabled():
        flagged = list(school_results(school=world.a.school, academic_year=world.year))
        assert [(r.student, r.classroom_id) for r in flagged] == [
            (world.a.student, world.a.classroom.pk)
        ]
        assert not school_results(
            school=world.a.school,
            academic_year=world.year,
            classroom_ids=[world.a.other_classroom.pk],
        ).exists()
        assert not school_results(
            school=world.a.school, academic_year=world.year, level="watch"
        ).exists()
    counts = school_counts(school_ids=[world.a.school.pk, world.b.school.pk])
    assert counts == {
        world.a.school.pk: {"watch": 0, "high": 1},
        world.b.school.pk: {"watch": 0, "high": 0},
    }


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_queries_do_not_grow_with_the_school(world, term1, today):
    """Extraction is EXTRACT_QUERIES queries (and a recompute a fixed number) for a school of
    2 students as for one of 42 with records of every kind."""
    build_records(world, term1, today)
    period = Period.of(today)
    small_extract = _queries(lambda: extract_facts_for_school(world.a.school, period=period))
    small_recompute = _queries(lambda: recompute_school(world.a.school, period=period))
    with scopes_disabled():
        bad = CategoryFactory(school=world.a.school, points=5)
        for i in range(40):
            student = make_student(world.a.school, world.a.classroom, 5000 + i, 10 + i)
            mark(world.a, student, today - ONE_DAY, Status.ABSENT)
            IncidentFactory(student=student, category=bad, date=today)
            TermResult.objects.create(student=student, year=world.year.year, term=1, gpa=2)
            FamilyRecord.objects.create(student=student, lives_with="relatives")
            CareGroup.objects.create(
                student=student,
                term=term1,
                school=world.a.school,
                derived_level="problem",
                level="problem",
            )
            HomeVisitFactory(student=student, date=today, problems=["neglect"])
        # The student at high risk reaches it again, as in the first run: the teacher is told.
        WarningResult.objects.filter(student=world.a.student).delete()
    assert small_extract == EXTRACT_QUERIES
    assert _queries(lambda: extract_facts_for_school(world.a.school, period=period)) == (
        EXTRACT_QUERIES
    )
    assert _queries(lambda: recompute_school(world.a.school, period=period)) == small_recompute
    with scopes_disabled():
        assert WarningResult.objects.filter(school=world.a.school).count() == 42


def test_many_schools_are_extracted_in_the_same_queries(world, term1, today):
    build_records(world, term1, today)
    period = Period.of(today)
    both = [world.a.school.pk, world.b.school.pk]
    assert _queries(lambda: extract_facts(both, period)) == EXTRACT_QUERIES
    facts = extract_facts(both, period)
    with scopes_disabled():
        moved = Student.objects.get(school=world.b.school, student_code="00990").pk
    assert {sid: school for sid, (school, _facts) in facts.items()} == {
        world.a.student.pk: world.a.school.pk,
        world.a.other_student.pk: world.a.school.pk,
        world.b.student.pk: world.b.school.pk,
        world.b.other_student.pk: world.b.school.pk,
        moved: world.b.school.pk,
    }
    assert (
        facts[world.a.student.pk][1]
        == extract_facts_for_school(world.a.school, today)[world.a.student.pk]
    )


def test_a_district_recompute_stays_in_the_district(world, term1, today):
    build_records(world, term1, today)
    run = recompute_district(world.a.district, today)
    assert (run.schools, run.students) == (1, 2)
    with scopes_disabled():
        assert set(WarningResult.objects.values_list("school_id", flat=True)) == {world.a.school.pk}


def test_the_nightly_job_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["earlywarning-nightly"]
    assert entry["task"] == tasks.earlywarning_nightly_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({21}, {0})


def test_the_nightly_job_covers_every_district(world):
    assert tasks.earlywarning_nightly_task() == 2
    with scopes_disabled():
        assert WarningResult.objects.count() == 4


def test_an_import_recomputes_its_school(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_applied.send(sender=Student, record=None, school_id=world.a.school.pk)
        import_applied.send(sender=Student, record=None, school_id=world.a.school.pk)
    assert len(callbacks) == 1  # once per school and transaction
    with scopes_disabled():
        assert set(WarningResult.objects.values_list("student_id", flat=True)) == {
            world.a.student.pk,
            world.a.other_student.pk,
        }


# --- the district's settings ---------------------------------------------------------------------
def test_settings_out_of_bounds_are_refused(world):
    user = world.a.users["district_admin"]
    with pytest.raises(ValidationError) as refused:
        settings_save(
            district=world.a.district,
            params={"absent_days": 1, "watch_score": 5, "high_score": 4},
            user=user,
        )
    assert set(refused.value.message_dict) == {"absent_days", "high_score"}
    assert not WarningSettings.objects.exists()
    assert district_params(world.a.district)[1] == 0


def test_saving_settings_bumps_the_revision_and_recomputes_the_district(
    world, term1, today, django_capture_on_commit_callbacks
):
    build_records(world, term1, today)
    user = world.a.users["district_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        row = settings_save(
            district=world.a.district,
            params={"absent_days": 6, "high_score": 8},
            user=user,
            revision=0,
        )
    assert (row.revision, row.updated_by) == (1, user)
    assert row.params["absent_days"] == 6 and row.params["absent_weight"] == 3
    params, revision = district_params(world.a.district)
    assert (params.absent_days, params.high_score, revision) == (6, 8, 1)
    with scopes_disabled():
        result = WarningResult.objects.get(student=world.a.student)
        event = AuditEvent.objects.get(object_type="warningsettings")
    # Five absent days are under the district's six: the reason is gone, the score lower.
    assert result.settings_revision == 1
    assert "absent" not in [r["code"] for r in result.reasons]
    assert result.score == 12 - 3
    assert event.district_id == world.a.district.pk
    assert event.changes == {"absent_days": ["4", "6"], "high_score": ["6", "8"]}

    with pytest.raises(StaleSettings):
        settings_save(district=world.a.district, params={}, user=user, revision=0)
    with django_capture_on_commit_callbacks(execute=False):
        again = settings_save(district=world.a.district, params={}, user=user, revision=1)
    assert again.revision == 2
    assert again.params == Params().as_dict()  # back to the defaults


# --- the case record: the warning against the place's own reported cases ----------------------
class TestCaseRecord:
    """``selectors.case_record``: each case about an enrolled student reported in the year,
    looked back at over the 12 weeks before its report; a week counts only once it had ended
    before the report (its snapshot holds the week's last night)."""

    TODAY = datetime.date(2026, 11, 25)  # a Wednesday

    def snapshot(self, student, week, level, score=5):
        with scopes_disabled():
            WarningSnapshot.objects.create(
                student=student, school_id=student.school_id, week=week, level=level, score=score
            )

    def case(self, world, student, reported_on):
        with scope(district=world.a.district.pk):
            return dropout_services.case_open(
                district=world.a.district,
                situation=Situation.AT_RISK,
                reported_on=reported_on,
                reporter_kind=ReporterKind.SCHOOL,
                description="ขาดเรียนบ่อย",
                student=student,
                reported_by_school=True,
                user=world.a.users["coordinator"],
            )

    def record(self, world, schools=None):
        return case_record(
            district=world.a.district,
            school_ids=[s.pk for s in (schools or [world.a.school])],
            today=self.TODAY,
        )

    def test_flagged_weeks_before_the_report_and_the_weeks_ahead(self, world):
        a = world.a
        report = datetime.date(2026, 11, 19)  # a Thursday
        for week, level in [
            (datetime.date(2026, 10, 26), "none"),
            (datetime.date(2026, 11, 2), "watch"),  # first flag: 17 days, 2 weeks ahead
            (datetime.date(2026, 11, 9), "watch"),
            (datetime.date(2026, 11, 16), "high"),  # the report's own week: not before it
        ]:
            self.snapshot(a.student, week, level)
        self.case(world, a.student, report)
        record = self.record(world)
        assert (record.cases, record.counted, record.flagged, record.high) == (1, 1, 1, 0)
        assert record.lead_weeks == 2
        assert record.flagged_percent == 100

    def test_a_case_the_warning_missed_and_one_it_could_not_see(self, world):
        a = world.a
        self.snapshot(a.student, datetime.date(2026, 11, 2), "none")
        self.case(world, a.student, datetime.date(2026, 11, 12))
        # Reported before the warning had any week of the child: not counted.
        self.case(world, a.other_student, datetime.date(2026, 11, 12))
        record = self.record(world)
        assert (record.cases, record.counted, record.not_counted) == (2, 1, 1)
        assert (record.flagged, record.high, record.lead_weeks) == (0, 0, None)
        assert record.flagged_percent == 0

    def test_weeks_older_than_12_and_cases_older_than_a_year_are_left_out(self, world):
        a = world.a
        report = datetime.date(2026, 11, 19)
        self.snapshot(a.student, report - datetime.timedelta(weeks=13), "high")
        self.case(world, a.student, report)
        self.snapshot(a.other_student, datetime.date(2025, 10, 6), "high")
        self.case(world, a.other_student, datetime.date(2025, 10, 20))
        record = self.record(world)
        assert (record.cases, record.counted, record.flagged) == (1, 0, 0)

    def test_only_the_schools_given(self, world):
        b = world.b
        self.snapshot(world.a.student, datetime.date(2026, 11, 2), "high")
        self.case(world, world.a.student, datetime.date(2026, 11, 19))
        assert self.record(world, schools=[b.school]).cases == 0


def test_the_homeroom_teachers_are_told_once_when_a_student_reaches_high(world, term1, today):
    """The homeroom teacher of a student who reaches high risk gets one notification that names
    the school, not the child, leading to the school's list at high risk; not again while the
    student stays high; nobody else of the school, and nothing for a past Monday back-filled."""
    a = world.a
    build_records(world, term1, today)
    with scopes_disabled():
        recompute_schools([a.school.pk], Period.of(today), district_params(a.district))
        assert not Notification.objects.exists()  # a back-filled day tells nobody
        WarningResult.objects.all().delete()
    recompute_school(a.school, today)
    with scopes_disabled():
        told = list(Notification.objects.filter(kind=Notification.Kind.EARLY_WARNING_HIGH))
    assert [n.user for n in told] == [a.users["homeroom"]]
    assert told[0].place == a.school.name
    assert told[0].url.endswith(f"/s/{a.school.code}/early-warning/?level=high")
    text = str(Notification.Kind.EARLY_WARNING_HIGH.label)
    assert a.student.first_name not in text and a.student.last_name not in text
    # Still high the next night: no second notification.
    recompute_school(a.school, today + ONE_DAY)
    with scopes_disabled():
        assert Notification.objects.count() == 1

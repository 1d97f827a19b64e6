"""The deadlines' rules: each school's state, the share measured from the data, the morning
check (measured deadlines recorded as met, reminders near and late, each once, content-free),
changing and removing a deadline."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import Membership, Notification, Role
from conftest import make_student, make_user
from districts.deadlines import selectors, services
from districts.deadlines.models import Completion, Reminder, State, state_of
from districts.deadlines.tests.factories import CompletionFactory, DeadlineFactory
from districts.tests.factories import NetworkFactory
from schools.models import School
from screening.models import CareGroup
from visits.tests.factories import HomeVisitFactory

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def standing(deadline, school, on=None):
    with scopes_disabled():
        (summary,) = selectors.standings(
            deadlines=[deadline], schools=[school], today=on or today()
        )
    return summary.standings[0]


def care_group(student, term, level="normal"):
    with scopes_disabled():
        return CareGroup.objects.create(
            student=student, term=term, school=student.school, derived_level=level, level=level
        )


# --- states -------------------------------------------------------------------------------------
class TestStateOf:
    def test_each_state_from_the_dates_and_the_day_met(self):
        deadline = DeadlineFactory.build(
            opens_on=datetime.date(2026, 6, 1), due_on=datetime.date(2026, 6, 30)
        )
        assert state_of(deadline, None, datetime.date(2026, 5, 31)) == State.UPCOMING
        assert state_of(deadline, None, datetime.date(2026, 6, 1)) == State.DUE
        assert state_of(deadline, None, datetime.date(2026, 6, 30)) == State.DUE
        assert state_of(deadline, None, datetime.date(2026, 7, 1)) == State.LATE
        # Met on the due date is on time; the day after is late, whatever today is.
        assert state_of(deadline, datetime.date(2026, 6, 30), datetime.date(2026, 8, 1)) == (
            State.DONE
        )
        assert state_of(deadline, datetime.date(2026, 7, 1), datetime.date(2026, 7, 1)) == (
            State.DONE_LATE
        )
        # Done before it opened counts as done.
        assert state_of(deadline, datetime.date(2026, 5, 1), datetime.date(2026, 5, 2)) == (
            State.DONE
        )


@pytest.mark.django_db
class TestWhichSchools:
    def test_a_network_deadline_is_for_that_network_only(self, world):
        a = world.a
        other_network = NetworkFactory(district=a.district)
        with scopes_disabled():
            other = School.objects.create(
                code="1040009001", name="โรงเรียนอื่น", district=a.district, network=other_network
            )
        for_network = DeadlineFactory(district=a.district, network=a.network)
        for_all = DeadlineFactory(district=a.district)
        elsewhere = DeadlineFactory(district=world.b.district)
        assert set(selectors.deadlines_of_school(a.school)) == {for_network, for_all}
        assert set(selectors.deadlines_of_school(other)) == {for_all}
        assert elsewhere not in set(selectors.deadlines_of_school(a.school))
        with scopes_disabled():
            summaries = selectors.standings(
                deadlines=[for_network, for_all], schools=[a.school, other], today=today()
            )
        assert [s.schools for s in summaries] == [1, 2]


# --- measured from the data ---------------------------------------------------------------------
@pytest.mark.django_db
class TestMeasured:
    def test_screening_counts_care_groups_of_terms_begun_by_the_due_date(self, world, term1, term2):
        a = world.a
        with scopes_disabled():
            third = make_student(a.school, a.classroom, 9001, 2)
            fourth = make_student(a.school, a.classroom, 9002, 3)
        care_group(a.student, term1)
        care_group(a.other_student, term1, "risk")
        care_group(third, term2)  # screened only in term 2
        deadline = DeadlineFactory(
            district=a.district, kind="screening", target_percent=75, due_on=term1.end,
            opens_on=term1.start,
        )  # fmt: skip
        with scopes_disabled():
            shares = selectors.measure(school_ids=[a.school.pk], deadlines=[deadline])
        assert shares == {(deadline.pk, a.school.pk): (2, 4)}
        # Due in term 2: the term-2 group counts too, and 3 of 4 reach the 75% target.
        deadline.due_on = term2.start + DAY
        with scopes_disabled():
            shares = selectors.measure(school_ids=[a.school.pk], deadlines=[deadline])
        assert shares == {(deadline.pk, a.school.pk): (3, 4)}
        assert selectors.reached(deadline, 3, 4)
        assert not selectors.reached(deadline, 2, 4)
        assert fourth  # not screened

    def test_home_visits_count_done_visits_of_the_year(self, world):
        a = world.a
        HomeVisitFactory(student=a.student)
        HomeVisitFactory(student=a.other_student, status="draft")
        deadline = DeadlineFactory(district=a.district, kind="home_visits", target_percent=50)
        row = standing(deadline, a.school)
        assert (row.met, row.students, row.share) == (1, 2, 50.0)
        # 50% reached: met today, before the morning check records it.
        assert row.state == State.DONE and row.done_on == today()
        deadline.target_percent = 100
        assert standing(deadline, a.school).state == State.DUE

    def test_a_school_without_students_meets_nothing(self, world):
        deadline = DeadlineFactory(district=world.a.district, kind="home_visits", target_percent=1)
        with scopes_disabled():
            empty = School.objects.create(
                code="1040009002", name="โรงเรียนว่าง", district=world.a.district
            )
        row = standing(deadline, empty)
        assert row.students == 0 and row.share is None and row.state == State.DUE

    def test_the_share_is_one_query_whatever_the_deadlines_and_schools(
        self, world, django_assert_num_queries
    ):
        a = world.a
        deadlines = [
            DeadlineFactory(district=a.district, kind="home_visits"),
            DeadlineFactory(district=a.district, kind="screening"),
            DeadlineFactory(district=a.district, kind="report"),
        ]
        with scopes_disabled(), django_assert_num_queries(1):
            selectors.measure(school_ids=[a.school.pk, world.b.school.pk], deadlines=deadlines)
        with scopes_disabled(), django_assert_num_queries(0):
            assert selectors.measure(school_ids=[a.school.pk], deadlines=deadlines[2:]) == {}


# --- the school marks it done -------------------------------------------------------------------
@pytest.mark.django_db
class TestCompletion:
    def test_marked_once_and_taken_back_with_its_file(self, world):
        from django.core.files.uploadedfile import SimpleUploadedFile

        a = world.a
        deadline = DeadlineFactory(district=a.district)
        upload = SimpleUploadedFile("รายงาน.pdf", b"%PDF-1.7 report", "application/pdf")
        with scopes_disabled():
            completion = services.completion_mark(
                deadline=deadline,
                school=a.school,
                note="  ส่งแล้ว ",
                upload=upload,
                user=a.users["director"],
            )
            path = completion.file.path
            assert completion.note == "ส่งแล้ว" and completion.file_name == "รายงาน.pdf"
            assert completion.file.name.startswith(f"deadlines/{a.school.pk}/")
            with pytest.raises(ValidationError):
                services.completion_mark(
                    deadline=deadline, school=a.school, note="", user=a.users["director"]
                )
            assert services.completion_undo(deadline=deadline, school=a.school)
            assert not Completion.objects.exists()
        import os

        assert not os.path.exists(path)

    def test_a_measured_deadline_cannot_be_marked(self, world):
        deadline = DeadlineFactory(district=world.a.district, kind="screening")
        with scopes_disabled(), pytest.raises(ValidationError):
            services.completion_mark(
                deadline=deadline, school=world.a.school, note="", user=world.a.users["director"]
            )


# --- the district changes or removes it ---------------------------------------------------------
def _data(deadline, **changes):
    data = {name: getattr(deadline, name) for name in services.DEADLINE_FIELDS}
    return data | changes


@pytest.mark.django_db
class TestChange:
    def test_raising_the_target_takes_back_measured_completions_below_it(self, world):
        a = world.a
        HomeVisitFactory(student=a.student)  # 1 of 2 visited
        deadline = DeadlineFactory(district=a.district, kind="home_visits", target_percent=50)
        CompletionFactory(deadline=deadline, school=a.school, source="measured")
        with scopes_disabled():
            services.deadline_update(
                deadline=deadline, data=_data(deadline), user=None, revision=deadline.revision
            )
            assert Completion.objects.count() == 1
            deadline.refresh_from_db()
            services.deadline_update(
                deadline=deadline,
                data=_data(deadline, target_percent=80),
                user=None,
                revision=deadline.revision,
            )
            assert Completion.objects.count() == 0

    def test_a_stale_form_is_refused(self, world):
        deadline = DeadlineFactory(district=world.a.district)
        services.deadline_update(deadline=deadline, data=_data(deadline), user=None, revision=1)
        with pytest.raises(services.StaleDeadline):
            services.deadline_update(
                deadline=deadline, data=_data(deadline, title="x"), user=None, revision=1
            )

    def test_the_due_date_may_not_come_before_the_opening(self, world):
        deadline = DeadlineFactory(district=world.a.district)
        with pytest.raises(ValidationError):
            services.deadline_update(
                deadline=deadline,
                data=_data(deadline, due_on=deadline.opens_on - DAY),
                user=None,
                revision=None,
            )

    def test_a_deadline_a_school_met_is_not_removed(self, world):
        deadline = DeadlineFactory(district=world.a.district)
        CompletionFactory(deadline=deadline, school=world.a.school)
        with scopes_disabled():
            with pytest.raises(ValidationError):
                services.deadline_delete(deadline=deadline)
            Completion.objects.all().delete()
            services.deadline_delete(deadline=deadline)
        assert not type(deadline).objects.exists()


# --- the morning check --------------------------------------------------------------------------
def check(on=None):
    with scopes_disabled():
        return services.deadlines_check(today=on or today())


def notifications(kind=None):
    rows = Notification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.select_related("user"))


@pytest.mark.django_db(transaction=True)
class TestMorningCheck:
    def test_due_soon_then_late_each_once_to_the_director_and_coordinator(self, world):
        a = world.a
        due = today() + 2 * DAY
        deadline = DeadlineFactory(district=a.district, due_on=due, remind_days=3)
        # Four days before: nothing yet.
        run = check(due - 4 * DAY)
        assert (run.soon, run.late) == (0, 0) and not notifications()
        run = check(due - 3 * DAY)
        assert run.soon == 1 and run.notified == 2
        soon = notifications(Notification.Kind.DEADLINE_SOON)
        assert {n.user for n in soon} == {a.users["director"], a.users["coordinator"]}
        assert soon[0].url == f"/s/{a.school.code}/deadlines/{deadline.pk}/"
        assert soon[0].place == a.school.name
        # Once: the next mornings send nothing more until it is late.
        assert check(due - 2 * DAY).soon == 0
        assert check(due).soon == 0
        run = check(due + DAY)
        assert run.late == 1 and len(notifications(Notification.Kind.DEADLINE_LATE)) == 2
        assert check(due + 2 * DAY).late == 0
        with scopes_disabled():
            assert Reminder.objects.count() == 2
        # School B (another district) heard nothing.
        assert not {n.user for n in notifications()} & set(world.b.users.values())

    def test_outside_the_system_the_message_says_nothing_of_the_deadline(self, world):
        a = world.a
        deadline = DeadlineFactory(
            district=a.district, due_on=today(), title="รายงานนักเรียนกลุ่มเสี่ยง ด.ช.สมชาย"
        )
        check()
        assert len(mail.outbox) == 2
        for message in mail.outbox:
            assert deadline.title not in message.body and deadline.title not in message.subject
            assert "สมชาย" not in message.body
            assert "/notifications/" in message.body

    def test_a_school_that_met_it_is_not_reminded(self, world):
        a = world.a
        deadline = DeadlineFactory(district=a.district, due_on=today())
        CompletionFactory(deadline=deadline, school=a.school)
        assert check().soon == 0 and not notifications()

    def test_a_moved_due_date_is_reminded_of_again(self, world):
        a = world.a
        deadline = DeadlineFactory(district=a.district, due_on=today() - DAY)
        assert check().late == 1
        deadline.due_on = today() + DAY
        deadline.save()
        assert check().soon == 1
        deadline.due_on = today() - 2 * DAY
        deadline.save()
        assert check().late == 1
        assert check().late == 0

    def test_no_late_reminder_long_after_the_due_date(self, world):
        DeadlineFactory(
            district=world.a.district,
            opens_on=today() - 60 * DAY,
            due_on=today() - (services.LATE_REMINDER_DAYS + 1) * DAY,
        )
        assert check().late == 0

    def test_only_the_leaders_of_a_network_deadline_schools_are_told(self, world):
        a = world.a
        other_network = NetworkFactory(district=a.district)
        with scopes_disabled():
            other = School.objects.create(
                code="1040009003", name="โรงเรียนอื่น", district=a.district, network=other_network
            )
            director = make_user("director_other")
            Membership.objects.create(user=director, role=Role.DIRECTOR, school=other)
        DeadlineFactory(district=a.district, network=other_network, due_on=today())
        assert check().soon == 1
        assert [n.user for n in notifications()] == [director]

    def test_measured_deadlines_met_are_recorded_the_day_before(self, world):
        a = world.a
        HomeVisitFactory(student=a.student)
        HomeVisitFactory(student=a.other_student)
        deadline = DeadlineFactory(district=a.district, kind="home_visits", due_on=today())
        run = check()
        assert run.recorded == 1 and run.soon == 0
        with scopes_disabled():
            completion = Completion.objects.get()
        assert completion.source == "measured" and completion.done_on == today() - DAY
        assert completion.done_by is None
        assert check().recorded == 0
        # Not before it opened.
        with scopes_disabled():
            Completion.objects.all().delete()
        deadline.opens_on = today()
        deadline.save()
        check()
        with scopes_disabled():
            assert Completion.objects.get().done_on == today()

    def test_a_measured_deadline_not_met_is_reminded(self, world):
        a = world.a
        HomeVisitFactory(student=a.student)  # 1 of 2
        DeadlineFactory(district=a.district, kind="home_visits", due_on=today())
        run = check()
        assert run.recorded == 0 and run.soon == 1

    def test_the_task_runs_the_check(self, world):
        from districts.deadlines.tasks import deadlines_check_task

        DeadlineFactory(district=world.a.district, due_on=today())
        assert deadlines_check_task.delay().get() == {
            "recorded": 0,
            "soon": 1,
            "late": 0,
            "notified": 2,
        }

    def test_the_check_is_in_the_beat_schedule(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["deadlines-check"]
        assert entry["task"] == "districts.deadlines.tasks.deadlines_check_task"
        assert entry["schedule"].hour == {6}


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_checks_queries_do_not_grow_with_the_schools(world, django_assert_num_queries, n):
    from districts.deadlines.tests.test_views import add_schools

    a = world.a
    add_schools(a, n - 1)
    DeadlineFactory(district=a.district, kind="home_visits", due_on=today())
    DeadlineFactory(district=world.b.district, due_on=today() - DAY)
    check()  # the reminders, once
    # The deadlines; per district: its schools, the completions, the shares (one district has a
    # measured deadline), the reminders sent, the leaders.
    with django_assert_num_queries(1 + 5 + 4):
        run = check()
    assert (run.soon, run.late, run.notified) == (0, 0, 0)

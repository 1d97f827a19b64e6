"""The nightly job: late cases are marked, their owners told once, the mark cleared when the case
moves on; the Celery task and the management command run it."""

import datetime

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from carecore.models import Notification
from dropouts.models import Step
from dropouts.services import dropout_cases_mark_late
from dropouts.tests.helpers import advance, ago, observe, open_child_case, reload, walk_to

pytestmark = pytest.mark.django_db


def run(today=None):
    with scopes_disabled():
        return dropout_cases_mark_late(today=today)


def late_notes():
    return Notification.objects.filter(kind=Notification.Kind.CASE_LATE)


def test_a_case_past_its_deadline_is_marked_and_its_owner_told_once(world):
    owner = world.a.users["district_admin"]
    late = open_child_case(world, reported_ago=5, owner=owner)  # report: 3 days
    on_time = open_child_case(world, reported_ago=2, owner=owner, first_name="ทันเวลา")
    result = run()
    assert (result.marked, result.notified) == (1, 1)
    late, on_time = reload(late), reload(on_time)
    assert late.late and late.late_since == ago(1)  # due 2 days ago: late since yesterday
    assert not on_time.late
    note = late_notes().get()
    assert note.user == owner
    assert note.url == f"/d/{world.a.district.code}/cases/{late.pk}/"
    assert note.place == world.a.district.name
    # The next night: still late, nobody is told again.
    assert run().notified == 0
    assert late_notes().count() == 1


def test_moving_on_clears_the_mark_and_a_new_deadline_can_make_it_late_again(world):
    case = open_child_case(world, reported_ago=10, owner=world.a.users["district_admin"])
    run()
    case = advance(world, reload(case), days_ago=0)
    assert not case.late and case.late_since is None  # the service clears it
    assert run().marked == 0
    # Eight days later the coordinate step (7 days) is late: a second notice, for a new lateness.
    result = run(today=ago(0) + datetime.timedelta(days=8))
    assert result.marked == 1
    assert late_notes().count() == 2


def test_the_job_clears_a_mark_that_no_longer_holds(world):
    case = open_child_case(world, reported_ago=5)
    run()
    assert reload(case).late
    # Run "in the past", when the deadline had not passed yet: the mark goes.
    result = run(today=ago(3))
    assert result.cleared == 1
    assert not reload(case).late


def test_without_an_owner_the_districts_staff_are_told(world):
    open_child_case(world, reported_ago=5)
    run()
    assert {n.user for n in late_notes()} == {
        world.a.users["district_supervisor"],
        world.a.users["district_admin"],
    }


def test_an_overdue_observation_makes_a_case_late(world):
    case = open_child_case(world, reported_ago=50, owner=world.a.users["district_admin"])
    case = walk_to(world, case, Step.BACK_IN_SCHOOL, start_ago=45)  # back 41 days ago
    assert run().marked == 1  # the first observation was due 11 days ago
    observe(world, reload(case), still=True, days_ago=1)
    case = reload(case)
    assert not case.late and case.step_due == case.step_started + datetime.timedelta(days=60)


def test_closed_cases_are_never_late(world):
    from django_scopes import scope

    from dropouts import services

    case = open_child_case(world, reported_ago=5)
    with scope(district=case.district_id):
        services.case_close(
            case=case, revision=None, outcome="lost_contact", closed_on=ago(0), note="x", user=None
        )
    assert run().marked == 0


def test_the_celery_task_and_the_command_run_the_job(world, capsys):
    from dropouts.tasks import dropout_cases_mark_late_task

    open_child_case(world, reported_ago=5)
    assert dropout_cases_mark_late_task.delay().get() == {"marked": 1, "cleared": 0, "notified": 2}
    call_command("mark_late_cases")
    assert "0 newly marked" in capsys.readouterr().out


def test_the_beat_schedule_runs_it_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["dropout-cases-mark-late"]
    assert entry["task"] == "dropouts.tasks.dropout_cases_mark_late_task"

"""The rules of dropout cases: opening, the steps and their deadlines, going round again, the
observations that close or reopen a case, closing with another outcome, owners, revisions."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from carecore.models import AuditEvent, Notification
from dropouts import services
from dropouts.models import (
    CaseLogEntry,
    CaseObservation,
    DistrictCaseSettings,
    DropoutCase,
    Outcome,
    Situation,
    Step,
)
from dropouts.tests.helpers import (
    advance,
    ago,
    observe,
    open_child_case,
    open_student_case,
    reload,
    walk_to,
)

pytestmark = pytest.mark.django_db


def log_kinds(case) -> list[str]:
    with scopes_disabled():
        return list(
            CaseLogEntry.objects.filter(case=case).order_by("pk").values_list("kind", flat=True)
        )


class TestOpening:
    def test_a_child_case_starts_at_report_with_the_districts_deadline(self, world):
        case = open_child_case(world, reported_ago=1)
        assert case.step == Step.REPORT
        assert case.step_started == ago(1)
        assert case.step_due == ago(1) + datetime.timedelta(days=3)
        assert case.school is None and case.student is None
        assert case.child_name == "ด.ช.สมปอง ตกหล่น"
        assert log_kinds(case) == [CaseLogEntry.Kind.OPENED]
        with scopes_disabled():
            event = AuditEvent.objects.get(object_type="dropoutcase", object_id=str(case.pk))
        assert event.action == AuditEvent.Action.CREATE
        assert event.district_id == world.a.district.pk
        assert event.student_id is None
        assert "สมปอง" in event.summary  # a child who is no student is named in the description

    def test_a_school_report_tells_the_district_staff_with_a_link_only(
        self, world, django_capture_on_commit_callbacks
    ):
        supervisor = world.a.users["district_supervisor"]
        supervisor.email = "supervisor@example.org"
        supervisor.save()
        with django_capture_on_commit_callbacks(execute=True):
            case = open_student_case(world)
        assert case.school == world.a.school and case.reported_by_school
        notes = Notification.objects.filter(kind=Notification.Kind.CASE_REPORTED)
        assert {n.user for n in notes} == {
            world.a.users["district_supervisor"],
            world.a.users["district_admin"],
        }
        assert {n.url for n in notes} == {f"/d/{world.a.district.code}/cases/{case.pk}/"}
        with scopes_disabled():
            event = AuditEvent.objects.get(object_type="dropoutcase", object_id=str(case.pk))
        assert event.student_id == world.a.student.pk
        assert event.school_id == world.a.school.pk
        # The e-mails say that something waits, never who or what.
        assert [m.to for m in mail.outbox] == [["supervisor@example.org"]]
        for message in mail.outbox:
            assert world.a.student.first_name not in message.body
            assert "ขาดเรียน" not in message.body

    def test_bad_input_is_refused_and_nothing_is_written(self, world):
        with pytest.raises(ValidationError) as error:
            open_child_case(world, reported_ago=-1)
        assert "reported_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            open_child_case(world, situation=Situation.AT_RISK)
        assert "situation" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            open_child_case(world, first_name="")
        assert "first_name" in error.value.message_dict
        child = services.ChildDetails(first_name="ก", last_name="ข", national_id="1234567890123")
        with pytest.raises(ValidationError) as error, scope(district=world.a.district.pk):
            services.case_open(
                district=world.a.district,
                situation=Situation.NEVER_ENROLLED,
                reported_on=ago(0),
                reporter_kind="parent",
                child=child,
                user=world.a.users["district_supervisor"],
            )
        assert "national_id" in error.value.message_dict
        with scopes_disabled():
            assert not DropoutCase.objects.exists()

    def test_a_student_has_one_open_case_at_a_time_and_stays_in_the_district(self, world):
        open_student_case(world)
        with pytest.raises(ValidationError):
            open_student_case(world)
        with pytest.raises(ValidationError), scope(district=world.a.district.pk):
            services.case_open(
                district=world.a.district,
                situation=Situation.AT_RISK,
                reported_on=ago(0),
                reporter_kind="school",
                student=world.b.student,
                user=world.a.users["district_supervisor"],
            )

    def test_an_owner_given_at_opening_is_told(self, world):
        case = open_child_case(world, owner=world.a.users["district_admin"])
        note = Notification.objects.get(kind=Notification.Kind.CASE_ASSIGNED)
        assert note.user == world.a.users["district_admin"]
        assert note.url.endswith(f"/cases/{case.pk}/")


class TestSteps:
    def test_each_step_sets_its_deadline_and_writes_the_log(self, world):
        case = open_child_case(world, reported_ago=20)
        case = advance(world, case, days_ago=18, note="ประสานโรงเรียนและ รพ.สต.")
        assert (case.step, case.step_started) == (Step.COORDINATE, ago(18))
        assert case.step_due == ago(18) + datetime.timedelta(days=7)
        case = walk_to(world, case, Step.REFER_HELP, start_ago=15, every=3)
        assert case.step_due == case.step_started + datetime.timedelta(days=30)
        assert log_kinds(case) == ["opened"] + ["advanced"] * 4
        assert case.revision == 5

    def test_the_districts_settings_decide_the_deadlines_and_observations(self, world):
        with scopes_disabled():
            DistrictCaseSettings.objects.create(
                district=world.a.district, days_coordinate=10, observation_offsets=[14, 28]
            )
        case = open_child_case(world)
        case = advance(world, case)
        assert case.step_due == ago(0) + datetime.timedelta(days=10)
        case = advance(world, case, to=Step.BACK_IN_SCHOOL)  # a step may be skipped
        with scopes_disabled():
            dues = list(case.observations.values_list("due_on", flat=True))
        assert dues == [ago(-14), ago(-28)]
        assert case.step_due == ago(-14)

    def test_reaching_back_in_school_creates_three_observations_by_default(self, world):
        case = walk_to(
            world, open_child_case(world, reported_ago=10), Step.BACK_IN_SCHOOL, start_ago=9
        )
        with scopes_disabled():
            observations = list(CaseObservation.objects.filter(case=case))
        start = case.step_started
        assert [o.due_on for o in observations] == [
            start + datetime.timedelta(days=d) for d in (30, 60, 90)
        ]
        assert case.step_due == observations[0].due_on
        assert case.is_open

    def test_dates_must_follow_the_step_and_not_be_in_the_future(self, world):
        case = open_child_case(world, reported_ago=5)
        with pytest.raises(ValidationError) as error:
            advance(world, case, days_ago=6)
        assert "date" in error.value.message_dict
        with pytest.raises(ValidationError):
            advance(world, case, days_ago=-1)
        with pytest.raises(ValidationError) as error:
            advance(world, case, note="  ")
        assert "note" in error.value.message_dict
        with pytest.raises(ValidationError):
            advance(world, case, to=Step.REPORT)
        assert reload(case).step == Step.REPORT

    def test_round_again_from_the_meeting_or_the_referral_only(self, world):
        case = walk_to(world, open_child_case(world, reported_ago=10), Step.VISIT, start_ago=9)
        with pytest.raises(ValidationError), scope(district=case.district_id):
            services.case_round_again(case=case, revision=None, date=ago(0), note="x", user=None)
        case = walk_to(world, case, Step.REFER_HELP, start_ago=5)
        with scope(district=case.district_id):
            case = services.case_round_again(
                case=case,
                revision=case.revision,
                date=ago(0),
                note="ผู้ปกครองยังไม่ยอมให้กลับเรียน",
                user=world.a.users["district_supervisor"],
            )
        assert (case.step, case.round) == (Step.COORDINATE, 2)
        assert case.step_due == ago(0) + datetime.timedelta(days=7)
        assert log_kinds(case)[-1] == CaseLogEntry.Kind.ROUND

    def test_a_stale_form_is_refused(self, world):
        case = open_child_case(world)
        opened_at = case.revision
        advance(world, case)
        with pytest.raises(services.StaleCase) as error, scope(district=case.district_id):
            services.case_advance(case=case, revision=opened_at, date=ago(0), note="x", user=None)
        assert error.value.current.step == Step.COORDINATE
        assert reload(case).step == Step.COORDINATE


def back_in_school(world, *, days_ago: int):
    """A case whose child went back to school ``days_ago`` days ago."""
    case = open_child_case(world, reported_ago=days_ago + 5)
    case = walk_to(world, case, Step.REFER_HELP, start_ago=days_ago + 4)
    return advance(world, case, days_ago=days_ago)


class TestObservations:
    def test_the_last_observation_in_school_closes_the_case(self, world):
        case = back_in_school(world, days_ago=95)  # observations due 65, 35 and 5 days ago
        observe(world, case, still=True, days_ago=64)
        case = reload(case)
        assert case.step == Step.BACK_IN_SCHOOL and case.step_due == ago(35)
        observe(world, case, still=True, days_ago=35)
        observe(world, reload(case), still=True, days_ago=3, note="มาเรียนทุกวัน")
        case = reload(case)
        assert case.step == Step.CLOSED
        assert case.outcome == Outcome.BACK_IN_SCHOOL
        assert case.closed_on == ago(3)
        assert case.step_due is None
        assert log_kinds(case)[-2:] == [CaseLogEntry.Kind.OBSERVATION, CaseLogEntry.Kind.CLOSED]

    def test_an_observation_out_of_school_reopens_the_case(self, world):
        case = back_in_school(world, days_ago=40)
        observe(world, case, still=True, days_ago=10)
        observe(world, reload(case), still=False, days_ago=2, note="ไปทำงานกับพ่อ")
        case = reload(case)
        assert (case.step, case.round) == (Step.COORDINATE, 2)
        assert case.step_started == ago(2)
        assert case.step_due == ago(2) + datetime.timedelta(days=7)
        with scopes_disabled():
            assert CaseObservation.objects.filter(case=case).count() == 2  # pending ones dropped
        assert log_kinds(case)[-1] == CaseLogEntry.Kind.REOPENED
        # The next round reaches back in school again: a new series of observations.
        case = walk_to(world, case, Step.BACK_IN_SCHOOL, start_ago=1, every=0)
        with scopes_disabled():
            assert case.observations.filter(round=2).count() == 3

    def test_in_school_cannot_be_recorded_long_before_it_is_due(self, world):
        case = back_in_school(world, days_ago=1)  # first observation due in 29 days
        with pytest.raises(ValidationError) as error:
            observe(world, case, still=True)
        assert "observed_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            observe(world, case, still=False)  # out of school needs a note...
        assert "note" in error.value.message_dict
        observe(world, case, still=False, note="ย้ายออก")  # ...and may be recorded any day
        assert reload(case).step == Step.COORDINATE

    def test_observations_only_once_back_in_school(self, world):
        case = open_child_case(world)
        with pytest.raises(ValidationError):
            observe(world, case, still=True)


class TestClosing:
    def test_close_with_another_outcome_needs_a_note_and_drops_pending_observations(self, world):
        case = back_in_school(world, days_ago=10)
        with pytest.raises(ValidationError) as error, scope(district=case.district_id):
            services.case_close(
                case=case,
                revision=None,
                outcome=Outcome.BACK_IN_SCHOOL,
                closed_on=ago(0),
                note="",
                user=None,
            )
        assert {"outcome", "note"} <= set(error.value.message_dict)
        with scope(district=case.district_id):
            case = services.case_close(
                case=reload(case),
                revision=None,
                outcome=Outcome.MOVED_AWAY,
                closed_on=ago(0),
                note="ครอบครัวย้ายไปจังหวัดอื่น",
                user=world.a.users["district_supervisor"],
            )
        assert (case.step, case.outcome, case.closed_on) == (Step.CLOSED, "moved_away", ago(0))
        with scopes_disabled():
            assert not CaseObservation.objects.filter(case=case).exists()
        with pytest.raises(ValidationError), scope(district=case.district_id):
            services.case_close(
                case=case,
                revision=None,
                outcome="lost_contact",
                closed_on=ago(0),
                note="x",
                user=None,
            )


class TestOwnerAndTeam:
    def test_owner_must_be_district_staff_or_the_schools_coordinator(self, world):
        case = open_student_case(world)
        with pytest.raises(ValidationError), scope(district=case.district_id):
            services.case_owner_set(
                case=case, revision=None, owner=world.b.users["district_supervisor"], user=None
            )
        with scope(district=case.district_id):
            case = services.case_owner_set(
                case=case,
                revision=None,
                owner=world.a.users["coordinator"],
                user=world.a.users["district_supervisor"],
            )
        assert case.owner == world.a.users["coordinator"]
        note = Notification.objects.get(kind=Notification.Kind.CASE_ASSIGNED)
        # A coordinator follows the case on the school's pages.
        assert note.url == f"/s/{world.a.school.code}/cases/{case.pk}/"

    def test_taking_a_case_oneself_tells_nobody(self, world):
        case = open_child_case(world)
        with scope(district=case.district_id):
            services.case_owner_set(
                case=case,
                revision=None,
                owner=world.a.users["district_supervisor"],
                user=world.a.users["district_supervisor"],
            )
        assert not Notification.objects.filter(kind=Notification.Kind.CASE_ASSIGNED).exists()

    def test_team_members_and_notes_go_in_the_log(self, world):
        case = open_child_case(world, reported_ago=3)
        with scope(district=case.district_id):
            services.case_team_member_add(
                case=case, name="นางสาวมาลี", role="รพ.สต.", phone="081", user=None
            )
            services.case_note_add(case=case, date=ago(1), text="โทรคุยผู้ปกครอง", user=None)
            with pytest.raises(ValidationError):
                services.case_note_add(case=case, date=ago(4), text="x", user=None)
            with pytest.raises(ValidationError):
                services.case_team_member_add(case=case, name="", role="", user=None)
        assert log_kinds(case) == ["opened", "team", "note"]

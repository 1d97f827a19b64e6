"""The retention purge (districts/retention.py): the dry run changes nothing and counts right,
the real run anonymises exactly the students past retention, deletes their photos from storage,
keeps the dashboards' figures of past terms, is audited; the pages and who may use them; the
command."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scopes_disabled
from PIL import Image

from care.models import Activity, ActivityParticipant, CarePlan, Support
from carecore.models import AuditEvent
from conftest import make_student, th
from dashboards import figures
from districts.models import RetentionRun
from districts.retention import anonymised_birth_date, retention_run_start
from dropouts.models import DropoutCase
from referrals.models import Referral
from schools.models import Classroom, Grade, Term
from schools.services import academic_year_create
from screening.models import CareGroup, SdqResponse
from screening.summaries import eq_applies
from students.models import FamilyRecord, Guardian, RecordRevision, Student
from visits.models import HomeVisit, VisitPhoto

NOTE = "ยายเลี้ยงหลานคนเดียว พ่อแม่ไปทำงานกรุงเทพ"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "JPEG")
    return out.getvalue()


def give_history(school, student, year, teacher):
    """Records of every kind for ``student`` in academic ``year``; returns the stored files."""
    term = Term.objects.get(academic_year=year, number=1)
    day = term.start + datetime.timedelta(days=20)
    Guardian.objects.create(
        student=student, first_name="บุญมี", last_name="มีสุข", relation="grandmother"
    )
    FamilyRecord.objects.create(
        student=student,
        lives_with="grandparents",
        parents_status="working_away",
        household_size=3,
        income_per_month=4000,
        welfare_card=True,
        working_away_place="กรุงเทพ",
        household_members=[{"relation": "ยาย", "age": 70}],
    )
    RecordRevision.objects.create(
        student=student, section="family", data={"working_away_place": "กรุงเทพ"}, changes={}
    )
    visit = HomeVisit.objects.create(
        school=school,
        student=student,
        academic_year=year,
        status=HomeVisit.Status.DONE,
        date=day,
        visitors="ครูประจำชั้น",
        summary=NOTE,
        latitude=Decimal("16.4"),
        longitude=Decimal("102.8"),
    )
    photo = VisitPhoto(visit=visit, school=school, kind="outside", width=32, height=24)
    photo.image.save("p.jpg", ContentFile(jpeg()), save=False)
    photo.save()
    SdqResponse.objects.create(
        student=student,
        term=term,
        rater="teacher",
        status="complete",
        total=19,
        total_band="problem",
        level="problem",
        source="form",
    )
    CareGroup.objects.create(
        student=student, term=term, school=school, derived_level="problem", level="problem"
    )
    activity = Activity.objects.create(
        school=school,
        term=term,
        kind="counselling",
        category="prevention",
        date=day,
        topic="ให้คำปรึกษา",
        sensitive_notes=NOTE,
    )
    activity.attachment.save("note.pdf", ContentFile(b"%PDF-1.4"), save=True)
    ActivityParticipant.objects.create(activity=activity, school=school, student=student)
    CarePlan.objects.create(
        school=school,
        student=student,
        term=term,
        opened_on=day,
        problem=NOTE,
        goals="มาเรียนทุกวัน",
        status=CarePlan.Status.IN_PROGRESS,
        opened_by=teacher,
    )
    Support.objects.create(
        school=school, student=student, term=term, kind="equity", amount=Decimal("1000"), date=day
    )
    Referral.objects.create(
        school=school,
        student=student,
        kind=Referral.Kind.INTERNAL,
        to_role="counsellor",
        sender=teacher,
        sent_on=day,
        reason=NOTE,
        request="ช่วยดูแล",
        sensitive_notes=NOTE,
        answer_due=day + datetime.timedelta(days=3),
    )
    return [photo.image.name, activity.attachment.name]


@pytest.fixture
def past(world):
    """School A has a student who left 7 years ago (past 5 years' retention, with every kind of
    record), one who left 3 years ago, one who left 7 years ago with an open dropout case, and a
    current student who shared an activity with the first. School B (another district) has one
    who left 7 years ago."""
    a, b = world.a, world.b
    with scopes_disabled():
        old_year = academic_year_create(year=world.year.year - 7)
        recent_year = academic_year_create(year=world.year.year - 3)
        old_term = Term.objects.get(academic_year=old_year, number=1)
        room = Classroom.objects.create(school=a.school, academic_year=old_year, grade=Grade.P1)
        recent_room = Classroom.objects.create(
            school=a.school, academic_year=recent_year, grade=Grade.P6
        )
        b_room = Classroom.objects.create(school=b.school, academic_year=old_year, grade=Grade.P1)
        # Six in August: not yet six when term 1 starts (no EQ form due then).
        born = datetime.date(old_term.start.year - 6, 8, 20)
        old = make_student(a.school, room, 9001, 1, birth_date=born, nickname="ต้น")
        files = give_history(a.school, old, old_year, a.users["homeroom"])
        kept = make_student(a.school, room, 9002, 2, birth_date=born)
        with_case = make_student(a.school, room, 9003, 3)
        DropoutCase.objects.create(
            district=a.district,
            school=a.school,
            student=with_case,
            situation="dropped_out",
            reported_on=old_term.start,
            reporter_kind="school",
            step="visit",
            step_started=old_term.start,
        )
        recent = make_student(a.school, recent_room, 9004, 1)
        # The current student was in the old room too, and shares a parent meeting with `old`.
        from students.models import Enrolment

        Enrolment.objects.create(student=a.student, classroom=room, number=4)
        shared = Activity.objects.create(
            school=a.school,
            term=old_term,
            kind="parent_meeting",
            category="promotion",
            date=old_term.start,
            topic="ประชุมผู้ปกครอง",
            notes="ผู้ปกครองมาครบ",
        )
        for s in (old, a.student):
            ActivityParticipant.objects.create(activity=shared, school=a.school, student=s)
        other_district = make_student(b.school, b_room, 9005, 1)
    return {
        "old": old,
        "kept": kept,
        "with_case": with_case,
        "recent": recent,
        "other_district": other_district,
        "files": files,
        "shared": shared,
        "old_term": old_term,
        "old_year": old_year,
    }


def all_figures(world, past):
    """The figures of every term of the old year, per school, classroom and grade."""
    with scopes_disabled():
        out = {}
        for term in Term.objects.filter(academic_year=past["old_year"]):
            result = figures.compute(
                school_ids=[world.a.school.pk], term=term, today=past["old_term"].end
            )
            out[term.number] = {pk: (c.total, c.classrooms, c.grades) for pk, c in result.items()}
        return out


def snapshot():
    with scopes_disabled():
        return (
            sorted(Student.objects.values_list("pk", "first_name", "national_id", "birth_date")),
            Guardian.objects.count(),
            VisitPhoto.objects.count(),
        )


class TestDryRun:
    def test_changes_nothing_and_counts_per_school(
        self, world, past, login, django_capture_on_commit_callbacks
    ):
        before = snapshot()
        client = login(world.a.users["district_admin"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/d/{world.a.district.code}/retention/dry-run/")
        assert response.status_code == 302
        run = RetentionRun.objects.get()
        assert run.dry_run and run.status == RetentionRun.Status.DONE
        assert snapshot() == before
        # Only the student who left 7 years ago without an open case; not the one of 3 years
        # ago, the current students, the open case, nor another district's.
        assert run.student_ids == [past["old"].pk, past["kept"].pk]
        assert run.report["total"] == {
            "students": 2,
            "guardians": 1,
            "photos": 1,
            "attachments": 1,
            "visits": 1,
            "record_revisions": 1,
            "plans": 1,
            "referrals": 1,
            "dropout_cases": 0,
        }
        assert [s["code"] for s in run.report["schools"]] == [world.a.school.code]
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert 'id="confirm-purge"' in page.text
        assert world.a.school.name in page.text
        with scopes_disabled():
            event = AuditEvent.objects.get(object_type="retentionrun")
        assert event.user_id == world.a.users["district_admin"].pk
        assert event.district_id == world.a.district.pk


class TestPurge:
    def run_purge(self, world, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/d/{world.a.district.code}/retention/dry-run/")
        dry = RetentionRun.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/d/{world.a.district.code}/retention/runs/{dry.pk}/confirm/",
                {"understood": "on"},
            )
        assert response.status_code == 302
        return RetentionRun.objects.get(dry_run=False)

    def test_anonymises_exactly_those_past_retention_and_keeps_the_figures(
        self, world, past, login, django_capture_on_commit_callbacks
    ):
        figures_before = all_figures(world, past)
        with scopes_disabled():
            untouched = {
                key: Student.objects.filter(pk=past[key].pk).values().get()
                for key in ("with_case", "recent", "other_district")
            }
            current = Student.objects.filter(pk=world.a.student.pk).values().get()
        for name in past["files"]:
            assert default_storage.exists(name)
        client = login(world.a.users["district_admin"])
        run = self.run_purge(world, client, django_capture_on_commit_callbacks)
        assert run.status == RetentionRun.Status.DONE
        assert sorted(run.student_ids) == sorted([past["old"].pk, past["kept"].pk])
        with scopes_disabled():
            old = Student.objects.get(pk=past["old"].pk)
            assert old.first_name == "นิรนาม"
            assert old.last_name == str(old.pk)
            assert old.nickname == ""
            assert old.national_id != past["old"].national_id
            assert old.student_code != past["old"].student_code
            # The year of birth stays; the day does not, unless it must for the EQ figures.
            assert old.birth_date.year == past["old"].birth_date.year
            for term in Term.objects.filter(academic_year=past["old_year"]):
                assert eq_applies(old.birth_date, term.start) == eq_applies(
                    past["old"].birth_date, term.start
                )
            assert not Guardian.objects.filter(student=old).exists()
            assert not RecordRevision.objects.filter(student=old).exists()
            family = FamilyRecord.objects.get(student=old)
            assert family.working_away_place == "" and family.household_members == []
            assert family.household_size == 3  # counted by the profile figures
            visit = HomeVisit.objects.get(student=old)
            assert visit.summary == "" and visit.latitude is None
            assert visit.status == HomeVisit.Status.DONE
            assert not VisitPhoto.objects.filter(visit=visit).exists()
            assert CarePlan.objects.get(student=old).problem == ""
            referral = Referral.objects.get(student=old)
            assert referral.reason == "" and referral.sensitive_notes == ""
            sole = Activity.objects.get(participants__student=old, kind="counselling")
            assert sole.sensitive_notes == "" and not sole.attachment
            # A shared activity is the other child's record too: untouched.
            assert Activity.objects.get(pk=past["shared"].pk).notes == "ผู้ปกครองมาครบ"
            assert SdqResponse.objects.get(student=old).total == 19
            # Nobody else changed.
            for key, values in untouched.items():
                assert Student.objects.filter(pk=past[key].pk).values().get() == values
            assert Student.objects.filter(pk=world.a.student.pk).values().get() == current
            assert Guardian.objects.filter(student=world.a.student).exists()
            # Audited: one event per student, under the person who confirmed.
            events = AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, student_id=old.pk)
            assert events.count() == 1
            assert events.get().user_id == world.a.users["district_admin"].pk
            assert "ต้น" not in events.get().student_name
        for name in past["files"]:
            assert not default_storage.exists(name), name
        assert all_figures(world, past) == figures_before

    def test_a_dry_run_is_carried_out_once(
        self, world, past, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["district_admin"])
        self.run_purge(world, client, django_capture_on_commit_callbacks)
        dry = RetentionRun.objects.get(dry_run=True)
        response = client.post(
            f"/d/{world.a.district.code}/retention/runs/{dry.pk}/confirm/", {"understood": "on"}
        )
        assert response.status_code == 302
        assert RetentionRun.objects.filter(dry_run=False).count() == 1
        # A new dry run finds nobody left to anonymise.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/d/{world.a.district.code}/retention/dry-run/")
        assert RetentionRun.objects.filter(dry_run=True).latest("pk").student_ids == []

    def test_confirming_without_the_tick_removes_nothing(
        self, world, past, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["district_admin"])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/d/{world.a.district.code}/retention/dry-run/")
        dry = RetentionRun.objects.get()
        response = client.post(f"/d/{world.a.district.code}/retention/runs/{dry.pk}/confirm/")
        assert response.status_code == 400
        assert th("Tick the box to confirm that you have read the report.") in response.text
        assert not RetentionRun.objects.filter(dry_run=False).exists()


class TestBirthDate:
    def test_first_of_january_when_it_changes_nothing(self):
        terms = [Term(start=datetime.date(2019, 5, 16))]
        assert anonymised_birth_date(datetime.date(2010, 9, 3), terms) == datetime.date(2010, 1, 1)

    def test_another_first_of_the_month_at_the_eq_age_limit(self):
        terms = [Term(start=datetime.date(2019, 5, 16)), Term(start=datetime.date(2019, 11, 1))]
        born = datetime.date(2013, 8, 20)  # six in August 2019: EQ due in term 2 only
        result = anonymised_birth_date(born, terms)
        assert result.year == 2013 and result.day == 1
        assert [eq_applies(result, t.start) for t in terms] == [False, True]


class TestSettingsPage:
    def test_the_administrator_changes_the_period_and_it_is_audited(self, world, login):
        client = login(world.a.users["district_admin"])
        url = f"/d/{world.a.district.code}/retention/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"retention_years": "10"})
        assert response.status_code == 302
        world.a.district.refresh_from_db()
        assert world.a.district.retention_years == 10
        with scopes_disabled():
            event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
        assert event.changes == {"retention_years": ["5", "10"]}

    @pytest.mark.parametrize(
        "value, message",
        [
            ("0", "Keep the data at least 1 year."),
            ("51", "Keep the data at most 50 years."),
            # Beyond any date: refused by the form, not a 500 (the page computes the cutoff).
            ("99999999999999999999", "Keep the data at most 50 years."),
            ("abc", "Enter a whole number of years."),
            ("", "Enter a whole number of years."),
            ("5\x00", None),  # refused before the view (NUL bytes answer 400)
        ],
    )
    def test_bad_input_is_refused_with_a_thai_message(self, world, login, value, message):
        client = login(world.a.users["district_admin"])
        response = client.post(f"/d/{world.a.district.code}/retention/", {"retention_years": value})
        assert response.status_code == 400
        if message:
            assert th(message) in response.text
        world.a.district.refresh_from_db()
        assert world.a.district.retention_years == 5

    def test_the_supervisor_gets_403_and_other_districts_404(self, world, login):
        url = f"/d/{world.a.district.code}/retention/"
        assert login(world.a.users["district_supervisor"]).get(url).status_code == 403
        assert login(world.b.users["district_admin"]).get(url).status_code == 404
        assert login(world.a.users["director"]).get(url).status_code == 404

    def test_a_run_of_another_district_is_404(self, world, login):
        with scopes_disabled():
            run = retention_run_start(district=world.b.district, user=None, queue=False)
        client = login(world.a.users["district_admin"])
        url = f"/d/{world.a.district.code}/retention/runs/{run.pk}/"
        assert client.get(url).status_code == 404
        assert client.post(url + "confirm/", {"understood": "on"}).status_code == 404
        assert (
            login(world.b.users["district_supervisor"])
            .get(f"/d/{world.b.district.code}/retention/runs/{run.pk}/")
            .status_code
            == 403
        )


class TestCommand:
    def test_dry_run_then_purge(self, world, past):
        out = io.StringIO()
        call_command(
            "purge_personal_data", district=world.a.district.code, dry_run=True, stdout=out
        )
        assert "Nothing was changed" in out.getvalue()
        assert world.a.school.code in out.getvalue()
        with scopes_disabled():
            assert Student.objects.get(pk=past["old"].pk).first_name != "นิรนาม"
        call_command("purge_personal_data", district=world.a.district.code, stdout=io.StringIO())
        with scopes_disabled():
            assert Student.objects.get(pk=past["old"].pk).first_name == "นิรนาม"
            assert Student.objects.get(pk=past["recent"].pk).first_name != "นิรนาม"

    def test_the_purge_needs_a_dry_run_first(self, world, past):
        with pytest.raises(CommandError):
            call_command(
                "purge_personal_data", district=world.a.district.code, stdout=io.StringIO()
            )
        with pytest.raises(CommandError):
            call_command("purge_personal_data", district="nope", dry_run=True, stdout=io.StringIO())

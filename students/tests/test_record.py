"""The cumulative record's rules: BMI bands from the WHO table, income per person, revisions and
the audit log written by the services, completeness, who may edit, and the facts for screening."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django_scopes import scope, scopes_disabled

from carecore.access import _enter_school, school_get_for_user
from carecore.models import AuditEvent
from conftest import make_student
from schools.models import Classroom, Grade, Term
from students.access import can_edit_record
from students.models import (
    FamilyRecord,
    HealthRecord,
    RecordRevision,
    TermResult,
)
from students.record.sections import (
    BmiBand,
    bmi_assess,
    bmi_band_for_z,
    bmi_table,
    bmi_z,
    months_between,
)
from students.record.selectors import (
    record_completeness_for_classroom,
    record_facts,
    record_history,
    record_section_values,
)
from students.record.services import record_section_update, term_result_save

HEALTH_COMPLETE = {
    "weight_kg": Decimal("30.0"),
    "height_cm": Decimal("135.0"),
    "eyesight": "normal",
    "hearing": "normal",
    "has_chronic_illness": False,
}
FAMILY_COMPLETE = {
    "lives_with": "grandparents",
    "parents_status": "working_away",
    "working_away_place": "กรุงเทพมหานคร",
    "household_size": 4,
    "income_per_month": 9000,
    "welfare_card": True,
}
PROTECTION_COMPLETE = {"travel_mode": "walk", "travel_minutes": 15}


def born_months_ago(months: int, on: datetime.date) -> datetime.date:
    year, month = divmod(on.month - 1 - months, 12)
    return on.replace(year=on.year + year, month=month + 1, day=1)


# --- BMI ---------------------------------------------------------------------------------------
class TestBmiTable:
    def test_the_data_file_covers_5_to_19_years_for_both_sexes(self):
        table = bmi_table()
        assert len(table) == 2 * (228 - 61 + 1)
        # Spot values of the WHO 2007 tables (boys 10 years, girls 15 years).
        assert table[("M", 120)] == (-1.7407, 16.4433, 0.10566)
        assert table[("F", 180)] == (-1.1311, 20.2125, 0.13904)

    def test_the_median_has_z_zero(self):
        assert bmi_z(16.4433, "M", 120) == pytest.approx(0, abs=1e-9)


class TestBmiBandEdges:
    @pytest.mark.parametrize(
        ("z", "band"),
        [
            (-2.0001, BmiBand.THIN),
            (-2.0, BmiBand.NORMAL),
            (1.0, BmiBand.NORMAL),
            (1.0001, BmiBand.OVERWEIGHT),
            (2.0, BmiBand.OVERWEIGHT),
            (2.0001, BmiBand.OBESE),
        ],
    )
    def test_cut_offs(self, z, band):
        assert bmi_band_for_z(z) == band

    @pytest.mark.parametrize(
        ("sex", "months", "bmi", "band"),
        [
            # A boy of exactly 10 years: -2 SD is 13.7, +1 SD 18.5, +2 SD 21.4 (WHO chart).
            ("M", 120, "13.6", BmiBand.THIN),
            ("M", 120, "13.8", BmiBand.NORMAL),
            ("M", 120, "18.4", BmiBand.NORMAL),
            ("M", 120, "18.6", BmiBand.OVERWEIGHT),
            ("M", 120, "21.3", BmiBand.OVERWEIGHT),
            ("M", 120, "21.5", BmiBand.OBESE),
            # A girl of 15: -2 SD 15.9, +1 SD 23.5, +2 SD 28.2.
            ("F", 180, "15.8", BmiBand.THIN),
            ("F", 180, "16.0", BmiBand.NORMAL),
            ("F", 180, "23.4", BmiBand.NORMAL),
            ("F", 180, "23.6", BmiBand.OVERWEIGHT),
            ("F", 180, "28.1", BmiBand.OVERWEIGHT),
            ("F", 180, "28.3", BmiBand.OBESE),
        ],
    )
    def test_bands_either_side_of_the_published_cut_offs(self, sex, months, bmi, band):
        on = datetime.date(2025, 6, 15)
        # 100 cm tall: the BMI equals the weight.
        assessment = bmi_assess(
            weight_kg=Decimal(bmi),
            height_cm=Decimal("100"),
            sex=sex,
            birth_date=born_months_ago(months, on),
            on=on,
        )
        assert assessment.bmi == Decimal(bmi)
        assert assessment.months == months
        assert assessment.band == band

    def test_the_same_bmi_reads_differently_for_a_girl_and_a_boy(self):
        on = datetime.date(2025, 6, 15)
        born = born_months_ago(120, on)
        kwargs = {"weight_kg": Decimal("18.7"), "height_cm": Decimal("100"), "on": on}
        boy = bmi_assess(sex="M", birth_date=born, **kwargs)
        girl = bmi_assess(sex="F", birth_date=born, **kwargs)
        assert (boy.band, girl.band) == (BmiBand.OVERWEIGHT, BmiBand.NORMAL)

    def test_under_five_years_has_a_bmi_but_no_band(self):
        on = datetime.date(2025, 6, 15)
        for months, has_band in ((60, False), (61, True)):
            assessment = bmi_assess(
                weight_kg=Decimal("16"),
                height_cm=Decimal("100"),
                sex="F",
                birth_date=born_months_ago(months, on),
                on=on,
            )
            assert assessment.bmi == Decimal("16.0")
            assert (assessment.band is not None) is has_band
        assert "5" in assessment.__class__(Decimal(16), 60, None, None).no_band_reason

    def test_from_19_years_the_19_year_values_apply(self):
        on = datetime.date(2025, 6, 15)
        born = born_months_ago(240, on)
        assessment = bmi_assess(
            weight_kg=Decimal("30"), height_cm=Decimal("100"), sex="M", birth_date=born, on=on
        )
        assert assessment.band == BmiBand.OBESE  # +2 SD at 19 is 29.7

    def test_without_a_birth_date_there_is_no_band(self):
        assessment = bmi_assess(
            weight_kg=Decimal("30"),
            height_cm=Decimal("130"),
            sex="M",
            birth_date=None,
            on=datetime.date(2025, 6, 15),
        )
        assert assessment.bmi == Decimal("17.8")
        assert assessment.band is None

    def test_age_in_completed_months(self):
        born = datetime.date(2015, 6, 20)
        assert months_between(born, datetime.date(2025, 6, 19)) == 119
        assert months_between(born, datetime.date(2025, 6, 20)) == 120


# --- services ----------------------------------------------------------------------------------
def _update(world, section, data, user_key="homeroom", student=None, **kwargs):
    a = world.a
    with scope(school=a.school.pk):
        return record_section_update(
            student=student or a.student,
            section=section,
            data=data,
            user=a.users[user_key],
            **kwargs,
        )


class TestRecordSectionUpdate:
    def test_a_first_save_creates_the_section_with_a_revision_and_an_audit_entry(self, world):
        saved = _update(world, "health", HEALTH_COMPLETE)

        assert saved.created and saved.changed
        with scopes_disabled():
            health = HealthRecord.objects.get(student=world.a.student)
            revision = RecordRevision.objects.get(student=world.a.student)
            event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
        assert health.weight_kg == Decimal("30.0")
        assert health.updated_by == world.a.users["homeroom"]
        assert revision.section == "health"
        assert revision.changed_by_name == world.a.users["homeroom"].display_name
        assert revision.changes["weight_kg"] == [None, "30"]
        assert revision.data["eyesight"] == "normal"
        assert event.student_id == world.a.student.pk
        assert event.changes["weight_kg"][0] == ""
        assert Decimal(event.changes["weight_kg"][1]) == 30

    def test_a_change_keeps_before_and_after_and_leaves_the_rest(self, world):
        _update(world, "family", FAMILY_COMPLETE)
        saved = _update(world, "family", {"income_per_month": 6000}, user_key="coordinator")

        assert saved.changed and not saved.created
        assert saved.revision.changes == {"income_per_month": [9000, 6000]}
        with scopes_disabled():
            family = FamilyRecord.objects.get(student=world.a.student)
            change = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
        assert family.lives_with == "grandparents"  # untouched
        assert family.updated_by == world.a.users["coordinator"]
        assert change.changes == {"income_per_month": ["9000", "6000"]}

    def test_saving_the_same_values_writes_nothing(self, world):
        _update(world, "protection", PROTECTION_COMPLETE)
        saved = _update(world, "protection", {"travel_minutes": 15})
        assert not saved.changed
        with scopes_disabled():
            assert RecordRevision.objects.count() == 1
            assert AuditEvent.objects.count() == 1

    def test_a_note_says_where_a_change_came_from(self, world):
        saved = _update(world, "family", {"household_size": 5}, note="From the home visit")
        assert saved.revision.note == "From the home visit"

    def test_unknown_sections_and_fields_are_refused(self, world):
        with pytest.raises(ValueError):
            _update(world, "hobbies", {})
        with pytest.raises(ValueError):
            _update(world, "family", {"national_id": "1"})

    @pytest.mark.parametrize(
        ("section", "data"),
        [
            ("health", {"disabilities": ["flying"]}),
            ("health", {"disabilities": ["autism", "autism"]}),
            ("health", {"eyesight": "perfect"}),
            ("protection", {"risks": ["bad_luck"]}),
            ("family", {"household_members": [{"age": 7}]}),
        ],
    )
    def test_values_outside_the_lists_are_refused(self, world, section, data):
        with pytest.raises(ValidationError):
            _update(world, section, data)
        with scopes_disabled():
            assert not RecordRevision.objects.exists()

    def test_the_section_values_for_a_confirmation_page(self, world):
        _update(world, "protection", PROTECTION_COMPLETE)
        with scope(school=world.a.school.pk):
            values = record_section_values(student=world.a.student, section="protection")
            empty = record_section_values(student=world.a.student, section="family")
        assert values["travel_mode"] == "walk"
        assert values["travel_minutes"] == 15
        assert values["risks"] == []
        assert set(empty) >= {"household_size", "income_per_month"}
        assert all(v is None for v in empty.values())

    def test_revisions_are_append_only(self, world):
        saved = _update(world, "protection", PROTECTION_COMPLETE)
        saved.revision.note = "rewritten"
        with pytest.raises(ValueError):
            saved.revision.save()
        with pytest.raises(ValueError):
            saved.revision.delete()


class TestIncomePerPerson:
    @pytest.mark.parametrize(
        ("income", "size", "expected"),
        [(9000, 4, 2250), (10000, 3, 3333), (0, 5, 0), (9000, None, None), (None, 4, None)],
    )
    def test_income_divided_by_the_household(self, income, size, expected):
        family = FamilyRecord(income_per_month=income, household_size=size)
        assert family.income_per_person == expected


class TestTermResults:
    def _save(self, world, year=2568, term=1, gpa="3.25", **kwargs):
        with scope(school=world.a.school.pk):
            return term_result_save(
                student=world.a.student,
                year=year,
                term=term,
                gpa=Decimal(gpa) if gpa is not None else None,
                failed_subjects=kwargs.get("failed", []),
                incomplete_subjects=kwargs.get("incomplete", []),
                user=world.a.users["homeroom"],
            )

    def test_one_row_per_term_corrected_in_place_with_history(self, world):
        self._save(world, gpa="2.10", failed=["คณิตศาสตร์"])
        saved = self._save(world, gpa="2.35", failed=["คณิตศาสตร์"])

        assert saved.revision.item == "1/2568"
        assert saved.revision.section == "ability"
        assert saved.revision.changes == {"gpa": ["2.1", "2.35"]}
        with scopes_disabled():
            assert TermResult.objects.filter(student=world.a.student).count() == 1
        with scope(school=world.a.school.pk):
            history = record_history(student=world.a.student, section="ability")
        assert [(c.before, c.after) for c in history[0].changes] == [("2.10", "2.35")]

    @pytest.mark.parametrize("gpa", ["4.01", "-0.01"])
    def test_a_gpa_outside_0_to_4_is_refused(self, world, gpa):
        with pytest.raises(ValidationError):
            self._save(world, gpa=gpa)


# --- completeness ------------------------------------------------------------------------------
class TestCompleteness:
    def _status(self, world, classroom=None):
        with scope(school=world.a.school.pk):
            statuses = record_completeness_for_classroom(classroom=classroom or world.a.classroom)
        return statuses[world.a.student.pk]

    def test_nothing_recorded(self, world):
        status = self._status(world)
        assert (status.done, status.complete) == (0, False)

    def test_each_section_needs_its_required_facts(self, world):
        _update(world, "health", {**HEALTH_COMPLETE, "hearing": ""})
        _update(world, "family", {**FAMILY_COMPLETE, "welfare_card": None})
        _update(world, "protection", {"travel_mode": "walk"})
        _update(world, "ability", {"talents": "ฟุตบอล"})
        status = self._status(world)
        assert status.done == 0

        _update(world, "health", {"hearing": "normal"})
        _update(world, "family", {"welfare_card": False})
        _update(world, "protection", {"travel_minutes": 20})
        status = self._status(world)
        assert (status.health, status.family, status.protection) == (True, True, True)
        # P.4: the ability section also needs a grade-point average.
        assert not status.ability
        with scope(school=world.a.school.pk):
            term_result_save(
                student=world.a.student,
                year=2568,
                term=2,
                gpa=Decimal("3.1"),
                failed_subjects=[],
                incomplete_subjects=[],
                user=world.a.users["homeroom"],
            )
        assert self._status(world).complete

    def test_kindergarten_and_p1_need_no_grade_point_average(self, world):
        with scopes_disabled():
            k2 = Classroom.objects.create(
                school=world.a.school, academic_year=world.year, grade=Grade.K2, room=1
            )
            pupil = make_student(world.a.school, k2, 7001, 1)
        _update(world, "ability", {"talents": ""}, student=pupil)
        with scope(school=world.a.school.pk):
            status = record_completeness_for_classroom(classroom=k2)[pupil.pk]
        assert status.ability


# --- who may edit ------------------------------------------------------------------------------
class TestCanEditRecord:
    @pytest.mark.parametrize(
        ("role", "allowed"),
        [("homeroom", True), ("coordinator", True), ("counsellor", False), ("director", False)],
    )
    def test_roles(self, world, role, allowed):
        request = RequestFactory().get("/")
        request.user = world.a.users[role]
        school, perms = school_get_for_user(request, world.a.school.code)
        with scope(school=school.pk):
            _enter_school(request, school, perms)
            assert can_edit_record(request, world.a.student) is allowed

    def test_a_homeroom_teacher_only_for_their_own_rooms_students(self, world):
        request = RequestFactory().get("/")
        request.user = world.a.users["homeroom_other"]
        school, perms = school_get_for_user(request, world.a.school.code)
        with scope(school=school.pk):
            _enter_school(request, school, perms)
            assert not can_edit_record(request, world.a.student)
            assert can_edit_record(request, world.a.other_student)


# --- facts for screening -----------------------------------------------------------------------
class TestRecordFacts:
    def test_empty_record(self, world):
        with scope(school=world.a.school.pk):
            facts = record_facts(world.a.student)
        assert facts["gpa"] is None
        assert facts["income_per_person"] is None
        assert facts["risk_notes"] == []
        assert facts["disabilities"] == []
        assert facts["bmi_band"] is None

    def test_facts_from_every_section(self, world):
        _update(world, "family", FAMILY_COMPLETE)
        _update(
            world,
            "health",
            {**HEALTH_COMPLETE, "has_chronic_illness": True, "disabilities": ["learning"]},
        )
        _update(world, "protection", {**PROTECTION_COMPLETE, "risks": ["neglect", "substance"]})
        with scope(school=world.a.school.pk):
            for year, term, gpa in ((2567, 2, "2.80"), (2568, 1, "1.75")):
                term_result_save(
                    student=world.a.student,
                    year=year,
                    term=term,
                    gpa=Decimal(gpa),
                    failed_subjects=["คณิตศาสตร์"] if term == 1 else [],
                    incomplete_subjects=[],
                    user=world.a.users["homeroom"],
                )
            facts = record_facts(world.a.student)
            older = Term(academic_year=world.year, number=2)
            older.academic_year.year = 2567
            facts_then = record_facts(world.a.student, term=older)
        assert facts["gpa"] == Decimal("1.75")
        assert facts["gpa_term"] == "1/2568"
        assert facts["failed_subjects"] == ["คณิตศาสตร์"]
        assert facts_then["gpa"] == Decimal("2.80")
        assert facts["income_per_month"] == 9000
        assert facts["income_per_person"] == 2250
        assert facts["lives_with"] == "grandparents"
        assert facts["parents_status"] == "working_away"
        assert facts["welfare_card"] is True
        assert facts["risk_notes"] == ["neglect", "substance"]
        assert facts["disabilities"] == ["learning"]
        assert facts["chronic_illness"] is True
        assert facts["travel_minutes"] == 15
        assert facts["bmi"] == Decimal("16.5")
        assert facts["bmi_band"] in BmiBand.values

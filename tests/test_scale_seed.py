"""The scale seeder of the dashboard benchmark (bench/scale_seed.py): a tiny district, read back
through the application's own code and pages."""

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from bench.scale_seed import seed_scale
from care.coverage import Coverage, coverage_counts_for_schools
from carecore.models import User
from referrals.models import Referral
from schools.models import School
from schools.selectors import current_academic_year, current_term
from screening.models import CareGroup, SdqResponse
from students.models import Enrolment, Student

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the scale seeder writes with PostgreSQL COPY"
)


@pytest.fixture
def seeded(db):
    result = seed_scale(
        districts=1, schools_per_district=3, students=120, progress=lambda message: None
    )
    with scopes_disabled():
        schools = list(School.objects.filter(district_id=result["districts"][0]).order_by("code"))
    return result, schools


def test_it_seeds_the_asked_numbers_into_the_current_year(seeded):
    result, schools = seeded
    assert result["schools"] == 3 and len(schools) == 3
    with scopes_disabled():
        year = current_academic_year()
        enrolments = Enrolment.objects.filter(classroom__school__in=schools)
        assert enrolments.count() == 120
        assert Student.objects.filter(school__in=schools).count() == 120
        # Every student is enrolled once, in a classroom of the current academic year.
        assert set(enrolments.values_list("classroom__academic_year", flat=True)) == {year.pk}
        assert set(enrolments.values_list("academic_year", flat=True)) == {year.pk}
    assert result["term"] == f"{year.year}-{current_term().number}"


def test_coverage_reads_groups_and_care(seeded):
    _result, schools = seeded
    with scopes_disabled():
        figures = coverage_counts_for_schools(
            school_ids=[s.pk for s in schools], term=current_term()
        )
    assert set(figures) == {s.pk for s in schools}
    total = Coverage()
    for coverage in figures.values():
        total.merge(coverage)
    assert total.students == 120
    screened = total.students - total.not_screened
    assert screened >= 0.7 * total.students
    shares = {g: 100 * total.groups[g].total / screened for g in ("normal", "risk", "problem")}
    assert 50 <= shares["normal"] <= 88
    assert 5 <= shares["risk"] <= 32
    assert 3 <= shares["problem"] <= 25
    for group in ("normal", "risk", "problem"):
        assert total.groups[group].cared > 0
    assert total.overall.cared > 0


def test_groups_follow_from_the_forms(seeded):
    """A group's level is the worst level of the student's complete forms, as the app derives."""
    _result, schools = seeded
    with scopes_disabled():
        term = current_term()
        groups = {g.student_id: g for g in CareGroup.objects.filter(school__in=schools, term=term)}
        worst: dict[int, str] = {}
        order = {"normal": 0, "risk": 1, "problem": 2}
        for student_id, level in SdqResponse.objects.filter(
            student__school__in=schools, term=term, status="complete"
        ).values_list("student_id", "level"):
            if order[level] > order[worst.get(student_id, "normal")]:
                worst[student_id] = level
    assert groups
    for student_id, group in groups.items():
        assert group.derived_level == group.level
        assert group.school_id is not None
        assert worst.get(student_id, "normal") == group.level


def test_external_referrals_have_consent(seeded):
    _result, schools = seeded
    with scopes_disabled():
        referrals = list(Referral.objects.filter(school__in=schools))
    for referral in referrals:
        if referral.kind == Referral.Kind.EXTERNAL:
            assert referral.agency_id is not None
            assert referral.consent == "given" or referral.consent_not_asked_reason
        if referral.status == Referral.Status.CLOSED:
            assert referral.outcome


def test_a_director_of_a_seeded_school_opens_its_page(seeded, client):
    _result, schools = seeded
    school = schools[0]
    client.force_login(User.objects.get(username=f"bench-{school.code}-dir"))
    response = client.get(reverse("schools:school_detail", kwargs={"school_code": school.code}))
    assert response.status_code == 200
    assert school.name in response.text


def test_it_refuses_sqlite(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        seed_scale(districts=1, schools_per_district=1, students=10, progress=lambda m: None)


def test_seeded_rows_pass_the_models_validation(seeded):
    """Choices, validators (national IDs) and clean() accept what COPY wrote."""
    from care.models import Activity, ActivityParticipant, CarePlan, Support
    from dropouts.models import DropoutCase
    from screening.models import EqResponse
    from students.models import FamilyRecord, Guardian, HealthRecord, ProtectionRecord
    from visits.models import HomeVisit

    _result, schools = seeded
    models = [
        Student,
        Guardian,
        Enrolment,
        SdqResponse,
        EqResponse,
        CareGroup,
        FamilyRecord,
        HealthRecord,
        ProtectionRecord,
        HomeVisit,
        Activity,
        ActivityParticipant,
        CarePlan,
        Support,
        Referral,
        DropoutCase,
    ]
    with scopes_disabled():
        for model in models:
            rows = list(model.objects.order_by("-pk")[:10])
            # A tiny district may have no EQ form (ม.1 up), referral or support row by chance.
            assert rows or model in (EqResponse, Referral, Support), model
            for row in rows:
                row.full_clean(validate_unique=False)

"""The plan's writes (revision, strategies kept under their projects, copying last year's,
publishing) and its indicators computed from the schools' data: each measure counts exactly the
schools that meet it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from care.models import Activity, ActivityKind, Category
from care.tests.factories import CarePlanFactory
from districts.deadlines.tests.factories import CompletionFactory, DeadlineFactory
from districts.deadlines.tests.test_views import add_schools
from districts.plans import selectors, services
from districts.plans.models import Measure, Plan
from districts.plans.tests.factories import make_plan
from districts.supervision.tests.factories import make_round, make_visit
from districts.training import services as training
from referrals.tests.factories import ReferralFactory
from schools.models import AcademicYear
from schools.services import academic_year_create
from screening.models import CareGroup
from visits.tests.factories import HomeVisitFactory

DAY = datetime.timedelta(days=1)


def results_of(plan, school_ids):
    with scopes_disabled():
        plan = selectors.plan_with_parts(plan)
        results, _ = selectors.indicator_results(plan, school_ids=school_ids)
    return {r.indicator.measure: r for r in results}


@pytest.mark.django_db
def test_each_measure_counts_the_schools_that_meet_it(world, term):
    a = world.a
    (extra,) = add_schools(a, 1)
    today = timezone.localdate()
    with scopes_disabled():
        # School A runs all five steps; the extra school only screens.
        HomeVisitFactory(student=a.student)
        CareGroup.objects.create(
            student=a.student, term=term, school=a.school, derived_level="risk", level="risk"
        )
        Activity.objects.create(
            school=a.school, term=term, kind=ActivityKind.HOMEROOM, category=Category.PROMOTION,
            date=today, topic="โฮมรูม",
        )  # fmt: skip
        CarePlanFactory(student=a.student)
        ReferralFactory(student=a.student)
        # A deadline due yesterday: A met it on time, the extra school the day after.
        deadline = DeadlineFactory(
            district=a.district, opens_on=today - 9 * DAY, due_on=today - DAY
        )
        CompletionFactory(deadline=deadline, school=a.school, done_on=today - 2 * DAY)
        CompletionFactory(deadline=deadline, school=extra, done_on=today)
        # every staff member of A trained; at the extra school nobody has an account
        training.course_create(
            district=a.district, school=a.school, title="อบรม", starts_on=today, ends_on=today,
            hours=Decimal(6), memberships=a.school.memberships.all(),
        )  # fmt: skip
    round_ = make_round(a, schools=[a.school, extra])
    make_visit(a, round_, levels=(3, 3, 2, 3, 3))  # A: mean 2.8 of 4, above the middle 2.5
    make_visit(a, round_, school=extra, levels=(2, 2, 2, 3, 2))  # 2.2: below
    with scopes_disabled():
        CareGroup.objects.create(
            student=a.other_student, term=term, school=extra, derived_level="risk", level="risk"
        )
    plan = make_plan(a, world.year)
    by = results_of(plan, [a.school.pk, extra.pk])
    assert by[Measure.RUNS_SYSTEM].count == 2
    assert by[Measure.RUNS_SYSTEM].actual == Decimal("100.00") and by[Measure.RUNS_SYSTEM].met
    for measure in (
        Measure.RUNS_ALL, Measure.REPORTS_ON_TIME, Measure.GUIDANCE_EFFECTIVE, Measure.STAFF_TRAINED
    ):  # fmt: skip
        assert by[measure].count == 1, measure
        assert by[measure].actual == Decimal("50.00") and by[measure].met is False
    typed = by[Measure.TYPED]
    assert typed.count is None and typed.actual == Decimal(80) and typed.met is False
    # For the school alone (its page): whether it meets each one.
    mine = results_of(plan, [extra.pk])
    assert mine[Measure.RUNS_SYSTEM].count == 1 and mine[Measure.RUNS_ALL].count == 0
    # A count target: the count of schools (district B's school runs nothing).
    counted = make_plan(world.b, world.year, unit="count", measures=[Measure.RUNS_SYSTEM])
    assert results_of(counted, [world.b.school.pk])[Measure.RUNS_SYSTEM].actual == Decimal(0)
    assert results_of(counted, [a.school.pk, extra.pk])[Measure.RUNS_SYSTEM].actual == 2


@pytest.mark.django_db
def test_last_years_work_does_not_count(world):
    a = world.a
    with scopes_disabled():
        earlier = academic_year_create(year=world.year.year - 1)
        training.course_create(
            district=a.district, school=a.school, title="อบรมปีที่แล้ว",
            starts_on=earlier.start + 10 * DAY, ends_on=earlier.start + 10 * DAY,
            hours=Decimal(3), memberships=a.school.memberships.all(),
        )  # fmt: skip
    plan = make_plan(a, world.year, measures=[Measure.STAFF_TRAINED])
    assert results_of(plan, [a.school.pk])[Measure.STAFF_TRAINED].count == 0
    old = make_plan(a, earlier, measures=[Measure.STAFF_TRAINED])
    assert results_of(old, [a.school.pk])[Measure.STAFF_TRAINED].count == 1


@pytest.mark.django_db
def test_strategies_renamed_keep_their_projects_and_a_stale_save_is_refused(world):
    a = world.a
    plan = make_plan(a, world.year)
    user = a.users["district_admin"]
    with scopes_disabled():
        plan = services.plan_update(
            plan=plan, title=plan.title, policy="นโยบายใหม่",
            strategies=["กลยุทธ์ที่เปลี่ยนชื่อ", "กลยุทธ์ที่สอง"], revision=plan.revision, user=user,
        )  # fmt: skip
        first = plan.strategies.get(number=1)
        assert first.title == "กลยุทธ์ที่เปลี่ยนชื่อ" and first.projects.count() == 1
        with pytest.raises(ValidationError):  # the second has a project
            services.plan_update(
                plan=plan, title=plan.title, policy="", strategies=["เหลือข้อเดียว"],
                revision=plan.revision, user=user,
            )  # fmt: skip
        with pytest.raises(services.StalePlan):
            services.indicators_save(plan=plan, rows=[], revision=plan.revision - 1, user=user)
        assert plan.indicators.count() == len(Measure.values)
        assert Plan.objects.get(pk=plan.pk).updated_by == user


@pytest.mark.django_db
def test_a_plan_a_year_copied_from_the_year_before_and_published_when_complete(world):
    a = world.a
    user = a.users["district_supervisor"]
    with scopes_disabled():
        earlier = academic_year_create(year=world.year.year - 1)
        make_plan(a, earlier)
        with pytest.raises(ValidationError):
            services.plan_create(district=a.district, academic_year=earlier, title="ซ้ำ", user=user)
        plan = services.plan_create(
            district=a.district, academic_year=world.year, title="แผนใหม่", copy=True, user=user
        )
        assert [s.title for s in plan.strategies.all()][0].startswith("พัฒนาระบบ")
        assert plan.strategies.get(number=2).projects.get().budget == Decimal("30500.50")
        assert plan.indicators.get(measure=Measure.TYPED).actual is None  # not last year's
        empty = services.plan_create(
            district=world.b.district, academic_year=world.year, title="ว่าง", user=user
        )
        with pytest.raises(ValidationError):
            services.plan_publish(plan=empty, user=user)
        plan = services.plan_publish(plan=plan, user=user)
        assert plan.is_published and plan.published_at
        with pytest.raises(ValidationError):
            services.plan_delete(plan=plan)
        assert AcademicYear.objects.count() == 2

"""The fund's rules: one fund a year per district, nominations from the school's records inside
the window and once per student, selection within the budget, payments within the amount per
student; every write about a nominated student is audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scopes_disabled

from carecore.models import AuditEvent, Notification
from districts.fund import selectors, services
from districts.fund.models import Nomination
from districts.fund.tests.factories import DAY, fund_data, make_fund, make_need, make_nomination


@pytest.fixture(autouse=True)
def _english():
    """The services' messages as written (the tests match their words)."""
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_one_fund_per_district_and_year(world):
    make_fund(world.a, world.year)
    with pytest.raises(ValidationError) as error, scopes_disabled():
        services.fund_create(
            district=world.a.district, academic_year=world.year, data=fund_data(), user=None
        )
    assert "academic_year" in error.value.message_dict
    make_fund(world.b, world.year)  # another district: its own


@pytest.mark.django_db
def test_a_school_nominates_only_students_whose_records_show_a_need(world):
    a = world.a
    fund = make_fund(a, world.year)
    with pytest.raises(ValidationError, match="no need"):
        make_nomination(a, fund)
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    assert nomination.evidence[0]["kind"] == "group"
    with pytest.raises(ValidationError, match="already nominated"):
        make_nomination(a, fund)
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            student_id=a.student.pk, action=AuditEvent.Action.CREATE, object_type="nomination"
        ).exists()


@pytest.mark.django_db
def test_nominations_only_inside_the_window_of_a_published_fund(world):
    a = world.a
    make_need(a.student, world.year)
    draft = make_fund(a, world.year, publish=False)
    with pytest.raises(ValidationError, match="closed"):
        make_nomination(a, draft)
    fund = services.fund_publish(fund=draft)
    with pytest.raises(ValidationError, match="closed"):
        make_nomination(a, fund, today=fund.closes_on + DAY)


@pytest.mark.django_db
def test_another_schools_student_is_refused(world):
    fund = make_fund(world.a, world.year)
    make_need(world.b.student, world.year)
    with pytest.raises(ValidationError):
        make_nomination(world.a, fund, student=world.b.student)


@pytest.mark.django_db
def test_selection_stays_within_the_budget_and_payments_within_the_amount(world):
    a = world.a
    fund = make_fund(a, world.year, budget=Decimal("3000"), amount_per_student=Decimal("2000"))
    make_need(a.student, world.year)
    make_need(a.other_student, world.year)
    first = make_nomination(a, fund)
    second = make_nomination(a, fund, student=a.other_student)
    user = a.users["district_supervisor"]
    with scopes_disabled():
        services.nomination_decide(
            nomination=first, selected=True, reason="", user=user, revision=None
        )
        with pytest.raises(ValidationError, match="budget is used up"):
            services.nomination_decide(
                nomination=second, selected=True, reason="", user=user, revision=None
            )
        with pytest.raises(ValidationError):  # declining needs a reason
            services.nomination_decide(
                nomination=second, selected=False, reason=" ", user=user, revision=None
            )
        services.nomination_decide(
            nomination=second, selected=False, reason="งบประมาณไม่พอ", user=user, revision=None
        )
        with pytest.raises(ValidationError, match="Only a selected"):
            services.payment_record(
                nomination=second, paid_on=fund.opens_on, amount=Decimal(1), reference="", user=user
            )
        services.payment_record(
            nomination=first, paid_on=fund.opens_on, amount=Decimal(1500), reference="A1", user=user
        )
        with pytest.raises(ValidationError, match="more than the fund"):
            services.payment_record(
                nomination=first,
                paid_on=fund.opens_on,
                amount=Decimal(501),
                reference="",
                user=user,
            )
        with pytest.raises(ValidationError, match="has been paid"):
            services.nomination_decide(
                nomination=first, selected=False, reason="x", user=user, revision=None
            )
        figures = selectors.fund_figures(fund)
        told = list(Notification.objects.filter(kind=Notification.Kind.FUND_DECIDED))
    # The school's director, coordinator and counsellor, once per decision; no child's name.
    assert {n.user for n in told} >= {a.users["director"], a.users["coordinator"]}
    assert len(told) == 2 * 3
    assert all(a.student.first_name not in n.url + n.place for n in told)
    assert (figures.selected, figures.declined, figures.committed) == (1, 1, Decimal(2000))
    assert (figures.paid, figures.remaining) == (Decimal(1500), Decimal(1000))


@pytest.mark.django_db
def test_a_stale_decision_is_refused(world):
    a = world.a
    fund = make_fund(a, world.year)
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    user = a.users["district_supervisor"]
    with scopes_disabled():
        services.nomination_decide(
            nomination=nomination, selected=True, reason="", user=user, revision=1
        )
        with pytest.raises(services.StaleNomination):
            services.nomination_decide(
                nomination=nomination, selected=False, reason="x", user=user, revision=1
            )
        assert Nomination.objects.get().status == Nomination.Status.SELECTED


@pytest.mark.django_db
def test_the_budget_cannot_shrink_below_the_selected(world):
    a = world.a
    fund = make_fund(a, world.year)
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    with scopes_disabled():
        services.nomination_decide(
            nomination=nomination, selected=True, reason="", user=None, revision=None
        )
        with pytest.raises(ValidationError) as error:
            services.fund_update(fund=fund, data=fund_data(budget=Decimal(1000)), revision=None)
    assert "budget" in error.value.message_dict

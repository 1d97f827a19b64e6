"""The fund's pages: the district sets up and publishes a fund; director1's school nominates a
student from its records; the district's committee sees the nominated students, and no other,
selects one and records a payment; the school reads the decision. Query counts are fixed at 20
and 200 schools; junk and stale forms show a message, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore.models import AuditEvent
from districts.deadlines.tests.test_views import add_schools  # n schools in two networks
from districts.fund.models import Fund, Nomination, Payment
from districts.fund.tests.factories import make_fund, make_need, make_nomination


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def rows(model) -> list:
    with scopes_disabled():
        return list(model.objects.all())


def durl(side, name="list", **kwargs) -> str:
    return reverse(f"fund:{name}", kwargs={"district_code": side.district.code, **kwargs})


def surl(side, name="list", **kwargs) -> str:
    return reverse(f"fund_school:{name}", kwargs={"school_code": side.school.code, **kwargs})


@pytest.mark.django_db
def test_the_whole_round_from_fund_to_payment(world, login):
    a = world.a
    today = timezone.localdate()
    client = login(a.users["district_supervisor"])
    response = client.post(
        durl(a, "create"),
        {
            "academic_year": world.year.pk,
            "title": "กองทุนเพื่อนักเรียนยากจน",
            "budget": "๑๐,๐๐๐",
            "amount_per_student": "2,000",
            "criteria": "รายได้ครอบครัวต่ำกว่า 3,000 บาทต่อเดือน\nผ่านการเยี่ยมบ้าน",
            "opens_on": be(today),
            "closes_on": be(today + datetime.timedelta(days=14)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    fund = Fund.objects.get()
    assert fund.budget == 10000
    # A draft is not the school's.
    director = login(a.users["director"])
    assert director.get(surl(a, "fund", fund_id=fund.pk)).status_code == 404
    client = login(a.users["district_supervisor"])
    assert client.post(durl(a, "publish", fund_id=fund.pk)).status_code == 302

    make_need(a.student, world.year)
    director = login(a.users["director"])
    page = director.get(surl(a, "fund", fund_id=fund.pk))
    assertContains(page, "รายได้ครอบครัวต่ำกว่า 3,000 บาทต่อเดือน")
    assertContains(page, a.student.full_name)
    assertNotContains(page, a.other_student.full_name)  # no need in the records
    url = surl(a, "nominate", fund_id=fund.pk) + f"?student={a.student.pk}"
    page = director.post(url, {"reason": ""})
    assert page.status_code == 200  # the reason is required; nothing saved
    assert not rows(Nomination)
    assert director.post(url, {"reason": "บิดาว่างงาน"}).status_code == 302
    (nomination,) = rows(Nomination)
    assert nomination.school == a.school and nomination.evidence

    # The committee: the nominated student, not the other students of the school.
    client = login(a.users["district_supervisor"])
    page = client.get(durl(a, "nominations", fund_id=fund.pk))
    assertContains(page, a.student.full_name)
    assertNotContains(page, a.other_student.full_name)
    nurl = durl(a, "nomination", fund_id=fund.pk, fund_nomination_id=nomination.pk)
    page = client.get(nurl)
    assertContains(page, "บิดาว่างงาน")
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            student_id=a.student.pk,
            user_id=a.users["district_supervisor"].pk,
            action=AuditEvent.Action.VIEW,
        ).exists()
    assert (
        client.post(nurl, {"decision": "select", "reason": "", "revision": "1"}).status_code == 302
    )
    # A stale decision comes back with a message and what was typed.
    page = client.post(nurl, {"decision": "decline", "reason": "ซ้ำ", "revision": "1"})
    assert page.status_code == 200
    assertContains(page, "ซ้ำ")
    pay = durl(a, "pay", fund_id=fund.pk, fund_nomination_id=nomination.pk)
    page = client.post(pay, {"paid_on": be(today), "amount": "abc", "reference": "TR-1"})
    assert page.status_code == 200 and not rows(Payment)
    assertContains(page, "TR-1")
    page = client.post(pay, {"paid_on": be(today), "amount": "2,000.00", "reference": "TR-1"})
    assert page.status_code == 302
    page = client.get(durl(a, "detail", fund_id=fund.pk))
    assertNotContains(page, a.student.full_name)  # figures only
    assert page.context["figures"].paid == 2000

    director = login(a.users["director"])
    page = director.get(surl(a, "nomination", fund_id=fund.pk, fund_nomination_id=nomination.pk))
    assertContains(page, 'data-status="selected"')


@pytest.mark.django_db
def test_district_staff_see_no_student_but_the_nominated(world, login):
    a = world.a
    fund = make_fund(a, world.year)
    make_need(a.student, world.year)
    make_need(a.other_student, world.year)
    make_nomination(a, fund)
    client = login(a.users["district_admin"])
    # The school's side (the students to nominate) is not theirs.
    assert client.get(surl(a, "fund", fund_id=fund.pk)).status_code == 403
    student = f"?student={a.other_student.pk}"
    assert client.get(surl(a, "nominate", fund_id=fund.pk) + student).status_code == 403
    page = client.get(durl(a, "nominations", fund_id=fund.pk))
    assertContains(page, a.student.full_name)
    assertNotContains(page, a.other_student.full_name)
    # Being nominated opens the nomination to the committee, not the student's record.
    student_page = reverse(
        "students:student_detail", kwargs={"school_code": a.school.code, "student_id": a.student.pk}
    )
    assert client.get(student_page).status_code == 404


@pytest.mark.django_db
def test_another_district_or_school_answers_404(world, login):
    a, b = world.a, world.b
    fund = make_fund(a, world.year)
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    other = login(b.users["district_supervisor"])
    assert other.get(durl(b, "detail", fund_id=fund.pk)).status_code == 404
    kwargs = {"fund_id": fund.pk, "fund_nomination_id": nomination.pk}
    assert other.get(durl(b, "nomination", **kwargs)).status_code == 404
    director_b = login(b.users["director"])
    assert director_b.get(surl(b, "fund", fund_id=fund.pk)).status_code == 404
    director = login(a.users["director"])
    for junk in ("", "abc", "99999999999999999999", str(b.student.pk)):
        url = surl(a, "nominate", fund_id=fund.pk) + f"?student={junk}"
        assert director.get(url).status_code == 404
    teacher = login(a.users["homeroom"])
    assert teacher.get(surl(a, "list")).status_code == 403


@pytest.mark.django_db
def test_the_school_withdraws_a_nomination_not_yet_decided(world, login):
    a = world.a
    fund = make_fund(a, world.year)
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    director = login(a.users["director"])
    kwargs = {"fund_id": fund.pk, "fund_nomination_id": nomination.pk}
    assert director.post(surl(a, "withdraw", **kwargs)).status_code == 302
    assert not rows(Nomination)


# session, user, district, memberships, the scope's school ids, the fund, the nominations'
# counts, the payments' total, the counts per school, the payments per school, the schools.
DETAIL_QUERIES = 11
# session, user, district, memberships, the scope, the funds with their counts.
LIST_QUERIES = 6
# session, user, district, memberships, the scope, the fund, the nominations with their student
# and school, the audit events (one insert for every student shown).
NOMINATIONS_QUERIES = 8
# session, user, district, memberships, the scope, the fund, the nomination with its student,
# school and the people, the audit event, the payments.
NOMINATION_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_district_pages_keep_their_queries_whatever_the_schools(
    world, login, django_assert_num_queries, n
):
    a = world.a
    add_schools(a, n - 1)
    fund = make_fund(a, world.year)
    make_need(a.student, world.year)
    nomination = make_nomination(a, fund)
    client = login(a.users["district_supervisor"])
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(durl(a)).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(durl(a, "detail", fund_id=fund.pk))
    with django_assert_num_queries(NOMINATIONS_QUERIES):
        assert client.get(durl(a, "nominations", fund_id=fund.pk)).status_code == 200
    kwargs = {"fund_id": fund.pk, "fund_nomination_id": nomination.pk}
    with django_assert_num_queries(NOMINATION_QUERIES):
        assert client.get(durl(a, "nomination", **kwargs)).status_code == 200
    assert len(page.context["rows"]) == n + 0  # the side's school and the n - 1 added

"""A network's team supervises the schools of its network (docs/district-work.md, "Supervision"):
its supervisor plans a round, records a visit and reads the summary under /n/<network>/; another
network's round answers 404; the district sees the network's rounds. The notifications of a
visit sent and answered go to the right people only and name no child."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore.models import Notification
from districts.deadlines.tests.test_views import add_schools  # n schools in two networks
from districts.models import Network
from districts.supervision import services
from districts.supervision.models import Round, Visit
from districts.supervision.tests.factories import DAY, entries
from districts.supervision.tests.test_views import durl, visit_data


def nurl(side, name="list", **kwargs) -> str:
    return reverse(f"supervision_network:{name}", kwargs={"network_id": side.network.pk, **kwargs})


def network_round(side, *, schools=None, title="นิเทศเครือข่าย ภาคเรียนที่ 1") -> Round:
    today = timezone.localdate()
    with scopes_disabled():
        return services.round_create(
            district=side.district,
            network=side.network,
            title=title,
            starts_on=today - DAY,
            ends_on=today + DAY,
            supervisors="ทีมนิเทศเครือข่าย",
            schools=schools or [side.school],
            user=side.users["network"],
        )


def received(kind) -> set:
    with scopes_disabled():
        return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def texts_of(kind) -> str:
    with scopes_disabled():
        rows = Notification.objects.filter(kind=kind)
        return " ".join(f"{n.get_kind_display()} {n.place} {n.url}" for n in rows)


@pytest.mark.django_db
def test_the_network_supervisor_plans_records_and_sends_and_the_school_answers(world, login):
    a = world.a
    client = login(a.users["network"])
    page = client.get(nurl(a, "create"))
    assertNotContains(page, 'name="network"')  # the team is the network's own
    today = timezone.localdate()
    be = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
    response = client.post(
        nurl(a, "create"),
        {"title": "นิเทศเครือข่าย", "starts_on": be, "ends_on": be, "supervisors": "ทีม"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        round_ = Round.objects.get(title="นิเทศเครือข่าย")
        assert round_.network == a.network and list(round_.schools.all()) == [a.school]
    page = client.get(nurl(a, "visit", round_id=round_.pk, school_code=a.school.code))
    assertContains(page, 'id="visit-form"')
    data = visit_data(recommendations_2="จัดประชุมครูที่ปรึกษา", send="1")
    response = client.post(nurl(a, "visit", round_id=round_.pk, school_code=a.school.code), data)
    assert response.status_code == 302
    sent = Notification.Kind.SUPERVISION_SENT
    assert received(sent) == {a.users["director"].username, a.users["coordinator"].username}
    assert a.student.first_name not in texts_of(sent)

    # The district office sees the network's round among its own.
    assertContains(login(a.users["district_supervisor"]).get(durl(a)), "นิเทศเครือข่าย")

    with scopes_disabled():
        visit = Visit.objects.get(round=round_)
        services.visit_answer(
            visit=visit,
            actions={2: "ประชุมครูแล้ว"},
            user=a.users["director"],
            revision=visit.revision,
        )
    answered = Notification.Kind.SUPERVISION_ANSWERED
    assert received(answered) == {a.users["network"].username}
    assert f"/n/{a.network.pk}/supervision/{round_.pk}/" in texts_of(answered)
    page = login(a.users["network"]).get(
        nurl(a, "visit", round_id=round_.pk, school_code=a.school.code)
    )
    assertContains(page, "ประชุมครูแล้ว")


@pytest.mark.django_db
def test_a_district_visit_notifies_the_school_and_the_answer_the_district(world):
    a = world.a
    with scopes_disabled():
        round_ = services.round_create(
            district=a.district,
            title="รอบเขต",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            supervisors="ศึกษานิเทศก์",
            schools=[a.school],
            user=a.users["district_admin"],
        )
        visit = services.visit_save(
            round_=round_,
            school=a.school,
            visited_on=timezone.localdate(),
            overall="",
            entries=entries(),
            user=a.users["district_supervisor"],
        )
    assert received(Notification.Kind.SUPERVISION_SENT) == set()  # a draft tells nobody
    with scopes_disabled():
        services.visit_save(
            round_=round_,
            school=a.school,
            visited_on=timezone.localdate(),
            overall="",
            entries=entries(),
            user=a.users["district_supervisor"],
            send=True,
            revision=visit.revision,
        )
        visit.refresh_from_db()
        services.visit_answer(
            visit=visit, actions={}, user=a.users["coordinator"], revision=visit.revision
        )
    assert received(Notification.Kind.SUPERVISION_SENT) == {
        a.users["director"].username,
        a.users["coordinator"].username,
    }
    assert received(Notification.Kind.SUPERVISION_ANSWERED) == {
        a.users["district_admin"].username,
        a.users["district_supervisor"].username,
    }
    assert f"/d/{a.district.code}/supervision/" in texts_of(Notification.Kind.SUPERVISION_ANSWERED)


@pytest.mark.django_db
def test_another_networks_round_and_pages_answer_404(world, login):
    a, b = world.a, world.b
    theirs = network_round(b)
    with scopes_disabled():
        second = Network.objects.create(district=a.district, name="เครือข่ายข้างเคียง")
        school = add_schools(a, 1)[0]
        school.network = second
        school.save()
        neighbour = services.round_create(
            district=a.district,
            network=second,
            title="รอบข้างเคียง",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            supervisors="ทีม",
            schools=[school],
            user=a.users["district_supervisor"],
        )
    district_round = network_round(a, title="ของเครือข่ายเรา")
    client = login(a.users["network"])
    assertNotContains(client.get(nurl(a)), "รอบข้างเคียง")
    for round_ in (theirs, neighbour):
        for name in ("round", "summary"):
            assert client.get(nurl(a, name, round_id=round_.pk)).status_code == 404
    assert client.get(nurl(b)).status_code == 404  # another district's network
    assert client.get(nurl(a, "round", round_id=district_round.pk)).status_code == 200
    # A school outside the round (and so outside the network): 404 too.
    missing = nurl(a, "visit", round_id=district_round.pk, school_code=school.code)
    assert client.get(missing).status_code == 404
    # A school's staff have no network pages.
    assert login(a.users["director"]).get(nurl(a)).status_code in (403, 404)


@pytest.mark.django_db
def test_a_networks_round_covers_only_its_schools(world):
    a = world.a
    other = add_schools(a, 2)[0]  # in the second network
    with pytest.raises(ValidationError) as refused:
        network_round(a, schools=[a.school, other])
    # Said of the schools chosen, in the user's language (Thai here).
    assert refused.value.message_dict["schools"] == [
        "ทีมนิเทศของเครือข่ายนิเทศเฉพาะโรงเรียนในเครือข่ายของตน"
    ]


# session, user, network, memberships, the scope; then the page's own (as the district's pages;
# a round's page one more: the network's district, named in the frame of the visit rows).
NETWORK_LIST_QUERIES = 6
NETWORK_ROUND_QUERIES = 9
NETWORK_SUMMARY_QUERIES = 8


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_networks_pages_keep_their_queries_whatever_the_schools(
    world, login, n, django_assert_num_queries
):
    a = world.a
    added = add_schools(a, n - 1)
    ours = [a.school, *[s for s in added if s.network_id == a.network.pk]]
    round_ = network_round(a, schools=ours)
    with scopes_disabled():
        for school in ours[: len(ours) // 2]:
            services.visit_save(
                round_=round_,
                school=school,
                visited_on=timezone.localdate(),
                overall="",
                entries=entries(),
                user=a.users["network"],
                send=True,
            )
    client = login(a.users["network"])
    with django_assert_num_queries(NETWORK_LIST_QUERIES):
        response = client.get(nurl(a))
    assertContains(response, f'data-schools="{len(ours)}"')
    with django_assert_num_queries(NETWORK_ROUND_QUERIES):
        response = client.get(nurl(a, "round", round_id=round_.pk))
    assert response.content.decode().count("school-row") == len(ours)
    with django_assert_num_queries(NETWORK_SUMMARY_QUERIES):
        response = client.get(nurl(a, "summary", round_id=round_.pk))
    assertContains(response, "<svg")
    assertNotContains(response, "round-report")

"""A round published to the schools tells their directors; its results released tell the
director and coordinator of each school assessed; nobody else, and never a child's name."""

import pytest
from django_scopes import scopes_disabled

from carecore.models import Notification
from districts.assessments import services
from districts.assessments.tests.factories import make_round, release, score, submit


def received(kind) -> set:
    with scopes_disabled():
        return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.mark.django_db
def test_the_directors_are_told_of_the_round_then_leaders_of_the_results(world):
    a, b = world.a, world.b
    draft = make_round(a, publish=False)
    assert received(Notification.Kind.ASSESSMENT_OPENED) == set()  # a draft tells nobody
    with scopes_disabled():
        round_ = services.round_publish(round_=draft)
    assert received(Notification.Kind.ASSESSMENT_OPENED) == {a.users["director"].username}
    with scopes_disabled():
        row = Notification.objects.get(kind=Notification.Kind.ASSESSMENT_OPENED)
    assert row.url == f"/s/{a.school.code}/assessments/{round_.pk}/"
    assert row.place == a.school.name
    assessment = submit(a, round_)
    score(assessment, a.users["district_supervisor"])
    release(round_)
    assert received(Notification.Kind.ASSESSMENT_RELEASED) == {
        a.users["director"].username,
        a.users["coordinator"].username,
    }
    with scopes_disabled():
        texts = [
            f"{n.get_kind_display()} {n.place}"
            for n in Notification.objects.filter(kind__startswith="assessment_")
        ]
    assert not any(a.student.first_name in t or b.school.name in t for t in texts)

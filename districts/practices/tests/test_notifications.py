"""A good practice sent for review tells the district's reviewers; published or sent back, it
tells the school's staff who sent it; nobody else, and never a child's name."""

import pytest
from django_scopes import scopes_disabled

from carecore.models import Notification
from districts.practices import services
from districts.practices.tests.factories import practice_make


def received(kind) -> set:
    with scopes_disabled():
        return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["publish", "send_back"])
def test_the_reviewers_then_the_sender_are_told(world, decision):
    a = world.a
    with scopes_disabled():
        practice = practice_make(a.school, a.users["coordinator"])
        practice = services.practice_submit(practice=practice, user=a.users["coordinator"])
    assert received(Notification.Kind.PRACTICE_SUBMITTED) == {
        a.users["district_supervisor"].username,
        a.users["district_admin"].username,
    }
    with scopes_disabled():
        row = Notification.objects.get(
            kind=Notification.Kind.PRACTICE_SUBMITTED, user=a.users["district_admin"]
        )
    assert row.url == f"/d/{a.district.code}/practices/{practice.pk}/"
    assert row.place == a.school.name and a.student.first_name not in row.get_kind_display()
    with scopes_disabled():
        if decision == "publish":
            services.practice_publish(practice=practice, user=a.users["district_admin"])
            kind = Notification.Kind.PRACTICE_PUBLISHED
        else:
            services.practice_send_back(
                practice=practice, user=a.users["district_admin"], comment="เพิ่มผลการดำเนินงาน"
            )
            kind = Notification.Kind.PRACTICE_RETURNED
    assert received(kind) == {a.users["coordinator"].username}
    with scopes_disabled():
        row = Notification.objects.get(kind=kind)
    assert row.url == f"/s/{a.school.code}/practices/{practice.pk}/"
    assert received(Notification.Kind.SUPERVISION_SENT) == set()

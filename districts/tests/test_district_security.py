"""The district's account-security page: the district administrator decides whether homeroom
teachers must use two-factor authentication (carecore/mfa.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from carecore.models import AuditEvent
from conftest import th


def security_url(side) -> str:
    return reverse("districts:district_security", kwargs={"district_code": side.district.code})


@pytest.mark.django_db
class TestDistrictSecurity:
    def test_the_district_administrator_requires_it_of_homeroom_teachers(self, world, login):
        admin = world.a.users["district_admin"]
        client = login(admin)
        detail = client.get(
            reverse("districts:district_detail", kwargs={"district_code": world.a.district.code})
        )
        assert security_url(world.a) in detail.content.decode()
        page = client.get(security_url(world.a))
        assert page.status_code == 200
        assert th("homeroom teachers must use two-factor authentication") in page.content.decode()

        response = client.post(security_url(world.a), {"require_mfa_for_homeroom": "on"})
        assert response["Location"] == security_url(world.a)
        world.a.district.refresh_from_db()
        assert world.a.district.require_mfa_for_homeroom
        followed = client.get(response["Location"])
        assert th("The account security settings are saved.") in followed.content.decode()
        event = AuditEvent.objects.get(district_id=world.a.district.pk, object_type="district")
        assert event.user_id == admin.pk
        assert event.changes == {"require_mfa_for_homeroom": ["False", "True"]}
        # The other district is untouched.
        world.b.district.refresh_from_db()
        assert not world.b.district.require_mfa_for_homeroom

        # Unticking turns it off again.
        client.post(security_url(world.a), {})
        world.a.district.refresh_from_db()
        assert not world.a.district.require_mfa_for_homeroom

    def test_a_teacher_past_the_grace_period_is_then_sent_to_enrolment(self, world, login):
        teacher = world.a.users["homeroom"]
        teacher.mfa_grace_started = timezone.now() - datetime.timedelta(days=30)
        teacher.save(update_fields=["mfa_grace_started"])
        teacher_client = login(teacher)
        assert teacher_client.get("/classrooms/").status_code == 200

        admin_client = type(teacher_client)()
        admin_client.force_login(world.a.users["district_admin"])
        admin_client.post(security_url(world.a), {"require_mfa_for_homeroom": "on"})
        assert teacher_client.get("/classrooms/")["Location"] == reverse("mfa_activate_totp")

    def test_the_district_supervisor_may_not(self, world, login):
        client = login(world.a.users["district_supervisor"])
        assert client.get(security_url(world.a)).status_code == 403
        assert (
            client.post(security_url(world.a), {"require_mfa_for_homeroom": "on"}).status_code
            == 403
        )
        world.a.district.refresh_from_db()
        assert not world.a.district.require_mfa_for_homeroom

    def test_another_districts_administrator_gets_404(self, world, login):
        client = login(world.b.users["district_admin"])
        assert client.get(security_url(world.a)).status_code == 404
        assert (
            client.post(security_url(world.a), {"require_mfa_for_homeroom": "on"}).status_code
            == 404
        )
        world.a.district.refresh_from_db()
        assert not world.a.district.require_mfa_for_homeroom

    def test_school_staff_get_404(self, world, login):
        client = login(world.a.users["director"])
        assert client.get(security_url(world.a)).status_code == 404

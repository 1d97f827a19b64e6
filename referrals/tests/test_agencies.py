"""The district's directory of partner agencies: the district's pages (list with filters, add,
edit, take out of use, put back, remove) and the school's read-only directory."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from conftest import th
from referrals import agency_services
from referrals.agency_forms import normalize_thai_phone
from referrals.models import Agency, AgencyKind

HOSPITAL = "โรงพยาบาลขอนแก่น"


def agency(district, name=HOSPITAL, **extra) -> Agency:
    values = {
        "kind": AgencyKind.HOSPITAL,
        "phone": "043-009-900",
        "contact_people": "นางสาวพรทิพย์ ศรีสุข, นักสังคมสงเคราะห์, 081-234-5678",
        "mou_signed": True,
        **extra,
    }
    return Agency.objects.create(district=district, name=name, **values)


def list_url(world, **kwargs) -> str:
    return reverse("agencies:list", kwargs={"district_code": world.a.district.code, **kwargs})


def d_url(world, name, **kwargs) -> str:
    return reverse(f"agencies:{name}", kwargs={"district_code": world.a.district.code, **kwargs})


def form_data(**extra) -> dict:
    return {
        "name": "สถานีตำรวจภูธรเมืองขอนแก่น",
        "kind": AgencyKind.POLICE,
        "phone": "043 221 162",
        "email": "",
        "address": "ถนนกลางเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น",
        "contact_people": "  ร.ต.อ.สมชาย ใจกล้า, พนักงานสอบสวนเด็ก,   081-000-1111 \n\n",
        "services": "คดีเด็กและเยาวชน",
        "mou_signed": "on",
        "mou_date": "15/06/2567",
        **extra,
    }


class TestPhone:
    @pytest.mark.parametrize(
        "typed, stored",
        [
            ("043221162", "043-221-162"),
            ("043 221 162", "043-221-162"),
            ("02-123-4567", "02-123-4567"),
            ("0812345678", "081-234-5678"),
            ("+66 81 234 5678", "081-234-5678"),
            ("1300", "1300"),
            ("191", "191"),
            ("043-221-162 ต่อ 12", "043-221-162 ต่อ 12"),
            ("043221162 ext. 5, 0812345678", "043-221-162 ต่อ 5, 081-234-5678"),
            ("043-221-162 / 1323", "043-221-162, 1323"),
            ("", ""),
        ],
    )
    def test_thai_numbers_are_written_the_usual_way(self, typed, stored):
        assert normalize_thai_phone(typed) == stored

    @pytest.mark.parametrize(
        "typed", ["12345", "0431234", "08123456789", "abc", "+1 415 555 0100", "043-22x-162"]
    )
    def test_other_numbers_are_refused(self, typed):
        with pytest.raises(ValidationError):
            normalize_thai_phone(typed)


class TestDistrictManagesTheDirectory:
    @pytest.mark.parametrize("role", ["district_supervisor", "district_admin"])
    def test_add_an_agency(self, world, login, role):
        client = login(world.a.users[role])
        assert client.get(d_url(world, "create")).status_code == 200
        response = client.post(d_url(world, "create"), form_data())
        assert response.status_code == 302
        assert response["Location"] == list_url(world)
        added = Agency.objects.get(district=world.a.district)
        assert added.name == "สถานีตำรวจภูธรเมืองขอนแก่น"
        assert added.phone == "043-221-162"
        assert added.contact_people == "ร.ต.อ.สมชาย ใจกล้า, พนักงานสอบสวนเด็ก, 081-000-1111"
        assert added.mou_signed and added.mou_date == datetime.date(2024, 6, 15)
        assert added.active

    def test_a_bad_phone_keeps_what_was_typed(self, world, login):
        client = login(world.a.users["district_admin"])
        response = client.post(d_url(world, "create"), form_data(phone="04-12"))
        assert response.status_code == 200
        assert "phone" in response.context["form"].errors
        page = response.content.decode()
        assert 'value="04-12"' in page
        assert "ถนนกลางเมือง" in page
        assert not Agency.objects.exists()

    def test_the_same_name_twice_in_a_district_is_refused_with_a_message(self, world, login):
        agency(world.a.district, name="สถานีตำรวจภูธรเมืองขอนแก่น")
        client = login(world.a.users["district_admin"])
        response = client.post(d_url(world, "create"), form_data(name="  สถานีตำรวจภูธรเมืองขอนแก่น "))
        assert response.status_code == 200
        assert response.context["form"].errors["name"]
        assert Agency.objects.count() == 1

    def test_the_same_name_in_another_district_is_fine(self, world, login):
        agency(world.b.district, name="สถานีตำรวจภูธรเมืองขอนแก่น")
        client = login(world.a.users["district_admin"])
        assert client.post(d_url(world, "create"), form_data()).status_code == 302
        assert Agency.objects.count() == 2

    def test_a_race_on_the_name_is_a_message_not_a_500(self, world):
        agency(world.a.district, name="ซ้ำ")
        data = {name: "" for name in agency_services.AGENCY_FIELDS}
        data.update(name="ซ้ำ", kind=AgencyKind.OTHER, mou_signed=False, mou_date=None)
        with pytest.raises(ValidationError) as error:
            agency_services.agency_create(district=world.a.district, data=data)
        assert "name" in error.value.message_dict

    def test_mou_date_needs_the_mou_ticked_and_not_in_the_future(self, world, login):
        client = login(world.a.users["district_admin"])
        response = client.post(d_url(world, "create"), form_data(mou_signed=""))
        assert "mou_date" in response.context["form"].errors
        future = timezone.localdate() + datetime.timedelta(days=3)
        be = f"{future.day:02d}/{future.month:02d}/{future.year + 543}"
        response = client.post(d_url(world, "create"), form_data(mou_date=be))
        assert "mou_date" in response.context["form"].errors
        response = client.post(d_url(world, "create"), form_data(mou_date="31/02/2567"))
        assert "mou_date" in response.context["form"].errors
        assert not Agency.objects.exists()

    def test_edit(self, world, login):
        existing = agency(world.a.district)
        client = login(world.a.users["district_supervisor"])
        target = d_url(world, "edit", agency_id=existing.pk)
        page = client.get(target)
        assert page.status_code == 200
        assert HOSPITAL in page.content.decode()
        response = client.post(
            target,
            form_data(name=HOSPITAL, kind=AgencyKind.HOSPITAL, phone="043-009-900, 1669"),
        )
        assert response.status_code == 302
        existing.refresh_from_db()
        assert existing.phone == "043-009-900, 1669"
        assert existing.name == HOSPITAL  # its own name is not a duplicate

    def test_another_districts_agency_does_not_exist(self, world, login):
        other = agency(world.b.district)
        client = login(world.a.users["district_admin"])
        assert client.get(d_url(world, "edit", agency_id=other.pk)).status_code == 404
        response = client.post(d_url(world, "set_active", agency_id=other.pk), {"active": "0"})
        assert response.status_code == 404
        assert client.post(d_url(world, "delete", agency_id=other.pk)).status_code == 404
        other.refresh_from_db()
        assert other.active

    def test_take_out_of_use_and_put_back(self, world, login):
        existing = agency(world.a.district)
        client = login(world.a.users["district_admin"])
        target = d_url(world, "set_active", agency_id=existing.pk)
        response = client.post(target, {"active": "0", "query": "kind=hospital"})
        assert response.status_code == 302
        assert response["Location"] == list_url(world) + "?kind=hospital"
        existing.refresh_from_db()
        assert not existing.active
        with scope(school=world.a.school.pk):
            assert existing not in agency_services.agencies_for_school(world.a.school)
            assert existing in agency_services.agencies_for_school(
                world.a.school, active_only=False
            )
        client.post(target, {"active": "1"})
        existing.refresh_from_db()
        assert existing.active

    def test_the_redirect_stays_on_the_list(self, world, login):
        existing = agency(world.a.district)
        client = login(world.a.users["district_admin"])
        response = client.post(
            d_url(world, "set_active", agency_id=existing.pk),
            {"active": "0", "query": "//evil.example/"},
        )
        assert response["Location"].startswith(list_url(world) + "?")

    def test_get_does_not_change_anything(self, world, login):
        existing = agency(world.a.district)
        client = login(world.a.users["district_admin"])
        response = client.get(d_url(world, "set_active", agency_id=existing.pk))
        assert response.status_code == 405
        assert client.get(d_url(world, "delete", agency_id=existing.pk)).status_code == 405

    def test_remove_one_never_referred_to(self, world, login):
        existing = agency(world.a.district)
        client = login(world.a.users["district_admin"])
        response = client.post(d_url(world, "delete", agency_id=existing.pk))
        assert response.status_code == 302
        assert not Agency.objects.exists()

    def test_one_referred_to_is_never_removed(self, world, login):
        from referrals.models import Referral

        existing = agency(world.a.district)
        with scopes_disabled():
            Referral.objects.create(
                school=world.a.school,
                student=world.a.student,
                kind=Referral.Kind.EXTERNAL,
                agency=existing,
                reason="r",
                request="q",
                answer_due=timezone.localdate(),
                consent=Referral.Consent.GIVEN,
                consent_by="มารดา",
            )
        client = login(world.a.users["district_admin"])
        response = client.post(d_url(world, "delete", agency_id=existing.pk), follow=True)
        assert Agency.objects.filter(pk=existing.pk).exists()
        page = response.content.decode()
        assert 'data-referrals="1"' in page
        assert 'data-action="delete"' not in page  # no button for it either

    @pytest.mark.parametrize(
        "role", ["homeroom", "counsellor", "coordinator", "director", "network"]
    )
    def test_school_and_network_staff_do_not_see_the_district_pages(self, world, login, role):
        client = login(world.a.users[role])
        assert client.get(list_url(world)).status_code == 404
        assert client.post(d_url(world, "create"), form_data()).status_code == 404
        assert not Agency.objects.exists()


class TestDistrictList:
    @pytest.fixture
    def agencies(self, world):
        return [
            agency(world.a.district, HOSPITAL),
            agency(
                world.a.district,
                "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านค้อ",
                kind=AgencyKind.HEALTH_PROMOTING_HOSPITAL,
                mou_signed=False,
            ),
            agency(
                world.a.district,
                "มูลนิธิเด็กอีสาน",
                kind=AgencyKind.FOUNDATION,
                active=False,
                services="ทุนการศึกษา บ้านพักชั่วคราว",
            ),
            agency(world.b.district, "โรงพยาบาลอื่น"),
        ]

    def shown(self, response) -> list[int]:
        return [card.agency.pk for card in response.context["cards"]]

    def test_lists_the_districts_agencies_in_use_first(self, world, login, agencies):
        client = login(world.a.users["district_supervisor"])
        response = client.get(list_url(world))
        assert self.shown(response) == [agencies[0].pk, agencies[1].pk, agencies[2].pk]
        page = response.content.decode()
        assert "โรงพยาบาลอื่น" not in page
        assert 'data-badge="inactive"' in page
        assert 'href="tel:043009900"' in page

    @pytest.mark.parametrize(
        "query, expected",
        [
            ({"kind": "foundation"}, [2]),
            ({"q": "บ้านค้อ"}, [1]),
            ({"q": "ทุนการศึกษา"}, [2]),  # the services too
            ({"mou": "yes"}, [0, 2]),
            ({"mou": "no"}, [1]),
            ({"active": "yes"}, [0, 1]),
            ({"active": "no"}, [2]),
            ({"kind": "nonsense", "active": "no"}, [2]),  # a bad value is ignored
        ],
    )
    def test_filters(self, world, login, agencies, query, expected):
        client = login(world.a.users["district_admin"])
        response = client.get(list_url(world), query)
        assert response.status_code == 200
        assert self.shown(response) == [agencies[i].pk for i in expected]

    def test_query_count_does_not_grow_with_agencies(
        self, world, login, agencies, django_assert_num_queries
    ):
        client = login(world.a.users["district_admin"])
        client.get(list_url(world))  # warm the session and the user
        for i in range(20):
            agency(world.a.district, f"รพ.สต. {i}", kind=AgencyKind.HEALTH_PROMOTING_HOSPITAL)
        # session, user, district, memberships, the district's schools (scope), the count for
        # the pages, the page of agencies with their referral counts
        with django_assert_num_queries(7):
            response = client.get(list_url(world))
        assert len(response.context["cards"]) == 23

    def test_the_district_page_links_to_the_directory(self, world, login):
        client = login(world.a.users["district_supervisor"])
        page = client.get(reverse("districts:district_detail", args=[world.a.district.code]))
        assert 'id="district-agencies"' in page.content.decode()
        assert th("Partner agencies") in page.content.decode()


class TestSchoolDirectory:
    def directory_url(self, world) -> str:
        return reverse("referrals:agency_directory", kwargs={"school_code": world.a.school.code})

    @pytest.mark.parametrize("role", ["homeroom", "counsellor", "nurse", "director"])
    def test_school_staff_read_their_districts_agencies_in_use(self, world, login, role):
        mine = agency(world.a.district)
        gone = agency(world.a.district, "มูลนิธิเลิกแล้ว", active=False)
        other = agency(world.b.district, "โรงพยาบาลอื่น")
        client = login(world.a.users[role])
        response = client.get(self.directory_url(world))
        assert response.status_code == 200
        shown = [card.agency.pk for card in response.context["cards"]]
        assert shown == [mine.pk]
        assert gone.pk not in shown and other.pk not in shown
        page = response.content.decode()
        assert 'data-action="deactivate"' not in page  # reading only
        assert "นางสาวพรทิพย์ ศรีสุข" in page

    def test_filter_by_kind_and_name(self, world, login):
        agency(world.a.district)
        police = agency(world.a.district, "สถานีตำรวจภูธรเมืองขอนแก่น", kind=AgencyKind.POLICE)
        client = login(world.a.users["homeroom"])
        response = client.get(self.directory_url(world), {"kind": "police"})
        assert [c.agency.pk for c in response.context["cards"]] == [police.pk]
        response = client.get(self.directory_url(world), {"q": "ตำรวจ", "kind": "bad"})
        assert [c.agency.pk for c in response.context["cards"]] == [police.pk]

    def test_query_count(self, world, login, django_assert_num_queries):
        client = login(world.a.users["homeroom"])
        url = self.directory_url(world)
        client.get(url)
        for i in range(10):
            agency(world.a.district, f"รพ.สต. {i}", kind=AgencyKind.HEALTH_PROMOTING_HOSPITAL)
        # session, user, school, memberships, academic year, the agencies
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(response.context["cards"]) == 10

    def test_another_schools_staff_get_404(self, world, login):
        client = login(world.b.users["homeroom"])
        assert client.get(self.directory_url(world)).status_code == 404

    def test_selector_for_the_referral_form(self, world):
        first = agency(world.a.district, "ข", kind=AgencyKind.POLICE)
        second = agency(world.a.district, "ก", kind=AgencyKind.HOSPITAL)
        agency(world.a.district, "ค", kind=AgencyKind.HOSPITAL, active=False)
        agency(world.b.district, "ง")
        assert list(agency_services.agencies_for_school(world.a.school)) == [second, first]

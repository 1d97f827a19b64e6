"""The audit log: what is recorded, that it cannot be rewritten, and who may read it.

Texts are compared in Thai (the default UI language) through the catalogue; names, codes and
dates are compared as data.
"""

import datetime
import json
from urllib.parse import urlencode

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore.audit import (
    audit_events_for_district,
    audit_events_for_school,
    audit_record,
    model_changes,
)
from carecore.dates import format_date
from carecore.models import AuditEvent
from carecore.national_id import mask_national_id
from conftest import make_national_id, make_student, th
from schools.models import School
from students.models import Guardian, Student

VIEW, CHANGE, CREATE = AuditEvent.Action.VIEW, AuditEvent.Action.CHANGE, AuditEvent.Action.CREATE
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


# --- helpers -----------------------------------------------------------------------------------
def student_url(side, student=None) -> str:
    return reverse(
        "students:student_detail",
        kwargs={"school_code": side.school.code, "student_id": (student or side.student).pk},
    )


def school_log_url(side) -> str:
    return reverse("schools:audit_log", kwargs={"school_code": side.school.code})


def district_log_url(side) -> str:
    return reverse("districts:district_audit_log", kwargs={"district_code": side.district.code})


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def record(side, student=None, *, user=None, action=VIEW, at=None, monkeypatch=None, **extra):
    """An audit event at ``side``'s school, optionally at a past moment ``at``."""
    kwargs = {
        "action": action,
        "user": user or side.users["coordinator"],
        "school": side.school,
        "student": student,
        **extra,
    }
    if at is None:
        return audit_record(**kwargs)
    # The "when" column is filled by the database layer at insert time (and rows can never be
    # updated afterwards), so an event in the past is written with the clock set back.
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: at)
        return audit_record(**kwargs)


def local(year, month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def listed_student_ids(response) -> list[int]:
    return [e.student_id for e in response.context["page_obj"]]


# --- recording ---------------------------------------------------------------------------------
class TestViewingAStudent:
    def test_records_who_viewed_which_student_from_where(self, world, login):
        a = world.a
        url = student_url(a)
        response = login(a.users["coordinator"]).get(url, HTTP_USER_AGENT=BROWSER)

        assert response.status_code == 200
        (event,) = events()
        assert event.action == VIEW
        assert event.user_id == a.users["coordinator"].pk
        assert event.user_name == a.users["coordinator"].display_name
        assert (event.student_id, event.student_name) == (a.student.pk, a.student.full_name)
        assert (event.school_id, event.district_id) == (a.school.pk, a.district.pk)
        assert (event.object_type, event.object_id) == ("student", str(a.student.pk))
        assert event.ip == "127.0.0.1"
        assert event.user_agent == BROWSER
        assert event.path == url
        assert timezone.now() - event.at < datetime.timedelta(minutes=1)

    def test_a_refused_view_records_nothing(self, world, login):
        a = world.a
        # The other homeroom teacher does not teach the student: 404, and no record of a view.
        assert login(a.users["homeroom_other"]).get(student_url(a)).status_code == 404
        assert events() == []

    def test_a_long_browser_name_is_cut_to_fit(self, world, login):
        a = world.a
        login(a.users["coordinator"]).get(student_url(a), HTTP_USER_AGENT="x" * 1000)
        (event,) = events()
        assert event.user_agent == "x" * 300


def student_form(student, **overrides) -> dict:
    data = {
        "student_code": student.student_code,
        "national_id": student.national_id,
        "prefix": student.prefix,
        "first_name": student.first_name,
        "last_name": student.last_name,
        "nickname": student.nickname,
        "gender": student.gender,
        "birth_date": format_date(student.birth_date, "numeric") if student.birth_date else "",
    }
    data.update(overrides)
    return data


class TestEditingAStudent:
    def test_records_the_changed_fields_and_never_the_full_national_id(self, world, login):
        a = world.a
        old_id, new_id = a.student.national_id, make_national_id(777)
        url = reverse(
            "students:student_edit",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        data = student_form(a.student, first_name="สมชาย", nickname="ชาย", national_id=new_id)
        response = login(a.users["coordinator"]).post(url, data)

        assert response.status_code == 302
        (event,) = events()
        assert event.action == CHANGE
        assert event.student_name == "ด.ช.สมชาย ทดสอบ"
        assert event.changes == {
            "first_name": [a.student.first_name, "สมชาย"],
            "nickname": ["", "ชาย"],
            "national_id": [mask_national_id(old_id), mask_national_id(new_id)],
        }
        # Nowhere in the row, in any grouping.
        row = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
        for number in (old_id, new_id):
            assert number not in row
            assert number[:10] not in row

    def test_a_rejected_edit_records_nothing(self, world, login):
        a = world.a
        url = reverse(
            "students:student_edit",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        response = login(a.users["coordinator"]).post(url, student_form(a.student, first_name=""))

        assert response.status_code == 200
        assert events() == []

    def test_opening_the_edit_form_is_a_view_because_it_shows_the_full_national_id(
        self, world, login
    ):
        a = world.a
        url = reverse(
            "students:student_edit",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        assert login(a.users["coordinator"]).get(url).status_code == 200
        (event,) = events()
        assert event.action == AuditEvent.Action.VIEW
        assert event.student_id == a.student.pk
        assert event.user_id == a.users["coordinator"].pk


def guardian_form(**overrides) -> dict:
    data = {
        "prefix": "นาย",
        "first_name": "สมปอง",
        "last_name": "ทดสอบ",
        "relation": Guardian.Relation.FATHER,
        "phone": "0899999999",
        "occupation": "",
        "lives_with_student": "on",
    }
    data.update(overrides)
    return data


class TestGuardians:
    def test_adding_a_guardian_records_a_creation_for_the_student(self, world, login):
        a = world.a
        url = reverse(
            "students:guardian_create",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        assert login(a.users["coordinator"]).post(url, guardian_form()).status_code == 302

        (event,) = events()
        with scopes_disabled():
            guardian = Guardian.objects.get(student=a.student, first_name="สมปอง")
        assert event.action == CREATE
        assert (event.object_type, event.object_id) == ("guardian", str(guardian.pk))
        assert event.student_id == a.student.pk
        assert event.changes == {
            "prefix": ["", "นาย"],
            "first_name": ["", "สมปอง"],
            "last_name": ["", "ทดสอบ"],
            "relation": ["", "father"],
            "phone": ["", "0899999999"],
            "lives_with_student": ["", "True"],
            "is_primary": ["", "False"],
        }

    def test_editing_a_guardian_records_what_changed(self, world, login):
        a = world.a
        g = a.guardian
        url = reverse(
            "students:guardian_edit",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk, "guardian_id": g.pk},
        )
        data = guardian_form(
            prefix=g.prefix,
            first_name=g.first_name,
            last_name=g.last_name,
            relation=g.relation,
            is_primary="on",
        )
        assert login(a.users["coordinator"]).post(url, data).status_code == 302

        (event,) = events()
        assert event.action == CHANGE
        assert (event.object_type, event.object_id) == ("guardian", str(g.pk))
        assert event.changes == {"phone": ["", "0899999999"]}


class TestClassList:
    def test_one_event_for_the_whole_class_list(self, world, login):
        a = world.a
        with scopes_disabled():
            for k in range(5):
                make_student(a.school, a.classroom, 500 + k, 10 + k)
        url = reverse(
            "classrooms:classroom_detail",
            kwargs={"school_code": a.school.code, "classroom_id": a.classroom.pk},
        )
        assert login(a.users["homeroom"]).get(url).status_code == 200

        (event,) = events()
        assert event.action == VIEW
        assert (event.object_type, event.object_id) == ("classroom", str(a.classroom.pk))
        assert event.student_id is None and event.student_name == ""
        assert (event.school_id, event.district_id) == (a.school.pk, a.district.pk)
        assert event.user_id == a.users["homeroom"].pk


class TestService:
    def test_school_and_district_come_from_the_student(self, world):
        a = world.a
        event = audit_record(action=VIEW, user=a.users["director"], student=a.student)
        assert (event.school_id, event.district_id) == (a.school.pk, a.district.pk)

    def test_model_changes_lists_only_changed_fields_as_text(self, world):
        before = Student(national_id=make_national_id(1), first_name="ก", birth_date=None)
        after = Student(
            national_id=make_national_id(2),
            first_name="ก",
            birth_date=datetime.date(2015, 6, 15),
        )
        changes = model_changes(before, after, ["national_id", "first_name", "birth_date"])
        assert changes == {
            "national_id": [
                mask_national_id(make_national_id(1)),
                mask_national_id(make_national_id(2)),
            ],
            "birth_date": ["", "2015-06-15"],
        }


# --- append-only -------------------------------------------------------------------------------
@postgres_only
class TestAppendOnly:
    def test_the_database_refuses_update_and_delete(self, world):
        event = record(world.a, world.a.student)
        with connection.cursor() as cursor:
            for sql in (
                "UPDATE carecore_auditevent SET user_name = 'someone else' WHERE id = %s",
                "DELETE FROM carecore_auditevent WHERE id = %s",
            ):
                with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                    cursor.execute(sql, [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).user_name == event.user_name

    def test_queryset_update_and_delete_raise(self, world):
        event = record(world.a, world.a.student)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert list(AuditEvent.objects.values_list("pk", "summary")) == [(event.pk, "")]

    def test_saving_or_deleting_an_event_raises(self, world):
        event = record(world.a, world.a.student)
        event.student_name = "someone else"
        with pytest.raises(DatabaseError), transaction.atomic():
            event.save()
        with pytest.raises(DatabaseError), transaction.atomic():
            event.delete()
        assert AuditEvent.objects.get(pk=event.pk).student_name == world.a.student.full_name


# --- the school audit log ----------------------------------------------------------------------
class TestSchoolAuditLog:
    def test_director_sees_the_school_events_and_not_another_school(self, world, login):
        a, b = world.a, world.b
        record(a, a.student)
        record(a, a.other_student, action=CHANGE, summary="Edited the student record")
        record(b, b.student, user=b.users["coordinator"])
        response = login(a.users["director"]).get(school_log_url(a))

        assert response.status_code == 200
        assertContains(response, escape(a.student.full_name))
        assertContains(response, escape(a.other_student.full_name))
        assertContains(response, escape(a.users["coordinator"].display_name))
        assertContains(response, "Edited the student record")
        assertNotContains(response, escape(b.student.full_name))
        assertNotContains(response, escape(b.users["coordinator"].display_name))

    def test_shows_when_in_the_buddhist_era_and_from_where(self, world, login):
        a = world.a
        login(a.users["coordinator"]).get(student_url(a), HTTP_USER_AGENT=BROWSER)
        response = login(a.users["director"]).get(school_log_url(a))

        (event,) = events()
        assertContains(response, format_date(event.at, lang="th"))
        assertContains(response, timezone.localtime(event.at).strftime("%H:%M"))
        assertContains(response, "127.0.0.1")
        assertContains(response, th("Viewed"))

    def test_changes_are_shown_with_field_names_and_the_national_id_masked(self, world, login):
        a = world.a
        old_id, new_id = a.student.national_id, make_national_id(778)
        url = reverse(
            "students:student_edit",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        login(a.users["coordinator"]).post(
            url, student_form(a.student, national_id=new_id, birth_date="15/06/2560")
        )
        response = login(a.users["director"]).get(school_log_url(a))

        assertContains(response, capfirst(th("national ID")))
        assertContains(response, mask_national_id(new_id))
        assertNotContains(response, new_id)
        assertNotContains(response, old_id)
        # The new birth date in the Buddhist Era.
        assertContains(response, format_date(datetime.date(2017, 6, 15), lang="th"))
        # Fields in the order of the form.
        html = response.content.decode()
        assert html.index(capfirst(th("national ID"))) < html.index(capfirst(th("birth date")))

    def test_director_gets_the_link_on_the_school_page(self, world, login):
        a = world.a
        page = reverse("schools:school_detail", kwargs={"school_code": a.school.code})
        assertContains(login(a.users["director"]).get(page), f'href="{school_log_url(a)}"')
        assertNotContains(login(a.users["coordinator"]).get(page), f'href="{school_log_url(a)}"')

    @pytest.mark.parametrize("role", ["homeroom", "coordinator", "counsellor"])
    def test_other_school_roles_get_403(self, world, login, role):
        assert login(world.a.users[role]).get(school_log_url(world.a)).status_code == 403

    def test_director_of_another_school_gets_404(self, world, login):
        assert login(world.b.users["director"]).get(school_log_url(world.a)).status_code == 404

    def test_newest_first(self, world, login, monkeypatch):
        a = world.a
        record(a, a.student, at=local(2025, 6, 1), monkeypatch=monkeypatch)
        record(a, a.other_student, at=local(2025, 6, 2), monkeypatch=monkeypatch)
        response = login(a.users["director"]).get(school_log_url(a))
        assert listed_student_ids(response) == [a.other_student.pk, a.student.pk]

    def test_pages_of_fifty_keep_the_filters(self, world, login):
        a = world.a
        for _ in range(51):
            record(a, a.student)
        record(a, a.other_student)
        client = login(a.users["director"])

        first = client.get(school_log_url(a), {"student": a.student.first_name})
        assert len(first.context["page_obj"]) == 50
        query = urlencode({"student": a.student.first_name, "page": 2})
        assertContains(first, f'href="?{escape(query)}"')
        second = client.get(school_log_url(a), {"student": a.student.first_name, "page": 2})
        assert listed_student_ids(second) == [a.student.pk]
        # A page number that does not exist shows the last page, not an error.
        assert client.get(school_log_url(a), {"page": "99x"}).status_code == 200


class TestFilters:
    @pytest.fixture
    def log(self, world, monkeypatch):
        """Four events at school A: two students, two people, three actions, three days."""
        a = world.a
        record(a, a.student, at=local(2025, 6, 10), monkeypatch=monkeypatch)
        record(
            a,
            a.student,
            user=a.users["homeroom"],
            action=CHANGE,
            at=local(2025, 6, 15, 23),
            monkeypatch=monkeypatch,
        )
        record(a, a.other_student, action=CHANGE, at=local(2025, 6, 16, 0), monkeypatch=monkeypatch)
        record(a, a.other_student, at=local(2025, 6, 20), monkeypatch=monkeypatch)
        return a

    def listed(self, login, side, **params):
        response = login(side.users["director"]).get(school_log_url(side), params)
        assert response.status_code == 200
        return [
            (e.student_id, e.action, timezone.localtime(e.at).day)
            for e in response.context["page_obj"]
        ]

    def test_by_student_name_or_id(self, world, login, log):
        a = log
        s, o = a.student.pk, a.other_student.pk
        assert self.listed(login, a, student=a.student.first_name) == [
            (s, CHANGE, 15),
            (s, VIEW, 10),
        ]
        assert self.listed(login, a, student=str(o)) == [(o, VIEW, 20), (o, CHANGE, 16)]

    def test_by_user_and_action(self, world, login, log):
        a = log
        homeroom = a.users["homeroom"]
        assert self.listed(login, a, user=homeroom.display_name) == [(a.student.pk, CHANGE, 15)]
        assert self.listed(login, a, action=CHANGE) == [
            (a.other_student.pk, CHANGE, 16),
            (a.student.pk, CHANGE, 15),
        ]

    def test_by_buddhist_era_dates_both_days_included(self, world, login, log):
        a = log
        days = [d for _, _, d in self.listed(login, a, date_from="15/06/2568", date_to="16/6/2568")]
        assert days == [16, 15]
        # Thai digits, and a two-digit BE year.
        assert [d for _, _, d in self.listed(login, a, date_from="๑๖/๐๖/๒๕๖๘")] == [20, 16]
        assert [d for _, _, d in self.listed(login, a, date_to="10/06/68")] == [10]

    def test_a_bad_date_shows_a_message_and_the_other_filters_still_apply(self, world, login, log):
        a = log
        response = login(a.users["director"]).get(
            school_log_url(a), {"date_from": "31/02/2568", "action": VIEW}
        )
        assert response.status_code == 200
        assertContains(
            response,
            th("Enter a date as day/month/year in the Buddhist Era, for example 15/06/2568."),
        )
        # The typed value is kept in the form.
        assertContains(response, 'value="31/02/2568"')
        assert [e.action for e in response.context["page_obj"]] == [VIEW, VIEW]

    def test_a_range_that_ends_before_it_starts_is_explained(self, world, login, log):
        a = log
        response = login(a.users["director"]).get(
            school_log_url(a), {"date_from": "20/06/2568", "date_to": "10/06/2568"}
        )
        assertContains(response, th("The last day is before the first day."))

    def test_selector_reads_typed_dates(self, world, log):
        a = log
        qs = audit_events_for_school(school=a.school, filters={"date_from": "20/06/2568"})
        assert [e.student_id for e in qs] == [a.other_student.pk]
        qs = audit_events_for_district(district=a.district, filters={"date_to": "10/06/2568"})
        assert [e.student_id for e in qs] == [a.student.pk]
        with pytest.raises(ValueError):
            audit_events_for_school(school=a.school, filters={"date_to": "not a date"})


# --- the district audit log --------------------------------------------------------------------
class TestDistrictAuditLog:
    def test_district_admin_sees_the_district_events_with_school_names(self, world, login):
        a, b = world.a, world.b
        record(a, a.student)
        record(b, b.student, user=b.users["coordinator"])
        response = login(a.users["district_admin"]).get(district_log_url(a))

        assert response.status_code == 200
        assertContains(response, escape(a.student.full_name))
        assertContains(response, escape(a.school.name))
        assertNotContains(response, escape(b.student.full_name))
        assertNotContains(response, escape(b.school.name))

    def test_district_admin_gets_the_link_on_the_district_page(self, world, login):
        a = world.a
        page = reverse("districts:district_detail", kwargs={"district_code": a.district.code})
        link = f'href="{district_log_url(a)}"'
        assertContains(login(a.users["district_admin"]).get(page), link)
        assertNotContains(login(a.users["district_supervisor"]).get(page), link)

    def test_district_supervisor_gets_403(self, world, login):
        response = login(world.a.users["district_supervisor"]).get(district_log_url(world.a))
        assert response.status_code == 403

    @pytest.mark.parametrize("role", ["director", "coordinator", "network"])
    def test_school_and_network_roles_get_404(self, world, login, role):
        assert login(world.a.users[role]).get(district_log_url(world.a)).status_code == 404

    def test_admin_of_another_district_gets_404(self, world, login):
        response = login(world.b.users["district_admin"]).get(district_log_url(world.a))
        assert response.status_code == 404


# --- query counts ------------------------------------------------------------------------------
def many_events(world, n_students=4):
    """Events for several students at both schools of district A and one of district B."""
    a = world.a
    with scopes_disabled():
        second = School.objects.create(
            code="1040000099", name="โรงเรียน A2", district=a.district, network=a.network
        )
    for k in range(n_students):
        with scopes_disabled():
            student = make_student(a.school, a.classroom, 900 + k, 20 + k)
        record(a, student, action=CHANGE, changes={"first_name": ["ก", "ข"]})
        audit_record(action=VIEW, user=a.users["director"], school=second, summary=f"room {k}")
    record(world.b, world.b.student)


class TestQueryCounts:
    def test_school_log(self, world, login, django_assert_num_queries):
        a = world.a
        client = login(a.users["director"])
        many_events(world, n_students=2)
        # 1. django_session: the session row
        # 2. carecore_user: the logged-in user
        # 3. schools_school (+ district, network): the school named in the URL
        # 4. carecore_membership (+ places): the user's roles, once for access and menu
        # 5. schools_academicyear: the current academic year
        # 6. carecore_auditevent: how many entries match (for the pages)
        # 7. carecore_auditevent: the entries of this page
        with django_assert_num_queries(7):
            response = client.get(school_log_url(a), {"action": CHANGE})
        assert len(response.context["page_obj"]) == 2

        many_events_more = 6
        with scopes_disabled():
            for k in range(many_events_more):
                student = make_student(a.school, a.classroom, 950 + k, 40 + k)
                record(a, student, action=CHANGE, changes={"nickname": ["", "ก"]})
        with django_assert_num_queries(7):
            response = client.get(school_log_url(a), {"action": CHANGE})
        assert len(response.context["page_obj"]) == 8

    def test_district_log(self, world, login, django_assert_num_queries):
        a = world.a
        client = login(a.users["district_admin"])
        many_events(world, n_students=2)
        # 1. django_session: the session row
        # 2. carecore_user: the logged-in user
        # 3. districts_district: the district named in the URL
        # 4. carecore_membership (+ places): the user's roles, once for access and menu
        # 5. schools_school: the district's school ids, for the scope
        # 6. carecore_auditevent: how many entries match (for the pages)
        # 7. carecore_auditevent: the entries of this page
        # 8. schools_school: the names of the schools on this page, all at once
        # 9. carecore_auditverification: the latest check of the hash chain
        with django_assert_num_queries(9):
            response = client.get(district_log_url(a))
        assert len(response.context["page_obj"]) == 4

        with scopes_disabled():
            third = School.objects.create(code="1040000098", name="โรงเรียน A3", district=a.district)
        for k in range(3):
            with scopes_disabled():
                student = make_student(a.school, a.classroom, 970 + k, 60 + k)
            record(a, student)
            audit_record(action=VIEW, user=a.users["director"], school=third, summary=f"{k}")
        audit_record(action=VIEW, user=a.users["director"], school=a.school, student=a.student)
        with django_assert_num_queries(9):
            response = client.get(district_log_url(a))
        assert len(response.context["page_obj"]) == 11
        assertContains(response, "โรงเรียน A3")


# --- the Django admin --------------------------------------------------------------------------
class TestAdmin:
    def test_read_only_for_superusers(self, world, client):
        from conftest import make_user

        event = record(world.a, world.a.student)
        admin_user = make_user("root", is_staff=True, is_superuser=True)
        client.force_login(admin_user)
        base = "/admin/carecore/auditevent/"
        assert client.get(base).status_code == 200
        assert client.get(f"{base}{event.pk}/change/").status_code == 200
        assert client.get(f"{base}add/").status_code == 403
        assert client.get(f"{base}{event.pk}/delete/").status_code == 403
        assert client.post(f"{base}{event.pk}/change/", {"summary": "x"}).status_code == 403
        assert AuditEvent.objects.get(pk=event.pk).summary == ""

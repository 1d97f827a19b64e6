"""The deadlines' pages: the district sets a deadline (Buddhist Era dates typed in) and reads,
per deadline, which schools are done, due and late in a fixed number of queries; the school's
home page shows what is due; the school marks a report done with a file the district can
download, and takes the mark back.

Texts are compared in Thai (the default UI language) through the catalogue; names, codes and
numbers as data."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore.dates import format_date
from conftest import th
from districts.deadlines.models import Completion, Deadline
from districts.deadlines.tests.factories import CompletionFactory, DeadlineFactory
from districts.models import Network
from schools.models import School

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def be(day: datetime.date) -> str:
    """A date as a Thai user types it (and the form shows it): dd/mm/yyyy in the BE."""
    return format_date(day, "numeric")


def district_url(side, name="list", **kwargs) -> str:
    return reverse(f"deadlines:{name}", kwargs={"district_code": side.district.code, **kwargs})


def school_url(side, name="list", **kwargs) -> str:
    return reverse(f"school_deadlines:{name}", kwargs={"school_code": side.school.code, **kwargs})


def form_data(**changes) -> dict:
    return {
        "kind": "report",
        "title": "รายงานผลการเยี่ยมบ้าน",
        "details": "ส่งแบบสรุปผลการเยี่ยมบ้านของโรงเรียน",
        "network": "",
        "opens_on": be(today() - DAY),
        "due_on": be(today() + 5 * DAY),
        "target_percent": "100",
        "remind_days": "3",
    } | changes


# --- the district sets and changes a deadline ---------------------------------------------------
@pytest.mark.django_db
class TestSetting:
    def test_the_supervisor_sets_a_deadline_with_buddhist_era_dates(self, world, login):
        a = world.a
        client = login(a.users["district_supervisor"])
        assert client.get(district_url(a, "create")).status_code == 200
        response = client.post(district_url(a, "create"), form_data())
        deadline = Deadline.objects.get()
        assert response.status_code == 302
        assert response["Location"] == district_url(a, "detail", deadline_id=deadline.pk)
        assert deadline.due_on == today() + 5 * DAY and deadline.opens_on == today() - DAY
        assert deadline.district == a.district and deadline.network is None
        assert deadline.target_percent is None  # a report is marked done, not measured
        assert deadline.created_by == a.users["district_supervisor"]
        page = client.get(district_url(a)).content.decode()
        assert "รายงานผลการเยี่ยมบ้าน" in page
        assert format_date(deadline.due_on) in page

    def test_a_measured_deadline_needs_a_target_and_dates_in_order(self, world, login):
        a = world.a
        client = login(a.users["district_admin"])
        response = client.post(
            district_url(a, "create"),
            form_data(kind="screening", target_percent="", due_on=be(today() - 3 * DAY)),
        )
        assert response.status_code == 200
        assertContains(response, th("Give the share of students to reach."))
        assertContains(response, th("The due date comes before the opening date."))
        assert not Deadline.objects.exists()

    def test_a_network_of_another_district_is_not_offered(self, world, login):
        a = world.a
        response = login(a.users["district_supervisor"]).post(
            district_url(a, "create"), form_data(network=str(world.b.network.pk))
        )
        assert response.status_code == 200 and not Deadline.objects.exists()

    def test_changing_the_dates_keeps_the_kind(self, world, login):
        a = world.a
        deadline = DeadlineFactory(district=a.district, kind="report")
        client = login(a.users["district_supervisor"])
        response = client.post(
            district_url(a, "edit", deadline_id=deadline.pk),
            form_data(kind="screening", due_on=be(today() - DAY), opens_on=be(today() - 9 * DAY))
            | {"revision": "1"},
        )
        assert response.status_code == 302
        deadline.refresh_from_db()
        assert deadline.kind == "report" and deadline.due_on == today() - DAY
        assert deadline.revision == 2 and deadline.updated_by == a.users["district_supervisor"]
        # The same form again, opened before that change: refused, the values kept.
        response = client.post(
            district_url(a, "edit", deadline_id=deadline.pk),
            form_data(title="ชื่อใหม่") | {"revision": "1"},
        )
        assert response.status_code == 200
        assertContains(response, "ชื่อใหม่")
        deadline.refresh_from_db()
        assert deadline.title != "ชื่อใหม่"

    def test_removing_a_deadline_no_school_met(self, world, login):
        a = world.a
        met = DeadlineFactory(district=a.district)
        CompletionFactory(deadline=met, school=a.school)
        unmet = DeadlineFactory(district=a.district)
        client = login(a.users["district_supervisor"])
        response = client.post(district_url(a, "delete", deadline_id=met.pk), follow=True)
        assert Deadline.objects.filter(pk=met.pk).exists()
        assertContains(
            response,
            th(
                "%(count)s schools have met this deadline, so it stays: change its dates instead.",
                count=1,
            ),
        )
        client.post(district_url(a, "delete", deadline_id=unmet.pk))
        assert not Deadline.objects.filter(pk=unmet.pk).exists()

    def test_another_districts_deadline_does_not_exist(self, world, login):
        deadline = DeadlineFactory(district=world.b.district)
        client = login(world.a.users["district_supervisor"])
        url = reverse(
            "deadlines:detail",
            kwargs={"district_code": world.a.district.code, "deadline_id": deadline.pk},
        )
        assert client.get(url).status_code == 404
        assert client.get(district_url(world.a, "edit", deadline_id=deadline.pk)).status_code == 404


# --- the district reads which schools are done, due and late ------------------------------------
def add_schools(side, count: int) -> list[School]:
    """``count`` more schools in the side's district, in two networks."""
    with scopes_disabled():
        second = Network.objects.create(district=side.district, name="เครือข่ายที่สอง")
        return School.objects.bulk_create(
            School(
                code=f"{1041000000 + i:010d}",
                name=f"โรงเรียนเพิ่ม {i:03d}",
                district=side.district,
                network=side.network if i % 2 else second,
            )
            for i in range(count)
        )


# session, user, district, memberships, the district's school ids (the scope), the academic
# years, the deadlines, the schools with their network, the completions, the measured shares.
LIST_QUERIES = 10
# session, user, district, memberships, the scope, the deadline, the schools with their network,
# the completions with who marked them, the measured shares.
DETAIL_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_district_pages_keep_their_queries_whatever_the_schools(
    world, login, django_assert_num_queries, n
):
    a = world.a
    added = add_schools(a, n - 1)
    report = DeadlineFactory(district=a.district, due_on=today() - DAY, opens_on=today() - 9 * DAY)
    visits = DeadlineFactory(district=a.district, kind="home_visits", target_percent=50)
    with scopes_disabled():
        Completion.objects.bulk_create(
            Completion(
                deadline=report,
                school=school,
                source="marked",
                done_on=today() - 2 * DAY,
                done_by=a.users["director"],
            )
            for school in added[: n // 2]
        )
    client = login(a.users["district_supervisor"])
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(district_url(a))
    rows = {r.deadline.pk: r for r in response.context["summaries"]}
    assert rows[report.pk].schools == n and rows[visits.pk].schools == n
    assert rows[report.pk].counts["done"] == n // 2
    assert rows[report.pk].counts["late"] == n - n // 2
    assertContains(response, f'data-late="{n - n // 2}"')

    for deadline in (report, visits):
        with django_assert_num_queries(DETAIL_QUERIES if deadline.is_measured else 8):
            response = client.get(district_url(a, "detail", deadline_id=deadline.pk))
        assert len(response.context["rows"]) == n
    content = response.content.decode()
    assert content.count('class="school-row"') == n
    # Late schools first on the report's page; no student is named anywhere.
    response = client.get(district_url(a, "detail", deadline_id=report.pk))
    states = [r.state for r in response.context["rows"]]
    assert states == sorted(states, key=lambda s: s != "late")
    for page in (content, response.content.decode()):
        assert a.student.first_name not in page


@pytest.mark.django_db
def test_the_district_sees_each_schools_state_share_and_file(world, login):
    a = world.a
    from visits.tests.factories import HomeVisitFactory

    HomeVisitFactory(student=a.student)
    visits = DeadlineFactory(district=a.district, kind="home_visits", target_percent=80)
    report = DeadlineFactory(district=a.district)
    completion = Completion(
        deadline=report,
        school=a.school,
        source="marked",
        done_on=today(),
        done_by=a.users["coordinator"],
        note="ส่งรายงานทางไปรษณีย์แล้ว",
        file_name="รายงาน.pdf",
    )
    with scopes_disabled():
        completion.file.save("r.pdf", SimpleUploadedFile("r.pdf", b"%PDF-1.7 x"), save=True)
    client = login(a.users["district_supervisor"])
    response = client.get(district_url(a, "detail", deadline_id=visits.pk))
    (row,) = response.context["rows"]
    assert (row.state, row.met, row.students, row.share) == ("due", 1, 2, 50.0)
    assertContains(response, th("%(met)s of %(students)s visited", met=1, students=2))

    response = client.get(district_url(a, "detail", deadline_id=report.pk))
    assertContains(response, "ส่งรายงานทางไปรษณีย์แล้ว")
    file_url = district_url(a, "file", deadline_id=report.pk, school_code=a.school.code)
    assertContains(response, file_url)
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Cache-Control"] == "private, no-store"
    # Filtered by state.
    response = client.get(district_url(a, "detail", deadline_id=report.pk) + "?state=late")
    assert response.context["rows"] == []


# --- the school --------------------------------------------------------------------------------
def home(side) -> str:
    return reverse("schools:school_detail", kwargs={"school_code": side.school.code})


@pytest.mark.django_db
class TestSchool:
    def test_the_home_page_shows_what_is_due_then_late(self, world, login):
        a = world.a
        deadline = DeadlineFactory(district=a.district, title="ส่งแผนการเยี่ยมบ้าน")
        DeadlineFactory(district=a.district, title="ยังอีกนาน", opens_on=today() + 30 * DAY,
                        due_on=today() + 40 * DAY)  # fmt: skip
        client = login(a.users["director"])
        response = client.get(home(a))
        assertContains(response, 'id="deadlines-card" data-due="1" data-late="0"')
        assertContains(response, "ส่งแผนการเยี่ยมบ้าน")
        assertContains(response, format_date(deadline.due_on))
        assertNotContains(response, "ยังอีกนาน")
        Deadline.objects.filter(pk=deadline.pk).update(due_on=today() - DAY)
        response = client.get(home(a))
        assertContains(response, 'data-due="0" data-late="1"')
        assertContains(response, f'data-deadline="{deadline.pk}" data-state="late"')
        # Met: off the card.
        CompletionFactory(deadline=deadline, school=a.school)
        assertNotContains(client.get(home(a)), 'id="deadlines-card"')

    def test_only_the_director_and_coordinator_see_the_card(self, world, login):
        a = world.a
        DeadlineFactory(district=a.district)
        for role in ("coordinator", "director"):
            assertContains(login(a.users[role]).get(home(a)), 'id="deadlines-card"')
        for role in ("counsellor", "homeroom", "district_supervisor"):
            assertNotContains(login(a.users[role]).get(home(a)), 'id="deadlines-card"')
        # School B is in another district.
        assertNotContains(login(world.b.users["director"]).get(home(world.b)), "deadlines-card")

    def test_the_school_marks_a_report_done_with_a_file_and_takes_it_back(self, world, login):
        a = world.a
        deadline = DeadlineFactory(district=a.district)
        client = login(a.users["coordinator"])
        url = school_url(a, "detail", deadline_id=deadline.pk)
        upload = SimpleUploadedFile("สรุป.pdf", b"%PDF-1.7 summary", "application/pdf")
        response = client.post(url, {"note": "ส่งครบแล้ว", "file": upload})
        assert response.status_code == 302
        with scopes_disabled():
            completion = Completion.objects.get()
        assert completion.done_by == a.users["coordinator"] and completion.done_on == today()
        page = client.get(url)
        assertContains(page, 'data-state="done"')
        assertContains(page, "ส่งครบแล้ว")
        download = client.get(school_url(a, "file", deadline_id=deadline.pk))
        assert b"".join(download.streaming_content) == b"%PDF-1.7 summary"
        assertContains(
            client.get(school_url(a)), f'data-deadline="{deadline.pk}" data-state="done"'
        )
        client.post(school_url(a, "undo", deadline_id=deadline.pk))
        with scopes_disabled():
            assert not Completion.objects.exists()
        assertContains(client.get(url), 'data-state="due"')

    def test_a_file_that_is_not_what_it_says_is_refused(self, world, login):
        a = world.a
        deadline = DeadlineFactory(district=a.district)
        upload = SimpleUploadedFile("report.pdf", b"MZ not a pdf", "application/pdf")
        response = login(a.users["director"]).post(
            school_url(a, "detail", deadline_id=deadline.pk), {"note": "", "file": upload}
        )
        assert response.status_code == 200
        with scopes_disabled():
            assert not Completion.objects.exists()

    def test_a_measured_deadline_shows_the_share_and_has_no_mark(self, world, login):
        a = world.a
        deadline = DeadlineFactory(district=a.district, kind="screening", target_percent=100)
        client = login(a.users["director"])
        response = client.get(school_url(a, "detail", deadline_id=deadline.pk))
        assertContains(response, 'id="deadline-measured"')
        assertContains(response, th("%(met)s of %(students)s screened", met=0, students=2))
        assertNotContains(response, 'id="deadline-mark"')
        client.post(school_url(a, "detail", deadline_id=deadline.pk), {"note": "x"})
        with scopes_disabled():
            assert not Completion.objects.exists()

    def test_a_deadline_of_another_network_or_district_does_not_exist(self, world, login):
        a = world.a
        with scopes_disabled():
            other = Network.objects.create(district=a.district, name="อื่น")
        for deadline in (
            DeadlineFactory(district=a.district, network=other),
            DeadlineFactory(district=world.b.district),
        ):
            client = login(a.users["director"])
            assert client.get(school_url(a, "detail", deadline_id=deadline.pk)).status_code == 404
            assert client.post(school_url(a, "undo", deadline_id=deadline.pk)).status_code == 404

    def test_the_schools_list_this_year(self, world, login):
        a = world.a
        due = DeadlineFactory(district=a.district, title="ต้องส่ง")
        done = DeadlineFactory(district=a.district, title="ส่งแล้ว")
        CompletionFactory(deadline=done, school=a.school)
        last_year = DeadlineFactory(
            district=a.district,
            title="ปีที่แล้ว",
            opens_on=world.year.start - 40 * DAY,
            due_on=world.year.start - 30 * DAY,
        )
        response = login(a.users["director"]).get(school_url(a))
        assert [r.deadline for r in response.context["open_rows"]] == [due]
        assert [r.deadline for r in response.context["done_rows"]] == [done]
        assertNotContains(response, escape(last_year.title))

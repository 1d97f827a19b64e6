"""Training's pages: a school's director records a training (staff ticked, a name typed, a
file); a junk or incomplete form keeps what was typed; the district records a course for many
schools at once and reads the figure; other places find nothing; the pages keep their queries
at 20 and 200 schools."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains

from conftest import th
from districts.deadlines.tests.test_views import add_schools
from districts.supervision.tests.test_views import be
from districts.training.models import Course
from districts.training.tests.factories import make_course

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def durl(side, name="list", **kwargs) -> str:
    return reverse(f"training:{name}", kwargs={"district_code": side.district.code, **kwargs})


def surl(side, name="list", **kwargs) -> str:
    return reverse(f"training_school:{name}", kwargs={"school_code": side.school.code, **kwargs})


def membership(side, key):
    with scopes_disabled():
        return str(side.school.memberships.filter(user=side.users[key]).first().pk)


@pytest.mark.django_db
def test_a_school_records_its_staffs_training(world, login):
    a = world.a
    director = login(a.users["director"])
    assertContains(director.get(surl(a)), th("Not trained yet"))
    data = {
        "title": "อบรมเชิงปฏิบัติการการให้คำปรึกษาเบื้องต้น",
        "provider": "โรงพยาบาลส่งเสริมสุขภาพตำบล",
        "starts_on": be(TODAY),
        "ends_on": be(TODAY),
        "hours": "12",
    }
    # Nobody ticked nor typed: the page again, what was typed kept.
    response = director.post(surl(a, "create"), data)
    assert response.status_code == 200
    assertContains(response, th("Tick the staff who attended or type their names."))
    assertContains(response, data["title"])
    # A made-up membership and another school's staff: refused, no 500.
    with scopes_disabled():
        others = str(world.b.school.memberships.first().pk)
    for junk in ("999999999", others, "99999999999999999999"):
        response = director.post(surl(a, "create"), data | {"attendees": [junk]})
        assert response.status_code == 200
    assert not Course.objects.exists()
    response = director.post(
        surl(a, "create"),
        data
        | {
            "attendees": [membership(a, "homeroom"), membership(a, "counsellor")],
            "others": "นางสาวอัตรา จ้างสอน\n\n",
            "certificate": SimpleUploadedFile("เกียรติบัตร.pdf", PDF, "application/pdf"),
        },
    )
    course = Course.objects.get()
    assert response["Location"] == surl(a, "course", training_course_id=course.pk)
    assert course.school == a.school and course.hours == 12
    page = director.get(response["Location"])
    assertContains(page, "นางสาวอัตรา จ้างสอน")
    assertContains(page, th("no account"))
    file = director.get(surl(a, "certificate", training_course_id=course.pk))
    assert file["Cache-Control"] == "private, no-store"
    assert b"".join(file.streaming_content) == PDF
    page = director.get(surl(a))
    assertContains(page, 'data-trained="2"')
    # The district reads the figure and the course; the school's coordinator removes it.
    district = login(a.users["district_supervisor"])
    assertContains(district.get(durl(a)), 'data-trained="2"')
    assertContains(district.get(durl(a, "course", training_course_id=course.pk)), course.title)
    coordinator = login(a.users["coordinator"])
    assert coordinator.post(surl(a, "delete", training_course_id=course.pk)).status_code == 302
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_the_district_records_a_course_for_many_schools(world, login):
    a = world.a
    (extra,) = add_schools(a, 1)
    from carecore.models import Membership, Role
    from conftest import make_user

    teacher = make_user("teacher_extra", first_name="ครูโรงเรียนเพิ่ม")
    with scopes_disabled():
        theirs = Membership.objects.create(user=teacher, role=Role.HOMEROOM, school=extra)
    client = login(a.users["district_admin"])
    page = client.get(durl(a, "create"))
    assertContains(page, "ครูโรงเรียนเพิ่ม · โรงเรียนเพิ่ม 000")
    response = client.post(
        durl(a, "create"),
        {
            "title": "ประชุมชี้แจงระบบการดูแลช่วยเหลือนักเรียน",
            "starts_on": be(TODAY),
            "ends_on": be(TODAY),
            "hours": "3.5",
            "attendees": [membership(a, "director"), str(theirs.pk)],
        },
    )
    course = Course.objects.get()
    assert response["Location"] == durl(a, "course", training_course_id=course.pk)
    assert course.school is None
    assert {x.school_id for x in course.attendees.all()} == {a.school.pk, extra.pk}
    # At school A the director sees the course with its own staff only, and cannot remove it.
    director = login(a.users["director"])
    page = director.get(surl(a, "course", training_course_id=course.pk))
    assertContains(page, a.users["director"].first_name)
    assert "ครูโรงเรียนเพิ่ม" not in page.content.decode()
    assert director.post(surl(a, "delete", training_course_id=course.pk)).status_code == 404


@pytest.mark.django_db
def test_other_places_find_nothing(world, login):
    a, b = world.a, world.b
    mine = make_course(a, school=a.school, users=["director"])
    district_course = make_course(a, others=["วิทยากรภายนอก"])  # nobody of school A attended
    assert (
        login(b.users["district_supervisor"])
        .get(durl(a, "course", training_course_id=mine.pk))
        .status_code
        == 404
    )
    url = reverse(
        "training:course", kwargs={"district_code": b.district.code, "training_course_id": mine.pk}
    )
    assert login(b.users["district_supervisor"]).get(url).status_code == 404
    url = reverse(
        "training_school:course",
        kwargs={"school_code": b.school.code, "training_course_id": mine.pk},
    )
    assert login(b.users["director"]).get(url).status_code == 404
    director = login(a.users["director"])
    url = surl(a, "course", training_course_id=district_course.pk)
    assert director.get(url).status_code == 404  # none of the school's staff attended
    assert director.get(surl(a, "certificate", training_course_id=mine.pk)).status_code == 404
    assert login(a.users["homeroom"]).get(surl(a)).status_code == 403


# session, user, district, memberships, the scope; the years, the staff and trained per school,
# the schools with their network, the district's courses.
DISTRICT_QUERIES = 9
# session, user, school, memberships, the current year; the years, the staff, their training,
# the courses.
SCHOOL_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_pages_keep_their_queries_whatever_the_schools(
    world, login, n, django_assert_num_queries
):
    a = world.a
    add_schools(a, n - 1)
    make_course(a, users=["director", "homeroom"])
    make_course(a, school=a.school, users=["counsellor"])
    client = login(a.users["district_supervisor"])
    with django_assert_num_queries(DISTRICT_QUERIES):
        response = client.get(durl(a))
    assert response.content.decode().count('class="school-row') == n
    assertContains(response, 'data-trained="3"')
    director = login(a.users["director"])
    with django_assert_num_queries(SCHOOL_QUERIES):
        response = director.get(surl(a))
    assertContains(response, 'data-trained="3"')

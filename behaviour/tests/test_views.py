"""The behaviour pages as their users meet them: recording on the quick form, a student's year,
the sensitive incidents kept from those who may not see them, the classroom and school
summaries, the categories, correction activities and cancelling."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from behaviour.models import Category, Correction, Incident, Kind
from behaviour.tests.factories import CategoryFactory, IncidentFactory
from carecore.dates import format_date
from conftest import th
from students.tests.factories import StudentFactory


def url(world, name, **kwargs):
    return reverse(f"behaviour:{name}", kwargs={"school_code": world.a.school.code, **kwargs})


def today_text():
    return format_date(timezone.localdate(), "numeric")


@pytest.fixture
def cats(world):
    """A told misconduct, a quiet one, a sensitive one and a good deed at school A."""
    school = world.a.school
    return {
        "skip": CategoryFactory(school=school, name="หนีเรียน", points=10),
        "late": CategoryFactory(school=school, name="มาสาย", points=5, tell_parent=False),
        "fight": CategoryFactory(school=school, name="ทะเลาะวิวาท", points=20, sensitive=True),
        "help": CategoryFactory(school=school, name="จิตอาสา", kind=Kind.GOOD, points=5),
    }


# --- recording -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_any_teacher_records_for_any_student_of_the_school(world, login, cats):
    """The nurse (who sees no student's file) records an incident of a student of another
    classroom; the form comes back for the next one with the same classroom listed."""
    client = login(world.a.users["nurse"])
    page = client.get(url(world, "incident_new") + f"?classroom={world.a.other_classroom.pk}")
    assert world.a.other_student.full_name in page.content.decode()
    response = client.post(
        url(world, "incident_new"),
        {
            "student": world.a.other_student.pk,
            "category": cats["skip"].pk,
            "date": today_text(),
            "description": "ออกนอกโรงเรียนช่วงพักเที่ยง",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?classroom={world.a.other_classroom.pk}")
    with scopes_disabled():
        incident = Incident.objects.get()
    assert (incident.student, incident.points, incident.kind) == (world.a.other_student, 10, "bad")
    assert incident.recorded_by == world.a.users["nurse"]
    assert world.a.other_student.full_name in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_default_categories_offered_on_first_use(world, login):
    page = login(world.a.users["homeroom"]).get(url(world, "incident_new")).content.decode()
    assert "มาสาย" in page and "จิตอาสา" in page and "ทะเลาะวิวาท" in page
    with scopes_disabled():
        assert Category.objects.filter(school=world.a.school).count() > 10


@pytest.mark.django_db
def test_search_finds_students_of_the_school_only(world, login, cats):
    client = login(world.a.users["discipline"])
    page = client.get(url(world, "incident_new") + "?q=นักเรียน").content.decode()
    assert world.a.student.full_name in page and world.a.other_student.full_name in page
    assert world.b.student.full_name not in page


@pytest.mark.django_db
def test_another_schools_student_cannot_be_recorded(world, login, cats):
    client = login(world.a.users["discipline"])
    page = client.get(url(world, "incident_new") + f"?student={world.b.student.pk}")
    assert world.b.student.full_name not in page.content.decode()
    response = client.post(
        url(world, "incident_new"),
        {"student": world.b.student.pk, "category": cats["skip"].pk, "date": today_text()},
    )
    assert response.status_code == 200
    assert th("Choose the student.") in response.content.decode()
    with scopes_disabled():
        assert not Incident.objects.exists()


@pytest.mark.django_db
def test_form_keeps_what_was_typed_on_error_and_on_find(world, login, cats):
    client = login(world.a.users["homeroom"])
    typed = {
        "student": world.a.student.pk,
        "category": cats["late"].pk,
        "date": "31/02/2568",
        "description": "มาถึงแปดโมงครึ่ง",
    }
    page = client.post(url(world, "incident_new"), typed).content.decode()
    assert th("Enter a date as day/month/year in the Buddhist Era, for example 15/06/2568.") in page
    assert "มาถึงแปดโมงครึ่ง" in page and 'value="31/02/2568"' in page
    assert re.search(rf'value="{cats["late"].pk}"[^>]*checked', page)
    assert re.search(rf'name="student" value="{world.a.student.pk}" checked', page)
    # "Find" lists other students and keeps the chosen one, the category and the note.
    page = client.post(
        url(world, "incident_new"), {**typed, "find": "1", "q": "นักเรียน"}
    ).content.decode()
    assert "มาถึงแปดโมงครึ่ง" in page and world.a.other_student.full_name in page
    assert re.search(rf'name="student" value="{world.a.student.pk}" checked', page)
    # Nothing chosen: both missing things are said.
    page = client.post(url(world, "incident_new"), {"date": today_text()}).content.decode()
    assert th("Choose the student.") in page and th("Choose what happened.") in page
    with scopes_disabled():
        assert not Incident.objects.exists()


@pytest.mark.django_db
def test_recording_from_the_students_page_goes_back_there(world, login, cats):
    client = login(world.a.users["homeroom"])
    form = client.get(url(world, "incident_new") + f"?student={world.a.student.pk}&back=student")
    assert re.search(rf'name="student" value="{world.a.student.pk}" checked', form.content.decode())
    response = client.post(
        url(world, "incident_new"),
        {
            "student": world.a.student.pk,
            "category": cats["help"].pk,
            "date": today_text(),
            "back": "student",
        },
    )
    assert response["Location"] == url(world, "student_behaviour", student_id=world.a.student.pk)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="conduct-score">105<' in page


# --- sensitive incidents -------------------------------------------------------------------------
@pytest.fixture
def fight(world, cats):
    return IncidentFactory(
        student=world.a.student,
        category=cats["fight"],
        description="ชกต่อยกับรุ่นพี่",
        recorded_by=world.a.users["discipline"],
    )


@pytest.mark.django_db
def test_sensitive_incident_hidden_from_the_homeroom_teacher(world, login, cats, fight):
    IncidentFactory(student=world.a.student, category=cats["late"])
    client = login(world.a.users["homeroom"])
    page = client.get(url(world, "student_behaviour", student_id=world.a.student.pk))
    text = page.content.decode()
    assert "มาสาย" in text
    assert "ทะเลาะวิวาท" not in text and "ชกต่อย" not in text
    # The score counts it; a note says an entry is not shown and what it took off.
    assert 'data-testid="conduct-score">75<' in text
    assert 'data-testid="hidden-note"' in text and "20" in text
    assert client.get(url(world, "incident_detail", incident_id=fight.pk)).status_code == 404
    home = client.get(url(world, "home")).content.decode()
    assert "ทะเลาะวิวาท" not in home
    room = url(world, "classroom_summary", classroom_id=world.a.classroom.pk)
    # One incident counted for the homeroom teacher (the late one), two for the counsellor.
    assert 'data-testid="bad-count">1<' in client.get(room).content.decode()
    counsellor = login(world.a.users["counsellor"])
    assert 'data-testid="bad-count">2<' in counsellor.get(room).content.decode()


@pytest.mark.django_db
def test_sensitive_incident_seen_by_the_counsellor_and_its_recorder(world, login, cats, fight):
    client = login(world.a.users["counsellor"])
    text = client.get(url(world, "student_behaviour", student_id=world.a.student.pk)).content
    assert "ทะเลาะวิวาท".encode() in text and b'data-testid="hidden-note"' not in text
    detail = client.get(url(world, "incident_detail", incident_id=fight.pk)).content.decode()
    assert "ชกต่อยกับรุ่นพี่" in detail
    assert "ทะเลาะวิวาท" in client.get(url(world, "home")).content.decode()
    # A homeroom teacher who recorded a sensitive incident sees their own.
    own = IncidentFactory(
        student=world.a.student, category=cats["fight"], recorded_by=world.a.users["homeroom"]
    )
    client = login(world.a.users["homeroom"])
    assert client.get(url(world, "incident_detail", incident_id=own.pk)).status_code == 200
    assert client.get(url(world, "incident_detail", incident_id=fight.pk)).status_code == 404


@pytest.mark.django_db
def test_student_of_another_classroom_or_school_is_not_found(world, login, cats):
    client = login(world.a.users["homeroom_other"])
    assert (
        client.get(url(world, "student_behaviour", student_id=world.a.student.pk)).status_code
        == 404
    )
    client = login(world.a.users["discipline"])
    assert (
        client.get(url(world, "student_behaviour", student_id=world.b.student.pk)).status_code
        == 404
    )
    assert (
        client.get(url(world, "student_behaviour", student_id=world.a.student.pk)).status_code
        == 200
    )


@pytest.mark.django_db
def test_earlier_years_open_from_the_students_page(world, login, cats):
    from schools.services import academic_year_create

    with scopes_disabled():
        last = academic_year_create(year=world.year.year - 1)
    IncidentFactory(
        student=world.a.student, category=cats["skip"], academic_year=last, date=last.start
    )
    client = login(world.a.users["homeroom"])
    page = client.get(url(world, "student_behaviour", student_id=world.a.student.pk))
    text = page.content.decode()
    assert 'data-testid="conduct-score">100<' in text and f'href="?year={last.year}"' in text
    text = client.get(
        url(world, "student_behaviour", student_id=world.a.student.pk) + f"?year={last.year}"
    ).content.decode()
    assert 'data-testid="conduct-score">90<' in text and "หนีเรียน" in text


# --- cancelling ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_recorder_cancels_with_a_reason(world, login, cats):
    incident = IncidentFactory(
        student=world.a.student, category=cats["skip"], recorded_by=world.a.users["homeroom"]
    )
    client = login(world.a.users["homeroom"])
    cancel = url(world, "incident_cancel", incident_id=incident.pk)
    response = client.post(cancel, {"reason": ""})
    assert response.status_code == 400
    response = client.post(cancel, {"reason": "บันทึกผิดคน"})
    assert response.status_code == 302
    page = client.get(url(world, "student_behaviour", student_id=world.a.student.pk))
    assert 'data-testid="conduct-score">100<' in page.content.decode()
    # The counsellor sees it but may not cancel another's incident.
    other = IncidentFactory(
        student=world.a.student, category=cats["skip"], recorded_by=world.a.users["homeroom"]
    )
    client = login(world.a.users["counsellor"])
    cancel = url(world, "incident_cancel", incident_id=other.pk)
    assert client.post(cancel, {"reason": "x"}).status_code == 403


# --- corrections -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_correction_gives_points_back_and_keeps_typing_on_error(world, login, cats):
    IncidentFactory(student=world.a.student, category=cats["skip"])
    client = login(world.a.users["discipline"])
    new = url(world, "correction_new", student_id=world.a.student.pk)
    typed = {"activity": "ทำความสะอาดโรงอาหาร", "date": today_text(), "points": 15, "hours": "2"}
    page = client.post(new, typed).content.decode()
    assert "ทำความสะอาดโรงอาหาร" in page
    assert (
        th(
            "At most %(n)s points can be given back (taken off this year and not given back yet).",
            n=10,
        )
        in page
    )
    response = client.post(new, {**typed, "points": 10})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="conduct-score">100<' in page and "ทำความสะอาดโรงอาหาร" in page
    with scopes_disabled():
        assert Correction.objects.get().approved_by == world.a.users["discipline"]


# --- categories ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_discipline_office_sets_categories(world, login):
    client = login(world.a.users["discipline"])
    assert "มาสาย" in client.get(url(world, "category_list")).content.decode()
    new = url(world, "category_new")
    data = {"name": "ขายของในห้องเรียน", "kind": "bad", "points": 7, "active": "on", "order": 1}
    page = client.post(new, {**data, "sensitive": "on", "tell_parent": "on"}).content.decode()
    assert "ขายของในห้องเรียน" in page
    assert (
        th(
            "A sensitive category is told to the parent in person by the counsellor, not through "
            "the parents' pages."
        )
        in page
    )
    assert client.post(new, {**data, "name": "มาสาย"}).status_code == 200
    assert client.post(new, data).status_code == 302
    with scopes_disabled():
        category = Category.objects.get(school=world.a.school, name="ขายของในห้องเรียน")
    assert category.points == 7 and not category.tell_parent
    edit = url(world, "category_edit", category_id=category.pk)
    assert client.post(edit, {**data, "points": 8, "tell_parent": "on"}).status_code == 302
    category.refresh_from_db()
    assert category.points == 8 and category.tell_parent


# --- query counts ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_pages_run_a_fixed_number_of_queries(world, login, cats):
    client = login(world.a.users["counsellor"])
    pages = [
        url(world, "home"),
        url(world, "classroom_summary", classroom_id=world.a.classroom.pk),
        url(world, "student_behaviour", student_id=world.a.student.pk),
        url(world, "incident_new") + f"?classroom={world.a.classroom.pk}",
    ]

    def counts():
        result = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for _ in range(6):
        student = StudentFactory(classroom=world.a.classroom)
        for category in cats.values():
            IncidentFactory(
                student=student, category=category, recorded_by=world.a.users["counsellor"]
            )
            IncidentFactory(student=world.a.student, category=category)
    assert counts() == before
    # Every page: session, user, memberships, school, academic year (5), then its own:
    # home: the user's classrooms' students with their points, the categories with their counts,
    # the incidents the user recorded (3); a classroom: the classroom, its students with their
    # points, the audit row (3); a student: the student, the visible incidents, the hidden
    # ones' count, the correction activities, the points, the years with entries, the
    # enrolment, the audit row (8);
    # the form: the categories, the classrooms, the classroom's students (3).
    assert before == [8, 8, 13, 8]

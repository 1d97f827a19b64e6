"""The SDQ self-report is offered by age (11–17 on the term's first day), not by grade: ป.4–ป.5
hold 9- and 10-year-olds, and the form is meant for 11 and over."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from conftest import make_student
from schools.selectors import term_code
from screening import links, services, summaries


def born(term, years, months=0):
    """A birth date making the student ``years`` years and ``months`` months old on the term's
    first day."""
    start = term.start
    month = start.month - months
    year = start.year - years
    while month < 1:
        month += 12
        year -= 1
    return datetime.date(year, month, min(start.day, 28))


def with_birth_date(student, birth_date):
    with scopes_disabled():
        student.birth_date = birth_date
        student.save(update_fields=["birth_date"])
    return student


@pytest.mark.parametrize(
    ("years", "months", "offered"),
    [(10, 11, False), (11, 0, True), (17, 11, True), (18, 0, False)],
)
def test_offered_from_11_to_17_on_the_terms_first_day(world, term, years, months, offered):
    student = with_birth_date(world.a.student, born(term, years, months))
    classroom = world.a.classroom  # ป.4: the grade no longer decides
    forms = services.sdq_forms_for_student(student=student, classroom=classroom, term=term)
    assert ("student" in forms) is offered
    assert forms[:2] == ("teacher", "parent")
    assert summaries.self_report_applies(student.birth_date, term.start) is offered


def test_eleven_exactly_on_the_first_day(world, term):
    student = with_birth_date(world.a.student, born(term, 11))
    assert student.age_on(term.start) == 11
    day_before = born(term, 11) + datetime.timedelta(days=1)  # 11 the day after the term starts
    assert not summaries.self_report_applies(day_before, term.start)


def test_no_birth_date_no_self_report(world, term):
    student = with_birth_date(world.a.student, None)
    forms = services.sdq_forms_for_student(student=student, classroom=world.a.classroom, term=term)
    assert forms == ("teacher", "parent")


def entry_url(world, student, rater):
    return reverse(
        "screening:sdq_entry",
        kwargs={"school_code": world.a.school.code, "student_id": student.pk, "rater": rater},
    )


def test_the_entry_page_follows_the_age(world, login, term):
    client = login(world.a.users["homeroom"])
    student = with_birth_date(world.a.student, born(term, 10, 11))
    address = entry_url(world, student, "student") + f"?term={term_code(term)}"
    assert client.get(address).status_code == 404
    with_birth_date(student, born(term, 11))
    assert client.get(address).status_code == 200


def test_the_students_page_shows_the_self_report_only_when_of_age(world, login, term):
    client = login(world.a.users["homeroom"])
    student = with_birth_date(world.a.student, born(term, 10, 11))
    address = reverse(
        "screening:student",
        kwargs={"school_code": world.a.school.code, "student_id": student.pk},
    )
    cells = client.get(address, {"term": term_code(term)}).context["sdq_cells"]
    assert [(rater, applies) for rater, applies, _response in cells] == [
        ("teacher", True),
        ("parent", True),
        ("student", False),
    ]
    assert (
        entry_url(world, student, "student")
        not in client.get(address, {"term": term_code(term)}).content.decode()
    )
    with_birth_date(student, born(term, 11))
    page = client.get(address, {"term": term_code(term)})
    assert ("student", True) in [(r, a) for r, a, _ in page.context["sdq_cells"]]
    assert entry_url(world, student, "student") in page.content.decode()


def test_classroom_counts_and_links_follow_the_age(world, term):
    young = with_birth_date(world.a.student, born(term, 10, 11))
    with scopes_disabled():
        old = make_student(world.a.school, world.a.classroom, 990, 40, birth_date=born(term, 12))
        (row,) = summaries.completion_by_classroom(
            school=world.a.school, term=term, classroom_ids=[world.a.classroom.pk]
        )
        students = row.students
        assert row.forms["parent"].applicable == students
        of_age = sum(
            summaries.self_report_applies(e.student.birth_date, term.start)
            for e in world.a.classroom.enrolments.select_related("student")
        )
        assert row.forms["student"].applicable == of_age >= 1
        made = {
            r.student.pk: set(r.links)
            for r in links.form_links_for_classroom(classroom=world.a.classroom, term=term)
        }
    assert made[young.pk] == {"parent"}
    assert made[old.pk] == {"parent", "student"}


def test_a_self_report_code_printed_for_a_child_too_young_opens_no_form(world, client, term):
    """A code made before the self-report went by age still opens, but says the form is not
    needed instead of asking a ten-year-old the questions meant for 11 and over."""
    from screening.tests.test_links import form_url, make_link, open_window

    open_window(world, term)
    student = with_birth_date(world.a.student, born(term, 10, 6))
    link = make_link(student, term, "student")
    page = client.get(form_url(link))
    assert page.status_code == 200
    assert [t.name for t in page.templates][0] == "screening/public/not_needed.html"
    assert 'name="q1"' not in page.content.decode()

    with_birth_date(student, born(term, 12))
    assert 'name="q1"' in client.get(form_url(link)).content.decode()

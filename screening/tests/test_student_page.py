"""Issue 19, the student's screening page as a teacher reads it: it opens on the current term
(the group of an earlier term of the year shown as holding), names the criteria instead of their
code, says what the group means and what comes next, and calls a form without its impact part
"complete (no impact part)". Scores are not touched: the SDQ's are given by the 25 items alone."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from schools.selectors import current_term, term_code
from screening import services
from screening.models import CareGroup, SdqResponse
from screening.tests.helpers import calm_answers
from screening.tests.test_entry import with_emotional

pytestmark = pytest.mark.usefixtures("english")


def screening_url(world, term=None):
    url = reverse(
        "screening:student",
        kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
    )
    return url + (f"?term={term_code(term)}" if term else "")


def save(world, term, answers, impact=None):
    with scopes_disabled():
        return services.sdq_response_save(
            student=world.a.student, term=term, rater="teacher", answers=answers, impact=impact
        )


def test_the_student_record_opens_the_screening_on_the_current_term(world, login, term1):
    save(world, term1, with_emotional(4))  # a group in term 1 only
    client = login(world.a.users["homeroom"])
    record = reverse(
        "students:student_detail",
        kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
    )
    page = client.get(record).content.decode()
    link = screening_url(world)
    assert f'href="{link}"' in page  # no ?term= of the group's term
    with scopes_disabled():
        assert client.get(link).context["term"] == current_term()


def test_an_earlier_group_of_the_year_is_shown_as_holding_on_a_later_term(
    world, login, term1, term2
):
    save(world, term1, with_emotional(4))
    page = login(world.a.users["homeroom"]).get(screening_url(world, term2)).content.decode()
    assert "Not screened yet this term." in page
    assert 'id="earlier-group"' in page and f'data-term="{term_code(term1)}"' in page
    assert f"The group of term 1/{term1.academic_year.year} holds" in page
    assert 'data-group-meaning="risk"' in page
    # Term 1 itself: its group, no "earlier group".
    page = login(world.a.users["homeroom"]).get(screening_url(world, term1)).content.decode()
    assert 'id="earlier-group"' not in page and 'data-group-meaning="risk"' in page


@pytest.mark.parametrize(
    "emotional,level,next_step",
    [
        (0, "normal", "promotion (step 3)"),
        (4, "risk", "promotion and prevention (steps 3–4)"),
        (5, "problem", "an individual care plan; consider a referral (step 5)"),
    ],
)
def test_the_group_says_what_it_means_and_what_comes_next(
    world, login, term, emotional, level, next_step
):
    save(world, term, with_emotional(emotional) if emotional else calm_answers())
    page = login(world.a.users["homeroom"]).get(screening_url(world, term)).content.decode()
    assert f'data-group-meaning="{level}"' in page and next_step in page


def test_a_special_group_says_what_it_means(world, login, term):
    save(world, term, calm_answers())
    with scopes_disabled():
        CareGroup.objects.filter(student=world.a.student, term=term).update(special=True)
    page = login(world.a.users["homeroom"]).get(screening_url(world, term)).content.decode()
    assert 'data-group-meaning="special"' in page and "special needs" in page


def test_the_criteria_are_named_not_coded(world, login, term):
    save(world, term, calm_answers(), impact={"difficulties": 0})
    page = login(world.a.users["homeroom"]).get(screening_url(world, term)).content.decode()
    assert "Grouped by OBEC practice (Thai cut-offs) <small>(obec-1)</small>" in page
    assert "Criteria: obec-1" not in page


def test_a_form_without_its_impact_part_is_complete_no_impact_part(world, login, term):
    saved = save(world, term, with_emotional(4))
    assert saved.status == "complete" and saved.total == 4  # scored on the 25 items
    assert saved.impact is None and saved.impact_missing
    client = login(world.a.users["homeroom"])
    entry = reverse(
        "screening:sdq_entry",
        kwargs={
            "school_code": world.a.school.code,
            "student_id": world.a.student.pk,
            "rater": "teacher",
        },
    )
    assert "Complete (no impact part)" in client.get(screening_url(world, term)).content.decode()
    assert (
        "Complete (no impact part)"
        in client.get(f"{entry}?term={term_code(term)}").content.decode()
    )

    # The impact part answered ("no difficulties" at its gate gives impact 0): complete.
    saved = save(world, term, with_emotional(4), impact={"difficulties": 0})
    assert saved.impact == 0 and not saved.impact_missing and saved.total == 4
    assert "no impact part" not in client.get(screening_url(world, term)).content.decode()
    page = client.get(f"{entry}?term={term_code(term)}").content.decode()
    assert "Complete ·" in page.replace("\n", " ") or ">Complete" in page
    with scopes_disabled():
        assert SdqResponse.objects.get(pk=saved.pk).level == "risk"

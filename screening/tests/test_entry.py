"""Entering SDQ and EQ answers, the classroom grid, the care group and its override."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import AuditEvent
from conftest import make_student
from schools.models import Classroom, Grade
from schools.selectors import current_term, term_code
from screening import services
from screening.models import CareGroup, CareGroupChange, SdqResponse, Source, Status
from screening.tests.helpers import EMOTIONAL, calm_answers, post_items


def with_emotional(score: int) -> list[int]:
    answers = calm_answers()
    for item in EMOTIONAL:
        take = min(2, score)
        answers[item - 1] = take
        score -= take
    return answers


def entry_url(world, student, rater="teacher", term=None):
    url = reverse(
        "screening:sdq_entry",
        kwargs={"school_code": world.a.school.code, "student_id": student.pk, "rater": rater},
    )
    return url + (f"?term={term_code(term)}" if term else "")


def test_teacher_fills_a_complete_form_and_the_group_follows(world, login, term):
    client = login(world.a.users["homeroom"])
    page = client.get(entry_url(world, world.a.student, term=term))
    assert page.status_code == 200
    assert page.content.decode().count(" data-item>") == 25

    response = client.post(
        entry_url(world, world.a.student, term=term), post_items(with_emotional(5)), follow=True
    )
    assert response.status_code == 200
    with scopes_disabled():
        saved = SdqResponse.objects.get(student=world.a.student, term=term, rater="teacher")
        group = CareGroup.objects.get(student=world.a.student, term=term)
        audit = AuditEvent.objects.filter(
            student_id=world.a.student.pk, action=AuditEvent.Action.CHANGE
        )
    assert saved.status == Status.COMPLETE
    assert (saved.emotional, saved.total, saved.emotional_band, saved.level) == (
        5,
        5,
        "problem",
        "problem",
    )
    assert saved.source == Source.FORM and saved.entered_by == world.a.users["homeroom"]
    assert group.level == "problem"
    assert group.reasons == [
        {"source": "sdq", "rater": "teacher", "scale": "emotional", "score": 5, "band": "problem"}
    ]
    assert audit.exists()


def test_an_unfinished_form_is_a_draft_that_names_the_missing_items(world, login, term):
    client = login(world.a.users["homeroom"])
    answers = calm_answers()
    answers[3] = answers[20] = None  # items 4 and 21
    response = client.post(
        entry_url(world, world.a.student, term=term), post_items(answers), follow=True
    )
    text = response.content.decode()
    assert "4, 21" in text
    with scopes_disabled():
        saved = SdqResponse.objects.get(student=world.a.student, term=term)
        assert not CareGroup.objects.filter(student=world.a.student).exists()
    assert saved.status == Status.DRAFT and saved.total is None
    assert saved.missing_items() == [4, 21]
    # What was typed is shown again.
    page = client.get(entry_url(world, world.a.student, term=term)).content.decode()
    assert 'name="q1" id="id_q1_0" value="0" checked' in page.replace("\n", "")


def test_a_colleague_save_is_never_silently_overwritten(world, login, term):
    with scopes_disabled():
        services.sdq_response_save(
            student=world.a.student, term=term, rater="teacher", answers=calm_answers()
        )
    client = login(world.a.users["homeroom"])
    # Opened at revision 1 ...
    assert 'value="1"' in client.get(entry_url(world, world.a.student, term=term)).content.decode()
    # ... a co-advisor saves meanwhile (revision 2) ...
    with scopes_disabled():
        services.sdq_response_save(
            student=world.a.student,
            term=term,
            rater="teacher",
            answers=with_emotional(4),
            revision=1,
        )
    # ... and this teacher's save is refused, with the differences shown and the answers kept.
    mine = with_emotional(10)
    response = client.post(
        entry_url(world, world.a.student, term=term), post_items(mine, revision="1")
    )
    assert response.status_code == 200
    assert "stale-warning" in response.content.decode()
    with scopes_disabled():
        saved = SdqResponse.objects.get(student=world.a.student, term=term)
    assert saved.emotional == 4 and saved.revision == 2
    # Saving again on purpose replaces theirs.
    client.post(entry_url(world, world.a.student, term=term), post_items(mine, revision="2"))
    with scopes_disabled():
        saved.refresh_from_db()
    assert saved.emotional == 10


def test_forms_follow_the_grade_and_the_self_report_the_age(world, login, term):
    with scopes_disabled():
        p2 = Classroom.objects.create(
            school=world.a.school, academic_year=world.year, grade=Grade.P2, room=1
        )
        young = make_student(
            world.a.school, p2, 555, 1, birth_date=term.start.replace(year=term.start.year - 8)
        )
        world.a.student.birth_date = term.start.replace(year=term.start.year - 12)
        world.a.student.save(update_fields=["birth_date"])
    coordinator = login(world.a.users["coordinator"])
    assert coordinator.get(entry_url(world, young, "teacher", term)).status_code == 200
    assert coordinator.get(entry_url(world, young, "student", term)).status_code == 404
    assert coordinator.get(entry_url(world, young, "parent", term)).status_code == 404
    assert coordinator.get(entry_url(world, world.a.student, "student", term)).status_code == 200
    assert coordinator.get(entry_url(world, world.a.student, "nobody", term)).status_code == 404


def test_who_may_enter(world, login, term):
    url = entry_url(world, world.a.student, term=term)
    assert login(world.a.users["homeroom_other"]).get(url).status_code == 404
    assert login(world.b.users["homeroom"]).get(url).status_code == 404
    assert login(world.b.users["coordinator"]).get(url).status_code == 404
    assert login(world.a.users["director"]).get(url).status_code == 403
    assert login(world.a.users["counsellor"]).get(url).status_code == 200
    assert login(world.a.users["district_admin"]).get(url).status_code == 403


def grid_url(world, rater="teacher", term=None):
    url = reverse(
        "screening:sdq_grid",
        kwargs={
            "school_code": world.a.school.code,
            "classroom_id": world.a.classroom.pk,
            "rater": rater,
        },
    )
    return url + (f"?term={term_code(term)}" if term else "")


def grid_data(student, answers, term) -> dict:
    data = {f"s{student.pk}_q{n}": "" if a is None else str(a) for n, a in enumerate(answers, 1)}
    data["term"] = term_code(term)
    return data


def test_grid_saves_a_stack_of_forms(world, login, term):
    with scopes_disabled():
        second = make_student(world.a.school, world.a.classroom, 777, 2)
    client = login(world.a.users["homeroom"])
    data = grid_data(world.a.student, with_emotional(4), term)
    partial = calm_answers()
    partial[24] = None
    data |= grid_data(second, partial, term)
    response = client.post(grid_url(world, term=term), data, follow=True)
    assert response.status_code == 200
    with scopes_disabled():
        first = SdqResponse.objects.get(student=world.a.student, term=term)
        other = SdqResponse.objects.get(student=second, term=term)
    assert (first.status, first.level, first.source) == ("complete", "risk", "grid")
    assert other.status == "draft" and other.missing_items() == [25]


def test_grid_with_a_bad_cell_saves_nothing_and_keeps_what_was_typed(world, login, term):
    client = login(world.a.users["homeroom"])
    answers = calm_answers()
    data = grid_data(world.a.student, answers, term)
    data[f"s{world.a.student.pk}_q9"] = "3"
    response = client.post(grid_url(world, term=term), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert f'name="s{world.a.student.pk}_q9" value="3"' in text
    assert "is-invalid" in text
    with scopes_disabled():
        assert not SdqResponse.objects.filter(student=world.a.student).exists()


def test_grid_permissions(world, login, term):
    assert login(world.a.users["homeroom_other"]).get(grid_url(world, term=term)).status_code == 403
    assert login(world.b.users["homeroom"]).get(grid_url(world, term=term)).status_code == 404
    assert login(world.a.users["director"]).get(grid_url(world, term=term)).status_code == 403
    assert login(world.a.users["homeroom"]).get(grid_url(world, term=term)).status_code == 200


def classroom_url(world, term):
    return (
        reverse(
            "screening:classroom",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
        )
        + f"?term={term_code(term)}"
    )


def _fill_room(world, term, count):
    with scopes_disabled():
        for n in range(2, count + 1):
            student = make_student(world.a.school, world.a.classroom, 9000 + n, n)
            services.sdq_response_save(
                student=student, term=term, rater="teacher", answers=with_emotional(n % 7)
            )


@pytest.mark.parametrize("size", [5, 30])
def test_classroom_page_queries_do_not_grow_with_the_room(
    world, login, term, size, django_assert_num_queries
):
    _fill_room(world, term, size)
    client = login(world.a.users["homeroom"])
    client.get(classroom_url(world, term))  # warm the session
    with django_assert_num_queries(14):
        response = client.get(classroom_url(world, term))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= size


def test_classroom_page_counts_groups(world, login, term):
    _fill_room(world, term, 8)  # emotional 2,3,...,8 % 7 -> 2,3,4,5,6,0,1
    client = login(world.a.users["homeroom"])
    response = client.get(classroom_url(world, term))
    counts = response.context["counts"]
    assert counts["screened"] == 7 and counts["students"] == 8
    # teacher form bands for emotional: 0-3 normal, 4 risk, 5-10 problem
    assert counts["groups"] == {"normal": 4, "risk": 1, "problem": 2}


def student_url(world, term):
    return (
        reverse(
            "screening:student",
            kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
        )
        + f"?term={term_code(term)}"
    )


def override_url(world):
    return reverse(
        "screening:group_override",
        kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
    )


def test_student_page_says_which_scale_put_the_child_in_the_group(world, login, term):
    with scopes_disabled():
        services.sdq_response_save(
            student=world.a.student, term=term, rater="teacher", answers=with_emotional(4)
        )
    client = login(world.a.users["director"])
    response = client.get(student_url(world, term))
    assert response.status_code == 200
    assert response.context["group"].level == "risk"
    assert len(response.context["reasons"]) == 1
    assert "4" in response.context["reasons"][0]
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            student_id=world.a.student.pk, action=AuditEvent.Action.VIEW
        ).exists()
    # The director sees but does not enter or override.
    assert response.context["override_form"] is None


def test_override_needs_a_reason_and_is_kept(world, login, term):
    with scopes_disabled():
        services.sdq_response_save(
            student=world.a.student, term=term, rater="teacher", answers=with_emotional(4)
        )
    client = login(world.a.users["homeroom"])
    client.post(override_url(world), {"term": term_code(term), "level": "problem", "reason": ""})
    with scopes_disabled():
        group = CareGroup.objects.get(student=world.a.student, term=term)
    assert group.level == "risk" and not group.is_overridden

    client.post(
        override_url(world),
        {"term": term_code(term), "level": "problem", "reason": "ทำร้ายตัวเองที่โรงเรียน"},
    )
    with scopes_disabled():
        group.refresh_from_db()
        # New results later do not undo the teacher's decision; the derived group moves beside it.
        services.sdq_response_save(
            student=world.a.student, term=term, rater="teacher", answers=calm_answers()
        )
        group.refresh_from_db()
        change = CareGroupChange.objects.get(group=group)
    assert (group.level, group.derived_level, group.override_level) == (
        "problem",
        "normal",
        "problem",
    )
    assert change.reason == "ทำร้ายตัวเองที่โรงเรียน" and change.changed_by == world.a.users["homeroom"]
    page = client.get(student_url(world, term)).content.decode()
    assert "ทำร้ายตัวเองที่โรงเรียน" in page


def test_override_permissions(world, login, term):
    data = {"term": term_code(term), "level": "risk", "reason": "x"}
    assert login(world.a.users["director"]).post(override_url(world), data).status_code == 403
    assert login(world.a.users["homeroom_other"]).post(override_url(world), data).status_code == 404
    assert login(world.b.users["homeroom"]).post(override_url(world), data).status_code == 404
    with scopes_disabled():
        assert not CareGroup.objects.filter(student=world.a.student).exists()


def test_an_unknown_term_code_falls_back_with_a_message(world, login):
    client = login(world.a.users["homeroom"])
    url = reverse(
        "screening:classroom",
        kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
    )
    response = client.get(url + "?term=9999-9")
    assert response.status_code == 200
    assert response.context["term"] == current_term()


def test_eq_for_a_twelve_year_old(world, login, term):
    with scopes_disabled():
        student = world.a.student
        student.birth_date = term.start.replace(year=term.start.year - 13)
        student.save()
    client = login(world.a.users["homeroom"])
    url = (
        reverse(
            "screening:eq_entry",
            kwargs={"school_code": world.a.school.code, "student_id": student.pk},
        )
        + f"?term={term_code(term)}"
    )
    page = client.get(url)
    assert page.status_code == 200 and page.context["instrument"] == "eq12"
    data = {f"q{n}": "1" for n in range(1, 53)} | {"rater": "student", "term": term_code(term)}
    client.post(url, data)
    with scopes_disabled():
        eq = student.eq_responses.get()
    assert eq.status == "complete" and eq.total is not None
    assert timezone.now() >= eq.modified

"""Individual care plans (ICP): opening, editing with the stale-form check, follow-ups, actions,
closing, overdue flags, the list pages, the student's page, and printing."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from care import selectors
from care.models import CarePlan, CarePlanFollowUp
from care.plans import services
from carecore.dates import format_date
from carecore.models import AuditEvent, GeneratedFile
from conftest import make_student
from schools.selectors import current_term
from screening import services as screening_services

REVERSE = (7, 11, 14, 21, 25)
EMOTIONAL = (3, 8, 13, 16, 24)
TODAY = timezone.localdate


def be(day: datetime.date) -> str:
    return format_date(day, "numeric")


def problem_answers() -> list[int]:
    """SDQ teacher form with emotional problems 10 (problem from 5): the problem group."""
    return [2 if n in REVERSE or n in EMOTIONAL else 0 for n in range(1, 26)]


# Pages in English (the text the tests look for).
pytestmark = pytest.mark.usefixtures("english")


def put_in_problem_group(world, student, term):
    with scopes_disabled():
        screening_services.sdq_response_save(
            student=student,
            term=term,
            rater="teacher",
            answers=problem_answers(),
            user=world.a.users["homeroom"],
        )


def open_plan(world, student=None, *, next_review=None, actions=(), opened_on=None):
    student = student or world.a.student
    with scope(school=student.school_id):
        return services.care_plan_open(
            student=student,
            opened_on=opened_on or TODAY(),
            problem="ไม่ค่อยพูดกับเพื่อน ขาดเรียนบ่อย",
            goals="มาเรียนสม่ำเสมอ",
            next_review=next_review or TODAY() + datetime.timedelta(days=14),
            actions=actions,
            user=world.a.users["homeroom"],
        )


def url(world, name, **kwargs):
    return reverse(name, kwargs={"school_code": world.a.school.code, **kwargs})


def plan_post(**extra) -> dict:
    data = {
        "opened_on": be(TODAY()),
        "problem": "ซึมเศร้า ไม่ส่งงาน",
        "goals": "ส่งงานครบ ยิ้มแย้มขึ้น",
        "next_review": be(TODAY() + datetime.timedelta(days=30)),
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-action": "พูดคุยให้คำปรึกษาทุกสัปดาห์",
        "actions-0-who": "ครูประจำชั้น",
        "actions-0-due": be(TODAY() + datetime.timedelta(days=7)),
    }
    data.update(extra)
    return data


# --- services ----------------------------------------------------------------------------------
class TestCarePlanServices:
    def test_opening_a_plan_sets_its_term_and_actions_and_is_audited(self, world, term):
        plan = open_plan(
            world,
            actions=[services.ActionRow(action="เยี่ยมบ้าน", who="ครูประจำชั้น", due=TODAY())],
        )
        with scopes_disabled():
            assert plan.term == current_term(TODAY())
            assert plan.status == CarePlan.Status.OPEN
            assert [a.action for a in plan.actions.all()] == ["เยี่ยมบ้าน"]
            event = AuditEvent.objects.get(object_type="careplan", object_id=str(plan.pk))
        assert event.action == AuditEvent.Action.CREATE
        assert event.student_id == world.a.student.pk

    def test_dates_that_make_no_sense_are_refused(self, world, term):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as error:
            open_plan(world, opened_on=TODAY() + datetime.timedelta(days=1))
        assert "opened_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            open_plan(world, next_review=TODAY() - datetime.timedelta(days=1))
        assert "next_review" in error.value.message_dict
        with scopes_disabled():
            assert not CarePlan.objects.exists()

    def test_first_follow_up_puts_the_plan_in_progress_and_sets_the_review(self, world, term):
        plan = open_plan(world)
        review = TODAY() + datetime.timedelta(days=21)
        with scope(school=world.a.school.pk):
            services.care_plan_follow_up_add(
                plan=plan,
                date=TODAY(),
                what_was_done="คุยกับผู้ปกครองทางโทรศัพท์",
                result=CarePlanFollowUp.Result.PARTLY,
                next_review=review,
                user=world.a.users["homeroom"],
            )
            plan.refresh_from_db()
        assert plan.status == CarePlan.Status.IN_PROGRESS
        assert plan.next_review == review
        assert plan.revision == 2

    def test_a_closed_plan_takes_no_follow_up_and_is_never_overdue(self, world, term):
        from django.core.exceptions import ValidationError

        plan = open_plan(world)
        with scope(school=world.a.school.pk):
            with pytest.raises(ValidationError):
                services.care_plan_close(
                    plan=plan, outcome="", closed_on=TODAY(), user=world.a.users["homeroom"]
                )
            services.care_plan_close(
                plan=plan,
                outcome=CarePlan.Outcome.IMPROVED,
                closed_on=TODAY(),
                user=world.a.users["homeroom"],
            )
            with pytest.raises(ValidationError):
                services.care_plan_follow_up_add(
                    plan=plan,
                    date=TODAY(),
                    what_was_done="x",
                    result="improved",
                    user=world.a.users["homeroom"],
                )
            CarePlan.objects.filter(pk=plan.pk).update(next_review=TODAY() - datetime.timedelta(9))
            plan.refresh_from_db()
        assert plan.status == CarePlan.Status.CLOSED
        assert not selectors.is_overdue(plan)

    def test_a_stale_edit_is_refused_and_nothing_is_written(self, world, term):
        plan = open_plan(world)
        with scope(school=world.a.school.pk):
            services.care_plan_update(
                plan=plan,
                revision=1,
                opened_on=plan.opened_on,
                problem="ปัญหาที่ครูอีกคนเขียน",
                goals=plan.goals,
                next_review=plan.next_review,
                user=world.a.users["coordinator"],
            )
            with pytest.raises(services.StaleForm) as stale:
                services.care_plan_update(
                    plan=plan,
                    revision=1,
                    opened_on=plan.opened_on,
                    problem="ของฉัน",
                    goals=plan.goals,
                    next_review=plan.next_review,
                    user=world.a.users["homeroom"],
                )
            plan.refresh_from_db()
        assert stale.value.current.revision == 2
        assert plan.problem == "ปัญหาที่ครูอีกคนเขียน"


class TestOverdue:
    def test_overdue_when_the_review_passed_or_an_action_is_late(self, world, login, term):
        late_review = open_plan(world)
        late_action = open_plan(
            world,
            actions=[
                services.ActionRow(
                    action="ซ่อมเสริม", who="ครูคณิต", due=TODAY() - datetime.timedelta(days=1)
                )
            ],
        )
        done_action = open_plan(
            world,
            actions=[
                services.ActionRow(
                    action="โทรหาแม่", who="ครู", due=TODAY() - datetime.timedelta(days=1), done=True
                )
            ],
        )
        fine = open_plan(world)
        with scopes_disabled():
            CarePlan.objects.filter(pk=late_review.pk).update(
                next_review=TODAY() - datetime.timedelta(days=1)
            )
            # Due today is not late yet.
            CarePlan.objects.filter(pk=fine.pk).update(next_review=TODAY())
        response = login(world.a.users["coordinator"]).get(
            url(world, "care:plan_list") + "?show=overdue"
        )
        counts, listing = response.context["counts"], response.context["page_obj"]
        assert counts == {"open": 4, "closed": 0, "overdue": 2, "all": 4}
        assert {p.pk for p in listing} == {late_review.pk, late_action.pk}
        assert done_action.pk not in {p.pk for p in listing}


# --- views -------------------------------------------------------------------------------------
class TestPlanCreate:
    def test_teacher_opens_a_plan_for_a_student_in_the_problem_group(self, world, login, term):
        put_in_problem_group(world, world.a.student, term)
        client = login(world.a.users["homeroom"])
        target = url(world, "care:plan_create", student_id=world.a.student.pk)
        with translation.override("en"):
            page = client.get(target)
        assert page.status_code == 200
        assert 'class="badge text-bg-danger"' in page.content.decode()  # the group, shown
        response = client.post(target, plan_post())
        with scopes_disabled():
            plan = CarePlan.objects.get(student=world.a.student)
            assert plan.actions.get().who == "ครูประจำชั้น"
        assert response.status_code == 302
        assert response["Location"] == url(world, "care:plan_detail", plan_id=plan.pk)
        assert plan.opened_by == world.a.users["homeroom"]

    def test_a_bad_date_keeps_what_was_typed(self, world, login, term):
        client = login(world.a.users["homeroom"])
        target = url(world, "care:plan_create", student_id=world.a.student.pk)
        with translation.override("en"):
            response = client.post(target, plan_post(next_review="31/02/2569"))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Enter a date as day/month/year" in content
        assert "ซึมเศร้า ไม่ส่งงาน" in content
        assert "พูดคุยให้คำปรึกษาทุกสัปดาห์" in content
        with scopes_disabled():
            assert not CarePlan.objects.exists()

    def test_an_action_without_who_is_refused(self, world, login, term):
        client = login(world.a.users["homeroom"])
        target = url(world, "care:plan_create", student_id=world.a.student.pk)
        with translation.override("en"):
            response = client.post(target, plan_post(**{"actions-0-who": ""}))
        assert response.status_code == 200
        assert "Say who does it." in response.content.decode()

    def test_the_director_reads_only_and_another_teacher_cannot_see_the_student(
        self, world, login, term
    ):
        target = url(world, "care:plan_create", student_id=world.a.student.pk)
        assert login(world.a.users["director"]).post(target, plan_post()).status_code == 403
        assert login(world.a.users["homeroom_other"]).post(target, plan_post()).status_code == 404
        b_target = reverse(
            "care:plan_create",
            kwargs={"school_code": world.a.school.code, "student_id": world.b.student.pk},
        )
        assert login(world.a.users["coordinator"]).get(b_target).status_code == 404
        with scopes_disabled():
            assert not CarePlan.objects.exists()


class TestPlanDetail:
    def test_whoever_sees_the_student_reads_the_plan_and_it_is_audited(self, world, login, term):
        plan = open_plan(world)
        target = url(world, "care:plan_detail", plan_id=plan.pk)
        with translation.override("en"):
            page = login(world.a.users["director"]).get(target)
        content = page.content.decode()
        assert page.status_code == 200
        assert "ไม่ค่อยพูดกับเพื่อน" in content
        assert "Add a follow-up" not in content  # the director reads only
        with scopes_disabled():
            assert AuditEvent.objects.filter(
                action=AuditEvent.Action.VIEW,
                object_type="careplan",
                object_id=str(plan.pk),
                user_id=world.a.users["director"].pk,
            ).exists()
        assert login(world.a.users["homeroom_other"]).get(target).status_code == 404
        other = url(world, "care:plan_detail", plan_id=plan.pk).replace(
            world.a.school.code, world.b.school.code
        )
        assert login(world.b.users["coordinator"]).get(other).status_code == 404

    def test_the_overdue_reasons_are_shown(self, world, login, term):
        plan = open_plan(
            world,
            actions=[
                services.ActionRow(action="ซ่อมเสริม", who="ครู", due=TODAY() - datetime.timedelta(3))
            ],
        )
        with scopes_disabled():
            CarePlan.objects.filter(pk=plan.pk).update(next_review=TODAY() - datetime.timedelta(2))
        with translation.override("en"):
            content = (
                login(world.a.users["homeroom"])
                .get(url(world, "care:plan_detail", plan_id=plan.pk))
                .content.decode()
            )
        assert "The review was due on" in content
        assert "1 action is past its date and not done." in content


class TestPlanEdit:
    def edit_post(self, plan, revision, problem):
        with scopes_disabled():
            action = plan.actions.first()
        data = plan_post(
            revision=str(revision),
            problem=problem,
            opened_on=be(plan.opened_on),
            **{
                "actions-TOTAL_FORMS": "3",
                "actions-INITIAL_FORMS": "1",
                "actions-0-id": str(action.pk),
                "actions-0-action": action.action,
                "actions-0-who": action.who,
                "actions-0-due": "",
            },
        )
        return data

    def test_a_stale_form_is_refused_with_a_message_and_keeps_what_was_typed(
        self, world, login, term
    ):
        plan = open_plan(world, actions=[services.ActionRow(action="คุย", who="ครู")])
        target = url(world, "care:plan_edit", plan_id=plan.pk)
        teacher = login(world.a.users["homeroom"])
        assert teacher.get(target).status_code == 200
        # The counsellor saves first.
        with scope(school=world.a.school.pk):
            services.care_plan_update(
                plan=plan,
                revision=1,
                opened_on=plan.opened_on,
                problem="ข้อความของครูแนะแนว",
                goals=plan.goals,
                next_review=plan.next_review,
                user=world.a.users["counsellor"],
            )
        with translation.override("en"):
            response = teacher.post(target, self.edit_post(plan, 1, "ข้อความของครูประจำชั้น"))
        content = response.content.decode()
        assert response.status_code == 200
        assert "Your changes were not saved" in content
        assert "ข้อความของครูประจำชั้น" in content  # what the teacher typed, kept
        assert "ข้อความของครูแนะแนว" in content  # and what is saved now, shown
        with scopes_disabled():
            plan.refresh_from_db()
        assert plan.problem == "ข้อความของครูแนะแนว"
        # Saving again (the form now carries the new revision) keeps the teacher's text.
        response = teacher.post(target, self.edit_post(plan, 2, "ข้อความของครูประจำชั้น"))
        assert response.status_code == 302
        with scopes_disabled():
            plan.refresh_from_db()
        assert plan.problem == "ข้อความของครูประจำชั้น"
        assert plan.revision == 3

    def test_the_director_may_not_edit(self, world, login, term):
        plan = open_plan(world)
        target = url(world, "care:plan_edit", plan_id=plan.pk)
        assert login(world.a.users["director"]).get(target).status_code == 403


class TestFollowUpsActionsAndClosing:
    def test_teacher_adds_a_follow_up_ticks_an_action_and_closes_the_plan(self, world, login, term):
        plan = open_plan(world, actions=[services.ActionRow(action="คุย", who="ครู")])
        with scopes_disabled():
            action = plan.actions.get()
        client = login(world.a.users["homeroom"])
        review = TODAY() + datetime.timedelta(days=10)
        response = client.post(
            url(world, "care:plan_follow_up_create", plan_id=plan.pk),
            {
                "date": be(TODAY()),
                "what_was_done": "พูดคุยรายบุคคล",
                "result": "partly",
                "next_step": "นัดผู้ปกครอง",
                "next_review": be(review),
            },
        )
        assert response.status_code == 302
        response = client.post(
            url(world, "care:plan_action_done", plan_id=plan.pk),
            {"action": str(action.pk), "done": "1"},
        )
        assert response.status_code == 302
        with scopes_disabled():
            plan.refresh_from_db()
            action.refresh_from_db()
        assert plan.status == CarePlan.Status.IN_PROGRESS
        assert plan.next_review == review
        assert action.done

        response = client.post(
            url(world, "care:plan_close", plan_id=plan.pk),
            {"outcome": "improved", "closed_on": be(TODAY()), "outcome_note": "ดีขึ้นมาก"},
        )
        assert response.status_code == 302
        with scopes_disabled():
            plan.refresh_from_db()
        assert plan.status == CarePlan.Status.CLOSED
        assert plan.closed_on == TODAY()

    def test_a_follow_up_in_the_future_is_refused_and_kept(self, world, login, term):
        plan = open_plan(world)
        with translation.override("en"):
            response = login(world.a.users["homeroom"]).post(
                url(world, "care:plan_follow_up_create", plan_id=plan.pk),
                {
                    "date": be(TODAY() + datetime.timedelta(days=3)),
                    "what_was_done": "ข้อความที่พิมพ์ไว้",
                    "result": "improved",
                },
            )
        content = response.content.decode()
        assert response.status_code == 200
        assert "cannot be recorded for a day in the future" in content
        assert "ข้อความที่พิมพ์ไว้" in content

    def test_ticking_a_nonsense_action_gives_a_message_not_an_error(self, world, login, term):
        plan = open_plan(world)
        client = login(world.a.users["homeroom"])
        target = url(world, "care:plan_action_done", plan_id=plan.pk)
        assert client.post(target, {"action": "9" * 40}).status_code == 302
        assert client.post(target, {"action": "999999"}).status_code == 302


class TestPlanList:
    def test_teacher_sees_own_students_plans_overdue_first(self, world, login, term):
        with scopes_disabled():
            second = make_student(world.a.school, world.a.classroom, 501, 2)
        fine = open_plan(world)
        late = open_plan(world, second)
        other_room = open_plan(world, world.a.other_student)
        with scopes_disabled():
            CarePlan.objects.filter(pk=late.pk).update(next_review=TODAY() - datetime.timedelta(1))
        with translation.override("en"):
            response = login(world.a.users["homeroom"]).get(url(world, "care:plan_list"))
        rows = [r.plan.pk for r in response.context["rows"]]
        assert rows == [late.pk, fine.pk]
        assert other_room.pk not in rows
        assert "1 care plan is overdue for review." in response.content.decode()

    def test_filters_by_status_and_classroom(self, world, login, term):
        a = open_plan(world)
        b = open_plan(world, world.a.other_student)
        with scope(school=world.a.school.pk):
            services.care_plan_close(
                plan=a, outcome="referred", closed_on=TODAY(), user=world.a.users["coordinator"]
            )
        client = login(world.a.users["coordinator"])
        base = url(world, "care:plan_list")
        assert [r.plan.pk for r in client.get(base).context["rows"]] == [b.pk]
        assert [r.plan.pk for r in client.get(base + "?show=closed").context["rows"]] == [a.pk]
        both = client.get(base + "?show=all").context["rows"]
        assert {r.plan.pk for r in both} == {a.pk, b.pk}
        room = client.get(f"{base}?show=all&classroom={world.a.classroom.pk}").context["rows"]
        assert [r.plan.pk for r in room] == [a.pk]
        # Nonsense in the address: the default list, never an error page.
        assert client.get(base + "?show=zzz&classroom=abc&page=-4").status_code == 200

    def test_students_in_the_problem_group_without_a_plan_are_suggested(self, world, login, term):
        put_in_problem_group(world, world.a.student, term)
        client = login(world.a.users["homeroom"])
        needing = client.get(url(world, "care:plan_list")).context["needing"]
        assert [g.student_id for g in needing] == [world.a.student.pk]
        open_plan(world)
        assert client.get(url(world, "care:plan_list")).context["needing"] == []

    def test_in_term_2_the_groups_of_term_1_still_call_for_plans(self, world, login, term):
        from schools.models import Term

        if term.number != 2:
            pytest.skip("needs the second term to be the current one")
        with scopes_disabled():
            term1 = Term.objects.get(academic_year=world.year, number=1)
        put_in_problem_group(world, world.a.student, term1)
        response = login(world.a.users["homeroom"]).get(url(world, "care:plan_list"))
        assert [g.student_id for g in response.context["needing"]] == [world.a.student.pk]
        assert response.context["term"] == term1

    @pytest.mark.parametrize("plans", [1, 6])
    def test_query_count_is_fixed(self, world, login, term, plans, django_assert_num_queries):
        for n in range(plans):
            with scopes_disabled():
                student = make_student(world.a.school, world.a.classroom, 600 + n, 10 + n)
            open_plan(world, student, actions=[services.ActionRow(action="คุย", who="ครู")])
        client = login(world.a.users["coordinator"])
        client.get(url(world, "care:plan_list"))
        # 1. django_session  2. carecore_user  3. schools_school  4. carecore_membership
        # 5. schools_academicyear  6. schools_classroom + COUNT(enrolments): the filter's rooms
        # 7. schools_homeroomassignment: their teachers (prefetch)
        # 8. schools_term: the current term
        # 9. screening_caregroup: the latest term with groups (screened_term)
        # 10. care_careplan: the counts (not closed, overdue, closed)
        # 11. care_careplan COUNT: the paginator  12. care_careplan + students: the page
        # 13. students_enrolment + classroom: the students' rooms this year
        # 14. screening_caregroup: their groups in that term
        # 15. screening_caregroup + student: students who may need a plan
        with django_assert_num_queries(15):
            response = client.get(url(world, "care:plan_list"))
        assert len(response.context["rows"]) == plans


class TestTeacherLandingAndStudentPage:
    def test_overdue_plans_are_flagged_on_the_teachers_classrooms_page(self, world, login, term):
        plan = open_plan(world)
        client = login(world.a.users["homeroom"])
        with translation.override("en"):
            assert "overdue for review" not in client.get(reverse("my_classrooms")).content.decode()
        with scopes_disabled():
            CarePlan.objects.filter(pk=plan.pk).update(next_review=TODAY() - datetime.timedelta(1))
        with translation.override("en"):
            content = client.get(reverse("my_classrooms")).content.decode()
        assert "1 care plan is overdue for review" in content
        assert url(world, "care:plan_list") + "?show=overdue" in content
        # The other classroom's teacher has nothing overdue.
        with translation.override("en"):
            other = login(world.a.users["homeroom_other"]).get(reverse("my_classrooms"))
        assert "overdue for review" not in other.content.decode()

    def test_student_page_links_to_plans_and_offers_to_open_one(self, world, login, term):
        plan = open_plan(world)
        student_url = reverse(
            "students:student_detail",
            kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
        )
        create = url(world, "care:plan_create", student_id=world.a.student.pk)
        content = login(world.a.users["homeroom"]).get(student_url).content.decode()
        assert url(world, "care:plan_detail", plan_id=plan.pk) in content
        assert create in content
        content = login(world.a.users["director"]).get(student_url).content.decode()
        assert url(world, "care:plan_detail", plan_id=plan.pk) in content
        assert create not in content


class TestPrint:
    def test_the_plan_prints_as_a_pdf_with_the_students_name(
        self, world, login, term, tmp_path, django_capture_on_commit_callbacks
    ):
        put_in_problem_group(world, world.a.student, term)
        plan = open_plan(world, actions=[services.ActionRow(action="เยี่ยมบ้าน", who="ครู")])
        with scope(school=world.a.school.pk):
            services.care_plan_follow_up_add(
                plan=plan,
                date=TODAY(),
                what_was_done="พูดคุย",
                result="improved",
                user=world.a.users["homeroom"],
            )
        client = login(world.a.users["homeroom"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url(world, "care:plan_print", plan_id=plan.pk))
        assert response.status_code == 302
        generated = GeneratedFile.objects.get(kind="care_plan")
        assert generated.status == GeneratedFile.Status.DONE, generated.error
        path = tmp_path / "plan.pdf"
        path.write_bytes(generated.file.read())
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert world.a.student.last_name in text
        with scopes_disabled():
            assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
        # Someone who may not see the student gets nothing.
        assert (
            login(world.a.users["homeroom_other"])
            .post(url(world, "care:plan_print", plan_id=plan.pk))
            .status_code
            == 404
        )

"""Who sees a referral, its confidential notes, and the referred student (docs/referrals.md)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from referrals import services
from referrals.models import Referral

pytestmark = pytest.mark.django_db

SECRET = "บันทึกลับเรื่องครอบครัว"


def refer(world, *, to_role="nurse", sender="homeroom", notes=SECRET):
    with scope(school=world.a.school.pk):
        return services.referral_create(
            student=world.a.student,
            kind=Referral.Kind.INTERNAL,
            sender=world.a.users[sender],
            reason="เป็นลมบ่อย",
            what_is_asked="ช่วยตรวจสุขภาพ",
            sensitive_notes=notes,
            to_role=to_role,
        )


def detail(world, referral):
    return reverse(
        "referrals:referral_detail",
        kwargs={"school_code": world.a.school.code, "referral_id": referral.pk},
    )


def student_page(world):
    return reverse(
        "students:student_detail",
        kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
    )


# Referral from the homeroom teacher to the nurse: who opens it, who reads the notes.
SEES = {
    "homeroom": (200, True),  # sender
    "homeroom_other": (404, False),
    "counsellor": (200, True),
    "discipline": (404, False),
    "nurse": (200, True),  # recipient
    "coordinator": (200, False),  # sees the referral, not the notes
    "director": (200, True),
    "network": (404, False),
    "district_supervisor": (404, False),
    "district_admin": (404, False),
}


@pytest.mark.parametrize("key", list(SEES))
def test_who_sees_the_referral_and_its_notes(world, login, key):
    referral = refer(world)
    status, notes = SEES[key]
    response = login(world.a.users[key]).get(detail(world, referral))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert ('data-notes="1"' in page) is notes
        assert (SECRET in page) is notes


@pytest.mark.parametrize("key", list(SEES))
def test_the_same_role_at_another_school_gets_404(world, login, key):
    referral = refer(world)
    assert login(world.b.users[key]).get(detail(world, referral)).status_code == 404


def test_a_homeroom_teacher_of_the_student_sees_it_without_the_notes(world, login):
    referral = refer(world, sender="counsellor")
    page = login(world.a.users["homeroom"]).get(detail(world, referral)).content.decode()
    assert 'id="referral"' in page and SECRET not in page


def test_lists_show_only_what_one_may_open(world, login):
    referral = refer(world)
    lists = {
        "nurse": "inbox",
        "homeroom": "sent",
    }
    for key, name in lists.items():
        page = (
            login(world.a.users[key])
            .get(reverse(f"referrals:{name}", kwargs={"school_code": world.a.school.code}))
            .content.decode()
        )
        assert f'data-referral="{referral.pk}"' in page
    discipline = login(world.a.users["discipline"])
    page = discipline.get(
        reverse("referrals:inbox", kwargs={"school_code": world.a.school.code})
    ).content.decode()
    assert f'data-referral="{referral.pk}"' not in page


def test_the_recipient_sees_the_student_while_the_referral_is_open(world, login):
    nurse = login(world.a.users["nurse"])
    assert nurse.get(student_page(world)).status_code == 404
    referral = refer(world, to_role="nurse")
    assert nurse.get(student_page(world)).status_code == 200
    # The discipline office is not a recipient.
    assert login(world.a.users["discipline"]).get(student_page(world)).status_code == 404
    # Closed: the nurse no longer sees the student, but still the referral and its result.
    with scope(school=world.a.school.pk):
        services.referral_result(
            referral=referral,
            user=world.a.users["nurse"],
            result="ตรวจแล้ว ปกติ",
            outcome="improved",
        )
    nurse = login(world.a.users["nurse"])
    assert nurse.get(student_page(world)).status_code == 404
    response = nurse.get(detail(world, referral))
    assert response.status_code == 200
    assert "ตรวจแล้ว ปกติ" in response.content.decode()
    # The student's page was not linked for someone who cannot open it.
    assert student_page(world) not in response.content.decode()


def test_a_referral_of_another_school_never_reveals_the_student(world, login):
    refer(world, to_role="discipline")
    discipline_b = login(world.b.users["discipline"])
    url = reverse(
        "students:student_detail",
        kwargs={"school_code": world.b.school.code, "student_id": world.a.student.pk},
    )
    assert discipline_b.get(url).status_code == 404


def test_notes_rule_in_the_access_layer(world, rf):
    from carecore.access import get_access
    from referrals.access import can_see_referral_notes

    referral = refer(world)
    for key, (_status, notes) in SEES.items():
        request = rf.get("/")
        request.user = world.a.users[key]
        request.school = world.a.school
        request.schoolperms = get_access(request).school_perms(world.a.school)
        with scopes_disabled():
            assert can_see_referral_notes(request, referral) is (notes and _status == 200), key


def test_an_open_referral_does_not_widen_what_supervisors_see(world, login):
    refer(world, to_role="nurse")
    for key in ("network", "district_supervisor", "district_admin"):
        assert login(world.a.users[key]).get(student_page(world)).status_code == 404


def test_accepting_is_the_recipients_alone(world, login):
    referral = refer(world, to_role="nurse")
    accept = reverse(
        "referrals:referral_accept",
        kwargs={"school_code": world.a.school.code, "referral_id": referral.pk},
    )
    for key in ("homeroom", "counsellor", "coordinator", "director"):
        response = login(world.a.users[key]).post(accept, {"revision": referral.revision})
        assert response.status_code == 403, key
    response = login(world.a.users["nurse"]).post(accept, {"revision": referral.revision})
    assert response.status_code == 302
    with scopes_disabled():
        assert Referral.objects.get(pk=referral.pk).accepted_at <= timezone.now()

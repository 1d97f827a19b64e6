"""Referrals: the internal and external workflows through the pages, notifications (rows and
e-mails without the child), bad input kept, stale forms, overdue flags and the periodic notice,
the audit of every view, and the query counts of the lists."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from care.models import CarePlan
from carecore.dates import format_date
from carecore.models import AuditEvent, Membership, Notification, Role
from conftest import make_student, make_user
from referrals import services
from referrals.models import Agency, AgencyKind, Referral, ReferralUpdate
from referrals.tasks import referrals_overdue_notify_task
from schools.models import Term

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
REASON = "นักเรียนมีพฤติกรรมก้าวร้าว ทะเลาะกับเพื่อนบ่อย"
ASKED = "ขอให้ครูแนะแนวช่วยให้คำปรึกษา"
SECRET = "บันทึกลับเรื่องครอบครัว"


def be(day: datetime.date) -> str:
    return format_date(day, "numeric")


def url(world, name, **kwargs):
    return reverse(f"referrals:{name}", kwargs={"school_code": world.a.school.code, **kwargs})


def detail_url(world, referral):
    return url(world, "referral_detail", referral_id=referral.pk)


def internal(world, *, to_role="counsellor", to_user=None, sender="homeroom", **extra):
    with scope(school=world.a.school.pk):
        return services.referral_create(
            student=extra.pop("student", world.a.student),
            kind=Referral.Kind.INTERNAL,
            sender=world.a.users[sender],
            reason=REASON,
            what_is_asked=ASKED,
            sensitive_notes=SECRET,
            to_role="" if to_user else to_role,
            to_user=to_user,
            **extra,
        )


@pytest.fixture
def agency(world):
    return Agency.objects.create(
        district=world.a.district,
        name="โรงพยาบาลขอนแก่น",
        kind=AgencyKind.HOSPITAL,
        phone="043-336-789",
        mou_signed=True,
    )


def external(world, agency, sender="counsellor", **extra):
    values = {
        "consent": Referral.Consent.GIVEN,
        "consent_by": "นางสมศรี ทดสอบ (มารดา)",
        "consent_on": TODAY(),
        **extra,
    }
    with scope(school=world.a.school.pk):
        return services.referral_create(
            student=world.a.student,
            kind=Referral.Kind.EXTERNAL,
            sender=world.a.users[sender],
            agency=agency,
            reason=REASON,
            what_is_asked=ASKED,
            **values,
        )


def reload(referral) -> Referral:
    with scopes_disabled():
        return Referral.objects.get(pk=referral.pk)


def log_kinds(referral) -> list[str]:
    with scopes_disabled():
        return list(referral.updates.order_by("at", "pk").values_list("kind", flat=True))


def internal_post(**extra) -> dict:
    return {
        "to": "role:counsellor",
        "reason": REASON,
        "help_given": "คุยกับผู้ปกครองแล้ว",
        "request": ASKED,
        "sensitive_notes": SECRET,
        "urgency": "normal",
        "sent_on": be(TODAY()),
        "answer_due": "",
        **extra,
    }


# --- the internal workflow through the pages ----------------------------------------------------
class TestInternalJourney:
    def test_refer_accept_result_and_the_sender_sees_it(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["homeroom"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url(world, "referral_create", student_id=a.student.pk), internal_post()
            )
        assert response.status_code == 302
        with scopes_disabled():
            referral = Referral.objects.get()
        assert response["Location"] == detail_url(world, referral)
        assert referral.status == "sent" and referral.to_role == "counsellor"
        assert referral.sender == a.users["homeroom"]
        assert referral.answer_due == TODAY() + datetime.timedelta(days=3)
        # The counsellor is told: a row and an e-mail with nothing about the child.
        note = Notification.objects.get(user=a.users["counsellor"])
        assert note.kind == Notification.Kind.REFERRAL_RECEIVED
        assert note.url == detail_url(world, referral)
        assert [m.to for m in mail.outbox] == [[a.users["counsellor"].email]]
        for secret in (a.student.first_name, a.student.last_name, REASON, ASKED, SECRET):
            assert secret not in mail.outbox[0].subject + mail.outbox[0].body
        assert not Notification.objects.filter(user=a.users["homeroom"]).exists()

        counsellor = login(a.users["counsellor"])
        page = counsellor.get(detail_url(world, referral)).content.decode()
        assert 'id="accept-card"' in page and SECRET in page
        with django_capture_on_commit_callbacks(execute=True):
            response = counsellor.post(
                url(world, "referral_accept", referral_id=referral.pk),
                {"revision": referral.revision, "result_due": be(TODAY()), "note": ""},
            )
        assert response.status_code == 302
        referral = reload(referral)
        assert referral.status == "accepted" and referral.accepted_by == a.users["counsellor"]
        assert Notification.objects.filter(
            user=a.users["homeroom"], kind=Notification.Kind.REFERRAL_ACCEPTED
        ).exists()

        response = counsellor.post(
            url(world, "referral_progress", referral_id=referral.pk),
            {"text": "พูดคุยครั้งที่ 1"},
        )
        assert response.status_code == 302
        assert reload(referral).status == "in_progress"

        with django_capture_on_commit_callbacks(execute=True):
            response = counsellor.post(
                url(world, "referral_result", referral_id=referral.pk),
                {
                    "revision": reload(referral).revision,
                    "result": "นักเรียนควบคุมอารมณ์ได้ดีขึ้น",
                    "outcome": "improved",
                },
            )
        assert response.status_code == 302
        referral = reload(referral)
        assert referral.status == "closed" and referral.outcome == "improved"
        assert referral.closed_by == a.users["counsellor"]
        assert log_kinds(referral) == ["sent", "accepted", "progress", "result"]
        assert Notification.objects.filter(
            user=a.users["homeroom"], kind=Notification.Kind.REFERRAL_RESULT
        ).exists()

        page = client.get(detail_url(world, referral)).content.decode()
        assert 'id="result-text"' in page and "นักเรียนควบคุมอารมณ์ได้ดีขึ้น" in page
        assert 'data-outcome="improved"' in page

    def test_to_a_named_staff_member_only_they_receive_it(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["homeroom"])
        other = a.users["homeroom_other"]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url(world, "referral_create", student_id=a.student.pk),
                internal_post(to=f"user:{other.pk}"),
            )
        assert response.status_code == 302
        with scopes_disabled():
            referral = Referral.objects.get()
        assert referral.to_user == other and referral.to_role == ""
        assert list(Notification.objects.values_list("user", flat=True)) == [other.pk]
        # The named teacher sees the referral and, while it is open, the student.
        named = login(other)
        assert named.get(detail_url(world, referral)).status_code == 200
        student_url = reverse(
            "students:student_detail",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        assert named.get(student_url).status_code == 200
        # The counsellor role holder is not a recipient: no accept form.
        page = login(a.users["counsellor"]).get(detail_url(world, referral)).content.decode()
        assert 'id="accept-card"' not in page

    def test_every_holder_of_the_role_receives_it(self, world):
        second = make_user("nurse2_a", email="nurse2@example.org")
        Membership.objects.create(user=second, role=Role.NURSE, school=world.a.school)
        internal(world, to_role="nurse")
        assert set(Notification.objects.values_list("user", flat=True)) == {
            world.a.users["nurse"].pk,
            second.pk,
        }

    def test_the_student_page_links_to_the_referrals(self, world, login):
        client = login(world.a.users["homeroom"])
        page = client.get(
            reverse(
                "students:student_detail",
                kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
            )
        ).content.decode()
        assert 'id="referrals-card"' in page and 'id="refer-student"' in page
        assert url(world, "student_referrals", student_id=world.a.student.pk) in page

    def test_the_school_page_links_the_inbox_for_staff_not_supervisors(self, world, login):
        school_url = reverse("schools:school_detail", kwargs={"school_code": world.a.school.code})
        assert (
            'id="referrals-link"' in login(world.a.users["nurse"]).get(school_url).content.decode()
        )
        page = login(world.a.users["network"]).get(school_url).content.decode()
        assert 'id="referrals-link"' not in page

    def test_the_care_plan_is_linked_both_ways(self, world, login):
        with scopes_disabled():
            plan = CarePlan.objects.create(
                school=world.a.school,
                student=world.a.student,
                term=Term.objects.filter(academic_year=world.year).first(),
                opened_on=TODAY(),
                problem="p",
                goals="g",
            )
        referral = internal(world)
        assert referral.care_plan == plan
        client = login(world.a.users["homeroom"])
        assert 'id="care-plan-link"' in client.get(detail_url(world, referral)).content.decode()
        plan_url = reverse(
            "care:plan_detail", kwargs={"school_code": world.a.school.code, "plan_id": plan.pk}
        )
        page = client.get(plan_url).content.decode()
        assert f'data-referral="{referral.pk}"' in page


# --- bad input ---------------------------------------------------------------------------------
class TestBadInput:
    def test_missing_reason_keeps_what_was_typed(self, world, login):
        client = login(world.a.users["homeroom"])
        response = client.post(
            url(world, "referral_create", student_id=world.a.student.pk),
            internal_post(reason="   ", request="ช่วยดูแลเรื่องการเรียน"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert "ช่วยดูแลเรื่องการเรียน" in response.content.decode()
        with scopes_disabled():
            assert not Referral.objects.exists()

    @pytest.mark.parametrize(
        "extra",
        [
            {"to": ""},
            {"to": "role:coordinator"},
            {"to": "user:999999"},
            {"to": "nonsense"},
            {"sent_on": "31/02/2568"},
            {"sent_on": "not a date"},
            {"urgency": "panic"},
        ],
    )
    def test_bad_values_are_an_error_not_a_crash(self, world, login, extra):
        client = login(world.a.users["homeroom"])
        response = client.post(
            url(world, "referral_create", student_id=world.a.student.pk), internal_post(**extra)
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        with scopes_disabled():
            assert not Referral.objects.exists()

    def test_dates_in_the_future_or_out_of_order(self, world, login):
        client = login(world.a.users["homeroom"])
        tomorrow = TODAY() + datetime.timedelta(days=1)
        response = client.post(
            url(world, "referral_create", student_id=world.a.student.pk),
            internal_post(sent_on=be(tomorrow)),
        )
        assert "sent_on" in response.context["form"].errors
        response = client.post(
            url(world, "referral_create", student_id=world.a.student.pk),
            internal_post(answer_due=be(TODAY() - datetime.timedelta(days=1))),
        )
        assert "answer_due" in response.context["form"].errors

    def test_a_role_nobody_holds_is_refused_with_a_message(self, world, login):
        Membership.objects.filter(school=world.a.school, role=Role.NURSE).delete()
        client = login(world.a.users["homeroom"])
        response = client.post(
            url(world, "referral_create", student_id=world.a.student.pk),
            internal_post(to="role:nurse"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["to"]

    def test_staff_of_another_school_cannot_be_chosen(self, world):
        with pytest.raises(Exception) as error:
            internal(world, to_user=world.b.users["counsellor"])
        assert "to_user" in error.value.message_dict

    def test_result_without_text_keeps_the_outcome(self, world, login):
        referral = internal(world)
        client = login(world.a.users["counsellor"])
        response = client.post(
            url(world, "referral_result", referral_id=referral.pk),
            {"revision": referral.revision, "result": "", "outcome": "partly"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["result"]
        assert response.context["form"]["outcome"].value() == "partly"
        assert reload(referral).status == "sent"


# --- stale forms -------------------------------------------------------------------------------
def test_a_stale_result_form_is_refused_and_keeps_the_text(world, login):
    second = make_user("counsellor2_a")
    Membership.objects.create(user=second, role=Role.COUNSELLOR, school=world.a.school)
    referral = internal(world)
    opened_at = referral.revision
    first = login(world.a.users["counsellor"])
    first.post(
        url(world, "referral_accept", referral_id=referral.pk),
        {"revision": opened_at, "result_due": "", "note": ""},
    )
    other = login(second)
    response = other.post(
        url(world, "referral_result", referral_id=referral.pk),
        {"revision": opened_at, "result": "ข้อความของครูคนที่สอง", "outcome": "improved"},
    )
    assert response.status_code == 409
    assert "ข้อความของครูคนที่สอง" in response.content.decode()
    assert reload(referral).status == "accepted"
    # Saving again (now at the current revision) records it.
    response = other.post(
        url(world, "referral_result", referral_id=referral.pk),
        {
            "revision": response.context["form"]["revision"].value(),
            "result": "ข้อความของครูคนที่สอง",
            "outcome": "improved",
        },
    )
    assert response.status_code == 302
    assert reload(referral).status == "closed"


# --- external referrals ------------------------------------------------------------------------
def external_post(agency, **extra) -> dict:
    return {
        "agency": agency.pk,
        "reason": REASON,
        "help_given": "",
        "request": "ขอให้ประเมินสุขภาพจิต",
        "sensitive_notes": "",
        "urgency": "urgent",
        "sent_on": be(TODAY()),
        "answer_due": "",
        "consent": "given",
        "consent_by": "นางสมศรี (มารดา)",
        "consent_on": be(TODAY()),
        "consent_not_asked_reason": "",
        **extra,
    }


class TestExternal:
    def test_refer_with_consent_then_agency_result_follow_up_and_close(
        self, world, login, agency, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["counsellor"])
        create = url(world, "referral_create_external", student_id=world.a.student.pk)
        page = client.get(create).content.decode()
        assert f'data-agency="{agency.pk}"' in page
        response = client.post(create, external_post(agency))
        assert response.status_code == 302
        with scopes_disabled():
            referral = Referral.objects.get()
        assert referral.kind == "external" and referral.agency == agency
        assert referral.answer_due == TODAY() + datetime.timedelta(days=7)
        assert referral.consent == "given" and referral.consent_on == TODAY()
        # Nobody in the system receives an external referral.
        assert not Notification.objects.exists()

        coordinator = login(world.a.users["coordinator"])
        response = coordinator.post(
            url(world, "referral_agency_result", referral_id=referral.pk),
            {
                "revision": referral.revision,
                "received_on": be(TODAY()),
                "agency_person": "พญ.สมใจ",
                "agency_result": "ประเมินแล้ว นัดติดตามทุกเดือน",
                "recommendations": "ให้ครูสังเกตพฤติกรรม",
            },
        )
        assert response.status_code == 302
        referral = reload(referral)
        assert referral.status == "in_progress" and referral.agency_person == "พญ.สมใจ"
        # The sender (the counsellor) is told the result is in.
        assert Notification.objects.filter(
            user=world.a.users["counsellor"], kind=Notification.Kind.REFERRAL_RESULT
        ).exists()
        response = client.post(
            url(world, "referral_follow_up", referral_id=referral.pk),
            {"date": be(TODAY()), "text": "โทรติดตามกับโรงพยาบาล"},
        )
        assert response.status_code == 302
        response = client.post(
            url(world, "referral_close", referral_id=referral.pk),
            {"revision": reload(referral).revision, "outcome": "partly", "note": "ยังติดตามต่อ"},
        )
        assert response.status_code == 302
        referral = reload(referral)
        assert referral.status == "closed" and referral.outcome == "partly"
        assert log_kinds(referral) == ["sent", "agency_result", "follow_up", "closed"]

    def test_consent_or_the_reason_it_could_not_be_asked(self, world, login, agency):
        client = login(world.a.users["counsellor"])
        create = url(world, "referral_create_external", student_id=world.a.student.pk)
        response = client.post(create, external_post(agency, consent_by="", consent_on=""))
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "consent_by" in errors and "consent_on" in errors
        response = client.post(create, external_post(agency, consent=""))
        assert "consent" in response.context["form"].errors
        response = client.post(create, external_post(agency, consent="not_asked"))
        assert "consent_not_asked_reason" in response.context["form"].errors
        with scopes_disabled():
            assert not Referral.objects.exists()
        response = client.post(
            create,
            external_post(
                agency,
                consent="not_asked",
                consent_not_asked_reason="เหตุฉุกเฉิน นักเรียนได้รับบาดเจ็บ",
            ),
        )
        assert response.status_code == 302
        with scopes_disabled():
            referral = Referral.objects.get()
        assert referral.consent == "not_asked" and referral.consent_by == ""

    def test_only_agencies_in_use_of_the_schools_district(self, world, login, agency):
        other = Agency.objects.create(district=world.b.district, name="อื่น", kind="police")
        retired = Agency.objects.create(
            district=world.a.district, name="เลิกใช้", kind="police", active=False
        )
        client = login(world.a.users["counsellor"])
        create = url(world, "referral_create_external", student_id=world.a.student.pk)
        page = client.get(create).content.decode()
        assert f'data-agency="{other.pk}"' not in page
        assert f'data-agency="{retired.pk}"' not in page
        for bad in (other, retired):
            response = client.post(create, external_post(bad))
            assert response.status_code == 200 and "agency" in response.context["form"].errors
        with pytest.raises(Exception) as error:
            external(world, retired)
        assert "agency" in error.value.message_dict

    def test_the_homeroom_teacher_may_not_refer_outside(self, world, login, agency):
        client = login(world.a.users["homeroom"])
        create = url(world, "referral_create_external", student_id=world.a.student.pk)
        assert client.get(create).status_code == 403

    def test_the_database_refuses_an_external_referral_without_consent(self, world, agency):
        from django.db import IntegrityError, transaction

        with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.create(
                school=world.a.school,
                student=world.a.student,
                kind="external",
                agency=agency,
                reason="r",
                request="q",
                answer_due=TODAY(),
                consent="not_asked",
            )


# --- overdue -----------------------------------------------------------------------------------
class TestOverdue:
    def test_flags(self, world):
        today = TODAY()
        referral = internal(world, sent_on=today - datetime.timedelta(days=5))
        assert referral.answer_due == today - datetime.timedelta(days=2)
        assert referral.is_overdue(today)
        referral.status = "accepted"
        referral.result_due = None
        assert not referral.is_overdue(today)
        referral.result_due = today - datetime.timedelta(days=1)
        assert referral.is_overdue(today)
        referral.status = "closed"
        assert not referral.is_overdue(today)

    def test_lists_and_page_flag_overdue_first(self, world, login):
        late = internal(world, sent_on=TODAY() - datetime.timedelta(days=10))
        fresh = internal(world)
        client = login(world.a.users["counsellor"])
        page = client.get(url(world, "inbox")).content.decode()
        assert page.index(f'data-referral="{late.pk}"') < page.index(f'data-referral="{fresh.pk}"')
        assert page.count('data-overdue="1"') >= 1
        row = page[page.index(f'data-referral="{late.pk}"') :][:200]
        assert 'data-overdue="1"' in row
        detail = client.get(detail_url(world, late)).content.decode()
        assert 'id="overdue-reason"' in detail
        listing = client.get(url(world, "referral_list") + "?show=overdue").content.decode()
        assert (
            f'data-referral="{late.pk}"' in listing and f'data-referral="{fresh.pk}"' not in listing
        )

    def test_the_periodic_task_tells_recipients_once(
        self, world, agency, django_capture_on_commit_callbacks
    ):
        late = internal(world, sent_on=TODAY() - datetime.timedelta(days=10))
        internal(world)  # not late
        late_external = external(world, agency, sent_on=TODAY() - datetime.timedelta(days=10))
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            assert referrals_overdue_notify_task() == 2
        overdue = Notification.objects.filter(kind=Notification.Kind.REFERRAL_OVERDUE)
        # The counsellor receives the internal one; for the external one, the sender (also the
        # counsellor here) chases the agency.
        assert sorted(overdue.values_list("url", flat=True)) == sorted(
            [detail_url(world, late), detail_url(world, late_external)]
        )
        assert reload(late).overdue_notified is not None
        assert services.referrals_overdue_notify() == 0
        assert overdue.count() == 2


# --- audit -------------------------------------------------------------------------------------
def test_every_view_of_a_referral_is_audited(world, login):
    referral = internal(world)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    for key in ("homeroom", "coordinator"):
        login(world.a.users[key]).get(detail_url(world, referral))
    events = AuditEvent.objects.filter(action="view", id__gt=before).order_by("id")
    assert [(e.user_id, e.student_id, e.object_type, e.object_id) for e in events] == [
        (world.a.users[k].pk, world.a.student.pk, "referral", str(referral.pk))
        for k in ("homeroom", "coordinator")
    ]
    # A refused request logs nothing.
    login(world.a.users["nurse"]).get(detail_url(world, referral))
    login(world.b.users["homeroom"]).get(detail_url(world, referral))
    assert events.count() == 2


def test_writes_are_audited(world):
    internal(world)
    event = AuditEvent.objects.get()
    assert event.action == "create" and event.student_id == world.a.student.pk


# --- query counts ------------------------------------------------------------------------------
def _many(world, n, start=5000):
    for i in range(n):
        student = make_student(world.a.school, world.a.classroom, start + i, start - 4900 + i)
        internal(world, student=student)


# Session, user, school, memberships, academic year (the school and the access layer); the
# homeroom teacher's own classrooms (sent: whose students' referrals they see); the count and
# the page of rows (with the student, sender, recipient, agency and the classroom subqueries);
# the school list's counts by status.
LIST_QUERIES = {"inbox": 7, "sent": 8, "referral_list": 8}


@pytest.mark.parametrize("name", list(LIST_QUERIES))
def test_list_query_counts_are_pinned(world, login, name, django_assert_num_queries):
    _many(world, 3)
    key = "homeroom" if name == "sent" else "counsellor"
    client = login(world.a.users[key])
    client.get(url(world, name))
    with django_assert_num_queries(LIST_QUERIES[name]):
        assert client.get(url(world, name)).status_code == 200
    _many(world, 12, start=6000)
    with django_assert_num_queries(LIST_QUERIES[name]):
        response = client.get(url(world, name))
    assert len(response.context["rows"]) == 15


def test_detail_query_count_is_pinned(world, login, django_assert_num_queries):
    referral = internal(world)
    client = login(world.a.users["counsellor"])
    client.get(detail_url(world, referral))
    # Session, user, school, memberships, academic year; the referral with its people; whether
    # the student's page may be linked; the audit event; the log with who wrote each entry.
    with django_assert_num_queries(9):
        assert client.get(detail_url(world, referral)).status_code == 200


def test_updates_belong_to_the_school(world):
    referral = internal(world)
    with scopes_disabled():
        assert set(ReferralUpdate.objects.values_list("school_id", flat=True)) == {
            referral.school_id
        }


def test_opening_a_steps_form_is_audited_too(world, login):
    referral = internal(world)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    client = login(world.a.users["counsellor"])
    assert client.get(url(world, "referral_accept", referral_id=referral.pk)).status_code == 200
    event = AuditEvent.objects.get(id__gt=before)
    assert (event.action, event.object_id, event.student_id) == (
        "view",
        str(referral.pk),
        world.a.student.pk,
    )

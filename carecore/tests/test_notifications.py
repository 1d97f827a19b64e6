"""Notifications: a row on the person's home page and an e-mail that says only that something
waits, with a link (never the child's name or the problem)."""

import pytest
from django.core import mail
from django.urls import reverse

from carecore.channels import deliveries_send
from carecore.models import Notification, NotificationDelivery
from carecore.notifications import notify
from conftest import th

pytestmark = pytest.mark.django_db


def _notify(world, user, kind=Notification.Kind.REFERRAL_RECEIVED, url=None):
    return notify(
        users=[user],
        kind=kind,
        url=url or f"/s/{world.a.school.code}/",
        place=world.a.school.name,
    )[0]


def test_notify_sends_one_email_per_person_with_only_a_link(
    world, django_capture_on_commit_callbacks
):
    counsellor = world.a.users["counsellor"]
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            users=[counsellor, counsellor, world.a.users["director"]],
            kind=Notification.Kind.REFERRAL_RECEIVED,
            url="/s/x/referrals/1/",
            place=world.a.school.name,
        )
    assert len(created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "counsellor_a@example.org",
        "director_a@example.org",
    ]
    message = next(m for m in mail.outbox if m.to == ["counsellor_a@example.org"])
    # The link goes through the notification, so opening it marks it read.
    notification = Notification.objects.get(user=counsellor)
    assert reverse("notification_open", args=[notification.pk]) in message.body
    assert "/referrals/1/" not in message.body
    # Nothing about the child: no name, no national id.
    for secret in (world.a.student.first_name, world.a.student.national_id):
        assert secret not in message.body
        assert secret not in message.subject
    # In the person's language (Thai by default).
    assert th("Student Care System: something waits for you") == message.subject
    assert notification.emailed is not None


def test_email_in_english_for_someone_who_chose_english(world, django_capture_on_commit_callbacks):
    director = world.a.users["director"]
    director.language = "en"
    director.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, director, Notification.Kind.REFERRAL_RESULT)
    assert mail.outbox[0].subject == "Student Care System: something waits for you"
    assert "A referral you sent has a result" in mail.outbox[0].body


def test_no_email_without_an_address_and_never_twice(world, django_capture_on_commit_callbacks):
    nurse = world.a.users["nurse"]
    nurse.email = ""
    nurse.save()
    with django_capture_on_commit_callbacks(execute=True):
        quiet = _notify(world, nurse)
        loud = _notify(world, world.a.users["counsellor"])
    assert len(mail.outbox) == 1
    assert not NotificationDelivery.objects.filter(notification=quiet).exists()
    # Sending the deliveries again sends nothing more.
    assert deliveries_send(NotificationDelivery.objects.values_list("pk", flat=True)) == 0
    assert loud.deliveries.get().status == NotificationDelivery.Status.SENT
    assert len(mail.outbox) == 1


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError):
        notify(users=[world.a.users["nurse"]], kind="gossip", url="/")


def test_home_page_lists_unread_and_opening_marks_read(world, login):
    teacher = world.a.users["homeroom"]
    notification = _notify(world, teacher, url=f"/s/{world.a.school.code}/")
    client = login(teacher)
    page = client.get(reverse("my_classrooms"))
    assert b'data-waiting="1"' in page.content
    assert th("A student was referred to you").encode() in page.content

    opened = client.get(reverse("notification_open", args=[notification.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == f"/s/{world.a.school.code}/"
    notification.refresh_from_db()
    assert notification.read is not None
    assert b"data-waiting" not in client.get(reverse("my_classrooms")).content
    # Still in the full list, as read.
    listing = client.get(reverse("notification_list"))
    assert b'data-notification="referral_received"' in listing.content


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs"),
    [
        ("coordinator", "schools:school_detail", "school"),
        ("network", "districts:network_detail", "network"),
        ("district_supervisor", "districts:district_detail", "district"),
    ],
)
def test_every_home_page_shows_what_waits(world, login, role, url_name, kwargs):
    user = world.a.users[role]
    _notify(world, user, Notification.Kind.CASE_LATE)
    values = {
        "school": {"school_code": world.a.school.code},
        "network": {"network_id": world.a.network.pk},
        "district": {"district_code": world.a.district.code},
    }[kwargs]
    page = login(user).get(reverse(url_name, kwargs=values))
    assert b'data-waiting="1"' in page.content


def test_someone_elses_notification_is_not_found(world, login):
    notification = _notify(world, world.a.users["counsellor"])
    client = login(world.a.users["director"])
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read is None


def test_an_offsite_link_is_never_followed(world, login):
    teacher = world.a.users["homeroom"]
    notification = _notify(world, teacher, url="https://evil.example/")
    response = login(teacher).get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404


def test_mark_all_read(world, login):
    teacher = world.a.users["homeroom"]
    _notify(world, teacher)
    _notify(world, teacher, Notification.Kind.CASE_LATE)
    other = _notify(world, world.a.users["nurse"])
    response = login(teacher).post(reverse("notifications_mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=teacher, read__isnull=True).exists()
    other.refresh_from_db()
    assert other.read is None

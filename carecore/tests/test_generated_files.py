"""Files made by jobs: start, progress, download through the access layer, failure and retry,
expiry. The job kinds here are small real builders registered for the tests; the documents'
own kinds are tested with the documents and with a real worker in tests/integration."""

import datetime
from pathlib import Path

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore import jobs
from carecore.access import Perm
from carecore.jobs import BuiltFile, JobFailed, job_kind
from carecore.models import GeneratedFile, Membership, Role

CALLS: list[str] = []


@job_kind("test_hello")
def build_hello(generated, progress):
    for pct in (20, 40, 60, 80):
        progress(pct)
    name = generated.params.get("name", "")
    return BuiltFile(
        filename=f"สวัสดี {name}.txt", content=f"สวัสดี {name}".encode(), content_type="text/plain"
    )


@job_kind("test_flaky")
def build_flaky(generated, progress):
    CALLS.append("flaky")
    if generated.attempts < 2:
        raise OperationalError("the database went away for a moment")
    return BuiltFile(filename="ok.txt", content=b"ok", content_type="text/plain")


@job_kind("test_broken")
def build_broken(generated, progress):
    if generated.params.get("explain"):
        raise JobFailed("There are no students in this classroom.")
    if generated.attempts < 2:
        raise ValueError("a bug")
    return BuiltFile(filename="fixed.txt", content=b"fixed", content_type="text/plain")


def start(user, school, kind="test_hello", **params):
    return jobs.generated_file_start(
        kind=kind,
        title="Test file",
        user=user,
        permission=Perm.VIEW_SCHOOL,
        school=school,
        params=params,
    )


@pytest.fixture
def teacher(world):
    return world.a.users["homeroom"]


@pytest.mark.django_db
class TestBuild:
    def test_job_is_queued_after_commit_and_then_built(
        self, world, teacher, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            generated = start(teacher, world.a.school, name="ครูสมศรี")
            # Nothing runs before the transaction commits.
            generated.refresh_from_db()
            assert generated.status == GeneratedFile.Status.QUEUED
        assert len(callbacks) == 1
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.DONE
        assert generated.progress == 100
        assert generated.filename == "สวัสดี ครูสมศรี.txt"
        assert generated.file.read().decode() == "สวัสดี ครูสมศรี"
        assert generated.language == "th"
        # The file on disk has a plain name in a folder of its own.
        assert Path(generated.file.path).name == "test_hello.txt"
        assert str(generated.pk) in generated.file.name

    def test_a_transient_error_is_retried(self, world, teacher):
        from carecore.tasks import generated_file_build_task

        CALLS.clear()
        generated = start(teacher, world.a.school, kind="test_flaky")
        # As a worker runs it: the failure is not raised to the caller but retried.
        generated_file_build_task.apply(args=[str(generated.pk)], throw=False)
        generated.refresh_from_db()
        assert CALLS == ["flaky", "flaky"]
        assert generated.status == GeneratedFile.Status.DONE
        assert generated.attempts == 2

    def test_a_bug_fails_the_job_with_a_message_and_it_can_be_retried(
        self, world, teacher, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            generated = start(teacher, world.a.school, kind="test_broken")
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.FAILED
        assert generated.error == ""  # the exception text is logged, not shown

        client = login(teacher)
        page = client.get(f"/files/{generated.pk}/").content.decode()
        assert "ทำไฟล์ไม่สำเร็จ" in page or "could not be made" in page
        assert f"/files/{generated.pk}/retry/" in page

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/files/{generated.pk}/retry/")
        assert response.status_code == 302
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.DONE
        assert client.get(f"/files/{generated.pk}/download/").getvalue() == b"fixed"

    def test_an_explained_failure_shows_its_reason(
        self, world, teacher, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            generated = start(teacher, world.a.school, kind="test_broken", explain=True)
        page = login(teacher).get(f"/files/{generated.pk}/").content.decode()
        assert "There are no students in this classroom." in page

    def test_a_done_file_cannot_be_retried(
        self, world, teacher, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            generated = start(teacher, world.a.school)
        client = login(teacher)
        client.post(f"/files/{generated.pk}/retry/")
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.DONE
        assert (
            f"/files/{generated.pk}/retry/"
            not in client.get(f"/files/{generated.pk}/").content.decode()
        )

    def test_a_job_stuck_for_long_is_offered_for_retry(self, world, teacher, login):
        generated = start(teacher, world.a.school)  # never committed: stays queued
        client = login(teacher)
        assert (
            f"/files/{generated.pk}/retry/"
            not in client.get(f"/files/{generated.pk}/").content.decode()
        )
        GeneratedFile.objects.filter(pk=generated.pk).update(
            created=timezone.now() - datetime.timedelta(hours=1)
        )
        assert (
            f"/files/{generated.pk}/retry/"
            in client.get(f"/files/{generated.pk}/").content.decode()
        )


@pytest.mark.django_db
class TestPages:
    def test_waiting_page_polls_with_htmx_and_refreshes_without_javascript(
        self, world, teacher, login
    ):
        generated = start(teacher, world.a.school)
        client = login(teacher)
        page = client.get(f"/files/{generated.pk}/").content.decode()
        assert f'hx-get="/files/{generated.pk}/status/"' in page
        assert 'hx-trigger="every 1s"' in page
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
        assert 'role="progressbar"' in page

        GeneratedFile.objects.filter(pk=generated.pk).update(
            status=GeneratedFile.Status.RUNNING, progress=40
        )
        fragment = client.get(f"/files/{generated.pk}/status/").content.decode()
        assert 'aria-valuenow="40"' in fragment
        assert "every 1s" in fragment
        assert "<html" not in fragment

    @pytest.mark.usefixtures("english")
    def test_the_waiting_page_heading_follows_the_state_also_when_polled(
        self, world, teacher, login
    ):
        """Issue 19: the heading said "Preparing your file" beside "The file is ready". It says
        the job's state on the page, and each poll from the page (htmx, heading=1) sends it again
        out of band; polls from elsewhere (a print button's job on a record) do not."""
        import re

        def heading(html):
            found = re.findall(
                r'<h1 class="h3" id="generated-file-heading"[^>]*>([^<]*)</h1>', html
            )
            return found[0] if len(found) == 1 else found

        generated = start(teacher, world.a.school)  # stays queued
        client = login(teacher)
        url, status = f"/files/{generated.pk}/", f"/files/{generated.pk}/status/"
        page = client.get(url).content.decode()
        assert heading(page) == "Preparing your file"
        assert "hx-swap-oob" not in page and """hx-vals='{"heading": "1"}'""" in page
        poll = client.get(status, {"heading": "1"}, HTTP_HX_REQUEST="true").content.decode()
        assert heading(poll) == "Preparing your file" and 'hx-swap-oob="true"' in poll

        GeneratedFile.objects.filter(pk=generated.pk).update(
            status=GeneratedFile.Status.DONE, progress=100, filename="a.txt"
        )
        poll = client.get(status, {"heading": "1"}, HTTP_HX_REQUEST="true").content.decode()
        assert heading(poll) == "Your file is ready" and "The file is ready." in poll
        assert heading(client.get(url).content.decode()) == "Your file is ready"
        # A job polled from another page: no heading.
        assert heading(client.get(status, HTTP_HX_REQUEST="true").content.decode()) == []

        GeneratedFile.objects.filter(pk=generated.pk).update(status=GeneratedFile.Status.FAILED)
        poll = client.get(status, {"heading": "1"}, HTTP_HX_REQUEST="true").content.decode()
        assert heading(poll) == "Your file could not be made"
        assert heading(client.get(url).content.decode()) == "Your file could not be made"

    def test_finished_fragment_stops_polling_and_links_the_download(
        self, world, teacher, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            generated = start(teacher, world.a.school, name="ก")
        client = login(teacher)
        fragment = client.get(f"/files/{generated.pk}/status/").content.decode()
        assert "hx-trigger" not in fragment
        assert f"/files/{generated.pk}/download/" in fragment
        page = client.get(f"/files/{generated.pk}/").content.decode()
        assert 'http-equiv="refresh"' not in page

    def test_download_sends_the_file_with_its_thai_name(
        self, world, teacher, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            generated = start(teacher, world.a.school, name="ก")
        response = login(teacher).get(f"/files/{generated.pk}/download/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).decode() == "สวัสดี ก"
        assert "attachment" in response["Content-Disposition"]
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
        # The site's policy (object-src 'none') would block a browser's PDF viewer on "Open".
        assert "Content-Security-Policy" not in response
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in login(teacher).get(f"/files/{generated.pk}/")

    def test_download_of_an_unfinished_file_goes_to_the_waiting_page(self, world, teacher, login):
        generated = start(teacher, world.a.school)
        response = login(teacher).get(f"/files/{generated.pk}/download/")
        assert response.status_code == 302
        assert response["Location"] == f"/files/{generated.pk}/"

    def test_my_files_lists_only_my_own(
        self, world, teacher, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            mine = start(teacher, world.a.school)
            theirs = start(world.a.users["coordinator"], world.a.school)
        page = login(teacher).get("/files/").content.decode()
        assert str(mine.pk) in page
        assert str(theirs.pk) not in page


@pytest.mark.django_db
class TestAccess:
    @pytest.fixture
    def done(self, world, teacher, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            return start(teacher, world.a.school)

    @pytest.mark.parametrize("key", ["coordinator", "director", "homeroom_other"])
    def test_nobody_else_at_the_school_can_fetch_it(self, world, login, done, key):
        client = login(world.a.users[key])
        for suffix in ("", "status/", "download/"):
            assert client.get(f"/files/{done.pk}/{suffix}").status_code == 404
        assert client.post(f"/files/{done.pk}/retry/").status_code == 404

    def test_another_school_cannot_fetch_it(self, world, login, done):
        client = login(world.b.users["homeroom"])
        assert client.get(f"/files/{done.pk}/download/").status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, done):
        response = client.get(f"/files/{done.pk}/download/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_the_owner_loses_the_file_with_the_permission(self, world, teacher, login, done):
        client = login(teacher)
        assert client.get(f"/files/{done.pk}/download/").status_code == 200
        Membership.objects.filter(user=teacher, school=world.a.school, role=Role.HOMEROOM).delete()
        assert client.get(f"/files/{done.pk}/download/").status_code == 404

    def test_an_unknown_address_is_404(self, login, teacher):
        client = login(teacher)
        assert client.get("/files/00000000-0000-0000-0000-000000000000/").status_code == 404
        assert client.get("/files/not-a-uuid/").status_code == 404


@pytest.mark.django_db
class TestExpiry:
    def test_expired_files_and_their_rows_are_removed(
        self, world, teacher, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            old = start(teacher, world.a.school)
            fresh = start(teacher, world.a.school)
        old.refresh_from_db()
        path = Path(old.file.path)
        assert path.exists()
        GeneratedFile.objects.filter(pk=old.pk).update(
            expires=timezone.now() - datetime.timedelta(minutes=1)
        )
        from carecore.tasks import generated_files_cleanup_task

        assert generated_files_cleanup_task.delay().get() == 1
        assert not path.exists()
        with scopes_disabled():
            assert list(GeneratedFile.objects.values_list("pk", flat=True)) == [fresh.pk]

    def test_cleanup_runs_every_hour(self, settings):
        schedule = settings.CELERY_BEAT_SCHEDULE["remove-expired-files"]
        assert schedule["task"] == "carecore.tasks.generated_files_cleanup_task"
        from carecore.celery import app

        assert app.conf.beat_schedule["remove-expired-files"]["schedule"] == 3600.0

import subprocess
import time

import pytest
from django_scopes import scopes_disabled

from carecore.models import GeneratedFile
from conftest import make_student


def wait_for(generated, statuses, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with scopes_disabled():
            generated.refresh_from_db()
        if generated.status in statuses:
            return generated
        time.sleep(0.1)
    raise AssertionError(f"job still {generated.status} ({generated.progress}%) after {timeout}s")


def latest_file():
    with scopes_disabled():
        return GeneratedFile.objects.latest("created")


def pdf_pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[-1]
    )


def fill_classroom(side, count):
    with scopes_disabled():
        for n in range(count):
            make_student(side.school, side.classroom, 5000 + n, number=10 + n)


@pytest.mark.django_db(transaction=True)
def test_print_through_the_queue_with_a_real_worker(world, login, start_worker, tmp_path):
    """The view answers at once (no worker is even running yet), the job waits in Redis, a
    worker builds it after the commit, and the person downloads it."""
    client = login(world.a.users["homeroom"])
    url = f"/s/{world.a.school.code}/students/classrooms/{world.a.classroom.pk}/print/sheets/"
    response = client.post(url)
    assert response.status_code == 302, response.content.decode()[:3000]
    generated = latest_file()
    assert response["Location"] == f"/files/{generated.pk}/"
    assert generated.status == GeneratedFile.Status.QUEUED

    worker = start_worker("w1")
    wait_for(generated, {GeneratedFile.Status.DONE, GeneratedFile.Status.FAILED})
    assert generated.status == GeneratedFile.Status.DONE, worker.log.read_text()
    download = client.get(f"/files/{generated.pk}/download/")
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    assert pdf_pages(data, tmp_path) == 1  # one page per student of the classroom

    # Another school's teacher cannot fetch it, even with the address.
    other = login(world.b.users["homeroom"])
    assert other.get(f"/files/{generated.pk}/download/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_dies_is_finished_by_another_worker(
    world, login, start_worker, tmp_path
):
    fill_classroom(world.a, 39)  # 40 students: a few seconds of work
    client = login(world.a.users["coordinator"])
    first = start_worker("w1")
    url = f"/s/{world.a.school.code}/students/classrooms/{world.a.classroom.pk}/print/sheets/"
    client.post(url)
    generated = latest_file()
    wait_for(generated, {GeneratedFile.Status.RUNNING}, timeout=60)

    first.kill()
    with scopes_disabled():
        generated.refresh_from_db()
    assert generated.status == GeneratedFile.Status.RUNNING  # it died mid-way

    second = start_worker("w2")
    wait_for(generated, {GeneratedFile.Status.DONE, GeneratedFile.Status.FAILED})
    assert generated.status == GeneratedFile.Status.DONE, second.log.read_text()
    assert generated.attempts == 2
    assert "succeeded" in second.log.read_text()
    data = generated.file.read()
    assert pdf_pages(data, tmp_path) == 40


@pytest.mark.django_db(transaction=True)
def test_a_large_import_runs_on_the_worker_with_progress(world, login, start_worker):
    """2,000 rows: the upload answers at once, the worker checks the file (progress on the
    row), the coordinator confirms, the worker imports."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import make_national_id
    from students.models import Student, StudentImport

    header = "student_code,national_id,prefix,first_name,last_name,gender,birth_date,grade,room"
    lines = [header]
    for n in range(2000):
        grade = ["ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6"][n % 6]
        lines.append(
            f"8{n:05d},{make_national_id(900000 + n)},ด.ช.,นักเรียน{n},ทดลอง,ชาย,"
            f"15/06/2558,{grade},{n % 4 + 1}"
        )
    data = "\n".join(lines).encode("cp874")  # as Thai office software saves CSV
    client = login(world.a.users["coordinator"])
    worker = start_worker("w1")
    base = f"/s/{world.a.school.code}/students/import/"
    response = client.post(
        base,
        {
            "file": SimpleUploadedFile("นักเรียน.csv", io.BytesIO(data).read(), "text/csv"),
            "academic_year": world.year.pk,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        student_import = StudentImport.objects.latest("created")
    progress_seen = set()

    def wait_import(statuses):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with scopes_disabled():
                student_import.refresh_from_db()
            progress_seen.add(student_import.progress)
            if student_import.status in statuses:
                return
            time.sleep(0.05)
        raise AssertionError(f"import still {student_import.status}:\n{worker.log.read_text()}")

    wait_import({StudentImport.Status.READY, StudentImport.Status.INVALID})
    assert student_import.status == StudentImport.Status.READY, student_import.errors[:3]
    client.post(f"{base}{student_import.pk}/confirm/")
    wait_import({StudentImport.Status.DONE, StudentImport.Status.FAILED})
    assert student_import.status == StudentImport.Status.DONE, worker.log.read_text()
    assert any(0 < p < 100 for p in progress_seen), progress_seen
    with scopes_disabled():
        assert (
            Student.objects.filter(school=world.a.school, student_code__startswith="8").count()
            == 2000
        )

"""The demo's home visits: about 70% of the students visited this year, uneven classrooms, a few
remote visits with their reason, and photos in teacher1's classroom (without EXIF)."""

import datetime
import io
from collections import Counter

import pytest
from django.db import transaction
from django_scopes import scopes_disabled
from PIL import Image

from carecore.models import User
from demo.world import demo_build
from students.models import Enrolment, FamilyRecord
from visits.models import HomeVisit, VisitPhoto
from visits.selectors import school_progress

# A day in November: the June visits of this academic year are all in the past.
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture
def demo(db):
    with scopes_disabled():
        result = demo_build(schools=3, students=240, seed=7, today=TODAY)
        yield result


def done_visits(academic_year):
    return HomeVisit.objects.filter(academic_year=academic_year, status=HomeVisit.Status.DONE)


def test_about_70_percent_of_the_students_were_visited_mostly_in_june(demo):
    year = demo.academic_year
    students = Enrolment.objects.filter(academic_year=year).count()
    visited = done_visits(year).values("student").distinct().count()
    assert 0.6 <= visited / students <= 0.8
    months = Counter(done_visits(year).values_list("date__month", flat=True))
    assert months[6] / sum(months.values()) > 0.7
    assert all(d <= TODAY for d in done_visits(year).values_list("date", flat=True))
    # Some drafts wait to be finished.
    assert HomeVisit.objects.filter(academic_year=year, status=HomeVisit.Status.DRAFT).exists()


def test_classrooms_are_uneven_so_some_are_behind(demo):
    school = User.objects.get(username="director1").memberships.get().school
    progress = school_progress(school=school, academic_year=demo.academic_year)
    percents = [row.percent for row in progress.rows if row.total]
    assert max(percents) == 100
    assert min(percents) <= 50
    assert progress.behind


def test_remote_visits_say_why_and_carry_no_location(demo):
    remote = done_visits(demo.academic_year).exclude(mode=HomeVisit.Mode.HOME)
    total = done_visits(demo.academic_year).count()
    assert 0 < remote.count() <= total * 0.12
    assert all(v.remote_reason for v in remote)
    assert not remote.filter(latitude__isnull=False).exists()
    # Home visits are located, most from the phone with its accuracy.
    located = done_visits(demo.academic_year).filter(latitude__isnull=False)
    assert located.filter(location_source="device", location_accuracy_m__isnull=False).exists()
    assert located.filter(location_source="typed").exists()


def test_visits_agree_with_the_cumulative_record(demo):
    records = {
        r.student_id: r
        for r in FamilyRecord.objects.filter(student__school__district=demo.district)
    }
    checked = 0
    for visit in done_visits(demo.academic_year):
        record = records.get(visit.student_id)
        if record is None:
            continue
        assert visit.lives_with == record.lives_with
        assert visit.income_per_month == record.income_per_month
        assert visit.household_size == record.household_size
        checked += 1
    assert checked > 50


def test_teacher1s_classroom_has_photos_and_someone_still_to_visit(demo):
    teacher = User.objects.get(username="teacher1")
    classroom = teacher.homeroom_assignments.get().classroom
    photos = VisitPhoto.objects.filter(visit__classroom=classroom)
    assert photos.exists()
    assert photos.values("visit").distinct().count() >= 2
    assert set(photos.values_list("kind", flat=True)) >= {"outside", "inside"}
    # Drawn, stored like a teacher's upload: a JPEG without metadata.
    photo = photos.first()
    with photo.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG" and not image.getexif()
    students = Enrolment.objects.filter(classroom=classroom).values_list("student", flat=True)
    visited = set(
        done_visits(demo.academic_year)
        .filter(student__in=students)
        .values_list("student", flat=True)
    )
    assert 0 < len(visited) < len(students)


def test_the_same_seed_gives_the_same_visits(db):
    runs = []
    for _ in range(2):
        with transaction.atomic(), scopes_disabled():
            demo_build(schools=2, students=80, seed=3, today=TODAY)
            runs.append(
                sorted(
                    HomeVisit.objects.values_list(
                        "student__student_code", "date", "mode", "status", "summary"
                    )
                )
            )
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]

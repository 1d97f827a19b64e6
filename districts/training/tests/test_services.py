"""Training: a course with its attendees, and the figure "every teacher trained at least once
this year" per school: staff with an account trained in the academic year over the school's
staff; names typed are listed, not counted; a course of another district's school is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from districts.training import selectors, services
from districts.training.models import Attendee
from districts.training.tests.factories import make_course

DAY = datetime.timedelta(days=1)


@pytest.mark.django_db
def test_the_figure_counts_staff_trained_in_the_year(world):
    a = world.a
    # seven staff at school A: two homeroom teachers, counsellor, discipline, nurse,
    # coordinator, director
    make_course(a, school=a.school, users=["homeroom", "counsellor"], others=["ครูอัตราจ้าง ก"])
    make_course(a, users=["homeroom", "director"])  # the district's: homeroom counted once
    make_course(a, users=["nurse"], day=world.year.start - 30 * DAY)  # last year's
    with scopes_disabled():
        figure = selectors.figure(a.district, world.year)
        (row,) = [r for r in figure.schools if r.school == a.school]
        assert (row.staff, row.trained) == (7, 3) and row.percent == pytest.approx(42.9)
        assert not row.all_trained and figure.schools_all_trained == 0
        staff = selectors.school_staff(a.school, world.year)
    assert [s.hours > 0 for s in staff] == [False] * 4 + [True] * 3  # not trained first
    homeroom = next(s for s in staff if s.user_id == a.users["homeroom"].pk)
    assert homeroom.hours == 12
    make_course(a, school=a.school, users=["homeroom_other", "discipline", "nurse", "coordinator"])
    with scopes_disabled():
        figure = selectors.figure(a.district, world.year)
    assert figure.schools_all_trained == 1 and figure.trained == 7


@pytest.mark.django_db
def test_a_course_takes_only_its_own_staff(world):
    a, b = world.a, world.b
    today = timezone.localdate()
    with scopes_disabled():
        other = b.school.memberships.first()
        for school in (a.school, None):
            with pytest.raises(ValidationError):
                services.course_create(
                    district=a.district, school=school, title="x", starts_on=today,
                    ends_on=today, hours=Decimal(1), memberships=[other],
                )  # fmt: skip
        with pytest.raises(ValidationError):
            services.course_create(
                district=a.district, school=a.school, title="x", starts_on=today,
                ends_on=today - DAY, hours=Decimal(1), others=["ก"],
            )  # fmt: skip
        course = make_course(a, school=a.school, users=["director"], others=["ครูอัตราจ้าง"])
        assert [x.school_id for x in course.attendees.all()] == [a.school.pk, a.school.pk]
        pk = course.pk
        services.course_delete(course)
        assert not Attendee.objects.filter(course_id=pk).exists()

"""Jobs of the early warning (docs/early-warning.md): one school (after an import), one district
(after its settings change), and every district each night (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django_scopes import scopes_disabled


@shared_task(acks_late=True)
def earlywarning_school_task(school_id: int) -> int:
    """Recompute one school; the number of students evaluated."""
    from earlywarning.compute import recompute_school
    from schools.models import School

    with scopes_disabled():
        school = School.objects.filter(pk=school_id).first()
        return recompute_school(school).students if school else 0


@shared_task(acks_late=True)
def earlywarning_district_task(district_id: int) -> int:
    """Recompute every school of one district; the number of students evaluated."""
    from earlywarning.compute import recompute_district

    with scopes_disabled():
        return recompute_district(district_id).students


@shared_task
def earlywarning_nightly_task() -> int:
    """Each night: one job per district with schools (a worker each, when there are several)."""
    from schools.models import School

    with scopes_disabled():
        ids = list(
            School.objects.order_by("district_id").values_list("district_id", flat=True).distinct()
        )
    for district_id in ids:
        earlywarning_district_task.delay(district_id)
    return len(ids)

"""The home visits in the subject-access export (the engine: students/subject_access.py): the
visits and their photos. The PDF draws each photo under its visit, served by the visits' own
fetcher (visits.documents), which serves those photos and nothing else."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.subject_access import Collector, Photo, register_sections
from visits.models import HomeVisit, VisitPhoto


def _pdf_fetcher(*, school, photos):
    # Imported here: the PDF machinery is loaded only by the jobs that draw a PDF.
    from visits.documents import VisitPhotoFetcher

    return VisitPhotoFetcher(school=school, photos=photos)


def _photo_name(photo) -> str:
    return f"photos/visit-{photo.visit_id}-photo-{photo.pk}.jpg"


@register_sections("visits", order=20, linked=(HomeVisit,), pdf_fetcher=_pdf_fetcher)
def visit_sections(collector: Collector) -> None:
    from visits.documents import photo_url

    visits = list(
        HomeVisit.objects.filter(student=collector.student)
        .select_related("academic_year", "classroom", "recorded_by", "updated_by")
        .order_by("date", "pk")
    )
    collector.add(
        "home_visits",
        gettext_lazy("Home visits"),
        visits,
        HomeVisit,
        skip={"last_save_key"},  # a technical key of the phone's form, like client_key
    )
    photos = list(VisitPhoto.objects.filter(visit__in=visits).order_by("visit_id", "pk"))
    collector.add(
        "visit_photos",
        gettext_lazy("Home-visit photos"),
        photos,
        VisitPhoto,
        skip={"uploaded_by"},
        extra=lambda p: [
            ("file_in_zip", _("File in the ZIP"), _photo_name(p), _photo_name(p)),
        ],
        layout="table",
        in_pdf=False,  # the PDF draws them under their visits
    )
    collector.photos += [
        Photo(
            record=photo,
            file=photo.image,
            name=_photo_name(photo),
            section="home_visits",
            row_id=photo.visit_id,
            url=photo_url(photo),
            caption=photo.get_kind_display,
        )
        for photo in photos
    ]

"""The home-visit record on paper (แบบบันทึกการเยี่ยมบ้านนักเรียน), through carecore.pdf.

- ``visit_pdf``: one visit;
- ``classroom_visits_pdf``: every student of a classroom, each with their latest visit marked
  done in the classroom's academic year, one after another (each starting on a new page), then
  a page listing the students not visited yet.

Choices print as ticked boxes, the way the paper form is filled in by hand; what was not recorded
stays as empty boxes and blank lines. The location prints as numbers (no map: nothing may leave
the machine while rendering).

Photos are embedded through ``VisitPhotoFetcher``: the document names each photo
``visitphoto:<id>``, and the fetcher serves only the photos of the visits in this document, read
from storage and scaled down for print; any other URL is refused as carecore.pdf refuses it.
Each function loads what it prints up front, a fixed number of queries however many students.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_scopes import scope
from PIL import Image
from weasyprint.urls import URLFetcherResponse

from carecore.jobs import progress_stage
from carecore.models import Membership, Role
from carecore.pdf import (
    LocalURLFetcher,
    Paper,
    RefusedURL,
    document_context,
    html_to_pdf,
)
from carecore.thai import thai_order
from schools.models import Classroom, HomeroomAssignment
from students.models import Enrolment, FamilyRecord, ProtectionRecord
from visits.models import (
    Condition,
    Help,
    HomeVisit,
    Material,
    Met,
    Ownership,
    Parenting,
    Problem,
    Relations,
    Safety,
    Surrounding,
    Utility,
    VisitPhoto,
)

Progress = Callable[[int], None]

PHOTO_SCHEME = "visitphoto"
# Longest side of a photo on paper: a photo prints about 7.5 cm wide, so 800 px is ~270 dpi.
PRINT_SIDE = 800
PRINT_QUALITY = 80
TEMPLATE = "visits/pdf/visit.html"


# --- photos ------------------------------------------------------------------------------------
def photo_url(photo: VisitPhoto) -> str:
    return f"{PHOTO_SCHEME}:{photo.pk}"


def photo_for_print(content: bytes) -> bytes:
    """The stored photo (a clean JPEG of at most 1600 px) as a JPEG of at most PRINT_SIDE px.

    ``draft`` lets the JPEG decoder scale down while decoding. The document keeps only these
    small copies (about 50-100 KB each): a classroom of 45 students with five photos each adds
    some 70 MB to the rendering, and about 15-20 MB to the PDF."""
    with Image.open(io.BytesIO(content)) as image:
        image.draft("RGB", (PRINT_SIDE, PRINT_SIDE))
        image = image.convert("RGB")
        image.thumbnail((PRINT_SIDE, PRINT_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=PRINT_QUALITY)
        return out.getvalue()


class VisitPhotoFetcher(LocalURLFetcher):
    """carecore.pdf's fetcher (static files, the school's emblem), plus ``visitphoto:<id>`` for
    the photos given, and nothing else: an id that is not one of them stops the rendering."""

    def __init__(self, *, school, photos: Iterable[VisitPhoto] = ()):
        super().__init__(school=school)
        self.photos = {photo_url(p): p for p in photos}

    def fetch(self, url, headers=None):
        if urlsplit(url).scheme.lower() == PHOTO_SCHEME:
            return self._photo(url)
        return super().fetch(url, headers)

    def _photo(self, url: str) -> URLFetcherResponse:
        photo = self.photos.get(url)
        if photo is None:
            raise RefusedURL(f"Refused to fetch {url!r}: not a photo of this document's visits.")
        with photo.image.storage.open(photo.image.name, "rb") as stored:
            content = photo_for_print(stored.read())
        return URLFetcherResponse(url, content, headers={"Content-Type": "image/jpeg"})


def _render(
    context: dict,
    *,
    school,
    photos: Iterable[VisitPhoto],
    progress: Progress | None = None,
    pages: int | None = None,
) -> bytes:
    """carecore.pdf.render_pdf with the photo fetcher."""
    pdf = document_context(school=school)
    # Section numbers, in Thai digits when the school asks for them.
    numbers = [pdf["paper"].num(i) for i in range(13)]
    html = render_to_string(TEMPLATE, {"pdf": pdf, "n": numbers, **context})
    return html_to_pdf(
        html,
        school=school,
        progress=progress,
        pages=pages,
        url_fetcher=VisitPhotoFetcher(school=school, photos=photos),
    )


# --- what one visit prints ---------------------------------------------------------------------
def _boxes(choices, selected) -> list[dict]:
    """Every option of ``choices`` as a box, ticked when it is in ``selected``."""
    chosen = set(selected if isinstance(selected, list | tuple | set) else [selected])
    return [{"label": label, "on": value in chosen} for value, label in choices]


def _text(paper: Paper, value) -> str:
    return paper.num(value) if value not in (None, "") else ""


def _baht(paper: Paper, amount) -> str:
    if amount in (None, ""):
        return ""
    return _("%(amount)s baht") % {"amount": paper.num(f"{int(amount):,}")}


def _income_per_person(visit: HomeVisit) -> int | None:
    if visit.income_per_month is None or not visit.household_size:
        return None
    return round(visit.income_per_month / visit.household_size)


def _location(visit: HomeVisit, paper: Paper) -> dict | None:
    if visit.latitude is None or visit.longitude is None:
        return None
    return {
        "lat": paper.num(f"{visit.latitude:.6f}"),
        "lon": paper.num(f"{visit.longitude:.6f}"),
        "accuracy": (
            paper.num(visit.location_accuracy_m) if visit.location_accuracy_m is not None else ""
        ),
        "source": visit.get_location_source_display() if visit.location_source else "",
    }


def _visit_sheet(
    visit: HomeVisit,
    enrolment: Enrolment | None,
    photos: list[VisitPhoto],
    signatures: list[tuple[str, str]],
    paper: Paper,
) -> dict:
    """What one visit prints, as text and boxes."""
    student = visit.student
    classroom = enrolment.classroom if enrolment else visit.classroom
    per_person = _income_per_person(visit)
    return {
        "draft": visit.status == HomeVisit.Status.DRAFT,
        "year": paper.num(visit.academic_year.year),
        "student": {
            "name": student.full_name,
            "nickname": student.nickname,
            "code": paper.num(student.student_code),
            "room": paper.num(classroom) if classroom else "",
            "number": paper.num(enrolment.number) if enrolment else "",
        },
        "date": paper.date(visit.date, "long"),
        "mode": _boxes(HomeVisit.Mode.choices, visit.mode),
        "remote": visit.mode != HomeVisit.Mode.HOME,
        "remote_reason": _text(paper, visit.remote_reason),
        "visitors": _text(paper, visit.visitors),
        "met": _boxes(Met.choices, visit.met),
        "met_other": _text(paper, visit.met_other),
        "house": [
            (_("The house is"), _boxes(Ownership.choices, visit.ownership)),
            (_("Condition"), _boxes(Condition.choices, visit.condition)),
            (_("Built of"), _boxes(Material.choices, visit.material)),
            (_("Has"), _boxes(Utility.choices, visit.utilities)),
        ],
        "surroundings": _boxes(Surrounding.choices, visit.surroundings),
        "safety": _boxes(Safety.choices, visit.safety),
        "environment_note": _text(paper, visit.environment_note),
        "lives_with": _boxes(FamilyRecord.LivesWith.choices, visit.lives_with),
        "parents_status": _boxes(FamilyRecord.ParentsStatus.choices, visit.parents_status),
        "household_size": _text(paper, visit.household_size),
        "income": _baht(paper, visit.income_per_month),
        "income_per_person": _baht(paper, per_person),
        "occupations": _text(paper, visit.main_occupations),
        "relations": _boxes(Relations.choices, visit.relations),
        "parenting": _boxes(Parenting.choices, visit.parenting),
        "duties": _text(paper, visit.duties_at_home),
        "travel_mode": _boxes(ProtectionRecord.TravelMode.choices, visit.travel_mode),
        "travel_distance": _text(paper, visit.travel_distance_km),
        "travel_minutes": _text(paper, visit.travel_minutes),
        "travel_cost": _baht(paper, visit.travel_cost_baht),
        "family_requests": _text(paper, visit.family_requests),
        "problems": _boxes(Problem.choices, visit.problems),
        "problems_note": _text(paper, visit.problems_note),
        "help": _boxes(Help.choices, visit.help_needed),
        "help_note": _text(paper, visit.help_note),
        "summary": _text(paper, visit.summary),
        "recommendation": _text(paper, visit.recommendation),
        "location": _location(visit, paper),
        "photos": [
            {"url": photo_url(p), "caption": p.get_kind_display(), "number": paper.num(i)}
            for i, p in enumerate(photos, start=1)
        ],
        "signatures": signatures,
    }


# --- who signs ---------------------------------------------------------------------------------
def _school_staff(school_id: int) -> dict[str, str]:
    """The coordinator's and the director's names, when the school has exactly one (1 query);
    otherwise the line is left for a handwritten name."""
    names: dict[str, list[str]] = {Role.COORDINATOR: [], Role.DIRECTOR: []}
    for m in (
        Membership.objects.filter(school_id=school_id, role__in=list(names), user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        names[m.role].append(m.user.display_name)
    return {role: found[0] if len(found) == 1 else "" for role, found in names.items()}


def _signatures(visit: HomeVisit, staff: dict[str, str]) -> list[tuple[str, str]]:
    visitor = visit.recorded_by.display_name if visit.recorded_by else ""
    return [
        (_("Guardian"), ""),
        (_("Teacher who visited"), visitor),
        (_("Care-system coordinator"), staff.get(Role.COORDINATOR, "")),
        (_("School director"), staff.get(Role.DIRECTOR, "")),
    ]


def _visits_query():
    return HomeVisit.objects.select_related(
        "student", "academic_year", "classroom", "recorded_by"
    ).prefetch_related(Prefetch("photos", queryset=VisitPhoto.objects.order_by("pk")))


# --- one visit ---------------------------------------------------------------------------------
def visit_pdf(*, visit: HomeVisit, progress: Progress | None = None) -> bytes:
    """The record of one visit (a draft prints too, marked as a draft). 4 queries."""
    with scope(school=visit.school_id):
        visit = _visits_query().select_related("school__district").get(pk=visit.pk)
        school = visit.school
        paper = Paper(school)
        enrolment = (
            Enrolment.objects.filter(
                student_id=visit.student_id, academic_year=visit.academic_year_id
            )
            .select_related("classroom")
            .first()
        )
        photos = list(visit.photos.all())
        sheet = _visit_sheet(
            visit, enrolment, photos, _signatures(visit, _school_staff(school.pk)), paper
        )
        if progress:
            progress(10)
        content = _render(
            {"sheets": [sheet], "title": visit.student.full_name},
            school=school,
            photos=photos,
            progress=progress_stage(progress, 10, 95),
            pages=3,
        )
    if progress:
        progress(100)
    return content


# --- a whole classroom ---------------------------------------------------------------------------
def classroom_visits_pdf(*, classroom: Classroom, progress: Progress | None = None) -> bytes:
    """Every student of ``classroom`` in number order: their latest visit marked done in the
    classroom's academic year, each starting on a new page; then the students not visited yet
    (with a draft waiting, or nothing). 6 queries, however many students."""
    with scope(school=classroom.school_id):
        classroom = Classroom.objects.select_related("school__district", "academic_year").get(
            pk=classroom.pk
        )
        school = classroom.school
        paper = Paper(school)
        teachers = [
            a.teacher.display_name
            for a in HomeroomAssignment.objects.filter(classroom=classroom)
            .select_related("teacher")
            .order_by(thai_order("teacher__first_name"), thai_order("teacher__last_name"))
        ]
        enrolments = list(
            Enrolment.objects.filter(classroom=classroom)
            .select_related("student")
            .order_by("number")
        )
        latest: dict[int, HomeVisit] = {}
        drafts: set[int] = set()
        for v in (
            _visits_query()
            .filter(
                student_id__in=[e.student_id for e in enrolments],
                academic_year=classroom.academic_year,
            )
            .order_by("student_id", "-date", "-pk")
        ):
            if v.status == HomeVisit.Status.DONE:
                latest.setdefault(v.student_id, v)
            else:
                drafts.add(v.student_id)
        staff = _school_staff(school.pk)
        if progress:
            progress(5)

        sheets, photos, waiting = [], [], []
        for e in enrolments:
            e.classroom = classroom  # already loaded, with its year
            visit = latest.get(e.student_id)
            if visit is None:
                waiting.append(
                    {
                        "number": paper.num(e.number),
                        "code": paper.num(e.student.student_code),
                        "name": e.student.full_name,
                        "draft": e.student_id in drafts,
                    }
                )
                continue
            visit.student = e.student
            visit_photos = list(visit.photos.all())
            photos += visit_photos
            sheets.append(_visit_sheet(visit, e, visit_photos, _signatures(visit, staff), paper))
        total = len(enrolments)
        if progress:
            progress(10)
        content = _render(
            {
                "title": _("Home-visit records %(classroom)s") % {"classroom": classroom},
                "sheets": sheets,
                "waiting": waiting,
                "classroom": {
                    "room": paper.num(classroom),
                    "year": paper.num(classroom.academic_year.year),
                    "teachers": ", ".join(teachers),
                    "visited": paper.num(len(sheets)),
                    "total": paper.num(total),
                    "percent": paper.num(len(sheets) * 100 // total if total else 0),
                },
            },
            school=school,
            photos=photos,
            progress=progress_stage(progress, 10, 95),
            pages=max(1, len(sheets) * 3 + (1 if waiting or not sheets else 0)),
        )
    if progress:
        progress(100)
    return content

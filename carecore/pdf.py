"""PDF documents: a Django template rendered to HTML, then WeasyPrint to PDF.

Everything a document needs is read from disk, never over the network:

- relative and root-relative URLs (what ``{% static %}`` gives) resolve against
  ``INTERNAL_BASE_URL``, an address on the reserved ``.invalid`` domain that no resolver answers;
  the fetcher maps URLs under the static prefix to files found by the staticfiles finders or in
  STATIC_ROOT;
- the school emblem is ``emblem:<school id>``, read from the default storage, and only the emblem
  of the school the document is for;
- every other URL (http, https, file, data, ...) is refused: the rendering stops with
  ``UnsafeURLError`` before anything is fetched.

Fonts and the shared stylesheet (``templates/pdf/document.css``) are parsed once per thread and
reused, with the same FontConfiguration, by every later document.

Thai compounds the documents use (ตัวชี้วัด, ครอบครัว, ...) are kept on one line
(carecore.pdf_thai).

Documents render in the current language: callers wrap them in ``translation.override(lang)``.

The PDF's text layer (copy and paste, search) maps each glyph to one text, the first WeasyPrint
meets; HarfBuzz draws SARA AM (ำ) with the SARA AA glyph, so the fetcher serves TrueType fonts
with a separate copy of that glyph for ำ (carecore.pdf_fonts) and the text layer reads back the
Thai that was rendered (in drawing order: what copy and paste and ``pdftotext -raw`` read).
Known limit: a reader that re-orders letters by position (``pdftotext`` without ``-raw``, the
search of poppler-based viewers) may put a zero-width tone mark after the next consonant (รุ่ง
as รุง่), and around a tall consonant (ปั่น) may see a space: WeasyPrint writes the marks at the
consonant's right edge. Moving the marks' origins in the font made poppler split the words.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# WeasyPrint's step-by-step messages drive progress bars; they are not worth a log line each.
# Set before WeasyPrint is imported: it parses its own stylesheets on import.
logging.getLogger("weasyprint.progress").propagate = False

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.exceptions import SuspiciousFileOperation  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils._os import safe_join  # noqa: E402
from django.utils.translation import get_language  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.logger import PROGRESS_LOGGER  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

from carecore.dates import Paper  # noqa: E402
from carecore.pdf_fonts import pdf_font_bytes  # noqa: E402
from carecore.pdf_thai import keep_thai_words  # noqa: E402

INTERNAL_BASE_URL = "https://carecare-pdf.invalid/"
EMBLEM_SCHEME = "emblem"
STYLESHEET_TEMPLATE = "pdf/document.css"

Progress = Callable[[int], None]


class UnsafeURLError(ValueError):
    """A document asked for a resource that is not a local static file or its school's emblem."""


class RefusedURL(FatalURLFetchingError):
    # WeasyPrint turns ordinary fetch errors into warnings and goes on; this one (a
    # BaseException) stops the rendering. render_pdf turns it back into UnsafeURLError so that
    # job runners, which catch Exception, see an ordinary error.
    pass


def emblem_url(school) -> str:
    return f"{EMBLEM_SCHEME}:{school.pk}"


def _static_prefix() -> str:
    """Absolute URL prefix of static files as WeasyPrint sees them (after joining).

    Read from STATIC_URL itself: ``static("")`` asks the storage for the URL of an empty name,
    which the production (manifest) storage refuses."""
    return urljoin(INTERNAL_BASE_URL, settings.STATIC_URL)


def find_static_file(path: str) -> Path | None:
    """A static file by its path under STATIC_URL: from the finders, else from STATIC_ROOT."""
    found = finders.find(path)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            candidate = Path(safe_join(settings.STATIC_ROOT, path))
        except SuspiciousFileOperation:  # the path leaves STATIC_ROOT
            return None
        if candidate.is_file():
            return candidate
    return None


class LocalURLFetcher(URLFetcher):
    """Serves static files from disk and ``school``'s emblem; refuses everything else."""

    def __init__(self, *, school=None):
        super().__init__(allowed_protocols=())
        self.school = school
        self.static_prefix = _static_prefix()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == EMBLEM_SCHEME:
            return self._emblem(url)
        if url.startswith(self.static_prefix):
            return self._static(url)
        raise RefusedURL(f"Refused to fetch {url!r}: documents only use local files.")

    def _static(self, url: str) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path[len(urlsplit(self.static_prefix).path) :])
        found = find_static_file(path) if path and ".." not in path.split("/") else None
        if found is None:
            raise FileNotFoundError(f"No static file {path!r}")
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        # TrueType fonts get the glyphs that keep SARA AM right in the text layer (pdf_fonts).
        content = pdf_font_bytes(found) if found.suffix.lower() == ".ttf" else found.read_bytes()
        return URLFetcherResponse(url, content, headers={"Content-Type": content_type})

    def _emblem(self, url: str) -> URLFetcherResponse:
        school = self.school
        if school is None or url != emblem_url(school):
            raise RefusedURL(f"Refused to fetch {url!r}: not the emblem of this document's school.")
        if not school.emblem:
            raise FileNotFoundError(f"School {school.pk} has no emblem")
        with school.emblem.storage.open(school.emblem.name, "rb") as emblem:
            return URLFetcherResponse(url, emblem.read(), headers={"Content-Type": "image/png"})


# --- shared resources, parsed once per thread ------------------------------------------------
_resources = threading.local()


def _stylesheet() -> tuple[FontConfiguration, CSS]:
    cached = getattr(_resources, "value", None)
    if cached is None:
        font_config = FontConfiguration()
        css = CSS(
            string=render_to_string(STYLESHEET_TEMPLATE),
            base_url=INTERNAL_BASE_URL,
            url_fetcher=LocalURLFetcher(),
            font_config=font_config,
        )
        cached = _resources.value = (font_config, css)
    return cached


# --- numbers and dates on paper ----------------------------------------------------------------
def _css_string(text: str) -> str:
    """A CSS string literal; safe inside <style> whatever the translation contains."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    )
    return f'"{escaped}"'


def page_number_css(paper: Paper) -> str:
    """The CSS ``content`` of the page number box: "หน้า 1/3" from the translated pattern."""
    style = ", thai" if paper.thai_digits else ""
    parts = []
    for piece in re.split(r"(%\((?:page|pages)\)s)", _("Page %(page)s/%(pages)s")):
        if piece == "%(page)s":
            parts.append(f"counter(page{style})")
        elif piece == "%(pages)s":
            parts.append(f"counter(pages{style})")
        elif piece:
            parts.append(_css_string(piece.replace("%%", "%")))
    return " ".join(parts)


def document_context(*, school=None, today: datetime.date | None = None) -> dict:
    """What templates/pdf/base.html reads, under the name ``pdf``."""
    paper = Paper(school)
    today = today or timezone.localdate()
    return {
        "paper": paper,
        "lang": (get_language() or settings.LANGUAGE_CODE)[:2],
        "school": school,
        "school_name": paper.num(school.name) if school is not None else "",
        "district_name": paper.num(school.district.name) if school is not None else "",
        "emblem_url": emblem_url(school) if school is not None and school.emblem else "",
        "printed_on": paper.date(today, "long"),
        "page_number_css": page_number_css(paper),
        "printed_on_css": _css_string(_("Printed on %(date)s") % {"date": paper.date(today)}),
    }


# --- rendering -----------------------------------------------------------------------------------
class _LayoutProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page n" messages into a percentage."""

    def __init__(self, progress: Progress, pages: int):
        super().__init__(logging.INFO)
        self.progress, self.pages = progress, max(pages, 1)
        self.thread = threading.get_ident()
        self.done = 0

    def emit(self, record):
        if record.thread != self.thread or not record.args:
            return
        if str(record.msg).startswith("Step 5 - Creating layout - Page %d") and isinstance(
            record.args[0], int
        ):
            page = min(record.args[0], self.pages)
            if page > self.done:
                self.done = page
                self.progress(page * 100 // self.pages)


PROGRESS_LOGGER.setLevel(logging.INFO)  # whatever the root level: progress bars need these


def html_to_pdf(
    html: str,
    *,
    school=None,
    progress: Progress | None = None,
    pages: int | None = None,
    url_fetcher: LocalURLFetcher | None = None,
) -> bytes:
    """PDF bytes from a whole HTML document. ``progress(percent)`` follows the layout of the
    pages when ``pages`` (the number expected) is given. ``url_fetcher``: a subclass of
    LocalURLFetcher that serves more (e.g. a visit's photos); the school's by default."""
    font_config, css = _stylesheet()
    document = HTML(
        string=keep_thai_words(html),
        base_url=INTERNAL_BASE_URL,
        url_fetcher=url_fetcher or LocalURLFetcher(school=school),
    )
    handler = _LayoutProgress(progress, pages) if progress and pages else None
    if handler:
        PROGRESS_LOGGER.addHandler(handler)
    try:
        return document.write_pdf(stylesheets=[css], font_config=font_config)
    except FatalURLFetchingError as error:
        raise UnsafeURLError(str(error)) from error
    finally:
        if handler:
            PROGRESS_LOGGER.removeHandler(handler)


def render_pdf(
    template_name: str,
    context: dict,
    *,
    school=None,
    progress: Progress | None = None,
    pages: int | None = None,
) -> bytes:
    """Render ``template_name`` (which extends pdf/base.html) with ``context`` to PDF bytes.

    The template also gets ``pdf`` (see ``document_context``): the school's name and emblem,
    the date printed, ``pdf.paper`` for numbers and dates."""
    html = render_to_string(template_name, {"pdf": document_context(school=school), **context})
    return html_to_pdf(html, school=school, progress=progress, pages=pages)

"""The PDF rendering service: local files only, the school header, Buddhist Era dates, Thai
digits and page numbers on paper.

Rendered PDFs are read back with poppler (pdftotext, pdfinfo), as a person opening the file
would read them. CI has poppler-utils; without it these tests are skipped.
"""

import datetime
import http.server
import io
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from weasyprint.urls import FatalURLFetchingError

from carecore.dates import format_date
from carecore.pdf import (
    INTERNAL_BASE_URL,
    LocalURLFetcher,
    Paper,
    UnsafeURLError,
    emblem_url,
    html_to_pdf,
    render_pdf,
)

FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "Sarabun-Regular.ttf"


# --- reading PDFs back ---------------------------------------------------------------------------
def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed here; CI has it")
    return path


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """The text of the PDF (or of one page) as pdftotext reads it, in drawing order."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(  # noqa: S603
        [_poppler("pdftotext"), "-raw", *pages, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run(  # noqa: S603
        [_poppler("pdfinfo"), "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))


def comparable(text: str) -> str:
    """Text with its white space made single spaces: a PDF's lines break where the page did.

    The Thai itself must read back as it was rendered, ำ and tone marks included
    (carecore.pdf_fonts; carecore/tests/test_pdf_text_layer.py for every document kind)."""
    return " ".join(text.split())


def png(size=(40, 40), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def with_emblem(school):
    school.emblem.save("emblem.png", ContentFile(png()), save=True)
    return school


# --- the URL fetcher -----------------------------------------------------------------------------
class TestLocalURLFetcher:
    @pytest.mark.parametrize(
        "url",
        [
            "http://example.org/logo.png",
            "https://example.org/static/fonts/Sarabun-Regular.ttf",
            "http://127.0.0.1:8000/static/fonts/Sarabun-Regular.ttf",
            f"file://{FONT}",
            "file:///etc/passwd",
            "data:image/png;base64,iVBORw0KGgo=",
            "ftp://example.org/x.png",
        ],
    )
    def test_refuses_anything_but_local_static_files_and_the_emblem(self, url):
        with pytest.raises(FatalURLFetchingError, match="Refused"):
            LocalURLFetcher()(url)

    def test_serves_the_vendored_font_from_disk_with_the_sara_am_glyphs(self):
        # The vendored font, with copies of SARA AA for the text layer (carecore.pdf_fonts).
        from fontTools.ttLib import TTFont

        url = f"{INTERNAL_BASE_URL}static/fonts/Sarabun-Regular.ttf"
        served = TTFont(io.BytesIO(LocalURLFetcher()(url).read()))
        original = TTFont(FONT)
        assert served.getBestCmap() == original.getBestCmap()
        assert served.getGlyphOrder()[: len(original.getGlyphOrder())] == original.getGlyphOrder()
        assert "uni0E32.am" in served.getGlyphOrder()

    def test_a_missing_static_file_or_a_path_out_of_static_is_not_found(self):
        fetcher = LocalURLFetcher()
        for path in ("fonts/nope.ttf", "../carecore/settings.py", "%2e%2e/manage.py"):
            with pytest.raises(FileNotFoundError):
                fetcher(f"{INTERNAL_BASE_URL}static/{path}")

    def test_serves_the_emblem_of_the_documents_school_only(self, world):
        school = with_emblem(world.a.school)
        other = with_emblem(world.b.school)
        response = LocalURLFetcher(school=school)(emblem_url(school))
        assert response.read() == school.emblem.open("rb").read()
        with pytest.raises(FatalURLFetchingError):
            LocalURLFetcher(school=school)(emblem_url(other))
        with pytest.raises(FatalURLFetchingError):
            LocalURLFetcher()(emblem_url(school))


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png())

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _CountingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.requests
    server.shutdown()
    server.server_close()


class TestNothingLeavesTheProcess:
    @pytest.mark.parametrize(
        "markup",
        [
            '<img src="{base}/logo.png">',
            '<link rel="stylesheet" href="{base}/style.css">',
            '<div style="background: url({base}/bg.png)">x</div>',
        ],
    )
    def test_a_document_asking_for_a_web_address_fails_without_fetching_it(
        self, http_server, markup
    ):
        base, requests = http_server
        html = f"<html><body><p>ก่อน</p>{markup.format(base=base)}</body></html>"
        with pytest.raises(UnsafeURLError, match="Refused"):
            html_to_pdf(html)
        assert requests == []

    def test_the_refusal_is_an_ordinary_exception_for_job_runners(self):
        assert issubclass(UnsafeURLError, Exception)


# --- what is on paper ----------------------------------------------------------------------------
class TestBasePage:
    def test_school_name_be_date_and_page_number(self, world):
        school = world.a.school
        with translation.override("th"):
            pdf = render_pdf("pdf/base.html", {}, school=school)
            printed = format_date(timezone.localdate(), "long")
            page = gettext("Page %(page)s/%(pages)s") % {"page": 1, "pages": 1}
        text = comparable(pdf_text(pdf))
        assert pdf.startswith(b"%PDF-")
        assert comparable(school.name) in text
        assert comparable(school.district.name) in text
        assert comparable(printed) in text
        assert str(timezone.localdate().year + 543) in text
        assert comparable(page) in text

    def test_emblem_is_drawn_in_the_header(self, world):
        school = world.a.school
        without = render_pdf("pdf/base.html", {}, school=school)
        with_emblem(school)
        with_image = render_pdf("pdf/base.html", {}, school=school)
        assert b"/Subtype /Image" not in without
        assert b"/Subtype /Image" in with_image

    def test_a_missing_emblem_file_does_not_stop_the_document(self, world):
        school = with_emblem(world.a.school)
        school.emblem.storage.delete(school.emblem.name)
        assert render_pdf("pdf/base.html", {}, school=school).startswith(b"%PDF-")

    def test_english_documents_keep_the_buddhist_era(self, world):
        with translation.override("en"):
            pdf = render_pdf("pdf/base.html", {}, school=world.a.school)
        today = timezone.localdate()
        assert f"B.E. {today.year + 543}" in pdf_text(pdf)


class TestThaiDigits:
    def test_school_option_prints_dates_and_page_numbers_in_thai_digits(self, world):
        school = world.a.school
        school.name = "โรงเรียนบ้านโคก 2"
        school.document_thai_digits = True
        school.save()
        with translation.override("th"):
            pdf = render_pdf("pdf/base.html", {}, school=school)
            year = format_date(timezone.localdate(), "long", thai_digits=True).split()[-1]
        text = pdf_text(pdf)
        assert "โรงเรียนบ้านโคก ๒" in text
        assert year.startswith("๒๕") and year in text
        assert "๑/๑" in text
        assert not any(d in text for d in "0123456789")

    def test_paper_writes_numbers_and_dates_as_the_school_asks(self, world):
        school = world.a.school
        day = datetime.date(2025, 6, 15)
        with translation.override("th"):
            assert Paper(school).num(35) == "35"
            assert Paper(school).date(day) == "15 มิถุนายน 2568"
            school.document_thai_digits = True
            assert Paper(school).num("ป.4/1") == "ป.๔/๑"
            assert Paper(school).date(day, "numeric") == "๑๕/๐๖/๒๕๖๘"
        assert Paper(None).num(None) == ""


class TestThaiText:
    # Units that a Thai line may end with: libthai splits ผู้ปกครอง into ผู้|ปกครอง and so on.
    WORDS = ["ผู้", "ปกครอง", "ที่", "บ้าน", "ไม่", "มี", "น้ำ", "ประปา", "ใช้", "กิ่ง", "ไม้", "ใหญ่"]

    def test_a_long_thai_paragraph_wraps_inside_the_page_at_word_boundaries(self):
        paragraph = "".join(self.WORDS * 12)
        pdf = html_to_pdf(f'<html lang="th"><body><p>{paragraph}</p></body></html>')
        lines = [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]
        # Pango with libthai breaks it into several lines; without the dictionary it is one line
        # running off the page.
        assert len(lines) >= 4
        # Nothing is lost, and every line ends at the end of a word.
        assert comparable("".join(lines)) == comparable(paragraph)
        for line in lines[:-1]:
            assert any(comparable(line).endswith(comparable(w)) for w in self.WORDS), line

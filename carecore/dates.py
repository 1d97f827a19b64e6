"""Buddhist Era dates: formatting for screens and paper, and parsing what people type.

Django's Thai locale prints Gregorian years, so every date shown to a user goes through here.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import get_language

BE_OFFSET = 543

THAI_MONTHS = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip
THAI_MONTHS_SHORT = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]  # fmt: skip
EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def to_thai_digits(text: str) -> str:
    return str(text).translate(THAI_DIGITS)


def be_year(value: datetime.date | int) -> int:
    year = value if isinstance(value, int) else value.year
    return year + BE_OFFSET


def format_date(value, style: str = "short", lang: str | None = None, thai_digits: bool = False):
    """15 มิ.ย. 2568 (short), 15 มิถุนายน 2568 (long), 15/06/2568 (numeric).

    English keeps the Buddhist Era year: 15 Jun B.E. 2568.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    lang = (lang or get_language() or "th")[:2]
    year = be_year(value)
    if style == "numeric":
        text = f"{value.day:02d}/{value.month:02d}/{year}"
    elif lang == "th":
        months = THAI_MONTHS if style == "long" else THAI_MONTHS_SHORT
        text = f"{value.day} {months[value.month - 1]} {year}"
    else:
        month = EN_MONTHS[value.month - 1]
        month = month if style == "long" else month[:3]
        text = f"{value.day} {month} B.E. {year}"
    return to_thai_digits(text) if thai_digits else text


def format_datetime(value, lang: str | None = None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{format_date(value, 'short', lang)} {value:%H:%M}"


_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> datetime.date | None:
    """Read a date typed as day/month/year. Returns None when it is not a date.

    Years from 2400 are Buddhist Era (15/06/2568 is 15 June 2025); earlier four-digit years are
    Christian Era; two-digit years are the last two digits of a BE year (68 is 2568). Thai digits
    are accepted. ISO dates (2025-06-15) are taken as Christian Era.
    """
    if text is None:
        return None
    text = str(text).translate(ARABIC_DIGITS)
    iso = _ISO_RE.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        match = _DATE_RE.match(text)
        if not match:
            return None
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if len(year) == 2:
            year = 2500 + int(year) - BE_OFFSET
        else:
            year = int(year)
            if year >= 2400:
                year -= BE_OFFSET
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


class Paper:
    """How one school's documents write numbers and dates: Buddhist Era years, and Thai digits
    (๐-๙) everywhere when the school asks for them. Here rather than in carecore.pdf, which
    loads WeasyPrint, so that pages and spreadsheets can use it too."""

    def __init__(self, school=None):
        self.thai_digits = bool(school is not None and school.document_thai_digits)

    def num(self, value) -> str:
        text = "" if value is None else str(value)
        return to_thai_digits(text) if self.thai_digits else text

    def date(self, value, style: str = "long") -> str:
        return format_date(value, style, thai_digits=self.thai_digits)

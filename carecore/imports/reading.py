"""Reading an import file: file names, the sheet, cells, headers, Thai digits, Buddhist Era dates,
and problems kept as data (row, column, code, value, params) until they are shown."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext_lazy

from carecore.dates import ARABIC_DIGITS, BE_OFFSET, THAI_MONTHS, THAI_MONTHS_SHORT, parse_date
from carecore.imports import sheet_reader

Sheet = sheet_reader.Sheet

# The messages every import shares; each adds "empty" and those of its rows.
FILE_MESSAGES = {
    # The file as a whole.
    "encoding": gettext_lazy(
        "The file cannot be read as text: save it as CSV UTF-8 (or Thai TIS-620) or as an Excel "
        ".xlsx file."
    ),
    "xls": gettext_lazy(
        "Old Excel files (.xls) cannot be read: open the file in Excel and save it as .xlsx or as "
        "CSV UTF-8."
    ),
    "format": gettext_lazy(
        "This kind of file cannot be read: upload a CSV or an Excel .xlsx file."
    ),
    "xlsx_unreadable": gettext_lazy(
        "This Excel file cannot be opened; it may be damaged. Save it again as .xlsx."
    ),
    "missing_columns": gettext_lazy("Required columns are missing: %(columns)s."),
    "unknown_columns": gettext_lazy(
        "Unknown columns: %(columns)s. Use the headers of the template file."
    ),
    "unnamed_column": gettext_lazy("Column %(number)s has values but no header."),
    "duplicate_column": gettext_lazy("Two columns have the same meaning: %(columns)s."),
    "too_many_rows": gettext_lazy(
        "The file has more than %(max)s rows: split it into several files."
    ),
    "job_failed": gettext_lazy(
        "The import stopped because of an unexpected error. Nothing was imported; you can try "
        "again."
    ),
    # Limits on what a file may hold.
    **sheet_reader.LIMIT_MESSAGES,
    # One cell.
    "required": gettext_lazy("The value is missing."),
}


def problem(code, /, *, row=None, field_name="", column="", value="", **params) -> dict:
    """A problem as stored (``ImportRecord.errors``); its sentence is made when it is shown."""
    return {
        "row": row,
        "field": field_name,
        "column": column,
        "code": code,
        "value": "" if value is None else str(value)[:200],
        "params": params,
    }


class ImportFileError(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.error = problem(code, **params)


def check_file_name(filename: str) -> str | None:
    """The error code for a file name that cannot be an import file, or None."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext == "xls":
        return "xls"
    if ext not in ("csv", "txt", "tsv", "xlsx", "xlsm"):
        return "format"
    return None


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The file's rows, within the limits of ``sheet_reader`` (over one: ImportFileError)."""
    try:
        return sheet_reader.read_sheet(data, filename)
    except sheet_reader.FileRefused as exc:
        raise ImportFileError(exc.code, row=exc.row, column=exc.column, **exc.params) from None


# --- cells -------------------------------------------------------------------------------------
_INVISIBLE = str.maketrans({"\u200b": None, "\ufeff": None, "\xa0": " "})


def cell_text(value) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores IDs and codes as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return " ".join(str(value).translate(_INVISIBLE).split())


def digits_text(value) -> str:
    """A cell as text with Thai digits written as Arabic ones."""
    return cell_text(value).translate(ARABIC_DIGITS)


def word_key(text: str) -> str:
    """A word as looked up in a table of names: without spaces, dots and case."""
    return re.sub(r"[\s.]", "", text).casefold()


def header_key(text) -> str:
    """Headers compare without case, spaces, underscores, dashes and dots."""
    text = str(text or "").replace("\ufeff", "").replace("\u200b", "")
    return re.sub(r"[\s_\-.]+", "", text).casefold()


def header_aliases(names: dict[str, list[str]]) -> dict[str, str]:
    """{column: [names it may be headed by]} as {header key: column}; the column's own name is
    always one of them."""
    return {
        header_key(name): column for column, others in names.items() for name in [column, *others]
    }


# --- dates -------------------------------------------------------------------------------------
_MONTH_NAMES = {
    re.sub(r"[\s.]", "", name): i + 1
    for names in (THAI_MONTHS, THAI_MONTHS_SHORT)
    for i, name in enumerate(names)
}
_THAI_DATE_RE = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{4})$")


def _ce_date(year: int, month: int, day: int) -> datetime.date | None:
    """A date whose year may be in the Buddhist Era (2400 and later)."""
    try:
        return datetime.date(year - BE_OFFSET if year >= 2400 else year, month, day)
    except ValueError:
        return None


def parse_date_cell(value) -> datetime.date | None:
    """A date cell: an Excel date (CE, or BE when someone typed a BE year into a date cell),
    or text in BE, CE, ISO, Thai digits, or with a Thai month name (15 มิ.ย. 2558)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return _ce_date(value.year, value.month, value.day) if value.year >= 2400 else value
    text = cell_text(value)
    parsed = parse_date(text)
    if parsed:
        return parsed
    match = _THAI_DATE_RE.match(text.translate(ARABIC_DIGITS))
    if match:
        month = _MONTH_NAMES.get(re.sub(r"[\s.]", "", match.group(2)))
        if month:
            return _ce_date(int(match.group(3)), month, int(match.group(1)))
    return None

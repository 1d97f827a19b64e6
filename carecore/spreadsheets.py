"""Spreadsheets that are safe to open: every CSV and XLSX the application writes goes through
these helpers, so that a student code or name such as ``=HYPERLINK("http://x","y")`` is shown
as text and never runs as a formula in Excel, LibreOffice or Google Sheets.

- CSV: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  single quote in front (OWASP, "CSV Injection"); spreadsheet programs show it as text.
  ``csv_writer(buffer)`` is ``csv.writer`` that does this for every row.
- XLSX: text cells are written as text (``data_type`` "s", never "f" for a formula nor "e" for an
  error such as ``#N/A``); those that look like formulas also carry the "quote prefix" style,
  which is what Excel itself stores when someone types ``'=...``: the cell reads back exactly as
  it was written (a student code still matches on re-import) and stays text when edited.
  ``xlsx_row(sheet, values)`` prepares a row for ``sheet.append`` (write-only sheets too) and drops
  the control characters XML cannot hold; ``xlsx_bytes(workbook)`` saves a workbook after making
  sure of the above for every cell, whichever way it was written.

Numbers stay numbers: ``-5`` and ``Decimal("2.5")`` are written as numbers, only text is escaped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

# What makes a spreadsheet program read a cell as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XML document (an XLSX sheet) cannot hold: openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _text(value):
    """Lazy translations as plain text; anything else as it is."""
    from django.utils.functional import Promise

    return str(value) if isinstance(value, Promise) else value


def _needs_text_cell(value) -> bool:
    """Text that openpyxl would store as a formula or an error value (``#N/A``)."""
    from openpyxl.cell.cell import ERROR_CODES

    return looks_like_formula(value) or (isinstance(value, str) and value in ERROR_CODES)


# --- CSV ---------------------------------------------------------------------------------------
def safe_cell(value):
    """A CSV cell that no spreadsheet program runs: text that starts like a formula gets a
    leading single quote; numbers, dates and empty cells are returned unchanged."""
    value = _text(value)
    if looks_like_formula(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


class _SafeWriter:
    """csv.writer's interface, with every cell through safe_cell."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._writer.dialect


def csv_writer(buffer, **options) -> _SafeWriter:
    return _SafeWriter(csv.writer(buffer, **options))


def csv_bytes(rows: Iterable[Iterable], *, bom: bool = True) -> bytes:
    """Rows as UTF-8 CSV; the BOM makes Excel open Thai text correctly."""
    buffer = io.StringIO()
    csv_writer(buffer).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


# --- XLSX --------------------------------------------------------------------------------------
def xlsx_value(value):
    """A value openpyxl may store: text without the control characters XML cannot hold."""
    value = _text(value)
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    return value


def _as_text(cell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True


def xlsx_cell(sheet, value):
    """A cell for ``sheet.append`` holding ``value`` as text if it is text (works for write-only
    sheets, where cells cannot be changed after the row is written)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=xlsx_value(value))
    _as_text(cell)
    return cell


def xlsx_row(sheet, values: Iterable) -> list:
    """A row for ``sheet.append``: text that a spreadsheet would read as a formula or an error
    becomes a text cell, other text loses XML-illegal characters, numbers stay numbers.
    Cells already made (to carry a style) are made safe in place."""
    from openpyxl.cell.cell import Cell

    row = []
    for value in values:
        if isinstance(value, Cell):
            _as_text(value)
            row.append(value)
            continue
        value = xlsx_value(value)
        if _needs_text_cell(value):
            row.append(xlsx_cell(sheet, value))
        else:
            row.append(value)
    return row


def xlsx_table(sheet, header: list, rows: Iterable[list], *, formats=None, widths=None):
    """A table from the sheet's first row: the header bold and wrapped, frozen, with an
    autofilter; the rows made safe by ``xlsx_row``; ``formats`` a number format by column index
    (from 1), ``widths`` a width by column letter."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append(xlsx_row(sheet, [str(h) for h in header]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    for index, fmt in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = fmt
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    return sheet


def xlsx_text_cells(workbook) -> None:
    """Every text cell of an ordinary (not write-only) workbook as text: the safety net for
    cells written with ``sheet.cell(value=...)`` or a plain ``append``."""
    if getattr(workbook, "write_only", False):
        return
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") or looks_like_formula(cell.value):
                    _as_text(cell)


def xlsx_bytes(workbook) -> bytes:
    xlsx_text_cells(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

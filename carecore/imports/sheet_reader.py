"""Reading an import file (CSV or XLSX) into rows without letting the file exhaust the server.

Every import (carecore.imports) reads its file here. An upload is at most
10 MB, but that is its compressed size: an XLSX is a zip of XML parts, and a small zip can hold a
300 MB string, or a sheet of 1,000 rows × 16,384 cells. So every size is checked on what the
file really holds, before or while it is read:

- the zip directory first, before any XML is parsed: each part's unpacked size, the sum of them,
  the number of parts, the compression ratio, and only stored or deflated parts (the zip module
  never unpacks more than the directory declares, so a directory that lies gives a damaged file,
  not more data);
- the shared strings and the first sheet are parsed as a stream: each XML element is dropped as
  soon as it has been read, so memory holds the values kept and one row, never the XML tree;
- rows, columns and the length of each cell are counted while reading, and the reading stops at
  the first one over its limit;
- XML goes through defusedxml (openpyxl uses it too once it is installed): a DTD or an entity
  declaration ("billion laughs") is refused before anything is expanded;
- a CSV is checked for its size before it is decoded, then for each line, row and cell.

A file over a limit raises ``FileRefused`` with a code and the limit; the imports turn it into
their message (``LIMIT_MESSAGES``) and import nothing.

The limits come from the files the imports are for. An OBEC student export of a big school is
about 3,000 rows × 20 columns (about 6 MB of sheet XML); a screening file of such a school with
three forms per student is 9,000 rows × 55 columns (about 16 MB), and at the row limit below
(20,000 rows, which the imports always had) about 36 MB. Hence 50 MB unpacked; rows, columns and
cells as kept in memory then stay near 100 MB in the worst case.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext_lazy

MB = 1024 * 1024

# Unpacked size of a whole XLSX (the sum of its parts), and the longest CSV file.
MAX_UNPACKED_BYTES = 50 * MB
MAX_CSV_BYTES = 20 * MB
# Parts that openpyxl reads whole into a tree (workbook, styles, relationships...): ordinary files
# have them well under 1 MB, and a tree takes ten to twenty times its XML in memory.
MAX_WHOLE_PART_BYTES = 5 * MB
MAX_PARTS = 1000
# A part larger than this must not be packed more than MAX_COMPRESSION_RATIO times: real sheets
# are packed 10 to 25 times, a zip bomb about a thousand times.
RATIO_CHECKED_FROM_BYTES = 1 * MB
MAX_COMPRESSION_RATIO = 200
# Rows with something in them (the header and a few title rows are allowed on top), columns with a
# value, characters in one cell (the longest real values, names and addresses, are under 300).
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 20
MAX_COLUMNS = 100
MAX_CELL_CHARS = 1000
# The longest CSV line that can hold MAX_COLUMNS cells of MAX_CELL_CHARS characters, quoted.
MAX_LINE_CHARS = MAX_COLUMNS * (2 * MAX_CELL_CHARS + 3)

LIMIT_MESSAGES = {
    "csv_too_large": gettext_lazy(
        "The file is larger than %(max)s MB: split it into several files."
    ),
    "file_too_large": gettext_lazy(
        "The file holds too much data (more than %(max)s MB once unpacked): split it into "
        "several files."
    ),
    "part_too_large": gettext_lazy(
        "A part of this Excel file (%(part)s) is larger than %(max)s MB once unpacked: copy only "
        "the sheet to import into a new file and save it as .xlsx."
    ),
    "too_many_parts": gettext_lazy(
        "This Excel file has more than %(max)s parts inside: copy only the sheet to import into "
        "a new file and save it as .xlsx."
    ),
    "compression_ratio": gettext_lazy(
        "This Excel file is packed in an unusual way (more than %(max)s times smaller than its "
        "content) and was not opened, for safety. Open it in Excel and save it again as .xlsx."
    ),
    "xlsx_unsafe": gettext_lazy(
        "This Excel file contains XML that is not allowed (a DTD or entities) and was not opened, "
        "for safety. Open it in Excel and save it again as .xlsx."
    ),
    "too_many_columns": gettext_lazy(
        "The file has values in more than %(max)s columns: keep only the columns of the template "
        "file."
    ),
    "cell_too_long": gettext_lazy("This cell has more than %(max)s characters."),
    "line_too_long": gettext_lazy(
        "This line is longer than %(max)s characters: check the separators and the quotes."
    ),
}


class FileRefused(Exception):
    """The file cannot be read, or is over a limit: ``code`` and ``params`` for the message, and
    where it is when known (``row`` as the user numbers it, ``column`` as a letter)."""

    def __init__(self, code: str, *, row: int | None = None, column: str = "", **params):
        super().__init__(code)
        self.code = code
        self.row = row
        self.column = column
        self.params = params


@dataclass
class Sheet:
    """The rows of a file as cells (strings, numbers or dates), numbered as the user sees them.
    Rows without any value are left out."""

    rows: list[tuple[int, list]]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Rows:
    """Collects the rows with a value, refusing the file past the row limit."""

    def __init__(self):
        self.rows: list[tuple[int, list]] = []

    def add(self, number: int, cells: list) -> None:
        if all(_blank(c) for c in cells):
            return
        if len(self.rows) >= MAX_ROWS + HEADER_SEARCH_ROWS:
            raise FileRefused("too_many_rows", max=MAX_ROWS)
        self.rows.append((number, cells))


# --- what kind of file -------------------------------------------------------------------------
def file_kind(data: bytes, filename: str) -> str:
    """xlsx, csv, or the error code for a file that cannot be read."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data[:4] == b"PK\x03\x04":
        return "xlsx" if ext in ("xlsx", "xlsm", "") else "format"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or ext == "xls":
        return "xls"
    if ext in ("csv", "txt", "tsv", ""):
        return "csv"
    return "format"


def read_sheet(data: bytes, filename: str) -> Sheet:
    kind = file_kind(data, filename)
    if kind == "xlsx":
        return read_xlsx(data)
    if kind == "csv":
        return read_csv(data)
    raise FileRefused(kind)


# --- CSV ---------------------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Thai TIS-620/cp874."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused("encoding") from None
    if b"\x00" in data:
        raise FileRefused("encoding")
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than tabs and line ends: not a text file.
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
            raise FileRefused("encoding")
        return text
    raise FileRefused("encoding")


def _lines(text: str):
    """The lines of the text, refusing one longer than any good row can be (before the csv
    module turns it into a list of cells)."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise FileRefused("line_too_long", row=number, max=f"{MAX_LINE_CHARS:,}")
        yield line


def _keep_cells(number: int, cells: list) -> list:
    """The first MAX_COLUMNS cells; the file is refused for a value beyond them or a cell that is
    too long (empty cells beyond them, as spreadsheets save, are dropped)."""
    for index, value in enumerate(cells):
        if index >= MAX_COLUMNS and not _blank(value):
            raise FileRefused("too_many_columns", row=number, max=MAX_COLUMNS)
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise FileRefused(
                "cell_too_long", row=number, column=_column_letter(index + 1), max=MAX_CELL_CHARS
            )
    return list(cells[:MAX_COLUMNS])


def read_csv(data: bytes) -> Sheet:
    if len(data) > MAX_CSV_BYTES:
        raise FileRefused("csv_too_large", max=MAX_CSV_BYTES // MB)
    text = decode_text(data)
    del data
    first_line = text[: MAX_LINE_CHARS + 1].split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(_lines(text), delimiter=delimiter)
    rows = _Rows()
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            rows.add(number, _keep_cells(number, cells))
    except csv.Error as exc:
        # A quoted cell running over many lines reaches the csv module's own field limit.
        if "field larger than field limit" in str(exc):
            raise FileRefused("cell_too_long", row=number + 1, max=MAX_CELL_CHARS) from None
        raise FileRefused("encoding") from None
    return Sheet(rows=rows.rows)


# --- XLSX ---------------------------------------------------------------------------------------
def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse the archive from its directory alone, before any part is unpacked."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise FileRefused("too_many_parts", max=f"{MAX_PARTS:,}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            # Encrypted, or packed in a way Excel never uses (bzip2 and lzma unpack without bound
            # in one call).
            raise FileRefused("xlsx_unreadable")
        limit = MAX_WHOLE_PART_BYTES if _read_whole(info.filename) else MAX_UNPACKED_BYTES
        if info.file_size > limit:
            raise FileRefused("part_too_large", part=info.filename[:100], max=limit // MB)
        if (
            info.file_size > RATIO_CHECKED_FROM_BYTES
            and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise FileRefused("compression_ratio", max=MAX_COMPRESSION_RATIO)
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise FileRefused("file_too_large", max=MAX_UNPACKED_BYTES // MB)


def _read_whole(name: str) -> bool:
    """The parts openpyxl reads whole into a tree here: the manifest, relationships, the workbook
    and the styles (``_Reader.read`` checks the workbook part again under the name the manifest
    gives it). Sheets and shared strings are read here as a stream; other parts never."""
    name = name.lower()
    return name in ("[content_types].xml", "xl/workbook.xml", "xl/styles.xml") or name.endswith(
        ".rels"
    )


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SI, _T, _R = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}r"
_DATA, _ROW, _CELL = f"{_MAIN}sheetData", f"{_MAIN}row", f"{_MAIN}c"
MAX_SHEET_COLUMNS = 16384  # Excel's last column (XFD): a row cannot hold more cells
# Sheet XML is about eight elements deep (worksheet, sheetData, row, c, is, r, rPr, b); a cell or
# a shared string with rich text has a few elements per run of formatting.
MAX_DEPTH = 32
MAX_CELL_ELEMENTS = 2000


class _TooLong:
    """A shared string over the cell limit, kept as this marker only: refused if a cell of the
    sheet uses it (other sheets may hold long notes that are never imported)."""

    __slots__ = ()


TOO_LONG = _TooLong()


def _events(source):
    """Start and end events of the XML, parsed by defusedxml: a DTD or an entity is refused
    before anything is expanded."""
    from defusedxml.ElementTree import iterparse

    return iterparse(source, events=("start", "end"), forbid_dtd=True, forbid_entities=True)


def _too_deep() -> FileRefused:
    return FileRefused("xlsx_unreadable")


def _text_length(element) -> int:
    return sum(len(e.text or "") for e in element.iter())


def _shared_string(si) -> str | _TooLong:
    """The text of a shared string: its own text, or its runs' (not the phonetic hints)."""
    if _text_length(si) > MAX_CELL_CHARS:
        return TOO_LONG
    parts = []
    for child in si:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None:
                parts.append(t.text or "")
    text = "".join(parts).replace("x005F_", "")
    return TOO_LONG if len(text) > MAX_CELL_CHARS else text


def read_shared_strings(source) -> list:
    """The shared strings, each dropped from the tree once read (the tree never holds more than
    one string); strings over the cell limit are kept as ``TOO_LONG``."""
    strings: list = []
    depth = inside = 0
    root = None
    for event, element in _events(source):
        if event == "start":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep()
            if root is None:
                root = element
            continue
        depth -= 1
        if depth > 1:
            inside += 1  # an element of one string (runs of rich text, phonetic hints)
            if inside > MAX_CELL_ELEMENTS:
                raise FileRefused("cell_too_long", max=MAX_CELL_CHARS)
        elif depth == 1:
            if element.tag == _SI:
                strings.append(_shared_string(element))
            root.clear()
            inside = 0
    return strings


class _Reader:
    """openpyxl's reader for the parts around the cells, with the shared strings read here."""

    def __new__(cls, stream):
        from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader, _find_workbook_part
        from openpyxl.styles.stylesheet import apply_stylesheet

        class Reader(ExcelReader):
            def read_strings(self):
                part = self.package.find(SHARED_STRINGS)
                self.shared_strings = []
                if part is not None:
                    with self.archive.open(part.PartName[1:]) as src:
                        self.shared_strings = read_shared_strings(src)

            def read(self):
                # Only what the cells need: shared strings, the list of sheets, the date styles.
                self.read_manifest()
                name = _find_workbook_part(self.package).PartName[1:]
                if self.archive.getinfo(name).file_size > MAX_WHOLE_PART_BYTES:
                    raise FileRefused(
                        "part_too_large", part=name[:100], max=MAX_WHOLE_PART_BYTES // MB
                    )
                self.read_strings()
                self.read_workbook()
                apply_stylesheet(self.archive, self.wb)

            def first_sheet(self) -> str:
                for _sheet, rel in self.parser.find_sheets():
                    if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                        return rel.target
                raise FileRefused("empty")

        return Reader(stream, read_only=True, data_only=True, keep_links=False)


def _read_cells(reader, path: str) -> Sheet:
    """The sheet's rows, one at a time, through openpyxl's cell parser (types, shared strings and
    dates as openpyxl reads them). Each row is dropped from the tree once read, and the reading
    stops at the end of the sheet's data: what follows (merged cells, formatting) is not needed.
    Depths: the worksheet is 1, sheetData 2, a row 3, a cell 4, the cell's value 5 and more."""
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = reader.wb
    rows = _Rows()
    with reader.archive.open(path) as src:
        parser = WorkSheetParser(
            src,
            reader.shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        cells: dict[int, object] = {}
        depth = inside = in_row = 0
        root = sheet_data = None
        for event, element in _events(src):
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep()
                if depth == 1:
                    root = element
                elif depth == 2 and element.tag == _DATA:
                    sheet_data = element
                elif depth == 3 and sheet_data is not None and element.tag == _ROW:
                    number = element.get("r")
                    parser.row_counter = _row_number(number) if number else parser.row_counter + 1
                    parser.col_counter = 0
                    cells, in_row = {}, 0
                continue
            depth -= 1
            if depth >= 4 or (depth >= 2 and sheet_data is None):
                # Inside a cell (kept until the cell ends), or anything before the sheet's data
                # (column widths, views): counted, and dropped with its parent.
                inside += 1
                if inside > MAX_CELL_ELEMENTS * (1 if sheet_data is not None else 10):
                    raise FileRefused("cell_too_long", row=parser.row_counter, max=MAX_CELL_CHARS)
            elif depth == 3:
                # A cell: read, then emptied (its shell stays in the row until the row ends).
                if element.tag == _CELL:
                    _read_cell(parser, element, cells)
                element.clear()
                inside = 0
                in_row += 1
                if in_row > MAX_SHEET_COLUMNS:
                    raise FileRefused("too_many_columns", row=parser.row_counter, max=MAX_COLUMNS)
            elif depth == 2:
                if element.tag == _ROW:
                    width = max(cells, default=0)
                    rows.add(parser.row_counter, [cells.get(i) for i in range(1, width + 1)])
                sheet_data.clear()
                cells, inside = {}, 0
            elif depth == 1:
                if element is sheet_data:
                    break
                root.clear()
                inside = 0
    return Sheet(rows=rows.rows)


def _row_number(text: str) -> int:
    """A row's number: some programs write 12.0 for 12 (as openpyxl accepts)."""
    number = float(text)
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def _read_cell(parser, element, cells: dict) -> None:
    """Keep the cell's value in ``cells`` (by column number), or refuse the file."""
    row = parser.row_counter
    if _text_length(element) > MAX_CELL_CHARS:
        raise FileRefused(
            "cell_too_long", row=row, column=_cell_column(element), max=MAX_CELL_CHARS
        )
    read = parser.parse_cell(element)
    column, value = read["column"], read["value"]
    if value is TOO_LONG or (isinstance(value, str) and len(value) > MAX_CELL_CHARS):
        raise FileRefused(
            "cell_too_long", row=row, column=_column_letter(column), max=MAX_CELL_CHARS
        )
    if _blank(value):
        return  # empty cells that only carry a style are not kept, wherever they are
    if column > MAX_COLUMNS:
        raise FileRefused("too_many_columns", row=row, max=MAX_COLUMNS)
    cells[column] = value


def _cell_column(element) -> str:
    return re.sub(r"[^A-Z]", "", element.get("r") or "")[:3]


def read_xlsx(data: bytes) -> Sheet:
    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import CellCoordinatesException, InvalidFileException

    try:
        reader = _Reader(io.BytesIO(data))  # reads the zip directory only
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, InvalidFileException):
        raise FileRefused("xlsx_unreadable") from None
    with reader.archive:
        check_zip(reader.archive)
        try:
            reader.read()
            return _read_cells(reader, reader.first_sheet())
        except FileRefused:
            raise
        except DefusedXmlException:
            raise FileRefused("xlsx_unsafe") from None
        except (
            zipfile.BadZipFile,
            ParseError,
            KeyError,
            IndexError,
            ValueError,
            TypeError,
            AttributeError,
            OSError,
            EOFError,
            CellCoordinatesException,
            InvalidFileException,
        ):
            raise FileRefused("xlsx_unreadable") from None

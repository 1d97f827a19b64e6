"""The results' chart, drawn on the server as SVG (no JavaScript, no plotting library): for each
rating question one bar across the width, split into the shares of its five levels (5, the
highest, on the left), the share written on each part wide enough to hold it and the mean at
the end of the row; the legend under the bars. The same markup goes on the page (sized by CSS)
and into the PDF (WeasyPrint draws inline SVG in the document's font).

The five colours stay apart printed in grey (lightness 67, 157, 255, 211, 103; the middle one
white with an outline), and every part that has room says its share in figures.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from districts.surveys.models import LEVEL_LABELS, LEVELS

WIDTH = 640  # on paper
PAGE_WIDTH = 400  # on the page: narrower, so that its text stays readable on a phone
COLOURS = {5: "#1f4e79", 4: "#6fa8dc", 3: "#ffffff", 2: "#f9cb9c", 1: "#cc4125"}
INK = {5: "#fff", 4: "#000", 3: "#000", 2: "#000", 1: "#fff"}


@dataclass(frozen=True)
class Row:
    label: str  # short: the question's number
    counts: dict[int, int]
    mean: str  # as printed ("4.32"), or "" when nobody answered


def _text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at ``size``: Thai marks above and below take no room."""
    return (
        sum(0.25 if ch == " " else 0.56 for ch in text if unicodedata.category(ch) != "Mn") * size
    )


def _text(x: float, y: float, text: str, *, size: float = 13, anchor: str = "start", ink="#000"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{ink}">{escape(text)}</text>'
    )


def level_bars(
    rows: Sequence[Row], *, title: str, font: str = "", width: int = WIDTH
) -> SafeString:
    """One 100% bar per row, its parts the levels 5 to 1, ``width`` units across; ``font``: the
    family to draw the text in (the PDF's), else the page's."""
    size, bar, gap = 13, 24, 8
    left = max((_text_width(r.label, size) for r in rows), default=0) + 10
    right = _text_width("0.00", size) + 12
    room = width - left - right
    body: list[str] = []
    y = 0.0
    for row in rows:
        middle = y + bar / 2 + 5
        body.append(_text(0, middle, row.label, size=size))
        total = sum(row.counts.get(level, 0) for level in LEVELS)
        x = left
        if not total:
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{room:.1f}" height="{bar}" fill="#fff" '
                f'stroke="#999" stroke-width="0.8"/>'
            )
            body.append(_text(x + room / 2, middle, "—", anchor="middle"))
        for level in LEVELS:
            count = row.counts.get(level, 0)
            if not total or not count:
                continue
            part = room * count / total
            body.append(
                f'<rect class="part" data-level="{level}" data-count="{count}" x="{x:.2f}" '
                f'y="{y:.1f}" width="{part:.2f}" height="{bar}" fill="{COLOURS[level]}" '
                f'stroke="#555" stroke-width="0.6"/>'
            )
            share = f"{round(100 * count / total)}%"
            if part >= _text_width(share, 11) + 6:
                body.append(
                    _text(x + part / 2, middle - 1, share, size=11, anchor="middle", ink=INK[level])
                )
            x += part
        if row.mean:
            body.append(_text(width, middle, row.mean, size=size, anchor="end"))
        y += bar + gap
    # The legend: as many levels to a line as fit.
    x, line = 0.0, 0
    for level in LEVELS:
        label = f"{level} {LEVEL_LABELS[level]}"
        room_needed = 14 + 6 + _text_width(label, 12) + 18
        if x and x + room_needed > width:
            x, line = 0.0, line + 1
        top = y + 4 + line * 20
        body.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="14" height="12" fill="{COLOURS[level]}" '
            f'stroke="#555" stroke-width="0.8"/>'
        )
        body.append(_text(x + 20, top + 10.5, label, size=12))
        x += room_needed
    height = y + 4 + (line + 1) * 20
    family = f" font-family={quoteattr(font)}" if font else ""
    # Every text and attribute value above went through escape or quoteattr.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart" '
        f'viewBox="0 0 {width} {height:.0f}"{family} role="img" '
        f"aria-label={quoteattr(title)}>" + "".join(body) + "</svg>"
    )


def section_chart(section, *, font: str = "", width: int = PAGE_WIDTH) -> SafeString:
    """A section's chart (``selectors.SectionResult``): a row per question, labelled with its
    number, its mean at the end (on the page by default; the PDF's is ``WIDTH`` wide)."""
    rows = [
        Row(
            str(q.question.position),
            q.counts,
            f"{q.stats.mean:.2f}" if q.stats.mean is not None else "",
        )
        for q in section.questions
    ]
    return level_bars(rows, title=section.section.title, font=font, width=width)

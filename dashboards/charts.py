"""Charts drawn on the server as SVG markup (no JavaScript, no plotting library), for the PDF
reports: WeasyPrint draws inline ``<svg>`` with the document's fonts.

- ``stacked_bars``: one horizontal bar per row, split into segments (the care groups and the
  students not screened), each row 100% wide, with a legend;
- ``share_bars``: one horizontal bar per row (a network, a school, a grade) for a share in
  percent, with the target as a dashed line; bars that reach the target are dark, the others
  light;
- ``trend_lines``: a small line chart of shares over terms.

Every chart has a fixed width (``viewBox``) and a height that follows its rows, text escaped,
Thai labels in the PDF's font, and colours chosen so that they stay apart printed in grey
(different lightness, value labels on the bars, dash patterns and markers on the lines).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

FONT = "Sarabun"
WIDTH = 640  # every chart is this wide (viewBox units)
TEXT = "#000"
GRID = "#999"

# Grey value (0.299 R + 0.587 G + 0.114 B) in brackets: far apart, so grey prints tell them apart.
NORMAL = "#66bb6a"  # green (152)
RISK = "#ffe082"  # pale yellow (222)
PROBLEM = "#b71c1c"  # dark red (74)
SPECIAL = "#5e35b1"  # purple (79)
NOT_SCREENED = "#ffffff"  # white, outlined (255)
MET = "#1f4e79"  # dark blue (67): a bar that reached its target
BELOW = "#9ec5e8"  # light blue (189): one that did not


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = "#000"
    dash: str = ""  # SVG stroke-dasharray
    marker: str = "circle"  # circle, square, triangle


# --- text ---------------------------------------------------------------------------------------
def _width_of(text: str, size: float) -> float:
    """Estimated width of ``text`` in Sarabun at ``size``: Thai vowel and tone marks above and
    below take no room; a Thai or Latin letter about 0.55 em, a digit 0.56 em, a space 0.25."""
    width = 0.0
    for ch in text:
        if unicodedata.category(ch) == "Mn":
            continue
        width += 0.25 if ch == " " else 0.56
    return width * size


def _fit(text: str, size: float, room: float) -> str:
    """``text``, cut with an ellipsis if it would not fit in ``room``."""
    text = str(text)
    if _width_of(text, size) <= room:
        return text
    while text and _width_of(text + "…", size) > room:
        text = text[:-1]
        # Never leave a mark without its letter.
        while text and unicodedata.category(text[-1]) == "Mn":
            text = text[:-1]
    return text + "…"


def _text(x, y, text, *, size=13, anchor="start", colour=TEXT, weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}" font-weight="{weight}">{escape(str(text))}</text>'
    )


def _svg(height: float, body: list[str], title: str) -> SafeString:
    # Every text and attribute value of ``body`` went through escape/quoteattr.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" font-family="{FONT}" role="img" '
        f"aria-label={quoteattr(str(title))}>" + "".join(body) + "</svg>"
    )


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _count_text(value: int) -> str:
    return f"{value:,}"


def _label_room(labels: Sequence[str], size: float) -> float:
    """The width of the label column: the longest label, between 60 and 40% of the chart."""
    longest = max((_width_of(str(label), size) for label in labels), default=0)
    return min(max(longest + 10, 60), WIDTH * 0.4)


def _legend(items: list[tuple[str, str, str]], y: float, *, size: float = 12) -> tuple[list, float]:
    """Swatches and labels, as many to a line as fit. ``items``: (colour, label, stroke)."""
    body, x, line = [], 0.0, 0
    for colour, label, stroke in items:
        room = 14 + 6 + _width_of(label, size) + 18
        if x and x + room > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * (size + 8)
        body.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="14" height="12" fill="{colour}" '
            f'stroke="{stroke}" stroke-width="0.8"/>'
        )
        body.append(_text(x + 20, top + 10.5, label, size=size))
        x += room
    return body, (line + 1) * (size + 8)


# --- stacked bars -------------------------------------------------------------------------------
def _ink_for(colour: str) -> str:
    """White text on a dark fill, black on a light one."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#fff" if 0.299 * red + 0.587 * green + 0.114 * blue < 128 else "#000"


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    segments: Sequence[Segment],
    *,
    title: str = "",
    legend_counts: dict[str, int] | None = None,
    extra_legend: Sequence[str] = (),
) -> SafeString:
    """One bar per row (label, {segment key: count}), each the full width, split into its
    segments in proportion to the counts; a segment wide enough shows its percent.
    ``legend_counts``: counts to print beside the legend's labels (one row's chart)."""
    size, bar_height, gap = 13, 26, 10
    labelled = any(label for label, _values in rows)
    left = _label_room([label for label, _values in rows], size) if labelled else 0
    room = WIDTH - left - 2
    body, y = [], 0.0
    for label, values in rows:
        total = sum(max(values.get(s.key, 0), 0) for s in segments)
        if labelled:
            body.append(_text(0, y + bar_height / 2 + 5, _fit(label, size, left - 8), size=size))
        x = float(left)
        if not total:
            body.append(
                f'<rect x="{x:.2f}" y="{y:.1f}" width="{room:.2f}" height="{bar_height}" '
                f'fill="#fff" stroke="{GRID}" stroke-width="0.8"/>'
            )
            body.append(_text(x + room / 2, y + bar_height / 2 + 5, "—", anchor="middle"))
        for segment in segments:
            value = max(values.get(segment.key, 0), 0)
            if not total or not value:
                continue
            width = room * value / total
            body.append(
                f'<rect class="seg" data-key={quoteattr(segment.key)} data-value="{value}" '
                f'x="{x:.2f}" y="{y:.1f}" width="{width:.2f}" height="{bar_height}" '
                f'fill="{segment.colour}" stroke="#555" stroke-width="0.6"/>'
            )
            text = percent_text(round(100 * value / total, 1))
            if width >= _width_of(text, 11) + 6:
                body.append(
                    _text(
                        x + width / 2,
                        y + bar_height / 2 + 4,
                        text,
                        size=11,
                        anchor="middle",
                        colour=_ink_for(segment.colour),
                    )
                )
            x += width
        y += bar_height + gap
    items = []
    for segment in segments:
        label = segment.label
        if legend_counts is not None:
            label = f"{label} {_count_text(legend_counts.get(segment.key, 0))}"
        items.append((segment.colour, label, "#555"))
    legend, legend_height = _legend(items, y + 2)
    body += legend
    y += legend_height + 2
    for line in extra_legend:
        body.append(_text(0, y + 12, line, size=12))
        y += 20
    return _svg(y + 2, body, title)


# --- share bars ---------------------------------------------------------------------------------
def share_bars(
    rows: Sequence[tuple[str, float | None]],
    *,
    target: float | None = None,
    title: str = "",
    target_label: str = "",
    met_label: str = "",
    below_label: str = "",
) -> SafeString:
    """One bar per row (label, percent or None), 0-100% across; the target as a dashed line.
    A bar that reaches the target is dark, one below it light (so too in grey)."""
    size, bar_height, gap, top = 13, 18, 7, 18
    left = _label_room([label for label, _value in rows], size)
    value_room = _width_of("100.0%", 11) + 8
    room = WIDTH - left - value_room
    body = []
    # The scale: 0, 50 and 100% at the top.
    for tick in (0, 25, 50, 75, 100):
        x = left + room * tick / 100
        body.append(_text(x, 12, f"{tick}%", size=10, anchor="middle", colour="#333"))
    y = float(top)
    for label, value in rows:
        body.append(_text(0, y + bar_height / 2 + 5, _fit(label, size, left - 8), size=size))
        if value is not None:
            shown = max(0.0, min(float(value), 100.0))
            width = room * shown / 100
            met = target is None or value >= target
            body.append(
                f'<rect class="bar" data-value="{value}" x="{left:.2f}" y="{y:.1f}" '
                f'width="{width:.2f}" height="{bar_height}" fill="{MET if met else BELOW}" '
                f'stroke="#333" stroke-width="0.5"/>'
            )
            text, middle = percent_text(value), y + bar_height / 2 + 4
            if width > room - 60:  # a long bar: its value inside its end, clear of the target
                ink = _ink_for(MET if met else BELOW)
                body.append(
                    _text(left + width - 4, middle, text, size=11, anchor="end", colour=ink)
                )
            else:
                body.append(_text(left + width + 4, middle, text, size=11))
        else:
            body.append(_text(left + 4, y + bar_height / 2 + 4, "—", size=11))
        y += bar_height + gap
    # The frame of the scale, then the target over the bars.
    body.append(
        f'<line x1="{left:.2f}" y1="{top - 2}" x2="{left:.2f}" y2="{y - gap + 2:.1f}" '
        f'stroke="{GRID}" stroke-width="0.8"/>'
    )
    if target is not None:
        x = left + room * max(0.0, min(float(target), 100.0)) / 100
        body.append(
            f'<line class="target" data-value="{target}" x1="{x:.2f}" y1="{top - 4}" '
            f'x2="{x:.2f}" y2="{y - gap + 4:.1f}" stroke="#c00" stroke-width="1.4" '
            f'stroke-dasharray="5 3"/>'
        )
    items = []
    if target is not None:
        items = [(MET, met_label, "#333"), (BELOW, below_label, "#333")]
    legend, legend_height = _legend([i for i in items if i[1]], y + 4)
    body += legend
    y += legend_height + 4
    if target is not None and target_label:
        body.append(
            f'<line x1="0" y1="{y + 7:.1f}" x2="24" y2="{y + 7:.1f}" stroke="#c00" '
            f'stroke-width="1.4" stroke-dasharray="5 3"/>'
        )
        body.append(_text(30, y + 11, target_label, size=12))
        y += 20
    return _svg(y + 2, body, title)


# --- trend lines --------------------------------------------------------------------------------
def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def trend_lines(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    target: float | None = None,
    title: str = "",
    height: int = 200,
) -> SafeString:
    """Shares (0-100%) over terms: one line per series, a marker and a value at each point."""
    left, right, top, bottom = 42, 60, 12, 26
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    body = []

    def y_of(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(value, 100.0)) / 100)

    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="0.6"/>'
        )
        body.append(_text(left - 6, y + 4, f"{tick}%", size=10, anchor="end", colour="#333"))
    count = max(len(labels), 1)
    step = plot_w / count

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    for index, label in enumerate(labels):
        body.append(_text(x_of(index), height - 8, label, size=11, anchor="middle"))
    if target is not None:
        y = y_of(float(target))
        body.append(
            f'<line class="target" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="#c00" stroke-width="1.2" stroke-dasharray="5 3"/>'
        )
    # Values at each term: written right of the points, top to bottom in the order of the
    # points, pushed apart so that they never overlap.
    at_term: dict[int, list[tuple[float, float]]] = {}
    for line in series:
        points = [(x_of(i), y_of(v)) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
            body.append(
                f'<polyline class="line" points="{path}" fill="none" stroke="{line.colour}" '
                f'stroke-width="2"{dash}/>'
            )
        for index, value in enumerate(line.values):
            if value is not None:
                body.append(_marker(line.marker, x_of(index), y_of(value), line.colour))
                at_term.setdefault(index, []).append((y_of(value), value))
    for index, points in at_term.items():
        last = -1e9
        for y, value in sorted(points):
            y = max(y + 4, last + 12)
            text = percent_text(value)
            # A white ground, so that a line passing under the value does not cross it out.
            body.append(
                f'<rect x="{x_of(index) + 7:.1f}" y="{y - 9:.1f}" '
                f'width="{_width_of(text, 10) + 2:.1f}" height="11" fill="#fff" opacity="0.9"/>'
            )
            body.append(_text(x_of(index) + 8, y, text, size=10, colour="#222"))
            last = y
    # The legend, below the plot: the line's pattern and marker, then its label.
    body_y, x, lines = height + 4, 0.0, 0
    for line in series:
        room = 34 + _width_of(line.label, 12) + 18
        if x and x + room > WIDTH:
            x, lines = 0.0, lines + 1
        y = body_y + lines * 20 + 7
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        body.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 26:.1f}" y2="{y:.1f}" '
            f'stroke="{line.colour}" stroke-width="2"{dash}/>'
        )
        body.append(_marker(line.marker, x + 13, y, line.colour))
        body.append(_text(x + 32, y + 4, line.label, size=12))
        x += room
    return _svg(height + 24 + lines * 20, body, title)


# --- columns over weeks -------------------------------------------------------------------------
def week_columns(
    labels: Sequence[str],
    rows: Sequence[dict[str, int]],
    segments: Sequence[Segment],
    *,
    notes: Sequence[str] = (),
    title: str = "",
    height: int = 170,
) -> SafeString:
    """Counts over weeks (the days of school missed): one column per label, its segments stacked
    (absent, on leave), the total above it and a note under the label (the week's attendance
    rate); a week with nothing counted shows a thin line at 0."""
    left, top, bottom = 8, 16, 40 if notes else 24
    plot_h = height - top - bottom
    count = max(len(labels), 1)
    step = (WIDTH - left) / count
    column = min(step * 0.6, 48)
    highest = max((sum(max(r.get(s.key, 0), 0) for s in segments) for r in rows), default=0)
    body = [
        f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{WIDTH}" y2="{top + plot_h:.1f}" '
        f'stroke="{GRID}" stroke-width="0.8"/>'
    ]
    size = 11 if step >= 40 else 9
    for index, (label, values) in enumerate(zip(labels, rows, strict=True)):
        middle = left + step * (index + 0.5)
        x, y = middle - column / 2, top + plot_h
        total = 0
        for segment in segments:
            value = max(values.get(segment.key, 0), 0)
            if not value:
                continue
            h = plot_h * value / highest
            y -= h
            total += value
            body.append(
                f'<rect class="col" data-key={quoteattr(segment.key)} data-value="{value}" '
                f'x="{x:.2f}" y="{y:.2f}" width="{column:.2f}" height="{h:.2f}" '
                f'fill="{segment.colour}" stroke="#555" stroke-width="0.5"/>'
            )
        body.append(_text(middle, y - 3, _count_text(total), size=size, anchor="middle"))
        body.append(_text(middle, top + plot_h + 13, label, size=size, anchor="middle"))
        if index < len(notes) and notes[index]:
            body.append(
                _text(middle, top + plot_h + 27, notes[index], size=size - 1, anchor="middle")
            )
    legend, legend_height = _legend([(s.colour, s.label, "#555") for s in segments], height + 2)
    body += legend
    return _svg(height + legend_height + 4, body, title)

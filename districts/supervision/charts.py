"""The summary's chart, drawn on the server as SVG (no script): per step, one bar per network
and one for the whole round, its length the mean level over the step's top level."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from districts.supervision.selectors import Summary

WIDTH = 440
LABEL = 150
BAR = 14
GAP = 4
STEP_GAP = 18


def summary_chart(summary: Summary) -> SafeString:
    rows = [(place.name or _("No network"), place.cells) for place in summary.places]
    rows.append((_("Whole round"), summary.overall.cells))
    parts = []
    y = 0
    span = WIDTH - LABEL - 50
    for index, step in enumerate(summary.steps):
        parts.append(
            format_html(
                '<text x="0" y="{}" font-weight="bold" font-size="13">{}. {}</text>',
                y + 13,
                index + 1,
                step["title"],
            )
        )
        y += 20
        for name, cells in rows:
            cell = cells[index]
            width = round(span * cell.share / 100, 1)
            colour = "#dc3545" if cell.weak else "#198754"
            if name == _("Whole round"):
                colour = "#0d6efd"
            label = "—" if cell.mean is None else f"{cell.mean:.2f}/{cell.levels}"
            parts.append(
                format_html(
                    '<text x="8" y="{}" font-size="12">{}</text>'
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"/>'
                    '<text x="{}" y="{}" font-size="12">{}</text>',
                    y + BAR - 3,
                    name[:24],
                    LABEL,
                    y,
                    width,
                    BAR,
                    colour,
                    LABEL + width + 4,
                    y + BAR - 3,
                    label,
                )
            )
            y += BAR + GAP
        y += STEP_GAP
    body = format_html_join("", "{}", ((p,) for p in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" class="supervision-chart" font-family="Sarabun, sans-serif">{}</svg>',
        WIDTH,
        y,
        _("Mean level of each step per network"),
        body,
    )

"""The district and network dashboards (rolled-up figures, never a student's name) and the
district's targets (docs/dashboards.md)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from carecore.access import Perm, district_view, network_view
from carecore.form_views import district_settings_page
from dashboards import selectors
from dashboards.forms import TargetsForm
from dashboards.routes import district_pages, network_pages
from schools.selectors import current_term, term_from_code
from screening.selectors import term_chooser

DASH = "—"


def _term(request):
    code = request.GET.get("term", "")
    return (term_from_code(code) if code else None) or current_term()


def fmt(value, kind: str = "count") -> str:
    """A figure as the pages show it: shares with one decimal and "%", counts and baht with
    thousands separators, "—" for a share of nothing. Thai and English both group with ","
    and mark decimals with "." (Django's formats for th and en), so Python's own formatting
    serves, a hundred times faster than the localised one on a table of thousands of cells."""
    if value is None:
        return DASH
    if kind == "share":
        return f"{value:,.1f}%"
    return f"{int(value):,}"


def _query(params, **changes) -> str:
    """The page's query string with ``changes`` (None drops a key)."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


MARK_HTML = (
    '<span class="dash-mark {}" title="{}">{}<span class="visually-hidden"> {}</span></span>'
)


def mark_signs() -> dict[bool, str]:
    """The HTML of a met and of a missed target (in the request's language)."""
    met, below = _("meets the target"), _("below the target")
    return {
        True: format_html(MARK_HTML, "text-success", met, "✓", met),
        False: format_html(MARK_HTML, "text-danger", below, "✗", below),
    }


def figure_cells(view, marks, signs: dict[bool, str], columns=selectors.COLUMNS) -> str:
    """The figure cells of a table row, as HTML: each of ``columns``' value with its target mark
    (``signs``: ``mark_signs()``).

    Built here rather than in the template: a district of 300 schools has some 6,000 cells, and
    the template language would take most of the page's time on them."""
    parts = []
    for column in columns:
        text = fmt(column.value(view), column.kind)
        mark = marks.get(column.target) if column.target else None
        sign = "" if mark is None or mark.met is None else signs[mark.met]
        parts.append(f'<td class="text-end">{text}{sign}</td>')
    # The texts are digits, separators, "%" or "—" (fmt); the signs come from format_html.
    return mark_safe("".join(parts))  # noqa: S308


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _column_set(request) -> str:
    """The part of the figures the tables show (``?show=``, a COLUMN_SETS key)."""
    show = request.GET.get("show")
    return show if show in dict(selectors.COLUMN_SETS) else selectors.COLUMN_SETS[0][0]


def header_rows(headers: list[dict]) -> list[list[dict]]:
    """The header rows of a table of ``headers`` (each with its ``band``, or None): a band's
    label over its columns in the first row, their short headers in the second; a column
    without a band spans both rows. One row when no column has a band."""
    if not any(h["band"] for h in headers):
        return [[{"header": h, "rowspan": 1} for h in headers]]
    top, bottom = [], []
    for h in headers:
        if h["band"] is None:
            top.append({"header": h, "rowspan": 2})
        elif top and top[-1].get("band") == h["band"]:
            top[-1]["colspan"] += 1
            bottom.append({"header": h, "rowspan": 1})
        else:
            top.append({"band": h["band"], "colspan": 1})
            bottom.append({"header": h, "rowspan": 1})
    return [top, bottom]


def _column_choices(params, show: str, sort: str) -> list[dict]:
    """The links to each part of the figures, keeping the filters, and the sort when the part
    has its column."""
    choices = []
    for key, label in selectors.COLUMN_SETS:
        keys = {"name", "network", *(c.key for c in selectors.columns_of(key))}
        kept = {} if sort in keys else {"sort": None, "dir": None}
        url = _query(params, show=key, **kept)
        choices.append({"key": key, "label": label, "url": url, "current": key == show})
    return choices


def _table(request, overview, *, with_networks: bool) -> dict:
    """The school table: the filters and sort of the query string, the header links, the rows
    with their formatted cells and marks."""
    params = request.GET.copy()
    show = _column_set(request)
    columns = selectors.columns_of(show)
    sort = params.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORT_KEYS:
        sort = selectors.DEFAULT_SORT
    descending = params.get("dir") == "desc"
    network_id = _int_or_none(params.get("network")) if with_networks else None
    size = params.get("size") if params.get("size") in selectors.SIZE_LABELS else None
    below = params.get("below") if params.get("below") in selectors.TARGET_KEYS else None

    rows = selectors.filter_rows(overview.schools, network_id=network_id, size=size, below=below)
    rows = selectors.sort_rows(rows, sort, descending=descending)

    def header(key, label, target=None, column=None):
        current = key == sort
        direction = "asc" if not current or descending else "desc"
        return {
            "key": key,
            "label": label,
            "short": column.header if column else label,
            "band": column.band if column else None,
            "url": _query(params, sort=key, dir=direction),
            "sorted": ("descending" if descending else "ascending") if current else "",
            "target": target,
        }

    headers = [header("name", _("School"))]
    if with_networks:
        headers.append(header("network", _("Network")))
    for column in columns:
        target = getattr(overview.targets, column.target) if column.target else None
        headers.append(header(column.key, column.label, target, column))

    signs = mark_signs()
    table = [(row, figure_cells(row.view, row.marks, signs, columns)) for row in rows]
    return {
        "headers": headers,
        "header_rows": header_rows(headers),
        "legend": [c for c in columns if c.short],
        "with_targets": any(c.target for c in columns),
        "show": show,
        "column_choices": _column_choices(params, show, sort),
        "table": table,
        "sort": sort,
        "dir": "desc" if descending else "asc",
        "filters": {"network": network_id, "size": size, "below": below},
        "filtered": bool(network_id is not None or size or below),
        "size_choices": list(selectors.SIZE_LABELS.items()),
        "below_choices": [(t.key, t.label) for t in selectors.TARGET_FIGURES],
    }


def _summary(overview) -> dict:
    """The cards: each target figure with its mark, the groups, the care per group, the
    follow-up counts."""
    total = overview.total
    groups = [
        {
            "key": key,
            "count": fmt(total[key]),
            "share": fmt(total.group_share(key), "share"),
            "cared": fmt(total.cared_share_of(key), "share"),
            "cared_count": fmt(total[f"{key}_cared"]),
        }
        for key in ("normal", "risk", "problem", "special")
    ]
    marks = [
        {
            "mark": mark,
            "share": fmt(mark.share, "share"),
            "meeting": overview.met_counts[key],
        }
        for key, mark in overview.total_marks.items()
    ]
    return {"summary_marks": marks, "groups": groups}


def _charts(overview, points, places) -> dict:
    """The data the charts draw (json_script): groups, shares against targets per place, the
    trend lines."""
    total = overview.total
    group_labels = [str(label) for _k, label, _f in selectors.TREND_SERIES[3:]]
    return {
        "groups": {
            "labels": [*group_labels, _("Not screened")],
            "values": [total[g] for g in ("normal", "risk", "problem", "special")]
            + [total.not_screened],
        },
        "places": {
            "labels": [label for label, _view in places],
            "datasets": [
                {
                    "label": _("%(figure)s (target %(target)s%%)")
                    % {"figure": t.label, "target": getattr(overview.targets, t.key)},
                    "data": [t.value(view) for _label, view in places],
                }
                for t in selectors.TARGET_FIGURES
            ],
        },
        "trend": {
            "labels": [f"{p.term.number}/{p.term.academic_year.year}" for p in points],
            "datasets": [
                {"key": key, "label": str(label), "data": [value(p.view) for p in points]}
                for key, label, value in selectors.TREND_SERIES
            ],
        },
    }


def _trend_table(points) -> list:
    return [
        (
            f"{p.term.number}/{p.term.academic_year.year}",
            [fmt(value(p.view), "share") for _k, _l, value in selectors.TREND_SERIES],
        )
        for p in points
    ]


def _dashboard(request, overview, *, with_networks: bool) -> dict:
    signs = mark_signs()
    columns = selectors.columns_of(_column_set(request))
    points = selectors.trend(
        [r.school.pk for r in overview.schools], selectors.trend_terms(overview.term)
    )
    if with_networks:
        places = [
            (n.network.name if n.network else _("No network"), n.view) for n in overview.networks
        ]
    else:
        places = [(r.school.name, r.view) for r in overview.schools]
    return {
        "overview": overview,
        **term_chooser(overview.term),
        "network_rows": [
            (n, figure_cells(n.view, n.marks, signs, columns)) for n in overview.networks
        ],
        "network_header_rows": header_rows(
            [
                {"key": "network", "label": _("Network"), "band": None},
                {"key": "schools", "label": _("Schools"), "band": None},
                *(
                    {"key": c.key, "label": c.label, "short": c.header, "band": c.band}
                    for c in columns
                ),
            ]
        ),
        "trend_series": [label for _k, label, _v in selectors.TREND_SERIES],
        "trend_rows": _trend_table(points),
        "charts": _charts(overview, points, places),
        "total": {
            "students": fmt(overview.total.students),
            "schools": fmt(overview.school_count),
            "not_screened": fmt(overview.total.not_screened),
            **{
                key: fmt(overview.total[key])
                for key in (
                    "plans_open",
                    "plans_overdue",
                    "referrals_open",
                    "referrals_overdue",
                    "referrals_sent",
                    "referrals_closed",
                    "dropout_open",
                    "dropout_late",
                    "dropout_back",
                    "support_records",
                    "support_students",
                    "support_amount",
                )
            },
        },
        **_summary(overview),
        **_table(request, overview, with_networks=with_networks),
    }


def _term_dashboard(request, overview_of, place, *, with_networks: bool) -> dict:
    """The dashboard of a district or a network (``place``) in the request's term: the term and,
    when there is one, the figures of ``overview_of(place, term)``."""
    term = _term(request)
    if term is None:
        return {"term": None}
    # Rollups missing (a new school, a past term of the trend) are computed here.
    overview = overview_of(place, term)
    return {"term": term, **_dashboard(request, overview, with_networks=with_networks)}


@district_pages("", name="dashboard")
@district_view(Perm.VIEW_DISTRICT)
def district_dashboard(request):
    district = request.district
    page = _term_dashboard(request, selectors.district_overview, district, with_networks=True)
    return render(request, "dashboards/district_dashboard.html", {"district": district, **page})


@network_pages("", name="dashboard")
@network_view(Perm.VIEW_AGGREGATES)
def network_dashboard(request):
    network = request.network
    page = _term_dashboard(request, selectors.network_overview, network, with_networks=False)
    return render(
        request,
        "dashboards/network_dashboard.html",
        {
            "network": network,
            "can_view_district": Perm.VIEW_DISTRICT in request.networkperms,
            **page,
        },
    )


@district_pages("targets/", name="targets")
@district_view(Perm.MANAGE_TARGETS)
def district_targets(request):
    district = request.district
    targets = selectors.district_targets(district)
    form = TargetsForm(request.POST or None, instance=targets)

    def save():
        changes = form.changes()
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        return saved, changes

    return district_settings_page(
        request,
        "dashboards/district_targets.html",
        form,
        save,
        summary=_("Changed the district's targets"),
        success=_("The targets are saved."),
        then=reverse("dash_district:dashboard", kwargs={"district_code": district.code}),
        targets=targets,
    )

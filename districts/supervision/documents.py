"""The supervision report of a round (PDF): the round, the summary across schools with its
chart, then each school visited: its levels, findings, recommendations and the school's
actions."""

from __future__ import annotations

from django.template.loader import render_to_string

from carecore.pdf import document_context, html_to_pdf
from districts.supervision import charts, selectors
from districts.supervision.models import Round, Visit


def report_context(round_: Round) -> dict:
    summary = selectors.summary(round_)
    visits = list(
        Visit.objects.filter(round=round_, status__in=selectors.SENT)
        .select_related("school__network")
        .prefetch_related("steps")
        .order_by("school__network__name", "school__name")
    )
    schools = []
    for visit in visits:
        recorded = {s.number: s for s in visit.steps.all()}
        steps = []
        for n, step in enumerate(round_.form, start=1):
            entry = recorded.get(n)
            ticks = entry.ticks if entry is not None else []
            ticked = sum(1 for t in ticks if t)
            steps.append((n, step, entry, ticked))
        schools.append((visit, steps))
    return {
        "round": round_,
        "summary": summary,
        "chart": charts.summary_chart(summary),
        "schools": schools,
    }


def report_pdf(*, round_: Round, progress=lambda value: None) -> bytes:
    context = report_context(round_)
    progress(10)
    pdf = document_context()
    pdf["district_name"] = pdf["paper"].num(round_.district.name)
    html = render_to_string("supervision/pdf/report.html", {"pdf": pdf, **context})
    return html_to_pdf(
        html,
        progress=lambda value: progress(10 + value * 89 // 100),
        pages=2 + len(context["schools"]),
    )

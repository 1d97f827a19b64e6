"""The district's plan as PDF (Thai A4, Buddhist Era dates and Thai digits as official Thai
documents write them): the policy, the indicators with their targets and actuals, the
strategies with their projects, owners, budgets and periods, and the total budget."""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from carecore.dates import to_thai_digits
from carecore.pdf import document_context, html_to_pdf, page_number_css
from districts.plans import selectors
from districts.plans.models import Indicator, Plan


def _baht(value: Decimal) -> str:
    return f"{value:,.2f}"


def _amount(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value.normalize():f}"
    return f"{text}%" if unit == Indicator.Unit.PERCENT else text


def plan_context(plan: Plan, *, school_ids: list[int] | None) -> dict:
    """``school_ids``: the district's schools, whose figures give the indicators' actuals; None
    for the targets alone (the copy a school prints)."""
    plan = selectors.plan_with_parts(plan)
    results, _measures = selectors.indicator_results(plan, school_ids=school_ids or [])
    pdf = document_context()
    paper = pdf["paper"]
    paper.thai_digits = True
    pdf["school_name"] = paper.num(plan.district.name)
    pdf["page_number_css"] = page_number_css(paper)
    if "\\" not in pdf["printed_on_css"]:
        pdf["printed_on_css"] = to_thai_digits(pdf["printed_on_css"])
    strategies = []
    for strategy in plan.strategies.all():
        projects = []
        for p in strategy.projects.all():
            owner = p.owner.get_full_name() or p.owner.username if p.owner else ""
            period = ""
            if p.starts_on:
                period = paper.date(p.starts_on, "short")
                if p.ends_on:
                    period += " – " + paper.date(p.ends_on, "short")
            projects.append(
                {
                    "number": paper.num(f"{strategy.number}.{p.number}"),
                    "title": paper.num(p.title),
                    "owner": " · ".join(x for x in (p.owner_name, owner) if x),
                    "budget": paper.num(_baht(p.budget)),
                    "period": period,
                }
            )
        budget = sum((p.budget for p in strategy.projects.all()), Decimal(0))
        strategies.append(
            {
                "number": paper.num(strategy.number),
                "title": paper.num(strategy.title),
                "projects": projects,
                "budget": paper.num(_baht(budget)),
            }
        )
    indicators = [
        {
            "number": paper.num(r.indicator.number),
            "title": paper.num(r.indicator.title),
            "measure": paper.num(r.indicator.get_measure_display()),
            "computed": r.computed,
            "target": paper.num(_amount(r.indicator.target, r.indicator.unit)),
            "actual": paper.num(_amount(r.actual, r.indicator.unit)),
            "count": paper.num(f"{r.count}/{r.schools}") if r.computed else "",
            "met": r.met,
        }
        for r in results
    ]
    return {
        "pdf": pdf,
        "plan": plan,
        "title": paper.num(plan.title),
        "year": paper.num(plan.academic_year.year),
        "published": paper.date(plan.published_at.date(), "long") if plan.published_at else "",
        "strategies": strategies,
        "indicators": indicators,
        "budget": paper.num(_baht(selectors.budget_of(plan))),
        "with_actuals": school_ids is not None,
    }


def plan_pdf(*, plan: Plan, school_ids: list[int] | None, progress=lambda value: None) -> bytes:
    context = plan_context(plan, school_ids=school_ids)
    progress(10)
    html = render_to_string("plans/pdf/plan.html", context)
    return html_to_pdf(html, progress=lambda value: progress(10 + value * 89 // 100), pages=2)

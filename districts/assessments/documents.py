"""The certificates (เกียรติบัตร) of an award category: one A4 landscape page per school given
the award, for the signature of the person the round names (the director of the district
office). Thai digits and a Buddhist Era date, as the official certificates write them."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from carecore.dates import format_date, to_thai_digits
from carecore.pdf import document_context, html_to_pdf
from districts.assessments.models import AwardCategory


def certificates_pdf(*, category: AwardCategory, progress=lambda value: None) -> bytes:
    round_ = category.round
    awards = list(category.awards.select_related("school").order_by("school__name"))
    progress(10)
    pdf = document_context()
    html = render_to_string(
        "assessments/pdf/certificates.html",
        {
            "pdf": pdf,
            "round": round_,
            "category": category,
            "awards": [
                (award, format_date(award.given_on, "long", thai_digits=True)) for award in awards
            ],
            "district_name": round_.district.name,
            "year": to_thai_digits(str(round_.year)),
            # The round's title in Thai digits; its year once (most titles name it already).
            "round_title": to_thai_digits(round_.title),
            "show_year": str(round_.year) not in round_.title,
            "printed": format_date(timezone.localdate(), "long", thai_digits=True),
        },
    )
    return html_to_pdf(
        html, progress=lambda value: progress(10 + value * 89 // 100), pages=len(awards)
    )

"""The appointment order (คำสั่งแต่งตั้ง) of a committee as PDF, in the layout of a Thai
official order: คำสั่ง<the office>, ที่ <number>/<B.E. year>, เรื่อง แต่งตั้ง<the committee>,
the preamble, the members by role with their positions, the duties, ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป,
สั่ง ณ วันที่ <the order's date in words>, and the signature block of who signs. Numbers and
dates in Thai digits, as official orders write them."""

from __future__ import annotations

from django.template.loader import render_to_string

from carecore.dates import THAI_MONTHS, be_year, to_thai_digits
from carecore.pdf import document_context, html_to_pdf
from districts.committees import selectors
from districts.committees.models import Committee, Member

# The usual preamble when the committee has none of its own.
DEFAULT_PREAMBLE = (
    "เพื่อให้การดำเนินงานระบบการดูแลช่วยเหลือนักเรียนเป็นไปด้วยความเรียบร้อย มีประสิทธิภาพ "
    "และบรรลุวัตถุประสงค์ อาศัยอำนาจตามความในกฎหมายและระเบียบที่เกี่ยวข้อง "
    "จึงแต่งตั้ง{title} ดังนี้"
)


def office_name(committee: Committee) -> str:
    """Whose order it is: the school, the network or the district office."""
    if committee.school_id:
        return committee.school.name
    if committee.network_id:
        return committee.network.name
    return committee.district.name


def order_context(committee: Committee) -> dict:
    members = selectors.members_in_order(committee)
    labels = dict(Member.Role.choices)
    preamble = committee.preamble.strip() or DEFAULT_PREAMBLE.format(title=committee.title)
    date = committee.order_date
    return {
        "committee": committee,
        "office": office_name(committee),
        "preamble": [p.strip() for p in preamble.splitlines() if p.strip()],
        "members": [
            (to_thai_digits(n), member, labels[member.role])
            for n, member in enumerate(members, start=1)
        ],
        "duties": [d.strip() for d in committee.duties.splitlines() if d.strip()],
        "day": to_thai_digits(date.day) if date else "",
        "month": THAI_MONTHS[date.month - 1] if date else "",
        "year": to_thai_digits(be_year(date)) if date else "",
        "number": to_thai_digits(committee.order_number),
    }


def order_pdf(*, committee: Committee, progress=lambda value: None) -> bytes:
    context = order_context(committee)
    progress(10)
    pdf = document_context(school=committee.school)
    html = render_to_string("committees/pdf/order.html", {"pdf": pdf, **context})
    return html_to_pdf(html, progress=lambda value: progress(10 + value * 89 // 100), pages=2)

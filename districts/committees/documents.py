"""The appointment order (คำสั่งแต่งตั้ง) of a committee, and the minutes (รายงานการประชุม) of
its meetings, as PDF. The order, in the layout of a Thai
official order: คำสั่ง<the office>, ที่ <number>/<B.E. year>, เรื่อง แต่งตั้ง<the committee>,
the preamble, the members by role with their positions, the duties, ทั้งนี้ ตั้งแต่บัดนี้เป็นต้นไป,
สั่ง ณ วันที่ <the order's date in words>, and the signature block of who signs. Numbers and
dates in Thai digits, as official orders write them."""

from __future__ import annotations

from django.template.loader import render_to_string

from carecore.dates import THAI_MONTHS, be_year, format_date, to_thai_digits
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
    """What the order prints, every number in Thai digits (the names and texts typed too)."""
    th = to_thai_digits
    members = selectors.members_in_order(committee)
    labels = dict(Member.Role.choices)
    preamble = committee.preamble.strip() or DEFAULT_PREAMBLE.format(title=committee.title)
    date = committee.order_date
    return {
        "title": th(committee.title),
        "office": th(office_name(committee)),
        "preamble": [th(p.strip()) for p in preamble.splitlines() if p.strip()],
        "members": [
            (
                th(n),
                th(" ".join(filter(None, (m.name, m.position, m.organisation)))),
                labels[m.role],
            )
            for n, m in enumerate(members, start=1)
        ],
        "duties": [
            (th(n), th(d.strip()))
            for n, d in enumerate((d for d in committee.duties.splitlines() if d.strip()), start=1)
        ],
        "day": th(date.day) if date else "",
        "month": THAI_MONTHS[date.month - 1] if date else "",
        "year": th(be_year(date)) if date else "",
        "number": th(committee.order_number),
        "signer_name": th(committee.signer_name),
        "signer_position": th(committee.signer_position),
    }


def order_pdf(*, committee: Committee, progress=lambda value: None) -> bytes:
    context = order_context(committee)
    progress(10)
    pdf = document_context(school=committee.school)
    html = render_to_string("committees/pdf/order.html", {"pdf": pdf, **context})
    return html_to_pdf(html, progress=lambda value: progress(10 + value * 89 // 100), pages=2)


def minutes_context(meeting) -> dict:
    """The minutes as a Thai meeting report writes them: who came, who did not, the guests, each
    agenda item with its minutes and resolutions, and who recorded and checked them."""
    th = to_thai_digits
    committee = meeting.committee
    detail = selectors.meeting_detail(meeting)
    members = selectors.members_in_order(committee)
    labels = dict(Member.Role.choices)

    def by_role(role):
        return next((m.name for m in members if m.role == role), "")

    return {
        "title": th(committee.title),
        "office": th(office_name(committee)),
        "number": th(f"{meeting.number}/{be_year(meeting.held_on)}"),
        "date": th(format_date(meeting.held_on, "long", lang="th")),
        "time": th(meeting.starts_at.strftime("%H.%M")) if meeting.starts_at else "",
        "place": th(meeting.place),
        "present": [
            (th(n), th(a.member.name), labels[a.member.role])
            for n, a in enumerate(detail["present"], start=1)
        ],
        "absent": [
            (th(n), th(a.member.name), a.get_status_display())
            for n, a in enumerate(detail["absent"], start=1)
        ],
        "guests": [(th(n), th(g)) for n, g in enumerate(detail["guests"], start=1)],
        "agenda": [
            {
                "number": th(item.number),
                "title": th(item.title),
                "details": th(item.details),
                "minutes": th(item.minutes),
                "resolutions": [_resolution_row(r) for r in item.resolution_rows],
            }
            for item in detail["agenda"]
        ],
        "loose": [_resolution_row(r) for r in detail["loose_resolutions"]],
        "signatures": [
            ("ผู้จดรายงานการประชุม", by_role(Member.Role.SECRETARY)),
            ("ผู้ตรวจรายงานการประชุม", by_role(Member.Role.CHAIR)),
        ],
    }


def _resolution_row(resolution) -> dict:
    th = to_thai_digits
    return {
        "text": th(resolution.text),
        "owner": th(resolution.owner),
        "due_on": th(format_date(resolution.due_on, "long", lang="th")),
    }


def minutes_pdf(*, meeting, progress=lambda value: None) -> bytes:
    context = minutes_context(meeting)
    progress(10)
    pdf = document_context(school=meeting.committee.school)
    html = render_to_string("committees/pdf/minutes.html", {"pdf": pdf, **context})
    return html_to_pdf(html, progress=lambda value: progress(10 + value * 89 // 100), pages=3)

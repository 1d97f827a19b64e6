"""The district's directory of partner agencies: reads and writes (docs/referrals.md).

An agency belongs to a district, not to a school: every school of the district refers to the
same directory, which the district supervisor and the district administrator keep
(``Perm.MANAGE_AGENCIES``). An agency is never deleted once referred to; it is taken out of use
(``active=False``) and stays on the referrals that name it, but cannot be chosen for new ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, ProtectedError, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from carecore.thai import thai_order
from referrals.models import Agency, AgencyKind

# The order of kinds in lists: as in AgencyKind (hospitals first, "other" last).
_KIND_ORDER = Case(
    *[When(kind=value, then=Value(i)) for i, value in enumerate(AgencyKind.values)],
    default=Value(len(AgencyKind.values)),
    output_field=IntegerField(),
)

AGENCY_FIELDS = (
    "name",
    "kind",
    "phone",
    "email",
    "address",
    "contact_people",
    "services",
    "mou_signed",
    "mou_date",
)


# --- selectors -------------------------------------------------------------------------------
def _ordered(qs: QuerySet[Agency]) -> QuerySet[Agency]:
    return qs.order_by(_KIND_ORDER.asc(), thai_order("name"), "pk")


def agencies_for_school(school, active_only: bool = True) -> QuerySet[Agency]:
    """The partner agencies a school may refer to: its district's directory, by kind and name.

    ``active_only=False`` also gives those taken out of use (to show an old referral's agency);
    new referrals choose from the default."""
    qs = Agency.objects.filter(district_id=school.district_id)
    if active_only:
        qs = qs.filter(active=True)
    return _ordered(qs)


def agency_list(
    *,
    district,
    q: str = "",
    kind: str = "",
    mou: bool | None = None,
    active: bool | None = None,
    counts: bool = True,
) -> QuerySet[Agency]:
    """The district's agencies matching the filters: a part of the name (or of the services),
    the kind, whether an MOU is signed, whether in use. Those in use come first.

    With ``counts``, each agency carries ``referral_count`` (referrals naming it, of every
    school of the district) and ``open_referral_count`` (those not closed)."""
    from referrals.models import Referral

    qs = Agency.objects.filter(district=district)
    if counts:
        qs = qs.annotate(
            referral_count=Count("referrals"),
            open_referral_count=Count(
                "referrals", filter=Q(referrals__status__in=Referral.OPEN_STATUSES)
            ),
        )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(services__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if mou is not None:
        qs = qs.filter(mou_signed=mou)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("-active", _KIND_ORDER.asc(), thai_order("name"), "pk")


def contact_lines(agency: Agency) -> list[str]:
    """The contact people, one per line as typed."""
    return [line.strip() for line in (agency.contact_people or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Phone:
    text: str  # as shown: 043-123-456 ต่อ 12
    tel: str  # for a tel: link: 043123456,12


def phone_numbers(agency: Agency) -> list[Phone]:
    """The agency's numbers (stored as "043-123-456, 081-234-5678 ต่อ 12"), each with its
    tel: link (an extension after a pause)."""
    phones = []
    for part in (agency.phone or "").split(","):
        part = part.strip()
        if not part:
            continue
        number, _sep, extension = part.partition("ต่อ")
        tel = re.sub(r"\D", "", number)
        if extension.strip():
            tel += "," + re.sub(r"\D", "", extension)
        phones.append(Phone(text=part, tel=tel))
    return phones


@dataclass(frozen=True)
class AgencyCard:
    """An agency as the directory shows it."""

    agency: Agency
    contacts: list[str]
    phones: list[Phone]


def agency_cards(agencies) -> list[AgencyCard]:
    return [AgencyCard(a, contact_lines(a), phone_numbers(a)) for a in agencies]


# --- services --------------------------------------------------------------------------------
def _save(agency: Agency) -> Agency:
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError as error:  # two people adding the same name at once
        raise ValidationError(
            {
                "name": _("The directory already has an agency named “%(name)s”.")
                % {"name": agency.name}
            }
        ) from error
    return agency


def agency_create(*, district, data: dict, user=None) -> Agency:
    """Add an agency to ``district``'s directory; ``data`` holds AGENCY_FIELDS."""
    agency = Agency(district=district, **{name: data[name] for name in AGENCY_FIELDS})
    return _save(agency)


def agency_update(*, agency: Agency, data: dict, user=None) -> Agency:
    for name in AGENCY_FIELDS:
        setattr(agency, name, data[name])
    return _save(agency)


def agency_delete(*, agency: Agency, user=None) -> None:
    """Remove an agency typed in by mistake. One that any referral names is never deleted (it is
    taken out of use instead): ValidationError."""
    with transaction.atomic():
        if agency.referrals.exists():
            raise ValidationError(
                _("%(name)s is named on referrals: take it out of use instead.")
                % {"name": agency.name},
                code="referred",
            )
        try:
            agency.delete()
        except ProtectedError as error:  # a referral made meanwhile
            raise ValidationError(
                _("%(name)s is named on referrals: take it out of use instead.")
                % {"name": agency.name},
                code="referred",
            ) from error


def agency_set_active(*, agency: Agency, active: bool, user=None) -> Agency:
    """Take an agency out of use (it stays on the referrals that name it) or put it back."""
    if agency.active != active:
        agency.active = active
        agency.save(update_fields=["active", "updated"])
    return agency

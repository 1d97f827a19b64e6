"""Forms of referrals. They validate what was typed; views hand the values to
referrals/services.py, which checks the rules that need the database (recipients, agencies,
the referral's state). Dates are typed in the Buddhist Era (15/06/2568)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import ThaiDateField
from referrals.models import ANSWER_DAYS, AgencyKind, Referral

TEXT = {"class": "form-control"}


def _area(rows: int = 3, **attrs):
    return forms.Textarea(attrs={"rows": rows, "class": "form-control", **attrs})


class _ReferralBase(forms.Form):
    """What every referral says: the problem, the help given, what is asked, the notes."""

    reason = forms.CharField(
        label=_("Reason for referral (problem observed)"),
        max_length=5000,
        widget=_area(4),
    )
    help_given = forms.CharField(
        label=_("Help already given"),
        max_length=5000,
        required=False,
        widget=_area(3),
        help_text=_("What the school has done so far, e.g. counselling, contact with parents."),
    )
    request = forms.CharField(
        label=_("What is asked"),
        max_length=5000,
        widget=_area(3),
        help_text=_("What you ask the recipient to do."),
    )
    sensitive_notes = forms.CharField(
        label=_("Confidential notes"),
        max_length=5000,
        required=False,
        widget=_area(2),
        help_text=_(
            "Seen only by you, the recipients, the director and the counsellor; never printed."
        ),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Referral.Urgency.choices,
        initial=Referral.Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    sent_on = ThaiDateField(label=_("Referred on"))
    answer_due = ThaiDateField(
        label=_("Answer due"),
        required=False,
        help_text=_("The recipient should accept by then. Empty: %(days)s days after sending."),
    )

    kind = Referral.Kind.INTERNAL

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer_due"].help_text = self.fields["answer_due"].help_text % {
            "days": ANSWER_DAYS[self.kind]
        }
        if not self.is_bound:
            self.initial.setdefault("sent_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        sent_on, due = data.get("sent_on"), data.get("answer_due")
        if sent_on and sent_on > timezone.localdate():
            self.add_error("sent_on", _("A referral cannot be dated in the future."))
        if sent_on and due and due < sent_on:
            self.add_error("answer_due", _("The answer cannot be due before the referral is sent."))
        return data


class InternalReferralForm(_ReferralBase):
    """To a role of the school (every holder receives it) or to a named staff member."""

    to = forms.ChoiceField(label=_("Refer to"), widget=forms.Select(attrs={"class": "form-select"}))

    field_order = ["to"]

    def __init__(self, *args, staff=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        role_choices = [(f"role:{value}", label) for value, label in roles]
        staff_choices = [(f"user:{u.pk}", u.display_name) for u in staff]
        choices = [("", "—")]
        if role_choices:
            choices.append((_("A role (everyone holding it)"), role_choices))
        if staff_choices:
            choices.append((_("A staff member by name"), staff_choices))
        self.fields["to"].choices = choices
        self._staff = {str(u.pk): u for u in staff}

    def recipient(self) -> tuple[str, object]:
        """(to_role, to_user) from the choice."""
        value = self.cleaned_data.get("to") or ""
        what, _sep, key = value.partition(":")
        if what == "role":
            return key, None
        return "", self._staff.get(key)


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agency):
        parts = [agency.name, str(AgencyKind(agency.kind).label)]
        if agency.phone:
            parts.append(agency.phone)
        if agency.mou_signed:
            parts.append(str(_("MOU signed")))
        return " · ".join(parts)


class ExternalReferralForm(_ReferralBase):
    """To a partner agency of the district's directory, with the guardian's consent."""

    kind = Referral.Kind.EXTERNAL

    agency = AgencyChoiceField(
        label=_("Agency"),
        queryset=None,
        empty_label="—",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("From the district's directory of partner agencies."),
        error_messages={"invalid_choice": _("Choose an agency of the district's directory.")},
    )
    consent = forms.ChoiceField(
        label=_("Guardian consent"),
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
    )
    consent_by = forms.CharField(
        label=_("Consent given by"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("The guardian's name and relation to the student, e.g. Mrs Somsri, mother."),
    )
    consent_on = ThaiDateField(label=_("Consent given on"), required=False)
    consent_not_asked_reason = forms.CharField(
        label=_("Why consent could not be asked"),
        max_length=2000,
        required=False,
        widget=_area(2),
        help_text=_("Only when the guardian could not be asked, e.g. an emergency."),
    )

    field_order = ["agency"]

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.agencies = list(agencies) if agencies is not None else []

    def clean(self):
        data = super().clean()
        consent = data.get("consent")
        if consent == Referral.Consent.GIVEN:
            if not (data.get("consent_by") or "").strip():
                self.add_error(
                    "consent_by", _("Write who gave consent (name and relation to the student).")
                )
            if not data.get("consent_on") and "consent_on" not in self.errors:
                self.add_error("consent_on", _("Write the day consent was given."))
        elif (
            consent == Referral.Consent.NOT_ASKED
            and not (data.get("consent_not_asked_reason") or "").strip()
        ):
            self.add_error(
                "consent_not_asked_reason",
                _("Write why the guardian could not be asked (for example an emergency)."),
            )
        return data


class _Revision(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(_Revision):
    result_due = ThaiDateField(
        label=_("Result expected by"),
        required=False,
        help_text=_("When you expect to write the result back. Referrals past it are flagged."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=_area(2))

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        if referral is not None and not self.is_bound:
            days = 14 if referral.kind == Referral.Kind.INTERNAL else 30
            self.initial.setdefault("revision", referral.revision)
            self.initial.setdefault(
                "result_due", timezone.localdate() + datetime.timedelta(days=days)
            )
        if referral is not None and referral.kind == Referral.Kind.EXTERNAL:
            self.fields["note"].label = _("Who at the agency acknowledged it")


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), max_length=5000, widget=_area(3))


class ResultForm(_Revision):
    result = forms.CharField(
        label=pgettext_lazy("referral", "Result"),
        max_length=5000,
        widget=_area(4),
        help_text=_("What was done and how the student is now. The sender will read it."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Referral.Outcome.choices, widget=forms.RadioSelect
    )


class AgencyResultForm(_Revision):
    received_on = ThaiDateField(label=_("Result received on"))
    agency_person = forms.CharField(
        label=_("Reported by (at the agency)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    agency_result = forms.CharField(
        label=_("Help given by the agency"), max_length=5000, widget=_area(4)
    )
    recommendations = forms.CharField(
        label=_("The agency's recommendations"), max_length=5000, required=False, widget=_area(3)
    )

    @classmethod
    def initial_from(cls, referral) -> dict:
        return {
            "revision": referral.revision,
            "received_on": referral.result_received_on or timezone.localdate(),
            "agency_person": referral.agency_person,
            "agency_result": referral.agency_result,
            "recommendations": referral.agency_recommendations,
        }


class FollowUpForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    text = forms.CharField(label=_("What was done"), max_length=5000, widget=_area(3))


class CloseForm(_Revision):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Referral.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Conclusion"),
        max_length=5000,
        required=False,
        widget=_area(3),
        help_text=_("How the case ended; the sender will read it."),
    )


class ListFilterForm(forms.Form):
    SHOW = (
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("closed", _("Closed")),
        ("all", _("All")),
    )
    show = forms.ChoiceField(choices=SHOW, required=False)
    kind = forms.ChoiceField(choices=[("", _("All"))] + list(Referral.Kind.choices), required=False)

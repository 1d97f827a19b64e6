"""Forms of referrals. They validate what was typed; views hand the values to
referrals/services.py, which checks the rules that need the database (recipients, agencies,
the referral's state). Dates are typed in the Buddhist Era (15/06/2568)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import ThaiDateField, long_text, short_text
from referrals.models import ANSWER_DAYS, AgencyKind, Referral


class _ReferralBase(forms.Form):
    """What every referral says: the problem, the help given, what is asked, the notes."""

    reason = long_text(_("Reason for referral (problem observed)"), rows=4)
    help_given = long_text(
        _("Help already given"),
        required=False,
        help_text=_("What the school has done so far, e.g. counselling, contact with parents."),
    )
    request = long_text(_("What is asked"), help_text=_("What you ask the recipient to do."))
    sensitive_notes = long_text(
        _("Confidential notes"),
        rows=2,
        required=False,
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
    consent_by = short_text(
        _("Consent given by"),
        required=False,
        help_text=_("The guardian's name and relation to the student, e.g. Mrs Somsri, mother."),
    )
    consent_on = ThaiDateField(label=_("Consent given on"), required=False)
    consent_not_asked_reason = long_text(
        _("Why consent could not be asked"),
        rows=2,
        max_length=2000,
        required=False,
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


class _StepForm(forms.Form):
    """The form of one step of a referral (referrals/views.py, ``_step_view``), made for the
    referral: an unbound form starts from ``initial_from(referral)``. What its page says: the
    ``title``, the message on ``success``, and the message when the referral's state
    ``refused`` the step."""

    title = success = refused = ""

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name, value in self.initial_from(referral).items():
                self.initial.setdefault(name, value)

    def initial_from(self, referral) -> dict:
        return {}


class _Revision(_StepForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def initial_from(self, referral) -> dict:
        return {"revision": referral.revision}


class AcceptForm(_Revision):
    title = _("Accept the referral")
    success = _("The referral is accepted; the sender has been told.")
    refused = _("This referral was already accepted.")

    result_due = ThaiDateField(
        label=_("Result expected by"),
        required=False,
        help_text=_("When you expect to write the result back. Referrals past it are flagged."),
    )
    note = long_text(_("Note"), rows=2, max_length=2000, required=False)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, referral=referral, **kwargs)
        if referral.kind == Referral.Kind.EXTERNAL:
            self.fields["note"].label = _("Who at the agency acknowledged it")

    def initial_from(self, referral) -> dict:
        days = 14 if referral.kind == Referral.Kind.INTERNAL else 30
        due = timezone.localdate() + datetime.timedelta(days=days)
        return {**super().initial_from(referral), "result_due": due}


class ProgressForm(_StepForm):
    title = _("Add a progress note")
    success = _("Progress note added.")
    refused = _("Progress notes are for accepted referrals that are not closed.")

    text = long_text(_("What was done"))


class ResultForm(_Revision):
    title = _("Write the result and close")
    success = _("The result is written back; the sender has been told.")
    refused = _("This referral is closed.")

    result = long_text(
        pgettext_lazy("referral", "Result"),
        rows=4,
        help_text=_("What was done and how the student is now. The sender will read it."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Referral.Outcome.choices, widget=forms.RadioSelect
    )


class AgencyResultForm(_Revision):
    title = _("The agency's result")
    success = _("The agency's result is recorded.")
    refused = _("Only an open external referral takes an agency's result.")

    received_on = ThaiDateField(label=_("Result received on"))
    agency_person = short_text(_("Reported by (at the agency)"), required=False)
    agency_result = long_text(_("Help given by the agency"), rows=4)
    recommendations = long_text(_("The agency's recommendations"), required=False)

    def initial_from(self, referral) -> dict:
        return {
            "revision": referral.revision,
            "received_on": referral.result_received_on or timezone.localdate(),
            "agency_person": referral.agency_person,
            "agency_result": referral.agency_result,
            "recommendations": referral.agency_recommendations,
        }


class FollowUpForm(_StepForm):
    title = _("Add a follow-up")
    success = _("Follow-up added.")
    refused = _("This referral is closed.")

    date = ThaiDateField(label=_("Date"))
    text = long_text(_("What was done"))

    def initial_from(self, referral) -> dict:
        return {"date": timezone.localdate()}


class CloseForm(_Revision):
    title = _("Close the referral")
    success = _("The referral is closed.")
    refused = _("This referral is already closed.")

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Referral.Outcome.choices, widget=forms.RadioSelect
    )
    note = long_text(
        _("Conclusion"),
        required=False,
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

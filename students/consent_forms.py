"""Forms of guardian consent: record a consent, withdraw one. They validate only; the writes
(and the cross-model checks) are in students/consent_services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.forms import ThaiDateField, long_text
from students.consent_models import GuardianConsent


def _optional_note(label, help_text):
    return long_text(label, rows=2, max_length=2000, required=False, help_text=help_text)


class ConsentForm(forms.Form):
    guardian = forms.ModelChoiceField(
        label=_("Guardian"),
        queryset=None,
        required=False,
        empty_label=_("Someone else (write the name below)"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    given_by = forms.CharField(
        label=_("Consent given by"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("The guardian's name and relation to the student, e.g. Mrs Somsri, mother."),
    )
    given_on = ThaiDateField(label=_("Consent given on"), initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("How it was given"),
        # What staff record; a consent given in the parents' portal is recorded by the portal.
        choices=[
            c for c in GuardianConsent.Method.choices if c[0] != GuardianConsent.Method.PORTAL
        ],
        widget=forms.RadioSelect,
    )
    note = _optional_note(_("Note"), _("For example where the signed form is filed."))

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        guardians = student.guardians.all()
        self.fields["guardian"].queryset = guardians
        self.fields["guardian"].error_messages["invalid_choice"] = _(
            "Choose one of this student's guardians."
        )

    def clean(self):
        data = super().clean()
        named = data.get("guardian") or (data.get("given_by") or "").strip()
        if not named and "guardian" not in self.errors:
            self.add_error(
                "given_by", _("Write who gave consent (name and relation to the student).")
            )
        return data


class WithdrawForm(forms.Form):
    withdrawn_on = ThaiDateField(label=_("Withdrawn on"), initial=timezone.localdate)
    reason = _optional_note(
        _("Reason (if the guardian gave one)"),
        _("A guardian does not have to give a reason to withdraw consent."),
    )
    confirm = forms.BooleanField(
        label=_("I understand what will happen and want to record the withdrawal"),
        error_messages={"required": _("Tick the box to confirm.")},
    )

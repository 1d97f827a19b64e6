"""Forms of the portal's content: they validate what was typed; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carecore.forms import SELECT, ThaiDateField, long_text
from portal.models import HelpRequest
from students.consent_models import GuardianConsent

TIME = {"class": "form-control", "type": "time"}


class MessageForm(forms.Form):
    body = long_text(_("Message"), rows=3, max_length=4000)


class StartMessageForm(MessageForm):
    parent = forms.ChoiceField(label=_("To"), widget=forms.Select(attrs=SELECT))

    field_order = ["parent", "body"]

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {str(p.pk): p for p in parents}
        self.fields["parent"].choices = [(str(p.pk), p.display_name) for p in parents]

    def clean_parent(self):
        return self.parents[self.cleaned_data["parent"]]


class ConsentRequestForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Ask the parents for their consent to"),
        choices=GuardianConsent.Purpose.choices,
        widget=forms.RadioSelect,
    )
    note = long_text(
        _("What it is for"),
        rows=2,
        max_length=2000,
        required=False,
        help_text=_(
            "The parents read this, for example: photos of the sports day on the school's page."
        ),
    )


class AppointmentForm(forms.Form):
    date = ThaiDateField(label=_("Day of the visit"))
    time = forms.TimeField(
        label=_("Time of the visit"), widget=forms.TimeInput(attrs=TIME, format="%H:%M")
    )
    note = long_text(
        _("Note for the family"),
        rows=2,
        max_length=1000,
        required=False,
        help_text=_("For example who comes with you, or what to prepare."),
    )


class AppointmentAnswerForm(forms.Form):
    """The parent's answer: "confirm" or "another" (the button pressed), and for another day
    the day, a time if they like, and a note."""

    suggested_date = ThaiDateField(label=_("A day that suits you"), required=False)
    suggested_time = forms.TimeField(
        label=_("Time that suits you (if you like)"),
        required=False,
        widget=forms.TimeInput(attrs=TIME, format="%H:%M"),
    )
    note = long_text(_("Note for the teacher"), rows=2, max_length=1000, required=False)


class HelpRequestForm(forms.Form):
    body = long_text(
        _("What would you like help with?"),
        rows=5,
        max_length=4000,
        help_text=_("Only the school's counsellor reads this."),
    )
    contact = forms.ChoiceField(
        label=_("How would you like to talk?"),
        choices=HelpRequest.Contact.choices,
        initial=HelpRequest.Contact.MEET,
        widget=forms.RadioSelect,
    )


class HelpAnswerForm(forms.Form):
    answer = long_text(_("Your answer to the student"), rows=5, max_length=4000)

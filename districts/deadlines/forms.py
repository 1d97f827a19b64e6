"""Forms of the deadlines: the district's deadline, a school's mark of done. They validate only;
``districts.deadlines.services`` saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.activities.forms import validate_attachment
from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text
from carecore.thai import thai_order
from districts.deadlines.models import MAX_REMIND_DAYS, MEASURED_KINDS, Kind
from districts.forms import district_choice

DEFAULT_TARGET = 100
DEFAULT_REMIND_DAYS = 3


class DeadlineForm(forms.Form):
    """A deadline of the district: its kind when it is set (fixed afterwards), its title, which
    schools, its dates, the target of a measured kind and when to remind."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect)
    title = short_text(pgettext_lazy("deadline", "Title"))
    details = long_text(
        _("What the schools do"),
        required=False,
        max_length=2000,
        help_text=_("What to send or do, and how, as the schools will read it."),
    )
    network = district_choice(
        _("Which schools"),
        empty_label=_("Every school of the district"),
        widget=forms.Select(attrs=SELECT),
    )
    opens_on = ThaiDateField(label=_("Opens on"))
    due_on = ThaiDateField(label=_("Due on"))
    target_percent = forms.IntegerField(
        label=_("Target (percent of students)"),
        min_value=1,
        max_value=100,
        required=False,
        initial=DEFAULT_TARGET,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=_(
            "Screening and home visits only: a school meets the deadline when this share of its "
            "students is screened (or visited) by the due date. Reports and other tasks are "
            "marked done by the school."
        ),
    )
    remind_days = forms.IntegerField(
        label=_("Remind the schools this many days before the due date"),
        min_value=0,
        max_value=MAX_REMIND_DAYS,
        initial=DEFAULT_REMIND_DAYS,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=_("The school's director and coordinator are told once then, and once if late."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, district, deadline=None, **kwargs):
        if deadline is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": deadline.title,
                    "details": deadline.details,
                    "network": deadline.network_id,
                    "opens_on": deadline.opens_on,
                    "due_on": deadline.due_on,
                    "target_percent": deadline.target_percent or DEFAULT_TARGET,
                    "remind_days": deadline.remind_days,
                    "revision": deadline.revision,
                },
            )
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self.fields["network"].queryset = district.networks.order_by(thai_order("name"))
        if deadline is not None:
            del self.fields["kind"]  # fixed once set
            if not deadline.is_measured:
                del self.fields["target_percent"]  # a report has none

    def kind_value(self) -> str:
        return self.deadline.kind if self.deadline is not None else self.cleaned_data["kind"]

    def clean(self):
        data = super().clean()
        opens_on, due_on = data.get("opens_on"), data.get("due_on")
        if opens_on and due_on and due_on < opens_on:
            self.add_error("due_on", _("The due date comes before the opening date."))
        kind = self.deadline.kind if self.deadline is not None else data.get("kind")
        if kind in MEASURED_KINDS:
            if data.get("target_percent") is None and "target_percent" not in self.errors:
                self.add_error("target_percent", _("Give the share of students to reach."))
        else:
            data["target_percent"] = None
        return data


class CompletionForm(forms.Form):
    """The school marks a report or task done, with a note and a file if it likes."""

    note = long_text(_("Note for the district office"), required=False, max_length=2000)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "The report, if the district asks for one: a PDF, a picture or an Office document "
            "of at most 10 MB. The district office reads the note and the file: name no student."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            validate_attachment(upload)
        return upload

"""Forms of committees: a committee with its appointment order, a member, a new meeting, a
meeting's details, attendance, agenda and minutes, a resolution and its follow-up. They validate
only; ``districts.committees.services`` saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text
from districts.committees.models import Attendance, Member, Resolution
from districts.committees.services import MAX_AGENDA, AgendaEntry

NO_CHILD = _("Name no student: the committee's records are about the school's system.")


def time_field(label) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={**TEXT, "type": "time"})
    )


class Revision(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommitteeForm(Revision):
    title = short_text(
        pgettext_lazy("committee", "Title"),
        max_length=300,
        help_text=_("As the order names it, e.g. คณะกรรมการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน."),
    )
    duties = long_text(
        pgettext_lazy("committee", "Duties"),
        rows=5,
        help_text=_("One duty a line: the order numbers them."),
    )
    order_number = short_text(
        pgettext_lazy("committee", "Order number"),
        max_length=20,
        required=False,
        help_text=_("The number alone, e.g. 125: the order prints 125/<year of its date>."),
    )
    order_date = ThaiDateField(label=pgettext_lazy("committee", "Order date"), required=False)
    preamble = long_text(
        pgettext_lazy("committee", "Preamble"),
        rows=4,
        required=False,
        help_text=_("Why and by what authority the committee is appointed. Empty: the usual text."),
    )
    signer_name = short_text(pgettext_lazy("committee", "Signed by"), required=False)
    signer_position = short_text(
        pgettext_lazy("committee", "Signer's position"),
        max_length=300,
        required=False,
        help_text=_("e.g. ผู้อำนวยการโรงเรียน..., ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา..."),
    )

    def clean(self):
        data = super().clean()
        if data.get("order_number") and not data.get("order_date"):
            self.add_error("order_date", _("An order with a number has a date."))
        return data


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User of the system"),
        queryset=None,
        required=False,
        empty_label=_("A person outside the system"),
        widget=forms.Select(attrs=SELECT),
    )
    name = short_text(
        pgettext_lazy("committee", "Name"),
        required=False,
        help_text=_("Empty for a user: their name in the system."),
    )
    position = short_text(pgettext_lazy("committee", "Position"), required=False)
    organisation = short_text(pgettext_lazy("committee", "Organisation"), required=False)
    role = forms.ChoiceField(
        label=pgettext_lazy("committee", "Role"),
        choices=Member.Role.choices,
        widget=forms.Select(attrs=SELECT),
    )
    order = forms.IntegerField(
        label=_("Order in the list"),
        min_value=0,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class MeetingCreateForm(forms.Form):
    held_on = ThaiDateField(label=pgettext_lazy("committee", "Date"))
    starts_at = time_field(pgettext_lazy("committee", "Time"))
    place = short_text(pgettext_lazy("committee", "Place"), max_length=300, required=False)


class MeetingForm(Revision):
    """The meeting's details, each member's attendance, and the agenda with its minutes (the
    items as they are and two empty ones to add)."""

    held_on = ThaiDateField(label=pgettext_lazy("committee", "Date"))
    starts_at = time_field(pgettext_lazy("committee", "Time"))
    place = short_text(pgettext_lazy("committee", "Place"), max_length=300, required=False)
    guests = long_text(
        pgettext_lazy("committee", "Guests"),
        rows=2,
        required=False,
        max_length=3000,
        help_text=_("People who attended without being members: name and position, one a line."),
    )

    def __init__(self, *args, meeting, attendance, agenda, **kwargs):
        initial = {
            "held_on": meeting.held_on,
            "starts_at": meeting.starts_at,
            "place": meeting.place,
            "guests": meeting.guests,
            "revision": meeting.revision,
        }
        for row in attendance:
            initial[f"attendance_{row.member_id}"] = row.status
        for n, item in enumerate(agenda, start=1):
            initial |= {f"title_{n}": item.title, f"details_{n}": item.details}
            initial[f"minutes_{n}"] = item.minutes
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.attendance_rows = attendance
        for row in attendance:
            self.fields[f"attendance_{row.member_id}"] = forms.ChoiceField(
                label=row.member.name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )
        self.numbers = list(range(1, min(len(agenda) + 1, MAX_AGENDA) + 1))
        for n in self.numbers:
            self.fields[f"title_{n}"] = short_text(
                _("Item %(n)s") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"details_{n}"] = long_text(
                _("What was presented"), rows=2, required=False, max_length=10000
            )
            self.fields[f"minutes_{n}"] = long_text(
                pgettext_lazy("committee", "Minutes"),
                rows=3,
                required=False,
                max_length=20000,
                help_text=NO_CHILD,
            )

    def attendance_fields(self):
        return [(row, self[f"attendance_{row.member_id}"]) for row in self.attendance_rows]

    def agenda_fields(self):
        return [
            (n, self[f"title_{n}"], self[f"details_{n}"], self[f"minutes_{n}"])
            for n in self.numbers
        ]

    def attendance(self) -> dict[int, str]:
        return {
            row.member_id: self.cleaned_data[f"attendance_{row.member_id}"]
            for row in self.attendance_rows
        }

    def agenda(self) -> list[AgendaEntry]:
        data = self.cleaned_data
        return [
            AgendaEntry(data[f"title_{n}"], data[f"details_{n}"], data[f"minutes_{n}"])
            for n in self.numbers
        ]


class ResolutionForm(forms.Form):
    agenda_number = forms.TypedChoiceField(
        label=pgettext_lazy("committee", "Agenda item"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    text = long_text(pgettext_lazy("committee", "Resolution"), rows=3, help_text=NO_CHILD)
    owner = short_text(
        pgettext_lazy("committee", "Responsible"), help_text=_("A person, a position or a team.")
    )
    due_on = ThaiDateField(label=_("Due on"), required=False)

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_number"].choices = [("", _("The meeting as a whole"))] + [
            (item.number, f"{item.number}. {item.title}") for item in agenda
        ]


class FollowUpForm(Revision):
    on = ThaiDateField(label=pgettext_lazy("committee", "Date"))
    status = forms.ChoiceField(
        label=pgettext_lazy("committee", "Status"),
        choices=Resolution.Status.choices,
        widget=forms.RadioSelect,
    )
    note = long_text(
        pgettext_lazy("committee", "What was done"), rows=3, max_length=5000, help_text=NO_CHILD
    )

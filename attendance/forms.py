"""The forms of attendance: the roll (one field pair per student, read by ``roll_marks``), the
school's rules, a range of days without school."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from attendance import rules
from attendance.models import AttendanceSettings, Status
from carecore.dates import parse_date
from carecore.forms import ThaiDateField


def status_field(student_id: int) -> str:
    return f"s{student_id}"


def kind_field(student_id: int) -> str:
    return f"k{student_id}"


def roll_marks(data, student_ids) -> tuple[dict[int, tuple[str, str]], list[int]]:
    """{student id: (status, leave kind)} from the roll's POST, and the students whose answer
    cannot be read (an unknown status, leave without a kind). A student missing from the POST
    is present."""
    marks: dict[int, tuple[str, str]] = {}
    bad: list[int] = []
    for student_id in student_ids:
        status = data.get(status_field(student_id)) or Status.PRESENT
        mark = rules.clean_mark(status, data.get(kind_field(student_id)) or "")
        if mark is None:
            bad.append(student_id)
        else:
            marks[student_id] = mark
    return marks, bad


def parse_day(text: str | None) -> datetime.date | None:
    """A day in an address: 2025-06-16 (the links), or 16/06/2568 as typed (Buddhist Era)."""
    return parse_date((text or "")[:30])


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AttendanceSettings
        fields = ["absent_streak_days", "threshold", "period_attendance", "periods_per_day"]
        help_texts = {
            "absent_streak_days": _(
                "School days; weekends and days without school do not break a run."
            ),
            "threshold": _(
                "The Basic Education Core Curriculum asks for 80% of class time to sit the "
                "assessment."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent_streak_days"].min_value = 1
        self.fields["absent_streak_days"].widget.attrs.update(min=1, max=30)
        self.fields["threshold"].widget.attrs.update(min=1, max=100)
        self.fields["periods_per_day"].widget.attrs.update(min=1, max=12)

    def clean_absent_streak_days(self):
        value = self.cleaned_data["absent_streak_days"]
        if not 1 <= value <= 30:
            raise forms.ValidationError(_("Between 1 and 30 days."))
        return value

    def clean_threshold(self):
        value = self.cleaned_data["threshold"]
        if not 1 <= value <= 100:
            raise forms.ValidationError(_("Between 1 and 100 per cent."))
        return value

    def clean_periods_per_day(self):
        value = self.cleaned_data["periods_per_day"]
        if not 1 <= value <= 12:
            raise forms.ValidationError(_("Between 1 and 12 periods."))
        return value


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("Holiday name"), max_length=200)
    start = ThaiDateField(label=_("From"))
    end = ThaiDateField(label=_("To"), required=False, help_text=_("Empty for one day."))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and not end:
            data["end"] = start
        elif start and end and end < start:
            self.add_error("end", _("The last day comes on or after the first."))
        elif start and end and (end - start).days > 366:
            self.add_error("end", _("At most one year at a time."))
        return data


class PeriodForm(forms.Form):
    """Which period's roll (the subject teacher's)."""

    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    subject = forms.CharField(label=_("Subject"), max_length=100, required=False)

    def __init__(self, *args, periods: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(n, str(n)) for n in range(1, periods + 1)]

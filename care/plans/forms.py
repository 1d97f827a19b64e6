"""Forms of care plans. They validate only; views hand the values to care/plans/services.py.
Dates are typed in the Buddhist Era (15/06/2568)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.models import CarePlan, CarePlanFollowUp
from care.plans.services import ActionRow
from carecore.forms import ThaiDateField, long_text, short_text


class PlanForm(forms.Form):
    """The plan itself: the problem, the goals, the dates. Actions come in ``ActionFormSet``."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_on = ThaiDateField(label=_("Opened on"))
    problem = long_text(
        _("The problem"),
        rows=4,
        help_text=_("What the student's difficulty is, as seen by the teacher and the screening."),
    )
    goals = long_text(_("Goals"), help_text=_("What should be different when the plan has worked."))
    next_review = ThaiDateField(
        label=_("Next review"),
        help_text=_("When the plan is looked at again. Plans past this date are flagged."),
    )

    @classmethod
    def initial_for_new(cls) -> dict:
        today = timezone.localdate()
        return {"opened_on": today, "next_review": today + datetime.timedelta(days=30)}

    @classmethod
    def initial_from(cls, plan: CarePlan) -> dict:
        return {
            "revision": plan.revision,
            "opened_on": plan.opened_on,
            "problem": plan.problem,
            "goals": plan.goals,
            "next_review": plan.next_review,
        }


class ActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = long_text(
        pgettext_lazy("care plan", "Action"), rows=2, max_length=2000, required=False
    )
    who = short_text(_("Who does it"), required=False)
    due = ThaiDateField(label=_("By when"), required=False)
    done = forms.BooleanField(label=_("Done"), required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("action") or "").strip() and (data.get("who") or data.get("due")):
            self.add_error("action", _("Say what is to be done, or leave the whole row empty."))
        text, who = (data.get("action") or "").strip(), (data.get("who") or "").strip()
        if text and not who and not data.get("remove"):
            self.add_error("who", _("Say who does it."))
        return data

    def row(self) -> ActionRow | None:
        data = self.cleaned_data
        if not data:
            return None
        return ActionRow(
            pk=data.get("id"),
            action=data.get("action") or "",
            who=data.get("who") or "",
            due=data.get("due"),
            done=bool(data.get("done")),
            remove=bool(data.get("remove")),
        )


class BaseActionFormSet(forms.BaseFormSet):
    def rows(self) -> list[ActionRow]:
        return [row for form in self.forms if (row := form.row()) is not None]


ActionFormSet = forms.formset_factory(ActionForm, formset=BaseActionFormSet, extra=0)


def action_formset(data=None, *, actions=(), empty_rows: int = 3) -> BaseActionFormSet:
    """The plan's actions as rows to edit, plus ``empty_rows`` empty rows for new ones (no
    JavaScript needed: save and edit again for more)."""
    initial = [
        {"id": a.pk, "action": a.action, "who": a.who, "due": a.due, "done": a.done}
        for a in actions
    ]
    initial += [{} for _ in range(empty_rows)]
    return ActionFormSet(data, initial=initial, prefix="actions")


def _today():
    return timezone.localdate()


class FollowUpForm(forms.Form):
    # What its page says (plan_views.py, ``_plan_step_view``): the message on success, and
    # the one when the plan is closed.
    success = _("Follow-up added.")
    refused = _("This plan is closed: it takes no more follow-ups.")

    date = ThaiDateField(label=_("Date"), initial=_today)
    what_was_done = long_text(_("What was done"))
    result = forms.ChoiceField(
        label=_("Improved or not"),
        choices=CarePlanFollowUp.Result.choices,
        widget=forms.RadioSelect,
    )
    next_step = long_text(_("Next step"), rows=2, required=False)
    next_review = ThaiDateField(
        label=_("Next review"),
        required=False,
        help_text=_("Optional: sets the plan's next review date."),
    )


class CloseForm(forms.Form):
    success = _("The care plan is closed.")
    refused = _("This plan is already closed.")

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CarePlan.Outcome.choices, widget=forms.RadioSelect
    )
    closed_on = ThaiDateField(label=_("Closed on"), initial=_today)
    outcome_note = long_text(_("Outcome notes"), required=False)

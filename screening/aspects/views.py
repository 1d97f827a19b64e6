"""Aspect screening pages: the teacher's checklist for one student, and the criteria pages of
the school (coordinator) and of the district (district administrator)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carecore.access import Perm, district_view, school_view
from carecore.audit import audit_record, audit_view
from carecore.form_views import student_form_page
from carecore.models import AuditEvent
from screening import aspects, scoring, selectors
from screening.models import AspectResult
from screening.routes import district_pages, pages
from screening.services import StaleForm
from screening.views import student_page_url
from students.access import student_get_for_user

HOURS_HELP = gettext_lazy("0 to 24; leave empty if not known.")


# --- the teacher's page ------------------------------------------------------------------------
class AspectScreeningForm(forms.Form):
    """The notes and typed numbers of the aspect form; the ticked indicators come as a list of
    codes (``indicator``) and are checked by the service."""

    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criteria: aspects.AspectCriteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for aspect in criteria.aspects:
            for fact in aspect.facts:
                self.fields[f"fact_{fact}"] = forms.DecimalField(
                    label=aspects.TYPED_FACT_LABELS[fact],
                    required=False,
                    min_value=0,
                    max_value=aspects.TYPED_FACT_MAX,
                    max_digits=4,
                    decimal_places=2,
                    help_text=HOURS_HELP,
                    widget=forms.NumberInput(
                        attrs={
                            "step": "0.5",
                            "inputmode": "decimal",
                            "class": "form-control",
                            "data-fact-input": fact,
                        }
                    ),
                )
            self.fields[f"note_{aspect.code}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def notes(self) -> dict[str, str]:
        return {a.code: self.cleaned_data.get(f"note_{a.code}", "") for a in self.criteria.aspects}

    def typed_facts(self) -> dict:
        return {
            fact: self.cleaned_data.get(f"fact_{fact}")
            for aspect in self.criteria.aspects
            for fact in aspect.facts
        }

    @staticmethod
    def initial_from(results: dict[str, AspectResult]) -> dict:
        initial = {}
        for code, result in results.items():
            initial[f"note_{code}"] = result.note
            for fact, value in aspects.typed_facts_of(result.indicators).items():
                initial[f"fact_{fact}"] = value
        return initial


def _sections(criteria, form, results, suggested, posted):
    """What the page shows per aspect: its indicators (ticked or not, and why suggested), the
    saved level, the note and the typed numbers."""
    sections = []
    for aspect in criteria.aspects:
        result = results.get(aspect.code)
        stored = {e["code"]: e for e in (result.indicators if result else []) if e.get("code")}
        rows = []
        for indicator in aspect.active_indicators:
            if posted is not None:
                checked = indicator.code in posted
            elif result is not None:
                checked = indicator.code in stored
            else:
                checked = indicator.code in suggested
            rule = indicator.rule
            rows.append(
                {
                    "code": indicator.code,
                    "label": indicator.label,
                    "level": indicator.level,
                    "checked": checked,
                    "evidence": suggested.get(indicator.code, ""),
                    "typed_rule": rule if rule and rule.fact in aspect.facts else None,
                }
            )
        active = {i.code for i in aspect.active_indicators}
        for code, entry in stored.items():
            if code in active:
                continue
            rows.append(
                {
                    "code": code,
                    "label": aspects.indicator_labels(aspect.code, [entry])[0],
                    "level": entry.get("level", ""),
                    "checked": (code in posted) if posted is not None else True,
                    "evidence": "",
                    "retired": True,
                }
            )
        sections.append(
            {
                "aspect": aspect,
                "rows": rows,
                "result": result,
                "note": form[f"note_{aspect.code}"],
                "facts": [form[f"fact_{fact}"] for fact in aspect.facts],
                "suggested": sum(1 for r in rows if r["evidence"]),
            }
        )
    return sections


@pages("students/<int:student_id>/aspects/", name="aspects")
@school_view(Perm.ENTER_SCREENING)
def aspect_screening(request, student_id):
    """All eleven aspects of one student on one page. Indicators the record suggests are
    ticked before the first save; nothing is stored until the teacher saves."""
    student = student_get_for_user(request, student_id)
    term = selectors.term_for_request(request)
    if term is None:
        raise Http404
    enrolment = selectors.classroom_of(student, term)
    criteria = aspects.criteria_for_school(request.school)
    results = {r.aspect: r for r in AspectResult.objects.filter(student=student, term=term)}
    # The latest facts of the record (the grade-point average of the latest term that has one:
    # in term 1 the term's own grades do not exist yet); the suggestion says which term.
    suggested = aspects.suggestions(criteria, aspects.record_facts_for(student))
    token = aspects.results_token(results.values())
    stale = None
    if request.method == "POST":
        form = AspectScreeningForm(request.POST, criteria=criteria)
        posted = set(request.POST.getlist("indicator"))
        if form.is_valid():
            try:
                saved = aspects.aspect_results_save(
                    student=student,
                    term=term,
                    criteria=criteria,
                    ticked=posted,
                    notes=form.notes(),
                    typed_facts=form.typed_facts(),
                    suggested=suggested,
                    user=request.user,
                    token=form.cleaned_data["token"],
                )
            except StaleForm as error:
                stale = error.current
            else:
                audit_view(
                    request,
                    _("Saved the aspect screening, term %(term)s") % {"term": term},
                    action=AuditEvent.Action.CHANGE,
                    student=student,
                    changes=saved.changes,
                )
                messages.success(request, _("Aspect screening saved."))
                return redirect(student_page_url(request, student, term))
    else:
        form = AspectScreeningForm(
            criteria=criteria, initial={**AspectScreeningForm.initial_from(results)}
        )
        posted = None
        audit_view(request, _("Opened the aspect screening"), student=student)
    return student_form_page(
        request,
        "screening/aspects/screening.html",
        student,
        form,
        enrolment=enrolment,
        criteria=criteria,
        sections=_sections(criteria, form, results, suggested, posted),
        token=token,
        stale=stale,
        saved=bool(results),
        student_page=student_page_url(request, student, term),
        **selectors.term_chooser(term),
    )


# --- the criteria pages ------------------------------------------------------------------------
class CriteriaForm(forms.Form):
    """One layer's changes (the district's or the school's) over the criteria it inherits."""

    sdq_criteria = forms.ChoiceField(label=gettext_lazy("SDQ criteria"), required=False)

    def __init__(self, *args, inherited, own: dict, layer: str, sdq_inherited: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.inherited, self.layer = inherited, layer
        own_parts = (own or {}).get("aspects", {})
        versions = scoring.sdq_criteria_versions()
        names = {c.version: str(c.label) for c in versions}
        inherit_label = (
            _("As the district chose: %(name)s") if layer == "school" else _("Default: %(name)s")
        ) % {"name": names.get(sdq_inherited, sdq_inherited)}
        self.fields["sdq_criteria"].choices = [("", inherit_label)] + [
            (c.version, f"{c.label} ({c.version})") for c in versions
        ]
        self.sections = []
        for aspect in inherited.aspects:
            part = own_parts.get(aspect.code, {})
            own_off, own_on = set(part.get("off", [])), set(part.get("on", []))
            own_thresholds = part.get("thresholds", {})
            rows = []
            for indicator in aspect.indicators:
                on_name = f"on_{indicator.code}"
                if indicator.active:
                    on_initial = indicator.code not in own_off
                else:
                    on_initial = indicator.code in own_on
                self.fields[on_name] = forms.BooleanField(
                    required=False,
                    initial=on_initial,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
                row = {"indicator": indicator, "on": on_name, "value": None}
                if indicator.rule is not None and indicator.rule.numeric:
                    rule = indicator.rule
                    value_name = f"value_{indicator.code}"
                    self.fields[value_name] = forms.DecimalField(
                        required=False,
                        min_value=rule.min,
                        max_value=rule.max,
                        max_digits=12,
                        decimal_places=2,
                        initial=aspects.as_decimal(own_thresholds.get(indicator.code)),
                        widget=forms.NumberInput(
                            attrs={
                                "class": "form-control form-control-sm",
                                "inputmode": "decimal",
                                "step": "any",
                                "placeholder": indicator.threshold_text,
                            }
                        ),
                    )
                    row["value"] = value_name
                rows.append(row)
            extras = []
            for extra in part.get("extra", []):
                code = extra.get("code")
                if not code:
                    continue
                self.fields[f"label_{code}"] = forms.CharField(
                    max_length=200,
                    initial=extra.get("label", ""),
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )
                self.fields[f"level_{code}"] = forms.ChoiceField(
                    choices=aspect.level_choices,
                    initial=extra.get("level"),
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                self.fields[f"delete_{code}"] = forms.BooleanField(
                    required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
                )
                self.fields[f"on_{code}"] = forms.BooleanField(
                    required=False,
                    initial=code not in own_off,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
                extras.append(code)
            self.fields[f"new_label_{aspect.code}"] = forms.CharField(
                max_length=200,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "placeholder": _("A new indicator, in your words"),
                    }
                ),
            )
            self.fields[f"new_level_{aspect.code}"] = forms.ChoiceField(
                choices=aspect.level_choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.sections.append({"aspect": aspect, "rows": rows, "extras": extras})

    def bound_sections(self):
        """The sections with bound fields, for the template."""
        for section in self.sections:
            yield {
                "aspect": section["aspect"],
                "rows": [
                    {
                        "indicator": row["indicator"],
                        "on": self[row["on"]],
                        "value": self[row["value"]] if row["value"] else None,
                    }
                    for row in section["rows"]
                ],
                "extras": [
                    {
                        "code": code,
                        "on": self[f"on_{code}"],
                        "label": self[f"label_{code}"],
                        "level": self[f"level_{code}"],
                        "delete": self[f"delete_{code}"],
                    }
                    for code in section["extras"]
                ],
                "new_label": self[f"new_label_{section['aspect'].code}"],
                "new_level": self[f"new_level_{section['aspect'].code}"],
            }

    def changes(self) -> dict:
        """The layer's changes as ScreeningPolicy.aspect_criteria stores them."""
        data = self.cleaned_data
        result = {}
        for section in self.sections:
            aspect = section["aspect"]
            part = {"off": [], "on": [], "thresholds": {}, "extra": []}
            for row in section["rows"]:
                indicator = row["indicator"]
                wanted = data.get(row["on"], False)
                if indicator.active and not wanted:
                    part["off"].append(indicator.code)
                elif not indicator.active and wanted:
                    part["on"].append(indicator.code)
                value = data.get(row["value"]) if row["value"] else None
                if value is not None and value != indicator.threshold:
                    part["thresholds"][indicator.code] = aspects.json_number(value)
            for code in section["extras"]:
                if data.get(f"delete_{code}"):
                    continue
                part["extra"].append(
                    {
                        "code": code,
                        "label": data[f"label_{code}"].strip(),
                        "level": data[f"level_{code}"],
                    }
                )
                if not data.get(f"on_{code}"):
                    part["off"].append(code)
            label = (data.get(f"new_label_{aspect.code}") or "").strip()
            if label:
                level = data.get(f"new_level_{aspect.code}") or aspect.level_choices[0][0]
                part["extra"].append(
                    {"code": aspects.new_extra_code(self.layer), "label": label, "level": level}
                )
            part = {k: v for k, v in part.items() if v}
            if part:
                result[aspect.code] = part
        return {"aspects": result} if result else {}


def _criteria_page(request, *, layer, school=None, district=None):
    policies = aspects.policies_for(school=school, district=district)
    inherited = aspects.default_criteria()
    district_policy = policies.get("district")
    if layer == "school" and district_policy is not None:
        inherited = aspects.apply_changes(inherited, district_policy.aspect_criteria, "district")
    own = policies.get(layer)
    if layer == "school":
        sdq_inherited = (
            district_policy.sdq_criteria if district_policy else ""
        ) or scoring.DEFAULT_SDQ_CRITERIA
    else:
        sdq_inherited = scoring.DEFAULT_SDQ_CRITERIA
    form = CriteriaForm(
        request.POST or None,
        inherited=inherited,
        own=own.aspect_criteria if own else {},
        layer=layer,
        sdq_inherited=sdq_inherited,
        initial={"sdq_criteria": own.sdq_criteria if own else ""},
    )
    if request.method == "POST" and form.is_valid():
        policy, changes = aspects.screening_policy_save(
            school=school,
            district=district,
            sdq_criteria=form.cleaned_data["sdq_criteria"],
            aspect_changes=form.changes(),
            user=request.user,
        )
        audit_record(
            action=AuditEvent.Action.CHANGE,
            user=request.user,
            school=school,
            district=district if school is None else None,
            obj=policy,
            summary=_("Changed the screening criteria"),
            changes=changes,
            request=request,
        )
        messages.success(request, _("Screening criteria saved."))
        return redirect(request.path)
    if request.method == "POST":
        messages.error(request, _("Some values need fixing; see the marked fields."))
    effective = aspects.criteria_for(school=school, district=district, policies=policies)
    return render(
        request,
        "screening/aspects/criteria.html",
        {
            "layer": layer,
            "school": school,
            "district": district,
            "form": form,
            "sections": list(form.bound_sections()),
            "version": effective.version,
            "policy": own,
        },
    )


@pages("aspects/criteria/", name="aspect_criteria")
@school_view(Perm.MANAGE_SCREENING)
def school_criteria(request):
    return _criteria_page(request, layer="school", school=request.school)


@district_pages("criteria/", name="criteria")
@district_view(Perm.MANAGE_DISTRICT_SCREENING)
def district_criteria(request):
    return _criteria_page(request, layer="district", district=request.district)

"""The district's data retention page (districts/retention.py): the retention period, dry runs
and their reports, and the confirmed purge. The district administrator alone
(``Perm.MANAGE_RETENTION``): the district supervisor gets 403, anyone outside the district 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, district_view
from carecore.audit import audit_record
from carecore.models import AuditEvent
from districts.access import retention_run_get_for_district
from districts.models import RetentionRun
from districts.retention import (
    REPORT_KEYS,
    can_confirm,
    retention_cutoff,
    retention_run_start,
)
from districts.retention_forms import RetentionConfirmForm, RetentionSettingsForm
from districts.routes import retention_pages

RECENT_RUNS = 20


def _report_labels() -> dict[str, str]:
    return {
        "students": _("Students"),
        "guardians": _("Guardians deleted"),
        "photos": _("Home-visit photos deleted"),
        "attachments": _("Attachments deleted"),
        "visits": _("Home visits (notes and place removed)"),
        "record_revisions": _("Record history entries deleted"),
        "plans": _("Care plans (notes removed)"),
        "referrals": _("Referrals (notes removed)"),
        "dropout_cases": _("Dropout cases (notes removed)"),
    }


@retention_pages("", name="settings")
@district_view(Perm.MANAGE_RETENTION)
def retention(request):
    district = request.district
    before = RetentionSettingsForm(instance=district).initial
    form = RetentionSettingsForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        old_years = before["retention_years"]
        form.save()
        if old_years != district.retention_years:
            audit_record(
                action=AuditEvent.Action.CHANGE,
                user=request.user,
                district=district,
                obj=district,
                summary=_("Data retention changed"),
                changes={"retention_years": [str(old_years), str(district.retention_years)]},
                request=request,
            )
        messages.success(request, _("The retention period was saved."))
        return redirect("retention:settings", district_code=district.code)
    runs = list(
        RetentionRun.objects.filter(district=district).order_by("-created", "-pk")[:RECENT_RUNS]
    )
    return render(
        request,
        "districts/retention/retention.html",
        {
            "district": district,
            "form": form,
            "runs": runs,
            "cutoff": retention_cutoff(district),
        },
        status=400 if request.method == "POST" else 200,
    )


@retention_pages("dry-run/", name="dry_run")
@district_view(Perm.MANAGE_RETENTION)
@require_POST
def retention_dry_run(request):
    run = retention_run_start(district=request.district, user=request.user)
    return redirect("retention:run", district_code=request.district.code, run_id=run.pk)


@retention_pages("runs/<int:run_id>/", name="run")
@district_view(Perm.MANAGE_RETENTION)
def retention_run(request, run_id):
    run = retention_run_get_for_district(request, run_id)
    return _run_page(request, run, RetentionConfirmForm())


def _run_page(request, run, form, status=200):
    labels = _report_labels()
    report = run.report or {}
    return render(
        request,
        "districts/retention/run.html",
        {
            "district": request.district,
            "run": run,
            "form": form,
            "can_confirm": can_confirm(run),
            "columns": [(key, labels[key]) for key in REPORT_KEYS],
            "schools": [
                {
                    "code": row["code"],
                    "name": row["name"],
                    "values": [row.get(key, 0) for key in REPORT_KEYS],
                }
                for row in report.get("schools", [])
            ],
            "total": [report.get("total", {}).get(key, 0) for key in REPORT_KEYS],
            "real_runs": list(run.real_runs.order_by("-created")) if run.dry_run else [],
        },
        status=status,
    )


@retention_pages("runs/<int:run_id>/confirm/", name="confirm")
@district_view(Perm.MANAGE_RETENTION)
@require_POST
def retention_run_confirm(request, run_id):
    run = retention_run_get_for_district(request, run_id)
    form = RetentionConfirmForm(request.POST)
    if not can_confirm(run):
        messages.error(
            request,
            _("This dry run can no longer be carried out. Start a new dry run and read it."),
        )
        return redirect("retention:run", district_code=request.district.code, run_id=run.pk)
    if not form.is_valid():
        return _run_page(request, run, form, status=400)
    real = retention_run_start(district=request.district, user=request.user, confirms=run)
    return redirect("retention:run", district_code=request.district.code, run_id=real.pk)

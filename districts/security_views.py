"""The district's account-security settings: whether its homeroom teachers must use two-factor
authentication (carecore/mfa.py). The district administrator's, as are the district's accounts."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecore.access import Perm, district_view
from carecore.audit import audit_record, model_changes
from carecore.models import AuditEvent
from districts.forms import DistrictSecurityForm
from districts.models import District


@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_security(request):
    district = request.district
    before = District.objects.get(pk=district.pk)
    # A form of one checkbox: unticked, it posts nothing of its own.
    data = request.POST if request.method == "POST" else None
    form = DistrictSecurityForm(data, instance=district)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            changes = model_changes(before, saved, form.changed_data)
            if changes:
                audit_record(
                    action=AuditEvent.Action.CHANGE,
                    user=request.user,
                    district=district,
                    obj=saved,
                    summary=_("Changed the district's account security settings"),
                    changes=changes,
                    request=request,
                )
            messages.success(request, _("The account security settings are saved."))
            return redirect("districts:district_security", district_code=district.code)
        messages.error(request, _("Some values need fixing; see the marked fields."))
    return render(
        request,
        "districts/district_security.html",
        {"district": district, "form": form, "grace_days": settings.MFA_GRACE_DAYS},
    )

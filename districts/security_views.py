"""The district's account-security settings: whether its homeroom teachers must use two-factor
authentication (carecore/mfa.py). The district administrator's, as are the district's accounts."""

from django.conf import settings
from django.utils.translation import gettext as _

from carecore.access import Perm, district_view
from carecore.audit import model_changes
from carecore.form_views import district_settings_page
from carecore.routes import DISTRICT
from districts.forms import DistrictSecurityForm
from districts.models import District
from districts.routes import pages


@pages(DISTRICT + "security/")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def district_security(request):
    district = request.district
    before = District.objects.get(pk=district.pk)
    # A form of one checkbox: unticked, it posts nothing of its own.
    data = request.POST if request.method == "POST" else None
    form = DistrictSecurityForm(data, instance=district)

    def save():
        saved = form.save()
        return saved, model_changes(before, saved, form.changed_data)

    return district_settings_page(
        request,
        "districts/district_security.html",
        form,
        save,
        summary=_("Changed the district's account security settings"),
        success=_("The account security settings are saved."),
        then=request.path,  # this page again
        grace_days=settings.MFA_GRACE_DAYS,
    )

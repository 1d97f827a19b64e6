"""The help page about two-factor authentication (reachable even once it is required)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from carecore.mfa import mfa_status


@login_required
def mfa_help(request):
    """What two-factor authentication is, how to set it up, and where this person stands. It
    shows nothing but the person's own account."""
    status = getattr(request, "mfa", None) or mfa_status(request)
    return render(
        request,
        "carecore/mfa_help.html",
        {"status": status, "grace_days": settings.MFA_GRACE_DAYS},
    )

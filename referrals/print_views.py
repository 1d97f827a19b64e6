"""Printing a referral (docs/referrals.md, "The letter"): the referral letter with its
acknowledgement slip, and the result report, as PDFs made by jobs.

Whoever may see the referral may print it (another's referral: 404). Starting the job writes
an EXPORT event for the student to the audit log (``school_document_start``)."""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.file_views import school_document_start
from referrals.access import referral_get_for_user


@school_view(Perm.VIEW_SCHOOL)
@require_POST
def referral_letter_print(request, referral_id):
    referral = referral_get_for_user(request, referral_id)
    title = _("Referral letter %(number)s %(name)s") % {
        "number": referral.number,
        "name": referral.student.full_name,
    }
    return school_document_start(
        request,
        kind="referral_letter",
        title=title,
        params={"referral_id": referral.pk},
        student=referral.student,
        obj=referral,
    )


@school_view(Perm.VIEW_SCHOOL)
@require_POST
def referral_result_print(request, referral_id):
    referral = referral_get_for_user(request, referral_id)
    title = _("Referral result report %(number)s %(name)s") % {
        "number": referral.number,
        "name": referral.student.full_name,
    }
    return school_document_start(
        request,
        kind="referral_result",
        title=title,
        params={"referral_id": referral.pk},
        student=referral.student,
        obj=referral,
    )

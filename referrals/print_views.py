"""Printing a referral (docs/referrals.md, "The letter"): the referral letter with its
acknowledgement slip, and the result report, as PDFs made by jobs.

Whoever may see the referral may print it (another's referral: 404). Starting the job writes
an EXPORT event for the student to the audit log (``school_document_start``)."""

from django.utils.translation import gettext as _

from carecore.file_views import record_print_view
from referrals.access import referral_get_for_user
from referrals.routes import pages


def _print_page(document: str, title):
    """The printing of one of the referral's documents (job kind ``referral_<document>``),
    placed at <referral_id>/print/<document>/ as ``referral_<document>_print``."""
    return pages(f"<int:referral_id>/print/{document}/", name=f"referral_{document}_print")(
        record_print_view(
            kind=f"referral_{document}",
            get_for_user=referral_get_for_user,
            url_kwarg="referral_id",
            title=title,
        )
    )


referral_letter_print = _print_page(
    "letter",
    lambda r: (
        _("Referral letter %(number)s %(name)s") % {"number": r.number, "name": r.student.full_name}
    ),
)
referral_result_print = _print_page(
    "result",
    lambda r: (
        _("Referral result report %(number)s %(name)s")
        % {"number": r.number, "name": r.student.full_name}
    ),
)

"""Referral papers made by jobs (see carecore.jobs): the referral letter with its
acknowledgement slip, and the result report."""

from django.utils.translation import gettext as _

from carecore.jobs import BuiltFile, JobFailed, job_kind


def _can_see_referral(request, generated) -> bool:
    """Still one who may see the referral (carecore.access.referrals_for_user)."""
    from referrals.access import referrals_for_user

    return referrals_for_user(request).filter(pk=generated.params.get("referral_id")).exists()


def _referral(generated):
    from referrals.models import Referral

    referral = (
        Referral.objects.filter(
            school_id=generated.school_id, pk=generated.params.get("referral_id")
        )
        .select_related("school__district", "student", "sender", "to_user", "agency", "accepted_by")
        .first()
    )
    if referral is None:
        raise JobFailed(_("The referral no longer exists."))
    return referral


@job_kind("referral_letter", check=_can_see_referral)
def build_referral_letter(generated, progress) -> BuiltFile:
    from referrals import documents

    content = documents.referral_letter_pdf(referral=_referral(generated))
    return BuiltFile(filename=documents.file_name(generated.title), content=content)


@job_kind("referral_result", check=_can_see_referral)
def build_referral_result(generated, progress) -> BuiltFile:
    from referrals import documents

    content = documents.referral_result_pdf(referral=_referral(generated))
    return BuiltFile(filename=documents.file_name(generated.title), content=content)

"""Pages of guardian consent (PDPA, docs/privacy.md), from the student's page: the state of each
purpose with its history (everyone who may see the student), recording a consent and
withdrawing one (the coordinator, the director and the student's homeroom teachers:
carecore.access.can_record_consent)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.form_views import add_service_errors, form_saved, student_page
from students import consent_selectors as selectors
from students import consent_services as services
from students.access import can_record_consent, student_get_for_user
from students.consent_forms import ConsentForm, WithdrawForm
from students.consent_models import GuardianConsent
from students.routes import pages


def _consents_url(request, student) -> str:
    return reverse(
        "students:consents", kwargs={"school_code": request.school.code, "student_id": student.pk}
    )


def _back(request, student):
    return redirect(_consents_url(request, student))


@pages("<int:student_id>/consents/")
@school_view(Perm.VIEW_SCHOOL)
def consents(request, student_id):
    student = student_get_for_user(request, student_id)
    history = list(selectors.consent_history(student=student))
    return student_page(
        request,
        "students/consent/consent_list.html",
        student,
        audit=_("Viewed the guardian consents"),
        states=selectors.consent_states(student=student),
        history=history,
        can_record=can_record_consent(request, student),
    )


@pages("<int:student_id>/consents/<slug:purpose>/new/")
@school_view(Perm.VIEW_SCHOOL)
def consent_new(request, student_id, purpose):
    if purpose not in GuardianConsent.Purpose.values:
        raise Http404
    student = student_get_for_user(request, student_id)
    if not can_record_consent(request, student):
        raise PermissionDenied
    if selectors.consent_current(student=student, purpose=purpose) is not None:
        messages.info(
            request,
            services.already_recorded_message(),
        )
        return _back(request, student)
    form = ConsentForm(request.POST or None, student=student)
    saved = form_saved(
        request,
        form,
        lambda data: services.consent_give(
            student=student, purpose=purpose, user=request.user, request=request, **data
        ),
        success=_("The guardian's consent is recorded."),
        then=_consents_url(request, student),
    )
    if saved:
        return saved
    return render(
        request,
        "students/consent/consent_form.html",
        {
            "school": request.school,
            "student": student,
            "purpose_label": GuardianConsent.Purpose(purpose).label,
            "purpose": purpose,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@pages("<int:student_id>/consents/<int:consent_id>/withdraw/")
@school_view(Perm.VIEW_SCHOOL)
def consent_withdraw(request, student_id, consent_id):
    student = student_get_for_user(request, student_id)
    consent = (
        GuardianConsent.objects.filter(school=request.school, student=student, pk=consent_id)
        .select_related("guardian", "recorded_by")
        .first()
    )
    if consent is None:
        raise Http404
    if not can_record_consent(request, student):
        raise PermissionDenied
    if not consent.is_current:
        messages.info(request, _("This consent was withdrawn already."))
        return _back(request, student)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.consent_withdraw(
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The withdrawal of consent is recorded."))
            if done.photos_deleted:
                messages.info(
                    request,
                    _("%(n)s home-visit photos were deleted.") % {"n": done.photos_deleted},
                )
            if done.referrals_marked:
                messages.info(
                    request,
                    _(
                        "%(n)s open external referrals are marked: consent withdrawn. Their "
                        "senders should tell the agencies."
                    )
                    % {"n": len(done.referrals_marked)},
                )
            return _back(request, student)
    return render(
        request,
        "students/consent/consent_withdraw.html",
        {
            "school": request.school,
            "student": student,
            "consent": consent,
            "effects": selectors.consent_withdrawal_effects(consent=consent),
            "form": form,
        },
        status=400 if form.errors else 200,
    )

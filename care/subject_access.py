"""Care in the subject-access export (the engine: students/subject_access.py): the activities
the student took part in (never the other children), care plans with their actions and
follow-ups, and the support received. The counselling notes only for who may read them."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from care.models import (
    Activity,
    ActivityParticipant,
    CarePlan,
    CarePlanAction,
    CarePlanFollowUp,
    Support,
)
from students.subject_access import Attachment, Collector, register_sections


def _confidential(request, student) -> dict:
    from care.access import can_see_counselling_notes

    return {"counselling_notes": can_see_counselling_notes(request, student)}


@register_sections("care", order=40, linked=(Activity, CarePlan), confidential=_confidential)
def care_sections(collector: Collector) -> None:
    student = collector.student
    participations = {
        p.activity_id: p
        for p in ActivityParticipant.objects.filter(student=student).select_related("partner")
    }
    activities = list(
        Activity.objects.filter(pk__in=participations)
        .select_related("term__academic_year", "classroom", "recorded_by")
        .order_by("date", "pk")
    )
    only_student = _sole_participant_activities(activities)

    def activity_extra(activity):
        p = participations[activity.pk]
        partner = p.partner.full_name if p.partner_id else ""
        name = _attachment_name(activity) if activity.pk in only_student else ""
        return [
            ("participant_role", _("Took part as"), p.role, p.get_role_display()),
            ("buddy", _("Buddy"), partner, partner),
            ("attachment_in_zip", _("File in the ZIP"), name, name),
        ]

    collector.add(
        "care_activities",
        gettext_lazy("Care activities"),
        activities,
        Activity,
        hide=lambda a: set() if collector.counselling_notes else {"sensitive_notes"},
        extra=activity_extra,
    )
    plans = list(
        CarePlan.objects.filter(student=student)
        .select_related("term__academic_year", "opened_by")
        .order_by("opened_on", "pk")
    )
    actions = CarePlanAction.objects.filter(plan__in=plans).order_by("plan_id", "pk")
    follow_ups = (
        CarePlanFollowUp.objects.filter(plan__in=plans)
        .select_related("recorded_by")
        .order_by("plan_id", "date", "pk")
    )
    support = (
        Support.objects.filter(student=student)
        .select_related("term__academic_year", "recorded_by")
        .order_by("date", "pk")
    )
    collector.add("care_plans", gettext_lazy("Care plans"), plans, CarePlan)
    collector.add("care_plan_actions", gettext_lazy("Care plan actions"), actions, CarePlanAction)
    collector.add(
        "care_plan_follow_ups", gettext_lazy("Care plan follow-ups"), follow_ups, CarePlanFollowUp
    )
    collector.add("support", gettext_lazy("Support received"), support, Support)
    # The attachment of an activity with this student alone is theirs; a shared one is not.
    collector.attachments += [
        Attachment(name=_attachment_name(a), file=a.attachment)
        for a in activities
        if a.pk in only_student and a.attachment
    ]


def _sole_participant_activities(activities) -> set[int]:
    """The activities whose only participant is the student (their attachment is theirs)."""
    counts = (
        ActivityParticipant.objects.filter(activity__in=activities)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["activity_id"] for row in counts if row["n"] == 1}


def _attachment_name(activity) -> str:
    if not activity.attachment:
        return ""
    suffix = activity.attachment.name.rsplit(".", 1)[-1] if "." in activity.attachment.name else ""
    suffix = suffix if suffix.isalnum() else "bin"
    return f"attachments/activity-{activity.pk}.{suffix}"

"""Satisfaction surveys (docs/district-work.md, "Satisfaction surveys").

A survey belongs to a district office (``school`` empty) or to one of its schools. It is built
of sections, each of rating questions (five levels, 5 the highest) or of open questions; it is
answered without an account through its public link, by anyone with the link (``Mode.OPEN``) or
once per code printed on a slip (``Mode.SLIPS``). Its questions are fixed once it is published:
what was answered keeps meaning what it meant.

Nothing here is about a named child: the answers are anonymous. The rows are the district's
(filtered explicitly by the lookups of ``surveys.access``), not scoped by school.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import district_field, school_field

# The public link's token: no 0, o, 1, i or l, so that it can be read aloud and typed.
LINK_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LINK_LENGTH = 8

# The five levels of a rating question, highest first, as the paper forms print them.
LEVELS = (5, 4, 3, 2, 1)
LEVEL_LABELS = {
    5: pgettext_lazy("likert", "Very high"),
    4: pgettext_lazy("likert", "High"),
    3: pgettext_lazy("likert", "Moderate"),
    2: pgettext_lazy("likert", "Low"),
    1: pgettext_lazy("likert", "Very low"),
}


def token_new() -> str:
    return "".join(secrets.choice(LINK_ALPHABET) for _ in range(LINK_LENGTH))


class Audience(models.TextChoices):
    PARENTS = "parents", pgettext_lazy("audience", "Parents")
    STUDENTS = "students", pgettext_lazy("audience", "Students")
    TEACHERS = "teachers", pgettext_lazy("audience", "Teachers")
    COMMUNITY = "community", pgettext_lazy("audience", "Community and partners")
    OTHER = "other", pgettext_lazy("audience", "Others")


class Survey(models.Model):
    class Mode(models.TextChoices):
        OPEN = "open", _("Anyone with the link (one answer per browser)")
        SLIPS = "slips", _("One answer per code printed on a slip")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed to answers")

    district = district_field("surveys")
    # The school's own survey; empty: the district office's.
    school = school_field("surveys", null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("who answers"), max_length=20, choices=Audience.choices)
    intro = models.TextField(
        _("introduction"),
        max_length=2000,
        blank=True,
        help_text=_("Shown above the questions: why the survey is made and who reads it."),
    )
    mode = models.CharField(_("who may answer"), max_length=10, choices=Mode.choices)
    # A district's survey asks which school the answer is about (the slip's school when the
    # slip names one), so that the results can be read school by school.
    ask_school = models.BooleanField(
        _("ask which school the answer is about"),
        default=True,
        help_text=_("For a district's survey: the results can then be read school by school."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    token = models.CharField(max_length=LINK_LENGTH, unique=True, default=token_new)
    created_by, created = act_fields(_("created by"), _("created"), when=CREATED)
    opened_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def asks_school(self) -> bool:
        """Whether the answer form asks for the school: a district's survey that says so."""
        return self.school_id is None and self.ask_school


class SurveyPart(models.Model):
    """A section or a question of its ``survey``: numbered through the whole survey
    (``position``; questions are ข้อ 1, 2, ... as on paper), in that order."""

    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_%(class)s_position")
        ]


class Section(SurveyPart):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating questions (five levels)")
        OPEN = "open", _("Open questions (written answers)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("section title"), max_length=200)
    kind = models.CharField(_("kind of questions"), max_length=10, choices=Kind.choices)

    def __str__(self):
        return self.title


class Question(SurveyPart):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)

    def __str__(self):
        return self.text


def slip_code_hash(code: str) -> str:
    """The stored form of a (normalised) slip code, keyed with the server's secret like the
    family slips' (students.family_models): the PDF is the only place the code is written."""
    return salted_hmac("surveys.SurveySlip", code, algorithm="sha256").hexdigest()


class SurveySlip(models.Model):
    """A code on paper that answers the survey once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="slips")
    # The school the slips were printed for (a district's survey); the answer is about it.
    school = school_field("+", null=True, blank=True)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The printing job that made it: a retried job replaces its own unused slips.
    batch = models.CharField(max_length=40, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey slip")
        verbose_name_plural = _("survey slips")

    def __str__(self):
        return f"{self.survey_id} {self.created:%Y-%m-%d}"


class SurveyResponse(models.Model):
    """One person's answers, sent once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # The school the answer is about: the survey's own, the slip's, or the one chosen.
    school = school_field("+", null=True, blank=True)
    slip = models.OneToOneField(
        SurveySlip, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    submitted = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-submitted", "-pk"]

    def __str__(self):
        return f"{self.survey_id} {self.submitted:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """The answer to one question: a level (rating questions) or a text (open questions)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="survey_answer_level",
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value or self.text[:20]}"

"""Reading surveys: the list of a place, a survey's questions, and its results (each a fixed
number of queries, whatever the number of schools, answers or questions).

Results of a rating question: n (how many answered it), the mean and the standard deviation
(of a sample, n − 1, as Thai research reports give S.D.), the count at each of the five levels,
and the usual interpretation of the mean, read on the mean rounded to two decimals as printed:
4.51–5.00 very high (มากที่สุด), 3.51–4.50 high (มาก), 2.51–3.50 moderate (ปานกลาง), 1.51–2.50
low (น้อย), 1.00–1.50 very low (น้อยที่สุด). A section's and the whole survey's figures pool every
answer of their questions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from districts.surveys.models import (
    LEVEL_LABELS,
    Answer,
    Question,
    Section,
    Survey,
    SurveyResponse,
)

# Open answers shown on the results page for each question (the spreadsheet has them all).
OPEN_ON_PAGE = 50
TWO_PLACES = Decimal("0.01")
# The lowest mean (two decimals) of each level of the interpretation.
BANDS = ((Decimal("4.51"), 5), (Decimal("3.51"), 4), (Decimal("2.51"), 3), (Decimal("1.51"), 2))


def level_of(mean: Decimal | None) -> int | None:
    """The level (5 very high ... 1 very low) a mean rounded to two decimals reads as."""
    if mean is None:
        return None
    for lowest, level in BANDS:
        if mean >= lowest:
            return level
    return 1


@dataclass(frozen=True)
class Stats:
    n: int
    mean: Decimal | None
    sd: Decimal | None

    @property
    def level(self) -> int | None:
        return level_of(self.mean)

    @property
    def level_label(self) -> str:
        level = self.level
        return str(LEVEL_LABELS[level]) if level else ""


def stats_of(counts: dict[int, int]) -> Stats:
    """n, mean and S.D. (n − 1) of answers given as {level: how many}; two decimals."""
    n = sum(counts.values())
    if not n:
        return Stats(0, None, None)
    total = sum(level * c for level, c in counts.items())
    mean = (Decimal(total) / Decimal(n)).quantize(TWO_PLACES, ROUND_HALF_UP)
    sd = None
    if n > 1:
        exact = total / n
        variance = sum(c * (level - exact) ** 2 for level, c in counts.items()) / (n - 1)
        sd = Decimal(repr(math.sqrt(variance))).quantize(TWO_PLACES, ROUND_HALF_UP)
    return Stats(n, mean, sd)


def _add(into: dict[int, int], counts: dict[int, int]) -> None:
    for level, c in counts.items():
        into[level] = into.get(level, 0) + c


# --- the list ----------------------------------------------------------------------------------
def survey_list(surveys: QuerySet[Survey]) -> list[Survey]:
    """The place's surveys, newest first, each with ``answer_count`` (one query)."""
    return list(surveys.annotate(answer_count=Count("responses")).order_by("-created", "-pk"))


def slip_counts(survey: Survey) -> dict[str, int]:
    """Slips printed and used (one query)."""
    row = survey.slips.aggregate(printed=Count("pk"), used=Count("used_at"))
    return {"printed": row["printed"] or 0, "used": row["used"] or 0}


# --- the questions -----------------------------------------------------------------------------
@dataclass
class SectionQuestions:
    section: Section
    questions: list[Question] = field(default_factory=list)


def survey_sections(survey: Survey) -> list[SectionQuestions]:
    """The survey's sections in order, each with its questions (one query)."""
    sections: dict[int, SectionQuestions] = {}
    for question in (
        Question.objects.filter(survey=survey)
        .select_related("section")
        .order_by("section__position", "position")
    ):
        entry = sections.setdefault(question.section_id, SectionQuestions(question.section))
        entry.questions.append(question)
    return list(sections.values())


# --- results -----------------------------------------------------------------------------------
@dataclass
class QuestionResult:
    question: Question
    counts: dict[int, int]
    stats: Stats


@dataclass
class SectionResult:
    section: Section
    questions: list[QuestionResult]
    stats: Stats


@dataclass(frozen=True)
class OpenText:
    text: str
    submitted: object
    school_name: str


@dataclass
class OpenResult:
    question: Question
    total: int
    texts: list[OpenText]

    @property
    def more(self) -> int:
        return self.total - len(self.texts)


@dataclass(frozen=True)
class SchoolRow:
    code: str
    name: str
    responses: int
    stats: Stats


@dataclass
class Results:
    survey: Survey
    school: object  # the school the results are narrowed to (a district's survey), or None
    responses: int
    rating: list[SectionResult]
    open: list[OpenResult]
    overall: Stats
    schools: list[SchoolRow]


def _answers(survey: Survey, school) -> QuerySet[Answer]:
    answers = Answer.objects.filter(question__survey=survey)
    return answers.filter(response__school=school) if school is not None else answers


def open_answers(survey: Survey, *, school=None, per_question: int | None = OPEN_ON_PAGE):
    """The written answers, newest first, by question id: ``per_question`` of each (None: all),
    and how many each question has (two queries)."""
    answers = (
        _answers(survey, school).filter(question__section__kind=Section.Kind.OPEN).exclude(text="")
    )
    totals = dict(answers.values_list("question_id").annotate(n=Count("pk")).order_by())
    rows = answers.values("question_id", "text", "response__submitted", "response__school__name")
    if per_question is not None:
        rows = rows.annotate(
            row=Window(RowNumber(), partition_by=[F("question_id")], order_by=F("pk").desc())
        ).filter(row__lte=per_question)
    texts: dict[int, list[OpenText]] = defaultdict(list)
    for row in rows.order_by("question_id", "-pk"):
        texts[row["question_id"]].append(
            OpenText(row["text"], row["response__submitted"], row["response__school__name"] or "")
        )
    return totals, texts


def school_rows(survey: Survey) -> list[SchoolRow]:
    """A district survey's answers per school: how many, and the mean of their ratings
    (one query; the schools with answers only)."""
    rows = (
        SurveyResponse.objects.filter(survey=survey, school__isnull=False)
        .values("school__code", "school__name")
        .annotate(responses=Count("pk", distinct=True))
        .order_by()
    )
    level_counts = (
        Answer.objects.filter(question__survey=survey, value__isnull=False)
        .filter(response__school__isnull=False)
        .values("response__school__code", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_school: dict[str, dict[int, int]] = defaultdict(dict)
    for row in level_counts:
        by_school[row["response__school__code"]][row["value"]] = row["n"]
    result = [
        SchoolRow(
            row["school__code"],
            row["school__name"],
            row["responses"],
            stats_of(by_school.get(row["school__code"], {})),
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.responses, r.code))


def survey_results(
    survey: Survey, *, school=None, per_question: int | None = OPEN_ON_PAGE
) -> Results:
    """Everything the results page, the PDF and the spreadsheet show (seven queries; the
    schools' table only for a district's survey read as a whole)."""
    sections = survey_sections(survey)
    responses = SurveyResponse.objects.filter(survey=survey)
    if school is not None:
        responses = responses.filter(school=school)
    response_count = responses.count()
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        _answers(survey, school)
        .filter(value__isnull=False)
        .values("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["question_id"]][row["value"]] = row["n"]
    totals, texts = open_answers(survey, school=school, per_question=per_question)

    rating, open_results, overall = [], [], {}
    for entry in sections:
        if entry.section.kind == Section.Kind.RATING:
            pooled: dict[int, int] = {}
            questions = []
            for question in entry.questions:
                question_counts = counts.get(question.pk, {})
                _add(pooled, question_counts)
                questions.append(
                    QuestionResult(question, question_counts, stats_of(question_counts))
                )
            _add(overall, pooled)
            rating.append(SectionResult(entry.section, questions, stats_of(pooled)))
        else:
            for question in entry.questions:
                open_results.append(
                    OpenResult(question, totals.get(question.pk, 0), texts.get(question.pk, []))
                )
    schools = school_rows(survey) if survey.school_id is None and school is None else []
    return Results(
        survey=survey,
        school=school,
        responses=response_count,
        rating=rating,
        open=open_results,
        overall=stats_of(overall),
        schools=schools,
    )


def response_rows(survey: Survey) -> tuple[list[Question], list[dict]]:
    """Every answer, one row per response (for the spreadsheet): the questions in order, and
    for each response its date, school and {question id: level or text} (three queries)."""
    questions = list(Question.objects.filter(survey=survey).order_by("position"))
    responses = {
        r["pk"]: {"submitted": r["submitted"], "school": r["school__name"] or "", "answers": {}}
        for r in SurveyResponse.objects.filter(survey=survey)
        .order_by("submitted", "pk")
        .values("pk", "submitted", "school__name")
    }
    answers = Answer.objects.filter(response__survey=survey).values(
        "response_id", "question_id", "value", "text"
    )
    for row in answers.iterator(chunk_size=5000):
        entry = responses.get(row["response_id"])
        if entry is not None:
            entry["answers"][row["question_id"]] = (
                row["value"] if row["value"] is not None else row["text"]
            )
    return questions, list(responses.values())

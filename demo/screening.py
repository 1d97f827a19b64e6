"""Demo screening for term 1: SDQ forms from teachers, parents and students with a realistic spread
of groups (most children normal, some at risk, fewer with problems), a few drafts and missing
forms, some overrides with their reasons, and EQ forms for a share of the older children.

Answers are drawn per child from a profile (calm, mild, marked difficulties in one or two
scales), then scored by the real scoring code, so the groups follow from the answers exactly as
they would from a teacher's entry.
"""

from __future__ import annotations

import random

from django.utils import timezone

from schools.models import Grade, Term
from screening import scoring
from screening.models import (
    AspectResult,
    CareGroup,
    CareGroupChange,
    EqResponse,
    Rater,
    SdqResponse,
    Source,
    Status,
)
from screening.services import _apply_sdq_result, care_group_derive
from students.models import Enrolment

DIFFICULTY_SCALES = ("emotional", "conduct", "hyperactivity", "peer")
# P(answer 0, 1, 2) for an item that measures a difficulty, by how strong it is in the child.
STRENGTH = {
    "calm": (0.88, 0.11, 0.01),
    "mild": (0.58, 0.33, 0.09),
    "marked": (0.12, 0.38, 0.50),
}
OVERRIDE_REASONS = [
    "ครูประจำชั้นสังเกตพฤติกรรมต่อเนื่อง พบว่าแยกตัวจากเพื่อนบ่อย",
    "ผู้ปกครองแจ้งว่ามีปัญหาครอบครัว ขอให้ติดตามใกล้ชิด",
    "ผลการประเมินจากผู้ปกครองสูงกว่าที่ครูสังเกต หลังพูดคุยแล้วเห็นว่าอยู่ในเกณฑ์ปกติ",
]


def _profile(rng: random.Random) -> dict[str, str]:
    """How strong each difficulty is in one child."""
    roll = rng.random()
    profile = dict.fromkeys(DIFFICULTY_SCALES, "calm")
    if roll < 0.76:
        return profile
    if roll < 0.95:
        for scale in rng.sample(DIFFICULTY_SCALES, rng.choice([1, 2])):
            profile[scale] = "mild"
        return profile
    for scale in rng.sample(DIFFICULTY_SCALES, rng.choice([1, 1, 2])):
        profile[scale] = "marked"
    return profile


def _answers(rng: random.Random, key, profile: dict[str, str], noise: float) -> list[int]:
    # Raters do not agree perfectly: one may see a scale one step calmer or stronger.
    seen = dict(profile)
    for scale, strength in profile.items():
        if rng.random() < noise:
            seen[scale] = {"calm": "mild", "mild": "calm", "marked": "mild"}[strength]
    answers = []
    for item in range(1, 26):
        scale = key.subscale_of(item)
        if scale == "prosocial":
            answers.append(rng.choices((0, 1, 2), weights=(0.08, 0.37, 0.55))[0])
            continue
        difficulty = rng.choices((0, 1, 2), weights=STRENGTH[seen[scale]])[0]
        answers.append(2 - difficulty if item in key.reverse else difficulty)
    return answers


def _impact(rng: random.Random, key, rater: str, profile: dict[str, str]) -> dict:
    marked = sum(v == "marked" for v in profile.values())
    mild = sum(v == "mild" for v in profile.values())
    if marked:
        gate = rng.choice([2, 2, 3])
    elif mild:
        gate = rng.choice([0, 0, 1])
    else:
        gate = 0 if rng.random() < 0.98 else 1
    impact = {"difficulties": gate}
    if gate:
        weights = (0.2, 0.3, 0.35, 0.15) if marked else (0.6, 0.37, 0.03, 0.0)
        impact["chronicity"] = rng.randrange(4)
        for name in ("distress", *key.impact_areas(rater)):
            impact[name] = rng.choices((0, 1, 2, 3), weights=weights)[0]
        if rater != Rater.STUDENT:
            impact["burden"] = rng.choices((0, 1, 2, 3), weights=weights)[0]
    return impact


def group_override(group: CareGroup, level: str, reason: str, *, by_id, at) -> CareGroupChange:
    """Move ``group`` to ``level`` by hand, as a teacher does (screening.services.
    care_group_override, without saving): returns the change row, not saved either."""
    change = CareGroupChange(
        group=group, from_level=group.level, to_level=level, reason=reason, changed_by_id=by_id
    )
    group.level = group.override_level = level
    group.override_reason = reason
    group.overridden_by_id = by_id
    group.overridden_at = at
    return change


def seed_screening(*, academic_year, rng: random.Random, reviewers: dict[int, int]) -> dict:
    """Screen term 1 of ``academic_year`` for every enrolled child from อ.2 up.

    ``reviewers`` maps a classroom id to the id of one of its homeroom teachers, who is recorded
    as having entered the teacher forms and made any override."""
    term = Term.objects.get(academic_year=academic_year, number=1)
    key = scoring.sdq_key()
    criteria = scoring.DEFAULT_SDQ_CRITERIA
    enrolments = (
        # The teacher SDQ is for children from four: from อ.2 up.
        Enrolment.objects.filter(academic_year=academic_year, classroom__grade__gte=Grade.K2)
        .select_related("student", "classroom")
        .order_by("classroom_id", "number")
    )
    responses: list[SdqResponse] = []
    eq_rows: list[EqResponse] = []
    per_student: dict[int, tuple] = {}
    # Some classrooms are behind: their teachers have not finished the parent forms.
    behind = {c for c in reviewers if rng.random() < 0.2}
    for enrolment in enrolments:
        student, classroom = enrolment.student, enrolment.classroom
        teacher_id = reviewers.get(classroom.pk)
        profile = _profile(rng)
        mine = []
        for rater in scoring.sdq_forms_for_grade(classroom.grade):
            chance = {"teacher": 0.97, "parent": 0.86, "student": 0.9}[rater]
            if classroom.pk in behind and rater != Rater.TEACHER:
                chance = 0.45
            if rng.random() > chance:
                continue
            answers = _answers(rng, key, profile, noise=0.02 if rater == "teacher" else 0.05)
            response = SdqResponse(
                student=student,
                term=term,
                rater=rater,
                answers=answers,
                impact_answers=_impact(rng, key, rater, profile),
                source=Source.FORM if rater == Rater.TEACHER else Source.LINK,
                entered_by_id=teacher_id if rater == Rater.TEACHER else None,
            )
            if rng.random() < 0.03:
                # A draft: a few items not yet answered.
                for item in rng.sample(range(25), rng.randint(1, 4)):
                    response.answers[item] = None
                response.status = Status.DRAFT
            else:
                result = scoring.sdq_score(
                    answers, rater, impact=response.impact_answers, criteria=criteria
                )
                _apply_sdq_result(response, result)
            mine.append(response)
        # EQ self-report for some of the 12-year-olds and up.
        age = student.age_on(term.start)
        if age is not None and age >= 12 and rng.random() < 0.5:
            eq_answers = [rng.choices((1, 2, 3, 4), weights=(1, 3, 5, 4))[0] for _ in range(52)]
            result = scoring.eq_score("eq12", eq_answers)
            eq_rows.append(
                EqResponse(
                    student=student,
                    term=term,
                    instrument="eq12",
                    rater=Rater.STUDENT,
                    status=Status.COMPLETE,
                    answers=eq_answers,
                    scores={
                        "scales": result.scales,
                        "domains": result.domains,
                        "t_scores": result.t_scores,
                        "levels": result.levels,
                        "norms_missing": result.norms_missing,
                    },
                    total=result.total,
                    total_level=result.levels.get("total") or "",
                    level=result.care_level,
                    version=result.version,
                    source=Source.FORM,
                    entered_by_id=teacher_id,
                )
            )
        responses.extend(mine)
        per_student[student.pk] = (student, mine, teacher_id)
    SdqResponse.objects.bulk_create(responses, batch_size=2000)
    EqResponse.objects.bulk_create(eq_rows, batch_size=2000)

    # Special ability: a few children with a talent recorded in the aspect screening.
    talents = [
        ("ability_sports", "ด้านกีฬา"),
        ("ability_arts", "ด้านศิลปะและดนตรี"),
        ("ability_academic", "ด้านวิชาการ"),
    ]
    aspect_rows = []
    for student, _mine, teacher_id in per_student.values():
        if rng.random() < 0.035:
            code, label = rng.choice(talents)
            aspect_rows.append(
                AspectResult(
                    student=student,
                    term=term,
                    aspect="special_ability",
                    level="special",
                    indicators=[{"code": code, "level": "special", "label": label}],
                    criteria_version="aspects-obec-1",
                    confirmed_by_id=teacher_id,
                )
            )
    AspectResult.objects.bulk_create(aspect_rows, batch_size=2000)
    aspects_by_student = {row.student_id: [row] for row in aspect_rows}

    eq_by_student: dict[int, list] = {}
    for row in eq_rows:
        eq_by_student.setdefault(row.student_id, []).append(row)
    groups: list[CareGroup] = []
    changes: list[CareGroupChange] = []
    now = timezone.now()
    for student, mine, teacher_id in per_student.values():
        derived = care_group_derive(
            sdq=mine,
            eq=eq_by_student.get(student.pk, []),
            aspects=aspects_by_student.get(student.pk, []),
        )
        if derived is None:
            continue
        group = CareGroup(student=student, term=term, school_id=student.school_id)
        group.derived_level, group.reasons, group.special, group.special_reasons = derived
        level = group.level = group.derived_level
        if rng.random() < 0.006:
            new_level = {"normal": "risk", "risk": "problem", "problem": "risk"}[level]
            if level == "problem":
                new_level = "normal" if rng.random() < 0.3 else "risk"
            reason = rng.choice(OVERRIDE_REASONS)
            changes.append(group_override(group, new_level, reason, by_id=teacher_id, at=now))
        groups.append(group)
    CareGroup.objects.bulk_create(groups, batch_size=2000)
    CareGroupChange.objects.bulk_create(changes)
    counts = {"normal": 0, "risk": 0, "problem": 0}
    for group in groups:
        counts[group.level] += 1
    return {"term": term, "forms": len(responses), "groups": counts}

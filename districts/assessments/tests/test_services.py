"""Self-assessment's rules: the window, submitting, the raters' scores and their mean, the
levels of the results, releasing and the awards."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from districts.assessments import selectors, services
from districts.assessments.models import AssessmentRound, Evaluation, SelfAssessment
from districts.assessments.tests.factories import make_round, release, score, submit

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    """The services' messages read in English here (the pages' Thai: test_views.py)."""
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_the_window_refuses_early_and_late_self_assessments(world):
    a = world.a
    round_ = make_round(a)
    today = timezone.localdate()
    with scopes_disabled():
        for day, words in ((today - 8 * DAY, "opens on"), (today + 8 * DAY, "closed on")):
            with pytest.raises(ValidationError, match=words):
                services.assessment_save(
                    round_=round_, school=a.school, entries={}, user=a.users["director"], today=day
                )
        assert not SelfAssessment.objects.exists()
        # Inside the window a draft is kept; submitting needs every indicator.
        draft = services.assessment_save(
            round_=round_, school=a.school, entries={}, user=a.users["director"]
        )
        assert draft.status == SelfAssessment.Status.DRAFT
        with pytest.raises(ValidationError) as refused:
            services.assessment_save(
                round_=round_, school=a.school, entries={}, user=a.users["director"], submit=True
            )
        assert len(refused.value.error_dict) == 3
    submitted = submit(a, round_)
    assert submitted.status == SelfAssessment.Status.SUBMITTED
    with scopes_disabled(), pytest.raises(ValidationError, match="submitted"):
        services.assessment_save(
            round_=round_, school=a.school, entries={}, user=a.users["director"]
        )


@pytest.mark.django_db
def test_a_draft_round_and_a_school_outside_it_are_refused(world):
    a, b = world.a, world.b
    draft = make_round(a, publish=False)
    with scopes_disabled():
        with pytest.raises(ValidationError, match="closed"):
            services.assessment_save(
                round_=draft, school=a.school, entries={}, user=a.users["director"]
            )
        round_ = services.round_publish(round_=draft)
        with pytest.raises(ValidationError, match="not among"):
            services.assessment_save(
                round_=round_, school=b.school, entries={}, user=b.users["director"]
            )
        with pytest.raises(ValidationError):  # the rubric is fixed once published
            services.rubric_save(round_=round_, rows=[services.IndicatorRow("ใหม่")], revision=None)


@pytest.mark.django_db
def test_the_mean_counts_done_scores_by_weight_and_gives_the_level(world):
    a = world.a
    round_ = make_round(a, raters=("district_supervisor", "network"), weights={0: 2})
    assessment = submit(a, round_)
    score(assessment, a.users["district_supervisor"], (5, 4, 3))
    score(assessment, a.users["network"], (4, 4, 4))
    # A draft of a third rater does not count.
    score(assessment, a.users["district_admin"], (1, 1, 1), done=False)
    with scopes_disabled():
        results = selectors.results(round_, assessment)
        (row,) = selectors.round_schools(round_)
    assert [r.mean for r in results.indicators] == [4.5, 4.0, 3.5]
    # (4.5 * 2 + 4.0 + 3.5) / 4
    assert results.mean == 4.12 == row.mean
    assert results.band == "ดีมาก" == row.band
    assert row.raters_done == 2
    assert len(results.evaluations) == 3


@pytest.mark.django_db
def test_scores_need_a_submitted_assessment_and_are_fixed_once_released(world):
    a = world.a
    round_ = make_round(a)
    rater = a.users["district_supervisor"]
    with scopes_disabled():
        draft = services.assessment_save(
            round_=round_, school=a.school, entries={}, user=a.users["director"]
        )
        with pytest.raises(ValidationError, match="not submitted"):
            services.evaluation_save(assessment=draft, rater=rater, scores={})
    assessment = submit(a, round_)
    with scopes_disabled(), pytest.raises(ValidationError):
        services.evaluation_save(assessment=assessment, rater=rater, scores={}, done=True)
    with pytest.raises(ValidationError, match="No school"):
        release(round_)
    score(assessment, rater)
    round_ = release(round_)
    assert round_.status == AssessmentRound.Status.RELEASED
    with pytest.raises(ValidationError, match="fixed"):
        score(assessment, rater, (1, 1, 1))
    with scopes_disabled():
        assert Evaluation.objects.get().scores.filter(level=4).count() == 3


@pytest.mark.django_db
def test_a_rater_is_district_or_network_staff_of_the_district_given_some_schools(world):
    a, b = world.a, world.b
    round_ = make_round(a, raters=())
    with scopes_disabled():
        for user in (a.users["director"], b.users["district_supervisor"]):
            with pytest.raises(ValidationError):
                services.rater_set(round_=round_, user=user, schools=[])
        with pytest.raises(ValidationError):
            services.rater_set(round_=round_, user=a.users["network"], schools=[b.school])
        services.rater_set(round_=round_, user=a.users["network"], schools=[a.school])
        assert selectors.given_school_ids(round_, a.users["network"]) == {a.school.pk}
        assert selectors.given_school_ids(round_, a.users["district_admin"]) == set()


@pytest.mark.django_db
def test_awards_are_given_once_released_with_the_level(world):
    a = world.a
    round_ = make_round(a)
    assessment = submit(a, round_)
    score(assessment, a.users["district_supervisor"], (5, 5, 4))
    with scopes_disabled():
        category = services.category_create(
            round_=round_, title="สถานศึกษาต้นแบบระบบการดูแลช่วยเหลือนักเรียน", min_mean=4.5
        )
        with pytest.raises(ValidationError, match="released"):
            services.awards_set(category=category, schools=[a.school], levels={}, user=None)
    release(round_)
    with scopes_disabled():
        category.refresh_from_db()
        services.awards_set(
            category=category, schools=[a.school], levels={a.school.pk: "ดีเยี่ยม"}, user=None
        )
        assert [(x.school, x.level) for x in category.awards.all()] == [(a.school, "ดีเยี่ยม")]
        services.awards_set(category=category, schools=[], levels={}, user=None)
        assert not category.awards.exists()


def test_the_default_levels_scale_to_the_rubric():
    assert services.default_bands(5)[0] == {"min": 4.51, "title": "ดีเยี่ยม"}
    assert services.default_bands(3)[0]["min"] == 2.75

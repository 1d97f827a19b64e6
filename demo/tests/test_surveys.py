"""The demo's satisfaction surveys: district1's parents' survey open with answers from every
school, last term's community survey closed (answered by slip codes), director1's school's
teachers' survey, and a draft."""

import pytest

from demo.world import demo_build
from districts.surveys.models import Survey, SurveySlip
from districts.surveys.selectors import survey_results

pytestmark = pytest.mark.django_db


def test_the_demo_has_surveys_with_answers():
    result = demo_build(schools=2, students=200, seed=11)
    surveys = {s.audience: s for s in Survey.objects.filter(district=result.district)}
    assert set(surveys) == {"parents", "community", "teachers", "students"}
    parents = surveys["parents"]
    assert parents.is_open and parents.school is None and parents.created_by.username == "district1"
    results = survey_results(parents)
    assert results.responses == 36
    assert {row.code for row in results.schools} == set(
        result.district.schools.values_list("code", flat=True)
    )
    assert results.overall.level in (4, 5)
    assert any(item.total for item in results.open)
    community = surveys["community"]
    assert community.status == Survey.Status.CLOSED
    assert SurveySlip.objects.filter(survey=community, used_at__isnull=False).count() == 6
    assert community.responses.filter(slip__isnull=False).count() == 6
    teachers = surveys["teachers"]
    director1 = teachers.created_by
    assert director1.memberships.filter(school=teachers.school, role="director").exists()
    assert director1.username == "director1" and teachers.responses.count() == 9
    assert surveys["students"].is_draft

"""The figures of a survey: n, mean, S.D. (n − 1), the five levels' interpretation of the mean,
sections and the whole survey pooled, the answers per school, the written answers."""

import statistics
from decimal import Decimal

import pytest

from districts.surveys.models import LEVEL_LABELS
from districts.surveys.selectors import level_of, stats_of, survey_results
from districts.surveys.tests.factories import answer, make_survey
from schools.models import School


@pytest.mark.parametrize(
    ("mean", "level"),
    [
        ("5.00", 5),
        ("4.51", 5),
        ("4.50", 4),
        ("3.51", 4),
        ("3.50", 3),
        ("2.51", 3),
        ("2.50", 2),
        ("1.51", 2),
        ("1.50", 1),
        ("1.00", 1),
    ],
)
def test_the_usual_interpretation_of_a_mean(mean, level):
    assert level_of(Decimal(mean)) == level


def test_stats_match_the_textbook_formulas():
    values = [5, 5, 4, 4, 4, 3, 2, 5, 1, 4]
    counts = {v: values.count(v) for v in set(values)}
    stats = stats_of(counts)
    assert stats.n == 10
    assert stats.mean == Decimal("3.70")
    assert stats.sd == Decimal(f"{statistics.stdev(values):.2f}")  # n − 1: 1.34
    assert stats.level == 4
    assert stats.level_label == str(LEVEL_LABELS[4])


def test_the_mean_is_read_as_printed():
    # 4.505 is printed 4.51 (half up), and read as very high.
    stats = stats_of({5: 101, 4: 99})
    assert stats.mean == Decimal("4.51")
    assert stats.level == 5


def test_one_answer_has_no_sd_and_none_has_no_mean():
    assert stats_of({3: 1}).sd is None
    assert stats_of({}) == stats_of({1: 0})
    assert stats_of({}).mean is None and stats_of({}).level_label == ""


@pytest.mark.django_db
def test_results_per_question_section_school_and_written(world):
    a = world.a
    b_school = School.objects.create(
        code="1040000099", name="โรงเรียนบ้านดอน", district=a.district, network=a.network
    )
    survey = make_survey(a.district)
    answer(survey, [5, 4], ["ครูใส่ใจดีมาก"], school=a.school)
    answer(survey, [4, 4], [""], school=a.school)
    answer(survey, [3, 2], ["อยากให้เยี่ยมบ้านบ่อยขึ้น"], school=b_school)

    results = survey_results(survey)
    assert results.responses == 3
    first, second = results.rating[0].questions
    assert first.counts == {5: 1, 4: 1, 3: 1}
    assert (first.stats.n, first.stats.mean, first.stats.sd) == (
        3,
        Decimal("4.00"),
        Decimal("1.00"),
    )
    assert second.stats.mean == Decimal("3.33")
    assert results.rating[0].stats.n == 6
    assert results.overall.mean == Decimal("3.67")
    assert results.overall.level == 4
    (written,) = results.open
    assert written.total == 2  # the empty answer is not one
    assert [t.text for t in written.texts] == ["อยากให้เยี่ยมบ้านบ่อยขึ้น", "ครูใส่ใจดีมาก"]
    by_code = {row.code: row for row in results.schools}
    assert by_code[a.school.code].responses == 2
    assert by_code[a.school.code].stats.mean == Decimal("4.25")
    assert by_code[b_school.code].stats.mean == Decimal("2.50")
    assert by_code[b_school.code].stats.level == 2

    # One school's answers.
    mine = survey_results(survey, school=a.school)
    assert mine.responses == 2
    assert mine.overall.mean == Decimal("4.25")
    assert mine.schools == []
    assert [t.text for t in mine.open[0].texts] == ["ครูใส่ใจดีมาก"]


@pytest.mark.django_db
def test_the_page_shows_the_newest_written_answers_of_each_question(world):
    survey = make_survey(world.a.district)
    for n in range(7):
        answer(survey, [4, 4], [f"ข้อความ {n}"])
    results = survey_results(survey, per_question=3)
    (written,) = results.open
    assert written.total == 7 and written.more == 4
    assert [t.text for t in written.texts] == ["ข้อความ 6", "ข้อความ 5", "ข้อความ 4"]
    assert len(survey_results(survey, per_question=None).open[0].texts) == 7

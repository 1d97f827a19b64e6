"""The simulated cohort (earlywarning/simulate.py): the same seed gives the same students and
figures, and the figures docs/early-warning.md quotes are what the command prints."""

import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from earlywarning import simulate

DOC = Path(settings.BASE_DIR) / "docs" / "early-warning.md"


def test_the_same_seed_gives_the_same_cohort_and_figures():
    one = simulate.evaluate_cohort(300, seed=7)
    two = simulate.evaluate_cohort(300, seed=7)
    assert one.weeks == two.weeks and one.codes == two.codes and one.left == two.left
    assert simulate.table(one) == simulate.table(two)
    assert simulate.evaluate_cohort(300, seed=8).codes != one.codes


def test_a_student_does_not_depend_on_the_size_of_the_cohort():
    small = simulate.evaluate_cohort(40)
    large = simulate.evaluate_cohort(120)
    assert large.codes[:40] == small.codes and large.left[:40] == small.left


def test_a_student_is_seen_only_on_mondays_of_school_weeks_before_leaving():
    for index in range(200):
        student = simulate.simulate_student(index)
        weeks = [week for week, _facts in student.facts]
        assert all(simulate._term_of(week) is not None for week in weeks)
        if student.left is not None:
            assert all(week < student.left for week in weeks)


def test_the_documented_figures_are_what_the_command_prints():
    out = StringIO()
    call_command("earlywarning_simulate", "--sweep", stdout=out)
    section = DOC.read_text().split("## Accuracy on a simulated cohort", 1)[1]
    quoted = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    assert quoted.strip() == out.getvalue().strip()

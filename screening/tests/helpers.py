"""SDQ answers and form data shared by the screening tests."""

# Items per scale (DESIGN.md §4). Reverse items 7, 11, 14, 21, 25 score 2 for an answer of 0.
EMOTIONAL = (3, 8, 13, 16, 24)
REVERSE = (7, 11, 14, 21, 25)


def calm_answers() -> list[int]:
    """Answers with every difficulty scale at 0: 0 everywhere, 2 on the reverse items."""
    return [2 if n in REVERSE else 0 for n in range(1, 26)]


def post_items(answers, **extra) -> dict:
    """The SDQ form's POST data: q1…q25 (an unanswered item as an empty field), plus ``extra``."""
    data = {f"q{n}": "" if a is None else str(a) for n, a in enumerate(answers, start=1)}
    data.update(extra)
    return data

"""A student's early-warning trend, week by week, drawn on the server: the bars of a small SVG
(no JavaScript, no plotting library) that the student's card draws (earlywarning/templates/
earlywarning/_trend.html), one per week of the last ``TREND_WEEKS``, its height the score and
its colour the level; a week without a snapshot (before the first computation, or a holiday
week the job did not run) is a gap, not a zero."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from earlywarning.model import LEVEL_LABELS
from earlywarning.selectors import week_of

TREND_WEEKS = 12
# The drawing, in viewBox units: bars BAR wide with GAP between, up to HEIGHT high.
BAR, GAP, HEIGHT = 22, 6, 60
# Room under the bars for the dates of the first and last week.
LABELS = 16
# The score that fills a bar (higher scores are drawn full height).
SCALE = 12


@dataclass(frozen=True)
class Bar:
    week: datetime.date
    level: str  # "" for a week without a snapshot
    score: int | None
    x: int
    y: int
    height: int

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, ""))


@dataclass(frozen=True)
class Trend:
    bars: list[Bar]
    width: int
    baseline: int  # the bars stand on it; the first and last week are written under it
    bar: int = BAR
    drawing_height: int = HEIGHT + LABELS
    label_y: int = HEIGHT + LABELS - 3

    @property
    def known(self) -> list[Bar]:
        return [b for b in self.bars if b.level]


def trend_bars(snapshots: Iterable, today=None) -> Trend | None:
    """The bars of the last ``TREND_WEEKS`` weeks up to the week of ``today`` (a date or a
    datetime; default today), from ``snapshots`` (anything with ``week``, ``level``,
    ``score``). None when there is no snapshot at all."""
    by_week = {s.week: s for s in snapshots}
    if not by_week:
        return None
    if today is None:
        today = timezone.localdate()
    elif isinstance(today, datetime.datetime):
        today = timezone.localtime(today).date() if timezone.is_aware(today) else today.date()
    last = max(week_of(today), max(by_week))
    weeks = [last - datetime.timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    bars = []
    for i, week in enumerate(weeks):
        snapshot = by_week.get(week)
        score = snapshot.score if snapshot else None
        height = 0 if score is None else max(2, round(min(score, SCALE) / SCALE * HEIGHT))
        bars.append(
            Bar(
                week=week,
                level=snapshot.level if snapshot else "",
                score=score,
                x=i * (BAR + GAP),
                y=HEIGHT - height,
                height=height,
            )
        )
    return Trend(bars=bars, width=TREND_WEEKS * (BAR + GAP) - GAP, baseline=HEIGHT)

"""Reads of supervision, each in a fixed number of queries whatever the number of schools: the
district's rounds with their counts, a round's schools with their visit, and the summary across
schools (the mean level of each step per network: which steps are weak where)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q

from carecore.thai import thai_sort_key
from districts.supervision.models import Round, Visit, VisitStep
from schools.models import School

SENT = (Visit.Status.SENT, Visit.Status.ANSWERED)


def rounds_of_district(district, *, network=None) -> list[Round]:
    """The district's rounds (``network``: only its team's), newest first, with ``n_schools``,
    ``n_sent`` and ``n_answered`` (one query)."""
    rounds = Round.objects.filter(district=district)
    if network is not None:
        rounds = rounds.filter(network=network)
    return list(
        rounds.select_related("network").annotate(
            n_schools=Count("schools", distinct=True),
            n_sent=Count("visits", filter=Q(visits__status__in=SENT), distinct=True),
            n_answered=Count(
                "visits", filter=Q(visits__status=Visit.Status.ANSWERED), distinct=True
            ),
        )
    )


@dataclass
class SchoolRow:
    school: School
    visit: Visit | None


def round_schools(round_: Round) -> list[SchoolRow]:
    """The round's schools by network and name, each with its visit (two queries)."""
    schools = list(round_.schools.select_related("network"))
    schools.sort(
        key=lambda s: (thai_sort_key(s.network.name if s.network else ""), thai_sort_key(s.name))
    )
    visits = {v.school_id: v for v in Visit.objects.filter(round=round_)}
    return [SchoolRow(school, visits.get(school.pk)) for school in schools]


@dataclass
class Cell:
    mean: float | None
    n: int
    levels: int

    @property
    def share(self) -> float:
        """The mean as a percent of the top level (the chart's bar)."""
        return 0.0 if self.mean is None else round(100 * self.mean / self.levels, 1)

    @property
    def weak(self) -> bool:
        """Below the middle of the scale: the step needs help there."""
        return self.mean is not None and self.mean < (self.levels + 1) / 2


@dataclass
class Place:
    name: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Summary:
    steps: list[dict]
    places: list[Place]
    overall: Place
    visits: int


def summary(round_: Round) -> Summary:
    """The mean level of each step per network and over the round, from the visits sent to the
    schools (two queries: the networks, the means)."""
    steps = round_.form
    rows = (
        VisitStep.objects.filter(visit__round=round_, visit__status__in=SENT, level__isnull=False)
        .values("number", "visit__school__network_id", "visit__school__network__name")
        .annotate(mean=Avg("level"), n=Count("pk"))
        .order_by()
    )
    by_network: dict[int | None, dict] = {}
    names: dict[int | None, str] = {}
    for row in rows:
        key = row["visit__school__network_id"]
        names[key] = row["visit__school__network__name"] or ""
        by_network.setdefault(key, {})[row["number"]] = (float(row["mean"]), row["n"])
    places = []
    totals = {n: [0.0, 0] for n in range(1, len(steps) + 1)}
    for key in sorted(by_network, key=lambda k: thai_sort_key(names[k])):
        place = Place(names[key])
        for n, step in enumerate(steps, start=1):
            mean, count = by_network[key].get(n, (None, 0))
            place.cells.append(
                Cell(None if mean is None else round(mean, 2), count, step["levels"])
            )
            if mean is not None:
                totals[n][0] += mean * count
                totals[n][1] += count
        places.append(place)
    overall = Place(
        "",
        [
            Cell(round(t / c, 2) if c else None, c, step["levels"])
            for (t, c), step in zip(totals.values(), steps, strict=True)
        ],
    )
    visits = Visit.objects.filter(round=round_, status__in=SENT).count()
    return Summary(steps=steps, places=places, overall=overall, visits=visits)

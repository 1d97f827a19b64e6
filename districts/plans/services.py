"""Writes of the district's plan (docs/district-work.md, "The district's plan"): a plan for an
academic year (perhaps from the previous year's), its text and strategies, its projects, its
indicators, publishing it and taking it back. Every write checks and bumps the plan's revision,
so two people editing the plan do not overwrite each other. Nothing here is about a student, so
nothing goes to the audit log; who changed the plan last is on it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.writes import StaleRevision, bump_revision, refuse_stale
from districts.plans.models import Indicator, Measure, Plan, Project, Strategy


class StalePlan(StaleRevision):
    """Someone saved the plan after this form was opened."""


@dataclass
class ProjectRow:
    strategy: int  # the strategy's number
    title: str
    owner_name: str = ""
    owner_id: int | None = None
    budget: Decimal = Decimal(0)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


@dataclass
class IndicatorRow:
    title: str
    measure: str
    unit: str
    target: Decimal
    actual: Decimal | None = None


def _locked(plan: Plan, revision: int | None) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    return refuse_stale(locked, revision, StalePlan)


def _touch(plan: Plan, user, *fields: str) -> None:
    plan.updated_by = user
    bump_revision(plan, "updated_by", *fields)


def plan_create(
    *, district, academic_year, title: str, policy: str = "", strategies=(), copy=False, user
) -> Plan:
    """A draft plan for ``academic_year``; with ``copy``, the strategies, projects and
    indicators of the district's latest plan of an earlier year (projects without their
    dates, indicators without a typed actual)."""
    if Plan.objects.filter(district=district, academic_year=academic_year).exists():
        raise ValidationError(
            {"academic_year": _("The district has a plan for this academic year already.")}
        )
    with transaction.atomic():
        plan = Plan.objects.create(
            district=district,
            academic_year=academic_year,
            title=title,
            policy=policy,
            updated_by=user,
        )
        earlier = (
            Plan.objects.filter(district=district, academic_year__year__lt=academic_year.year)
            .order_by("-academic_year__year")
            .first()
        )
        if copy and earlier is not None:
            _copy_parts(earlier, plan)
            if strategies:
                _set_strategies(plan, strategies)
        else:
            _set_strategies(plan, strategies)
    return plan


def _copy_parts(source: Plan, plan: Plan) -> None:
    for strategy in source.strategies.prefetch_related("projects"):
        copy = Strategy.objects.create(plan=plan, number=strategy.number, title=strategy.title)
        Project.objects.bulk_create(
            Project(
                strategy=copy,
                number=p.number,
                title=p.title,
                owner_name=p.owner_name,
                owner_id=p.owner_id,
                budget=p.budget,
            )
            for p in strategy.projects.all()
        )
    Indicator.objects.bulk_create(
        Indicator(
            plan=plan, number=i.number, title=i.title, measure=i.measure, unit=i.unit,
            target=i.target,
        )
        for i in source.indicators.all()
    )  # fmt: skip


def _set_strategies(plan: Plan, titles) -> None:
    """Strategy N is the N-th line: renamed in place (its projects stay under it); a line
    removed takes its strategy away, refused while it has projects."""
    titles = list(titles)
    current = {s.number: s for s in plan.strategies.all()}
    for number, title in enumerate(titles, start=1):
        strategy = current.get(number)
        if strategy is None:
            Strategy.objects.create(plan=plan, number=number, title=title)
        elif strategy.title != title:
            strategy.title = title
            strategy.save(update_fields=["title"])
    gone = [s for n, s in current.items() if n > len(titles)]
    if any(s.projects.exists() for s in gone):
        raise ValidationError(
            {"strategies": _("A strategy removed still has projects: move or remove them first.")}
        )
    Strategy.objects.filter(pk__in=[s.pk for s in gone]).delete()


def plan_update(*, plan: Plan, title: str, policy: str, strategies, revision, user) -> Plan:
    with transaction.atomic():
        plan = _locked(plan, revision)
        _set_strategies(plan, strategies)
        plan.title, plan.policy = title, policy
        _touch(plan, user, "title", "policy")
    return plan


def projects_save(*, plan: Plan, rows: list[ProjectRow], revision, user, owners=()) -> Plan:
    """The plan's projects become ``rows`` (in order within each strategy). ``owners``: the
    users who may own a project (the district office's staff)."""
    allowed = set(owners)
    with transaction.atomic():
        plan = _locked(plan, revision)
        strategies = {s.number: s for s in plan.strategies.all()}
        projects, numbers = [], {}
        for row in rows:
            strategy = strategies.get(row.strategy)
            if strategy is None:
                raise ValidationError(_("Choose a strategy of this plan."))
            if row.owner_id is not None and row.owner_id not in allowed:
                raise ValidationError(_("Choose a staff member of the district office."))
            numbers[strategy.pk] = numbers.get(strategy.pk, 0) + 1
            projects.append(
                Project(
                    strategy=strategy,
                    number=numbers[strategy.pk],
                    title=row.title,
                    owner_name=row.owner_name,
                    owner_id=row.owner_id,
                    budget=row.budget,
                    starts_on=row.starts_on,
                    ends_on=row.ends_on,
                )
            )
        Project.objects.filter(strategy__plan=plan).delete()
        Project.objects.bulk_create(projects)
        _touch(plan, user)
    return plan


def indicators_save(*, plan: Plan, rows: list[IndicatorRow], revision, user) -> Plan:
    with transaction.atomic():
        plan = _locked(plan, revision)
        for row in rows:
            if row.measure not in Measure.values:
                raise ValidationError(_("Choose how the indicator is measured."))
        plan.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(
                plan=plan, number=n, title=row.title, measure=row.measure, unit=row.unit,
                target=row.target, actual=row.actual if row.measure == Measure.TYPED else None,
            )
            for n, row in enumerate(rows, start=1)
        )  # fmt: skip
        _touch(plan, user)
    return plan


def plan_publish(*, plan: Plan, user) -> Plan:
    """Publish the plan to the district's schools: it needs a strategy and an indicator."""
    with transaction.atomic():
        plan = _locked(plan, None)
        if not plan.strategies.exists() or not plan.indicators.exists():
            raise ValidationError(
                _("A plan is published with at least one strategy and one indicator.")
            )
        plan.status, plan.published_at = Plan.Status.PUBLISHED, timezone.now()
        _touch(plan, user, "status", "published_at")
    return plan


def plan_unpublish(*, plan: Plan, user) -> Plan:
    """Take the plan back to a draft (the schools no longer read it)."""
    with transaction.atomic():
        plan = _locked(plan, None)
        plan.status, plan.published_at = Plan.Status.DRAFT, None
        _touch(plan, user, "status", "published_at")
    return plan


def plan_delete(*, plan: Plan) -> None:
    if plan.is_published:
        raise ValidationError(_("Take the plan back to a draft before removing it."))
    plan.delete()

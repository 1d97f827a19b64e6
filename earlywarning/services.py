"""Writes of the early warning (docs/early-warning.md): the district's weights and thresholds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carecore.audit import audit_record
from carecore.models import AuditEvent
from carecore.writes import StaleRevision, acting_user, refuse_stale
from earlywarning.model import PARAMS, Params, params_errors
from earlywarning.models import WarningSettings


class StaleSettings(StaleRevision):
    """Someone saved the district's settings after this form was opened."""


def settings_save(*, district, params: dict, user, revision: int | None = None, request=None):
    """Save the district's params (each within its bounds, ``model.params_errors``; a missing
    one keeps its default), bump the revision and queue the district's recompute once the
    transaction commits. ``revision``: the one the form was opened at (0 before any save;
    None: no check). Raises ``ValidationError`` (nothing written) or ``StaleSettings``."""
    errors = params_errors(params)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = WarningSettings.objects.select_for_update().filter(district=district).first()
        if row is None:
            row = WarningSettings(district=district, revision=0)
        refuse_stale(row, revision, StaleSettings)
        before = Params.from_dict(row.params).as_dict()
        row.params = Params.from_dict(params).as_dict()
        row.revision += 1
        row.updated_by = acting_user(user)
        row.save()
        changes = {
            name: [str(before[name]), str(row.params[name])]
            for name in PARAMS
            if before[name] != row.params[name]
        }
        audit_record(
            action=AuditEvent.Action.CHANGE,
            user=user,
            district=district,
            obj=row,
            summary=_("Early-warning settings changed (revision %(revision)s)")
            % {"revision": row.revision},
            changes=changes,
            request=request,
        )
        transaction.on_commit(lambda: _queue_district(district.pk))
    return row


def _queue_district(district_id: int) -> None:
    from earlywarning.tasks import earlywarning_district_task

    earlywarning_district_task.delay(district_id)

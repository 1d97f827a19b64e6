"""What the apps' services share when they write a row that several people edit (a care plan, a
referral, a dropout case): the row's ``revision`` is the one the form was opened at, a form
opened before someone else's save is refused (``StaleRevision``, nothing written), every write
bumps it; and the user who acted, as a foreign key (None for the system)."""

from __future__ import annotations


class StaleRevision(Exception):
    """Someone saved the row after this person opened the form; nothing was written.
    ``current`` is the row as it is now. Each app names its own (``StaleForm``,
    ``StaleCase``); ``carecore.form_views.form_saved`` shows the form again at the current
    revision."""

    def __init__(self, current):
        super().__init__("stale form")
        self.current = current


def refuse_stale(locked, revision: int | None, stale: type[StaleRevision] = StaleRevision):
    """``locked`` (the row, locked for update) unless the form was opened at another revision
    (``revision`` None: no check)."""
    if revision is not None and revision != locked.revision:
        raise stale(locked)
    return locked


def bump_revision(row, *fields: str) -> None:
    """Save ``fields`` of ``row`` with its revision one higher (and ``modified``)."""
    row.revision += 1
    row.save(update_fields=["revision", "modified", *fields])


def acting_user(user):
    """``user`` as the author of a row: None for an anonymous user or the system."""
    return user if getattr(user, "is_authenticated", False) else None


def locked_row(row, *related: str):
    """``row``, a school's row, read again and locked for update until the end of the caller's
    transaction (with its ``related`` rows), for a write that must see the row as it is now."""
    return (
        type(row)
        ._default_manager.select_for_update()
        .select_related(*related)
        .get(pk=row.pk, school_id=row.school_id)
    )

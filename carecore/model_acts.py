"""Who did something and when: the pair of fields a row keeps for an act of a staff member (took
the roll, asked the parents, answered the request, closed the flag, published the practice).

``answered_by, answered_at = act_fields(_("answered by"), _("answered"))`` declares both at once,
the way every such pair is declared: the staff member is a ``user_field`` (the row outlives their
account: deleting the user empties it), the time is set by the ``at`` rule:

- ``LATER`` (the default): the act happens after the row is made; both are empty until the
  service that records it fills them in;
- ``CREATED``: the row is the act (a roll taken, a request asked): the time the row was created;
- ``SAVED``: the last change of the row: the time of every save.

A function rather than a base class (like ``model_fields.timestamps``), so that the two fields
stay where the model declares them and keep their names and verbose names.
"""

from django.db import models

from carecore.model_fields import user_field

LATER = "later"
CREATED = "created"
SAVED = "saved"

_TIME_OPTIONS = {
    LATER: {"null": True, "blank": True},
    CREATED: {"auto_now_add": True},
    SAVED: {"auto_now": True},
}


def act_fields(
    by, at, *, when: str = LATER, blank: bool = False
) -> tuple[models.ForeignKey, models.DateTimeField]:
    """The staff member (verbose name ``by``) and the time (verbose name ``at``) of one act;
    ``blank``: the staff member may be left empty in a form."""
    return user_field(by, blank=blank), models.DateTimeField(at, **_TIME_OPTIONS[when])

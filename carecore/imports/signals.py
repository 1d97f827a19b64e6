"""``import_applied``: an import's rows are written (sent inside the writing transaction, with
``record`` and ``school_id``). Bulk writes fire no model signals, so whoever keeps figures about
a school's records listens here (dashboards.apps)."""

from django.dispatch import Signal

import_applied = Signal()

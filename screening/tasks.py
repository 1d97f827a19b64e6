"""Jobs of the screening app: checking and applying an import of SDQ answers
(carecore.imports.tasks)."""

from carecore.imports.tasks import import_tasks
from screening.imports import SCREENING_IMPORTS

screening_import_validate_task, screening_import_apply_task = import_tasks(SCREENING_IMPORTS)

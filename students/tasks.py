"""Jobs of the students app: checking and applying a student import (carecore.imports.tasks)."""

from carecore.imports.tasks import import_tasks
from students.imports import STUDENT_IMPORTS

student_import_validate_task, student_import_apply_task = import_tasks(STUDENT_IMPORTS)

"""Step 4 (solve): care plans for a student, their actions, follow-ups and closing."""

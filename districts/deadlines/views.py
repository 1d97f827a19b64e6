"""The deadlines' pages (docs/district-work.md, "Deadlines")."""

"""The import engine: a file of rows (CSV or XLSX) checked, previewed and applied all or nothing.

Each import supplies a row schema (``engine.ImportSchema``: its columns and header aliases, how one
row is read into values and problems, how the valid rows are planned against the database and
written, its preview columns and labels) and a model (``models.ImportRecord``); the engine does
the rest, once:

- ``sheet_reader``: the file into rows within safe limits (encodings, CSV, XLSX);
- ``reading``: cells, headers, Thai digits, Buddhist Era dates, file names, problems as data;
- ``engine``: the header, the rows, the problems, the preview, the all-or-nothing apply with
  progress, and the stored import as two jobs (check, then apply once confirmed);
- ``tasks``: the Celery glue (each app keeps its named tasks, which call ``run_import_task``);
- ``signals``: ``import_applied``, sent inside the writing transaction (the dashboards listen);
- ``views`` and ``commands``: the coordinator's pages and the management command, configured per
  import; the templates are ``templates/carecore/imports/*.html``.

Nothing here imports the apps: they hand the engine their schema, model and tasks.
"""

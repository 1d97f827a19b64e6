"""The figures now count attendance and behaviour (dashboards/conduct_figures.py): every stored
row is marked stale, so that the periodic job computes them again (rows without the new counts
would show no attendance rate until the nightly refresh)."""

from django.db import migrations


def mark_stale(apps, schema_editor):
    apps.get_model("dashboards", "SchoolFigures").objects.update(stale=True)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_figures_and_targets"),
        ("attendance", "0001_initial"),
        ("behaviour", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]

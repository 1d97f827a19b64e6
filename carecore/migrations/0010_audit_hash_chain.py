"""The audit hash chain's columns, its head and the verifications (schema only; 0011 adds
the trigger and chains the existing rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("carecore", "0009_user_must_change_password"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "verbose_name": "audit chain head",
            },
        ),
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("started", models.DateTimeField(verbose_name="started")),
                ("finished", models.DateTimeField(db_index=True, verbose_name="verified")),
                ("rows", models.BigIntegerField(default=0, verbose_name="entries checked")),
                ("problem_count", models.PositiveIntegerField(default=0, verbose_name="problems")),
                ("problems", models.JSONField(blank=True, default=list)),
                ("head_seq", models.BigIntegerField(blank=True, null=True)),
                ("head_hash", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "verbose_name": "audit log verification",
                "ordering": ["-finished", "-id"],
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
    ]

"""Encrypt the columns still in clear, bound to their row (docs/chiffrement.md)."""

import uuid

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0002_diagnostic_overall_score_alter_diagnostic_level"),
    ]

    operations = [
        migrations.AddField(
            model_name="diagnostic",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AlterField(
            model_name="diagnostic",
            name="answers",
            field=appui.core.fields.EncryptedJSONField(default=dict, verbose_name="réponses"),
        ),
        bind_rows("diagnostics", "diagnostic", clear=("answers",)),
        migrations.AlterField(
            model_name="diagnostic",
            name="row_uid",
            field=appui.core.fields.RowUidField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identité de la ligne (chiffrement)"
            ),
        ),
    ]

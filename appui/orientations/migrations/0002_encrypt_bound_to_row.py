"""Bind every encrypted value to its table, column and row (docs/chiffrement.md)."""

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [("orientations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        bind_rows(
            "orientations", "referral", legacy=("reason", "shared_data", "documents_to_bring", "response_message")
        ),
        migrations.AlterField(model_name="referral", name="row_uid", field=appui.core.fields.RowUidField()),
    ]

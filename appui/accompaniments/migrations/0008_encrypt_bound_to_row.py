"""Bind every encrypted value to its table, column and row (docs/chiffrement.md)."""

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [("accompaniments", "0007_participation_structure_date")]

    operations = [
        migrations.AddField(
            model_name="accompaniment",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        bind_rows("accompaniments", "accompaniment", legacy=("outcome", "next_step", "notes", "private_note")),
        migrations.AlterField(model_name="accompaniment", name="row_uid", field=appui.core.fields.RowUidField()),
    ]

"""Bind every encrypted value to its table, column and row (docs/chiffrement.md)."""

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [("rights", "0003_rightfollowup_found_at")]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AddField(
            model_name="caseloadscreening",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AddField(
            model_name="caseloadchunk",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AddField(
            model_name="caseloadresult",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        bind_rows("rights", "screening", legacy=("answers", "situation", "results")),
        bind_rows("rights", "caseloadscreening", legacy=("source_csv", "errors")),
        bind_rows("rights", "caseloadchunk", legacy=("entries", "problems")),
        bind_rows("rights", "caseloadresult", legacy=("rights", "assumptions")),
        migrations.AlterField(model_name="screening", name="row_uid", field=appui.core.fields.RowUidField()),
        migrations.AlterField(model_name="caseloadscreening", name="row_uid", field=appui.core.fields.RowUidField()),
        migrations.AlterField(model_name="caseloadchunk", name="row_uid", field=appui.core.fields.RowUidField()),
        migrations.AlterField(model_name="caseloadresult", name="row_uid", field=appui.core.fields.RowUidField()),
    ]

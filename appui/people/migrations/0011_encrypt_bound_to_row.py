"""Bind every encrypted value to its table, column and row (docs/chiffrement.md)."""

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [("people", "0010_person_gender_social_status")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AddField(
            model_name="accessexportpart",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        bind_rows("people", "person", legacy=("obstacles", "situation_details")),
        bind_rows("people", "rightsrequest", legacy=("details", "answer")),
        bind_rows("people", "accessexportpart", legacy=("sealed_pdf",)),
        migrations.AlterField(model_name="person", name="row_uid", field=appui.core.fields.RowUidField()),
        migrations.AlterField(model_name="rightsrequest", name="row_uid", field=appui.core.fields.RowUidField()),
        migrations.AlterField(model_name="accessexportpart", name="row_uid", field=appui.core.fields.RowUidField()),
    ]

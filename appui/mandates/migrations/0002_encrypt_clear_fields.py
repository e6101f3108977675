"""Encrypt the columns still in clear, bound to their row (docs/chiffrement.md)."""

import uuid

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mandate",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AddField(
            model_name="mandaterevocation",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="consent_text",
            field=appui.core.fields.EncryptedTextField(verbose_name="texte lu et accepté"),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="attestation_pdf",
            field=appui.core.fields.EncryptedBinaryField(verbose_name="attestation PDF"),
        ),
        migrations.AlterField(
            model_name="mandaterevocation",
            name="reason",
            field=appui.core.fields.EncryptedTextField(blank=True, max_length=255, verbose_name="motif"),
        ),
        migrations.AlterField(
            model_name="mandaterevocation",
            name="attestation_pdf",
            field=appui.core.fields.EncryptedBinaryField(verbose_name="attestation de révocation PDF"),
        ),
        bind_rows("mandates", "mandate", clear=("consent_text", "attestation_pdf")),
        bind_rows("mandates", "mandaterevocation", clear=("reason", "attestation_pdf")),
        migrations.AlterField(
            model_name="mandate",
            name="row_uid",
            field=appui.core.fields.RowUidField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identité de la ligne (chiffrement)"
            ),
        ),
        migrations.AlterField(
            model_name="mandaterevocation",
            name="row_uid",
            field=appui.core.fields.RowUidField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identité de la ligne (chiffrement)"
            ),
        ),
    ]

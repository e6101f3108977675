"""Encrypt the columns still in clear, bound to their row (docs/chiffrement.md)."""

import uuid

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    dependencies = [
        ("service_alerts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicealert",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AlterField(
            model_name="servicealert",
            name="service_other",
            field=appui.core.fields.EncryptedTextField(
                blank=True, max_length=100, verbose_name="autre service (précisez)"
            ),
        ),
        migrations.AlterField(
            model_name="servicealert",
            name="step",
            field=appui.core.fields.EncryptedTextField(max_length=200, verbose_name="étape où cela bloque"),
        ),
        migrations.AlterField(
            model_name="servicealert",
            name="error_message",
            field=appui.core.fields.EncryptedTextField(
                blank=True, max_length=2000, verbose_name="message d'erreur affiché"
            ),
        ),
        migrations.AlterField(
            model_name="servicealert",
            name="screenshot",
            field=appui.core.fields.EncryptedBinaryField(blank=True, null=True, verbose_name="capture d'écran"),
        ),
        bind_rows("service_alerts", "servicealert", clear=("service_other", "step", "error_message", "screenshot")),
        migrations.AlterField(
            model_name="servicealert",
            name="row_uid",
            field=appui.core.fields.RowUidField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identité de la ligne (chiffrement)"
            ),
        ),
    ]

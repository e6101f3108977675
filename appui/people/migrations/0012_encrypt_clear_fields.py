"""Encrypt the columns still in clear, bound to their row (docs/chiffrement.md)."""

import uuid

from django.db import migrations, models

import appui.core.fields
from appui.core.crypto_migration import bind_rows


class Migration(migrations.Migration):
    # The participations' migration reads the employment situation in clear: it runs before it is encrypted.
    dependencies = [
        ("people", "0011_encrypt_bound_to_row"),
        ("accompaniments", "0005_migrate_places_and_participations"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="householdmember", options={"ordering": ["id"], "verbose_name": "membre du foyer"}
        ),
        migrations.AddField(
            model_name="householdmember",
            name="row_uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identité de la ligne (chiffrement)"),
        ),
        migrations.AlterField(
            model_name="person",
            name="family_situation",
            field=appui.core.fields.EncryptedTextField(
                blank=True,
                choices=[
                    ("", "Non renseignée"),
                    ("celibataire", "Célibataire"),
                    ("en_couple", "En couple (union libre)"),
                    ("marie", "Marié·e"),
                    ("pacse", "Pacsé·e"),
                    ("separe", "Séparé·e"),
                    ("divorce", "Divorcé·e"),
                    ("veuf", "Veuf / veuve"),
                ],
                max_length=20,
                verbose_name="situation familiale",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="housing_status",
            field=appui.core.fields.EncryptedTextField(
                blank=True,
                choices=[
                    ("", "Non renseigné"),
                    ("locataire_prive", "Locataire (parc privé)"),
                    ("locataire_hlm", "Locataire (logement social)"),
                    ("locataire_meuble", "Locataire (meublé)"),
                    ("foyer", "Foyer, résidence sociale"),
                    ("proprietaire", "Propriétaire"),
                    ("heberge", "Hébergé·e gratuitement"),
                    ("hebergement_urgence", "Hébergement d'urgence"),
                    ("sans_domicile", "Sans domicile"),
                ],
                max_length=30,
                verbose_name="logement",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="employment_status",
            field=appui.core.fields.EncryptedTextField(
                blank=True,
                choices=[
                    ("", "Non renseignée"),
                    ("salarie", "Salarié·e"),
                    ("independant", "Indépendant·e"),
                    ("demandeur_emploi", "Demandeur·se d'emploi"),
                    ("etudiant", "Étudiant·e, en formation"),
                    ("retraite", "Retraité·e"),
                    ("sans_activite", "Sans activité"),
                    ("invalidite", "En invalidité"),
                ],
                max_length=30,
                verbose_name="situation professionnelle",
            ),
        ),
        migrations.AlterField(
            model_name="householdmember",
            name="first_name",
            field=appui.core.fields.EncryptedTextField(max_length=150, verbose_name="prénom"),
        ),
        migrations.AlterField(
            model_name="householdmember",
            name="last_name",
            field=appui.core.fields.EncryptedTextField(blank=True, max_length=150, verbose_name="nom"),
        ),
        migrations.AlterField(
            model_name="householdmember",
            name="birth_date",
            field=appui.core.fields.EncryptedDateField(verbose_name="date de naissance"),
        ),
        bind_rows("people", "person", clear=("family_situation", "housing_status", "employment_status")),
        bind_rows("people", "householdmember", clear=("first_name", "last_name", "birth_date")),
        migrations.AlterField(
            model_name="householdmember",
            name="row_uid",
            field=appui.core.fields.RowUidField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identité de la ligne (chiffrement)"
            ),
        ),
    ]

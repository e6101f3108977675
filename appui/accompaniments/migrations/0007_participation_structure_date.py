"""Copy each activity's structure and date onto its participations, so that counting beneficiaries needs no join."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_structure_and_date(apps, schema_editor):
    Accompaniment = apps.get_model("accompaniments", "Accompaniment")
    Participation = apps.get_model("accompaniments", "Participation")
    activity = Accompaniment.objects.filter(pk=OuterRef("accompaniment_id"))
    Participation.objects.update(
        structure_id=Subquery(activity.values("structure_id")[:1]), date=Subquery(activity.values("date")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accompaniments", "0006_cra_constraints"),
        ("accounts", "0003_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="structure",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.structure"
            ),
        ),
        migrations.AddField(
            model_name="participation",
            name="date",
            field=models.DateField(null=True, verbose_name="date"),
        ),
        migrations.RunPython(copy_structure_and_date, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="participation",
            name="structure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.structure"
            ),
        ),
        migrations.AlterField(
            model_name="participation",
            name="date",
            field=models.DateField(verbose_name="date"),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                fields=["structure", "date"],
                include=["person", "followed", "gender", "age_band", "social_status", "commune_code", "is_first"],
                name="participation_period",
            ),
        ),
    ]

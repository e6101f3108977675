from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accompaniments', '0005_migrate_places_and_participations'),
    ]

    operations = [
        migrations.RemoveField(model_name='accompaniment', name='place_legacy'),
        migrations.AddIndex(
            model_name='accompaniment',
            index=models.Index(fields=['structure', 'author', 'date'], name='accompaniment_author_date'),
        ),
        migrations.AddConstraint(
            model_name='accompaniment',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'collectif'), ('person__isnull', False), _connector='OR'), name='accompaniment_individual_has_person'),
        ),
        migrations.AddConstraint(
            model_name='accompaniment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('place_kind', 'lieu_activite'), _negated=True), ('place__isnull', False), _connector='OR'), name='accompaniment_own_place_named'),
        ),
        migrations.AddIndex(
            model_name='participation',
            index=models.Index(fields=['person', 'accompaniment'], name='participation_person'),
        ),
        migrations.AddConstraint(
            model_name='participation',
            constraint=models.UniqueConstraint(condition=models.Q(('person__isnull', False)), fields=('accompaniment', 'person'), name='participation_unique_person'),
        ),
    ]

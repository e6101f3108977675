"""Directory speed: a covering index of the open places' areas, names in order, and on PostgreSQL trigram (GIN)
indexes so that words (``LIKE '%…%'``) do not read every place (facets share too many trigrams: a filter reads
the département's places instead)."""

from django.db import migrations, models

TRIGRAM_INDEXES = {"place_search_text_trgm": "search_text"}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    table = schema_editor.quote_name(apps.get_model("places", "Place")._meta.db_table)
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
            f"ON {table} USING gin ({schema_editor.quote_name(column)} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_membership_invitation_sent_at"),
        ("places", "0002_directory"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="place",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["departement", "commune_code", "epci"],
                include=("id", "latitude", "longitude", "name", "structure_id", "is_published"),
                name="place_open_area",
            ),
        ),
        migrations.AddIndex(
            model_name="place",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["name", "id"],
                include=("search_text", "structure_id", "is_published"),
                name="place_open_name",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]

"""Search by phone and e-mail, Unicode folding of names, and pg_trgm indexes on PostgreSQL.

On PostgreSQL: the pg_trgm extension (a "trusted" extension: the database owner may create it) and GIN trigram
indexes on the folded names, phone and e-mail; the word-prefix rows of PersonSearchToken are no longer used there
and are deleted. On SQLite the trigram steps do nothing and the prefix rows are rebuilt. Both recompute the folded
forms (NFKC, invisible characters removed, look-alike letters folded).
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "person_search_text_trgm": "search_text",
    "person_search_phone_trgm": "search_phone",
    "person_search_email_trgm": "search_email",
}
BATCH = 2000


def create_extension(apps, schema_editor):
    """Create pg_trgm on PostgreSQL. Not dropped when going back: other code may use it (a DBA's decision)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("people", "Person")._meta.db_table)
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


def reindex(apps, schema_editor):
    """Recompute the folded forms of every named person; rebuild the prefix rows on SQLite only."""
    from appui.core.text import normalize, normalize_email, normalize_phone

    Person = apps.get_model("people", "Person")
    Token = apps.get_model("people", "PersonSearchToken")
    alias = schema_editor.connection.alias
    with_rows = schema_editor.connection.vendor != "postgresql"
    Token.objects.using(alias).all().delete()
    persons = (
        Person.objects.using(alias)
        .filter(is_anonymous=False)
        .only("id", "structure_id", "last_name", "first_name", "birth_name", "phone", "email")
        .order_by("id")
    )
    changed, tokens = [], []
    for person in persons.iterator(chunk_size=BATCH):
        text = normalize(" ".join([person.last_name, person.first_name, person.birth_name]))[:500]
        person.search_text = text
        person.search_phone = normalize_phone(person.phone)[:30]
        person.search_email = normalize_email(person.email)[:254]
        changed.append(person)
        if with_rows:
            prefixes = {word[:length] for word in text.split() for length in range(1, min(len(word), 12) + 1)}
            tokens += [Token(person_id=person.pk, structure_id=person.structure_id, prefix=p) for p in prefixes]
        if len(changed) >= BATCH:
            Person.objects.using(alias).bulk_update(changed, ["search_text", "search_phone", "search_email"])
            Token.objects.using(alias).bulk_create(tokens, batch_size=BATCH * 10)
            changed, tokens = [], []
    Person.objects.using(alias).bulk_update(changed, ["search_text", "search_phone", "search_email"])
    Token.objects.using(alias).bulk_create(tokens, batch_size=BATCH * 10)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_retention"),
        ("people", "0006_search_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_email",
            field=models.CharField(blank=True, editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="person",
            name="search_phone",
            field=models.CharField(blank=True, editable=False, max_length=30),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["structure", "birth_date"], name="person_birth_date"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["structure", "search_phone"], name="person_phone_lookup"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["structure", "search_email"], name="person_email_lookup"),
        ),
        migrations.RunPython(reindex, migrations.RunPython.noop),
        migrations.RunPython(create_extension, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]

"""Trigram similarity: pg_trgm on PostgreSQL, the Python port registered in SQLite; one answer on both."""

import pytest
from django.db import connection

from appui.core.trigrams import Similarity, WordSimilar, WordSimilarity, similarity, word_similarity
from appui.people.models import Person
from tests.people.factories import PersonFactory

# Measured with pg_trgm 1.6 (PostgreSQL 15): SELECT word_similarity(q, t), similarity(q, t).
PG_TRGM = [
    ("lefvre", "lefevre helene", 0.5, 0.29411766),
    ("kouasi", "kouassi aya", 0.71428573, 0.46153846),
    ("nguien", "nguyen theo", 0.42857143, 0.26666668),
    ("lefebre", "lefebvre sara", 0.625, 0.375),
    ("lef", "lefevre helene", 0.75, 0.1875),
    ("mar", "martin marie", 0.75, 0.27272728),
    ("lefevre", "lefebvre hugo", 0.54545456, 0.375),
    ("sarah lefebvre", "lefebvre sara", 0.8666667, 0.8125),
    ("lefebvre lina", "lefebvre sara", 0.6923077, 0.5),
    ("lfevre", "lefevre helene", 0.5714286, 0.29411766),
    ("benali", "ben ali karim", 0.5, 0.3125),
    ("lefvre", "lefevre lea", 0.5714286, 0.41666666),
    ("zzyzx", "lefevre helene", 0.0, 0.0),
]


@pytest.mark.parametrize(("query", "text", "word_sim", "sim"), PG_TRGM)
def test_the_python_port_gives_pg_trgm_values(query, text, word_sim, sim):
    assert word_similarity(query, text) == pytest.approx(word_sim, abs=1e-6)
    assert similarity(query, text) == pytest.approx(sim, abs=1e-6)


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "text", "word_sim", "sim"), PG_TRGM)
def test_the_database_computes_the_same_similarity(query, text, word_sim, sim):
    """On PostgreSQL this is pg_trgm itself; on SQLite, the functions registered in each connection."""
    person = PersonFactory(last_name="x")
    Person.objects.filter(pk=person.pk).update(search_text=text)
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(ws=WordSimilarity(query, "search_text"), s=Similarity(query, "search_text"))
        .values("ws", "s")
        .get()
    )
    assert row["ws"] == pytest.approx(word_sim, abs=1e-6)
    assert row["s"] == pytest.approx(sim, abs=1e-6)
    similar = Person.objects.filter(pk=person.pk).filter(WordSimilar(query, "search_text")).exists()
    assert similar == (word_sim >= 0.4)


@pytest.mark.django_db
def test_the_similarity_threshold_is_set_on_postgresql_connections():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite passes the threshold to its function")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')")
        assert float(cursor.fetchone()[0]) == 0.4

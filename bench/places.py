#!/usr/bin/env python
"""Benchmark of the directory: import of a large lieux v1 file, then the search page (``/annuaire/``).

Usage::

    .venv/bin/python bench/places.py [--places 100000] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/appui_bench .venv/bin/python bench/places.py

Without ``DATABASE_URL`` the benchmark uses a new SQLite file in a temporary directory, removed at the end.
With ``DATABASE_URL`` it migrates that database: give it a new, empty, throwaway database; the script refuses
a database that already holds tables.

1. It writes a lieux de médiation numérique v1 CSV of ``--places`` rows spread over France's communes in
   proportion to their population (a few rows carry the faults of real files: national phone numbers, « ; »
   separators, a missing INSEE code), and imports it with the same service as ``manage.py import_places``
   (read, repair, validate with the official Table Schema, bulk upsert, audit). It prints rows/s; then it
   imports the same file again (every place updated) and prints that rate too.
2. It requests the directory page through Django's test client, logged in as a member, end to end
   (middleware, session, queries, template), for several kinds of search, and prints p50/p95 latencies.
   ``--requests`` measured requests per kind (fewer once ``--budget`` seconds are used, at least 20).
"""

import sys as _sys
from pathlib import Path as _Path

# This folder holds statistics.py: it must not shadow the standard library's statistics module.
_sys.path[:] = [p for p in _sys.path if _Path(p or ".").resolve() != _Path(__file__).resolve().parent]


import argparse
import csv
import hashlib
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "bench"))

from search import (  # noqa: E402
    database_description,
    logged_in_client,
    migrate,
    percentile,
    refuse_used_database,
    setup_django,
)

SERVICES = [
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
]
PUBLICS = ["Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"]
SUPPORTS = [
    "Surdité",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Handicaps moteurs",
]
FEES = ["Gratuit", "Gratuit sous condition", "Payant"]
PROGRAMMES = ["France Services", "Conseillers numériques", "Aidants Connect", "Point d'accès numérique CAF"]
MODES = ["En autonomie", "Accompagnement individuel", "Dans un atelier collectif", "À distance"]
ACCESS = ["Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne"]
KINDS = ["Espace numérique", "Médiathèque", "Centre social", "France services", "Maison de quartier", "Tiers-lieu"]
COLUMNS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse", "latitude",
    "longitude", "typologie", "telephone", "courriels", "site_web", "horaires", "presentation_resume",
    "presentation_detail", "source", "itinerance", "structure_parente", "date_maj", "services",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=100_000, help="rows of the file imported (100000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per kind of search (200)")
    parser.add_argument("--budget", type=float, default=10, help="seconds of measurement per kind (10)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="measure the searches again on a database this script already filled (same --places and --seed)",
    )
    return parser.parse_args()


def hours(rng: random.Random) -> str:
    """Return an OSM expression among a few thousand distinct ones, as in real data."""
    start = rng.choice(["08:00", "08:30", "09:00", "09:30", "10:00"])
    noon = rng.choice(["12:00", "12:30", "13:00"])
    after = rng.choice(["13:30", "14:00"])
    end = rng.choice(["16:30", "17:00", "17:30", "18:00", "18:30"])
    days = rng.choice(["Mo-Fr", "Mo-Th", "Tu-Sa", "Mo,Tu,Th,Fr", "Mo-We"])
    expression = f"{days} {start}-{noon},{after}-{end}"
    if rng.random() < 0.4:
        expression += f"; Sa {start}-{noon}"
    if rng.random() < 0.5:
        expression += "; PH off"
    return expression


def centre(departement: str) -> tuple[float, float]:
    """Return a stable pseudo-centre for a département (the COG has no coordinates)."""
    digest = hashlib.sha256(departement.encode()).digest()
    return 42.5 + digest[0] / 255 * 8.0, -1.5 + digest[1] / 255 * 8.5


def write_file(path: Path, count: int, rng: random.Random) -> dict[str, str]:
    """Write the lieux v1 CSV; return a few communes useful to the searches."""
    from appui.core.communes import communes_by_code

    communes = [c for c in communes_by_code().values() if c.postal_codes and len(c.departement) == 2]
    weights = [max(c.population, 50) for c in communes]
    picked = rng.choices(communes, weights=weights, k=count)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, commune in enumerate(picked):
            lat0, lon0 = centre(commune.departement)
            phone = f"0{rng.randint(1, 5)}{rng.randint(10_000_000, 99_999_999)}"
            messy = i % 50 == 0
            row = {
                "id": f"bench-{i}",
                "pivot": "00000000000000",
                "nom": f"{rng.choice(KINDS)} {commune.name} {i}",
                "commune": commune.name,
                "code_postal": commune.postal_codes[0],
                "code_insee": "" if messy else commune.code,
                "adresse": f"{rng.randint(1, 200)} rue de la République",
                "latitude": f"{lat0 + rng.uniform(-0.4, 0.4):.5f}" if rng.random() < 0.8 else "",
                "longitude": f"{lon0 + rng.uniform(-0.4, 0.4):.5f}",
                "telephone": phone if messy else "+33" + phone[1:],
                "courriels": f"contact{i}@exemple.fr",
                "horaires": hours(rng) if rng.random() < 0.85 else "",
                "presentation_resume": "Accompagnement au numérique pour tous.",
                "source": "Banc d'essai",
                "date_maj": "2026-10-01",
                "services": (";" if messy else "|").join(rng.sample(SERVICES, k=rng.randint(1, 4))),
                "publics_specifiquement_adresses": "|".join(rng.sample(PUBLICS, k=rng.choice([0, 0, 1, 2]))),
                "prise_en_charge_specifique": "|".join(rng.sample(SUPPORTS, k=rng.choice([0, 0, 0, 1, 2]))),
                "frais_a_charge": rng.choice(FEES),
                "dispositif_programmes_nationaux": "|".join(rng.sample(PROGRAMMES, k=rng.choice([0, 1, 1, 2]))),
                "modalites_acces": "|".join(rng.sample(ACCESS, k=rng.randint(1, 3))),
                "modalites_accompagnement": "|".join(rng.sample(MODES, k=rng.randint(1, 3))),
            }
            writer.writerow([row.get(column, "") for column in COLUMNS])
    chosen = set(picked)  # once: rebuilding it for every commune made this quadratic
    populated = sorted(chosen, key=lambda c: -c.population)
    empty = next(c for c in communes if c.population < 300 and c not in chosen and c.departement == "69")
    return {"big": populated[0].code, "medium": populated[len(populated) // 20].code, "empty": empty.code}


def create_member():  # type: ignore[no-untyped-def]
    from appui.accounts.enums import Role, StructureType
    from appui.accounts.models import Membership
    from appui.accounts.services import membership_create, structure_create, user_create

    existing = Membership.objects.filter(user__email="bench@appui.invalid").first()
    if existing is not None:
        return existing

    structure = structure_create(name="CCAS du banc d'essai", type=StructureType.CCAS, commune_code="69266")
    user = user_create(email="bench@appui.invalid", first_name="Banc", last_name="Essai")
    return membership_create(user=user, structure=structure, role=Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=True)


def timed_import(path: Path) -> tuple[float, object]:
    from appui.places.services import places_import

    started = time.perf_counter()
    report = places_import(data=path.read_bytes(), filename=path.name, source="bench")
    return time.perf_counter() - started, report


def measure(request: Callable[[], object], n: int, budget: float) -> list[float]:
    for _ in range(2):
        request()
    timings: list[float] = []
    deadline = time.perf_counter() + budget
    for i in range(n):
        if i >= 20 and time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return timings


def main() -> None:
    args = parse_args()
    tmpdir = setup_django()
    workdir = Path(tempfile.mkdtemp(prefix="appui-bench-places-"))
    try:
        from django.conf import settings
        from django.db import connection

        if not args.search_only:
            refuse_used_database()
        migrate()
        membership = create_member()
        rng = random.Random(args.seed)
        path = workdir / "lieux.csv"
        communes = write_file(path, args.places, rng)
        first = second = None
        if not args.search_only:
            first_seconds, first = timed_import(path)
            second_seconds, second = timed_import(path)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum does after a mass import: statistics, and the visibility map for index-only scans.
                cursor.execute("VACUUM ANALYZE places_place")
        settings.DEBUG = False
        client = logged_in_client(membership)
        kinds: list[tuple[str, str, dict[str, object]]] = [
            ("big city (page 1)", "/annuaire/", {"commune_code": communes["big"], "commune": ""}),
            ("big city, page 3", "/annuaire/", {"commune_code": communes["big"], "commune": "", "page": "3"}),
            ("medium commune", "/annuaire/", {"commune_code": communes["medium"], "commune": ""}),
            ("commune without place (widens)", "/annuaire/", {"commune_code": communes["empty"], "commune": ""}),
            (
                "filters: service + fee + public",
                "/annuaire/",
                {
                    "commune_code": communes["big"],
                    "commune": "",
                    "services": "maitrise-outils-numeriques",
                    "fees": "gratuit",
                    "publics": "seniors",
                },
            ),
            ("open now", "/annuaire/", {"commune_code": communes["big"], "commune": "", "open_now": "on"}),
            (
                "département scope + open now",
                "/annuaire/",
                {"commune_code": communes["medium"], "commune": "", "scope": "departement", "open_now": "on"},
            ),
            (
                "around a position",
                "/annuaire/",
                {"commune_code": communes["big"], "commune": "", "lat": "45.76", "lon": "4.85"},
            ),
            ("words, all France", "/annuaire/", {"commune": "", "commune_code": "", "q": "mediatheque"}),
            ("API: big city", "/api/v1/places/", {"commune": communes["big"]}),
        ]
        rows = []
        for kind, url, params in kinds:
            timings = measure(lambda u=url, p=params: client.get(u, p), args.requests, args.budget)
            rows.append((kind, len(timings), percentile(timings, 50), percentile(timings, 95), max(timings)))

        print()
        print(f"Appui directory benchmark — {database_description()}, {args.places} places")
        print(
            f"python {platform.python_version()}, os.cpu_count()={os.cpu_count()}, {platform.machine()}, "
            f"page size 20, DEBUG off, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (at the end)"
        )
        print()
        if first is not None and second is not None:
            print(
                f"import (new places)    : {first.total} rows in {first_seconds:.1f} s = "
                f"{first.total / first_seconds:,.0f} rows/s "
                f"({first.accepted} accepted, {first.repaired} repaired, {first.rejected} rejected)"
            )
            print(
                f"re-import (all update) : {second.total} rows in {second_seconds:.1f} s = "
                f"{second.total / second_seconds:,.0f} rows/s ({second.updated} updated, {second.closed} closed)"
            )
        print()
        header = f"{'search':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        print(header)
        print("-" * len(header))
        for kind, n, p50, p95, worst in rows:
            print(f"{kind:<34} {n:>5} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f}")
        slow = [row[0] for row in rows if row[3] > 150]
        print()
        print(f"p95 > 150 ms: {', '.join(slow)}" if slow else "p95 <= 150 ms for every kind of search.")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if tmpdir:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()

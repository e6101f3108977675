"""The statistics in the shape of the Coop de la médiation numérique's statistics API (``GET /api/v1/statistiques``).

Field names, nesting, enumeration values and their order, labels, proportions (percent, 3 decimals) and date
labels ("JJ/MM" per day, "MM/AA" per month) are the Coop's (``app/api/v1/statistiques/route.ts`` and the queries
it calls). What only Appui records is under ``meta.appui``: the Coop's ``meta`` is free. The JSON Schema of this
shape is ``schemas/statistiques.schema.json``.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from . import cra
from .statistics import Breakdown, Statistics, proportion

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "statistiques.schema.json"


@cache
def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the statistics document."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def openapi_schema() -> dict[str, Any]:
    """Return the JSON Schema with its definitions inlined, as an OpenAPI 3.0 schema object."""
    schema = json_schema()
    definitions = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {k: inline(v) for k, v in node.items() if k not in {"$schema", "$id", "$defs", "$comment"}}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def _shares(items: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    total = sum(count for _, _, count in items)
    return [
        {"value": v, "label": label, "count": count, "proportion": proportion(count, total)}
        for v, label, count in items
    ]


def _mapped(breakdown: Breakdown, vocabulary: cra.Vocabulary) -> list[dict[str, Any]]:
    """Return the breakdown's counts under the Coop's values, in the Coop's order (codes may merge)."""
    counts: dict[str, int] = {}
    for row in breakdown.rows:
        if row.value in vocabulary:
            coop_value = vocabulary[row.value][0]
            counts[coop_value] = counts.get(coop_value, 0) + row.count
    items = []
    for coop_value, coop_label in dict(vocabulary.values()).items():
        items.append((coop_value, coop_label, counts.get(coop_value, 0)))
    return _shares(items)


def _share(count: int, total: int) -> dict[str, Any]:
    return {"total": count, "proportion": proportion(count, total)}


def coop_statistics(stats: Statistics, self_href: str, scope_label: str = "") -> dict[str, Any]:
    """Return the statistics document: the Coop's ``data``, ``links`` and ``meta`` (with Appui's figures)."""
    t, b = stats.totals, stats.beneficiaries
    themes = stats["themes"]
    procedure_accompaniments = t["procedure_accompaniments"]
    thematiques = [
        (coop_value, coop_label, themes.count(code)) for code, (coop_value, coop_label) in cra.THEMATIQUES.items()
    ]
    thematiques.append((*cra.AIDE_AUX_DEMARCHES, procedure_accompaniments))
    activity_total = t["individual"] + t["collective"]
    accompaniment_total = t["individual"] + t["collective_participants"]
    attributes = {
        "accompagnements_par_jour": [{"label": f"{d:%d/%m}", "count": n} for d, n in stats.per_day],
        "accompagnements_par_mois": [{"label": f"{d:%m/%y}", "count": n} for d, n in stats.per_month],
        "beneficiaires": {
            "total": b["total"],
            "genres": _mapped(stats["genders"], cra.GENRE),
            "tranche_ages": _mapped(stats["age_bands"], cra.TRANCHE_AGE),
            "statuts_social": _mapped(stats["social_statuses"], cra.STATUT_SOCIAL),
        },
        "activites": {
            "total": t["accompaniments"],
            "type_activites": _mapped(stats["kinds"], cra.TYPE_ACTIVITE),
            "durees": _shares([(r.value, cra.DUREES[r.value], r.count) for r in stats["durations"].rows]),
            "type_lieu": _mapped(stats["place_kinds"], cra.TYPE_LIEU),
            "thematiques": _shares(thematiques),
            "thematiques_demarches": _mapped(stats["procedures"], cra.THEMATIQUES_DEMARCHES),
            "materiels": _mapped(stats["equipment"], cra.MATERIEL),
            "tags": [],
        },
        "totaux": {
            "activites": {
                "total": t["activities"],
                "individuels": _share(t["individual"], activity_total),
                "collectifs": {**_share(t["collective"], activity_total), "participants": t["collective_participants"]},
                "demarches": _share(t["procedures"], t["activities"]),
            },
            "accompagnements": {
                "total": t["accompaniments"],
                "individuels": _share(t["individual"], accompaniment_total),
                "collectifs": _share(t["collective_participants"], accompaniment_total),
                "demarches": _share(procedure_accompaniments, t["accompaniments"]),
            },
            "beneficiaires": {
                "total": b["total"],
                "nouveaux": b["new"],
                "suivis": b["followed"],
                "anonymes": b["anonymous"],
            },
        },
    }
    return {
        "data": {"type": "statistiques", "id": "statistiques", "attributes": attributes},
        "links": {"self": {"href": self_href}},
        "meta": {
            "du": stats.filters.start.isoformat(),
            "au": stats.filters.end.isoformat(),
            "perimetre": scope_label,
            "appui": appui_extension(stats),
        },
    }


def _rows(breakdown: Breakdown) -> list[dict[str, Any]]:
    return [{"value": r.value, "label": r.label, "count": r.count, "proportion": r.proportion} for r in breakdown.rows]


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def appui_extension(stats: Statistics) -> dict[str, Any]:
    """Return what only Appui records, in Appui's own codes."""
    appui = stats.appui
    diagnostics, rights, mandates = appui["diagnostics"], appui["rights"], appui["mandates"]
    return {
        "duree_totale_minutes": stats.totals["minutes"],
        "beneficiaires_deja_venus": stats.beneficiaries["returning"],
        "realisations": _rows(stats["modes"]),
        "autonomie": _rows(stats["autonomy"]),
        "etat_des_demarches": _rows(stats["procedure_status"]),
        "orientations": {**appui["referrals"], "structures_de_redirection": _rows(stats["referred_to"])},
        "lieux": _rows(stats["places"]),
        "communes_beneficiaires": _rows(stats["communes"]),
        "mandats": {
            "crees": mandates["created"],
            "utilises": mandates["used"],
            "crees_par_categorie": _rows(mandates["created_by_category"]),
            "utilises_par_categorie": _rows(mandates["used_by_category"]),
        },
        "diagnostics": {
            "total": diagnostics["count"],
            "personnes": diagnostics["persons"],
            "par_niveau": _rows(diagnostics["by_level"]),
            "personnes_reevaluees": diagnostics["reassessed"],
            "progres_moyen": None if diagnostics["average_progress"] is None else str(diagnostics["average_progress"]),
        },
        "droits": {
            "trouves": rights["found"],
            "demandes": rights["claimed"],
            "obtenus": rights["obtained"],
            "personnes_avec_droit_obtenu": rights["persons_obtained"],
            "euros_par_mois_obtenus": _money(rights["secured_monthly"]),
        },
        "signalements": {"total": appui["alerts"]["count"], "par_service": _rows(appui["alerts"]["by_service"])},
    }

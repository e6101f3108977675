"""The national procedure guides: Markdown files with a metadata header, validated when loaded.

Each guide is ``content/<slug>.md``: a YAML header between two ``---`` lines (checked against
``metadata.schema.json``), then the Markdown body with four sections in this order: "Avant de commencer"
(prerequisites), "Documents à préparer", "Étapes" (a numbered list) and "Si ça bloque" (common blockers and
what to do). The official link must be https on a domain of ``OFFICIAL_DOMAINS``: a guide never sends a
person to a look-alike or paid intermediary site. A guide that fails a check is refused with ``GuideError``.
"""

import datetime
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml

from appui.accompaniments.enums import OnlineService, Theme

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SCHEMA_PATH = Path(__file__).resolve().parent / "metadata.schema.json"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER_RE = re.compile(r"\A---\n(?P<header>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)

# Official sites of the administrations and public bodies the guides send people to (https only).
OFFICIAL_DOMAINS = frozenset(
    {
        "service-public.fr",
        "service-public.gouv.fr",
        "caf.fr",
        "msa.fr",
        "ameli.fr",
        "complementaire-sante-solidaire.gouv.fr",
        "impots.gouv.fr",
        "francetravail.fr",
        "ants.gouv.fr",
        "chequeenergie.gouv.fr",
        "info-retraite.fr",
        "lassuranceretraite.fr",
        "franceconnect.gouv.fr",
        "cybermalveillance.gouv.fr",
        "mesdroitssociaux.gouv.fr",
    }
)

# Keys of the benefits of the rights screening (appui.rights); a guide may declare that it helps claim one.
BENEFIT_KEYS = frozenset(
    {
        "rsa",
        "prime_activite",
        "aides_logement",
        "aah",
        "asi",
        "aspa",
        "ass",
        "css",
        "af",
        "cf",
        "paje_base",
        "ars",
        "bourse_college",
        "bourse_lycee",
        "cheque_energie",
    }
)

REQUIRED_SECTIONS = ("Avant de commencer", "Documents à préparer", "Étapes", "Si ça bloque")
MIN_STEPS = 3


class GuideError(ValueError):
    """Raised when a guide file does not validate; the message lists every problem found."""


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    goal: str
    themes: tuple[str, ...]
    benefits: tuple[str, ...]
    online_service: str
    official_url: str
    official_site: str
    duration_minutes: int
    last_checked: datetime.date
    body: str

    @property
    def theme_labels(self) -> list[str]:
        return [Theme(code).label for code in self.themes]


def is_official_url(url: str) -> bool:
    """Return whether ``url`` is https, on an official domain of the allow-list, without credentials or port."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https" or parts.username or parts.password or port is not None:
        return False
    return any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS)


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _section_errors(body: str) -> list[str]:
    headings = re.findall(r"^## +(.+?) *$", body, flags=re.MULTILINE)
    present = [h for h in headings if h in REQUIRED_SECTIONS]
    if present != list(REQUIRED_SECTIONS):
        return [f"sections : il faut, dans cet ordre, {', '.join(f'« ## {s} »' for s in REQUIRED_SECTIONS)}"]
    steps = body.split("## Étapes", 1)[1].split("\n## ", 1)[0]
    if len(re.findall(r"^\d+\. +\S", steps, flags=re.MULTILINE)) < MIN_STEPS:
        return [f"Étapes : il faut une liste numérotée d'au moins {MIN_STEPS} étapes"]
    return []


def _metadata_errors(meta: dict[str, Any]) -> list[str]:
    errors = []
    unknown = [t for t in meta["themes"] if t not in Theme.values]
    if unknown:
        errors.append(f"themes : thématique inconnue {unknown}")
    unknown = [b for b in meta.get("benefits", []) if b not in BENEFIT_KEYS]
    if unknown:
        errors.append(f"benefits : prestation inconnue {unknown}")
    if meta.get("online_service") and meta["online_service"] not in OnlineService.values:
        errors.append(f"online_service : service en ligne inconnu « {meta['online_service']} »")
    if not is_official_url(meta["official_url"]):
        errors.append(f"official_url : « {meta['official_url']} » n'est pas un site officiel en https de la liste")
    try:
        datetime.date.fromisoformat(meta["last_checked"])
    except ValueError:
        errors.append(f"last_checked : date invalide « {meta['last_checked']} »")
    return errors


def parse_guide(text: str, *, slug: str) -> Guide:
    """Validate one guide file's text and return the guide; raise ``GuideError`` listing every problem."""
    if not SLUG_RE.match(slug):
        raise GuideError(f"Guide « {slug} » : nom de fichier invalide (minuscules, chiffres et tirets).")
    match = FRONT_MATTER_RE.match(text.replace("\r\n", "\n"))
    if match is None:
        raise GuideError(f"Guide « {slug} » : l'en-tête (entre deux lignes ---) est absent.")
    try:
        meta = yaml.safe_load(match["header"])
    except (yaml.YAMLError, ValueError) as exc:  # an impossible unquoted date raises ValueError
        raise GuideError(f"Guide « {slug} » : en-tête illisible ({exc}).") from exc
    if isinstance(meta, dict) and isinstance(meta.get("last_checked"), datetime.date):
        meta["last_checked"] = meta["last_checked"].isoformat()  # YAML reads an unquoted date as a date
    validator = jsonschema.Draft202012Validator(_schema())
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or 'en-tête'} : {e.message}"
        for e in sorted(validator.iter_errors(meta), key=lambda e: list(e.absolute_path))
    ]
    if not errors:
        errors = _metadata_errors(meta) + _section_errors(match["body"])
    if errors:
        raise GuideError(f"Guide « {slug} » invalide :\n- " + "\n- ".join(errors))
    return Guide(
        slug=slug,
        title=meta["title"],
        goal=meta["goal"],
        themes=tuple(meta["themes"]),
        benefits=tuple(meta.get("benefits", [])),
        online_service=meta.get("online_service", ""),
        official_url=meta["official_url"],
        official_site=meta["official_site"],
        duration_minutes=meta["duration_minutes"],
        last_checked=datetime.date.fromisoformat(meta["last_checked"]),
        body=match["body"].strip() + "\n",
    )


def guide_files(directory: Path = CONTENT_DIR) -> list[Path]:
    return sorted(directory.glob("*.md"))


def load_guides(directory: Path = CONTENT_DIR) -> dict[str, Guide]:
    """Return every guide of the directory by slug, validated; raise ``GuideError`` on the first invalid one."""
    guides = {}
    for path in guide_files(directory):
        guides[path.stem] = parse_guide(path.read_text(encoding="utf-8"), slug=path.stem)
    benefit_owners: dict[str, str] = {}
    for guide in guides.values():
        for key in guide.benefits:
            if key in benefit_owners:
                raise GuideError(
                    f"La prestation « {key} » est déclarée par deux guides : {benefit_owners[key]}, {guide.slug}."
                )
            benefit_owners[key] = guide.slug
    return guides


@functools.cache
def national_guides() -> dict[str, Guide]:
    """Return the national guides of the repository (read once per process)."""
    return load_guides()

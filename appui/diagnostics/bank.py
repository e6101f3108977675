"""The question bank of the diagnostic: versioned data files, validated when loaded.

A bank is ``data/questions-<version>.json``. Loading it checks it against ``data/questions.schema.json``
(shape, French prompts, code formats), then checks what a schema cannot say: every DigComp and Pix code exists
in its framework and both name the same area, ids are unique, themes and obstacle flags exist, every area has
questions. A bank that fails any check is refused with ``BankError``: a broken bank never reaches a person.

Published versions are never edited (raw answers are stored with the bank version they answered); a change
of wording or of questions is a new version file.
"""

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from appui.accompaniments.enums import Theme
from appui.people.enums import Obstacle

from .enums import AnswerValue
from .frameworks import DIGCOMP_COMPETENCES, PIX_COMPETENCES, area_of

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA_PATH = DATA_DIR / "questions.schema.json"
CURRENT_VERSION = "v1"
SKILL = "skill"
OBSTACLE = "obstacle"


class BankError(ValueError):
    """Raised when a question bank does not validate; the message lists every problem found."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    worker_label: str
    obstacles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    plain_label: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    prompt: str
    help: str
    choices: tuple[Choice, ...]
    digcomp: str = ""
    pix: str = ""
    level: int = 0
    themes: tuple[str, ...] = ()

    @property
    def is_skill(self) -> bool:
        return self.kind == SKILL

    @property
    def area(self) -> str:
        """Return the DigComp area of a skill question ("" for an obstacle question)."""
        return area_of(self.digcomp) if self.digcomp else ""

    @property
    def allowed_values(self) -> frozenset[str]:
        return frozenset(choice.value for choice in self.choices)

    def choice(self, value: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.value == value), None)


@dataclass(frozen=True)
class QuestionBank:
    version: str
    title: str
    published: str
    frameworks: tuple[str, ...]
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]

    @property
    def skill_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_skill)

    @property
    def obstacle_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if not q.is_skill)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def index(self, question_id: str) -> int:
        return next(i for i, q in enumerate(self.questions) if q.id == question_id)


@functools.cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _schema_errors(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(racine)'} : {error.message}" for error in errors]


def _semantic_errors(data: Mapping[str, Any], expected_version: str | None) -> list[str]:
    errors: list[str] = []
    if expected_version is not None and data["version"] != expected_version:
        errors.append(f"version : « {data['version']} » dans un fichier de version « {expected_version} »")
    if sorted(item["value"] for item in data["scale"]) != sorted(AnswerValue.values):
        errors.append("scale : les valeurs doivent être 0, 1, 2, 3 et nsp, une fois chacune")
    if sorted(area["code"] for area in data["areas"]) != ["1", "2", "3", "4", "5"]:
        errors.append("areas : les 5 domaines DigComp doivent être présents une fois chacun")
    seen: set[str] = set()
    per_area: dict[str, int] = {}
    for position, question in enumerate(data["questions"]):
        where = f"questions/{position} ({question['id']})"
        if question["id"] in seen:
            errors.append(f"{where} : identifiant en double")
        seen.add(question["id"])
        if question["kind"] == SKILL:
            if question["digcomp"] not in DIGCOMP_COMPETENCES:
                errors.append(f"{where} : code DigComp inconnu « {question['digcomp']} »")
            if question["pix"] not in PIX_COMPETENCES:
                errors.append(f"{where} : code Pix inconnu « {question['pix']} »")
            if area_of(question["digcomp"]) != area_of(question["pix"]):
                errors.append(f"{where} : les codes DigComp et Pix ne sont pas du même domaine")
            unknown = [t for t in question["themes"] if t not in Theme.values]
            if unknown:
                errors.append(f"{where} : thématique inconnue {unknown}")
            per_area[area_of(question["digcomp"])] = per_area.get(area_of(question["digcomp"]), 0) + 1
        else:
            values = [choice["value"] for choice in question["choices"]]
            if len(values) != len(set(values)):
                errors.append(f"{where} : deux réponses ont la même valeur")
            for choice in question["choices"]:
                unknown = [o for o in choice["obstacles"] if o not in Obstacle.values]
                if unknown:
                    errors.append(f"{where} : frein inconnu {unknown}")
    for code in ("1", "2", "3", "4", "5"):
        if per_area.get(code, 0) < 2:
            errors.append(f"domaine {code} : il faut au moins 2 questions de compétence pour le mesurer")
    return errors


def parse_bank(data: Any, *, expected_version: str | None = None) -> QuestionBank:
    """Validate raw bank data and return the bank; raise ``BankError`` listing every problem."""
    errors = _schema_errors(data)
    if not errors:
        errors = _semantic_errors(data, expected_version)
    if errors:
        raise BankError("Banque de questions invalide :\n- " + "\n- ".join(errors))
    scale = {item["value"]: item for item in data["scale"]}
    skill_choices = tuple(
        Choice(value=value, label=scale[value]["label"], worker_label=scale[value]["worker_label"])
        for value in AnswerValue.values
    )
    no_answer = skill_choices[-1]
    questions = []
    for item in data["questions"]:
        if item["kind"] == SKILL:
            questions.append(
                Question(
                    id=item["id"],
                    kind=SKILL,
                    prompt=item["prompt"],
                    help=item.get("help", ""),
                    choices=skill_choices,
                    digcomp=item["digcomp"],
                    pix=item["pix"],
                    level=item["level"],
                    themes=tuple(item["themes"]),
                )
            )
        else:
            choices = tuple(
                Choice(
                    value=c["value"], label=c["label"], worker_label=c["worker_label"], obstacles=tuple(c["obstacles"])
                )
                for c in item["choices"]
            )
            # Every question may be left unanswered on purpose: "ne souhaite pas répondre" is always offered.
            questions.append(
                Question(
                    id=item["id"],
                    kind=OBSTACLE,
                    prompt=item["prompt"],
                    help=item.get("help", ""),
                    choices=(*choices, no_answer),
                )
            )
    return QuestionBank(
        version=data["version"],
        title=data["title"],
        published=data["published"],
        frameworks=tuple(data["frameworks"]),
        areas=tuple(Area(code=a["code"], label=a["label"], plain_label=a["plain_label"]) for a in data["areas"]),
        questions=tuple(questions),
    )


@functools.cache
def load_bank(version: str = CURRENT_VERSION) -> QuestionBank:
    """Return the validated bank of that version (read once per process)."""
    path = DATA_DIR / f"questions-{version}.json"
    if not version.startswith("v") or not path.is_file():
        raise BankError(f"Banque de questions introuvable : version « {version} ».")
    return parse_bank(json.loads(path.read_text(encoding="utf-8")), expected_version=version)


def available_versions() -> list[str]:
    """Return the versions of the bank kept in the repository."""
    return sorted(p.stem.removeprefix("questions-") for p in DATA_DIR.glob("questions-v*.json"))

"""The question bank is data kept in the repository: it validates against its own schema, and a broken bank
is refused when loaded."""

import copy
import json

import jsonschema
import pytest

from appui.accompaniments.enums import Theme
from appui.diagnostics.bank import DATA_DIR, SCHEMA_PATH, BankError, available_versions, load_bank, parse_bank
from appui.diagnostics.frameworks import DIGCOMP_COMPETENCES, PIX_COMPETENCES, area_of

SECONDS_PER_SCREEN = 18  # an estimate: read or hear one short question, press one big button


def _raw(version="v1"):
    return json.loads((DATA_DIR / f"questions-{version}.json").read_text(encoding="utf-8"))


def _skill(data, question_id="com_envoyer_pj"):
    return next(q for q in data["questions"] if q["id"] == question_id)


@pytest.mark.parametrize("version", available_versions())
def test_every_bank_file_validates_against_the_schema(version):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_raw(version))
    assert load_bank(version).version == version


def test_every_skill_item_has_competence_codes_a_french_prompt_and_a_level():
    bank = load_bank("v1")
    for question in bank.skill_questions:
        assert question.digcomp in DIGCOMP_COMPETENCES, question.id
        assert question.pix in PIX_COMPETENCES, question.id
        assert area_of(question.digcomp) == area_of(question.pix), question.id
        assert question.prompt.startswith("Je sais ") and question.prompt.endswith("."), question.id
        assert 1 <= question.level <= 2, question.id  # basic items: DigComp foundation levels
        assert question.themes and set(question.themes) <= set(Theme.values), question.id
        assert [c.value for c in question.choices] == ["0", "1", "2", "3", "nsp"], question.id


def test_the_bank_starts_with_four_obstacle_questions_then_about_25_skills_and_fits_in_10_minutes():
    bank = load_bank("v1")
    assert [q.is_skill for q in bank.questions[:4]] == [False] * 4
    assert all(q.is_skill for q in bank.questions[4:])
    assert 22 <= len(bank.skill_questions) <= 28
    assert len(bank.questions) * SECONDS_PER_SCREEN <= 10 * 60
    assert {q.area for q in bank.skill_questions} == {"1", "2", "3", "4", "5"}
    # Every obstacle question can be declined.
    assert all(q.choices[-1].value == "nsp" for q in bank.obstacle_questions)


def test_the_bank_covers_the_everyday_skills_of_the_issue():
    prompts = " ".join(q.prompt for q in load_bank("v1").skill_questions)
    for words in ("pièce jointe", "créer un compte", "code reçu par SMS", "scanner", "frauduleux", "FranceConnect"):
        assert words in prompts, words
    assert "payer sur internet" in prompts


def _refused(data, message):
    with pytest.raises(BankError) as error:
        parse_bank(data, expected_version="v1")
    assert message in str(error.value)


def test_a_bank_with_a_missing_competence_code_is_refused():
    data = _raw()
    del _skill(data)["digcomp"]
    _refused(data, "'digcomp' is a required property")


@pytest.mark.parametrize(
    ("field", "code", "message"),
    [
        ("digcomp", "2.9", "does not match"),  # not a DigComp code shape
        ("digcomp", "6.1", "does not match"),  # no sixth area
        ("digcomp", "3.5", "code DigComp inconnu « 3.5 »"),  # right shape, no such competence
        ("pix", "4.4", "code Pix inconnu « 4.4 »"),  # DigComp has a 4.4, Pix does not
        ("pix", "4.1", "ne sont pas du même domaine"),  # a 2.x DigComp item cannot be a 4.x Pix item
    ],
)
def test_a_bank_with_a_wrong_competence_code_is_refused(field, code, message):
    data = _raw()
    _skill(data)[field] = code
    _refused(data, message)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q: q.update(prompt="I can send an e-mail with an attachment."), "does not match"),
        (lambda q: q.pop("level"), "'level' is a required property"),
        (lambda q: q.update(level=9), "greater than the maximum"),
        (lambda q: q.update(themes=["cuisine"]), "thématique inconnue"),
        (lambda q: q.update(id="info_recherche"), "identifiant en double"),
        (lambda q: q.update(colour="bleu"), "Additional properties"),
    ],
)
def test_a_bank_with_a_broken_item_is_refused(change, message):
    data = _raw()
    change(_skill(data))
    _refused(data, message)


def test_a_bank_with_an_unknown_obstacle_flag_or_a_wrong_version_is_refused():
    data = _raw()
    data["questions"][0]["choices"][0]["obstacles"] = ["sans_voiture"]
    _refused(data, "frein inconnu")
    data = _raw()
    data["version"] = "v2"
    _refused(data, "dans un fichier de version « v1 »")


def test_a_bank_whose_area_has_too_few_questions_is_refused():
    data = copy.deepcopy(_raw())
    data["questions"] = [q for q in data["questions"] if q.get("digcomp", "").split(".")[0] != "3"]
    _refused(data, "domaine 3")


def test_an_unknown_version_is_refused():
    with pytest.raises(BankError):
        load_bank("v999")
    with pytest.raises(BankError):
        load_bank("../secrets")

import factory

from appui.diagnostics.bank import CURRENT_VERSION, load_bank
from appui.diagnostics.enums import DiagnosticMode
from appui.diagnostics.models import Diagnostic
from appui.diagnostics.scoring import overall_score_of, score
from tests.accounts.factories import UserFactory
from tests.people.factories import PersonFactory


def answers(skill: str = "2", obstacle: str | None = "oui", **overrides: str) -> dict[str, str]:
    """Return a complete answer set: every skill question ``skill``, every obstacle question ``obstacle``.

    Obstacle questions whose choices lack ``obstacle`` get their first choice; ``obstacle=None`` leaves them out.
    """
    bank = load_bank(CURRENT_VERSION)
    result: dict[str, str] = {}
    for question in bank.questions:
        if question.is_skill:
            result[question.id] = skill
        elif obstacle is not None:
            result[question.id] = obstacle if obstacle in question.allowed_values else question.choices[0].value
    result.update(overrides)
    return result


def answers_by_area(values: dict[str, list[str] | str], obstacle: str | None = None) -> dict[str, str]:
    """Return skill answers given per DigComp area: a value for the whole area, or one value per question."""
    bank = load_bank(CURRENT_VERSION)
    result = answers("nsp", obstacle=obstacle)
    for code, value in values.items():
        questions = [q for q in bank.skill_questions if q.area == code]
        per_question = [value] * len(questions) if isinstance(value, str) else value
        assert len(per_question) == len(questions), (code, len(questions))
        result.update({q.id: v for q, v in zip(questions, per_question, strict=True)})
    return result


class DiagnosticFactory(factory.django.DjangoModelFactory):
    """A diagnostic as the service would have written it (summary computed from the raw answers)."""

    class Meta:
        model = Diagnostic

    person = factory.SubFactory(PersonFactory)
    structure = factory.LazyAttribute(lambda o: o.person.structure)
    author = factory.SubFactory(UserFactory)
    mode = DiagnosticMode.WORKER
    bank_version = CURRENT_VERSION
    answers = factory.LazyFunction(answers)
    level = factory.LazyAttribute(lambda o: score(load_bank(o.bank_version), o.answers).level or "")
    recommendation = factory.LazyAttribute(lambda o: score(load_bank(o.bank_version), o.answers).recommendation)
    overall_score = factory.LazyAttribute(lambda o: overall_score_of(score(load_bank(o.bank_version), o.answers)))

"""The only writer of diagnostics."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from appui.accounts.models import Membership
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.people.models import Person
from appui.people.services import person_touch

from .access import can_run_diagnostic, can_view_obstacles
from .bank import CURRENT_VERSION, BankError, QuestionBank, load_bank
from .enums import DiagnosticMode
from .models import Diagnostic
from .scoring import overall_score_of, score


def _clean_answers(bank: QuestionBank, answers: Mapping[str, str]) -> dict[str, str]:
    """Return the answers in bank order, or raise ValidationError naming every wrong or missing answer."""
    errors: dict[str, str] = {}
    unknown = sorted(set(answers) - {q.id for q in bank.questions})
    if unknown:
        errors["__all__"] = f"Questions inconnues : {', '.join(unknown)}."
    cleaned: dict[str, str] = {}
    for question in bank.questions:
        value = answers.get(question.id)
        if value is None or value == "":
            if question.is_skill:
                errors[question.id] = "Choisissez une réponse (ou « ne souhaite pas répondre »)."
            continue
        if not isinstance(value, str) or value not in question.allowed_values:
            errors[question.id] = "Réponse inconnue."
            continue
        cleaned[question.id] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def diagnostic_create(
    *,
    membership: Membership,
    person: Person,
    mode: str,
    answers: Mapping[str, str],
    bank_version: str = CURRENT_VERSION,
) -> Diagnostic:
    """Record a completed diagnostic of ``person``: raw answers, bank version, level and recommendation.

    Every skill question needs an answer ("ne souhaite pas répondre" is one); obstacle questions may be left
    out (the accueil role does not ask them). Obstacle answers recorded by a worker need a role that may read
    the situation; a person answering alone in "mode personne" may always give them.
    """
    if not can_run_diagnostic(membership):
        raise PermissionDenied("Votre rôle ne permet pas de faire un diagnostic.")
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if mode not in DiagnosticMode.values:
        raise ValidationError({"mode": "Mode de diagnostic inconnu."})
    try:
        bank = load_bank(bank_version)
    except BankError as exc:
        raise ValidationError(str(exc)) from exc
    cleaned = _clean_answers(bank, answers)
    if (
        mode == DiagnosticMode.WORKER
        and not can_view_obstacles(membership)
        and any(q.id in cleaned for q in bank.obstacle_questions)
    ):
        raise PermissionDenied("Votre rôle ne permet pas de noter les freins de la personne.")
    result = score(bank, cleaned)
    diagnostic = Diagnostic.objects.create(
        structure=membership.structure,
        person=person,
        author=membership.user,
        mode=mode,
        bank_version=bank.version,
        answers=cleaned,
        level=result.level or "",
        overall_score=overall_score_of(result),
        recommendation=result.recommendation,
    )
    person_touch(person=person, when=timezone.now())
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.DIAGNOSTIC_CREATE,
        purpose=AuditPurpose.ACCOMPANIMENT,
        obj=diagnostic,
        person_id=person.pk,
        detail={"mode": mode, "bank_version": bank.version},
    )
    return diagnostic

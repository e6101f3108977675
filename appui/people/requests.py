"""Register of the person's data-protection requests (RGPD art. 15 to 21), answered within one month (art. 12.3)."""

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from appui.accounts import policy
from appui.audit.enums import AuditAction, AuditPurpose
from appui.audit.services import audit_record
from appui.core.fields import EncryptedTextField, RowUidField

from .models import Person


class RequestKind(models.TextChoices):
    ACCESS = "acces", "Accès (art. 15)"
    RECTIFICATION = "rectification", "Rectification (art. 16)"
    ERASURE = "effacement", "Effacement (art. 17)"
    RESTRICTION = "limitation", "Limitation (art. 18)"
    OBJECTION = "opposition", "Opposition (art. 21)"


class RequestStatus(models.TextChoices):
    OPEN = "ouverte", "En cours"
    ANSWERED = "repondue", "Répondue"
    REFUSED = "refusee", "Refusée (motivée)"


class RightsRequestQuerySet(models.QuerySet["RightsRequest"]):
    def visible_by(self, membership: Any) -> "RightsRequestQuerySet":
        """Return the requests of the member's structure about persons the member may see."""
        from .models import person_visibility

        return self.filter(person_visibility(membership, "person__"), structure_id=membership.structure_id)

    def overdue(self, today: datetime.date) -> "RightsRequestQuerySet":
        return self.filter(status=RequestStatus.OPEN, due_on__lt=today)


class RightsRequest(models.Model):
    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="rights_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rights_requests")
    kind = models.CharField("type de demande", max_length=20, choices=RequestKind.choices)
    received_on = models.DateField("reçue le")
    due_on = models.DateField("réponse due le")
    row_uid = RowUidField()
    details = EncryptedTextField("objet de la demande", blank=True)
    status = models.CharField("statut", max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    answered_on = models.DateField("répondue le", null=True, blank=True)
    answer = EncryptedTextField("réponse apportée", blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        app_label = "people"
        verbose_name = "demande d'exercice de droits"
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reçue le {self.received_on:%d/%m/%Y}"


def _check(membership: Any, person: Person) -> None:
    if person.structure_id != membership.structure_id:
        raise PermissionDenied("Cette fiche n'appartient pas à votre structure.")
    if not policy.can_view_consultation_history(membership):
        raise PermissionDenied("Le registre des demandes est tenu par le ou la responsable et le DPO.")


@transaction.atomic
def rights_request_create(
    *, membership: Any, person: Person, kind: str, received_on: datetime.date, details: str = ""
) -> RightsRequest:
    """Record a request; the answer is due one month after receipt (RGPD art. 12.3)."""
    _check(membership, person)
    if kind not in RequestKind.values:
        raise ValidationError({"kind": "Type de demande inconnu."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "La date de réception ne peut pas être dans le futur."})
    request = RightsRequest.objects.create(
        structure=membership.structure,
        person=person,
        kind=kind,
        received_on=received_on,
        due_on=received_on + relativedelta(months=1),
        details=details.strip(),
        created_by=membership.user,
    )
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.RIGHTS_REQUEST,
        purpose=AuditPurpose.DATA_PROTECTION,
        obj=request,
        person_id=person.pk,
        detail={"kind": kind, "due_on": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def rights_request_answer(*, membership: Any, request: RightsRequest, status: str, answer: str) -> RightsRequest:
    """Close a request as answered or refused (a refusal must be explained)."""
    _check(membership, request.person)
    if status not in {RequestStatus.ANSWERED, RequestStatus.REFUSED}:
        raise ValidationError({"status": "Choisissez « répondue » ou « refusée »."})
    if status == RequestStatus.REFUSED and not answer.strip():
        raise ValidationError({"answer": "Un refus doit être motivé."})
    if status == RequestStatus.ANSWERED and request.kind == RequestKind.ACCESS:
        from .export_parts import export_ready_to_answer

        if reason := export_ready_to_answer(request):
            raise ValidationError(reason)
    request.status = status
    request.answer = answer.strip()
    request.answered_on = timezone.localdate()
    request.save()
    audit_record(
        actor=membership.user,
        structure=membership.structure,
        action=AuditAction.RIGHTS_REQUEST,
        purpose=AuditPurpose.DATA_PROTECTION,
        obj=request,
        person_id=request.person_id,
        detail={"status": status},
    )
    return request

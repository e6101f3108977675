"""Referrals ("orientations"): a person oriented to a place or service, with consent and shared fields.

The shared fields are copied at creation into ``shared_data``: the place receives exactly what the person
agreed to share that day, and nothing it may not see of the record later. See docs/orientations.md.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from appui.core.fields import EncryptedJSONField, EncryptedTextField, RowUidField

from .enums import ConsentMode, ReferralOrigin, ReferralStatus, RefusalReason, SharedField, TargetKind

if TYPE_CHECKING:
    from appui.accounts.models import Membership


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_by(self, membership: "Membership") -> "ReferralQuerySet":
        """Return the referrals the member's structure sent, for persons the member may see."""
        from appui.people.models import person_visibility

        return self.filter(person_visibility(membership, "person__"), structure_id=membership.structure_id)

    def received_by(self, membership: "Membership") -> "ReferralQuerySet":
        """Return the referrals other structures sent to one of the member's structure's places."""
        return self.filter(target_structure_id=membership.structure_id)

    def for_person(self, person_id: int) -> "ReferralQuerySet":
        return self.filter(person_id=person_id)

    def still_open(self) -> "ReferralQuerySet":
        return self.filter(status__in=[ReferralStatus.NEW, ReferralStatus.IN_PROGRESS])


class Referral(models.Model):
    """A person oriented to a place (and possibly one of its services) by a member of a structure."""

    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, related_name="referrals_sent", verbose_name="structure"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals", verbose_name="personne"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="orientée par"
    )
    created_at = models.DateTimeField("orientée le", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    origin = models.CharField("depuis", max_length=20, choices=ReferralOrigin.choices, default=ReferralOrigin.PERSON)
    accompaniment = models.ForeignKey(
        "accompaniments.Accompaniment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="accompagnement",
    )
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="diagnostic",
    )
    right_follow_up = models.ForeignKey(
        "rights.RightFollowUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="droit à demander",
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="referrals", verbose_name="lieu")
    place_service = models.ForeignKey(
        "places.PlaceService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name="service",
    )
    # The structure that receives the referral in its inbox: the place belongs to another structure of Appui.
    target_structure = models.ForeignKey(
        "accounts.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name="structure destinataire",
    )
    target_kind = models.CharField("orientée vers", max_length=30, choices=TargetKind.choices)
    row_uid = RowUidField()
    reason = EncryptedTextField("motif de l'orientation", blank=True)
    # RGPD art. 6 and CASF L.121-6-2: the person agrees to the referral and to what is shared, field by field.
    consent_mode = models.CharField("accord de la personne", max_length=10, choices=ConsentMode.choices)
    consented_at = models.DateTimeField("accord donné le")
    shared_fields = models.JSONField("informations partagées", default=list, blank=True)
    shared_data: Any = EncryptedJSONField("valeurs partagées", default=dict, blank=True)
    appointment_at = models.DateTimeField("rendez-vous le", null=True, blank=True)
    contact_name = models.CharField("personne à demander sur place", max_length=150, blank=True)
    documents_to_bring = EncryptedTextField("documents à apporter", blank=True)
    follow_up_on = models.DateField("date de suivi", null=True, blank=True, db_index=True)
    status = models.CharField("statut", max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.NEW)
    status_changed_at = models.DateTimeField("statut mis à jour le")
    refusal_reason = models.CharField("motif du refus", max_length=30, choices=RefusalReason.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="réponse de",
    )
    response_message = EncryptedTextField("message de réponse", blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"),
            models.CheckConstraint(condition=Q(target_kind__in=TargetKind.values), name="referral_target_kind_valid"),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.REFUSED) | ~Q(refusal_reason=""),
                name="referral_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(refusal_reason="") | Q(refusal_reason__in=RefusalReason.values),
                name="referral_refusal_reason_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "created_at"], name="referral_structure_time"),
            models.Index(fields=["target_structure", "status"], name="referral_inbox"),
        ]

    def __str__(self) -> str:
        return f"Orientation du {self.created_at:%d/%m/%Y} vers {self.place}"

    @property
    def is_open(self) -> bool:
        return self.status in {ReferralStatus.NEW, ReferralStatus.IN_PROGRESS}

    @property
    def shared_field_labels(self) -> list[str]:
        return [SharedField(code).label for code in self.shared_fields if code in SharedField.values]

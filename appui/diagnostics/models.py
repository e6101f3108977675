from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from appui.accompaniments.enums import Autonomy
from appui.core.fields import EncryptedJSONField, RowUidField

from .bank import load_bank
from .enums import DiagnosticMode, Recommendation
from .scoring import DiagnosticResult, score

if TYPE_CHECKING:
    from appui.accounts.models import Membership


class DiagnosticQuerySet(models.QuerySet["Diagnostic"]):
    def visible_by(self, membership: "Membership") -> "DiagnosticQuerySet":
        """Return the diagnostics of the member's structure whose person the member may see."""
        from appui.people.models import person_visibility

        return self.filter(person_visibility(membership, "person__"), structure_id=membership.structure_id)

    def for_person(self, person_id: int) -> "DiagnosticQuerySet":
        return self.filter(person_id=person_id)

    def chronological(self) -> "DiagnosticQuerySet":
        return self.order_by("created_at", "id")


class Diagnostic(models.Model):
    """One digital-autonomy diagnostic of a person: the raw answers, and the summary computed from them.

    The raw answers and the bank version are the source of truth: ``result`` scores them again on every read,
    so a corrected scoring rule applies to past diagnostics too. ``level`` and ``recommendation`` are a
    summary written at creation, for lists and activity statistics; so is ``overall_score``.
    """

    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="diagnostics")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="diagnostics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField("mode", max_length=20, choices=DiagnosticMode.choices)
    bank_version = models.CharField("version des questions", max_length=10)
    # The raw answers, obstacle answers included (equipment, reading, language, disability: RGPD art. 9),
    # encrypted at rest; statistics read the summary columns below, never the answers.
    row_uid = RowUidField()
    answers: Any = EncryptedJSONField("réponses", default=dict)
    level = models.CharField("niveau d'autonomie", max_length=30, choices=Autonomy.choices, blank=True)
    # Overall score (0 to 3) at creation, as ``level``: a summary for the average progress in statistics.
    overall_score = models.DecimalField(
        "score d'ensemble (sur 3)", max_digits=4, decimal_places=3, null=True, blank=True
    )
    recommendation = models.CharField("préconisation", max_length=30, choices=Recommendation.choices)
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic d'autonomie numérique"
        verbose_name_plural = "diagnostics d'autonomie numérique"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["structure", "person", "created_at"], name="diagnostic_person_time")]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=DiagnosticMode.values), name="diagnostic_mode_known"),
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values), name="diagnostic_recommendation_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Diagnostic du {timezone.localtime(self.created_at):%d/%m/%Y} ({self.get_mode_display()})"

    @cached_property
    def result(self) -> DiagnosticResult:
        """Return the scores of the raw answers, with the bank they answered."""
        return score(load_bank(self.bank_version), self.answers)

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from appui.core.fields import EncryptedJSONField, EncryptedTextField, RowUidField

from .certainty import CERTAINTY_CODES, Certainty, MissingInput
from .enums import Benefit, CaseloadSource, CaseloadStatus, ChunkStatus, Frequency, RightStatus

if TYPE_CHECKING:
    from appui.accounts.models import Membership


class ScreeningQuerySet(models.QuerySet["Screening"]):
    def visible_by(self, membership: "Membership") -> "ScreeningQuerySet":
        """Return the screenings of the member's structure whose person the member may see."""
        from appui.people.models import person_visibility

        return self.filter(person_visibility(membership, "person__"), structure_id=membership.structure_id)

    def for_person(self, person_id: int) -> "ScreeningQuerySet":
        return self.filter(person_id=person_id)

    def latest_first(self) -> "ScreeningQuerySet":
        return self.order_by("-created_at", "-id")


class Screening(models.Model):
    """One screening of a person's rights ("simulation des droits"), saved to be explained and re-run.

    It keeps the answers given, the complete situation computed from them (with its assumptions), the period
    and legislation date, the engine and its versions, and the rights found.
    """

    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, related_name="+", verbose_name="structure"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="rights_screenings", verbose_name="personne"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="réalisée par"
    )
    created_at = models.DateTimeField("réalisée le", auto_now_add=True)
    period = models.CharField("mois simulé (AAAA-MM)", max_length=7)
    legislation_date = models.DateField("législation au")
    engine = models.CharField("moteur de calcul", max_length=40)
    engine_versions = models.JSONField("versions du moteur", default=dict)
    row_uid = RowUidField()
    # Encrypted at rest: resources, benefits and disability rates are situation and health data (RGPD art. 9).
    answers: Any = EncryptedJSONField("réponses", default=dict)
    situation: Any = EncryptedJSONField("situation complète calculée", default=dict)
    results: Any = EncryptedJSONField("droits trouvés", default=list)
    unclaimed_monthly_total = models.DecimalField(
        "droits probables non demandés, par mois", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = "simulation des droits"
        verbose_name_plural = "simulations des droits"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "created_at"], name="screening_person_time")]

    def __str__(self) -> str:
        return f"Simulation des droits du {self.created_at:%d/%m/%Y} ({self.period})"

    @property
    def assumptions(self) -> list[dict[str, Any]]:
        return list(self.situation.get("assumptions", []))


# A reminder only makes sense while something is awaited: the claim to make, or the answer to it.
OPEN_STATUSES = (RightStatus.TO_CLAIM, RightStatus.CLAIMED)


class RightFollowUpQuerySet(models.QuerySet["RightFollowUp"]):
    def visible_by(self, membership: "Membership") -> "RightFollowUpQuerySet":
        """Return the right follow-ups of the member's structure whose person the member may see."""
        from appui.people.models import person_visibility

        return self.filter(person_visibility(membership, "person__"), structure_id=membership.structure_id)

    def for_person(self, person_id: int) -> "RightFollowUpQuerySet":
        return self.filter(person_id=person_id)

    def granted(self) -> "RightFollowUpQuerySet":
        return self.filter(status=RightStatus.GRANTED)

    def open(self) -> "RightFollowUpQuerySet":
        """Return the follow-ups still waiting for something: a claim to make, or an answer to a claim."""
        return self.filter(status__in=OPEN_STATUSES)

    def reminders_due(self, by: datetime.date) -> "RightFollowUpQuerySet":
        """Return the open follow-ups whose reminder date has come by ``by``, oldest reminder first."""
        return self.open().filter(reminder_on__isnull=False, reminder_on__lte=by).order_by("reminder_on", "id")


class RightFollowUp(models.Model):
    """The follow-up of one right found for a person: one row per person and benefit, whatever the re-runs."""

    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, related_name="+", verbose_name="structure"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="rights_follow_ups", verbose_name="personne"
    )
    benefit = models.CharField("droit", max_length=30, choices=Benefit.choices)
    screening = models.ForeignKey(
        Screening, on_delete=models.SET_NULL, null=True, related_name="follow_ups", verbose_name="trouvé par"
    )
    estimated_amount = models.DecimalField("montant estimé", max_digits=10, decimal_places=2, null=True)
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices)
    monthly_amount = models.DecimalField(
        "équivalent mensuel estimé", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    status = models.CharField("suivi", max_length=20, choices=RightStatus.choices, default=RightStatus.TO_CLAIM)
    # When a screening first found the right (statistics count the rights found in a period).
    found_at = models.DateTimeField("trouvé le", default=timezone.now)
    status_changed_at = models.DateTimeField("suivi mis à jour le")
    claimed_on = models.DateField("demande faite le", null=True, blank=True)
    decided_on = models.DateField("réponse reçue le", null=True, blank=True)
    granted_amount = models.DecimalField("montant accordé", max_digits=10, decimal_places=2, null=True, blank=True)
    # When to check on the follow-up again ("relancer le"): shown in "Ma journée" and on the person's page.
    reminder_on = models.DateField("relance prévue le", null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="mis à jour par"
    )

    objects = RightFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "suivi d'un droit"
        verbose_name_plural = "suivis des droits"
        ordering = ["person_id", "benefit"]
        constraints = [
            models.UniqueConstraint(fields=["person", "benefit"], name="right_follow_up_unique_person_benefit"),
            models.CheckConstraint(condition=Q(status__in=RightStatus.values), name="right_follow_up_status_valid"),
            models.CheckConstraint(condition=Q(benefit__in=Benefit.values), name="right_follow_up_benefit_valid"),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="right_follow_up_granted_amount_positive",
            ),
        ]
        indexes = [models.Index(fields=["updated_by", "reminder_on"], name="right_follow_up_reminder")]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} — {self.get_status_display()}"

    @property
    def secured_monthly_amount(self) -> Decimal:
        """Return what the right brings each month once obtained (the amount granted if known)."""
        if self.status != RightStatus.GRANTED:
            return Decimal("0.00")
        if self.granted_amount is None:
            return self.monthly_amount
        if self.frequency == Frequency.YEARLY:
            return (self.granted_amount / 12).quantize(Decimal("0.01"))
        if self.frequency == Frequency.NONE:
            return Decimal("0.00")
        return self.granted_amount

    @property
    def last_news_on(self) -> datetime.date:
        """Return the day of the last news recorded on the follow-up (its last update, in Paris time)."""
        return timezone.localdate(self.status_changed_at)

    def is_without_news(self, today: datetime.date) -> bool:
        """Return whether a claim in progress has passed its reminder date with no news recorded since."""
        return self.status == RightStatus.CLAIMED and self.reminder_on is not None and self.reminder_on < today


class CaseloadScreeningQuerySet(models.QuerySet["CaseloadScreening"]):
    def visible_by(self, membership: "Membership") -> "CaseloadScreeningQuerySet":
        return self.filter(structure_id=membership.structure_id)


class CaseloadScreening(models.Model):
    """A screening of a whole caseload ("repérage du non-recours"), run as a background job.

    En attente (waiting for a worker, or for another job of the structure to end) → en cours (split into chunk
    tasks that any worker runs) → terminé, or échoué with its reason; a failed job can be relaunched: the chunks
    already done are kept, the others run again (``appui.rights.jobs``).
    """

    structure = models.ForeignKey(
        "accounts.Structure", on_delete=models.PROTECT, related_name="+", verbose_name="structure"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="lancé par"
    )
    created_at = models.DateTimeField("lancé le", auto_now_add=True)
    source = models.CharField("source", max_length=20, choices=CaseloadSource.choices)
    filename = models.CharField("fichier", max_length=200, blank=True)
    row_uid = RowUidField()
    # The uploaded file of a job recorded before files were cut into chunks when sent, kept only until the job
    # has read it (data minimisation). A file is now stored only as its chunks' households.
    source_csv = EncryptedTextField("contenu du fichier", blank=True)
    status = models.CharField("état", max_length=20, choices=CaseloadStatus.choices, default=CaseloadStatus.PENDING)
    total = models.PositiveIntegerField("foyers à examiner", default=0)
    processed = models.PositiveIntegerField("foyers examinés", default=0)
    with_rights = models.PositiveIntegerField("foyers avec des droits non demandés", default=0)
    to_verify = models.PositiveIntegerField("foyers avec des droits à vérifier", default=0)
    to_complete = models.PositiveIntegerField("foyers à compléter (non évalués)", default=0)
    # Why households could not be assessed: missing input code → number of households.
    to_complete_reasons = models.JSONField("informations manquantes", default=dict, blank=True)
    error_count = models.PositiveIntegerField("lignes en erreur", default=0)
    errors: Any = EncryptedJSONField("erreurs par ligne", default=list, blank=True)
    unclaimed_monthly_total = models.DecimalField(
        "droits probables non demandés, par mois", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    period = models.CharField("mois simulé (AAAA-MM)", max_length=7, blank=True)
    engine = models.CharField("moteur de calcul", max_length=40, blank=True)
    engine_versions = models.JSONField("versions du moteur", default=dict, blank=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    duration_seconds = models.FloatField("durée (secondes)", null=True, blank=True)
    failure_message = models.CharField("cause de l'échec", max_length=300, blank=True)

    objects = CaseloadScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = "repérage du non-recours"
        verbose_name_plural = "repérages du non-recours"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(processed__lte=F("total")), name="caseload_processed_within_total"),
            models.CheckConstraint(condition=Q(status__in=CaseloadStatus.values), name="caseload_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Repérage du {self.created_at:%d/%m/%Y %H:%M} ({self.get_source_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {CaseloadStatus.DONE, CaseloadStatus.FAILED}

    @property
    def can_relaunch(self) -> bool:
        """Return whether a failed job still holds what it needs to run again (inputs are erased after a while)."""
        if self.status != CaseloadStatus.FAILED:
            return False
        chunks = self.chunks.all()
        if not chunks.exists():
            return self.source == CaseloadSource.STRUCTURE or bool(self.source_csv)
        return not chunks.exclude(status=ChunkStatus.DONE).filter(entries__isnull=True).exists()

    @property
    def progress_percent(self) -> int:
        if self.status == CaseloadStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class CaseloadChunk(models.Model):
    """A slice of a caseload screening, screened by one task on any worker (``appui.rights.jobs``).

    Its households are kept encrypted until it is done. A chunk is done exactly once: its results and its "done"
    mark are written in one transaction, only by the attempt that claimed it last (``attempts`` is the fence).
    """

    job = models.ForeignKey(CaseloadScreening, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField("numéro")
    first = models.PositiveIntegerField("position du premier foyer")
    size = models.PositiveIntegerField("foyers")
    status = models.CharField("état", max_length=20, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    worker_id = models.CharField("processus", max_length=64, blank=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    seconds = models.FloatField("durée du calcul (secondes)", null=True, blank=True)
    row_uid = RowUidField()
    # The households to screen (file rows, or answers of the structure's persons): erased once done.
    entries: Any = EncryptedJSONField("foyers à examiner", null=True, blank=True)
    problems: Any = EncryptedJSONField("lignes en erreur", default=list, blank=True)

    class Meta:
        verbose_name = "paquet d'un repérage"
        verbose_name_plural = "paquets des repérages"
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="caseload_chunk_unique_index"),
            models.UniqueConstraint(fields=["job", "first"], name="caseload_chunk_unique_first"),
            models.CheckConstraint(condition=Q(status__in=ChunkStatus.values), name="caseload_chunk_status_valid"),
            models.CheckConstraint(condition=Q(size__gt=0), name="caseload_chunk_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Paquet {self.index + 1} du repérage {self.job_id} ({self.get_status_display()})"


class CaseloadResult(models.Model):
    """A household of a caseload screening with unclaimed rights, probable or to verify, or one it could not
    assess ("informations à compléter": no amount is kept for it).

    ``position`` is the household's place in the caseload (its row, or its person, in the order read): unique in
    a job, so a household can never be stored twice, whatever happens to the workers.
    """

    job = models.ForeignKey(CaseloadScreening, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField("position dans le repérage")
    reference = models.CharField("référence du foyer", max_length=100)
    line = models.PositiveIntegerField("ligne du fichier", null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="personne"
    )
    certainty = models.PositiveSmallIntegerField("certitude", choices=Certainty.choices, default=Certainty.PROBABLE)
    unclaimed_monthly_total = models.DecimalField("droits probables, par mois", max_digits=10, decimal_places=2)
    row_uid = RowUidField()
    to_verify_monthly_total = models.DecimalField(
        "droits à vérifier, par mois", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    rights: Any = EncryptedJSONField("droits non demandés", default=dict)
    # Benefit codes whose result is "à vérifier", and the missing inputs (``certainty.MissingInput.key``): codes
    # and "la personne" / "le conjoint" indexes only, never a name.
    to_verify_benefits = models.JSONField("droits à vérifier", default=list, blank=True)
    missing_inputs = models.JSONField("informations manquantes", default=list, blank=True)
    assumptions: Any = EncryptedJSONField("hypothèses", default=list)

    class Meta:
        verbose_name = "foyer repéré"
        verbose_name_plural = "foyers repérés"
        ordering = ["job", "certainty", "-unclaimed_monthly_total", "-to_verify_monthly_total", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="caseload_result_unique_position"),
            models.CheckConstraint(condition=Q(certainty__in=Certainty.values), name="caseload_result_certainty_valid"),
        ]
        indexes = [
            models.Index(
                fields=["job", "certainty", "-unclaimed_monthly_total", "-to_verify_monthly_total", "position"],
                name="caseload_result_ranking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} : {self.unclaimed_monthly_total} € par mois ({self.get_certainty_display()})"

    @property
    def certainty_code(self) -> str:
        return CERTAINTY_CODES[self.certainty]

    @property
    def missing_labels(self) -> list[str]:
        return [MissingInput.from_key(key).label for key in self.missing_inputs]

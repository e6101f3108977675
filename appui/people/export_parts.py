"""The hand-over of a right-of-access export (RGPD art. 15): no member reads through it what Appui hides from them.

Preparing the export of an access request gives the preparer (responsable or DPO) the part they may read, and
records one pending part per thing they may not read: private notes (for their author), notes under
professional secrecy (for a member bound by it), diagnostics, documents, screenings (for a member who may open
them). A member who may read a part produces it from their inbox and hands it to the person; when no member may
(the author left), the part is sealed for the person: they type a passphrase, never stored, and the part becomes
a PDF that only this passphrase opens. The request can be answered once every part is handed over or sealed
and the last archive holds the sealed parts. docs/droit-d-acces.md explains the choices.
"""

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from appui.accounts import policy
from appui.accounts.models import Membership
from appui.core.dates import french_date
from appui.core.fields import EncryptedBinaryField, RowUidField
from appui.core.text import normalize

from .enums import ExportDelivery, ExportPartKind, ExportPartStatus
from .export import Export, PartKey, build_export, export_json, record_export_read
from .export_pdf import (
    PASSPHRASE_MAX_BYTES,
    PASSPHRASE_MIN_LENGTH,
    PartLine,
    json_bytes,
    render_export_pdf,
    seal_pdf,
)
from .export_readers import MemberReader, SealedReader
from .requests import RequestKind, RequestStatus, RightsRequest


class AccessExportPartQuerySet(models.QuerySet["AccessExportPart"]):
    def of_structure(self, structure_id: int) -> "AccessExportPartQuerySet":
        return self.filter(request__structure_id=structure_id)

    def pending(self) -> "AccessExportPartQuerySet":
        return self.filter(status=ExportPartStatus.PENDING)

    def open(self) -> "AccessExportPartQuerySet":
        return self.filter(request__status=RequestStatus.OPEN)


class AccessExportPart(models.Model):
    """One part of the export answering an access request, and who handed it to the person, when and how."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="export_parts")
    kind = models.CharField("partie", max_length=20, choices=ExportPartKind.choices)
    # Private notes: whose notes this part holds (only their author may produce it).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("état", max_length=20, choices=ExportPartStatus.choices, default=ExportPartStatus.PENDING)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField("remise le", null=True, blank=True)
    delivery = models.CharField("remise", max_length=20, choices=ExportDelivery.choices, blank=True)
    row_uid = RowUidField()
    # Encrypted twice: with the person's passphrase (the PDF itself), and at rest like every document.
    sealed_pdf = EncryptedBinaryField("partie scellée (PDF chiffré)", null=True, blank=True)
    sealed_sha256 = models.CharField("empreinte de la partie scellée", max_length=64, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = AccessExportPartQuerySet.as_manager()

    class Meta:
        app_label = "people"
        verbose_name = "partie d'un export du droit d'accès"
        verbose_name_plural = "parties des exports du droit d'accès"
        ordering = ["request", "kind", "author_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind"], condition=Q(author__isnull=True), name="export_part_unique_kind"
            ),
            models.UniqueConstraint(
                fields=["request", "kind", "author"],
                condition=Q(author__isnull=False),
                name="export_part_unique_kind_author",
            ),
            models.CheckConstraint(condition=Q(kind__in=ExportPartKind.values), name="export_part_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ExportPartStatus.values), name="export_part_status_valid"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> PartKey:
        return PartKey(self.kind, self.author_id)

    @property
    def label(self) -> str:
        if self.kind == ExportPartKind.PRIVATE_NOTES and self.author is not None:
            return f"{ExportPartKind(self.kind).label} de {self.author}"
        return ExportPartKind(self.kind).label

    @property
    def is_done(self) -> bool:
        return self.status != ExportPartStatus.PENDING

    @property
    def archive_name(self) -> str:
        """Return the sealed part's name in the export archive (no internal ids)."""
        name = self.kind
        if self.author is not None:
            name += "-" + normalize(self.author.get_full_name()).replace(" ", "-")
        return f"parties-scellees/{name}.pdf"


# --- Who may do what -------------------------------------------------------------------------------------------


def _check_preparer(membership: Membership, request: RightsRequest) -> None:
    if request.structure_id != membership.structure_id:
        raise PermissionDenied("Cette demande n'appartient pas à votre structure.")
    if not policy.can_view_consultation_history(membership):
        raise PermissionDenied("L'export du droit d'accès est préparé par le ou la responsable ou le DPO.")
    if request.kind != RequestKind.ACCESS:
        raise ValidationError("Seule une demande d'accès (art. 15) donne lieu à un export.")
    if request.status != RequestStatus.OPEN:
        raise ValidationError("Cette demande est close.")
    from .access import persons_visible_by

    if not persons_visible_by(membership).filter(pk=request.person_id).exists():
        raise PermissionDenied("Vous ne pouvez pas ouvrir cette fiche.")


def member_may_complete(membership: Membership, part: AccessExportPart) -> bool:
    """Return whether the member may read, and so produce, every piece of data of the part (same rules as pages)."""
    from .access import persons_visible_by

    if part.kind == ExportPartKind.READABLE or part.request.structure_id != membership.structure_id:
        return False
    if part.request.status != RequestStatus.OPEN:
        return False
    person = part.request.person
    if not persons_visible_by(membership).filter(pk=person.pk).exists():
        return False
    export = build_export(person=person, reader=MemberReader(membership, person), part=part.key)
    return not export.unreadable and bool(export.sections)


def members_who_may_complete(part: AccessExportPart) -> list[Membership]:
    """Return the active members of the structure who may produce the part."""
    members = Membership.objects.active().filter(structure_id=part.request.structure_id).select_related("user")
    return [member for member in members if member_may_complete(member, part)]


def parts_to_complete(membership: Membership) -> list[AccessExportPart]:
    """Return the pending parts of open requests that the member may produce (their inbox)."""
    parts = (
        AccessExportPart.objects.of_structure(membership.structure_id)
        .open()
        .pending()
        .exclude(kind=ExportPartKind.READABLE)
        .select_related("request__person", "request__structure", "author")
        .order_by("request__due_on", "id")
    )
    return [part for part in parts if member_may_complete(membership, part)]


def may_seal(membership: Membership, part: AccessExportPart, *, readers: Sequence[Membership] | None = None) -> bool:
    """Return whether the member may seal the part: a member who may read it, or the responsable or the DPO
    when no active member may (its author left, or the record is archived). ``readers``: the members who may
    read it, when the caller already knows them."""
    if part.kind == ExportPartKind.READABLE or part.request.status != RequestStatus.OPEN:
        return False
    if member_may_complete(membership, part):
        return True
    if part.request.structure_id != membership.structure_id or not policy.can_view_consultation_history(membership):
        return False
    return not (members_who_may_complete(part) if readers is None else readers)


# --- Building the archives ---------------------------------------------------------------------------------------


def _part_lines(parts: Iterable[AccessExportPart]) -> list[PartLine]:
    lines = []
    for part in parts:
        if part.kind == ExportPartKind.READABLE:
            continue
        done_on = french_date(part.completed_at) if part.completed_at else ""
        if part.status == ExportPartStatus.SEALED:
            status = (
                f"fermée pour vous le {done_on} : ouvrez le fichier « {part.archive_name} » "
                "avec la phrase secrète que vous avez choisie."
            )
        elif part.status == ExportPartStatus.COMPLETED:
            status = (
                f"remise le {done_on} par une personne de la structure qui a le droit de "
                f"la lire ({part.get_delivery_display().lower()})."
            )
        else:
            status = "vous sera remise par une personne de la structure qui a le droit de la lire."
        lines.append(PartLine(label=ExportPartKind(part.kind).label, status=status))
    return lines


def _parts_json(parts: Iterable[AccessExportPart]) -> list[dict[str, Any]]:
    return [
        {
            "kind": part.kind,
            "label": ExportPartKind(part.kind).label,
            "status": part.status,
            "completed_at": part.completed_at.isoformat() if part.completed_at else None,
            "delivery": part.delivery or None,
            "file": part.archive_name if part.status == ExportPartStatus.SEALED else None,
        }
        for part in parts
        if part.kind != ExportPartKind.READABLE
    ]


def _zip(export: Export, *, pdf: bytes, data: dict[str, Any], extra: Sequence[tuple[str, bytes]] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.pdf", pdf)
        archive.writestr("donnees.json", json_bytes(data))
        for file in export.files:
            archive.writestr(file.path, file.load())
        for path, content in extra:
            archive.writestr(path, content)
    return buffer.getvalue()


def _sync_parts(request: RightsRequest, export: Export, *, preparer: Membership) -> list[AccessExportPart]:
    """Record the preparer's part and one pending part per thing it may not read; drop pending parts no longer
    needed. Parts already handed over or sealed stay as they are."""
    now = timezone.now()
    AccessExportPart.objects.update_or_create(
        request=request,
        kind=ExportPartKind.READABLE,
        author=None,
        defaults={"status": ExportPartStatus.COMPLETED, "completed_by": preparer.user, "completed_at": now},
    )
    existing = {part.key: part for part in request.export_parts.exclude(kind=ExportPartKind.READABLE)}
    for key in export.withheld - existing.keys():
        AccessExportPart.objects.create(request=request, kind=key.kind, author_id=key.author_id)
    for key, part in existing.items():
        if key not in export.withheld and part.status == ExportPartStatus.PENDING:
            part.delete()
    return list(request.export_parts.select_related("author").order_by("kind", "author_id", "id"))


# --- Services ----------------------------------------------------------------------------------------------------


@transaction.atomic
def access_export_prepare(*, membership: Membership, request: RightsRequest) -> tuple[str, bytes]:
    """Return the preparer's archive of an access request, record the parts it may not read, and journal it.

    The archive holds what the preparer may read in Appui, and the parts already sealed for the person (which
    nobody but the person can open). Run it again once every part is handed over or sealed: that archive is
    the one to give the person.
    """
    _check_preparer(membership, request)
    person = request.person
    export = build_export(person=person, reader=MemberReader(membership, person))
    parts = _sync_parts(request, export, preparer=membership)
    sealed = [
        (p.archive_name, bytes(p.sealed_pdf)) for p in parts if p.status == ExportPartStatus.SEALED and p.sealed_pdf
    ]
    pdf = render_export_pdf(export, parts=_part_lines(parts))
    data = export_json(export, parts=_parts_json(parts))
    content = _zip(export, pdf=pdf, data=data, extra=sealed)
    record_export_read(
        membership=membership,
        person=person,
        detail={
            "request": request.pk,
            "part": ExportPartKind.READABLE.value,
            "withheld": sorted(key.kind for key in export.withheld),
            "sealed_parts": len(sealed),
        },
    )
    return f"acces-donnees-{person.file_number}.zip", content


@transaction.atomic
def access_export_part_complete(*, membership: Membership, part: AccessExportPart, delivery: str) -> tuple[str, bytes]:
    """Return the archive of one part, produced with the member's own reading rules, and record its hand-over."""
    if delivery not in {ExportDelivery.IN_PERSON, ExportDelivery.POST, ExportDelivery.SECURE_MAIL}:
        raise ValidationError({"delivery": "Dites comment vous remettez cette partie à la personne."})
    part = (
        AccessExportPart.objects.select_for_update(of=("self",))
        .select_related("request__person", "author")
        .get(pk=part.pk)
    )
    if part.status == ExportPartStatus.SEALED:
        raise ValidationError("Cette partie est déjà scellée pour la personne.")
    if not member_may_complete(membership, part):
        raise PermissionDenied("Vous ne pouvez pas lire cette partie dans Appui : elle ne peut pas venir de vous.")
    person = part.request.person
    export = build_export(person=person, reader=MemberReader(membership, person), part=part.key)
    pdf = render_export_pdf(export)
    content = _zip(export, pdf=pdf, data=export_json(export))
    part.status = ExportPartStatus.COMPLETED
    part.completed_by = membership.user
    part.completed_at = timezone.now()
    part.delivery = delivery
    part.save(update_fields=["status", "completed_by", "completed_at", "delivery"])
    record_export_read(
        membership=membership,
        person=person,
        detail={"request": part.request_id, "part": part.kind, "step": "completed", "delivery": delivery},
    )
    return f"acces-donnees-{person.file_number}-{part.kind}.zip", content


def check_passphrase(passphrase: str, confirmation: str) -> str:
    """Return the passphrase to seal with, or raise ValidationError in plain French."""
    if passphrase != confirmation:
        raise ValidationError(
            {"passphrase_confirm": "Les deux phrases secrètes sont différentes. Tapez-les à nouveau."}
        )
    if len(passphrase) < PASSPHRASE_MIN_LENGTH:
        raise ValidationError(
            {
                "passphrase": f"La phrase secrète doit compter au moins {PASSPHRASE_MIN_LENGTH} caractères "
                "(par exemple trois mots)."
            }
        )
    if len(passphrase.encode()) > PASSPHRASE_MAX_BYTES:
        raise ValidationError({"passphrase": "La phrase secrète est trop longue : 100 caractères au plus."})
    return passphrase


@transaction.atomic
def access_export_part_seal(
    *, membership: Membership, part: AccessExportPart, passphrase: str, confirmation: str, person_present: bool
) -> AccessExportPart:
    """Seal one part for the person: a PDF encrypted with the passphrase they typed, which is never kept.

    Allowed to a member who may read the part, or to the responsable or DPO when no active member may.
    """
    part = (
        AccessExportPart.objects.select_for_update(of=("self",))
        .select_related("request__person", "author")
        .get(pk=part.pk)
    )
    if not may_seal(membership, part):
        raise PermissionDenied("Un membre de l'équipe peut lire cette partie : c'est à lui ou elle de la remettre.")
    if not person_present:
        raise ValidationError(
            {"person_present": "La personne doit être présente et taper elle-même sa phrase secrète."}
        )
    secret = check_passphrase(passphrase, confirmation)
    person = part.request.person
    export = build_export(person=person, reader=SealedReader(person), part=part.key)
    attachments = [("donnees.json", json_bytes(export_json(export)))]
    attachments += [(file.path.replace("/", "-"), file.load()) for file in export.files]
    sealed = seal_pdf(render_export_pdf(export, sealed=True), passphrase=secret, attachments=attachments)
    part.status = ExportPartStatus.SEALED
    part.completed_by = membership.user
    part.completed_at = timezone.now()
    part.delivery = ExportDelivery.WITH_EXPORT
    part.sealed_pdf = sealed
    part.sealed_sha256 = hashlib.sha256(sealed).hexdigest()
    part.save()
    record_export_read(
        membership=membership,
        person=person,
        detail={"request": part.request_id, "part": part.kind, "step": "sealed", "sha256": part.sealed_sha256},
    )
    return part


def export_ready_to_answer(request: RightsRequest) -> str | None:
    """Return why an access request cannot be answered yet (in plain French), or None when it can."""
    parts = list(request.export_parts.all())
    readable = next((p for p in parts if p.kind == ExportPartKind.READABLE), None)
    if readable is None or readable.completed_at is None:
        return "Préparez d'abord l'export des données de la personne."
    pending = [p for p in parts if p.status == ExportPartStatus.PENDING]
    if pending:
        return (
            f"L'export n'est pas complet : {len(pending)} partie(s) à remettre par un membre qui a le droit de "
            "les lire, ou à sceller pour la personne."
        )
    sealed = [p.completed_at for p in parts if p.status == ExportPartStatus.SEALED and p.completed_at]
    if sealed and max(sealed) > readable.completed_at:
        return "Téléchargez l'export une dernière fois : il contiendra les parties scellées depuis."
    return None

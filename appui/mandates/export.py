"""What the right-of-access export (RGPD art. 15) gives of mandates: every member who sees the person reads them.

The signed attestations go with the export as files.
"""

from appui.core.dates import french_date
from appui.people.export import Entry, ExportContext, Record, Theme, choice, constant, exporter

from .enums import MandateDuration, MandateStatus
from .models import Mandate, MandateRevocation, MandateUse
from .services import category_labels


def _categories(key: str, label: str, categories: list[str]) -> Entry:
    return Entry(key, label, categories or None, ", ".join(category_labels(categories)) or None)


@exporter("mandates.Mandate", theme=Theme.MANDATES)
def export_mandates(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    records = []
    for number, mandate in enumerate(Mandate.objects.filter(person_id=ctx.person.pk).order_by("starts_at", "id"), 1):
        attestation = bytes(mandate.attestation_pdf or b"")
        path = (
            ctx.add_file(f"mandats/mandat-{number}-attestation.pdf", "Attestation de mandat", constant(attestation))
            if attestation
            else None
        )
        status = mandate.status()
        records.append(
            Record(
                "mandate",
                f"Mandat du {french_date(mandate.starts_at)}",
                (
                    _categories("categories", "Démarches confiées", mandate.categories),
                    choice("duration", "Durée", mandate.duration, MandateDuration(mandate.duration).label),
                    Entry("starts_at", "Début", mandate.starts_at),
                    Entry("expires_at", "Fin", mandate.expires_at),
                    choice("status", "État aujourd'hui", status, MandateStatus(status).label),
                    _categories("revoked_categories", "Démarches retirées", mandate.revoked_categories),
                    Entry("revoked_at", "Révoqué entièrement le", mandate.revoked_at),
                    Entry("consent_version", "Version du texte accepté", mandate.consent_version),
                    Entry("consent_text", "Texte que vous avez lu et accepté", mandate.consent_text or None),
                    Entry("content_hash", "Empreinte du mandat (pour vérifier l'attestation)", mandate.content_hash),
                    Entry("attestation_file", "Attestation signée (fichier joint)", path),
                ),
            )
        )
    return records


@exporter("mandates.MandateRevocation", theme=Theme.MANDATES)
def export_revocations(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    records = []
    revocations = MandateRevocation.objects.filter(mandate__person_id=ctx.person.pk).select_related("mandate")
    for number, revocation in enumerate(revocations.order_by("revoked_at", "id"), 1):
        attestation = bytes(revocation.attestation_pdf or b"")
        path = (
            ctx.add_file(
                f"mandats/revocation-{number}-attestation.pdf", "Attestation de révocation", constant(attestation)
            )
            if attestation
            else None
        )
        started = french_date(revocation.mandate.starts_at)
        records.append(
            Record(
                "mandate_revocation",
                f"Révocation du {french_date(revocation.revoked_at)} (mandat du {started})",
                (
                    Entry("revoked_at", "Date", revocation.revoked_at),
                    _categories("categories", "Démarches retirées", revocation.categories),
                    Entry("whole", "Révocation totale", revocation.whole),
                    Entry("reason", "Motif", revocation.reason or None),
                    Entry("attestation_file", "Attestation de révocation (fichier joint)", path),
                ),
            )
        )
    return records


@exporter("mandates.MandateUse", theme=Theme.MANDATES)
def export_mandate_uses(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    uses = MandateUse.objects.filter(mandate__person_id=ctx.person.pk).select_related("used_by", "mandate")
    return [
        Record(
            "mandate_use",
            f"Démarche faite à votre place le {french_date(use.used_at)}",
            (
                Entry("used_at", "Date", use.used_at),
                _categories("categories", "Démarches", use.categories),
                Entry("used_by", "Faite par", str(use.used_by)),
                Entry("mandate_started_at", "Sous le mandat du", use.mandate.starts_at),
            ),
        )
        for use in uses.order_by("used_at", "id")
    ]

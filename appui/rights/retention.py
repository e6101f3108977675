"""What the person's right of access exports, and what anonymisation erases, of the rights data.

Registered in the people app's registries (``appui.people.export.EXPORTERS``, ``appui.people.retention.
ANONYMISERS``) when the app is ready: every model linked to a person must have both, or the export and the
anonymisation refuse to run.
"""

from decimal import Decimal

from appui.core.dates import french_date
from appui.people.enums import ExportPartKind
from appui.people.export import Entry, ExportContext, Record, Theme, choice, exporter
from appui.people.models import Person
from appui.people.retention import anonymiser

from .catalogue import catalogue
from .models import CaseloadResult, RightFollowUp, Screening
from .results import RightEstimate, euros, inputs_used


def _amount(value: Decimal | str | None) -> str | None:
    return euros(float(value)) if value is not None else None


@exporter("rights.Screening", theme=Theme.RIGHTS)
def _export_screenings(ctx: ExportContext) -> list[Record]:
    records = []
    for screening in Screening.objects.filter(person_id=ctx.person.pk).order_by("created_at", "id"):
        if not ctx.include(ExportPartKind.RIGHTS, screening):
            continue
        rights = [RightEstimate.from_json(r) for r in screening.results]
        found = []
        for right in rights:
            amount = _amount(right.amount)
            line = (
                f"{right.info.label} : {amount} {right.info.frequency_label}" if amount else f"{right.info.label} : oui"
            )
            found.append(line + (" (vous le recevez déjà)" if right.received else ""))
        records.append(
            Record(
                "screening",
                f"Simulation des droits du {french_date(screening.created_at)}",
                (
                    Entry("created_at", "Date", screening.created_at),
                    Entry("period", "Mois simulé", screening.period),
                    Entry("legislation_date", "Règles en vigueur au", screening.legislation_date),
                    Entry("results", "Droits probables trouvés", screening.results, "\n".join(found) or "aucun"),
                    Entry(
                        "unclaimed_monthly_total",
                        "Droits probables non demandés, par mois",
                        screening.unclaimed_monthly_total,
                        _amount(screening.unclaimed_monthly_total),
                    ),
                    Entry(
                        "situation",
                        "Votre situation utilisée pour le calcul",
                        screening.situation,
                        "\n".join(inputs_used(screening.situation)) or None,
                    ),
                    Entry(
                        "assumptions",
                        "Ce qui a été supposé, faute de réponse",
                        [a.get("message") for a in screening.assumptions] or None,
                        "\n".join(a.get("message", "") for a in screening.assumptions) or None,
                    ),
                    Entry("answers", "Réponses données (données brutes)", screening.answers, ""),
                    Entry("engine", "Moteur de calcul", screening.engine, ""),
                    Entry("engine_versions", "Versions du moteur", screening.engine_versions, ""),
                ),
            )
        )
    return records


@exporter("rights.RightFollowUp", theme=Theme.RIGHTS)
def _export_follow_ups(ctx: ExportContext) -> list[Record]:
    records = []
    for follow_up in RightFollowUp.objects.filter(person_id=ctx.person.pk).order_by("benefit"):
        if not ctx.include(ExportPartKind.RIGHTS, follow_up):
            continue
        records.append(
            Record(
                "right_follow_up",
                f"Suivi : {follow_up.get_benefit_display()}",
                (
                    choice("benefit", "Droit", follow_up.benefit, follow_up.get_benefit_display()),
                    choice("status", "Où en est la demande", follow_up.status, follow_up.get_status_display()),
                    Entry(
                        "estimated_amount",
                        "Montant estimé",
                        follow_up.estimated_amount,
                        f"{_amount(follow_up.estimated_amount)} {follow_up.get_frequency_display()}"
                        if follow_up.estimated_amount is not None
                        else None,
                    ),
                    choice("frequency", "Fréquence", follow_up.frequency, follow_up.get_frequency_display()),
                    Entry("claimed_on", "Demande faite le", follow_up.claimed_on),
                    Entry("decided_on", "Réponse reçue le", follow_up.decided_on),
                    Entry(
                        "granted_amount", "Montant accordé", follow_up.granted_amount, _amount(follow_up.granted_amount)
                    ),
                    Entry("reminder_on", "Relance prévue le", follow_up.reminder_on),
                    Entry("status_changed_at", "Mis à jour le", follow_up.status_changed_at),
                ),
            )
        )
    return records


@exporter("rights.CaseloadResult", theme=Theme.RIGHTS)
def _export_caseload_results(ctx: ExportContext) -> list[Record]:
    records = []
    results = (
        CaseloadResult.objects.filter(person_id=ctx.person.pk).select_related("job").order_by("job_id", "position")
    )
    for result in results:
        if not ctx.include(ExportPartKind.RIGHTS, result):
            continue
        labels = catalogue()
        records.append(
            Record(
                "caseload_result",
                f"Repérage de droits non demandés du {french_date(result.job.created_at)}",
                (
                    Entry("screened_at", "Date", result.job.created_at),
                    Entry("reference", "Référence de votre foyer dans le fichier", result.reference),
                    Entry(
                        "rights",
                        "Droits probables non demandés",
                        result.rights,
                        ", ".join(labels[code].label if code in labels else code for code in result.rights) or None,
                    ),
                    Entry(
                        "unclaimed_monthly_total",
                        "Montant probable, par mois",
                        result.unclaimed_monthly_total,
                        _amount(result.unclaimed_monthly_total),
                    ),
                    Entry(
                        "assumptions",
                        "Ce qui a été supposé",
                        result.assumptions or None,
                        "\n".join(map(str, result.assumptions)) or None,
                    ),
                ),
            )
        )
    return records


@anonymiser("rights.Screening")
def _anonymise_screenings(person: Person) -> None:
    # The answers and the situation hold birth dates, first names, resources and disability rates: erased. The
    # rights found, their amounts and the legislation date stay for statistics on non-recours.
    Screening.objects.filter(person=person).update(answers={}, situation={})


@anonymiser("rights.RightFollowUp")
def _anonymise_follow_ups(person: Person) -> None:
    """A benefit code, amounts, dates and a status: nothing identifying once the person is anonymous; they stay
    so that the structure keeps counting the euros per month secured."""


@anonymiser("rights.CaseloadResult")
def _anonymise_caseload_results(person: Person) -> None:
    # The assumptions may name members of the household.
    CaseloadResult.objects.filter(person=person).update(assumptions=[])

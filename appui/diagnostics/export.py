"""What the right-of-access export (RGPD art. 15) gives of the person's digital-autonomy diagnostics.

A diagnostic goes whole (skills and obstacle answers) to a member who may read both: the roles that read the
situation. The others, the DPO included, never read it through the export either (``appui.diagnostics.access``).
"""

from appui.core.dates import french_date
from appui.people.enums import ExportPartKind, Obstacle
from appui.people.export import Entry, ExportContext, Record, Theme, choice, exporter

from .bank import load_bank
from .enums import Recommendation
from .models import Diagnostic


def _answers(diagnostic: Diagnostic) -> list[str]:
    """Return each question asked and the answer given, as the person said it."""
    bank = load_bank(diagnostic.bank_version)
    lines = []
    for question in bank.questions:
        value = diagnostic.answers.get(question.id)
        if value is None:
            continue
        answer = question.choice(value)
        lines.append(f"{question.prompt} — {answer.label if answer else value}")
    return lines


@exporter("diagnostics.Diagnostic", theme=Theme.DIAGNOSTICS)
def export_diagnostics(ctx: ExportContext) -> list[Record]:
    records = []
    diagnostics = Diagnostic.objects.filter(person_id=ctx.person.pk).select_related("author")
    for diagnostic in diagnostics.order_by("created_at", "id"):
        if not ctx.include(ExportPartKind.DIAGNOSTICS, diagnostic):
            continue
        result = diagnostic.result
        records.append(
            Record(
                "diagnostic",
                f"Diagnostic du {french_date(diagnostic.created_at)}",
                (
                    Entry("created_at", "Date", diagnostic.created_at),
                    choice("mode", "Comment il a été rempli", diagnostic.mode, diagnostic.get_mode_display()),
                    Entry("author", "Avec", str(diagnostic.author)),
                    Entry("level", "Niveau d'autonomie", result.level, result.level_label),
                    choice(
                        "recommendation",
                        "Conseil",
                        result.recommendation,
                        Recommendation(result.recommendation).label,
                    ),
                    Entry(
                        "areas",
                        "Par domaine",
                        {area.code: area.level for area in result.areas},
                        "; ".join(f"{area.plain_label} : {area.level_label.lower()}" for area in result.areas),
                    ),
                    Entry(
                        "obstacles",
                        "Difficultés notées",
                        list(result.obstacles) or None,
                        ", ".join(Obstacle(c).label for c in result.obstacles if c in Obstacle.values) or None,
                    ),
                    Entry("bank_version", "Version des questions", diagnostic.bank_version),
                    Entry("answers", "Vos réponses", diagnostic.answers, "\n".join(_answers(diagnostic)) or None),
                ),
            )
        )
    return records

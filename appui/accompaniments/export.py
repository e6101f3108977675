"""What the right-of-access export (RGPD art. 15) gives of the person's accompaniments.

Date, duration, place, themes and mode are read by every member who sees the person; the notes, outcome and next
step follow ``can_read_notes`` (role and professional secrecy), the private note is its author's alone.
"""

from appui.core.dates import french_date
from appui.people.enums import ExportPartKind
from appui.people.export import Entry, ExportContext, Record, Theme, choice, exporter

from .enums import OnlineService
from .models import Accompaniment


def has_notes(accompaniment: Accompaniment) -> bool:
    return bool(accompaniment.notes or accompaniment.outcome or accompaniment.next_step)


def notes_kind(accompaniment: Accompaniment) -> str:
    """Return the part the notes belong to: notes under professional secrecy go to members bound by it."""
    return ExportPartKind.SECRET_NOTES if accompaniment.notes_under_secrecy else ExportPartKind.NOTES


@exporter("accompaniments.Accompaniment", theme=Theme.ACCOMPANIMENTS)
def export_accompaniments(ctx: ExportContext) -> list[Record]:
    records = []
    accompaniments = Accompaniment.objects.filter(person_id=ctx.person.pk).select_related("author")
    for accompaniment in accompaniments.order_by("date", "id"):
        entries: list[Entry] = []
        if ctx.base:
            entries += [
                Entry("date", "Date", accompaniment.date),
                Entry("author", "Avec", str(accompaniment.author)),
                Entry(
                    "duration_minutes", "Durée", accompaniment.duration_minutes, f"{accompaniment.duration_minutes} min"
                ),
                choice("place", "Lieu", accompaniment.place, accompaniment.get_place_display()),
                choice("kind", "Type", accompaniment.kind, accompaniment.get_kind_display()),
                Entry("themes", "Thèmes", accompaniment.themes, ", ".join(accompaniment.theme_labels) or None),
                Entry(
                    "online_services",
                    "Services en ligne concernés",
                    accompaniment.online_services or None,
                    ", ".join(
                        OnlineService(c).label for c in accompaniment.online_services if c in OnlineService.values
                    )
                    or None,
                ),
                choice("mode", "Ce qui a été fait", accompaniment.mode, accompaniment.get_mode_display()),
                choice("autonomy", "Autonomie observée", accompaniment.autonomy, accompaniment.get_autonomy_display()),
                Entry("follow_up_date", "Date de suivi prévue", accompaniment.follow_up_date),
                Entry(
                    "follow_up_done",
                    "Suivi fait",
                    accompaniment.follow_up_done if accompaniment.follow_up_date else None,
                ),
            ]
        if has_notes(accompaniment) and ctx.include(notes_kind(accompaniment), accompaniment):
            view = ctx.reader.accompaniment_view(accompaniment)
            entries += [
                Entry("outcome", "Résultat", view.outcome or None),
                Entry("next_step", "Suite à donner", view.next_step or None),
                Entry("notes", "Notes", view.notes or None),
                Entry(
                    "notes_under_secrecy",
                    "Notes écrites sous secret professionnel",
                    accompaniment.notes_under_secrecy,
                ),
            ]
        if accompaniment.private_note and ctx.include(
            ExportPartKind.PRIVATE_NOTES, accompaniment, author_id=accompaniment.author_id
        ):
            view = ctx.reader.accompaniment_view(accompaniment)
            entries.append(Entry("private_note", f"Note personnelle de {accompaniment.author}", view.private_note))
        if entries:
            records.append(
                Record("accompaniment", f"Accompagnement du {french_date(accompaniment.date)}", tuple(entries))
            )
    return records

"""What the right-of-access export (RGPD art. 15) gives of the people app's own records linked to a person."""

from appui.core.dates import french_date

from .enums import ExportPartKind, ExportPartStatus
from .export import Entry, ExportContext, Record, Theme, choice, exporter
from .models import HouseholdMember


@exporter("people.PersonSearchToken", theme=Theme.IDENTITY)
def export_search_tokens(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    prefixes = sorted(ctx.person.search_tokens.values_list("prefix", flat=True), key=lambda p: (len(p), p))
    if not prefixes:
        return []
    return [
        Record(
            "search_index",
            "Pour retrouver votre dossier",
            (
                Entry(
                    "prefixes",
                    "Appui garde aussi le début de vos noms et prénoms, sans accents ni majuscules",
                    prefixes,
                ),
            ),
        )
    ]


@exporter("people.Household", theme=Theme.HOUSEHOLD)
def export_household(ctx: ExportContext) -> list[Record]:
    household = getattr(ctx.person, "household", None)
    if household is None or not ctx.include(ExportPartKind.SITUATION, ctx.person):
        return []
    count = household.members.count()
    return [
        Record(
            "household",
            "Votre foyer",
            (Entry("members_count", "Personnes vivant avec vous", count, str(count) if count else "aucune"),),
        )
    ]


@exporter("people.HouseholdMember", theme=Theme.HOUSEHOLD)
def export_household_members(ctx: ExportContext) -> list[Record]:
    members = sorted(
        HouseholdMember.objects.filter(household__person_id=ctx.person.pk),
        key=lambda member: (member.birth_date, member.pk),
    )
    records = []
    for member in members:
        if not ctx.include(ExportPartKind.SITUATION, ctx.person):
            break
        records.append(
            Record(
                "household_member",
                f"{member.first_name} {member.last_name}".strip(),
                (
                    choice("relationship", "Lien avec vous", member.relationship, member.get_relationship_display()),
                    Entry("first_name", "Prénom", member.first_name),
                    Entry("last_name", "Nom", member.last_name or None),
                    Entry("birth_date", "Date de naissance", member.birth_date),
                    Entry("is_dependent", "À votre charge", member.is_dependent),
                ),
            )
        )
    return records


@exporter("people.RightsRequest", theme=Theme.REQUESTS)
def export_rights_requests(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    return [
        Record(
            "rights_request",
            f"{request.get_kind_display()} reçue le {french_date(request.received_on)}",
            (
                choice("kind", "Demande", request.kind, request.get_kind_display()),
                Entry("received_on", "Reçue le", request.received_on),
                Entry("due_on", "Réponse due au plus tard le", request.due_on),
                Entry("details", "Ce que vous avez demandé", request.details or None),
                choice("status", "État", request.status, request.get_status_display()),
                Entry("answered_on", "Réponse donnée le", request.answered_on),
                Entry("answer", "Réponse", request.answer or None),
            ),
        )
        for request in ctx.person.rights_requests.order_by("received_on", "id")
    ]


@exporter("people.AccessExportPart", theme=Theme.REQUESTS)
def export_access_export_parts(ctx: ExportContext) -> list[Record]:
    """How the parts of past exports reached the person (an export in progress lists its parts at the top)."""
    from .export_parts import AccessExportPart
    from .requests import RequestStatus

    if not ctx.base:
        return []
    parts = (
        AccessExportPart.objects.filter(request__person_id=ctx.person.pk)
        .exclude(request__status=RequestStatus.OPEN)
        .exclude(kind=ExportPartKind.READABLE)
        .exclude(status=ExportPartStatus.PENDING)
        .select_related("request")
        .order_by("request__received_on", "kind", "id")
    )
    return [
        Record(
            "access_export_part",
            f"Export de vos données (demande du {french_date(part.request.received_on)}) : {part.get_kind_display()}",
            (
                choice("kind", "Partie", part.kind, part.get_kind_display()),
                choice("status", "État", part.status, part.get_status_display()),
                Entry("completed_at", "Le", part.completed_at),
                choice("delivery", "Remise", part.delivery, part.get_delivery_display()),
            ),
        )
        for part in parts
    ]

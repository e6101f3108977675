"""What the right-of-access export (RGPD art. 15) gives of the service alerts made during the person's
accompaniments (every member of the structure reads them), with their screenshots as files."""

from appui.core.dates import french_date
from appui.people.export import Entry, ExportContext, Record, Theme, choice, constant, exporter

from .models import ServiceAlert


@exporter("service_alerts.ServiceAlert", theme=Theme.ALERTS)
def export_service_alerts(ctx: ExportContext) -> list[Record]:
    if not ctx.base:
        return []
    records = []
    alerts = ServiceAlert.objects.filter(accompaniment__person_id=ctx.person.pk).order_by("occurred_on", "id")
    for number, alert in enumerate(alerts, 1):
        path = None
        if alert.screenshot:
            extension = "png" if alert.screenshot_type == "image/png" else "jpg"
            content = bytes(alert.screenshot)
            path = ctx.add_file(f"signalements/capture-{number}.{extension}", "Capture d'écran", constant(content))
        records.append(
            Record(
                "service_alert",
                f"Signalement du {french_date(alert.occurred_on)}",
                (
                    Entry("occurred_on", "Date du problème", alert.occurred_on),
                    choice("service", "Service en ligne", alert.service, alert.get_service_display()),
                    Entry("service_other", "Autre service", alert.service_other or None),
                    Entry("step", "Étape où cela bloquait", alert.step),
                    Entry("error_message", "Message d'erreur affiché", alert.error_message or None),
                    Entry("screenshot_file", "Capture d'écran (fichier joint)", path),
                ),
            )
        )
    return records

import csv
import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.reporting.selectors import service_alerts_by_week
from appui.service_alerts.models import ServiceAlert
from appui.service_alerts.services import service_alert_create
from tests.accompaniments.factories import AccompanimentFactory
from tests.accounts.factories import StructureFactory
from tests.documents.files import png
from tests.people.factories import PersonFactory

PNG = png(30, 10)


def _text(response):
    return html.unescape(response.content.decode())


def _alert(member, service, day, **extra):
    return service_alert_create(
        membership=member, fields={"service": service, "step": "connexion", "occurred_on": day, **extra}
    )


@pytest.mark.django_db
def test_alerts_aggregate_by_service_and_week(structure, member_of):
    member = member_of(structure, Role.MEDIATEUR)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 7)
    _alert(member, "caf", monday)
    _alert(member, "caf", monday + datetime.timedelta(days=3))
    _alert(member, "ants", monday + datetime.timedelta(days=1))
    _alert(member, "caf", monday + datetime.timedelta(days=7))
    rows = service_alerts_by_week([structure.pk], monday - datetime.timedelta(days=30))
    table = {(row["week"], row["service"]): row["count"] for row in rows}
    assert table == {(monday, "caf"): 2, (monday, "ants"): 1, (monday + datetime.timedelta(days=7), "caf"): 1}
    assert rows[0]["week"] == monday + datetime.timedelta(days=7)  # newest week first


@pytest.mark.django_db
def test_territory_counts_structures_of_the_same_departement_only(member_of, client_for):
    villeurbanne = StructureFactory(commune_code="69266")
    lyon = StructureFactory(commune_code="69123")
    lille = StructureFactory(commune_code="59350")
    day = timezone.localdate()
    for structure in (villeurbanne, lyon, lille):
        _alert(member_of(structure, Role.MEDIATEUR), "france_travail", day)
    reader = member_of(villeurbanne, Role.MEDIATEUR)
    mine = _text(client_for(reader).get(reverse("web:service_alert_dashboard")))
    territory = client_for(reader).get(reverse("web:service_alert_export") + "?perimetre=territoire")
    rows = list(csv.reader(io.StringIO(territory.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["semaine_du", "service", "signalements", "structures"]
    assert rows[1][1:] == ["France Travail", "2", "2"]  # Villeurbanne and Lyon (69), not Lille (59)
    assert "<td>1</td>" in mine


@pytest.mark.django_db
def test_export_is_a_csv_and_is_audited(structure, member_of, client_for):
    member = member_of(structure, Role.RESPONSABLE)
    _alert(member, "impots", timezone.localdate())
    response = client_for(member).get(reverse("web:service_alert_export"))
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    assert "impots.gouv" in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(action="export")
    assert event.detail == {"export": "service_alerts", "scope": "structure", "rows": 1} and event.actor == member.user


@pytest.mark.django_db
def test_report_from_an_accompaniment_with_a_screenshot(structure, member_of, client_for):
    member = member_of(structure, Role.MEDIATEUR)
    accompaniment = AccompanimentFactory(
        person=PersonFactory(structure=structure), author=member.user, online_services=["ameli"]
    )
    client = client_for(member)
    form = _text(client.get(reverse("web:service_alert_create") + f"?accompagnement={accompaniment.pk}"))
    assert 'value="ameli" selected' in form
    response = client.post(
        reverse("web:service_alert_create"),
        {
            "accompagnement": accompaniment.pk,
            "service": "ameli",
            "step": "téléchargement de l'attestation",
            "error_message": "Erreur 500",
            "occurred_on": timezone.localdate().isoformat(),
            "screenshot": SimpleUploadedFile("capture.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    alert = ServiceAlert.objects.get()
    assert alert.accompaniment == accompaniment and alert.screenshot_type == "image/png"
    download = client.get(reverse("web:service_alert_screenshot", args=[alert.pk]))
    assert "attachment" in download["Content-Disposition"]
    assert Image.open(io.BytesIO(download.content)).size == (30, 10)  # the picture, re-encoded


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    response = client.post(
        reverse("web:service_alert_create"),
        {
            "service": "caf",
            "step": "connexion",
            "occurred_on": timezone.localdate().isoformat(),
            "screenshot": SimpleUploadedFile(
                "capture.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
            ),
        },
    )
    assert "PNG ou JPEG" in _text(response)
    assert not ServiceAlert.objects.exists()


@pytest.mark.django_db
def test_another_structures_accompaniment_cannot_be_referenced(structure, other_structure, member_of, client_for):
    foreign = AccompanimentFactory(person=PersonFactory(structure=other_structure))
    client = client_for(member_of(structure, Role.MEDIATEUR))
    assert client.get(reverse("web:service_alert_create") + f"?accompagnement={foreign.pk}").status_code == 404
    response = client.post(
        reverse("web:service_alert_create"),
        {"accompagnement": foreign.pk, "service": "caf", "step": "x", "occurred_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404 and not ServiceAlert.objects.exists()


@pytest.mark.django_db
def test_future_date_and_unnamed_other_service_are_refused(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert "futur" in _text(
        client.post(reverse("web:service_alert_create"), {"service": "caf", "step": "x", "occurred_on": future})
    )
    today = timezone.localdate().isoformat()
    assert "Précisez" in _text(
        client.post(reverse("web:service_alert_create"), {"service": "autre", "step": "x", "occurred_on": today})
    )
    assert not ServiceAlert.objects.exists()


@pytest.mark.django_db
def test_the_dpo_cannot_report(structure, member_of, client_for):
    assert client_for(member_of(structure, Role.DPO)).get(reverse("web:service_alert_create")).status_code == 403


@pytest.mark.django_db
def test_report_from_a_guide_keeps_the_guide(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    guide_page = _text(client.get(reverse("web:guide_detail", args=["actualiser-france-travail"])))
    assert "/signalements/nouveau/?guide=actualiser-france-travail" in guide_page
    client.post(
        reverse("web:service_alert_create") + "?guide=actualiser-france-travail",
        {
            "guide": "actualiser-france-travail",
            "service": "france_travail",
            "step": "actualisation",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    assert ServiceAlert.objects.get().guide_slug == "actualiser-france-travail"

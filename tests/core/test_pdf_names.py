"""Every PDF Appui generates renders every name: Vietnamese, Cyrillic and Arabic names come back from the text."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from appui.accounts.enums import Role
from appui.mandates.attestation import render_attestation
from appui.mandates.services import mandate_create, mandate_revoke
from appui.people.requests import rights_request_create
from tests.accompaniments.factories import AccompanimentFactory
from tests.core.pdf import pdf_text
from tests.people.factories import PersonFactory

NAMES = ["Nguyễn Trần", "Лейла", "ليلى"]
PASSPHRASE = "une phrase assez longue"


def _pdfs_of(person, worker, dpo, client_for) -> dict[str, str]:
    """Return the text of every kind of PDF Appui generates about ``person``."""
    mandate = mandate_create(
        membership=worker, person=person, categories=["logement", "papiers"], duration="6m", person_present=True
    )
    revocation = mandate_revoke(membership=worker, mandate=mandate, categories=["papiers"], reason="à sa demande")
    AccompanimentFactory(person=person, author=worker.user, private_note=f"Appeler {person.first_name}")
    request = rights_request_create(membership=dpo, person=person, kind="acces", received_on=timezone.localdate())
    archive = client_for(dpo).post(reverse("web:rights_request_export", args=[request.pk])).content
    parts = {part.kind: part for part in request.export_parts.all()}
    handed = client_for(worker).post(
        reverse("web:export_part_detail", args=[parts["situation"].pk]), {"delivery": "en_main_propre"}
    )
    client_for(worker).post(
        reverse("web:export_part_seal", args=[parts["notes_privees"].pk]),
        {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE, "person_present": "on"},
    )
    parts["notes_privees"].refresh_from_db()
    return {
        "attestation de mandat": pdf_text(
            client_for(worker).get(reverse("web:mandate_attestation", args=[mandate.pk])).content
        ),
        "attestation de révocation": pdf_text(bytes(revocation.attestation_pdf)),
        "export du droit d'accès": pdf_text(zipfile.ZipFile(io.BytesIO(archive)).read("donnees.pdf")),
        "partie remise à part": pdf_text(zipfile.ZipFile(io.BytesIO(handed.content)).read("donnees.pdf")),
        "partie scellée": pdf_text(bytes(parts["notes_privees"].sealed_pdf), password=PASSPHRASE),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_every_generated_pdf_gives_back_the_name(name, structure, member_of, client_for):
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    dpo = member_of(structure, Role.DPO)
    person = PersonFactory(structure=structure, first_name=name, last_name=name)
    texts = _pdfs_of(person, worker, dpo, client_for)
    assert len(texts) == 5
    for kind, text in texts.items():
        assert name in text, (kind, text[:300])
        assert "?" * len(name) not in text, kind


def test_attestations_stay_reproducible():
    created = timezone.make_aware(datetime.datetime(2026, 3, 3, 14, 5))
    inputs = {
        "title": "Mandat - CCAS de Villeurbanne",
        "lines": [("Personne :", "Лейла NGUYỄN TRẦN (dossier 2026-00042)"), ("Démarches :", "Logement")],
        "body": "Je, soussigné·e ليلى, autorise…\n\nDeuxième paragraphe.",
        "content_hash": "0" * 64,
        "created": created,
    }
    first, second = render_attestation(**inputs), render_attestation(**inputs)
    assert first == second
    assert render_attestation(**(inputs | {"content_hash": "1" * 64})) != first

"""The right-of-access export (RGPD art. 15): nobody reads through it what Appui hides from them, the person still
gets everything, and the document is one a person can read."""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from appui.accounts.enums import Role
from appui.accounts.models import Membership
from appui.accounts.services import api_token_create
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.diagnostics.bank import CURRENT_VERSION, load_bank
from appui.people.enums import ExportPartKind, ExportPartStatus
from appui.people.export import EXPORTERS, Theme
from appui.people.export_parts import AccessExportPart
from appui.people.export_phrases import ACTION_PHRASES, PURPOSE_PHRASES
from appui.people.models import Person
from appui.people.requests import RightsRequest, rights_request_create
from appui.people.retention import person_linked_models
from appui.places.models import Place
from tests.accompaniments.factories import AccompanimentFactory
from tests.core.pdf import pdf_text
from tests.core.test_encryption import raw_dump
from tests.diagnostics.factories import DiagnosticFactory
from tests.documents.factories import DocumentFactory
from tests.documents.files import pdf_with_text
from tests.people.factories import HouseholdMemberFactory, PersonFactory
from tests.rights.factories import RightFollowUpFactory, ScreeningFactory

PRIVATE = "CANARI-prive-7f3a"
SECRET = "CANARI-secret-91bc"
NOTES = "CANARI-notes-44de"
SITUATION = "CANARI-situation-2b8c"
HOUSEHOLD = "Canarienfant"
DOCUMENT = "CANARI-document-5e11"
RSA = "Revenu de solidarité active"
DIAGNOSTIC_PROMPT = load_bank(CURRENT_VERSION).questions[0].prompt

# What each kind of data looks like in an export, to find it whatever the file it hides in.
CANARIES = {
    "private": PRIVATE,
    "secret": SECRET,
    "notes": NOTES,
    "situation": SITUATION,
    "household": HOUSEHOLD,
    "document": DOCUMENT,
    "rights": RSA,
    "diagnostic": DIAGNOSTIC_PROMPT,
}


@dataclass
class World:
    person: Person
    author: Membership  # travailleur social bound by secrecy: private and secret notes
    mediator: Membership  # médiateur, not bound: plain notes
    accueil: Membership
    dpo: Membership
    manager: Membership  # responsable bound by secrecy
    manager_unbound: Membership
    request: RightsRequest


@pytest.fixture
def world(structure, member_of) -> World:
    author = member_of(structure, Role.TRAVAILLEUR_SOCIAL, bound_by_secrecy=True)
    mediator = member_of(structure, Role.MEDIATEUR, bound_by_secrecy=False)
    accueil = member_of(structure, Role.ACCUEIL, bound_by_secrecy=False)
    dpo = member_of(structure, Role.DPO, bound_by_secrecy=False)
    manager = member_of(structure, Role.RESPONSABLE, bound_by_secrecy=True)
    manager_unbound = member_of(structure, Role.RESPONSABLE, bound_by_secrecy=False)
    # Distinctive ids, to check that no internal id reaches what the person reads.
    person = PersonFactory(pk=424242, structure=structure, situation_details=SITUATION)
    HouseholdMemberFactory(household__person=person, first_name=HOUSEHOLD)
    AccompanimentFactory(
        pk=515151,
        person=person,
        author=author.user,
        notes=SECRET,
        outcome="",
        notes_under_secrecy=True,
        private_note=PRIVATE,
        date=datetime.date(2026, 3, 3),
    )
    AccompanimentFactory(
        pk=525252,
        person=person,
        author=mediator.user,
        notes=NOTES,
        outcome="",
        private_note="",
        date=datetime.date(2026, 3, 4),
    )
    DiagnosticFactory(person=person, author=author.user)
    content = pdf_with_text(DOCUMENT)
    DocumentFactory(pk=535353, person=person, uploaded_by=author.user, content=content, description=DOCUMENT)
    RightFollowUpFactory(screening=ScreeningFactory(person=person))
    request = rights_request_create(membership=dpo, person=person, kind="acces", received_on=timezone.localdate())
    return World(person, author, mediator, accueil, dpo, manager, manager_unbound, request)


def archive_text(content: bytes, *, passphrase: str | None = None) -> str:
    """Return everything a zip of the export holds, as text: names, JSON, PDF text, other files' bytes."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            parts.append(name)
            if name.endswith(".json"):
                parts.append(data.decode())
            if name.endswith(".pdf"):
                reader = PdfReader(io.BytesIO(data))
                if not reader.is_encrypted:
                    parts.append(pdf_text(data))
                elif passphrase is not None:
                    parts.append(pdf_text(data, password=passphrase))
            parts.append(data.decode("latin-1"))
    return "\n".join(parts)


def prepare(client: Client, request: RightsRequest) -> bytes:
    response = client.post(reverse("web:rights_request_export", args=[request.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip", response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


# --- Item 1: the preparer never reads around the rules --------------------------------------------------------

# What each preparer may read in Appui (pages and API): the export must give exactly that, no more.
MAY_READ = {
    "dpo": set(),
    "manager": {"secret", "notes", "situation", "household", "document", "rights", "diagnostic"},
    "manager_unbound": {"notes", "situation", "household", "document", "rights", "diagnostic"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("preparer", MAY_READ)
def test_the_preparer_reads_in_the_export_only_what_appui_shows_them(preparer, world, client_for):
    member = getattr(world, preparer)
    text = archive_text(prepare(client_for(member), world.request))
    for kind, canary in CANARIES.items():
        if kind in MAY_READ[preparer]:
            assert canary in text, (preparer, kind)
        else:
            assert canary not in text, (preparer, kind)
    # What they may not read is recorded as parts to hand over, none of which is theirs to produce.
    withheld = set(world.request.export_parts.exclude(kind="lisible").values_list("kind", flat=True))
    expected = {
        "dpo": {"notes_privees", "notes_secret", "notes", "situation", "diagnostics", "documents", "droits"},
        "manager": {"notes_privees"},
        "manager_unbound": {"notes_privees", "notes_secret"},
    }[preparer]
    assert withheld == expected


@pytest.mark.django_db
@pytest.mark.parametrize("preparer", ["dpo", "manager_unbound"])
def test_no_other_route_gives_the_preparer_a_part_they_may_not_read(preparer, world, client_for):
    member = getattr(world, preparer)
    client = client_for(member)
    prepare(client, world.request)
    private = world.request.export_parts.get(kind=ExportPartKind.PRIVATE_NOTES)
    secret = world.request.export_parts.get(kind=ExportPartKind.SECRET_NOTES)
    forbidden = [PRIVATE, SECRET] + ([NOTES, SITUATION, DOCUMENT] if preparer == "dpo" else [])
    answers = [
        client.get(reverse("web:export_parts_inbox")),
        client.get(reverse("web:dashboard")),
        client.get(reverse("web:rights_requests")),
        client.get(reverse("web:export_part_detail", args=[private.pk])),
        client.post(reverse("web:export_part_detail", args=[private.pk]), {"delivery": "en_main_propre"}),
        client.post(reverse("web:export_part_detail", args=[secret.pk]), {"delivery": "courrier"}),
        client.post(
            reverse("web:export_part_seal", args=[private.pk]),
            {"passphrase": "une phrase à moi", "passphrase_confirm": "une phrase à moi", "person_present": "on"},
        ),
        client.get(reverse("web:person_detail", args=[world.person.pk])),
        client.post(f"/personnes/{world.person.pk}/export-droit-acces/"),  # the old one-click export
    ]
    _, raw = api_token_create(membership=member, name="attaque")
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    answers += [
        api.get(f"/api/v1/persons/{world.person.pk}/accompaniments/"),
        api.get(f"/api/v1/persons/{world.person.pk}/"),
    ]
    for response in answers:
        body = response.content.decode("latin-1")
        for canary in forbidden:
            assert canary not in body, (response.request["PATH_INFO"], canary)
    assert answers[4].status_code == 403 and answers[5].status_code == 403  # producing: refused
    assert answers[6].status_code == 403  # sealing while a member may hand it over: refused
    private.refresh_from_db()
    assert private.status == ExportPartStatus.PENDING and private.sealed_pdf is None


@pytest.mark.django_db
def test_members_who_may_not_read_a_part_never_see_it(world, client_for):
    prepare(client_for(world.dpo), world.request)
    parts = {part.kind: part for part in world.request.export_parts.all()}
    for member in (world.accueil, world.mediator):
        client = client_for(member)
        assert client.get(reverse("web:export_part_detail", args=[parts["notes_privees"].pk])).status_code == 404
        assert client.get(reverse("web:export_part_detail", args=[parts["notes_secret"].pk])).status_code == 404
        assert client.post(reverse("web:rights_request_export", args=[world.request.pk])).status_code in {403, 404}
    accueil_inbox = client_for(world.accueil).get(reverse("web:export_parts_inbox")).content.decode()
    assert "Rien à remettre" in accueil_inbox


# --- Item 1: the person still gets everything: hand-over and sealing -------------------------------------------


@pytest.mark.django_db
def test_each_part_is_handed_over_by_a_member_who_may_read_it_and_the_register_says_who(world, client_for):
    prepare(client_for(world.dpo), world.request)
    inbox = {
        name: set(
            AccessExportPart.objects.filter(pk__in=[p.pk for p in _inbox(getattr(world, name))]).values_list(
                "kind", flat=True
            )
        )
        for name in ("author", "mediator", "accueil", "manager")
    }
    assert inbox["author"] == {
        "notes_privees",
        "notes_secret",
        "notes",
        "situation",
        "diagnostics",
        "documents",
        "droits",
    }
    assert inbox["mediator"] == {"notes", "situation", "diagnostics", "documents", "droits"}
    assert inbox["accueil"] == set()
    assert "notes_privees" not in inbox["manager"] and "notes_secret" in inbox["manager"]

    author = client_for(world.author)
    page = author.get(reverse("web:export_parts_inbox")).content.decode()
    assert "Notes privées" in page and str(world.person) in page
    handed = {}
    for part in world.request.export_parts.exclude(kind="lisible"):
        response = author.post(reverse("web:export_part_detail", args=[part.pk]), {"delivery": "en_main_propre"})
        assert response.status_code == 200 and response["Content-Type"] == "application/zip", part.kind
        handed[part.kind] = archive_text(response.content)
    assert PRIVATE in handed["notes_privees"] and SECRET not in handed["notes_privees"]
    assert SECRET in handed["notes_secret"] and PRIVATE not in handed["notes_secret"]
    assert NOTES in handed["notes"] and SITUATION in handed["situation"] and HOUSEHOLD in handed["situation"]
    assert DOCUMENT in handed["documents"] and RSA in handed["droits"] and DIAGNOSTIC_PROMPT in handed["diagnostics"]
    for kind, text in handed.items():  # a part holds its own data, not the rest of the record
        assert world.person.phone not in text or not world.person.phone, kind

    register = client_for(world.dpo).get(reverse("web:rights_requests")).content.decode()
    assert register.count(str(world.author.user)) >= 7  # who handed each part over
    assert PRIVATE not in register and SECRET not in register
    events = AuditEvent.objects.filter(action=AuditAction.ACCESS_EXPORT, person_id=world.person.pk)
    completed = [e.detail["part"] for e in events if e.detail.get("step") == "completed"]
    assert sorted(completed) == sorted(handed) and all(e.actor_id == world.author.user_id for e in events[:7])


def _inbox(member):
    from appui.people.export_parts import parts_to_complete

    return parts_to_complete(member)


PASSPHRASE = "trois mots choisis ensemble"


@pytest.mark.django_db
def test_a_part_nobody_may_read_any_more_is_sealed_for_the_person_and_only_their_passphrase_opens_it(world, client_for):
    dpo = client_for(world.dpo)
    prepare(dpo, world.request)
    Membership.objects.filter(pk=world.author.pk).update(is_active=False)  # the author left the structure
    private = world.request.export_parts.get(kind=ExportPartKind.PRIVATE_NOTES)
    page = dpo.get(reverse("web:export_part_detail", args=[private.pk])).content.decode()
    assert "Aucun membre actif ne peut lire cette partie" in page and PRIVATE not in page
    refused = dpo.post(
        reverse("web:export_part_seal", args=[private.pk]),
        {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE},  # the person is not there
    )
    assert refused.status_code == 200 and "doit être présente" in refused.content.decode()
    assert PASSPHRASE not in refused.content.decode()  # never shown back
    sealed = dpo.post(
        reverse("web:export_part_seal", args=[private.pk]),
        {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE, "person_present": "on"},
    )
    assert sealed.status_code == 302
    private.refresh_from_db()
    assert private.status == ExportPartStatus.SEALED and private.completed_by == world.dpo.user
    archive = prepare(dpo, world.request)
    assert PRIVATE not in archive_text(archive)  # the preparer's view of the archive
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        name = next(n for n in bundle.namelist() if n.startswith("parties-scellees/notes_privees"))
        locked = bundle.read(name)
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted and not reader.decrypt("une autre phrase")
    assert PRIVATE.encode() not in locked
    opened = pdf_text(locked, password=PASSPHRASE)
    assert PRIVATE in opened and "Personne de la structure ne l'a lue" in opened
    unlocked = PdfReader(io.BytesIO(locked))
    unlocked.decrypt(PASSPHRASE)
    assert PRIVATE in unlocked.attachments["donnees.json"][0].decode()  # the machine form is sealed too
    for event in AuditEvent.objects.filter(person_id=world.person.pk):
        assert PASSPHRASE not in json.dumps(event.detail)
    dump = raw_dump()
    assert PASSPHRASE.encode() not in dump and PRIVATE.encode() not in dump  # kept nowhere, notes encrypted


@pytest.mark.django_db
def test_an_archived_record_is_exported_by_the_dpo_with_every_hidden_part_sealed(world, client_for):
    Person.objects.filter(pk=world.person.pk).update(archived_at=timezone.now())
    # The request follows its person: an archived record's request is not found by the manager, as for any record.
    assert (
        client_for(world.manager).post(reverse("web:rights_request_export", args=[world.request.pk])).status_code == 404
    )
    dpo = client_for(world.dpo)
    prepare(dpo, world.request)
    assert _inbox(world.author) == [] and _inbox(world.mediator) == []  # nobody else may open an archived record
    for part in world.request.export_parts.exclude(kind="lisible"):
        response = dpo.post(
            reverse("web:export_part_seal", args=[part.pk]),
            {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE, "person_present": "on"},
        )
        assert response.status_code == 302, part.kind
    text = archive_text(prepare(dpo, world.request))
    for canary in CANARIES.values():
        assert canary not in text
    everything = archive_text(prepare(dpo, world.request), passphrase=PASSPHRASE)
    for kind, canary in CANARIES.items():
        assert canary in everything, kind


@pytest.mark.django_db
def test_the_request_is_answered_only_once_every_part_is_handed_over_and_the_last_archive_holds_the_sealed_ones(
    world, client_for
):
    dpo = client_for(world.dpo)
    answer = reverse("web:rights_request_answer", args=[world.request.pk])
    dpo.post(answer, {"status": "repondue", "answer": "Export remis"})
    assert RightsRequest.objects.get().status == "ouverte"  # not even prepared
    prepare(dpo, world.request)
    dpo.post(answer, {"status": "repondue", "answer": "Export remis"})
    assert RightsRequest.objects.get().status == "ouverte"  # parts still pending
    author = client_for(world.author)
    for part in world.request.export_parts.exclude(kind__in=["lisible", "notes_privees"]):
        author.post(reverse("web:export_part_detail", args=[part.pk]), {"delivery": "courrier"})
    private = world.request.export_parts.get(kind="notes_privees")
    author.post(
        reverse("web:export_part_seal", args=[private.pk]),
        {"passphrase": PASSPHRASE, "passphrase_confirm": PASSPHRASE, "person_present": "on"},
    )
    response = dpo.post(answer, {"status": "repondue", "answer": "Export remis"}, follow=True)
    assert "une dernière fois" in response.content.decode()  # the sealed part came after the last download
    assert RightsRequest.objects.get().status == "ouverte"
    prepare(dpo, world.request)
    dpo.post(answer, {"status": "repondue", "answer": "Export remis"})
    assert RightsRequest.objects.get().status == "repondue"


# --- Item 2: a document the person can read; the JSON keeps the machine form -------------------------------------


@pytest.mark.django_db
def test_the_pdf_is_written_for_the_person(world, client_for, structure):
    structure.address = "12 rue Anatole France, 69100 Villeurbanne"
    structure.dpo_contact = "dpo@ccas-villeurbanne.example.fr"
    structure.save()
    client_for(world.author).get(reverse("web:person_detail", args=[world.person.pk]))
    archive = prepare(client_for(world.manager), world.request)
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        text = pdf_text(bundle.read("donnees.pdf"))
        data = json.loads(bundle.read("donnees.json"))
    headings = [theme.heading for theme in Theme if theme.key in data["sections"]] + ["Qui a consulté votre dossier"]
    positions = [text.replace("\n", " ").find(heading) for heading in headings]
    assert -1 not in positions and positions == sorted(positions), headings
    assert "Vous avez demandé à voir les informations" in text and "www.cnil.fr/plaintes" in text
    assert structure.address in text and structure.dpo_contact in text
    viewed = AuditEvent.objects.filter(action=AuditAction.PERSON_VIEW, person_id=world.person.pk).first()
    local = timezone.localtime(viewed.created_at)
    assert (
        f"{local.hour} h {local.minute:02d}, une personne de la structure {structure.name} a consulté votre "
        "dossier pour votre accompagnement." in text.replace("\n", " ")
    )
    assert "3 mars 2026" in text and "Accompagnement du 3 mars 2026" in text
    for machine in ("file_number", "notes_under_secrecy", "person_id", "None", "True", "False", "2026-03-03", "+01:00"):
        assert machine not in text, machine
    for internal_id in ("424242", "515151", "525252", "535353"):
        assert internal_id not in text
    # The JSON: stable keys, ISO dates, codes with their labels.
    assert data["format"] == "appui-droit-d-acces" and data["part"] == "lisible"
    assert data["controller"] == {
        "structure": structure.name,
        "address": structure.address,
        "dpo_contact": structure.dpo_contact,
    }
    accompaniment = data["sections"]["accompagnements"][0]
    place = Place.objects.of_structure(structure.pk).order_by("id").first()
    assert accompaniment["date"] == "2026-03-03" and accompaniment["place_kind"] == {
        "code": "lieu_activite",
        "label": place.name,
    }
    datetime.datetime.fromisoformat(data["generated_at"])
    assert {"date", "structure", "action", "purpose"} <= set(data["consultations"][0])


@pytest.mark.django_db
def test_a_missing_dpo_contact_is_said_plainly_and_the_manager_can_fill_it(world, client_for, structure):
    text = pdf_text(zipfile.ZipFile(io.BytesIO(prepare(client_for(world.dpo), world.request))).read("donnees.pdf"))
    assert "n'a pas encore indiqué le contact de son ou sa DPO" in text.replace("\n", " ")
    assert (
        "Le contact du DPO n'est pas renseigné"
        in client_for(world.dpo).get(reverse("web:rights_requests")).content.decode()
    )
    manager = client_for(world.manager)
    assert client_for(world.dpo).get(reverse("web:structure_contact")).status_code == 403
    response = manager.post(
        reverse("web:structure_contact"), {"address": "1 place de la Mairie", "dpo_contact": "dpo@example.fr"}
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.dpo_contact == "dpo@example.fr" and structure.address == "1 place de la Mairie"
    assert AuditEvent.objects.filter(action=AuditAction.STRUCTURE_UPDATE, structure=structure).exists()
    text = pdf_text(zipfile.ZipFile(io.BytesIO(prepare(client_for(world.dpo), world.request))).read("donnees.pdf"))
    assert "dpo@example.fr" in text and "1 place de la Mairie" in text


def test_every_audit_action_and_purpose_has_a_plain_phrase():
    from appui.audit.enums import AuditPurpose

    assert set(AuditAction.values) <= set(ACTION_PHRASES), sorted(set(AuditAction.values) - set(ACTION_PHRASES))
    assert set(AuditPurpose.values) <= set(PURPOSE_PHRASES)


def test_french_dates_in_local_time():
    from appui.core.dates import french_date, french_datetime

    winter = datetime.datetime(2026, 3, 3, 13, 5, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 1, 21, 30, tzinfo=datetime.UTC)
    assert french_datetime(winter) == "3 mars 2026 à 14 h 05"
    assert french_datetime(summer) == "1er juillet 2026 à 23 h 30"
    assert french_date(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)) == "1er janvier 2027"


# --- Registries -----------------------------------------------------------------------------------------------


def test_every_model_linked_to_a_person_has_an_exporter_with_a_theme():
    labels = {model._meta.label for model in person_linked_models()}
    assert "people.AccessExportPart" in labels
    assert labels <= set(EXPORTERS), sorted(labels - set(EXPORTERS))
    assert all(isinstance(theme, Theme) for theme, _ in EXPORTERS.values())


@pytest.mark.django_db
def test_the_person_gets_one_record_of_every_linked_model_across_the_parts(structure, member_of):
    from appui.people.export import build_export
    from appui.people.export_readers import SealedReader
    from tests.people.test_retention_and_rights import _one_of_everything

    person, _, recipes = _one_of_everything(structure, member_of)
    assert {model._meta.label for model in person_linked_models()} <= recipes
    readable = build_export(person=person, reader=SealedReader(person))
    kinds = {record.kind for section in readable.sections for record in section.records}
    expected = {
        "person",
        "situation",
        "search_index",
        "household",
        "household_member",
        "accompaniment",
        "participation",
        "mandate",
        "mandate_revocation",
        "mandate_use",
        "service_alert",
        "rights_request",
        "access_export_part",
        "diagnostic",
        "document",
        "screening",
        "right_follow_up",
        "caseload_result",
        "referral",
    }
    assert expected <= kinds, sorted(expected - kinds)

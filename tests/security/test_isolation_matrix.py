"""Structure isolation, checked on every URL that takes an object id, for every role and method.

The URL list is introspected from the resolver: a new URL with an object id is covered automatically, and a
new kind of id without a factory below makes ``test_every_object_url_is_covered`` fail.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from appui.accounts.enums import Role
from appui.accounts.services import api_token_create
from appui.mandates.services import mandate_create, mandate_revoke
from tests.accompaniments.factories import AccompanimentFactory
from tests.accounts.factories import MembershipFactory
from tests.conftest import logged_in_client
from tests.diagnostics.factories import DiagnosticFactory
from tests.documents.factories import DocumentFactory
from tests.orientations.factories import ReferralFactory, received_referral
from tests.people.factories import HouseholdMemberFactory, PersonFactory
from tests.places.factories import OwnPlaceFactory, PlaceServiceFactory
from tests.rights.factories import CaseloadScreeningFactory, RightFollowUpFactory, ScreeningFactory

METHODS = ["get", "post", "put", "patch", "delete"]
# Keyword arguments that are not object ids (the invitation link carries a signed token instead).
NOT_OBJECT_IDS = {"uidb64", "token", "slug"}  # a guide slug names shared content, not an object


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def object_urls():
    """Return (route, kwargs names) of every URL pattern that takes an object id."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        names = set(pattern.pattern.converters) - NOT_OBJECT_IDS
        if names and not route.startswith("admin/"):
            found.append((route, tuple(sorted(names))))
    return found


def _token_pk(structure):
    token, _ = api_token_create(membership=MembershipFactory(structure=structure), name="jeton")
    return token.pk


def _mandate(structure):
    member = MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL)
    return mandate_create(
        membership=member,
        person=PersonFactory(structure=structure),
        categories=["papiers", "logement"],
        duration="6m",
        person_present=True,
    )


def _revocation_pk(structure):
    mandate = _mandate(structure)
    member = MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL)
    return mandate_revoke(membership=member, mandate=mandate, categories=["papiers"]).pk


def _alert_pk(structure):
    from appui.service_alerts.services import service_alert_create

    member = MembershipFactory(structure=structure, role=Role.MEDIATEUR)
    fields = {"service": "caf", "step": "connexion", "occurred_on": timezone.localdate()}
    return service_alert_create(membership=member, fields=fields).pk


def _request_pk(structure):
    from appui.people.requests import rights_request_create

    member = MembershipFactory(structure=structure, role=Role.DPO)
    person = PersonFactory(structure=structure)
    return rights_request_create(
        membership=member, person=person, kind="rectification", received_on=timezone.localdate()
    ).pk


def _part_pk(structure):
    """A part of an access export waiting to be handed over: the private notes of another worker."""
    from appui.people.export_parts import access_export_prepare
    from appui.people.requests import rights_request_create

    dpo = MembershipFactory(structure=structure, role=Role.DPO)
    person = PersonFactory(structure=structure)
    AccompanimentFactory(person=person, private_note="note privée")
    request = rights_request_create(membership=dpo, person=person, kind="acces", received_on=timezone.localdate())
    access_export_prepare(membership=dpo, request=request)
    return request.export_parts.get(kind="notes_privees").pk


def _elimination_pk(structure):
    from django.utils import timezone

    from appui.people.retention import EliminationList

    elimination = EliminationList.objects.create(structure=structure, created_at=timezone.now())
    elimination.persons.add(PersonFactory(structure=structure))
    return elimination.pk


def _report_pk(structure):
    from appui.reporting.reports import monthly_report_generate

    report, _ = monthly_report_generate(structure=structure, month=datetime.date(2026, 1, 1))
    return report.pk


def _import_pk(structure):
    from django.utils import timezone

    from appui.places.models import PlaceImport, PlaceSource

    source = PlaceSource.objects.create(name=f"source-{structure.pk}", structure=structure)
    return PlaceImport.objects.create(
        source=source, structure=structure, filename="lieux.csv", format="lieux-v1", started_at=timezone.now()
    ).pk


# One factory per kind of object id: it creates an object of the given structure and returns its pk.
OBJECT_FACTORIES = {
    "person_pk": lambda structure: PersonFactory(structure=structure).pk,
    "accompaniment_pk": lambda structure: AccompanimentFactory(person=PersonFactory(structure=structure)).pk,
    "member_pk": lambda structure: HouseholdMemberFactory(household__person__structure=structure).pk,
    "membership_pk": lambda structure: MembershipFactory(structure=structure).pk,
    "token_pk": _token_pk,
    "mandate_pk": lambda structure: _mandate(structure).pk,
    "revocation_pk": _revocation_pk,
    "alert_pk": _alert_pk,
    "request_pk": _request_pk,
    "screening_pk": lambda structure: ScreeningFactory(person=PersonFactory(structure=structure)).pk,
    "right_pk": lambda structure: RightFollowUpFactory(screening__person=PersonFactory(structure=structure)).pk,
    "job_pk": lambda structure: CaseloadScreeningFactory(structure=structure).pk,
    "document_pk": lambda structure: DocumentFactory(person=PersonFactory(structure=structure)).pk,
    "diagnostic_pk": lambda structure: DiagnosticFactory(person=PersonFactory(structure=structure)).pk,
    "elimination_pk": _elimination_pk,
    "report_pk": _report_pk,
    # Another structure's place that it did not publish (its published places are in everyone's directory).
    "place_pk": lambda structure: OwnPlaceFactory(structure=structure, is_published=False).pk,
    # Editing pages of a structure's own places: even a published place of another structure is out of reach.
    "own_place_pk": lambda structure: OwnPlaceFactory(structure=structure, is_published=True).pk,
    "own_service_pk": lambda structure: PlaceServiceFactory(place__structure=structure).pk,
    "import_pk": _import_pk,
    "referral_pk": lambda structure: ReferralFactory(person=PersonFactory(structure=structure)).pk,
    "incoming_pk": lambda structure: received_referral(structure).pk,
    "part_pk": _part_pk,
}


def _url(route, values):
    path = route
    for name, value in values.items():
        for converter in ("int", "str", "slug", "uuid", "path"):
            path = path.replace(f"<{converter}:{name}>", str(value))
        path = path.replace(f"<{name}>", str(value))
    return "/" + path


def test_every_object_url_is_covered():
    urls = object_urls()
    assert len(urls) >= 10, urls  # web and API object pages exist
    uncovered = [(route, names) for route, names in urls if not set(names) <= set(OBJECT_FACTORIES)]
    assert not uncovered, f"URL(s) with an object id but no factory in OBJECT_FACTORIES: {uncovered}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("route", "names"), object_urls(), ids=[r for r, _ in object_urls()])
def test_other_structure_objects_answer_404(role, route, names, structure, other_structure, member_of):
    member = member_of(structure, role)
    client = logged_in_client(member)
    foreign = _url(route, {name: OBJECT_FACTORIES[name](other_structure) for name in names})
    missing = _url(route, {name: 2_000_000_000 for name in names})
    statuses = {}
    for method in METHODS:
        response = getattr(client, method)(foreign, content_type="application/json")
        absent = getattr(client, method)(missing, content_type="application/json")
        # Never reveal existence: the answer for B's object is the answer for an id that does not exist.
        assert response.status_code == absent.status_code, (method, foreign, response.status_code, absent.status_code)
        assert response.status_code in {404, 405}, (method, foreign, response.status_code)
        statuses[method] = response.status_code
    assert 404 in statuses.values(), statuses


# --- Column "archived person of my own structure" -------------------------------------------------------------
# An object linked to a person inherits the person's visibility: once the person is archived, only the roles that
# may see archived persons (the DPO, for the register) may reach it. Every kind of object id is classified here,
# so a new kind of id must say whether it is linked to a person.
PERSON_LINKED = {
    "person_pk",
    "accompaniment_pk",
    "member_pk",
    "mandate_pk",
    "revocation_pk",
    "request_pk",
    "screening_pk",
    "right_pk",
    "document_pk",
    "diagnostic_pk",
    "referral_pk",
    "part_pk",
}
NOT_PERSON_LINKED = {
    "membership_pk": "a member of the team, not a person accompanied",
    "token_pk": "a member's API token",
    "alert_pk": "a service alert holds no personal data",
    "job_pk": "a caseload screening covers the whole structure; its results are checked by content below",
    "elimination_pk": "the elimination list is the register of archived records, kept by the DPO and the manager",
    "report_pk": "a monthly activity report counts anonymously",
    "place_pk": "a place of the directory",
    "own_place_pk": "a place of the structure",
    "own_service_pk": "a service of a place",
    "import_pk": "an import of places",
    "incoming_pk": "a referral received from another structure: the person is not of the member's structure",
}


def _roles_blind_to_archived():
    """Return the roles that may not see archived persons (checked against the rule by the test below)."""
    return [role for role in Role if role != Role.DPO]


def _archive_persons(structure):
    from django.utils import timezone

    from appui.people.models import Person

    Person.objects.filter(structure=structure).update(archived_at=timezone.now())


def test_every_object_id_says_whether_it_is_linked_to_a_person():
    assert set(OBJECT_FACTORIES) == PERSON_LINKED | set(NOT_PERSON_LINKED)
    assert not PERSON_LINKED & set(NOT_PERSON_LINKED)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_only_the_roles_left_out_of_the_archived_column_see_archived_persons(role, structure, member_of):
    from appui.people.access import persons_visible_by

    person = PersonFactory(structure=structure)
    _archive_persons(structure)
    sees = persons_visible_by(member_of(structure, role)).filter(pk=person.pk).exists()
    assert sees == (role not in _roles_blind_to_archived())


def archived_urls():
    return [(route, names) for route, names in object_urls() if set(names) & PERSON_LINKED]


def _probe_same_as_missing(client, route, names, values, **headers):
    target = _url(route, values)
    missing = _url(route, {name: 2_000_000_000 for name in names})
    statuses = {}
    for method in METHODS:
        response = getattr(client, method)(target, content_type="application/json", **headers)
        absent = getattr(client, method)(missing, content_type="application/json", **headers)
        assert response.status_code == absent.status_code, (method, target, response.status_code, absent.status_code)
        assert response.status_code in {404, 405}, (method, target, response.status_code)
        statuses[method] = response.status_code
    assert 404 in statuses.values(), statuses


@pytest.mark.django_db
@pytest.mark.parametrize("role", _roles_blind_to_archived())
@pytest.mark.parametrize(("route", "names"), archived_urls(), ids=[r for r, _ in archived_urls()])
def test_objects_of_archived_persons_answer_404(role, route, names, structure, member_of):
    member = member_of(structure, role)
    values = {name: OBJECT_FACTORIES[name](structure) for name in names}
    _archive_persons(structure)
    _probe_same_as_missing(logged_in_client(member), route, names, values)


# --- The same probes, authenticated with an API token ----------------------------------------------------------
def api_urls(urls):
    return [(route, names) for route, names in urls if route.startswith("api/")]


def _token_headers(member):
    _, raw = api_token_create(membership=member, name="sonde")
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("route", "names"), api_urls(object_urls()), ids=[r for r, _ in api_urls(object_urls())])
def test_other_structure_objects_answer_404_to_api_tokens(role, route, names, structure, other_structure, member_of):
    from django.test import Client

    headers = _token_headers(member_of(structure, role))
    values = {name: OBJECT_FACTORIES[name](other_structure) for name in names}
    _probe_same_as_missing(Client(), route, names, values, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize("role", _roles_blind_to_archived())
@pytest.mark.parametrize(("route", "names"), api_urls(archived_urls()), ids=[r for r, _ in api_urls(archived_urls())])
def test_objects_of_archived_persons_answer_404_to_api_tokens(role, route, names, structure, member_of):
    from django.test import Client

    headers = _token_headers(member_of(structure, role))
    values = {name: OBJECT_FACTORIES[name](structure) for name in names}
    _archive_persons(structure)
    _probe_same_as_missing(Client(), route, names, values, **headers)


# --- URLs without an object id: lists, search, exports ---------------------------------------------------------
# Each page, file and API list is read by every role, with and without a search for the markers: it must name
# neither a person of another structure nor an archived person of the member's own structure. The URL list is
# introspected: a new list or export is covered automatically, unless it is excluded here with its reason.
ID_LESS_EXCLUSIONS = {
    "deconnexion/": "ends the session of the probing client; shows no record",
}
MARKERS = {
    # last name (searched folded: without accents or case), and an ASCII first name (found even in a PDF whose
    # font drops accented letters, or a file in another encoding)
    "foreign": ("Zéphyrin-Étranger", "Quorvexetr"),
    "archived": ("Zéphyrin-Archivé", "Quorvexarc"),
    "visible": ("Zéphyrin-Visible", "Quorvexvis"),
}


def id_less_urls():
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if pattern.pattern.converters or route.startswith("admin/") or route in ID_LESS_EXCLUSIONS:
            continue
        found.append(route)
    return found


def _marked_person(structure, member, kind):
    """Create a person named with the marker ``kind`` and one record of each kind linked to them."""
    from django.utils import timezone

    from appui.people.requests import rights_request_create
    from tests.rights.factories import CaseloadResultFactory

    last_name, first_name = MARKERS[kind]
    person = PersonFactory(structure=structure, last_name=last_name, first_name=first_name)
    today = timezone.localdate()
    author = member.user if member.structure_id == structure.pk else None
    extra = {"author": author} if author else {}
    AccompanimentFactory(person=person, follow_up_date=today, next_step=f"Rappeler {first_name}", **extra)
    HouseholdMemberFactory(household__person=person, first_name=first_name)
    DiagnosticFactory(person=person)
    # A claim without news, last updated by the probing member: only the person's visibility keeps it off their day.
    RightFollowUpFactory(
        screening__person=person,
        status="demande_en_cours",
        claimed_on=today - datetime.timedelta(days=40),
        reminder_on=today - datetime.timedelta(days=1),
        updated_by=member.user,
    )
    DocumentFactory(person=person, expires_on=today + datetime.timedelta(days=3), description=first_name)
    referral_extra = {"created_by": author} if author else {}
    ReferralFactory(person=person, follow_up_on=today, **referral_extra)
    worker = MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL)
    mandate = mandate_create(
        membership=worker, person=person, categories=["papiers"], duration="6m", person_present=True
    )
    type(mandate).objects.filter(pk=mandate.pk).update(expires_at=timezone.now() + datetime.timedelta(days=2))
    dpo = MembershipFactory(structure=structure, role=Role.DPO)
    rights_request_create(membership=dpo, person=person, kind="rectification", received_on=today)
    CaseloadResultFactory(job=CaseloadScreeningFactory(structure=structure), person=person, reference=first_name)
    return person


def _body_text(response):
    """Return the text of a response: page, JSON, CSV, or the text inside an XLSX or a PDF."""
    import io
    import zipfile

    from pypdf import PdfReader

    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if content.startswith(b"%PDF"):
        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", "replace")


def _names(text, kind):
    from appui.core.text import normalize

    last_name, first_name = MARKERS[kind]
    return first_name.lower() in text.lower() or normalize(last_name) in normalize(text)


def test_id_less_urls_are_introspected():
    urls = id_less_urls()
    assert {"personnes/", "api/v1/persons/", "orientations/", "statistiques/export.csv"} <= set(urls)
    assert set(ID_LESS_EXCLUSIONS) <= {route for route, _ in _walk(get_resolver().url_patterns)}


def _read_every_id_less_url(client, routes, **headers):
    """Return {url: text} of the id-less URLs read with GET, plain and searching the markers."""
    texts = {}
    for route in routes:
        for query in ("", "?q=zephyrin", "?q=Quorvex"):
            url = "/" + route + query
            response = client.get(url, **headers)
            assert response.status_code != 500, (url, response.status_code)
            texts[url] = _body_text(response) if response.status_code == 200 else ""
    return texts


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("auth", ["session", "api-token"])
def test_id_less_urls_name_no_foreign_nor_archived_person(role, auth, structure, other_structure, member_of):
    from django.test import Client

    member = member_of(structure, role)
    _marked_person(other_structure, member, "foreign")
    _marked_person(structure, member, "archived")
    _archive_persons(structure)
    _marked_person(structure, member, "visible")
    if auth == "session":
        texts = _read_every_id_less_url(logged_in_client(member), id_less_urls())
    else:
        api = [route for route in id_less_urls() if route.startswith("api/")]
        texts = _read_every_id_less_url(Client(), api, **_token_headers(member))
    # The probe reads real content: the member's own visible person is named somewhere.
    assert any(_names(text, "visible") for text in texts.values()), sorted(texts)
    leaks = [(url, kind) for url, text in texts.items() for kind in ("foreign", "archived") if _names(text, kind)]
    if role not in _roles_blind_to_archived():
        leaks = [(url, kind) for url, kind in leaks if kind != "archived"]
    assert not leaks, leaks


@pytest.mark.django_db
@pytest.mark.parametrize("role", _roles_blind_to_archived())
@pytest.mark.parametrize("auth", ["session", "api-token"])
def test_caseload_results_name_no_archived_person(role, auth, structure, member_of):
    """A caseload screening is the structure's, but each household found follows its person's visibility."""
    from django.test import Client

    member = member_of(structure, role)
    archived = PersonFactory(structure=structure, last_name=MARKERS["archived"][0], first_name=MARKERS["archived"][1])
    _archive_persons(structure)
    visible = PersonFactory(structure=structure, last_name=MARKERS["visible"][0], first_name=MARKERS["visible"][1])
    job = CaseloadScreeningFactory(structure=structure, total=2, processed=2, with_rights=2)
    from tests.rights.factories import CaseloadResultFactory

    CaseloadResultFactory(job=job, person=archived, reference=archived.first_name)
    CaseloadResultFactory(job=job, person=visible, reference=visible.first_name)
    routes = [route for route, names in object_urls() if names == ("job_pk",)]
    client, headers = (logged_in_client(member), {}) if auth == "session" else (Client(), _token_headers(member))
    if auth == "api-token":
        routes = [route for route in routes if route.startswith("api/")]
    texts = {}
    for route in routes:
        response = client.get(_url(route, {"job_pk": job.pk}), **headers)
        texts[route] = _body_text(response) if response.status_code == 200 else ""
    if any(texts.values()):  # the roles that may screen read the results; the others answer 403
        assert any(_names(text, "visible") for text in texts.values()), texts
    assert not [route for route, text in texts.items() if _names(text, "archived")]

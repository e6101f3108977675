"""Structure isolation, checked on every URL that takes an object id, for every role and method.

The URL list is introspected from the resolver: a new URL with an object id is covered automatically, and a
new kind of id without a factory below makes ``test_every_object_url_is_covered`` fail.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

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
    fields = {"service": "caf", "step": "connexion", "occurred_on": datetime.date.today()}
    return service_alert_create(membership=member, fields=fields).pk


def _request_pk(structure):
    from appui.people.requests import rights_request_create

    member = MembershipFactory(structure=structure, role=Role.DPO)
    person = PersonFactory(structure=structure)
    return rights_request_create(
        membership=member, person=person, kind="rectification", received_on=datetime.date.today()
    ).pk


def _part_pk(structure):
    """A part of an access export waiting to be handed over: the private notes of another worker."""
    from appui.people.export_parts import access_export_prepare
    from appui.people.requests import rights_request_create

    dpo = MembershipFactory(structure=structure, role=Role.DPO)
    person = PersonFactory(structure=structure)
    AccompanimentFactory(person=person, private_note="note privée")
    request = rights_request_create(membership=dpo, person=person, kind="acces", received_on=datetime.date.today())
    access_export_prepare(membership=dpo, request=request)
    return request.export_parts.get(kind="notes_privees").pk


def _elimination_pk(structure):
    from django.utils import timezone

    from appui.people.retention import EliminationList

    elimination = EliminationList.objects.create(structure=structure, created_at=timezone.now())
    elimination.persons.add(PersonFactory(structure=structure))
    return elimination.pk


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

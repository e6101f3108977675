"""Property-based API tests: schemathesis generates requests from the OpenAPI document; no answer is a 5xx."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from appui.accounts.enums import Role
from appui.accounts.services import api_token_create
from appui.wsgi import application
from tests.accounts.factories import MembershipFactory, StructureFactory
from tests.people.factories import PersonFactory


def _load_schema():
    """Generate the OpenAPI document in process (no request: the database is not open at collection time)."""
    from drf_spectacular.generators import SchemaGenerator

    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application  # calls go through the WSGI application, as from_wsgi() would set up
    return loaded


schema = _load_schema()


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app: keep it from closing the test's database connection after each
    request, as Django's own test client does (the test runs in one transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, keep_test_connection):
    structure = StructureFactory()
    member = MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL)
    for _ in range(3):
        PersonFactory(structure=structure)
    _, raw = api_token_create(membership=member, name="schemathesis")
    return raw


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_api_operation_answers_a_server_error(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=[not_a_server_error])


@schema.include(path="/api/v1/persons/", method="GET").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_person_search_answers_what_its_schema_says(case, api_token):
    """Any query (names, typos, digits, e-mail parts) gives the documented paginated shape, with ``approximate``."""
    case.call_and_validate(
        headers={"Authorization": f"Token {api_token}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )


@pytest.fixture
def directory_token(db, keep_test_connection):
    """A social worker whose structure has a person, places nearby, a referral sent and one received."""
    from tests.orientations.factories import ReferralFactory, received_referral
    from tests.places.factories import OwnPlaceFactory, PlaceFactory, PlaceServiceFactory

    structure = StructureFactory()
    member = MembershipFactory(structure=structure, role=Role.TRAVAILLEUR_SOCIAL)
    person = PersonFactory(structure=structure)
    place = PlaceFactory(latitude=45.77, longitude=4.88, opening_hours="Mo-Fr 09:00-12:00")
    PlaceServiceFactory(place=OwnPlaceFactory())
    ReferralFactory(person=person, created_by=member.user, place=place)
    received_referral(structure)
    _, raw = api_token_create(membership=member, name="schemathesis")
    return raw


@schema.include(path_regex=r"^/api/v1/(places|referrals)/").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_directory_and_referral_operations_answer_what_the_document_describes(case, directory_token):
    """The OpenAPI document describes the directory and referral answers: statuses, content types, bodies."""
    case.call_and_validate(
        headers={"Authorization": f"Token {directory_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )

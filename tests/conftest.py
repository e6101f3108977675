import pytest
from django.test import Client

from appui.accounts.enums import Role
from appui.web.middleware import SESSION_KEY
from tests.accounts.factories import MembershipFactory, StructureFactory


@pytest.fixture
def structure(db):
    return StructureFactory(name="CCAS A")


@pytest.fixture
def other_structure(db):
    return StructureFactory(name="Association B")


@pytest.fixture
def member_of(db):
    """Return a factory of memberships: member_of(structure, role, bound_by_secrecy=True)."""

    def make(structure, role=Role.TRAVAILLEUR_SOCIAL, **kwargs):
        kwargs.setdefault("bound_by_secrecy", role in {Role.TRAVAILLEUR_SOCIAL, Role.RESPONSABLE})
        return MembershipFactory(structure=structure, role=role, **kwargs)

    return make


def logged_in_client(membership) -> Client:
    """Return a test client logged in as the member, working in the member's structure."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()
    return client


@pytest.fixture
def client_for():
    return logged_in_client

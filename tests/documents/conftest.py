import pytest

from appui.accounts.enums import Role
from appui.core import crypto
from tests.people.factories import PersonFactory


@pytest.fixture(autouse=True)
def fresh_keyring():
    crypto.reset_keyring()
    yield
    crypto.reset_keyring()


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)

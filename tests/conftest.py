import time

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def verified_device(user):
    """Return the user's confirmed authenticator device, creating one if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="tests", confirmed=True)


def logged_in_client(membership, *, verified: bool = True) -> Client:
    """Return a test client logged in as the member (password and, unless told, second factor)."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    if verified:
        session[DEVICE_ID_SESSION_KEY] = verified_device(membership.user).persistent_id
    session.save()
    return client


@pytest.fixture
def client_for():
    return logged_in_client


def totp_code(device) -> str:
    """Return the code the user's authenticator app shows now for this device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def password_login(email: str, password: str, client: Client | None = None):
    """Post the login form (the real path, through django-axes); return the client and the response."""
    client = client or Client()
    return client, client.post("/connexion/", {"username": email, "password": password})

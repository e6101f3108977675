"""Login and sessions, played as attacks: spelling variants against the lockout, a session kept alive through
the API, an invitation link read by the manager, the demo loaded on a server, odd parameters on the login pages.
"""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appui.accounts.enums import Role
from appui.accounts.models import Membership, Structure, User
from appui.accounts.signals import SESSION_LOGIN_AT
from appui.audit.enums import AuditAction
from appui.audit.models import AuditEvent
from appui.web.middleware import SESSION_SEEN_AT
from tests.accounts.factories import PASSWORD
from tests.conftest import logged_in_client, password_login, totp_code, verified_device

# --- The lockout counts on the normalised address -----------------------------------------------------------

VARIANTS = [
    "Mediateur@Exemple.fr",
    "MEDIATEUR@EXEMPLE.FR",
    "  mediateur@exemple.fr  ",
    "mediateur@exemple.fr\u00a0",  # no-break space
    "medi\u200bateur@exemple.fr",  # zero-width space
    "\uff4d\uff45\uff44\uff49\uff41\uff54\uff45\uff55\uff52@exemple.fr",  # full-width letters
    "mediateur\uff20exemple.fr",  # full-width @
]


@pytest.fixture
def mediator(structure, member_of):
    member = member_of(structure, Role.MEDIATEUR)
    member.user.email = "mediateur@exemple.fr"
    member.user.save()
    return member


def _fail(client, username):
    return client.post("/connexion/", {"username": username, "password": "mauvais-mot-de-passe"})


@pytest.mark.django_db
def test_spelling_variants_of_the_address_share_one_lockout_counter(mediator):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for username in VARIANTS[:4]:
        assert _fail(client, username).status_code == 200
    assert _fail(client, VARIANTS[4]).status_code in {200, 429}  # the fifth failure, whatever the spelling
    for username in ["mediateur@exemple.fr", *VARIANTS]:
        answer = client.post("/connexion/", {"username": username, "password": PASSWORD})
        assert answer.status_code == 429, username  # locked for every spelling, even with the right password


@pytest.mark.django_db
def test_a_variant_spelling_gets_no_extra_tries_and_its_success_does_not_unlock_the_account(mediator):
    client = Client(REMOTE_ADDR="10.0.0.10")
    for _ in range(5):
        _fail(client, "mediateur@exemple.fr")
    assert client.post("/connexion/", {"username": "Mediateur@exemple.fr", "password": PASSWORD}).status_code == 429
    assert client.post("/connexion/", {"username": "mediateur@exemple.fr", "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("username", VARIANTS)
def test_every_variant_spelling_logs_in_to_the_one_account(username, mediator):
    _, response = password_login(username, PASSWORD, client=Client(REMOTE_ADDR="10.0.0.11"))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


# --- Session limits apply to the API too ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_12_hour_limit_ends_a_session_used_through_the_api(structure, member_of):
    client = logged_in_client(member_of(structure))
    assert client.get("/api/v1/persons/").status_code == 200
    session = client.session
    session[SESSION_LOGIN_AT] = int(time.time()) - 12 * 3600 - 60
    session.save()
    assert client.get("/api/v1/persons/").status_code in {401, 403}
    assert client.get("/api/v1/persons/").status_code in {401, 403}  # ended, not only refused once
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:login"))


@pytest.mark.django_db
def test_30_minutes_without_activity_end_a_session_used_through_the_api(structure, member_of):
    client = logged_in_client(member_of(structure))
    assert client.get("/api/v1/persons/").status_code == 200
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    assert client.get("/api/v1/persons/").status_code in {401, 403}
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:login"))


@pytest.mark.django_db
def test_an_expired_session_row_gives_no_access_to_the_api(structure, member_of):
    client = logged_in_client(member_of(structure))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(minutes=1)
    )
    assert client.get("/api/v1/persons/").status_code in {401, 403}


@pytest.mark.django_db
def test_api_calls_keep_an_active_session_alive(structure, member_of):
    client = logged_in_client(member_of(structure))
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - 20 * 60
    session.save()
    assert client.get("/api/v1/persons/").status_code == 200
    assert time.time() - client.session[SESSION_SEEN_AT] < 60


# --- The manager never sees the invitee's password link ------------------------------------------------------


# The password-setting link: /invitation/<uid>/<token>/ (the team page's own /equipe/<id>/invitation/ is not one).
PASSWORD_LINK = re.compile(r"/invitation/[^/\s\"'<]+/[^/\s\"'<]+/")


def _invite(client, email="nouvelle@exemple.fr"):
    return client.post(
        reverse("web:member_invite"),
        {"email": email, "first_name": "Nora", "last_name": "Benali", "role": Role.MEDIATEUR},
    )


@pytest.mark.django_db
def test_the_invitation_link_goes_to_the_invitee_only_and_never_to_the_manager(
    structure, member_of, django_capture_on_commit_callbacks
):
    manager = member_of(structure, Role.RESPONSABLE)
    client = logged_in_client(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client)
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["nouvelle@exemple.fr"] and not message.cc and not message.bcc
    link = next(word for word in message.body.split() if "/invitation/" in word)
    path = link[link.index("/invitation/") :]
    page = response.content.decode()
    assert not PASSWORD_LINK.search(page) and path not in page
    assert "nouvelle@exemple.fr" in page and "e-mail" in page
    team = client.get(reverse("web:member_list")).content.decode()
    assert not PASSWORD_LINK.search(team) and "Invitation envoyée le" in team
    # The link works, for the invitee.
    invitee = Client()
    form = invitee.get(path, follow=True)
    assert form.status_code == 200 and "Nouveau mot de passe" in form.content.decode()


@pytest.mark.django_db
def test_the_manager_may_resend_an_invitation_which_goes_to_the_invitee_again(
    structure, member_of, django_capture_on_commit_callbacks
):
    manager = member_of(structure, Role.RESPONSABLE)
    client = logged_in_client(manager)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    invited = Membership.objects.get(user__email="nouvelle@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:member_invitation_resend", args=[invited.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["nouvelle@exemple.fr"], ["nouvelle@exemple.fr"]]
    assert not PASSWORD_LINK.search(client.get(response["Location"]).content.decode())
    assert AuditEvent.objects.filter(action=AuditAction.MEMBER_INVITATION_SEND).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.DPO])
def test_only_the_manager_resends_an_invitation(role, structure, member_of):
    pending = member_of(structure, Role.MEDIATEUR)
    pending.user.set_unusable_password()
    pending.user.save()
    response = logged_in_client(member_of(structure, role)).post(
        reverse("web:member_invitation_resend", args=[pending.pk])
    )
    assert response.status_code == 403 and not mail.outbox


@pytest.mark.django_db
def test_an_invitation_is_not_resent_to_someone_who_already_chose_a_password(structure, member_of):
    manager = member_of(structure, Role.RESPONSABLE)
    active = member_of(structure, Role.MEDIATEUR)
    client = logged_in_client(manager)
    response = client.post(reverse("web:member_invitation_resend", args=[active.pk]), follow=True)
    assert "a déjà choisi son mot de passe" in response.content.decode() and not mail.outbox


# --- The demo never loads outside development ----------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_load_demo_refuses_to_run_outside_development():
    with pytest.raises(CommandError, match="développement"):
        call_command("load_demo", "--persons", "2", "--accompaniments", "2")
    assert not Structure.objects.exists() and not User.objects.exists()
    with pytest.raises(CommandError, match="développement"):
        call_command("demo_otp_code")


# --- Odd parameters never answer 500 ------------------------------------------------------------------------

ODD_NEXT = [
    "pas-une-url",
    "web:dashboard",
    "admin",
    "",
    " ",
    "\x00",
    "/ok\r\nSet-Cookie: x=1",
    "/ok\nx",
    "http://[",
    "http://[::1",
    "//exemple.org",
    "/\\exemple.org",
    "\\\\exemple.org",
    "https://exemple.org/",
    "javascript:alert(1)",
    "data:text/html,x",
    "/%0d%0aX: y",
    "/personnes/\u202e/",
    "/é",
    "/" + "a" * 5000,
    "😀",
    "?next=//exemple.org",
]


def _verified_login(member):
    device = verified_device(member.user)
    client, _ = password_login(member.user.email, PASSWORD)
    return client, device


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ODD_NEXT, ids=range(len(ODD_NEXT)))
def test_the_second_factor_step_never_fails_on_an_odd_next(odd, structure, member_of):
    member = member_of(structure)
    client, device = _verified_login(member)
    wrong = client.post(reverse("web:otp_verify"), {"token": "000000x", "next": odd})
    assert wrong.status_code == 200
    right = client.post(reverse("web:otp_verify"), {"token": totp_code(device), "next": odd})
    assert right.status_code == 302
    location = right["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "\n" not in location and "\r" not in location
    again = client.get(reverse("web:otp_verify"), {"next": odd})
    assert again.status_code == 302 and again["Location"].startswith("/")


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ODD_NEXT, ids=range(len(ODD_NEXT)))
def test_the_login_and_structure_pages_never_fail_on_an_odd_next(odd, structure, member_of):
    member = member_of(structure)
    anonymous = Client()
    assert anonymous.get(reverse("web:login"), {"next": odd}).status_code == 200
    response = anonymous.post(
        f"{reverse('web:login')}?{__import__('urllib.parse').parse.urlencode({'next': odd})}",
        {"username": member.user.email, "password": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    pairing = Client()
    pairing.post("/connexion/", {"username": member.user.email, "password": PASSWORD})  # no authenticator yet
    assert pairing.get(reverse("web:otp_enroll"), {"next": odd}).status_code == 200
    assert pairing.post(reverse("web:otp_enroll"), {"token": "12", "next": odd}).status_code == 200
    client = logged_in_client(member)
    assert client.get(reverse("web:choose_structure"), {"next": odd}).status_code == 200
    chosen = client.post(reverse("web:choose_structure"), {"membership": member.pk, "next": odd})
    assert chosen.status_code == 302 and chosen["Location"].startswith("/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"username": "\x00", "password": "x"},
        {"username": "a" * 10000, "password": "b" * 10000},
        {"username": ["a", "b"], "password": "x"},
        {"username": "mediateur@exemple.fr"},
        {},
    ],
    ids=["nul", "long", "liste", "sans-mot-de-passe", "vide"],
)
def test_the_login_form_never_fails_on_odd_fields(fields, mediator):
    assert Client(REMOTE_ADDR="10.0.0.12").post("/connexion/", fields).status_code in {200, 429}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"email": "\x00"}, {"email": "a" * 10000 + "@exemple.fr"}, {"email": ["a@b.fr", "c@d.fr"]}, {}],
    ids=["nul", "long", "liste", "vide"],
)
def test_the_forgotten_password_form_never_fails_on_odd_fields(fields, mediator):
    assert Client().post(reverse("web:password_reset"), fields).status_code in {200, 302}


@pytest.mark.django_db
def test_the_login_form_never_fails_on_bytes_that_are_not_utf8(mediator):
    response = Client(REMOTE_ADDR="10.0.0.13").post(
        "/connexion/?next=%FF", "username=%FF%FEm%C3&password=%80", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in {200, 400}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/invitation/x/y/",
        "/invitation/%00/%00/",
        "/invitation/MQ/set-password/",
        "/invitation/" + "A" * 300 + "/" + "b" * 300 + "/",
        "/invitation/\u00e9\u00e9/\u00e9/",
    ],
)
def test_a_forged_invitation_link_is_refused_politely(path, structure):
    response = Client().get(path, follow=True)
    assert response.status_code in {200, 404} and "Traceback" not in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(odd=st.text(max_size=80))
def test_any_next_on_the_second_factor_step_redirects_locally(odd, structure, member_of):
    member = member_of(structure)
    client = logged_in_client(member)
    response = client.post(reverse("web:otp_verify"), {"token": "123456", "next": odd})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith(("//", "/\\"))

"""Login hardening: second factor everywhere, lockout, session limits, headers, deployment checks."""

import os
import re
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.accounts.enums import Role
from appui.accounts.signals import SESSION_LOGIN_AT
from appui.audit.keys import new_audit_keyring_json
from appui.core.crypto import new_keyring_json
from appui.web.middleware import SESSION_SEEN_AT
from tests.accounts.factories import PASSWORD
from tests.conftest import logged_in_client, password_login, totp_code, verified_device
from tests.people.factories import PersonFactory
from tests.security.test_isolation_matrix import _url, _walk

# Pages a password-only session may reach: the second-factor steps, logout, and the public pages.
SECOND_FACTOR_ROUTES = {"connexion/verification/", "connexion/activation/", "deconnexion/"}
PUBLIC_ROUTES = {
    "connexion/",
    "invitation/<uidb64>/<token>/",
    "api/v1/schema/",
    "mot-de-passe-oublie/",
    "mot-de-passe-oublie/envoye/",
    "sante/",  # the health probe: no login, no personal data (503 while no background worker runs)
}


def web_routes():
    return [
        (route, pattern)
        for route, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/")) and route not in SECOND_FACTOR_ROUTES | PUBLIC_ROUTES
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "pattern"), web_routes(), ids=[r for r, _ in web_routes()])
def test_a_password_only_session_is_sent_to_the_second_factor_everywhere(route, pattern, structure, member_of):
    member = member_of(structure)
    verified_device(member.user)
    client = logged_in_client(member, verified=False)
    url = _url(route, {name: 1 for name in pattern.pattern.converters})
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"].startswith("/connexion/verification/"), response["Location"]


@pytest.mark.django_db
def test_the_second_factor_page_shows_no_menu_that_leads_nowhere(structure, member_of):
    member = member_of(structure)
    verified_device(member.user)
    page = logged_in_client(member, verified=False).get("/connexion/verification/").content.decode()
    assert 'id="menu-principal"' not in page and "Ma journée" not in page and 'href="#menu-principal"' not in page
    assert "Se déconnecter" in page  # leaving stays possible
    verified = logged_in_client(member).get("/").content.decode()
    assert 'id="menu-principal"' in verified and "Ma journée" in verified


@pytest.mark.django_db
def test_the_api_refuses_a_password_only_session(structure, member_of):
    client = logged_in_client(member_of(structure), verified=False)
    assert client.get("/api/v1/persons/").status_code == 403


@pytest.mark.django_db
def test_lockout_after_five_failures_with_the_same_answer_for_unknown_accounts(structure, member_of):
    member = member_of(structure)
    for email in (member.user.email, "personne@inconnue.fr"):
        client = Client(REMOTE_ADDR="10.0.0.7")
        answers = [
            client.post("/connexion/", {"username": email, "password": "mauvais-mot-de-passe"}) for _ in range(5)
        ]
        assert all(a.status_code == 200 and "incorrect" in a.content.decode() for a in answers[:4])
        locked = client.post("/connexion/", {"username": email, "password": PASSWORD})
        assert locked.status_code == 429 and "bloquée" in locked.content.decode(), email
    # Another IP address is not locked out for the same account.
    _, other_ip = password_login(member.user.email, PASSWORD, client=Client(REMOTE_ADDR="10.0.0.8"))
    assert other_ip.status_code == 302


@pytest.mark.django_db
def test_idle_sessions_expire_after_30_minutes_and_requests_renew_them(structure, member_of):
    client = logged_in_client(member_of(structure))
    client.get(reverse("web:dashboard"))
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = (session.expire_date.timestamp() - time.time()) / 60
    assert 29 < remaining <= 30


@pytest.mark.django_db
def test_a_session_is_renewed_at_most_once_a_minute(structure, member_of):
    client = logged_in_client(member_of(structure))
    client.get(reverse("web:dashboard"))
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timezone.timedelta(minutes=20))
    client.get(reverse("web:dashboard"))  # within the minute: the session is not written again
    expire = Session.objects.get(session_key=key).expire_date
    assert 19 < (expire.timestamp() - time.time()) / 60 <= 20
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - 61
    session.save()
    client.get(reverse("web:dashboard"))  # a minute later: noted, and the cookie's 30 minutes start again
    assert time.time() - client.session[SESSION_SEEN_AT] < 5
    expire = Session.objects.get(session_key=key).expire_date
    assert 29 < (expire.timestamp() - time.time()) / 60 <= 30


@pytest.mark.django_db
def test_sessions_end_12_hours_after_login_whatever_the_activity(structure, member_of):
    client = logged_in_client(member_of(structure))
    session = client.session
    session[SESSION_LOGIN_AT] = int(time.time()) - 12 * 3600 - 60
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:login"))


@pytest.mark.django_db
@override_settings(OTP_TOTP_THROTTLE_FACTOR=1)
def test_codes_are_throttled_after_a_wrong_one(structure, member_of):
    member = member_of(structure)
    device = verified_device(member.user)
    client, _ = password_login(member.user.email, PASSWORD)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    client.post(reverse("web:otp_verify"), {"token": wrong, "next": "/"})
    # Right after a wrong code even the right one is refused: guessing 10^6 codes is not an option.
    assert (
        "Code incorrect"
        in client.post(reverse("web:otp_verify"), {"token": totp_code(device), "next": "/"}).content.decode()
    )


@pytest.mark.django_db
def test_manager_resets_a_lost_second_factor(structure, member_of):
    manager = member_of(structure, Role.RESPONSABLE)
    worker = member_of(structure, Role.MEDIATEUR)
    _, _ = password_login(worker.user.email, PASSWORD)
    worker_client = logged_in_client(worker)
    StaticDevice.objects.create(user=worker.user, name="Codes de secours")
    response = logged_in_client(manager).post(reverse("web:member_reset_second_factor", args=[worker.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker.user).exists()
    assert not StaticDevice.objects.filter(user=worker.user).exists()
    assert worker_client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:login"))
    _, login = password_login(worker.user.email, PASSWORD)
    assert login["Location"].startswith(reverse("web:otp_enroll"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.DPO])
def test_only_the_manager_resets_a_second_factor(role, structure, member_of):
    target = member_of(structure, Role.MEDIATEUR)
    device = verified_device(target.user)
    assert (
        logged_in_client(member_of(structure, role))
        .post(reverse("web:member_reset_second_factor", args=[target.pk]))
        .status_code
        == 403
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.django_db
def test_security_headers_and_no_inline_script(structure, member_of):
    member = member_of(structure)
    person = PersonFactory(structure=structure)
    response = logged_in_client(member).get(reverse("web:person_detail", args=[person.pk]))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag and "src=" in tag, tag  # external files only, each with the nonce
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.mark.django_db
def test_error_pages_are_generic_and_french(structure, member_of):
    response = logged_in_client(member_of(structure)).get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page introuvable" in text and "Traceback" not in text and "urlpatterns" not in text


def test_deploy_checks_pass_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("APPUI_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))
    }
    env.update(
        APPUI_SECRET_KEY="x" * 20 + "-production-secret-" + "y" * 30,
        APPUI_ALLOWED_HOSTS="appui.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        APPUI_AUDIT_KEYS=new_audit_keyring_json(),
        APPUI_AUDIT_ANCHOR_DIR=str(tmp_path / "ancres"),
        APPUI_FIELD_KEYS=new_keyring_json(),  # without it the deploy check fails (appui.core.E002)
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_password_reset_never_bypasses_the_second_factor(structure, member_of):
    from django.core import mail

    member = member_of(structure)
    verified_device(member.user)
    client = Client()
    unknown = client.post(reverse("web:password_reset"), {"email": "inconnu@example.org"})
    known = client.post(reverse("web:password_reset"), {"email": member.user.email})
    assert unknown["Location"] == known["Location"] == reverse("web:password_reset_done")  # same answer
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/invitation/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    done = client.post(
        form_url, {"new_password1": "nouveau-secret-du-matin", "new_password2": "nouveau-secret-du-matin"}
    )
    assert done["Location"] == reverse("web:login")
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:login"))  # not logged in
    _, login = password_login(member.user.email, "nouveau-secret-du-matin", client=client)
    assert login["Location"].startswith(reverse("web:otp_verify"))

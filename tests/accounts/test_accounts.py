import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.accounts.enums import Role
from appui.accounts.models import ApiToken, Membership, User
from appui.web.middleware import SESSION_KEY
from tests.accounts.factories import PASSWORD, MembershipFactory, StructureFactory
from tests.conftest import logged_in_client, password_login, totp_code, verified_device
from tests.people.factories import PersonFactory


def _text(response):
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_login_by_email_then_pair_an_authenticator_at_first_login(structure, member_of):
    member = member_of(structure)
    client, response = password_login(member.user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:otp_enroll"))
    # With only a password, nothing else is reachable.
    assert client.get(reverse("web:dashboard"))["Location"].startswith(reverse("web:otp_enroll"))
    page = _text(client.get(response["Location"]))
    assert "data:image/svg+xml" in page and 'id="cle-totp"' in page
    device = TOTPDevice.objects.get(user=member.user, confirmed=False)
    wrong = client.post(reverse("web:otp_enroll"), {"token": "000000", "next": "/"})
    assert "Code incorrect" in _text(wrong) or totp_code(device) == "000000"
    done = client.post(reverse("web:otp_enroll"), {"token": totp_code(device), "next": "/"})
    codes = re.findall(r"<code>(\d{8})</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("web:dashboard")).status_code == 200


@pytest.mark.django_db
def test_second_login_asks_the_code_and_backup_codes_work_once(structure, member_of):
    from appui.accounts.second_factor import backup_codes_regenerate

    member = member_of(structure)
    device = verified_device(member.user)
    codes = backup_codes_regenerate(user=member.user)
    client, response = password_login(member.user.email, PASSWORD)
    assert response["Location"].startswith(reverse("web:otp_verify"))
    assert "Code incorrect" in _text(client.post(reverse("web:otp_verify"), {"token": "12345678", "next": "/"}))
    assert client.post(reverse("web:otp_verify"), {"token": codes[0], "next": "/"})["Location"] == "/"
    assert client.get(reverse("web:dashboard")).status_code == 200
    second, _ = password_login(member.user.email, PASSWORD)
    assert "Code incorrect" in _text(second.post(reverse("web:otp_verify"), {"token": codes[0], "next": "/"}))
    assert second.post(reverse("web:otp_verify"), {"token": totp_code(device), "next": "/"}).status_code == 302


@pytest.mark.django_db
def test_wrong_password_gives_the_same_french_message_as_an_unknown_account(structure, member_of):
    member = member_of(structure)
    wrong = _text(Client().post(reverse("web:login"), {"username": member.user.email, "password": "nope-nope-nope"}))
    unknown = _text(
        Client().post(reverse("web:login"), {"username": "inconnu@example.org", "password": "nope-nope-nope"})
    )
    assert "Adresse e-mail ou mot de passe incorrect" in wrong
    assert "Adresse e-mail ou mot de passe incorrect" in unknown


@pytest.mark.django_db
def test_member_of_two_structures_chooses_and_only_sees_the_chosen_one(member_of):
    first, second = StructureFactory(name="CCAS Un"), StructureFactory(name="Asso Deux")
    membership = member_of(first)
    other = MembershipFactory(user=membership.user, structure=second, role=Role.MEDIATEUR)
    person_in_second = PersonFactory(structure=second)
    client = logged_in_client(membership)
    session = client.session
    del session[SESSION_KEY]  # as right after login: no structure chosen yet
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:choose_structure"))
    client.post(reverse("web:choose_structure"), {"membership": membership.pk})
    assert client.get(reverse("web:person_detail", args=[person_in_second.pk])).status_code == 404
    client.post(reverse("web:choose_structure"), {"membership": other.pk})
    assert client.get(reverse("web:person_detail", args=[person_in_second.pk])).status_code == 200


@pytest.mark.django_db
def test_manager_invites_a_member_who_sets_a_strong_password(
    structure, member_of, client_for, django_capture_on_commit_callbacks
):
    manager = member_of(structure, Role.RESPONSABLE)
    client = client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("web:member_invite"),
            {"email": "nouvelle@example.org", "first_name": "Nora", "last_name": "Benali", "role": "mediateur"},
        )
    assert response.status_code == 200
    invited = Membership.objects.get(user__email="nouvelle@example.org")
    assert invited.structure == structure and invited.role == Role.MEDIATEUR and not invited.bound_by_secrecy
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle@example.org"]
    link = re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[0].body).group(1)
    assert link not in _text(response)  # the link goes to the invitee only

    newcomer = Client()
    form_url = newcomer.get(link)["Location"]  # Django swaps the token for a session-bound URL
    too_short = newcomer.post(form_url, {"new_password1": "court-123", "new_password2": "court-123"})
    assert "au minimum 12 caractères" in _text(too_short)
    common = newcomer.post(form_url, {"new_password1": "password1234", "new_password2": "password1234"})
    assert "trop courant" in _text(common)
    ok = newcomer.post(form_url, {"new_password1": "un-vrai-secret-du-soir", "new_password2": "un-vrai-secret-du-soir"})
    assert ok.status_code == 302
    _, login = password_login("nouvelle@example.org", "un-vrai-secret-du-soir")
    assert login["Location"].startswith(reverse("web:otp_enroll"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.DPO])
def test_only_the_manager_invites(role, structure, member_of, client_for):
    client = client_for(member_of(structure, role))
    assert client.get(reverse("web:member_invite")).status_code == 403
    assert (
        client.post(
            reverse("web:member_invite"),
            {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": "accueil"},
        ).status_code
        == 403
    )
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db
def test_deactivating_a_member_ends_their_access_at_the_next_request(structure, member_of, client_for):
    manager = member_of(structure, Role.RESPONSABLE)
    worker = member_of(structure, Role.TRAVAILLEUR_SOCIAL)
    worker_client = client_for(worker)
    assert worker_client.get(reverse("web:dashboard")).status_code == 200
    token = ApiToken.generate()
    from appui.accounts.services import api_token_create

    _, token = api_token_create(membership=worker, name="script")
    assert client_for(manager).post(reverse("web:member_deactivate", args=[worker.pk])).status_code == 302
    # The session itself is gone from the store, not just refused.
    assert not Session.objects.filter(session_key=worker_client.session.session_key).exists()
    response = worker_client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert Client().get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {token}").status_code in {401, 403}
    client_for(manager).post(reverse("web:member_reactivate", args=[worker.pk]))
    assert client_for(worker).get(reverse("web:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_manager_cannot_deactivate_themselves(structure, member_of, client_for):
    manager = member_of(structure, Role.RESPONSABLE)
    client = client_for(manager)
    client.post(reverse("web:member_deactivate", args=[manager.pk]))
    manager.refresh_from_db()
    assert manager.is_active


@pytest.mark.django_db
def test_api_token_is_shown_once_stored_hashed_and_revocable(structure, member_of, client_for):
    member = member_of(structure)
    client = client_for(member)
    page = _text(client.post(reverse("web:token_list"), {"name": "tableur"}))
    raw = re.search(r"(appui_[\w-]+)", page).group(1)
    token = ApiToken.objects.get()
    assert token.digest == ApiToken.digest_of(raw) and raw not in token.digest
    api = Client()
    assert api.get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    assert raw not in _text(client.get(reverse("web:token_list")))
    client.post(reverse("web:token_revoke", args=[token.pk]))
    assert api.get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401


@pytest.mark.django_db
def test_team_page_lists_members_of_the_structure_only(structure, other_structure, member_of, client_for):
    mine = member_of(structure, Role.MEDIATEUR)
    foreign = member_of(other_structure, Role.MEDIATEUR)
    page = _text(client_for(mine).get(reverse("web:member_list")))
    assert mine.user.email in page and foreign.user.email not in page
    assert "Inviter un membre" not in page

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from appui.accompaniments.models import Accompaniment
from appui.accounts.enums import Role
from appui.accounts.models import Membership, Structure, User
from appui.demo.generator import DEMO_PASSWORD
from appui.people.models import Person
from tests.conftest import password_login, totp_code


@pytest.mark.django_db
def test_create_structure_and_user_commands(capsys):
    call_command(
        "create_structure", "CCAS de Roubaix", "--type", "ccas", "--commune", "59512", "--siret", "26590000000019"
    )
    structure = Structure.objects.get()
    assert structure.name == "CCAS de Roubaix"
    call_command(
        "create_user",
        "agent@roubaix.fr",
        "--first-name",
        "Léa",
        "--last-name",
        "Roux",
        "--structure",
        str(structure.pk),
        "--role",
        "travailleur_social",
        "--secret",
    )
    out = capsys.readouterr().out
    assert "Mot de passe provisoire" in out
    membership = Membership.objects.get()
    assert membership.role == Role.TRAVAILLEUR_SOCIAL and membership.bound_by_secrecy
    password = out.split("Mot de passe provisoire : ")[1].strip()
    _, response = password_login("agent@roubaix.fr", password)
    assert response["Location"].startswith("/connexion/activation/")  # password accepted, second factor next


@pytest.mark.django_db
def test_create_structure_refuses_an_unknown_commune():
    with pytest.raises(CommandError, match="code commune INSEE"):
        call_command("create_structure", "X", "--type", "ccas", "--commune", "00000")
    assert not Structure.objects.exists()


@pytest.mark.django_db
def test_create_user_refuses_a_weak_password():
    with pytest.raises(CommandError, match="trop court"):
        call_command("create_user", "a@b.fr", "--first-name", "A", "--last-name", "B", "--password", "court")
    assert not User.objects.exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)  # the demo loads in development only
def test_load_demo_builds_two_structures_with_every_role_and_real_logins(capsys):
    call_command("load_demo", "--persons", "12", "--accompaniments", "40")
    assert Structure.objects.count() == 2
    for structure in Structure.objects.all():
        assert set(structure.memberships.values_list("role", flat=True)) == set(Role.values)
        assert Person.objects.filter(structure=structure, is_anonymous=False).count() == 12
        assert Person.objects.filter(structure=structure, is_anonymous=True).count() == 1
        assert Accompaniment.objects.filter(structure=structure).count() == 40
        # Every accompaniment stays inside its person's structure.
        assert not Accompaniment.objects.filter(structure=structure).exclude(person__structure=structure).exists()
    out = capsys.readouterr().out
    assert "social@ccas-demo.fr" in out and DEMO_PASSWORD in out
    client, response = password_login("social@ccas-demo.fr", DEMO_PASSWORD)
    assert response["Location"].startswith("/connexion/verification/")  # demo accounts have an authenticator
    device = TOTPDevice.objects.get(user__email="social@ccas-demo.fr")
    assert client.post("/connexion/verification/", {"token": totp_code(device), "next": "/"})["Location"] == "/"
    assert client.get("/").status_code == 200
    call_command("load_demo", "--if-empty")
    assert Structure.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_readme_quotes_the_demo_authenticator_key_and_password():
    from pathlib import Path

    from appui.demo.generator import demo_totp_base32

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert demo_totp_base32() in readme and DEMO_PASSWORD in readme


@pytest.mark.django_db
def test_create_user_superuser_flag_goes_through_the_service_and_is_audited():
    from appui.audit.models import AuditEvent

    call_command(
        "create_user",
        "root@appui.fr",
        "--first-name",
        "R",
        "--last-name",
        "S",
        "--superuser",
        "--password",
        "un-mot-de-passe-long",
    )
    user = User.objects.get(email="root@appui.fr")
    assert user.is_superuser and user.is_staff
    assert AuditEvent.objects.get(action="user.create").detail == {"superuser": True}

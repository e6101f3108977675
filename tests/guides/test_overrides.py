"""A structure's local version of a guide: written by its manager only, seen by its members only."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.guides.models import GuideOverride
from appui.guides.services import guide_override_delete, guide_override_save
from tests.guides.factories import GuideOverrideFactory

SLUG = "demande-aide-logement"
LOCAL = "Venez le mardi matin : un ordinateur est prêté à l'accueil."
NATIONAL = "Faites d'abord une **simulation**"


def _text(response):
    return html.unescape(response.content.decode()).replace("\xa0", " ")


@pytest.mark.django_db
def test_the_manager_adapts_a_guide_and_the_change_is_audited(structure, member_of, client_for):
    manager = member_of(structure, Role.RESPONSABLE)
    client = client_for(manager)
    url = reverse("web:guide_adapt", args=[SLUG])
    form = _text(client.get(url))
    assert "Faites d'abord une **simulation**" in form  # starts from the national text
    response = client.post(url, {"action": "save", "body": f"## Chez nous\n\n{LOCAL}\n"})
    assert response["Location"] == reverse("web:guide_detail", args=[SLUG])
    override = GuideOverride.objects.get()
    assert override.structure == structure and override.updated_by == manager.user
    event = AuditEvent.objects.get(action="guides.override")
    assert event.structure == structure and event.detail == {"slug": SLUG, "change": "create"}
    assert event.purpose == "administration"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.DPO])
def test_only_the_manager_may_adapt_a_guide(role, structure, member_of, client_for):
    member = member_of(structure, role)
    client = client_for(member)
    url = reverse("web:guide_adapt", args=[SLUG])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "save", "body": "Texte"}).status_code == 403
    assert client.post(url, {"action": "reset"}).status_code == 403
    assert "Adapter ce guide" not in _text(client.get(reverse("web:guide_detail", args=[SLUG])))
    with pytest.raises(PermissionDenied):
        guide_override_save(membership=member, slug=SLUG, body="Texte")
    assert not GuideOverride.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_members_of_the_structure_see_the_local_version_with_a_mention(role, structure, member_of, client_for):
    GuideOverrideFactory(structure=structure, slug=SLUG)
    client = client_for(member_of(structure, role))
    page = _text(client.get(reverse("web:guide_detail", args=[SLUG])))
    assert LOCAL in page and "Adapté par votre structure" in page
    assert NATIONAL.replace("**", "") not in page
    handout = _text(client.get(reverse("web:guide_print", args=[SLUG])))
    assert LOCAL in handout and "adapté par votre structure" in handout
    listing = _text(client.get(reverse("web:guide_list")))
    assert "adapté par votre structure" in listing


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_another_structure_never_sees_the_local_version(role, structure, other_structure, member_of, client_for):
    GuideOverrideFactory(structure=other_structure, slug=SLUG)
    client = client_for(member_of(structure, role))
    for name in ("guide_detail", "guide_print"):
        page = _text(client.get(reverse(f"web:{name}", args=[SLUG])))
        assert LOCAL not in page, name
        assert "dapté par votre structure" not in page, name
        assert "simulation" in page, name
    assert "dapté par votre structure" not in _text(client.get(reverse("web:guide_list")))
    if role == Role.RESPONSABLE:
        form = _text(client.get(reverse("web:guide_adapt", args=[SLUG])))
        assert LOCAL not in form


@pytest.mark.django_db
def test_a_manager_changes_only_the_own_structures_version(structure, other_structure, member_of, client_for):
    theirs = GuideOverrideFactory(structure=other_structure, slug=SLUG)
    manager = member_of(structure, Role.RESPONSABLE)
    client = client_for(manager)
    client.post(reverse("web:guide_adapt", args=[SLUG]), {"action": "save", "body": "Notre version"})
    client.post(reverse("web:guide_adapt", args=[SLUG]), {"action": "reset"})
    theirs.refresh_from_db()
    assert LOCAL in theirs.body
    assert not GuideOverride.objects.filter(structure=structure).exists()
    changes = list(AuditEvent.objects.filter(action="guides.override").values_list("detail__change", flat=True))
    assert sorted(changes) == ["create", "delete"]


@pytest.mark.django_db
def test_the_manager_goes_back_to_the_national_guide(structure, member_of, client_for):
    manager = member_of(structure, Role.RESPONSABLE)
    guide_override_save(membership=manager, slug=SLUG, body="Première version")
    guide_override_save(membership=manager, slug=SLUG, body="Deuxième version")
    assert GuideOverride.objects.get().body == "Deuxième version\n"
    client = client_for(manager)
    response = client.post(reverse("web:guide_adapt", args=[SLUG]), {"action": "reset"})
    assert response.status_code == 302
    assert not GuideOverride.objects.exists()
    page = _text(client.get(reverse("web:guide_detail", args=[SLUG])))
    assert "Deuxième version" not in page and "Adapté par votre structure" not in page
    assert guide_override_delete(membership=manager, slug=SLUG) is False
    changes = list(AuditEvent.objects.filter(action="guides.override").values_list("detail__change", flat=True))
    assert sorted(changes) == ["create", "delete", "update"]


@pytest.mark.django_db
def test_a_local_version_is_sanitised(structure, member_of, client_for):
    GuideOverrideFactory(
        structure=structure,
        slug=SLUG,
        body='# Titre\n\n<script>alert("x")</script>\n\n[piège](javascript:alert(1)) <img src=x onerror=alert(1)>',
    )
    page = client_for(member_of(structure)).get(reverse("web:guide_detail", args=[SLUG])).content.decode()
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_an_empty_local_version_is_refused(structure, member_of, client_for):
    client = client_for(member_of(structure, Role.RESPONSABLE))
    response = client.post(reverse("web:guide_adapt", args=[SLUG]), {"action": "save", "body": "   "})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in _text(response)
    assert not GuideOverride.objects.exists()

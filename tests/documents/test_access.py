"""Who reaches documents: social roles of the person's structure only; anything else answers as if absent."""

import pytest
from django.urls import URLPattern, reverse

from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.documents.models import Document
from appui.documents.selectors import documents_of_person
from appui.web.documents.urls import urlpatterns
from tests.people.factories import PersonFactory

from .factories import DocumentFactory

METHODS = ["get", "head", "options", "post", "put", "patch", "delete"]
DOCUMENT_ROUTES = [(p.name, tuple(sorted(p.pattern.converters))) for p in urlpatterns if isinstance(p, URLPattern)]
SOCIAL_ROLES = [Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.RESPONSABLE]
OTHER_ROLES = [Role.ACCUEIL, Role.DPO]


def _kwargs(names, document):
    values = {"person_pk": document.person_id, "document_pk": document.pk}
    return {name: values[name] for name in names}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "names"), DOCUMENT_ROUTES, ids=[name for name, _ in DOCUMENT_ROUTES])
def test_another_structures_document_answers_404_for_every_method(
    role, name, names, structure, other_structure, member_of, client_for
):
    client = client_for(member_of(structure, role))
    foreign = DocumentFactory(person=PersonFactory(structure=other_structure))
    url = reverse(f"web:{name}", kwargs=_kwargs(names, foreign))
    for method in METHODS:
        response = getattr(client, method)(url, content_type="application/json")
        assert response.status_code == 404, (method, url, response.status_code)
    assert Document.objects.filter(pk=foreign.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="documents.").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", SOCIAL_ROLES)
def test_social_roles_list_upload_download_and_delete(role, structure, member_of, client_for):
    document = DocumentFactory(person=PersonFactory(structure=structure))
    client = client_for(member_of(structure, role))
    assert client.get(reverse("web:document_list", args=[document.person_id])).status_code == 200
    assert client.get(reverse("web:document_upload", args=[document.person_id])).status_code == 200
    assert client.get(reverse("web:document_download", args=[document.pk])).status_code == 200
    assert client.post(reverse("web:document_delete", args=[document.pk])).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_accueil_and_dpo_reach_no_document(role, structure, member_of, client_for):
    """Tax notices or payslips are situation data: the accueil role and the DPO do not read them."""
    member = member_of(structure, role)
    document = DocumentFactory(person=PersonFactory(structure=structure))
    client = client_for(member)
    assert client.get(reverse("web:document_list", args=[document.person_id])).status_code == 403
    assert client.get(reverse("web:document_upload", args=[document.person_id])).status_code == 403
    assert client.post(reverse("web:document_upload", args=[document.person_id])).status_code == 403
    for url in (
        reverse("web:document_download", args=[document.pk]),
        reverse("web:document_delete", args=[document.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()
    assert not documents_of_person(member, document.person).exists()


@pytest.mark.django_db
def test_methods_other_than_the_pages_own_are_refused_on_own_documents(worker, person, client_for):
    document = DocumentFactory(person=person)
    client = client_for(worker)
    assert client.post(reverse("web:document_download", args=[document.pk])).status_code == 405
    assert client.delete(reverse("web:document_delete", args=[document.pk])).status_code == 405
    assert client.put(reverse("web:document_list", args=[person.pk])).status_code == 405
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_the_list_shows_only_the_persons_documents(worker, person, structure, client_for):
    mine = DocumentFactory(person=person, description="Carte vitale de la personne")
    DocumentFactory(person=PersonFactory(structure=structure), description="Document d'une autre personne")
    page = client_for(worker).get(reverse("web:document_list", args=[person.pk])).content.decode()
    assert reverse("web:document_download", args=[mine.pk]) in page
    assert "Document d&#x27;une autre personne" not in page and "autre personne" not in page


@pytest.mark.django_db
def test_lists_leave_the_content_in_the_database(worker, person):
    DocumentFactory(person=person)
    assert documents_of_person(worker, person).get().get_deferred_fields() == {"content"}


@pytest.mark.django_db
def test_the_person_page_section_lists_the_documents_to_download(worker, person):
    from django.template.loader import render_to_string

    document = DocumentFactory(person=person, description="recto verso")
    html = render_to_string(
        "web/documents/_person_section.html",
        {"person": person, "documents": list(documents_of_person(worker, person))},
    )
    assert reverse("web:document_download", args=[document.pk]) in html and "recto verso" in html
    assert reverse("web:document_upload", args=[person.pk]) in html

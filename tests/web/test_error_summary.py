"""Every refused form says what went wrong at the top of the page (RGAA 11.10, 11.11; DSFR error summary).

The forms are found by posting an empty form to every page that takes no id or a person's id, for the roles that
write; a page that answers with a field in error must show the summary, each of its links must lead to a field of
the page, the title must start with « Erreur », and what was typed must be kept.
"""

import html
import re

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import get_resolver

from appui.accounts.enums import Role
from tests.conftest import logged_in_client
from tests.people.factories import PersonFactory
from tests.security.test_isolation_matrix import _url, _walk

FIELD_ERROR = re.compile(r"fr-(input-group|fieldset|select-group)--error")
SKIPPED_PREFIXES = ("admin/", "api/", "connexion/", "deconnexion/", "invitation/", "mot-de-passe-oublie/", "sante/")


def _close(response):
    """Close a download streamed from a temporary file, without letting request_finished close the test's
    database connection (as the test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _routes():
    for route, pattern in _walk(get_resolver().url_patterns):
        names = set(pattern.pattern.converters)
        if route.startswith(SKIPPED_PREFIXES) or not names <= {"person_pk"}:
            continue
        yield route, names


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.RESPONSABLE])
def test_every_refused_form_shows_an_error_summary_linking_to_its_fields(role, structure, member_of):
    member = member_of(structure, role)
    with_errors = []
    for route, names in _routes():
        person = PersonFactory(structure=structure)
        url = _url(route, {"person_pk": person.pk} if names else {})
        client = logged_in_client(member)
        marker = "Texte-gardé-après-erreur"
        response = client.post(url, {"first_name": marker, "title": marker, "name": marker})
        _close(response)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = html.unescape(response.content.decode())
        if not FIELD_ERROR.search(page):
            continue
        with_errors.append(url)
        assert 'id="resume-erreurs"' in page, url
        # DSFR: the summary sits right under the page title.
        assert re.search(r"</h1>\s*<div[^>]*id=\"resume-erreurs\"", page), url
        summary = page[page.index('id="resume-erreurs"') :]
        summary = summary[: summary.index("</div>")]
        targets = re.findall(r'href="#([^"]+)"', summary)
        assert targets, url
        for target in targets:
            assert f'id="{target}"' in page, (url, target)
        assert re.search(r"<title>\s*Erreur — ", page), url
        if 'name="first_name"' in page or 'name="title"' in page or 'name="name"' in page:
            assert f'value="{marker}"' in page or f">{marker}<" in page, url  # what was typed is kept
    # The pages that record something: persons, anonymous help, workshops, accompaniments, households, mandates,
    # diagnostics, rights, referrals, documents, signalements, team… A form that stops being found fails here.
    assert len(with_errors) >= 12, with_errors

"""Diagnostic pages through the test client: worker form, person mode, result, progress; and who sees what."""

import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from appui.accounts.enums import Role
from appui.audit.models import AuditEvent
from appui.diagnostics.bank import load_bank
from appui.diagnostics.enums import DiagnosticMode
from appui.diagnostics.models import Diagnostic
from appui.web.diagnostics.views import DRAFT_KEY
from tests.accounts.factories import PASSWORD
from tests.diagnostics.factories import DiagnosticFactory, answers
from tests.people.factories import PersonFactory

ROLES_WHO_RUN = [Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.RESPONSABLE]


def _text(response):
    """Return the page as a reader sees it (entities decoded, non-breaking spaces as spaces)."""
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def assert_csp_ready(page: str) -> None:
    """No inline script, no inline event handler, no style attribute: the coming strict CSP will hold."""
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handler"
    assert not re.search(r"\sstyle\s*=", page), "style attribute"


@pytest.fixture
def person(structure):
    return PersonFactory(structure=structure)


# --- Worker form --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_worker_fills_the_one_page_form_and_sees_the_result(person, structure, member_of, client_for):
    client = client_for(member_of(structure, Role.TRAVAILLEUR_SOCIAL))
    url = reverse("web:diagnostic_start", args=[person.pk])
    page = _text(client.get(url))
    assert_csp_ready(page)
    bank = load_bank("v1")
    for question in bank.questions:
        assert question.prompt in page, question.id
    assert "Ne souhaite pas répondre" in page
    assert "checked" not in page  # nothing preselected: nothing recorded that the person did not say

    response = client.post(url, answers("3", com_lire_email="0", com_envoyer_pj="1", obs_internet="non"))
    diagnostic = Diagnostic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:diagnostic_detail", args=[diagnostic.pk])
    assert diagnostic.mode == DiagnosticMode.WORKER
    result = _text(client.get(response["Location"]))
    assert_csp_ready(result)
    assert "Niveau d'autonomie : Autonome" in strip_tags(result)
    assert "Orienter vers un atelier" in result
    assert "Ateliers à chercher : E-mail." in strip_tags(result)
    assert "Créer une adresse e-mail" in result  # a guide linked from the recommendation's themes
    assert reverse("web:guide_detail", args=["creer-adresse-email"]) in result
    assert "Pas de connexion internet" in result  # points of attention, for a social role
    assert "<svg" in result and "Score par domaine et par diagnostic" in result


@pytest.mark.django_db
def test_a_missing_answer_shows_the_form_again_with_the_error(person, structure, member_of, client_for):
    client = client_for(member_of(structure))
    incomplete = answers("2")
    del incomplete["cre_pdf"]
    response = client.post(reverse("web:diagnostic_start", args=[person.pk]), incomplete)
    assert response.status_code == 200
    page = _text(response)
    assert "Le formulaire contient une erreur" in page  # the summary at the top, linking to the question
    assert "Choisissez une réponse" in page
    assert not Diagnostic.objects.exists()


# --- Person mode --------------------------------------------------------------------------------------------


def _person_mode(client, person_pk, **data):
    return client.post(reverse("web:diagnostic_person_mode", args=[person_pk]), data)


@pytest.mark.django_db
def test_a_person_answers_alone_one_question_per_screen(person, structure, member_of, client_for):
    client = client_for(member_of(structure, Role.MEDIATEUR))
    url = reverse("web:diagnostic_person_mode", args=[person.pk])
    intro = _text(client.get(url))
    assert_csp_ready(intro)
    assert "Commencer" in intro
    assert person.last_name not in intro.upper() and person.last_name.upper() not in intro  # nothing of the record

    assert _person_mode(client, person.pk, action="start").status_code == 302
    bank = load_bank("v1")
    for number, question in enumerate(bank.questions, start=1):
        screen = _text(client.get(url))
        assert f"Question {number} sur {len(bank.questions)}" in screen
        assert question.prompt in screen
        assert "Écouter la question" in screen and "read-aloud.js" in screen
        assert_csp_ready(screen)
        value = "nsp" if number == 6 else question.choices[1].value  # "avec de l'aide", or the 2nd choice
        assert _person_mode(client, person.pk, question=question.id, answer=value).status_code == 302
        assert not Diagnostic.objects.exists()  # nothing is recorded before the end
    end = _text(client.get(url))
    assert "Vous avez répondu à toutes les questions" in end
    response = _person_mode(client, person.pk, action="finish")
    diagnostic = Diagnostic.objects.get()
    # The device locks at the end: the result goes to the worker once their password is typed.
    assert response["Location"] == reverse("web:person_mode_lock")
    assert "Merci ! Vos réponses sont enregistrées." in _text(client.get(response["Location"]))
    unlocked = client.post(reverse("web:person_mode_lock"), {"password": PASSWORD})
    assert unlocked["Location"] == reverse("web:diagnostic_detail", args=[diagnostic.pk])
    assert diagnostic.mode == DiagnosticMode.PERSON
    assert diagnostic.answers[bank.questions[5].id] == "nsp"
    assert diagnostic.level == "partiellement_autonome"
    assert DRAFT_KEY.format(person_pk=person.pk) not in client.session
    assert AuditEvent.objects.filter(action="diagnostics.create", person_id=person.pk).count() == 1
    # The screens journal no read of the record; the creation is journaled.
    assert not AuditEvent.objects.filter(action="person.view", person_id=person.pk).exists()


@pytest.mark.django_db
def test_person_mode_goes_back_and_changes_an_answer(person, structure, member_of, client_for):
    client = client_for(member_of(structure))
    url = reverse("web:diagnostic_person_mode", args=[person.pk])
    bank = load_bank("v1")
    _person_mode(client, person.pk, action="start")
    _person_mode(client, person.pk, question=bank.questions[0].id, answer="oui")
    assert "Question 2 sur" in _text(client.get(url))
    _person_mode(client, person.pk, action="back")
    screen = _text(client.get(url))
    assert "Question 1 sur" in screen and "(votre réponse)" in screen
    _person_mode(client, person.pk, question=bank.questions[0].id, answer="non")
    assert client.session[DRAFT_KEY.format(person_pk=person.pk)]["answers"] == {bank.questions[0].id: "non"}


@pytest.mark.django_db
def test_person_mode_refuses_unknown_answers_and_finishing_early(person, structure, member_of, client_for):
    client = client_for(member_of(structure))
    url = reverse("web:diagnostic_person_mode", args=[person.pk])
    bank = load_bank("v1")
    _person_mode(client, person.pk, action="start")
    _person_mode(client, person.pk, question=bank.questions[0].id, answer="peut-etre")
    assert "Question 1 sur" in _text(client.get(url))
    response = _person_mode(client, person.pk, action="finish")
    assert response.status_code == 302 and not Diagnostic.objects.exists()
    screen = _text(client.get(url))
    assert "Il manque une réponse" in screen and f"Question {len(bank.obstacle_questions) + 1} sur" in screen


@pytest.mark.django_db
def test_stopping_the_person_mode_keeps_nothing(person, structure, member_of, client_for):
    client = client_for(member_of(structure))
    _person_mode(client, person.pk, action="start")
    _person_mode(client, person.pk, question="obs_equipement", answer="non")
    response = _person_mode(client, person.pk, action="stop")
    assert response["Location"] == reverse("web:person_mode_lock")
    unlocked = client.post(reverse("web:person_mode_lock"), {"password": PASSWORD})
    assert unlocked["Location"] == reverse("web:diagnostic_list", args=[person.pk])
    assert DRAFT_KEY.format(person_pk=person.pk) not in client.session
    assert not Diagnostic.objects.exists()


# --- Progress -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_successive_diagnostics_show_progress_as_a_chart_and_a_table(person, structure, member_of, client_for):
    DiagnosticFactory(person=person, answers=answers("0"))
    DiagnosticFactory(person=person, answers=answers("1"))
    latest = DiagnosticFactory(person=person, answers=answers("2", env_wifi="3"))
    client = client_for(member_of(structure))
    page = _text(client.get(reverse("web:diagnostic_list", args=[person.pk])))
    assert_csp_ready(page)
    assert page.count("<rect") == 3 * 6 + 3  # 3 diagnostics x (5 areas + overall), and 3 legend swatches
    assert 'role="img"' in page and "<desc" in page
    table = page.split("<caption>Score par domaine et par diagnostic (sur 3)</caption>", 1)[1]
    assert table.count('<th scope="row">') == 3
    assert "2,2" in table  # area 5 of the latest: (2 + 3 + 2 + 2 + 2) / 5
    assert page.index("0,0") < page.index("1,0") < page.index("2,0")  # oldest first
    assert reverse("web:diagnostic_detail", args=[latest.pk]) in page
    event = AuditEvent.objects.get(action="diagnostics.view", person_id=person.pk)
    assert len(event.detail["diagnostics"]) == 3


@pytest.mark.django_db
def test_a_result_page_shows_not_evaluated_areas_and_partial_results(person, structure, member_of, client_for):
    diagnostic = DiagnosticFactory(person=person, answers=answers("nsp", info_recherche="2", info_site_officiel="2"))
    page = _text(client_for(member_of(structure)).get(reverse("web:diagnostic_detail", args=[diagnostic.pk])))
    assert page.count("Non évalué") >= 4
    assert "ce résultat est à confirmer" in page
    assert "non évalué" in page  # in the chart's table


# --- Access -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_another_structures_diagnostic_is_404_for_every_role(role, structure, other_structure, member_of, client_for):
    foreign = DiagnosticFactory(person=PersonFactory(structure=other_structure))
    client = client_for(member_of(structure, role))
    assert client.get(reverse("web:diagnostic_detail", args=[foreign.pk])).status_code == 404
    for name in ("diagnostic_list", "diagnostic_start", "diagnostic_person_mode"):
        assert client.get(reverse(f"web:{name}", args=[foreign.person_id])).status_code == 404, name
        assert client.post(reverse(f"web:{name}", args=[foreign.person_id])).status_code in {404, 405}, name
    assert not AuditEvent.objects.filter(person_id=foreign.person_id).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_WHO_RUN)
def test_every_role_but_the_dpo_may_run_and_read_a_diagnostic(role, person, structure, member_of, client_for):
    client = client_for(member_of(structure, role))
    assert client.get(reverse("web:diagnostic_start", args=[person.pk])).status_code == 200
    diagnostic = DiagnosticFactory(person=person)
    assert client.get(reverse("web:diagnostic_list", args=[person.pk])).status_code == 200
    assert client.get(reverse("web:diagnostic_detail", args=[diagnostic.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="diagnostics.view", object_id=str(diagnostic.pk)).count() == 1
    assert client.get(reverse("web:diagnostic_person_mode", args=[person.pk])).status_code == 200


@pytest.mark.django_db
def test_the_dpo_can_neither_run_nor_read_a_diagnostic(person, structure, member_of, client_for):
    client = client_for(member_of(structure, Role.DPO))
    diagnostic = DiagnosticFactory(person=person)
    for url in (
        reverse("web:diagnostic_start", args=[person.pk]),
        reverse("web:diagnostic_person_mode", args=[person.pk]),
        reverse("web:diagnostic_list", args=[person.pk]),
        reverse("web:diagnostic_detail", args=[diagnostic.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("web:diagnostic_start", args=[person.pk]), answers()).status_code == 403
    assert Diagnostic.objects.count() == 1


@pytest.mark.django_db
def test_accueil_neither_asks_nor_reads_the_obstacles(person, structure, member_of, client_for):
    client = client_for(member_of(structure, Role.ACCUEIL))
    form = _text(client.get(reverse("web:diagnostic_start", args=[person.pk])))
    assert "Avez-vous un smartphone" not in form and "Je sais chercher une information" in form
    response = client.post(reverse("web:diagnostic_start", args=[person.pk]), answers("2", obstacle=None))
    assert response.status_code == 302
    alone = DiagnosticFactory(person=person, mode=DiagnosticMode.PERSON, answers=answers("1", obs_autre="sens"))
    page = _text(client.get(reverse("web:diagnostic_detail", args=[alone.pk])))
    assert "Faire avec la personne" in page
    assert "Niveau d'autonomie : Autonome avec guidage si besoin" in strip_tags(page)
    for secret in ("Points d'attention", "Situation de handicap", "Vue, audition ou mains", "Avez-vous"):
        assert secret not in page, secret
    social = _text(
        client_for(member_of(structure, Role.TRAVAILLEUR_SOCIAL)).get(reverse("web:diagnostic_detail", args=[alone.pk]))
    )
    assert "Situation de handicap" in social and "Vue, audition ou mains" in social


@pytest.mark.django_db
def test_the_recommendation_links_to_the_guides_of_its_weak_themes(person, structure, member_of, client_for):
    diagnostic = DiagnosticFactory(person=person, answers=answers("3", cre_scanner="0", com_franceconnect="1"))
    page = _text(client_for(member_of(structure)).get(reverse("web:diagnostic_detail", args=[diagnostic.pk])))
    assert "Ateliers à chercher : Prendre en main du matériel, Naviguer sur internet." in strip_tags(page)
    guides = page.split("Guides utiles", 1)[1].split("</ul>", 1)[0]
    assert reverse("web:guide_detail", args=["scanner-un-document"]) in guides
    assert reverse("web:guide_detail", args=["utiliser-franceconnect"]) in guides
    assert guides.count("<li>") == 2  # procedure guides are not workshop material

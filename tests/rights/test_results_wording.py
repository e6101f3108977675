"""The results page reads right: each card starts with the benefit and its amount, buttons say what they do, and
the French agrees with the person (a man, a woman, a couple) and with the numbers."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from tests.people.factories import PersonFactory

from .factories import RSA_RESULT, CaseloadScreeningFactory, ScreeningFactory

pytestmark = pytest.mark.django_db

HOUSING_RESULT = {
    "benefit": "aide_logement",
    "amount": "301.00",
    "frequency": "mensuel",
    "monthly_amount": "301.00",
    "received": False,
}
SPOUSE_UNKNOWN = {
    "label": "le conjoint ou la conjointe",
    "birth_date": "1983-04-04",
    "birth_year": None,
    "activity": "inactif",
    "resources": None,
    "disability": "aucun",
    "ass_condition": None,
}


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


def text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


class CardChildren(HTMLParser):
    """Collect the classes of the direct children of every ``fr-card__content``."""

    VOID = {"br", "img", "input", "hr", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.children: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = dict(attrs).get("class") or ""
        if self.stack and "fr-card__content" in self.stack[-1].split():
            self.children.append(classes)
        self.stack.append(classes)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def card_children(page):
    parser = CardChildren()
    parser.feed(page)
    return parser.children


def pages_of(client, screening):
    person = screening.person
    return {
        "form": text(client.get(reverse("web:rights_screening", args=[person.pk]))),
        "results": text(client.get(reverse("web:rights_screening_detail", args=[screening.pk]))),
        "sheet": text(client.get(reverse("web:rights_screening_print", args=[screening.pk]))),
    }


def test_a_man_a_woman_and_a_couple_get_results_that_agree_with_them(worker, client_for, structure):
    client = client_for(worker)
    man = ScreeningFactory(person=PersonFactory(structure=structure, gender="masculin", first_name="Marcel"))
    woman = ScreeningFactory(person=PersonFactory(structure=structure, gender="feminin", first_name="Awa"))
    couple_person = PersonFactory(structure=structure, gender="feminin", family_situation="marie")
    answers = ScreeningFactory.answers.function()
    answers["adults"].append(SPOUSE_UNKNOWN)
    couple = ScreeningFactory(person=couple_person, answers=answers, results=[dict(RSA_RESULT), dict(HOUSING_RESULT)])

    man_pages, woman_pages, couple_pages = (pages_of(client, s) for s in (man, woman, couple))
    assert "La personne : né le 17/05/1980" in man_pages["form"] and "née le" not in man_pages["form"]
    assert "La personne : née le 17/05/1980" in woman_pages["form"]
    # One aid: "la"; several: "les".
    assert "Vous avez peut-être droit à cette aide. Vous ne la recevez pas encore." in man_pages["sheet"]
    assert "ces 2 aides. Vous ne les recevez pas encore, ou pas toutes." in couple_pages["sheet"]
    # "de" + "le conjoint" is "du conjoint", everywhere the spouse is named.
    assert "Ressources du conjoint ou de la conjointe non renseignées" in couple_pages["results"]
    assert "ressources du conjoint ou de la conjointe" in couple_pages["results"]  # what is missing, named
    for pages in (man_pages, woman_pages, couple_pages):
        for page in pages.values():
            assert " de le " not in page and " de les " not in page and "(rib)" not in page
        assert "Relevé d'identité bancaire (RIB)" in pages["sheet"]


def test_each_result_card_starts_with_the_benefit_and_its_amount(worker, client_for, structure):
    screening = ScreeningFactory(person=PersonFactory(structure=structure))
    page = text(client_for(worker).get(reverse("web:rights_screening_detail", args=[screening.pk])))
    children = card_children(page)
    assert children, "no card rendered"
    # DSFR orders a card's content by its parts: an element outside them would be shown first.
    parts = {"fr-card__title", "fr-card__desc", "fr-card__start", "fr-card__end"}
    assert all(parts & set(classes.split()) for classes in children), children
    card = page[page.index('<article class="fr-card') :]
    assert card.index("Revenu de solidarité active") < card.index("573,49") < card.index("Papiers à préparer")


def test_buttons_with_an_icon_show_their_words(worker, client_for, structure):
    screening = ScreeningFactory(person=PersonFactory(structure=structure))
    job = CaseloadScreeningFactory(structure=structure, created_by=worker.user)
    client = client_for(worker)
    pages = [
        text(client.get(reverse("web:rights_screening_detail", args=[screening.pk]))),
        text(client.get(reverse("web:rights_caseload_detail", args=[job.pk]))),
    ]
    labels = []
    for page in pages:
        content = page[page.index("<main") : page.index("</main>")]  # the header's tools are styled apart
        for classes, body in re.findall(r'<ul class="(fr-btns-group[^"]*)">(.*?)</ul>', content, flags=re.S):
            if "fr-icon-" in body:
                # Without the group's icon-left modifier, DSFR shrinks every icon button to its icon alone.
                assert "fr-btns-group--icon-left" in classes.split(), classes
                labels += re.findall(r'class="fr-btn[^"]*fr-icon-[^"]*"[^>]*>([^<]+)<', body)
    assert {"Fiche à remettre à la personne", "Télécharger (CSV)", "Télécharger (Excel)"} <= set(labels)


def test_zero_and_one_take_the_singular(worker, client_for):
    page = text(client_for(worker).get(reverse("web:rights_caseload")))
    assert "obtenus pour 0 personne." in page
    assert "0 obtenu, 0 refusé, 0 non souhaité." in page

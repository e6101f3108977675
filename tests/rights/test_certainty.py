"""How sure a result is: probable, à vérifier (naming what is missing), or informations à compléter.

The rule is pure (it reads the assumptions of the situation): most tests need no engine. A few run the real
engine to show that an uncertain amount never reaches a total, a page, the printed sheet, the API or an export.
"""

import datetime
import html
import io
import re
import zipfile
from dataclasses import replace

import pytest
from django.urls import reverse

from appui.accounts.enums import Role
from appui.rights import exports, services
from appui.rights.certainty import PROBABLE, TO_COMPLETE, TO_VERIFY, household_certainty, missing_inputs
from appui.rights.enums import CaseloadSource
from appui.rights.models import RightFollowUp, Screening
from appui.rights.results import RightEstimate, assess
from appui.rights.screening import screen
from appui.rights.situation import AdultAnswers, HouseholdAnswers, answers_from_record, resolve
from tests.people.factories import PersonFactory

from .conftest import PERIOD
from .test_api import api_for
from .test_caseload import csv_text


def known_adult(**fields):
    values = {
        "label": "la personne",
        "birth_date": datetime.date(1985, 1, 1),
        "activity": "inactif",
        "resources": {},
        "disability": "aucun",
        "ass_condition": False,
    }
    values.update(fields)
    return AdultAnswers(**values)


def tenant(**fields):
    """A single tenant without resources, everything known."""
    values = {
        "adults": [known_adult()],
        "housing_status": "locataire_prive",
        "rent": 500.0,
        "commune_code": "69266",
        "rfr": 0.0,
        "benefits_received": {},
    }
    values.update(fields)
    return HouseholdAnswers(**values)


def rights_of(answers, *benefits):
    """Return the rights ``benefits`` as if found for ``answers``, with their certainty (no engine needed)."""
    situation = resolve(answers, period=PERIOD)
    found = [
        RightEstimate(benefit=b, amount=None, frequency="aucun", monthly_amount=0, received=False) for b in benefits
    ]
    missing = missing_inputs(situation.assumptions)
    return {r.benefit: r for r in assess(found, situation.assumptions)}, household_certainty(missing, benefits)


def test_every_input_known_makes_every_right_probable():
    rights, household = rights_of(tenant(), "rsa", "aide_logement", "css_gratuite")
    assert household == PROBABLE
    assert all(r.certainty == PROBABLE and r.missing == () for r in rights.values())


def test_unknown_resources_leave_the_household_to_complete_and_name_whose():
    couple = tenant(adults=[known_adult(), known_adult(label="le conjoint ou la conjointe", resources=None)])
    rights, household = rights_of(couple, "rsa", "aide_logement")
    assert household == TO_COMPLETE
    assert rights["rsa"].certainty == TO_VERIFY
    assert rights["rsa"].missing_labels == ["ressources du conjoint ou de la conjointe"]


def test_an_unknown_rent_makes_the_housing_aid_and_what_counts_it_to_verify():
    rights, household = rights_of(tenant(rent=None), "rsa", "aide_logement", "cheque_energie")
    assert household == TO_VERIFY
    assert rights["aide_logement"].certainty == TO_VERIFY and rights["aide_logement"].missing_labels == ["loyer"]
    assert rights["rsa"].certainty == TO_VERIFY  # the forfait logement of the RSA depends on the housing aid
    assert rights["cheque_energie"].certainty == PROBABLE


def test_an_unknown_household_composition_leaves_the_household_to_complete():
    record = SimpleRecord(family_situation="")
    answers = answers_from_record(record, [], today=datetime.date(2026, 11, 15))
    assert answers.household_known is False
    answers = replace(answers, adults=[replace(answers.adults[0], resources={}, disability="aucun")], rent=450.0)
    rights, household = rights_of(answers, "rsa")
    assert household == TO_COMPLETE
    assert rights["rsa"].missing_labels == ["composition du foyer (situation familiale)"]
    # A record that names a spouse says what the household is, even without a family situation.
    spouse = SimpleMember("conjoint", "Karim", datetime.date(1984, 3, 3))
    assert answers_from_record(record, [spouse], today=datetime.date(2026, 11, 15)).household_known


def test_an_unknown_age_makes_age_bound_rights_to_verify_but_not_the_housing_aid():
    rights, household = rights_of(tenant(adults=[known_adult(birth_date=None)]), "aspa", "aide_logement")
    assert household == TO_VERIFY
    assert rights["aspa"].certainty == TO_VERIFY and rights["aspa"].missing_labels == ["âge de la personne"]
    assert rights["aide_logement"].certainty == PROBABLE
    # A birth year alone is enough: the age is known within months, the assumption is still shown.
    rights, household = rights_of(tenant(adults=[known_adult(birth_date=None, birth_year=1950)]), "aspa")
    assert household == PROBABLE


class SimpleRecord:
    """A person's record with only what ``answers_from_record`` reads."""

    def __init__(self, **fields):
        self.birth_date = datetime.date(1954, 2, 1)
        self.birth_year = 1954
        self.employment_status = "retraite"
        self.family_situation = "celibataire"
        self.housing_status = "locataire_prive"
        self.commune_code = "69266"
        self.__dict__.update(fields)


class SimpleMember:
    def __init__(self, relationship, first_name, birth_date):
        self.relationship = relationship
        self.first_name = first_name
        self.birth_date = birth_date
        self.is_dependent = False


def test_an_uncertain_amount_is_never_added_to_the_total(engine):
    outcome = screen(tenant(rent=None, adults=[known_adult(birth_date=None)]), period=PERIOD, engine=engine)
    rsa = next(r for r in outcome.rights if r.benefit == "rsa")
    assert rsa.certainty == TO_VERIFY and rsa.amount > 0  # the RSA depends on the age
    assert outcome.certainty == TO_VERIFY
    probable = sum((r.monthly_amount for r in outcome.unclaimed if r.certainty == PROBABLE), start=0)
    assert outcome.unclaimed_monthly_total == probable
    assert outcome.unclaimed_monthly_total + outcome.to_verify_monthly_total == sum(
        (r.monthly_amount for r in outcome.unclaimed), start=0
    )


# --- A blank form gives no sure amount, anywhere -----------------------------------------------------------------
EURO_AMOUNT = re.compile(r"\d+,\d\d\s?€")


@pytest.fixture
def worker(structure, member_of):
    return member_of(structure, Role.TRAVAILLEUR_SOCIAL)


@pytest.fixture
def retiree(structure):
    """A 72-year-old man living alone, renting: the record says nothing else."""
    return PersonFactory(
        structure=structure,
        gender="masculin",
        first_name="Marcel",
        birth_date=datetime.date(1954, 2, 1),
        birth_year=1954,
        housing_status="locataire_prive",
        employment_status="retraite",
    )


def test_a_blank_form_gives_no_sure_amount_on_the_page_nor_on_the_printed_sheet(worker, client_for, retiree, engine):
    client = client_for(worker)
    response = client.post(reverse("web:rights_screening", args=[retiree.pk]), {"adulte0_disability": "aucun"})
    screening = Screening.objects.get()
    assert screening.unclaimed_monthly_total == 0
    assert not RightFollowUp.objects.exists()  # nothing "à demander" until it is known
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Informations à compléter" in page and "ressources de la personne" in page
    rights_section = page[page.index('id="titre-droits"') : page.index('id="titre-hypotheses"')]
    assert "Droit possible, à vérifier" in rights_section
    assert "environ" not in rights_section and not EURO_AMOUNT.search(rights_section)
    sheet = html.unescape(client.get(reverse("web:rights_screening_print", args=[screening.pk])).content.decode())
    assert "Il nous manque des informations" in sheet and "À vérifier." in sheet
    assert "Environ" not in sheet and not EURO_AMOUNT.search(sheet)


def test_a_blank_situation_gives_no_sure_amount_in_the_api(structure, member_of, engine):
    api = api_for(member_of(structure, Role.TRAVAILLEUR_SOCIAL))
    body = {"period": PERIOD, "adults": [{"birth_date": "1954-02-01"}]}
    answer = api.post("/api/v1/rights/screenings/", body, content_type="application/json").json()
    assert answer["certainty"] == "a_completer" and answer["unclaimed_monthly_total"] == 0
    assert "ressources de l'adulte 1" in answer["to_complete"]
    assert answer["rights"] and all(r["certainty"] == "a_verifier" and r["missing"] for r in answer["rights"])


def test_a_blank_row_gives_no_amount_in_the_csv_and_xlsx_exports(worker, client_for, engine):
    blank = "V1;01/02/1954;;;;;;;;;;;;;;"
    job = services.caseload_screening_create(
        membership=worker, source=CaseloadSource.CSV, csv_text=csv_text([blank]), filename="f.csv", start=False
    )
    job = services.caseload_screening_run(job_id=job.pk)
    assert (job.with_rights, job.to_complete, job.unclaimed_monthly_total) == (0, 1, 0)
    client = client_for(worker)
    lines = client.get(reverse("web:rights_caseload_export_csv", args=[job.pk])).content.decode().splitlines()
    header, row = lines[0].split(";"), lines[1].split(";")
    cells = dict(zip(header, row, strict=True))
    assert cells["Certitude"] == "Informations à compléter"
    assert "ressources de la personne" in cells["Informations manquantes"]
    amounts = [value for name, value in cells.items() if "€" in name or "(par " in name]
    assert amounts and all(value == "" for value in amounts)
    xlsx = client.get(reverse("web:rights_caseload_export_xlsx", args=[job.pk])).content
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml").decode()
    second_row = re.search(r'<row r="2">(.*?)</row>', sheet).group(1)
    numbers = {exports.result_header()[_column_index(ref)] for ref in re.findall(r'<c r="([A-Z]+)2"><v>', second_row)}
    assert numbers == {"Rang", "Ligne du fichier", "Nombre d'hypothèses"}  # no amount at all


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def test_the_caseload_ranks_by_certainty_then_amount_and_lists_the_unassessed_last(engine):
    from appui.rights.caseload import entries_from_csv, run_caseload
    from appui.rights.csv_format import read_rows

    rows = [
        "P1;14/07/1985;sans_activite;0;0;0;0;;;;;locataire_prive;500;69266;0;aucune",  # all known
        "V1;14/07/1985;sans_activite;0;0;0;0;;;;;locataire_prive;;69266;0;aucune",  # rent unknown
        "C1;14/07/1985;sans_activite;;;;;;;;;locataire_prive;500;69266;0;aucune",  # resources unknown
        "P2;02/02/1970;salarie;900;0;0;0;;;;;proprietaire;0;75056;10000;aucune",  # all known, less
    ]
    outcome = run_caseload(entries_from_csv(read_rows(csv_text(rows))), period=PERIOD, engine=engine, workers=1)
    order = [f.reference for f in outcome.findings]
    assert order[-1] == "C1" and order.index("V1") > max(order.index("P1"), order.index("P2"))
    probable = [f for f in outcome.findings if f.certainty == PROBABLE]
    assert [f.monthly_total for f in probable] == sorted((f.monthly_total for f in probable), reverse=True)
    verify = next(f for f in outcome.findings if f.reference == "V1")
    assert verify.certainty == TO_VERIFY and {"aide_logement", "rsa"} & set(verify.to_verify)
    assert verify.missing == ("rent",) and verify.to_verify_total > 0
    # Only what does not depend on the rent is counted as probable.
    counted = sum(_monthly(code, amount) for code, amount in verify.rights.items() if code not in verify.to_verify)
    assert verify.monthly_total == pytest.approx(counted, abs=0.02)
    assert outcome.monthly_total == round(sum(f.monthly_total for f in outcome.findings), 2)


def _monthly(code, amount):
    from appui.rights.catalogue import catalogue

    info = catalogue()[code]
    if info.kind != "amount":
        return 0
    return round(amount / 12, 2) if info.frequency == "annuel" else amount

"""Free text has a maximum length: a 2 MB note is refused whole, with a French message, and nothing is written.

Every form of the web interface and every serializer of the API is introspected: a new form that does not bound
its text, or a new API text field, makes these tests fail.
"""

import copy
import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

import appui
from appui.accompaniments.models import Accompaniment
from appui.accounts.services import api_token_create
from appui.api.text import BoundedSerializer
from appui.core.text import LONG_TEXT_MAX
from appui.people.models import Person
from appui.web.forms import BoundedTextMixin, bound_free_text
from tests.accompaniments.factories import FIRST_PLACE, AccompanimentFactory
from tests.people.factories import PersonFactory

TWO_MB = "x" * 2_000_000
# Text fields that hold a whole file rather than typed text: bounded by the size of a request body instead.
FILE_CONTENT_FIELDS = {("CaseloadCreateSerializer", "csv")}


def _import_every_module():
    for module in pkgutil.walk_packages(appui.__path__, "appui."):
        if ".migrations" in module.name or module.name.endswith(".wsgi"):
            continue
        importlib.import_module(module.name)


def _subclasses(base):
    found, todo = set(), [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                todo.append(cls)
    return sorted((cls for cls in found if cls.__module__.startswith("appui.")), key=lambda c: c.__qualname__)


def appui_forms():
    _import_every_module()
    return [cls for cls in _subclasses(forms.BaseForm) if not cls.__module__.startswith("appui.admin")]


def appui_serializers():
    _import_every_module()
    return [cls for cls in _subclasses(serializers.BaseSerializer) if cls is not BoundedSerializer]


def _refused_in_french(error):
    messages = " ".join(error.messages if hasattr(error, "messages") else [str(error)])
    return "caractères" in messages


def test_every_form_and_serializer_is_found():
    names = {cls.__name__ for cls in appui_forms()}
    assert {"AccompanimentForm", "PersonForm", "ReferralForm", "ServiceAlertForm", "MandateForm"} <= names
    names = {cls.__name__ for cls in appui_serializers()}
    assert {"AccompanimentSerializer", "PersonSerializer", "SituationSerializer"} <= names


@pytest.mark.parametrize("form_class", appui_forms(), ids=lambda cls: cls.__qualname__)
def test_every_text_field_of_every_form_refuses_2_mb_in_french(form_class):
    assert issubclass(form_class, BoundedTextMixin), f"{form_class} does not bound its text (BoundedTextMixin)"
    fields = copy.deepcopy(form_class.base_fields)
    bound_free_text(fields, form_class.text_limits)
    for name, field in fields.items():
        if not isinstance(field, forms.CharField):
            continue
        assert field.max_length is not None, name
        with pytest.raises(ValidationError) as refused:
            field.clean(TWO_MB)
        assert _refused_in_french(refused.value), (name, refused.value.messages)


def _text_fields(serializer, path=""):
    for name, field in serializer.fields.items():
        where = f"{path}{name}"
        while isinstance(field, (serializers.ListField, serializers.DictField, serializers.ListSerializer)):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _text_fields(field, where + ".")
        elif isinstance(field, serializers.CharField) and not field.read_only:
            yield where, name, field


@pytest.mark.parametrize("serializer_class", appui_serializers(), ids=lambda cls: cls.__qualname__)
def test_every_text_field_of_every_serializer_refuses_2_mb_in_french(serializer_class):
    assert issubclass(serializer_class, BoundedSerializer), f"{serializer_class} does not bound its text"
    for where, name, field in _text_fields(serializer_class()):
        assert field.max_length is not None, where
        too_long = TWO_MB
        if (serializer_class.__name__, name) in FILE_CONTENT_FIELDS:
            too_long = "x" * (field.max_length + 1)
        else:
            assert field.max_length <= LONG_TEXT_MAX, (where, field.max_length)
        with pytest.raises(serializers.ValidationError) as refused:
            field.run_validation(too_long)
        assert "caractères" in str(refused.value.detail), (where, refused.value.detail)


# Through the interfaces people use: nothing is written.
@pytest.mark.django_db
def test_a_2_mb_accompaniment_note_is_refused_on_the_web_page(structure, member_of, client_for):
    person = PersonFactory(structure=structure)
    client = client_for(member_of(structure))
    data = {
        "date": timezone.localdate().isoformat(),
        "duration": "30",
        "where": FIRST_PLACE,
        "mode": "fait_avec",
        "themes": ["papiers"],
        "notes": TWO_MB,
    }
    response = client.post(reverse("web:accompaniment_create", args=[person.pk]), data)
    assert response.status_code == 200
    assert "Ce texte est trop long : 10000 caractères au plus" in response.content.decode()
    assert not Accompaniment.objects.exists()


@pytest.mark.django_db
def test_2_mb_situation_details_are_refused_on_the_web_page(structure, member_of, client_for):
    person = PersonFactory(structure=structure)
    client = client_for(member_of(structure))
    data = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": "1980-05-17",
        "commune_code": "69266",
        "postal_code": "69100",
        "informed_at": "2026-01-05",
        "situation_details": TWO_MB,
    }
    response = client.post(reverse("web:person_edit", args=[person.pk]), data)
    assert response.status_code == 200
    assert "Ce texte est trop long" in response.content.decode()
    person.refresh_from_db()
    assert person.situation_details == "Situation détaillée confidentielle"


@pytest.fixture
def api_member(structure, member_of):
    return member_of(structure)


@pytest.fixture
def api(api_member):
    _, raw = api_token_create(membership=api_member, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Token {raw}")


@pytest.mark.django_db
def test_a_2_mb_note_is_refused_whole_by_the_api(api, api_member, structure):
    person = PersonFactory(structure=structure)
    accompaniment = AccompanimentFactory(person=person, author=api_member.user)  # its author may correct it
    response = api.patch(
        f"/api/v1/accompaniments/{accompaniment.pk}/",
        {"notes": TWO_MB, "outcome": "Dossier envoyé"},
        content_type="application/json",
        headers={"If-Match": f'"{accompaniment.version}"'},
    )
    assert response.status_code == 400
    assert "Ce texte est trop long" in response.json()["notes"][0]
    accompaniment.refresh_from_db()
    assert accompaniment.notes == "Note de suivi confidentielle" and accompaniment.outcome == "Résultat confidentiel"


@pytest.mark.django_db
def test_a_person_with_2_mb_situation_details_is_not_created_by_the_api(api):
    body = {
        "last_name": "Haddad",
        "first_name": "Samia",
        "birth_date": "1979-11-02",
        "commune_code": "59350",
        "informed_at": "2026-02-01",
        "situation_details": TWO_MB,
    }
    response = api.post("/api/v1/persons/", body, content_type="application/json")
    assert response.status_code == 400
    assert "Ce texte est trop long" in response.json()["situation_details"][0]
    assert not Person.objects.exists()

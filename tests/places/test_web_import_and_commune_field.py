"""Import from the web by a structure manager, and the reusable commune field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from appui.accounts.enums import Role
from appui.places.models import Place, PlaceImport
from appui.web.communes import CommuneField
from tests.conftest import logged_in_client

from .conftest import HUB_DU_SUD

pytestmark = pytest.mark.django_db


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/json")


def test_manager_checks_then_imports_a_file_from_the_web(structure, member_of):
    client = logged_in_client(member_of(structure, Role.RESPONSABLE))
    checked = client.post(
        "/annuaire/import/", {"file": upload(HUB_DU_SUD), "source": "hub-sud", "import_format": "auto", "dry_run": "on"}
    )
    text = checked.content.decode()
    assert checked.status_code == 200 and "rien n'a été enregistré" in text
    assert "VALBERG" in text  # a rejected row, with its reason, on the page
    assert not Place.objects.exists()
    done = client.post("/annuaire/import/", {"file": upload(HUB_DU_SUD), "source": "hub-sud", "import_format": "auto"})
    run = PlaceImport.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/annuaire/import/{run.pk}/"
    assert run.structure == structure and run.accepted == Place.objects.filter(source="hub-sud").count()
    report = client.get(f"/annuaire/import/{run.pk}/").content.decode()
    assert "Lignes rejetées (4)" in report
    rejects = client.get(f"/annuaire/import/{run.pk}/rejets.csv").content.decode()
    assert rejects.count("rejetée") == 4


def test_a_source_belongs_to_the_structure_that_imported_it(structure, other_structure, member_of):
    logged_in_client(member_of(structure, Role.RESPONSABLE)).post(
        "/annuaire/import/", {"file": upload(HUB_DU_SUD), "source": "hub-sud", "import_format": "auto"}
    )
    other = logged_in_client(member_of(other_structure, Role.RESPONSABLE))
    response = other.post(
        "/annuaire/import/", {"file": upload(HUB_DU_SUD), "source": "hub-sud", "import_format": "auto"}
    )
    assert "importée par une autre structure" in response.content.decode()
    assert PlaceImport.objects.count() == 1


def test_only_managers_import_and_large_files_go_to_the_command_line(structure, member_of):
    assert logged_in_client(member_of(structure, Role.MEDIATEUR)).get("/annuaire/import/").status_code == 403
    client = logged_in_client(member_of(structure, Role.RESPONSABLE))
    with override_settings(APPUI_PLACES_WEB_IMPORT_MAX_BYTES=1024):
        response = client.post(
            "/annuaire/import/", {"file": upload(HUB_DU_SUD), "source": "gros", "import_format": "auto"}
        )
    assert "manage.py import_places" in response.content.decode()
    assert not PlaceImport.objects.exists()


class _Form:
    """A bare form holding a commune field, as the person form will."""

    def __new__(cls, data=None):  # type: ignore[no-untyped-def]
        from django import forms

        form_class = type("CommuneForm", (forms.Form,), {"commune": CommuneField(label="Commune")})
        return form_class(data)


def test_commune_field_takes_the_picked_suggestion_or_reads_the_typed_text():
    picked = _Form({"commune": "Villeurbanne (69) · 69100", "commune_code": "69266"})
    assert picked.is_valid() and picked.cleaned_data["commune"].code == "69266"
    typed_after_picking = _Form({"commune": "Lyon", "commune_code": "69266"})  # the code no longer matches
    assert typed_after_picking.is_valid() and typed_after_picking.cleaned_data["commune"].code == "69123"
    postal = _Form({"commune": "69100", "commune_code": ""})
    assert postal.is_valid() and postal.cleaned_data["commune"].name == "Villeurbanne"
    ambiguous = _Form({"commune": "Saint-Denis", "commune_code": ""})
    assert not ambiguous.is_valid() and "Saint-Denis (93) · 93200" in ambiguous.errors["commune"][0]
    assert not _Form({"commune": "", "commune_code": ""}).is_valid()


def test_commune_field_renders_an_accessible_input_with_its_suggestion_list():
    html = str(_Form({"commune": "", "commune_code": "69266"})["commune"])
    assert 'value="Villeurbanne (69) · 69100"' in html  # a commune given by its code shows its name
    assert 'id="id_commune_0"' in html and 'name="commune_code"' in html and 'type="hidden"' in html
    assert 'role="listbox"' in html and 'aria-live="polite"' in html and "data-appui-suggestions" in html

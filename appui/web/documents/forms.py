import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from appui.documents.content import TOO_LARGE
from appui.documents.enums import MAX_BYTES, MAX_PHOTOS, DocumentKind
from appui.web.forms import AppuiForm

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class MultipleFileInput(forms.FileInput):
    """A DSFR upload input that takes several files (the pages or sides of one paper)."""

    allow_multiple_selected = True
    group_class = "fr-upload-group"


class MultipleFileField(forms.FileField):
    """Return a list of uploaded files (Django's documented pattern for multiple uploads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "fr-upload", "accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)]


class DocumentUploadForm(AppuiForm):
    kind = forms.ChoiceField(label="Type de document", choices=[("", "Choisissez…"), *DocumentKind.choices])
    files = MultipleFileField(
        label="Fichier ou photos",
        help_text=(
            "PDF, JPEG ou PNG, 10 Mo au plus par fichier. Avec un téléphone, vous pouvez prendre le document "
            f"en photo. Plusieurs photos (recto et verso, pages) forment un seul PDF, une page par photo "
            f"({MAX_PHOTOS} au plus)."
        ),
    )
    as_pdf = forms.BooleanField(
        label="Transformer la photo en PDF",
        help_text="Conseillé : les administrations demandent souvent un PDF. Sans effet sur un fichier déjà en PDF.",
        required=False,
        initial=True,
    )
    expires_on = forms.DateField(
        label="Fin de validité",
        help_text="Un rappel vous est envoyé 30 jours avant. Laissez vide si le document n'expire pas.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label="Précision",
        help_text="Par exemple : « recto verso » ou « revenus 2025 ». Rien de plus que ce qui aide à s'y retrouver.",
        max_length=200,
        required=False,
    )

    def clean_files(self) -> list[Any]:
        """Refuse too many or too large files from their declared size, before anything reads them."""
        files = self.cleaned_data["files"]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"Déposez au plus {MAX_PHOTOS} photos à la fois.")
        for upload in files:
            if upload.size > MAX_BYTES:
                raise ValidationError(TOO_LARGE.format(name=upload.name))
        return files

    def clean_expires_on(self) -> datetime.date | None:
        value = self.cleaned_data["expires_on"]
        if value is not None and not datetime.date(1990, 1, 1) <= value <= datetime.date(2100, 12, 31):
            raise ValidationError("Vérifiez la date de fin de validité.")
        return value

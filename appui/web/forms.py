"""Base form of the web interface."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm


class AppuiForm(DsfrBaseForm):
    """A DSFR-styled form that marks optional fields (the DSFR recommendation) without warnings."""

    def get_context(self) -> dict[str, Any]:
        context = forms.Form.get_context(self)
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", True)
        return context

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields, or on the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class InlineRadioSelect(forms.RadioSelect):
    """Radio buttons laid out on one line (DSFR ``fr-fieldset__element--inline``)."""

    inline = True


class InlineCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes laid out on lines rather than one per row."""

    inline = True

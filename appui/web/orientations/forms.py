"""Forms of the referral pages: orient a person, follow the referral, answer a referral received."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from appui.orientations.enums import (
    ANSWER_STATUSES,
    ConsentMode,
    ReferralStatus,
    RefusalReason,
    SharedField,
    TargetKind,
)
from appui.web.forms import AppuiForm, BoundedTextMixin, InlineRadioSelect

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReferralForm(AppuiForm):
    """Orient a person to a chosen place: what to share, with the person's agreement, and the practical side."""

    place_service = forms.ChoiceField(label="Service", required=False)
    target_kind = forms.ChoiceField(label="Orientée vers", choices=TargetKind.choices)
    reason = forms.CharField(
        label="Motif de l'orientation",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que la personne demande, en quelques mots. Partagé seulement si vous le cochez plus bas.",
    )
    shared_fields = forms.MultipleChoiceField(
        label="Informations que la personne accepte de partager avec le lieu",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Lisez-les à la personne. Rien d'autre de sa fiche n'est transmis.",
    )
    consent_mode = forms.ChoiceField(
        label="Accord de la personne",
        choices=ConsentMode.choices,
        widget=forms.RadioSelect,
        help_text="La personne accepte d'être orientée vers ce lieu et de partager les informations cochées.",
        error_messages={"required": "L'accord de la personne est nécessaire pour l'orienter."},
    )
    appointment_at = forms.DateTimeField(
        label="Rendez-vous (si déjà pris)", required=False, widget=DATETIME_WIDGET, input_formats=["%Y-%m-%dT%H:%M"]
    )
    contact_name = forms.CharField(label="Personne à demander sur place", required=False, max_length=150)
    documents_to_bring = forms.CharField(
        label="Documents à apporter", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_on = forms.DateField(
        label="Date de suivi",
        required=False,
        widget=DATE_WIDGET,
        help_text="Elle apparaît dans « Ma journée » pour vérifier que la personne a bien été reçue.",
    )

    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        shareable: list[str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["place_service"].choices = [("", "Le lieu en général")] + services  # type: ignore[attr-defined]
        if not services:
            del self.fields["place_service"]
        self.fields["shared_fields"].choices = [  # type: ignore[attr-defined]
            (code, label) for code, label in SharedField.choices if code in shareable
        ]
        if not self.is_bound:
            self.initial.setdefault("follow_up_on", timezone.localdate() + datetime.timedelta(days=14))

    def clean_appointment_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("appointment_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "target_kind",
                "reason",
                "appointment_at",
                "contact_name",
                "documents_to_bring",
                "follow_up_on",
            )
        }


class ReferralFollowUpForm(AppuiForm):
    """The sender follows the referral: dates, and the answer of a place that does not use Appui."""

    status = forms.ChoiceField(label="Statut", choices=ReferralStatus.choices)
    refusal_reason = forms.ChoiceField(
        label="Motif du refus", choices=[("", "—")] + RefusalReason.choices, required=False
    )
    response_message = forms.CharField(
        label="Retour du lieu", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    appointment_at = forms.DateTimeField(
        label="Rendez-vous", required=False, widget=DATETIME_WIDGET, input_formats=["%Y-%m-%dT%H:%M"]
    )
    follow_up_on = forms.DateField(label="Date de suivi", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, answered_in_appui: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.answered_in_appui = answered_in_appui
        if answered_in_appui:
            # The receiving structure answers in Appui; the sender may only note that nothing came back.
            del self.fields["refusal_reason"]
            del self.fields["response_message"]
            current = self.initial.get("status")
            choices = [(current, ReferralStatus(current).label)] if current else []
            if current != ReferralStatus.NO_ANSWER:
                choices.append((ReferralStatus.NO_ANSWER, ReferralStatus.NO_ANSWER.label))
            self.fields["status"].choices = choices  # type: ignore[attr-defined]

    def clean_appointment_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("appointment_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ReferralAnswerForm(AppuiForm):
    """The receiving structure answers: taken in hand, accepted, or refused with a reason."""

    status = forms.ChoiceField(
        label="Votre réponse",
        choices=[(code, label) for code, label in ReferralStatus.choices if code in ANSWER_STATUSES],
        widget=InlineRadioSelect,
    )
    refusal_reason = forms.ChoiceField(
        label="Motif du refus", choices=[("", "—")] + RefusalReason.choices, required=False
    )
    message = forms.CharField(
        label="Message à la structure qui oriente",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple la date du rendez-vous proposé. Ne donnez pas d'information de santé.",
    )


class ReferralFilterForm(BoundedTextMixin, forms.Form):
    status = forms.ChoiceField(label="Statut", choices=[("", "Tous")] + ReferralStatus.choices, required=False)

from django import forms

from appui.guides.rendering import MAX_MARKDOWN_CHARS
from appui.web.forms import AppuiForm


class GuideOverrideForm(AppuiForm):
    body = forms.CharField(
        label="Texte du guide pour votre structure",
        max_length=MAX_MARKDOWN_CHARS,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=(
            "Format Markdown : « ## » pour un titre, « 1. » pour une étape numérotée, « - » pour une liste, "
            "**texte** pour du gras. Le titre, le lien officiel et la date de vérification restent ceux du guide "
            "national."
        ),
    )

"""Guide pages: the list, one guide (with the structure's local version if any), its printable handout, and
the page where the structure manager adapts a guide. Guides hold no personal data: every member reads them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from appui.accompaniments.enums import Theme
from appui.guides import services
from appui.guides.access import can_adapt_guides
from appui.guides.selectors import GuideView, adapted_slugs, guide_for_structure, guide_list
from appui.web.middleware import membership_required

from .forms import GuideOverrideForm


def _guide_or_404(request: HttpRequest, slug: str) -> GuideView:
    view = guide_for_structure(structure=request.membership.structure, slug=slug)  # type: ignore[attr-defined]
    if view is None:
        raise Http404("Guide introuvable.")
    return view


@require_GET
@membership_required
def guide_list_view(request: HttpRequest) -> HttpResponse:
    guides = guide_list()
    used = {theme for guide in guides for theme in guide.themes}
    themes = [(value, label) for value, label in Theme.choices if value in used]
    theme = request.GET.get("theme", "")
    if theme in used:
        guides = [guide for guide in guides if theme in guide.themes]
    else:
        theme = ""
    return render(
        request,
        "web/guides/list.html",
        {
            "guides": guides,
            "themes": themes,
            "theme": theme,
            "adapted": adapted_slugs(request.membership.structure),  # type: ignore[attr-defined]
            "title": "Guides de démarches",
            "nav": "guides",
        },
    )


@require_GET
@membership_required
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    view = _guide_or_404(request, slug)
    return render(
        request,
        "web/guides/detail.html",
        {
            "view": view,
            "guide": view.guide,
            "can_adapt": can_adapt_guides(request.membership),  # type: ignore[attr-defined]
            "title": view.guide.title,
            "nav": "guides",
        },
    )


@require_GET
@membership_required
def guide_print(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the A4 handout given to the person: big text, no navigation once printed."""
    view = _guide_or_404(request, slug)
    return render(
        request,
        "web/guides/print.html",
        {
            "view": view,
            "guide": view.guide,
            "structure": request.membership.structure,  # type: ignore[attr-defined]
            "today": timezone.localdate(),
            "title": f"{view.guide.title} (à imprimer)",
            "nav": "guides",
        },
    )


@require_http_methods(["GET", "POST"])
@membership_required
def guide_adapt(request: HttpRequest, slug: str) -> HttpResponse:
    """Let the structure manager write the structure's own version of a guide, or go back to the national one."""
    membership = request.membership  # type: ignore[attr-defined]
    view = _guide_or_404(request, slug)
    if not can_adapt_guides(membership):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.guide_override_delete(membership=membership, slug=slug)
        messages.success(request, "Le guide national est rétabli pour votre structure.")
        return redirect("web:guide_detail", slug=slug)
    initial_body = view.override.body if view.override is not None else view.guide.body
    form = GuideOverrideForm(request.POST or None, initial={"body": initial_body})
    if request.method == "POST" and form.is_valid():
        try:
            services.guide_override_save(membership=membership, slug=slug, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Le guide adapté est enregistré. Seuls les membres de votre structure le voient.")
            return redirect("web:guide_detail", slug=slug)
    return render(
        request,
        "web/guides/adapt.html",
        {
            "form": form,
            "view": view,
            "guide": view.guide,
            "title": f"Adapter le guide « {view.guide.title} »",
            "nav": "guides",
        },
    )

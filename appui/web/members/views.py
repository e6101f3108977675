"""The structure's team: members, invitations, deactivation; and the member's own API tokens."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from appui.accounts import policy, services
from appui.accounts.access import access_api_token, access_member, api_tokens_of, members_visible_by
from appui.accounts.second_factor import second_factor_reset
from appui.web.middleware import membership_required

from .forms import InviteForm, StructureContactForm, TokenForm


@membership_required
def member_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    members = members_visible_by(membership).order_by("-is_active", "user__last_name", "user__first_name")
    return render(
        request,
        "web/members/list.html",
        {"members": members, "can_manage": policy.can_manage_members(membership), "title": "Équipe", "nav": "members"},
    )


@membership_required
def structure_contact(request: HttpRequest) -> HttpResponse:
    """The structure's address and DPO contact, as persons read them (notice, right-of-access export)."""
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_manage_members(membership):
        raise PermissionDenied
    structure = membership.structure
    form = StructureContactForm(
        request.POST or None, initial={"address": structure.address, "dpo_contact": structure.dpo_contact}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_update_contact(membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Les coordonnées de la structure sont enregistrées.")
            return redirect("web:member_list")
    return render(
        request,
        "web/members/structure_contact.html",
        {"form": form, "title": "Coordonnées de la structure", "nav": "members"},
    )


@membership_required
def member_invite(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if not policy.can_manage_members(membership):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.member_invite(by=membership, site_url=_site_url(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return render(
                request,
                "web/members/invited.html",
                {
                    "invited": invited,
                    "validity_days": services.invitation_validity_days(),
                    "title": "Invitation envoyée",
                    "nav": "members",
                },
            )
    return render(request, "web/members/invite.html", {"form": form, "title": "Inviter un membre", "nav": "members"})


def _site_url(request: HttpRequest) -> str:
    """Return "https://host" of this request (its host is one of ALLOWED_HOSTS), for links sent by e-mail."""
    return request.build_absolute_uri("/").rstrip("/")


@require_POST
@membership_required
def member_invitation_resend(request: HttpRequest, membership_pk: int) -> HttpResponse:
    """Send a pending invitation again; the link goes to the invitee's mailbox, never to this page."""
    membership = request.membership  # type: ignore[attr-defined]
    target = access_member(membership=membership, pk=membership_pk)
    try:
        services.member_invitation_resend(by=membership, membership=target, site_url=_site_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"L'invitation a été renvoyée à {target.user.email}.")
    return redirect("web:member_list")


@require_POST
@membership_required
def member_deactivate(request: HttpRequest, membership_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    target = access_member(membership=membership, pk=membership_pk)
    try:
        services.member_deactivate(by=membership, membership=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"L'accès de {target.user} est désactivé.")
    return redirect("web:member_list")


@require_POST
@membership_required
def member_reactivate(request: HttpRequest, membership_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    target = access_member(membership=membership, pk=membership_pk)
    services.member_reactivate(by=membership, membership=target)
    messages.success(request, f"L'accès de {target.user} est réactivé.")
    return redirect("web:member_list")


@membership_required
def token_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    form = TokenForm(request.POST or None)
    raw = ""
    if request.method == "POST" and form.is_valid():
        _, raw = services.api_token_create(membership=membership, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = api_tokens_of(membership)
    return render(
        request,
        "web/members/tokens.html",
        {"form": form, "tokens": tokens, "raw": raw, "title": "Accès API", "nav": "tokens"},
    )


@require_POST
@membership_required
def token_revoke(request: HttpRequest, token_pk: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    token = access_api_token(membership=membership, pk=token_pk)
    services.api_token_revoke(membership=membership, token=token)
    messages.success(request, "Le jeton est révoqué.")
    return redirect("web:token_list")


@require_POST
@membership_required
def member_reset_second_factor(request: HttpRequest, membership_pk: int) -> HttpResponse:
    """A member lost their phone: remove their devices; they pair a new one at their next login."""
    membership = request.membership  # type: ignore[attr-defined]
    target = access_member(membership=membership, pk=membership_pk)
    try:
        second_factor_reset(by=membership, membership=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{target.user} devra configurer à nouveau sa double authentification.")
    return redirect("web:member_list")

"""Login, logout, structure choice and invitation acceptance.

The login is a pipeline of steps kept in the session (password, then structure); a second factor
(issue 4) becomes one more step between them without changing the other pages.
"""

import base64
import unicodedata
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token

from appui.accounts import second_factor
from appui.web.middleware import SESSION_KEY, second_factor_not_required

from .forms import ChoosePasswordForm, ChooseStructureForm, LoginForm, OtpForm, PasswordResetRequestForm


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "web/auth/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}

    def get_redirect_url(self) -> str:
        return safe_local_path(super().get_redirect_url(), self.request) or ""

    def get_success_url(self) -> str:
        # After the password comes the second factor, whatever page was asked for.
        step = "web:otp_verify" if second_factor.has_second_factor(self.request.user) else "web:otp_enroll"  # type: ignore[arg-type]
        return f"{reverse(step)}?{urlencode({'next': self.get_redirect_url() or reverse('web:dashboard')})}"


@method_decorator(second_factor_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


MAX_NEXT_LENGTH = 2000


def safe_local_path(candidate: object, request: HttpRequest) -> str | None:
    """Return ``candidate`` if it is a path of this site to send the user back to, else None.

    Only "/…" paths: no other host or scheme, no "//" or backslash tricks, no control, format, separator or
    unassigned character (a line break would split the Location header), nothing absurdly long.
    """
    if not isinstance(candidate, str) or not 0 < len(candidate) <= MAX_NEXT_LENGTH:
        return None
    if not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return None
    if any(unicodedata.category(ch)[0] in "CZ" for ch in candidate):
        return None
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return candidate


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return safe_local_path(candidate, request) or reverse("web:dashboard")


@second_factor_not_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code from the authenticator app, or a single-use backup code."""
    if request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(_next_url(request))
    if not second_factor.has_second_factor(request.user):  # type: ignore[arg-type]
        return redirect(f"{reverse('web:otp_enroll')}?{urlencode({'next': _next_url(request)})}")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", "Code incorrect ou expiré. Réessayez avec le code affiché maintenant.")
    return render(
        request,
        "web/auth/otp_verify.html",
        {"form": form, "next": _next_url(request), "title": "Vérification en deux étapes"},
    )


@second_factor_not_required
def otp_enroll(request: HttpRequest) -> HttpResponse:
    """First login: pair an authenticator app (QR code or key), confirm with a code, get backup codes."""
    user = request.user
    if second_factor.has_second_factor(user):  # type: ignore[arg-type]
        return redirect(f"{reverse('web:otp_verify')}?{urlencode({'next': _next_url(request)})}")
    device = second_factor.totp_enrollment_start(user=user)  # type: ignore[arg-type]
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.totp_enrollment_confirm(user=user, device=device, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "web/auth/backup_codes.html",
                {"codes": codes, "next": _next_url(request), "title": "Vos codes de secours"},
            )
        form.add_error("token", "Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché.")
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#000091")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "web/auth/otp_enroll.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
            "title": "Activer la double authentification",
        },
    )


def choose_structure(request: HttpRequest) -> HttpResponse:
    """Let a member of several structures pick the one they work in now."""
    form = ChooseStructureForm(request.POST or None, user=request.user)
    next_url = safe_local_path(request.POST.get("next") or request.GET.get("next"), request) or ""
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["membership"].pk
        messages.success(request, f"Vous travaillez maintenant pour {form.cleaned_data['membership'].structure}.")
        return HttpResponseRedirect(next_url or reverse("web:dashboard"))
    return render(
        request, "web/auth/choose_structure.html", {"form": form, "next": next_url, "title": "Choisir la structure"}
    )


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """An invited member chooses their password through the link the manager sent."""

    form_class = ChoosePasswordForm
    template_name = "web/auth/invitation.html"
    success_url = reverse_lazy("web:login")
    post_reset_login = False
    extra_context = {"title": "Choisir votre mot de passe"}

    def form_valid(self, form: ChoosePasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe est enregistré : vous pouvez vous connecter.")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Forgotten password: a link by e-mail. The same answer whether the address is known or not."""

    form_class = PasswordResetRequestForm
    template_name = "web/auth/password_reset.html"
    email_template_name = "web/auth/password_reset_email.txt"
    subject_template_name = "web/auth/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}


@login_not_required
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "web/auth/password_reset_done.html", {"title": "Message envoyé"})

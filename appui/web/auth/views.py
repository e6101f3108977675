"""Login, logout, structure choice and invitation acceptance.

The login is a pipeline of steps kept in the session (password, then structure); a second factor
(issue 4) becomes one more step between them without changing the other pages.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme

from appui.web.middleware import SESSION_KEY

from .forms import ChoosePasswordForm, ChooseStructureForm, LoginForm


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "web/auth/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}


class LogoutView(auth_views.LogoutView):
    pass


def choose_structure(request: HttpRequest) -> HttpResponse:
    """Let a member of several structures pick the one they work in now."""
    form = ChooseStructureForm(request.POST or None, user=request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["membership"].pk
        messages.success(request, f"Vous travaillez maintenant pour {form.cleaned_data['membership'].structure}.")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("web:dashboard")
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

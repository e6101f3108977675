from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

SESSION_LOGIN_AT = "appui_login_at"


@receiver(user_logged_in)
def remember_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Stamp the login time (absolute session limit) and record the session key (to end it later)."""
    if request is None or not hasattr(request, "session"):
        return
    from .models import LoginSession

    request.session[SESSION_LOGIN_AT] = int(timezone.now().timestamp())
    if request.session.session_key is None:
        request.session.save()
    LoginSession.objects.create(user=user, session_key=request.session.session_key or "")

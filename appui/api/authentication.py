from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from appui.accounts.models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token appui_…``: a personal token bound to one membership."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("En-tête Authorization invalide.")
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Jeton invalide.") from None
        token = (
            ApiToken.objects.active()
            .select_related("membership__user", "membership__structure")
            .filter(digest=ApiToken.digest_of(raw))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Jeton invalide ou révoqué.")
        membership = token.membership
        if not (membership.is_active and membership.user.is_active and membership.structure.is_active):
            raise exceptions.AuthenticationFailed("Cet accès n'est plus actif.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

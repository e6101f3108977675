"""Show a value that cannot be decrypted as the incident it is: a 500 page that says so, never a 404."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from appui.core.crypto import DecryptionError

MESSAGE = (
    "Une donnée chiffrée de cette page est illisible : la clé de chiffrement manque ou la donnée a été altérée "
    "dans la base. Rien n'a été modifié. L'incident est journalisé ; prévenez l'administrateur d'Appui."
)


class UnreadableDataMiddleware:
    """Turn a DecryptionError (already logged on ``appui.crypto`` where it happened) into a clear error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DecryptionError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MESSAGE, "code": "donnee_illisible"}, status=500)
        return HttpResponse(render_to_string("unreadable.html", {"message": MESSAGE}), status=500)

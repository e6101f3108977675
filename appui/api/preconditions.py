"""Conditional writes of the API: ``ETag`` on reads, ``If-Match`` required on writes (RFC 9110, RFC 6585).

The entity tag is the record's version (appui.core.versions), as a strong tag: ``ETag: "3"``. It names the
version of the record, which every reader shares, whatever fields their role hides. A write without If-Match
answers 428; with a tag that is not the current version, 412 and nothing is written
(docs/modifications-concurrentes.md).
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from appui.api.text import BoundedSerializer


class PreconditionErrorSerializer(BoundedSerializer):
    """The answer to a write refused for its If-Match header (412, 428)."""

    detail = serializers.CharField()
    version = serializers.IntegerField(
        allow_null=True, help_text="Version actuelle de la ressource (la valeur de son ETag), si elle a changé."
    )


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag(version)
    return response


def _tag_versions(header: str) -> list[int]:
    """Return the versions an If-Match header names; what is not one of our tags names none.

    A weak tag (W/"3") is read as the strong one: a proxy that compresses answers may weaken the ETag it passes on,
    and the client did read that version.
    """
    versions = []
    for part in header.split(","):
        tag = part.strip().removeprefix("W/")
        if len(tag) >= 3 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and tag[1:-1].isascii():
            versions.append(int(tag[1:-1]))
    return versions


class PreconditionError(Exception):
    """An If-Match header that is missing (428) or names another version than the current one (412)."""

    def __init__(self, response: Response):
        super().__init__(response.data["detail"])
        self.response = response


def precondition_failed(current_version: int) -> Response:
    response = Response(
        {
            "detail": (
                "La ressource a été modifiée depuis que vous l'avez lue : rien n'a été enregistré. Relisez-la, "
                f"puis renvoyez votre modification avec l'en-tête If-Match: {etag(current_version)}."
            ),
            "version": current_version,
        },
        status=status.HTTP_412_PRECONDITION_FAILED,
    )
    return with_etag(response, current_version)


def expected_version(request: Any, current_version: int) -> int:
    """Return the version the client's write was prepared from; raise PreconditionError when it says none."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() in {"", "*"}:
        raise PreconditionError(
            Response(
                {
                    "detail": (
                        "L'en-tête If-Match est obligatoire : renvoyez l'ETag reçu en lisant la ressource, pour "
                        "que votre modification n'efface pas celle de quelqu'un d'autre."
                    ),
                    "version": None,
                },
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        )
    versions = _tag_versions(header)
    if current_version in versions:
        return current_version
    raise PreconditionError(precondition_failed(current_version))


def etag_header(*codes: int) -> OpenApiParameter:
    """Return the documentation of the ETag header of the answers with these status codes."""
    return OpenApiParameter(
        "ETag",
        str,
        location=OpenApiParameter.HEADER,
        response=list(codes),
        description='Version de la ressource, par exemple `"3"` : à renvoyer dans If-Match pour la modifier.',
    )


IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        'L\'ETag lu avec la ressource, par exemple `"3"`. Sans lui : 428. Si la ressource a changé depuis : 412, '
        "rien n'est enregistré."
    ),
)
PRECONDITION_RESPONSES = {
    412: OpenApiResponse(
        PreconditionErrorSerializer, description="La ressource a changé depuis votre lecture : rien n'est enregistré."
    ),
    428: OpenApiResponse(PreconditionErrorSerializer, description="En-tête If-Match absent."),
}

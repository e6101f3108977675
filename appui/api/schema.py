from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "appui.api.authentication.ApiTokenAuthentication"
    name = "jetonApi"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton personnel, préfixé : `Token appui_…` (créé dans la page « Accès API »).",
        }


_BAD_REQUEST = {
    "description": (
        "Requête refusée en entier : JSON mal formé ou trop imbriqué (`detail`), ou champs invalides "
        "(un message en français par champ)."
    ),
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"detail": {"type": "string"}},
                        "required": ["detail"],
                        "title": "ErreurDeLecture",
                    },
                    {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        "title": "ErreursDeValidation",
                    },
                ]
            }
        }
    },
}


def document_bad_request(result: dict, generator: object, request: object, public: bool) -> dict:
    """Declare the 400 answer of every operation that reads a request body (drf-spectacular post-processing)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation.setdefault("responses", {}).setdefault("400", _BAD_REQUEST)
    return result

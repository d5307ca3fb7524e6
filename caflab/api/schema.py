"""Helpers for documenting the API in the OpenAPI schema, shared by every app's api/views.py."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Numéro de la page."),
    OpenApiParameter("page_size", int, description="Éléments par page (200 au plus)."),
]


def error_example(name: str, status_code: int, detail: str, errors: dict | None = None):
    """An example of the project's error body (caflab.api.exceptions)."""
    value = {"status": status_code, "code": name, "detail": detail}
    if errors is not None:
        value["errors"] = errors
    return OpenApiExample(
        detail if errors is None else next(iter(errors.values()))[0],
        value=value,
        response_only=True,
        status_codes=[str(status_code)],
    )


def ok_response(serializer, name: str, value, status_code: int = 200) -> OpenApiResponse:
    """A success response with one named example."""
    return OpenApiResponse(
        serializer,
        examples=[
            OpenApiExample(name, value=value, response_only=True, status_codes=[str(status_code)])
        ],
    )


# The error body of caflab.api.exceptions, for the responses the hook below adds.
API_ERROR_COMPONENT = "ApiError"
API_ERROR_SCHEMA = {
    "type": "object",
    "description": "Le corps de toute erreur de l'API.",
    "properties": {
        "status": {"type": "integer", "description": "Le code HTTP de la réponse."},
        "code": {"type": "string", "description": "Un code stable : invalid, not_found…"},
        "detail": {"type": "string", "description": "Une phrase en français."},
        "errors": {
            "type": "object",
            "description": "Sur une erreur de validation : les messages, par champ.",
            "additionalProperties": {},
        },
    },
    "required": ["status", "code", "detail"],
}
ERROR_DESCRIPTIONS = {
    "400": "Requête invalide : paramètre ou donnée refusés (détail par champ dans `errors`).",
    "401": "Authentification requise : jeton absent ou invalide.",
    "403": "Accès refusé : l'utilisateur n'a pas le droit d'effectuer cette action.",
    "404": "Ressource introuvable (ou page de résultats inexistante).",
    "415": "Type de contenu de la requête non pris en charge.",
    "429": "Trop de requêtes : réessayer après le délai de l'en-tête Retry-After.",
}
_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def postprocess_error_responses(result, generator, request, public):
    """drf-spectacular hook: every operation documents the errors the API can answer with.

    Every route refuses a missing or wrong token (401, a wrong one even where anonymous
    callers are welcome), is checked by a permission or CSRF (403) and is throttled (429);
    a route with a path parameter or a paginated list can be a 404; query
    parameters or a body can be refused (400); a body of another media type is a 415.
    A response the view documents itself (with its examples) is kept as it is.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(API_ERROR_COMPONENT, API_ERROR_SCHEMA)  # or ApiErrorSerializer's
    ref = {"$ref": f"#/components/schemas/{API_ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in _METHODS or not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            codes = ["401", "403", "429"]
            if "{" in path or any(p.get("name") == "page" for p in parameters):
                codes.append("404")
            if operation.get("requestBody") or any(p.get("in") == "query" for p in parameters):
                codes.append("400")
            if operation.get("requestBody"):
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result

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

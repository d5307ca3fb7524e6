"""What the apps' views share: the right to act (403), pagination, query strings, the French
sentence of a refused service, protected files, and the French answer to a refused request
(too big, too many fields, a NUL in the address, too many requests)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from caflab import files


def require(user, perm: str, obj=None) -> None:
    """A missing right on something the user sees: 403."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def paginate(request: HttpRequest, items, per_page: int, *, param: str = "page") -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))


def query_without(request: HttpRequest, *params: str) -> str:
    """The current query string without these parameters (for links that change them)."""
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


def error_text(exc: ValidationError) -> str:
    """The French sentence(s) of a refused service, for a message or a form error."""
    return " ".join(exc.messages)


def related_or_none(obj, name: str):
    """A reverse one-to-one read by select_related: None when there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def serve(stored) -> HttpResponse:
    """A stored file (caflab.models.StoredFile), after the caller checked the right to it;
    404 if the file is gone."""
    try:
        return files.protected_file_response(
            stored.file, filename=stored.name, content_type=stored.content_type
        )
    except FileNotFoundError:  # the row outlived its file: nothing to serve
        raise Http404 from None


def refusal(
    request: HttpRequest, *, status: int, code: str, title: str, message: str, wait: int = 0
) -> HttpResponse:
    """A refused request explained in French: the portal's error page, or the API's error body
    under /api/; `wait` seconds go in Retry-After."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"status": status, "code": code, "detail": message}, status=status)
    else:
        context = {"status": status, "title": title, "message": message}
        if wait:
            context["wait_minutes"] = max(1, -(-wait // 60))
        response = render(request, "caflab/refused.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def too_large(request: HttpRequest) -> HttpResponse:
    return refusal(
        request,
        status=413,
        code="request_too_large",
        title=_("Envoi trop volumineux"),
        message=_(
            "Les données envoyées sont trop volumineuses. Raccourcissez les textes ou joignez "
            "des fichiers plus légers, puis réessayez."
        ),
    )


def refused_request(request: HttpRequest, exception: Exception | None) -> HttpResponse | None:
    """The French answer to a request Django refuses before the view reads it (too big, too
    many fields or files); None for another bad request."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        many = (
            _("Le formulaire envoyé contient trop de champs.")
            if isinstance(exception, TooManyFieldsSent)
            else _("Le formulaire envoyé contient trop de fichiers.")
        )
        return refusal(
            request,
            status=400,
            code="too_many_fields",
            title=_("Requête incorrecte"),
            message=many + " " + _("Revenez à la page précédente et réessayez."),
        )
    return None


class RequestGuardMiddleware:
    """Refuse, before any view, what no page of the portal accepts: a body above the portal's
    limits (the API's JSON parser reads the stream without Django's check) and a NUL character
    in the address (PostgreSQL refuses it in text: a 500 otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        memory = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > settings.CAFLAB_MAX_REQUEST_SIZE or (
            not multipart and memory is not None and length > memory
        ):
            return too_large(request)
        if any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return refusal(
                request,
                status=400,
                code="invalid_query",
                title=_("Requête incorrecte"),
                message=_("L'adresse de la page contient un caractère non autorisé."),
            )
        return self.get_response(request)

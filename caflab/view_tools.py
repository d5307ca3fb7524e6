"""What the apps' views share: the right to act (403), pagination, query strings, the French
sentence of a refused service, and protected files."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse

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

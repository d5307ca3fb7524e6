"""The portal's middleware: staff two-factor authentication, security headers, language, probes."""

import base64
import hashlib
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from csp.constants import SELF, UNSAFE_HASHES, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, gettext_noop
from rest_framework.renderers import BrowsableAPIRenderer

# Where a staff member without MFA may still go: account pages (to set it up), static files,
# the health probes and the language switch.
ALLOWED_PREFIXES = ("/comptes/", "/static/", "/healthz", "/readyz", "/i18n/")
MFA_REQUIRED = gettext_noop(
    "Les membres de l'équipe CafLab doivent activer la double authentification "
    "avant d'accéder au portail."
)


class StaffMfaMiddleware:
    """Two-factor authentication is required of CafLab staff in production."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._token_of_staff_without_mfa(request):
            # An API client cannot follow a redirection to a page: a plain refusal instead.
            return JsonResponse({"detail": _(MFA_REQUIRED)}, status=403)
        if self._must_set_up_mfa(request):
            messages.warning(request, _(MFA_REQUIRED))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _token_of_staff_without_mfa(self, request: HttpRequest) -> bool:
        """DRF reads the API token in the view, after this middleware: a token is looked up
        here, so that a staff member's token does not skip the second factor."""
        if not settings.CAFLAB_REQUIRE_STAFF_MFA or not request.path.startswith("/api/"):
            return False
        keyword, _sep, key = request.headers.get("Authorization", "").partition(" ")
        if keyword != "Token" or not key.strip():
            return False
        from rest_framework.authtoken.models import Token

        token = Token.objects.select_related("user").filter(key=key.strip()).first()
        if token is None or not token.user.is_staff:
            return False
        return not is_mfa_enabled(token.user)

    def _must_set_up_mfa(self, request: HttpRequest) -> bool:
        if not settings.CAFLAB_REQUIRE_STAFF_MFA:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        if request.path.startswith(ALLOWED_PREFIXES):
            return False
        return not is_mfa_enabled(user)


class FrenchFirstLocaleMiddleware:
    """French unless the visitor chose another language with the switcher (cookie).

    The browser's Accept-Language is not followed: the portal is French first, and a page
    half-translated because a browser prefers English would serve nobody.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        translation.deactivate()
        return response


class ProbeMiddleware:
    """Answer /healthz and /readyz before host validation and the HTTPS redirect.

    Orchestrators and load balancers probe the container by its internal address over plain
    HTTP; the probes reveal nothing and change nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from caflab import views

        if request.method in {"GET", "HEAD"}:
            if request.path_info == "/healthz":
                return views.healthz(request)
            if request.path_info == "/readyz":
                return views.readyz(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Browser features the portal never uses are switched off, for it and anything it embeds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def csp_hash(inline: str) -> str:
    """The CSP source that allows this exact inline text (an attribute's value)."""
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# Third-party pages that cannot run under the portal's strict policy, by URL name. Each entry
# loosens only what that page needs; the portal's own pages never appear here.
CSP_RELAXED_VIEWS: dict[tuple[str, str], dict[str, list[str]]] = {
    # ReDoc (drf-spectacular sidecar) styles itself with styled-components, which writes
    # <style> elements at run time without a nonce, and parses the schema in a blob: worker.
    # Its init script is nonced by templates/drf_spectacular/redoc.html.
    ("", "api-redoc"): {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]},
}
# django-import-export's export page (admin:<app>_<model>_export) carries one inline handler
# and two style attributes; DRF's browsable API a few fixed style attributes (layout of its
# buttons and forms). They are allowed by their hashes, as attributes only
# (script-src-attr / style-src-attr): 'unsafe-hashes' allows no other inline code.
IMPORT_EXPORT_ATTRIBUTES = {
    "script-src-attr": [UNSAFE_HASHES, csp_hash("onSelectToggleChange(event)")],
    "style-src-attr": [UNSAFE_HASHES, csp_hash("padding: 0;"), csp_hash("font-weight: bold;")],
}
BROWSABLE_API_ATTRIBUTES = {
    "style-src-attr": [
        UNSAFE_HASHES,
        *(
            csp_hash(style)
            for style in (
                "border-bottom: 0",
                "border-bottom: 1px solid #e5e5e5",
                "border: none",
                "clear: both",
                "float: right",
                "float: right; margin-right: 10px",
                "float:left",
                "margin-top: 30px",
                "margin: 0 0 20px;",
                "width: 320px; margin-left: auto; margin-right: auto",
                "width: 350px",
            )
        ),
    ],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the relaxations above applied to their views only."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        match = getattr(request, "resolver_match", None)
        if report_only or match is None:
            return parts
        relaxed = CSP_RELAXED_VIEWS.get((match.namespace, match.url_name or ""))
        if relaxed is not None:
            parts.replace = {**(parts.replace or {}), **relaxed}
        if match.namespace == "admin" and (match.url_name or "").endswith("_export"):
            parts.update = {**(parts.update or {}), **IMPORT_EXPORT_ATTRIBUTES}
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), **BROWSABLE_API_ATTRIBUTES}
        return parts


class QueryCountMiddleware:
    """The benchmark's: how many SQL queries the response cost, in an X-Queries header (set
    only with CAFLAB_BENCH; first in the stack, so the sessions and users are counted too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.db import connection

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response.headers["X-Queries"] = str(count)
        return response

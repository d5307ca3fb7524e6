"""Two-factor authentication is required of CafLab staff in production."""

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Where a staff member without MFA may still go: account pages (to set it up), static files,
# the health probes and the language switch.
ALLOWED_PREFIXES = ("/comptes/", "/static/", "/healthz", "/readyz", "/i18n/")


class StaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_mfa(request):
            messages.warning(
                request,
                _(
                    "Les membres de l'équipe CafLab doivent activer la double authentification "
                    "avant d'accéder au portail."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

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

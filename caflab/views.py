"""Base views: home, account profile, health probes and error pages."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from rest_framework.authtoken.models import Token

from caflab import dashboard, selectors, services
from caflab.navigation import available_activities

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    def get_template_names(self) -> list[str]:
        if self.request.user.is_authenticated:
            return ["caflab/home_dashboard.html"]
        return ["caflab/home_public.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["activities"] = available_activities(authenticated=user.is_authenticated)
        if user.is_authenticated:
            context["panels"] = dashboard.rendered_panels(user)
        return context


class ProfileView(LoginRequiredMixin, View):
    """« Mon compte »: who I am for the portal, the community of innovators, my API token."""

    template_name = "caflab/profile.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self._context(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        user = request.user
        if action == "join" and user.has_perm("caflab.join_innovators"):
            services.user_join_innovators(user=user)
            messages.success(request, _("Bienvenue dans la communauté des innovateurs !"))
        elif action == "leave":
            services.user_leave_innovators(user=user)
            messages.success(request, _("Vous avez quitté la communauté des innovateurs."))
        elif action == "token" and user.has_perm("caflab.use_api_token"):
            services.api_token_regenerate(user=user)
            messages.success(
                request,
                _("Un nouveau jeton d'API a été créé ; l'ancien ne fonctionne plus."),
            )
        elif action == "revoke-token":
            services.api_token_revoke(user=user)
            messages.success(request, _("Votre jeton d'API a été révoqué."))
        else:
            return render(
                request,
                self.template_name,
                {**self._context(request), "error": _("Cette action n'est pas disponible.")},
                status=400,
            )
        if request.htmx:
            return render(request, "caflab/includes/profile_panels.html", self._context(request))
        return redirect("profile")

    def _context(self, request: HttpRequest) -> dict:
        profile = selectors.user_get_profile(user_id=request.user.pk)
        token = Token.objects.filter(user=profile).first()
        return {"profile": profile, "token": token}


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers; nothing else is checked."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache read-back failed")


def _check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return  # embedded default: tasks run in the request, there is no broker to reach
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )
    try:
        client.ping()
    finally:
        client.close()


READINESS_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, the cache and the Celery broker answer."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means not ready; the kind is enough to act on
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = f"indisponible ({type(exc).__name__})"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "indisponible", "checks": results},
        status=200 if ready else 503,
    )


def lockout(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """django-axes: too many failed logins for this account from this address."""
    from axes.helpers import get_cool_off

    response = render(request, "caflab/lockout.html", status=429)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A body too big, too many fields or files: said in French (413/400), in JSON under /api/.
    from caflab.view_tools import refused_request

    return refused_request(request, exception) or render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"status": 404, "code": "not_found", "detail": _("Ressource introuvable.")},
            status=404,
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors or database: the page must show whatever broke.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)

"""Every URL of the portal × every role: the expected status, and nothing of another scope in
the body. A URL without a row here fails the suite (see matrix.py for the rows)."""

from __future__ import annotations

import importlib
import io
import pkgutil

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

import tests.security
from caflab.models import Caf, Region
from caflab.reference import load_regions_and_cafs
from tests.security.matrix import ROLES, Role, Route
from tests.security.world import build_world


def _all_routes() -> list[Route]:
    routes = []
    for info in pkgutil.iter_modules(tests.security.__path__):
        if info.name.startswith("routes_"):
            module = importlib.import_module(f"tests.security.{info.name}")
            routes.extend(module.ROUTES)
    return routes


ROUTES = _all_routes()


def _url_names(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _url_names(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def test_every_url_of_the_portal_has_a_row_in_the_matrix():
    """A new page, endpoint or export must say who may open it before it lands."""
    covered = {route.name for route in ROUTES}
    missing = sorted(
        {
            f"{name or '(sans nom)'} — /{path}"
            for path, name in _url_names(get_resolver().url_patterns)
            if not path.startswith("admin/") and name not in covered
        }
    )
    assert not missing, "Adresses sans ligne dans la matrice des droits :\n" + "\n".join(missing)


def test_every_row_names_a_real_url_and_all_roles():
    names = {name for _path, name in _url_names(get_resolver().url_patterns)}
    labels = [route.label for route in ROUTES]
    for route in ROUTES:
        assert route.name in names, route.name
        assert set(route.expect) == set(ROLES), f"{route.label} : rôles manquants"
    duplicates = {label for label in labels if labels.count(label) > 1}
    assert not duplicates, f"Lignes en double : {duplicates}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data, committed once for the module (each test then runs in a savepoint that
    is rolled back), and flushed at its end; the Cafs and regions of the migrations come back
    for the tests that follow in this process."""
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        try:
            yield build_world()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            load_regions_and_cafs(Region, Caf)


def _client(route: Route, world, role: Role) -> Client:
    client = APIClient() if route.api else Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _request(route: Route, world, role: Role):
    url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else None)
    if route.query:
        url = f"{url}?{route.query}"
    client = _client(route, world, role)
    data = route.data(world) if route.data else {}
    if route.method == "get":
        return client.get(url, data or None)
    if route.api:
        return getattr(client, route.method)(url, data, format="json")
    return getattr(client, route.method)(url, data)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(("text/", "application/json", "application/problem")):
        return response.content.decode("utf-8", "replace")
    return ""


CASES = [
    pytest.param(route, role, id=f"{route.label}-{role.value}")
    for route in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize(("route", "role"), CASES)
def test_matrix(world, db, route: Route, role: Role):
    response = _request(route, world, role)
    expected = route.expect[role]
    assert response.status_code == expected, (
        f"{route.label} pour {role.value} : {response.status_code} au lieu de {expected}"
    )
    if expected == 302 and role is Role.ANONYMOUS and not route.api:
        assert response.url.startswith(reverse("account_login")), response.url
    hidden = route.hidden(world).get(role, ()) if route.hidden else ()
    if hidden:
        body = _body(response)
        seen = [text for text in hidden if text and text in body]
        assert not seen, f"{route.label} montre à {role.value} : {seen}"


# The administration: open to the CafLab team only, every registered model.
ADMIN_MODELS = sorted(
    (f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry),
)


@pytest.mark.parametrize("model", ADMIN_MODELS)
@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_admin_is_for_the_caflab_team_only(world, db, model: str, role: Role):
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(f"admin:{model}_changelist"))
    if role is Role.STAFF:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

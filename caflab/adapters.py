"""Glue between django-allauth, django-axes and the portal."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from CafLab staff (admin) or invitations, never from a public form.
        return False


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """allauth passes `email`; the raw form field is `login`."""
    if credentials:
        value = credentials.get("email") or credentials.get("username")
        if value:
            return str(value).strip().lower()
    login = request.POST.get("login") if request is not None else None
    return login.strip().lower() if login else None

"""The portal's own pages: home, health probes, legal pages, accounts, the API's root."""

from django.urls import reverse

from tests.security.matrix import (
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    UNAUTHORIZED,
    Role,
    Route,
    everyone,
    only,
    signed_in,
)

BAD_REQUEST = 400

# Users of the demo data created without a password (most generated agents and partners) cannot
# re-authenticate by password, and are sent to « set a password » rather than « change » it.
WITH_PASSWORD = (Role.AGENT_A, Role.PARTNER_IN, Role.REFERENT, Role.STAFF)


def _login_url(world) -> dict:
    return {"next": reverse("account_login")}


def _personal_data(world) -> dict:
    """Another user's email never shows on the pages of the portal's own profile."""
    agent_b = world.users[Role.AGENT_B].email
    return {role: [agent_b] for role in Role if role is not Role.AGENT_B}


ROUTES = [
    Route("home", everyone(OK)),
    Route("healthz", everyone(OK)),
    Route("readyz", everyone(OK)),
    Route("accessibility", everyone(OK)),
    Route("privacy", everyone(OK)),
    Route("profile", signed_in(OK), hidden=_personal_data),
    # Joining the community of innovators: not for partners (« Cette action n'est pas
    # disponible. », 400); the others are sent back to their profile.
    Route(
        "profile",
        {**signed_in(REDIRECT), Role.PARTNER_IN: BAD_REQUEST, Role.PARTNER_OUT: BAD_REQUEST},
        method="post",
        data=lambda w: {"action": "join"},
        id="POST profile (rejoindre les innovateurs)",
    ),
    # Accounts (django-allauth): a signed-in user is sent home from the login page; signing up
    # is closed (the page says so).
    Route("account_login", signed_in(REDIRECT, anonymous=OK)),
    # A visitor who is not signed in is sent on (here to the login page, by `next`).
    Route("account_logout", signed_in(OK), query="next=/comptes/login/"),
    Route("account_inactive", everyone(OK)),
    Route("account_signup", signed_in(REDIRECT, anonymous=OK)),
    Route("account_reauthenticate", only(WITH_PASSWORD)),
    Route("account_request_reauthentication_code", only(WITH_PASSWORD)),
    Route("account_confirm_reauthentication_code", signed_in(REDIRECT)),
    Route("account_email", signed_in(OK)),
    Route("account_email_verification_sent", everyone(OK)),
    Route("account_change_password", only(WITH_PASSWORD, others=REDIRECT)),
    Route(
        "account_set_password",
        only(WITH_PASSWORD, status=REDIRECT, others=OK),
    ),
    Route("account_reset_password", everyone(OK)),
    Route("account_confirm_login_code", everyone(REDIRECT)),
    # A key that does not exist: the page explains that the link is no longer valid.
    Route("account_confirm_email", everyone(OK), kwargs=lambda w: {"key": "cle-inconnue"}),
    Route("account_reset_password_from_key_done", everyone(OK)),
    Route(
        "account_reset_password_from_key",
        everyone(OK),
        kwargs=lambda w: {"uidb36": "1", "key": "cle-inconnue"},
    ),
    Route("account_reset_password_done", everyone(OK)),
    # Two-factor authentication (allauth.mfa): the signed-in user's own settings.
    Route("mfa_index", signed_in(OK)),
    Route("mfa_authenticate", everyone(REDIRECT)),
    Route("mfa_reauthenticate", only(WITH_PASSWORD, status=REDIRECT)),
    Route("mfa_activate_totp", only(WITH_PASSWORD, status=REDIRECT)),
    Route("mfa_deactivate_totp", signed_in(NOT_FOUND)),  # no authenticator to deactivate
    Route("mfa_view_recovery_codes", signed_in(NOT_FOUND)),
    Route("mfa_generate_recovery_codes", only(WITH_PASSWORD, status=REDIRECT)),
    Route("mfa_download_recovery_codes", signed_in(NOT_FOUND)),
    Route(
        "set_language",
        everyone(REDIRECT),
        method="post",
        data=lambda w: {"language": "fr", **_login_url(w)},
    ),
    # The API's own endpoints: a token or a session; its documentation is public.
    Route("api-root", signed_in(OK, anonymous=UNAUTHORIZED), api=True),
    Route("api-me", signed_in(OK, anonymous=UNAUTHORIZED), api=True, hidden=_personal_data),
    Route(
        "api-me",
        signed_in(OK, anonymous=UNAUTHORIZED),
        method="patch",
        data=lambda w: {"first_name": "Camille"},
        api=True,
        id="PATCH api-me",
    ),
    Route("api-schema", everyone(OK), api=True),
    Route("api-docs", everyone(OK), api=True),
    Route("api-redoc", everyone(OK), api=True),
    Route("caf-list", signed_in(OK, anonymous=UNAUTHORIZED), api=True),
    Route(
        "caf-detail",
        signed_in(OK, anonymous=UNAUTHORIZED),
        kwargs=lambda w: {"number": "38"},
        api=True,
    ),
    # The reference data is read-only, for everyone.
    Route(
        "caf-list",
        signed_in(NOT_ALLOWED, anonymous=UNAUTHORIZED),
        method="post",
        data=lambda w: {"number": "99", "name": "Caf imaginaire"},
        api=True,
        id="POST caf-list",
    ),
]

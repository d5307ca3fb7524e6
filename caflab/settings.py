"""Settings of the Portail CafLab, driven by the environment.

No environment at all gives the embedded default (SQLite file, eager Celery, local-memory cache,
console email, DEBUG on). `DJANGO_DEBUG=0` turns production on: then every secret must be given
and the portal refuses to start without it.
"""

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=True)
PRODUCTION = not DEBUG


def _dev_secret_key() -> str:
    """A secret generated once per checkout, so that sessions survive a restart of `make run`."""
    path = VAR_DIR / "dev_secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # fails fast when missing
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _dev_secret_key()
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_URL = env.str("CAFLAB_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "caflab",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "django_celery_results",
    "django_celery_beat",
    "import_export",
    "consultations",
    "eurekaf",
    "cooperation",
    "livinglabs",
    "projects",
    "expo_booking",
    "reporting",
]

MIDDLEWARE = [
    "caflab.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "caflab.middleware.PermissionsPolicyMiddleware",
    "caflab.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "caflab.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caflab.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "caflab.view_tools.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "caflab.middleware.StaffMfaMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caflab.urls"
WSGI_APPLICATION = "caflab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "caflab.context_processors.portal",
            ],
        },
    },
]

# Database: the embedded default is a SQLite file; production and tests use PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'caflab.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USES_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Redis: Celery broker, results and cache. Without it, the cache is in memory and Celery eager.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: a Redis restart degrades the rate limits, never the pages (caflab.cache).
            "BACKEND": "caflab.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "caflab",
            "TIMEOUT": 300,
            # A Redis that hangs costs a request at most a second or two, not a worker forever.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    # Sessions read from Redis, written through to the database (which stays the reference:
    # a Redis restart logs nobody out). One query less on every signed-in request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "caflab.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email only, verified; the portal has no public sign-up (accounts come from
# the Caf directory or CafLab staff), and no social login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("CAFLAB_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "caflab.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CafLab] "
ACCOUNT_RATE_LIMITS = {
    # django-axes locks an account after 5 failures; allauth's limit is the wider net
    # (many accounts tried from one address).
    "login_failed": "30/m/ip,10/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail CafLab"
# Staff must use two-factor authentication in production (see caflab.middleware).
CAFLAB_REQUIRE_STAFF_MFA = env.bool("CAFLAB_REQUIRE_STAFF_MFA", default=PRODUCTION)

# django-axes: lock a login after repeated failures. Many agents of one Caf share one public
# address, so the lock is on the pair (email, address), never on the address alone.
AXES_FAILURE_LIMIT = env.int("CAFLAB_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "caflab.adapters.axes_username"
AXES_LOCKOUT_CALLABLE = "caflab.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # no personal data (emails, addresses) kept in logs
AXES_IPWARE_PROXY_COUNT = env.int("CAFLAB_PROXY_COUNT", default=0)

# Internationalisation: French first; English is a catalogue.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Email: console in the embedded default, SMTP from EMAIL_URL in production.
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="CafLab <ne-pas-repondre@caflab.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = "django-db"
CELERY_CACHE_BACKEND = "django-cache"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process is replaced once it holds this much memory (KiB): a report build of a
# national year stays under 1 GB.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=800_000)
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# acks_late + reject_on_worker_lost: a task whose worker dies (SIGKILL, OOM, lost node) stays
# unacknowledged in Redis and is delivered again once the visibility timeout has passed. It must
# exceed the longest task (the report's 15-minute time limit) or a running task would be
# delivered twice; an hour is the production setting, the fault tests shorten it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Installed in the database by the beat scheduler at start; staff can pause them in the admin.
CELERY_BEAT_SCHEDULE = {
    "consultations-advance-statuses": {
        "task": "consultations.tasks.advance_statuses",
        "schedule": 300.0,
    },
    "consultations-purge-drafts": {
        "task": "consultations.tasks.purge_drafts",
        "schedule": 24 * 3600.0,
    },
    "livinglabs-flag-inactive-members": {
        "task": "livinglabs.tasks.flag_inactive_members",
        "schedule": crontab(hour=6, minute=0, day_of_month=1),
    },
    "cooperation-deadline-reminders": {
        "task": "cooperation.tasks.deadline_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "projects-remind-indicator-periods": {
        "task": "projects.tasks.remind_indicator_periods",
        "schedule": crontab(hour=8, minute=0),
    },
    "expo-booking-expire-offers": {
        "task": "expo_booking.tasks.expire_offers",
        "schedule": crontab(minute=5),
    },
    "expo-booking-reminders": {
        "task": "expo_booking.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=45),
    },
    "projects-remind-jurors": {
        "task": "projects.tasks.remind_jurors",
        "schedule": crontab(hour=8, minute=15),
    },
    "reporting-send-waiting-runs": {
        "task": "reporting.tasks.send_waiting_runs",
        "schedule": 60.0,
    },
    "caflab-apply-retention": {
        "task": "caflab.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
}

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "caflab.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("CAFLAB_API_ANON_RATE", default="60/minute"),
        "user": env.str("CAFLAB_API_USER_RATE", default="1200/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "caflab.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du Portail CafLab",
    "DESCRIPTION": (
        "API REST du Portail CafLab pour les Caf partenaires et les organisations partenaires. "
        "Authentification : en-tête `Authorization: Token <jeton>`. Chaque liste est paginée "
        "(`page`, `page_size`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "caflab.api.schema.postprocess_error_responses",
    ],
}

# Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent on every response by caflab.middleware.PermissionsPolicyMiddleware.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# Content-Security-Policy (django-csp, caflab.middleware.ContentSecurityPolicyMiddleware):
# no inline script or style anywhere on the portal's own pages. NONCE only appears in the
# header of a response whose template asked for `request.csp_nonce` (the API docs pages);
# the few third-party pages that need more are relaxed one by one in the middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_AGE = 8 * 3600

# Logging: requests are not logged with their parameters, so no personal data lands in logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint's step-by-step log feeds the report's progress bar, not the console.
        "weasyprint.progress": {"level": "WARNING", "propagate": False},
    },
}

# The portal's own settings
# Responses from one (hashed) address in one day beyond which new ones are flagged for review.
CAFLAB_CONSULTATION_BURST_PER_DAY = env.int("CAFLAB_CONSULTATION_BURST_PER_DAY", default=10)
# The antivirus run on plan documents, e.g. « clamdscan --no-summary » (empty: no scanner).
CAFLAB_VIRUS_SCAN_COMMAND = env.str("CAFLAB_VIRUS_SCAN_COMMAND", default="")
# Public answers accepted per address and consultation in ten minutes (429 beyond).
CAFLAB_CONSULTATION_SUBMIT_RATE = env.int("CAFLAB_CONSULTATION_SUBMIT_RATE", default=30)
# Request limits (with DATA_UPLOAD_MAX_MEMORY_SIZE above; beyond them a French 413 or 400):
# fields and files per form, and a whole request, files included (5 files of 10 Mo and text).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
CAFLAB_MAX_REQUEST_SIZE = env.int("CAFLAB_MAX_REQUEST_SIZE", default=60 * 1024 * 1024)
# Posts per agent: ideas per hour and comments per ten minutes (pages and API; 429 beyond).
CAFLAB_IDEA_POST_RATE = env.str("CAFLAB_IDEA_POST_RATE", default="10/h")
CAFLAB_COMMENT_POST_RATE = env.str("CAFLAB_COMMENT_POST_RATE", default="30/10m")
CAFLAB_DEMO_PASSWORD = "caflab-demo"  # noqa: S105 - documented demo password, demo data only

# The benchmark (`make bench`, bench/bench.py) serves the portal with production settings plus
# a bare « ok » view and the number of SQL queries of each response in an X-Queries header.
CAFLAB_BENCH = env.bool("CAFLAB_BENCH", default=False)
if CAFLAB_BENCH:
    ROOT_URLCONF = "caflab.urls_bench"
    MIDDLEWARE = ["caflab.middleware.QueryCountMiddleware", *MIDDLEWARE]

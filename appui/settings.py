"""Settings for Appui.

Everything that differs between a laptop and a production server is read from the environment:
``DATABASE_URL`` (PostgreSQL in production, an embedded SQLite file by default), ``APPUI_SECRET_KEY``,
``APPUI_DEBUG``, ``APPUI_ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean value of an environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("APPUI_DEBUG", False)
# A development key is accepted only in debug mode; production must provide its own.
SECRET_KEY = os.environ.get("APPUI_SECRET_KEY") or (
    "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz" if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("APPUI_SECRET_KEY doit être défini hors du mode développement (APPUI_DEBUG=1).")

ALLOWED_HOSTS = [h for h in os.environ.get("APPUI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "widget_tweaks",
    "dsfr",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "appui.core",
    "appui.accounts",
    "appui.audit",
    "appui.people",
    "appui.accompaniments",
    "appui.rights",
    "appui.diagnostics",
    "appui.guides",
    "appui.mandates",
    "appui.service_alerts",
    "appui.documents",
    "appui.places",
    "appui.orientations",
    "appui.reporting",
    "appui.runtime",
    "appui.demo",
    "appui.web",
    "appui.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the WSGI server, compressed and cached for ever (hashed names): no extra server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "appui.web.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "appui.web.middleware.MembershipMiddleware",
    "appui.web.person_mode.PersonModeLockMiddleware",
    "appui.web.middleware.RefusedAccessAuditMiddleware",
    # A value that cannot be decrypted is an incident shown as such (500 with an explanation), never a 404.
    "appui.web.unreadable.UnreadableDataMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "appui.web.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns lockout exceptions into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "appui.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "appui.web.context_processors.appui",
            ],
        },
    },
]

WSGI_APPLICATION = "appui.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'appui.sqlite3'}",
        conn_max_age=int(os.environ.get("APPUI_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL and a busy timeout let the dev server and a CLI command share the file.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
# Each request runs in one transaction, so a person read and its audit event commit together.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL, the production database; SQLite keeps their key columns only.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it counts failures and refuses locked-out account/IP pairs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an account and IP pair after 5 failed logins (OWASP ASVS 2.2.1); unknown accounts lock alike,
# so the answer never tells whether an account exists.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/auth/lockout.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("APPUI_PROXY_COUNT", "0")) or None

# Sessions: 30 minutes idle (renewed by requests, at most once a minute), 12 hours at most (appui.web.middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("APPUI_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("APPUI_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("APPUI_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("APPUI_SSL_REDIRECT", not DEBUG)
if env_bool("APPUI_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy without inline scripts: scripts need the per-request nonce (django-csp).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

OTP_TOTP_ISSUER = "Appui"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("APPUI_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves the files gathered by `manage.py collectstatic`, with hashed names (cached for ever).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("APPUI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("APPUI_FROM_EMAIL", "appui@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "appui.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["appui.api.permissions.HasMembership"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "appui.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Appui",
    "DESCRIPTION": "API REST v1 d'Appui : personnes accompagnées et accompagnements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"ReferralStatusEnum": "appui.orientations.enums.ReferralStatus"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "appui.api.schema.document_bad_request",
    ],
}

# Set the transitional django-dsfr behaviour (mark optional fields, not required ones).
DSFR_MARK_OPTIONAL_FIELDS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("APPUI_LOG_LEVEL", "WARNING")},
}

# django-axes reads the login from this form field (the login form names it "username", holding the e-mail),
# and counts failures on its normalised spelling: "Mediateur@…" or a copied space earn no extra tries.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "appui.accounts.logins.lockout_key"

# Field encryption key ring (appui.core.crypto): a JSON file outside the database, distinct from SECRET_KEY.
# `make run` creates var/field-keys.json for development; production must point to its own file.
APPUI_FIELD_KEYS_FILE = os.environ.get(
    "APPUI_FIELD_KEYS_FILE", str(BASE_DIR / "var" / "field-keys.json") if DEBUG else ""
)

# Rights screening (appui.rights): OpenFisca-France in process, or a remote OpenFisca Web API.
APPUI_RIGHTS_ENGINE = os.environ.get("APPUI_RIGHTS_ENGINE", "inprocess")  # or "webapi"
APPUI_OPENFISCA_API_URL = os.environ.get("APPUI_OPENFISCA_API_URL", "http://127.0.0.1:5000")
APPUI_OPENFISCA_API_TIMEOUT = float(os.environ.get("APPUI_OPENFISCA_API_TIMEOUT", "30"))
APPUI_RIGHTS_WORKERS = int(os.environ.get("APPUI_RIGHTS_WORKERS", "0")) or None

# Audit: personal fields of events are erased after this many days (CNIL: access logs kept 6 to 12 months).
# The database keeps its own copy, which its triggers enforce and let the application lengthen only; the longer
# of the two applies (docs/audit.md).
APPUI_AUDIT_PERSONAL_RETENTION_DAYS = int(os.environ.get("APPUI_AUDIT_PERSONAL_RETENTION_DAYS", "365"))
# Audit key ring (appui.audit.keys): HMAC keys sealing the audit chain, outside the database, distinct from
# SECRET_KEY and from the field keys. `make run` creates var/audit-keys.json for development.
APPUI_AUDIT_KEYS_FILE = os.environ.get(
    "APPUI_AUDIT_KEYS_FILE", str(BASE_DIR / "var" / "audit-keys.json") if DEBUG else ""
)
# Directory the DPO keeps, outside the database, where `verify_audit --anchor` appends the signed chain head.
APPUI_AUDIT_ANCHOR_DIR = os.environ.get(
    "APPUI_AUDIT_ANCHOR_DIR", str(BASE_DIR / "var" / "audit-anchors") if DEBUG else ""
)
# An event still unlinked this long after it was written is reported by verify_audit.
APPUI_AUDIT_LINK_GRACE_SECONDS = int(os.environ.get("APPUI_AUDIT_LINK_GRACE_SECONDS", "300"))

# Background work (appui.runtime): Django's Tasks framework (the django-tasks backport of Django 6's
# django.tasks) with its database backend: no extra server, on SQLite as on PostgreSQL. Workers are
# `manage.py run_worker` processes, on any number of machines sharing the database (docs/production.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The diagnostic's person mode locks after this many seconds without an answer (shared tablet).
APPUI_PERSON_MODE_IDLE_SECONDS = int(os.environ.get("APPUI_PERSON_MODE_IDLE_SECONDS", "600"))
APPUI_WORKER_POLL_SECONDS = float(os.environ.get("APPUI_WORKER_POLL_SECONDS", "0.25"))
APPUI_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("APPUI_WORKER_HEARTBEAT_SECONDS", "5"))
# A worker silent for this long is lost: its tasks go back to the queue for another worker.
APPUI_WORKER_LOST_AFTER = float(os.environ.get("APPUI_WORKER_LOST_AFTER", "30"))
APPUI_TASK_MAX_ATTEMPTS = int(os.environ.get("APPUI_TASK_MAX_ATTEMPTS", "3"))
APPUI_TASK_RETRY_DELAYS = tuple(
    float(s) for s in os.environ.get("APPUI_TASK_RETRY_DELAYS", "10,60").split(",") if s.strip()
)
APPUI_TASK_HISTORY_DAYS = int(os.environ.get("APPUI_TASK_HISTORY_DAYS", "14"))
APPUI_SCHEDULE_HISTORY_DAYS = int(os.environ.get("APPUI_SCHEDULE_HISTORY_DAYS", "90"))
# Caseload screenings: households per chunk task, and caseload jobs running at once in one structure.
APPUI_CASELOAD_CHUNK_SIZE = int(os.environ.get("APPUI_CASELOAD_CHUNK_SIZE", "10000"))
APPUI_CASELOAD_MAX_RUNNING = int(os.environ.get("APPUI_CASELOAD_MAX_RUNNING", "1"))
# Imports of directory files from the web run within the request: larger files go through
# `manage.py import_places` (see docs/annuaire.md).
APPUI_PLACES_WEB_IMPORT_MAX_BYTES = int(os.environ.get("APPUI_PLACES_WEB_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

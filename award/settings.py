"""Settings for the award platform. Every deployment knob is an environment variable;
the defaults are safe for development on SQLite and documented in README.md."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from award.env import database_settings, email_settings, env_bool, env_int, env_list, env_str, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, so that its translation admin classes patch the admin's forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "axes",
    "csp",
    "award",
    "submissions",
    "scoring",
    "reports",
    # After reports: its `db_worker` (the library's worker plus the sweep for jobs of dead
    # workers, reports/jobs.py) takes the place of django_tasks_db's.
    "django_tasks",
    "django_tasks_db",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Its process_exception runs after every inner middleware's: a lost database connection
    # raised by a view becomes a 503 with Retry-After (award/db_outage.py).
    "award.db_outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "award.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "award.urls"
WSGI_APPLICATION = "award.wsgi.application"
ASGI_APPLICATION = "award.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "award.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default (a file at SQLITE_PATH); DATABASE_URL names any other database,
# SQLite included. Every SQLite database gets the same locking options (award.env.SQLITE_OPTIONS).
DATABASES = {
    "default": database_settings(
        env_str("DATABASE_URL"),
        sqlite_path=env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        sqlite_test_path=env_str("SQLITE_TEST_PATH"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "award.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # django-axes refuses logins of locked-out account/address pairs before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("sk", _("Slovak")),
    ("cs", _("Czech")),
    ("pl", _("Polish")),
    ("hu", _("Hungarian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates, numbers and money as each language writes them (award/formats/<lang>/formats.py
# overrides Django's defaults where they differ from the award's house style).
FORMAT_MODULE_PATH = ["award.formats"]
# Not grouped everywhere: ids, years, page numbers and references are printed by plain
# {{ value }} in links and form values. Amounts and large counts are grouped on purpose with the
# |money and |number filters (award/templatetags/award_format.py).
USE_THOUSAND_SEPARATOR = False

# Organiser-typed content (edition, categories, criteria, rounds, special awards) is stored per
# language (award/translation.py, scoring/translation.py) and shown in the reader's language;
# an empty translation falls back to English, which is the one language that must be filled in.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "sk", "cs", "pl", "hu")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",)}
MODELTRANSLATION_AUTO_POPULATE = "default"
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Bratislava")
LANGUAGE_COOKIE_NAME = "award_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded files are private: they live outside every static folder (or in a private S3
# bucket, see award.env.media_storage), there is no MEDIA_URL route, and they are only ever
# streamed by views that check permission.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

globals().update(email_settings(env_str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = globals().get("DEFAULT_FROM_EMAIL", env_str("DEFAULT_FROM_EMAIL", "award@localhost"))

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A worker holds a job for this long and renews it every third of it while it works; a job whose
# worker stopped renewing is started again on another worker, at most JOB_MAX_ATTEMPTS starts in all.
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "award.api_common.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "award.api_common.AllowListedOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "award.api_common.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "award.api_common.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "V4 Smart Project Award API",
    "DESCRIPTION": "Editions, applications, jury assignments and scores, rankings, results and certificates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or a `kind`: one named schema per choice set.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "submissions.enums.ProjectStatus",
        "AssignmentStatusEnum": "scoring.enums.AssignmentStatus",
        "ResultKindEnum": "scoring.enums.ResultKind",
        "CertificateKindEnum": "reports.enums.CertificateKind",
        "JobStatusEnum": "reports.enums.JobStatus",
        "ExportKindEnum": "reports.enums.ExportKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "award.api_common.schema_blank_uris",
    ],
    "SWAGGER_UI_DIST": STATIC_URL + "vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "vendor/swagger-ui/favicon-32x32.png",
}

# --- Security -----------------------------------------------------------------------------
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Organisers hold the keys to every application and score: their sessions end after 12 hours
# (award.signals sets it at login); everyone else's after two weeks.
ORGANISER_SESSION_SECONDS = 12 * 3600
SESSION_COOKIE_AGE = 14 * 24 * 3600

# HTTPS settings are on whenever DEBUG is off; each can be turned off by its variable for a
# plain-HTTP loopback run (the load test), never in a real deployment.
_secure = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _secure)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _secure)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _secure)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _secure)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _secure)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts anywhere: scripts come from our own static files only. Inline style
# attributes stay allowed (progress bars, chart sizes), scripts never.
_csp_key = "CONTENT_SECURITY_POLICY" if env_bool("CSP_ENFORCE", True) else "CONTENT_SECURITY_POLICY_REPORT_ONLY"
globals()[_csp_key] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login protection: 5 failures for one account from one address lock that pair out for
# 15 minutes. Attempts live in the database, so every web process sees the same count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "award.security.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
if env_bool("TRUST_X_FORWARDED_FOR", False):
    AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "award.security.JsonLogFormatter"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": env_str("LOG_FORMAT", "plain")}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

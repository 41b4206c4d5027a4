"""Settings, read from the environment.

Development works straight after checkout (SQLite file, debug on). Production mode
(``PERFBUDGET_ENV=production``) refuses to start with ``DEBUG`` on or without a real ``SECRET_KEY``.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from perfbudget.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = BASE_DIR.parent / "shared"

ENVIRONMENT = env_str("PERFBUDGET_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"PERFBUDGET_ENV must be development, test or production, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET_KEY = "django-insecure-perfbudget-development-only"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (unset it or set DEBUG=false)")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("Production needs a real SECRET_KEY: at least 50 random characters")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks.backends.database",
    "core",
    "indicators",
    "declarations",
    "evaluations",
    "monitoring",
    "publication",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Scripts only from our own static files (no inline script, no on* handler: tests/core/test_headers.py
# renders the pages and checks); inline style attributes are allowed (column widths of the official
# tables); data: images are Bootstrap's icons.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ROOT_URLCONF = "perfbudget.urls"
WSGI_APPLICATION = "perfbudget.wsgi.application"
ASGI_APPLICATION = "perfbudget.asgi.application"

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
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": parse_database_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (core/throttle.py): failures of one username, or from one address, within the
# window lock it for the lockout; counted in the database (LoginAttempt) so every server agrees.
AUTHENTICATION_BACKENDS = ["core.throttle.ThrottledModelBackend"]
LOGIN_THROTTLE = {
    "username_failures": 5,
    "address_failures": 20,
    "window_seconds": 900,
    "lockout_seconds": 900,
}
# Proxies whose X-Forwarded-For names the client (nginx on the same host: the default).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Argon2id first (Django's documented recommendation; argon2-cffi via django[argon2]): new passwords
# and every sign-in with an older PBKDF2 hash are stored as Argon2id; the PBKDF2 hashers stay to check
# (and upgrade) existing hashes. Why, and what it costs per sign-in: docs/benchmarks.md.
SECURE_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_HASHERS = SECURE_PASSWORD_HASHERS
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Django's zh-hans locale has no thousands separator; ours prints and parses 4,855.11.
FORMAT_MODULE_PATH = ["perfbudget.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

if PRODUCTION:
    # Static files straight from the app servers: compressed, cache-busted names (after collectstatic).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Batch exports run as background jobs: django-tasks with its database backend, so app servers and
# workers share nothing but PostgreSQL (run workers with `manage.py db_worker`; see docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
# A running export job whose worker wrote no heartbeat for this long is failed (its worker died) and
# can be retried from its page; a worker writes one at least after every department.
EXPORT_JOB_LEASE = timedelta(minutes=5)
# A save queues the render of the form's PDFs this long afterwards, in the worker
# (core/exports/prerender.py); a form saved again meanwhile is rendered once, after its last save.
PDF_PRERENDER_DELAY = timedelta(seconds=env_int("PDF_PRERENDER_DELAY_SECONDS", 60))

# The site's public address: printed (with a QR code) in every frozen PDF's footer as the address of
# its verification page, so it must be the address citizens reach (https://… in production).
PERFBUDGET_PUBLIC_URL = env_str("PERFBUDGET_PUBLIC_URL", "http://127.0.0.1:8000")
if not PERFBUDGET_PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"PERFBUDGET_PUBLIC_URL must start with http:// or https://, got {PERFBUDGET_PUBLIC_URL!r}"
    )
# Worker processes that render a district's files in parallel (default: one per CPU core).
PERFBUDGET_EXPORT_WORKERS = env_int("PERFBUDGET_EXPORT_WORKERS", os.cpu_count() or 1)
if PERFBUDGET_EXPORT_WORKERS < 1:
    raise ImproperlyConfigured(
        f"PERFBUDGET_EXPORT_WORKERS must be at least 1, got {PERFBUDGET_EXPORT_WORKERS}"
    )

# Uploads: an XLSX or a pasted project table is far below these; anything bigger is refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
# Every uploaded XLSX is checked against core.exports.limits.XlsxLimits before openpyxl opens it
# (inflated size, compression ratio, rows, columns, cells); keys here override its defaults.
XLSX_LIMITS: dict[str, int] = {}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's form renderer with the stock <input>/<textarea> written in Python: same HTML, a fraction of
# the CPU on pages of a few hundred inputs (core/renderers.py).
FORM_RENDERER = "core.renderers.FastRenderer"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Off only for a load test over plain HTTP on 127.0.0.1 (scripts/loadtest.sh).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

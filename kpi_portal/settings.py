"""Settings for the KPI Portal, read from the environment (see .env.example)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kpi_portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# DEBUG is off unless the development command turns it on.
DEBUG = env_bool("DEBUG", default=False)

_INSECURE_KEY_PREFIX = "insecure-dev-only-"
# .env.example's value: a copied example must not reach production as the key.
_PLACEHOLDER_KEYS = {"replace-me-with-a-long-random-value"}
SECRET_KEY = env_str("SECRET_KEY", default=_INSECURE_KEY_PREFIX + "not-for-production").strip()
if not DEBUG and (
    not SECRET_KEY or SECRET_KEY.startswith(_INSECURE_KEY_PREFIX) or SECRET_KEY in _PLACEHOLDER_KEYS
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "pgtrigger",
    "django_tasks_db",
    "axes",
    "pghistory",
    "kpi_portal",
    # The portal's apps, each importing only those above it in this list
    # (checked by the import contract in pyproject.toml).
    "districts",
    "indicators",
    "reports",
    "evaluation",
    "printing",
    "exchange",
    "public",
    "api",
    "dashboards",
    "search",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    "kpi_portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files under gunicorn, with far-future caching.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kpi_portal.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every signed-in HTML page.
    "kpi_portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kpi_portal.middleware.HtmxLoginRequiredMiddleware",
    # Attaches the signed-in user and URL to every history row written by
    # the database triggers during the request.
    "pghistory.middleware.HistoryMiddleware",
    # Login throttling; must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpi_portal.urls"

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
                "django.template.context_processors.csp",
                "districts.context_processors.membership",
                "indicators.context_processors.quarters",
            ],
        },
    },
]

WSGI_APPLICATION = "kpi_portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/kpi_portal"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
# A read replica of the same database (streaming replication), optional: the
# dashboards, the exports and the API read published and reference data from it
# (kpi_portal/replica.py). Without one, everything reads from the primary. Tests
# see it as the same database under a second alias (TEST MIRROR).
_REPLICA_URL = env_str("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA: str | None = None
if _REPLICA_URL:
    DATABASE_REPLICA = "replica"
    DATABASES[DATABASE_REPLICA] = {
        **dj_database_url.parse(
            _REPLICA_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["kpi_portal.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After 5 failed sign-ins for one username from one address, that pair waits
# 15 minutes; a successful sign-in clears the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address: X-Forwarded-For counts only when the connection comes from
# one of these proxies (addresses or networks; "unix" for a Unix-socket peer, which
# has no address). The default trusts a proxy on the same machine: nginx reaching
# gunicorn over the loopback or a Unix socket. docker-compose.yml sets nginx's
# fixed container address. Anything else is taken at its connection's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", default=["127.0.0.1", "::1", "unix"])
for _proxy in TRUSTED_PROXIES:
    if _proxy != "unix":
        try:
            ipaddress.ip_network(_proxy, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES lists addresses, networks or unix, not {_proxy!r}."
            ) from None
AXES_CLIENT_IP_CALLABLE = "kpi_portal.login.client_address"
# Guessing one username from many addresses (kpi_portal/login.py): after this many
# failures for it in the cool-off window, an address it never signed in from waits
# LOGIN_SLOWDOWN_SECONDS before its next try, doubling with each further failure up
# to LOGIN_SLOWDOWN_MAX_SECONDS. 0 turns the slowdown off.
LOGIN_SLOWDOWN_AFTER = env_int("LOGIN_SLOWDOWN_AFTER", default=10)
LOGIN_SLOWDOWN_SECONDS = env_int("LOGIN_SLOWDOWN_SECONDS", default=1)
LOGIN_SLOWDOWN_MAX_SECONDS = env_int("LOGIN_SLOWDOWN_MAX_SECONDS", default=60)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Evidence, imports, exports and printed files: on the local disk (MEDIA_ROOT) by
# default; with STORAGE_BACKEND=s3 in an S3-compatible bucket, which every web and
# print worker host reads and writes alike (docs/scaling.md).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND not in ("local", "s3"):
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}.")
_DEFAULT_STORAGE: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            # Empty: AWS itself; otherwise the S3 API of MinIO, Ceph, a cloud's own.
            "endpoint_url": env_str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env_str("S3_REGION", default="") or None,
            # Empty: boto3's own lookup (instance role, AWS_* variables, ~/.aws).
            "access_key": env_str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", default="") or None,
            # Objects under this prefix, so that one bucket may hold several portals.
            "location": env_str("S3_PREFIX", default=""),
            # Path-style URLs work with every S3-compatible server.
            "addressing_style": env_str("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            # Never overwrite: two uploads of the same name keep both (as on disk).
            "file_overwrite": False,
            # Private objects, served only through the views that check access.
            "default_acl": None,
            "querystring_auth": True,
        },
    }
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded evidence lives outside the static tree and is served only through
# views that check who may see it; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# Quotas (reports/services.py): evidence files and their total size per report and
# per district in a fiscal year, and letters cited per report. Past one, the upload
# is refused with a Thai message beside its field, and nothing is saved.
EVIDENCE_MAX_FILES_PER_REPORT = env_int("EVIDENCE_MAX_FILES_PER_REPORT", default=20)
EVIDENCE_MAX_BYTES_PER_REPORT = env_int("EVIDENCE_MAX_BYTES_PER_REPORT", default=100 * 1024 * 1024)
EVIDENCE_MAX_FILES_PER_DISTRICT_YEAR = env_int("EVIDENCE_MAX_FILES_PER_DISTRICT_YEAR", default=3000)
EVIDENCE_MAX_BYTES_PER_DISTRICT_YEAR = env_int(
    "EVIDENCE_MAX_BYTES_PER_DISTRICT_YEAR", default=5 * 1024 * 1024 * 1024
)
LETTERS_MAX_PER_REPORT = env_int("LETTERS_MAX_PER_REPORT", default=50)
# Excel imports (exchange): the largest upload, what it may unpack to (a zip bomb is
# refused before openpyxl reads it), the most data rows, and above how many rows the
# dry run and the apply run as a background task with a progress bar.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", default=500)

# The reporting calendar (docs/design.md, "Reporting calendar"). A report the
# office returns or reopens after (or close to) its deadline may be corrected for
# this many days more; the extension is granted automatically, with its reason.
REPORT_GRACE_DAYS = env_int("REPORT_GRACE_DAYS", default=7)
# What a report must hold before it can be submitted, per measurement kind:
# "entry" (what produces the result: a ratio update, a step done, the typed
# result), "narrative", "evidence" (a file or a letter).
REPORT_REQUIRED_CONTENT = {
    "ratio": tuple(env_list("REPORT_REQUIRED_RATIO", default=["entry", "narrative"])),
    "milestones": tuple(env_list("REPORT_REQUIRED_MILESTONES", default=["entry", "narrative"])),
    "value": tuple(env_list("REPORT_REQUIRED_VALUE", default=["entry", "narrative"])),
}
for _kind, _items in REPORT_REQUIRED_CONTENT.items():
    if set(_items) - {"entry", "narrative", "evidence"}:
        raise ImproperlyConfigured(
            f"REPORT_REQUIRED_{_kind.upper()} may list only entry, narrative and evidence, "
            f"not {', '.join(sorted(set(_items) - {'entry', 'narrative', 'evidence'}))}."
        )
# A district's weighted score (evaluation/scorecard.py): an assigned indicator
# without a published evaluation counts as a score of 0 ("zero", the agreement's
# rule: what is not reported earns nothing) or is left out of the average with
# its weight ("omit"). Either way the scorecard shows it as not reported.
SCORECARD_UNREPORTED = env_str("SCORECARD_UNREPORTED", default="zero")
if SCORECARD_UNREPORTED not in ("zero", "omit"):
    raise ImproperlyConfigured(
        f"SCORECARD_UNREPORTED must be zero or omit, not {SCORECARD_UNREPORTED!r}."
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Which cache keeps the rendered public pages ("public" below).
_PUBLIC_CACHE_BACKEND = env_str(
    "PUBLIC_CACHE_BACKEND", default="django.core.cache.backends.locmem.LocMemCache"
)
# Rendered PDFs are cached by a digest of the data they show (printing/pdf.py), in
# a table of the database (created by printing's migration 0004): every web worker
# and print worker, on any host, finds what another rendered.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pdf": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "printing_pdf_cache",
        # A sheet keeps up to two PDFs (the sheet and its booklet body) and a city has
        # 5,000 sheets a year: room for two years before the oldest are culled.
        "OPTIONS": {"MAX_ENTRIES": env_int("PDF_CACHE_MAX_ENTRIES", default=25000)},
    },
    # Rendered public pages (public/cache.py), keyed by the public version. LocMem
    # is per process; production with several workers should point this at a shared
    # cache (PUBLIC_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache,
    # PUBLIC_CACHE_LOCATION=redis://...) so that one worker renders for all.
    "public": {
        "BACKEND": _PUBLIC_CACHE_BACKEND,
        "LOCATION": env_str("PUBLIC_CACHE_LOCATION", default="public-pages"),
        "TIMEOUT": env_int("PUBLIC_CACHE_SECONDS", default=60 * 60),
        # Bounded memory: LocMem culls a third of its entries when it is full.
        **(
            {"OPTIONS": {"MAX_ENTRIES": env_int("PUBLIC_CACHE_MAX_ENTRIES", default=1000)}}
            if _PUBLIC_CACHE_BACKEND.endswith("LocMemCache")
            else {}
        ),
    },
    # The office matrix's rendered table (evaluation/cache.py), compressed (a full
    # quarter is ~1.3 MB of HTML, ~90 KB stored), keyed by its quarter's version.
    # Per process: each worker renders a version once.
    "matrix": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "office-matrix",
        "TIMEOUT": env_int("MATRIX_CACHE_SECONDS", default=60 * 60),
        "OPTIONS": {"MAX_ENTRIES": env_int("MATRIX_CACHE_MAX_ENTRIES", default=200)},
    },
}
# How long a browser or a CDN may keep a public page (Cache-Control: public, max-age).
PUBLIC_MAX_AGE = env_int("PUBLIC_MAX_AGE", default=60)

# Background work (booklets, quarter summaries) through Django's tasks framework,
# queued in PostgreSQL and run by `manage.py db_worker` (no extra server).
# History rows get the acting user from requests that write; GETs write
# nothing, so they need not load the session and user for it.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PRINT_JOB_ATTEMPTS = env_int("PRINT_JOB_ATTEMPTS", default=3)
# A running job whose worker has not reported for this long is queued again.
PRINT_JOB_STALE_SECONDS = env_int("PRINT_JOB_STALE_SECONDS", default=600)
# Sheet PDFs are printed by the worker too, so that no request renders one (a sheet
# with the longest narratives the form takes: 184 pages, about 75 s). A request
# waits this long for a quick one before it shows the "preparing" page.
PRINT_SHEET_WAIT_MS = env_int("PRINT_SHEET_WAIT_MS", default=1000)
# Hard limits of one rendering in the worker: past them the job fails at once with
# a Thai message (trying again would not help), and the worker moves on.
PRINT_SHEET_SECONDS = env_int("PRINT_SHEET_SECONDS", default=180)
PRINT_SHEET_MAX_PAGES = env_int("PRINT_SHEET_MAX_PAGES", default=500)
PRINT_JOB_SECONDS = env_int("PRINT_JOB_SECONDS", default=540)
PRINT_JOB_MAX_PAGES = env_int("PRINT_JOB_MAX_PAGES", default=5000)
if 0 < PRINT_JOB_STALE_SECONDS <= max(PRINT_SHEET_SECONDS, PRINT_JOB_SECONDS):
    # A rendering reports no progress: one longer than the staleness would be
    # queued again by recovery while it still runs (0, "every running job is
    # stale at once", is the tests' deliberate exception).
    raise ImproperlyConfigured(
        "PRINT_SHEET_SECONDS and PRINT_JOB_SECONDS must be below PRINT_JOB_STALE_SECONDS"
    )
# Pending booklets and summaries per person (and, counted apart, pending sheets);
# the same request while one is pending gets the pending one.
PRINT_PENDING_PER_PERSON = env_int("PRINT_PENDING_PER_PERSON", default=3)
# Public sheets waiting to be printed, all visitors together.
PRINT_PUBLIC_PENDING = env_int("PRINT_PUBLIC_PENDING", default=20)
# Finished print files are deleted after this many days (the job row stays, expired).
PRINT_FILES_KEEP_DAYS = env_int("PRINT_FILES_KEEP_DAYS", default=7)
# The worker renders a sheet ahead once its data has been still this long (seconds;
# printing.ahead), at most this many sheets queued per tick.
PRINT_AHEAD_DELAY_SECONDS = env_int("PRINT_AHEAD_DELAY_SECONDS", default=60)
PRINT_AHEAD_BATCH = env_int("PRINT_AHEAD_BATCH", default=200)
# The most agencies the office matrix shows in one table: with more (the national
# simulation's 7,900), it opens on one zone group (a province) and has no "all".
MATRIX_MAX_ROWS = env_int("MATRIX_MAX_ROWS", default=500)

# Notifications (the notifications app). Mail goes through Django's mailers:
# SMTP in production; with DEBUG on and no EMAIL_HOST, the console (bin/run says so).
_MAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG and not env_str("EMAIL_HOST", default="")
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", default="localhost"),
                "port": env_int("EMAIL_PORT", default=25),
                "username": env_str("EMAIL_HOST_USER", default=""),
                "password": env_str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
                "timeout": env_int("EMAIL_TIMEOUT", default=20),
            }
            if _MAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="KPI Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_MESSAGE_ID_DOMAIN = env_str("EMAIL_MESSAGE_ID_DOMAIN", default="kpi-portal.invalid")
# The address links in emails start with (no request to take it from).
PORTAL_URL = env_str("PORTAL_URL", default="http://127.0.0.1:8000")
# Sending: tries per message, the first retry's wait (each next one 5x longer),
# and how long a message may stay "sending" before its worker is taken for dead.
EMAIL_ATTEMPTS = env_int("EMAIL_ATTEMPTS", default=5)
EMAIL_RETRY_SECONDS = env_int("EMAIL_RETRY_SECONDS", default=60)
EMAIL_SENDING_STALE_SECONDS = env_int("EMAIL_SENDING_STALE_SECONDS", default=600)
# Reminders this many days before each deadline, to districts that still owe
# reports; the daily run (reminders, publications, the office's digest) at this
# local time; the office's "remind now" at most once per district and quarter
# in this many minutes; how often the bell looks for news.
NOTIFY_REMINDER_DAYS = [int(d) for d in env_list("NOTIFY_REMINDER_DAYS", default=["7", "1"])]
NOTIFY_DAILY_AT = dt.time.fromisoformat(env_str("NOTIFY_DAILY_AT", default="07:00"))
NOTIFY_MANUAL_COOLDOWN_MINUTES = env_int("NOTIFY_MANUAL_COOLDOWN_MINUTES", default=360)
NOTIFY_POLL_SECONDS = env_int("NOTIFY_POLL_SECONDS", default=60)
# The daily run forgets notifications older than this, and emails sent, failed
# or of unknown fate older than that (at least 30 days either way).
NOTIFY_KEEP_DAYS = env_int("NOTIFY_KEEP_DAYS", default=365)
EMAIL_KEEP_DAYS = env_int("EMAIL_KEEP_DAYS", default=90)
# Run by the print worker beside its tasks (kpi_portal.schedule): path, seconds.
PERIODIC_JOBS = [
    ("notifications.services.tick", env_int("NOTIFY_TICK_SECONDS", default=15)),
    ("printing.services.print_files_expire", 60 * 60),
    ("printing.ahead.sheets_ahead", env_int("PRINT_AHEAD_TICK_SECONDS", default=15)),
]

# Content-security policy (Django 6 built-in): no inline scripts or styles,
# nothing loaded from other origins.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload directive only states consent; the domain joins browsers' list
    # only if its owner submits it at hstspreload.org.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every layout step at INFO.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "kpi_portal.views.csrf_failure"

# The agencies' API (api/): requests per token per minute and per Bangkok day,
# counted in this cache (a shared one in production, so every worker counts),
# and the page sizes of its lists.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", default=60)
API_RATE_PER_DAY = env_int("API_RATE_PER_DAY", default=10_000)
API_RATE_CACHE = env_str("API_RATE_CACHE", default="default")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", default=100)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", default=1000)

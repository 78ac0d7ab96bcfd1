"""Mutua settings, read from the environment (see the configuration table in README.md).

With nothing set, Mutua runs on embedded defaults: SQLite in WAL mode, an in-memory channel
layer, a local-memory cache and a Celery broker in a folder. `DATABASE_URL` and `REDIS_URL`
switch to PostgreSQL and Redis; `DJANGO_ENV=production` turns on the deploy hardening.
"""

from __future__ import annotations

import os
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import brand, env

# Lets typed code write ModelAdmin[Case] and friends at run time, as the type checker reads it.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUTUA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "development-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS = env.env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Sign-in with a brand's identity provider, Google or Apple, each shown when configured.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.apple",
    "django_htmx",
    "community",
    "gamification",
    "support",
    "notifications",
]

MIDDLEWARE = [
    # Outermost: a database too busy to hand out a connection is a 503, not a 500.
    "config.overload.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # JSON errors under /api/, no NUL reaching the database, 503 when a fail-closed check
    # can't reach Redis (config/middleware.py).
    "config.middleware.ApiErrorMiddleware",
    "config.middleware.RejectNulMiddleware",
    "config.middleware.CacheUnavailableMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Staff without a second factor are sent to set one up (community/second_factor.py).
    "community.second_factor.StaffSecondFactorMiddleware",
]

# The brand a deployment wears (config/brand.py, README "Brand"): BRAND_NAME, BRAND_LOGO,
# BRAND_ACCENT and BRAND_CURRENCY, checked at start.
_brand = brand.env_settings(os.environ)
BRAND_NAME = _brand["BRAND_NAME"]
BRAND_LOGO = _brand["BRAND_LOGO"]
BRAND_ACCENT = _brand["BRAND_ACCENT"]
BRAND_CURRENCY = _brand["BRAND_CURRENCY"]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

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
                "notifications.context_processors.unread_notifications",
                "config.brand.context_processor",
            ],
            # {{ amount|money }}, {{ name|rank_label }} in every template (config/formatting.py).
            "builtins": ["config.formatting"],
        },
    },
]

# On PostgreSQL, each process keeps a bounded pool of connections (DB_POOL_MIN_SIZE,
# DB_POOL_MAX_SIZE, DB_POOL_TIMEOUT; DB_POOL=off to go without). A request that waits longer
# than the timeout for a connection is answered 503 with Retry-After (config.overload).
DATABASES = {
    "default": env.database_config(
        os.environ.get("DATABASE_URL"),
        default_sqlite_path=VAR_DIR / "mutua.sqlite3",
        pool=env.database_pool_options(),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL") or None
CACHES = env.cache_config(REDIS_URL)
# The thread page's shared rows (community/threadpage.py) need a cache every process sees: a
# change made by the worker or a management command must reach the web server's readers at
# once, and the local-memory cache of the embedded mode is each process's own.
COMMUNITY_SHARED_ROWS = REDIS_URL is not None
# With Redis, a member's session is read from the cache (the database keeps it and is read
# on a miss, as while Redis is down): one query less on every page a member opens. Not with
# the local-memory cache, which each process would keep apart (a sign-out in one process
# would go unseen by another).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
CHANNEL_LAYERS = env.channel_layers_config(REDIS_URL)
# Sockets look for new notifications this often when pushes can't cross processes (the
# in-memory layer of the embedded mode); with Redis every process hears every push.
NOTIFICATIONS_POLL_SECONDS = float(
    os.environ.get("NOTIFICATIONS_POLL_SECONDS", "0" if REDIS_URL else "3")
)

AUTH_USER_MODEL = "community.Member"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Ranks unlock privileges as permissions (gamification/privileges.py).
    "gamification.backends.RankPrivilegeBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: username and email to sign in; the address must be confirmed.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_BLACKLIST = ["admin", "staff", "support", "mutua", "moderator", "agent", "me"]
ACCOUNT_FORMS = {"signup": "community.forms.MemberSignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{BRAND_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"

# Single sign-on (README, "Single sign-on"): the providers the environment configures. A
# provider's account signs in to the member with the same address only when both sides have it
# verified (community.adapters.SocialAccountAdapter); otherwise it is a new member, whose address
# is confirmed as any other unless the provider vouches for it.
SOCIALACCOUNT_PROVIDERS = env.social_providers()
SOCIALACCOUNT_ADAPTER = "community.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # a sign-in starts from a POST (CSRF), not a link
SOCIALACCOUNT_STORE_TOKENS = False

# Second factors (allauth's mfa app, /accounts/2fa/): an authenticator app (TOTP) with
# recovery codes, and security keys or passkeys (WebAuthn, which browsers allow on https or
# localhost). Staff (agents, moderators, admins) must have one before any staff page or API
# call works; MFA_REQUIRED_FOR_STAFF=false lifts that, for a local look around only.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Mutua")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_REQUIRED_FOR_STAFF = env.env_bool("MFA_REQUIRED_FOR_STAFF", default=True)
if PRODUCTION and not MFA_REQUIRED_FOR_STAFF:
    raise ImproperlyConfigured("MFA_REQUIRED_FOR_STAFF cannot be turned off in production.")

# British English is the default (dates day first, the 24-hour clock, pounds); a browser
# asking for any English gets it. config/formats/ adjusts Django's date formats, and
# config/formatting.py formats money and rank names for the active language.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("it", _("Italian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media is served by Django only where no front server does it (development, `make run`).
SERVE_MEDIA = env.env_bool("SERVE_MEDIA", default=not PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads bigger than this are refused before Django reads them; the image checks
# (community.images) give the friendly 5 MB message below it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587" if PRODUCTION else "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.env_bool("EMAIL_USE_TLS", default=PRODUCTION)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", f"{BRAND_NAME} <community@mutua.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where members reach the site: the start of every absolute link (emails, which a worker
# writes without a request to take the host from). No trailing slash. Without SITE_URL,
# the address `make run` serves on (HOST and PORT).
SITE_URL = env.site_url(os.environ)

REST_FRAMEWORK = {
    # Token first: an anonymous API client gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Both refuse staff without a second factor (community/second_factor.py).
        "community.second_factor.SecondFactorTokenAuthentication",
        "community.second_factor.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Services' ValidationError, PermissionDenied, Conflict and RateLimited become 400, 403,
    # 409 and 429 (docs/api.md, Conventions).
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Deeply nested JSON is a 400, not a RecursionError (config/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # auth_token per client address, auth_token_account per username tried (config.throttling).
    "DEFAULT_THROTTLE_RATES": {"auth_token": "10/min", "auth_token_account": "20/hour"},
    "PAGE_SIZE": 20,
}
# Content-Security-Policy (django-csp, enforced, not report-only): scripts and styles only from
# Mutua's own files, no inline script, no inline event handler, no inline style, no eval.
# config/csp.py adds the live client's WebSocket origin to connect-src. The Swagger UI page
# relaxes styles and images for itself only (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env.url_origins([BRAND_LOGO])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # A sign-in with a provider posts here, then redirects to the provider's page.
        "form-action": ["'self'", *env.sign_in_origins(SOCIALACCOUNT_PROVIDERS)],
        "frame-ancestors": ["'none'"],
    }
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mutua API",
    "DESCRIPTION": "The public interface of the Mutua community support forum.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI's files come from drf-spectacular-sidecar: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Thread and case statuses both have "open" (and so would flags'): name each enum after
    # its model's choices instead of letting drf-spectacular guess and warn.
    "ENUM_NAME_OVERRIDES": {
        "ThreadStatusEnum": "community.models.ThreadStatus",
        "CaseStatusEnum": "support.cases.models.CaseStatus",
        "CaseReasonEnum": "support.cases.models.CaseReason",
        "CasePriorityEnum": "support.cases.models.CasePriority",
        "FlagKindEnum": "support.moderation.models.FlagKind",
        "FlagStatusEnum": "support.moderation.models.FlagStatus",
        "KnownIssueStatusEnum": "support.known_issues.models.KnownIssueStatus",
        "WebhookEventEnum": "notifications.webhooks.models.WebhookEvent",
        "WebhookDeliveryStatusEnum": "notifications.webhooks.models.DeliveryStatus",
    },
}

# Celery: a worker and the beat scheduler are separate processes in every mode.
_broker = env.celery_broker_config(REDIS_URL, queue_dir=VAR_DIR / "celery")
CELERY_BROKER_URL = _broker["url"]
CELERY_BROKER_TRANSPORT_OPTIONS = _broker["transport_options"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# At least once: acknowledged after running, requeued if the worker dies under a task (every
# task is idempotent); the broker's visibility timeout (config.env) brings back what a
# killed worker had reserved.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# Frequent jobs run on an interval; hourly and daily ones at fixed times of the community's
# day (CELERY_TIMEZONE), so a restart of beat neither skips nor repeats them.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "escalate-overdue": {"task": "support.escalate_overdue", "schedule": 60.0},
    "trending-alert": {"task": "support.trending_alert", "schedule": 300.0},
    "expire-sanctions": {"task": "support.sanctions_expire", "schedule": 300.0},
    "ask-satisfaction": {"task": "support.satisfaction_ask_due", "schedule": 60.0},
    "route-to-experts": {"task": "support.experts_route", "schedule": 60.0},
    "clear-expired-sessions": {
        "task": "community.sessions_clear_expired",
        "schedule": crontab(minute=15),
    },
    # Periods end at local midnight; a few minutes past every hour closes them promptly and
    # catches up after an outage.
    "close-payback-periods": {
        "task": "gamification.payback_close_ended",
        "schedule": crontab(minute=5),
    },
    "correct-serial-voting": {
        "task": "gamification.serial_voting_correct",
        "schedule": crontab(hour=3, minute=30),
    },
    # Each member's digest covers what came since their last one: a morning read.
    "notifications-digest": {"task": "notifications.digest", "schedule": crontab(hour=7, minute=0)},
    # Immediate emails whose task could not be queued (Redis down) or was lost.
    "notifications-outbox-sweep": {"task": "notifications.outbox_sweep", "schedule": 60.0},
    # Webhook retries that are due (back-off 1, 5, 25... minutes), and deliveries never queued.
    "notifications-webhook-sweep": {"task": "notifications.webhook_sweep", "schedule": 60.0},
}

# "Did this solve your problem?" waits this long after the asker accepts a solution: asked
# at once, it interrupts the moment she accepted; a while later (on her next visit to the
# question, and by a notification) she knows whether the fix held.
SATISFACTION_ASK_AFTER_MINUTES = env.env_int("SATISFACTION_ASK_AFTER_MINUTES", 60)

# Ask the experts (support/experts/services.py): a question still unanswered this long after
# it was asked goes to up to this many proven helpers (most solutions on its board or tags in
# the lookback), each asked at most so many times a day; the SLA scan then gives them this
# long before it escalates the question to staff.
EXPERT_ROUTING_DELAY_MINUTES = env.env_int("EXPERT_ROUTING_DELAY_MINUTES", 10)
EXPERT_HELPERS_PER_QUESTION = env.env_int("EXPERT_HELPERS_PER_QUESTION", 5)
EXPERT_REQUESTS_PER_DAY = env.env_int("EXPERT_REQUESTS_PER_DAY", 3)
EXPERT_LOOKBACK_DAYS = env.env_int("EXPERT_LOOKBACK_DAYS", 90)
EXPERT_ANSWER_MINUTES = env.env_int("EXPERT_ANSWER_MINUTES", 10)

# New members' first posts wait for a moderator (README, "Review of new members' posts"): an
# account younger than NEW_MEMBER_HOURS (the line the kudos rules draw, a day) has its
# questions and answers held in the review queue until this many of them are approved.
# 0 turns the review off.
NEW_MEMBER_REVIEW_POSTS = env.env_int("NEW_MEMBER_REVIEW_POSTS", 1)
NEW_MEMBER_HOURS = env.env_int("NEW_MEMBER_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "filters": {"client_errors": {"()": "config.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print every django.* record a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # A 403 or 400 is one warning line, without the traceback of the exception behind it.
        "django.request": {"filters": ["client_errors"]},
    },
}

# Abuse limits (README, "Security").
# How many proxies of ours stand in front of the web processes and append to X-Forwarded-For:
# 0 ignores the header (anyone can write it); with N, the client is the Nth address from the
# right. Every limit keyed on the client address reads it through config.clientip.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Client address and sign-in lock-out shared by the web sign-in and the API's token endpoint.
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
# A failed sign-in counts per address (10 a minute) and per account: 5 in 5 minutes lock
# the account out of the sign-in page and the token endpoint alike.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Image uploads (community/images.py): decodes at once per process, how long an upload waits
# for a turn before a 503, and the time bound on one image's processing.
IMAGE_DECODE_CONCURRENCY = int(os.environ.get("IMAGE_DECODE_CONCURRENCY", "2"))
IMAGE_DECODE_WAIT_SECONDS = float(os.environ.get("IMAGE_DECODE_WAIT_SECONDS", "5"))
IMAGE_DECODE_SECONDS = float(os.environ.get("IMAGE_DECODE_SECONDS", "10"))

if PRODUCTION:
    # Everything `manage.py check --deploy` asks for; TLS ends at the load balancer.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

"""Settings shared by every environment. Everything site-specific comes from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from config.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("XINFANG_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "dev-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets served locally (no CDN)
    "xinfang.accounts.vendor_apps.AxesConfig",  # django-axes, with a Chinese name in the admin
    "django_otp",
    "xinfang.accounts.vendor_apps.TOTPConfig",  # django_otp.plugins.otp_totp, likewise
    "django_tasks",  # background tasks (imports, deadline sweeps): the backport of Django 6's django.tasks
    "xinfang.accounts.vendor_apps.TasksDatabaseConfig",  # django_tasks_db: their database backend and `db_worker`
    "xinfang.core",
    "xinfang.accounts",
    "xinfang.documents",
    "xinfang.notifications",
    "xinfang.routing",
    "xinfang.petitions",
    "xinfang.deadlines",
    "xinfang.portal",
    "xinfang.screening",  # 矛盾纠纷排查, 攻坚, 作战示意图, 接访日, 下访 (above petitions)
    "xinfang.statistics",
    "xinfang.api",
    "xinfang.demo",  # demo city and volume generator: on top, imports every app, imported by none
]

# Sessions, login, second factor and messages through xinfang.core.middleware: Django's own,
# except that API calls with a token pass them by (they use none of them).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xinfang.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xinfang.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "xinfang.core.middleware.AuthenticationMiddleware",
    "xinfang.core.middleware.OTPMiddleware",
    "xinfang.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After every middleware that only wraps the response, before anything reads the input: control
    # characters and oversized bodies are refused here, once, for every door (xinfang.core.edge).
    "xinfang.core.edge.EdgeInputMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures, before the real backend
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force: lock a username+IP pair after 5 failures for 15 minutes (django-axes).
AXES_FAILURE_LIMIT = env_int("XINFANG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("XINFANG_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp 4): scripts only from this site; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "xinfang.accounts.context_processors.staff_context",
                "xinfang.statistics.context_processors.stats_nav",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xinfang.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL + busy timeout: many clerks registering at once must wait, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that needs no round trip (xinfang/core/db/postgresql).
        DATABASES["default"]["ENGINE"] = "xinfang.core.db.postgresql"

# Background tasks (xinfang/*/tasks.py) are rows in the database, run by `manage.py db_worker`: no broker
# for the embedded default; on PostgreSQL workers on other machines take tasks with SKIP LOCKED.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Where a running import publishes its progress and heartbeat (petitions.import_jobs): on SQLite the
# import holds the write lock, so the web processes read it from this directory (same machine).
XINFANG_IMPORT_PROGRESS_DIR = Path(env_str("XINFANG_IMPORT_PROGRESS_DIR", str(VAR_DIR / "import-progress")))

# The cache holds the throttle counters (portal lookups, DRF), which must count across processes and
# machines: the database (its table is made by a migration of xinfang.portal) unless REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "xinfang_cache",
            # Expired rows are culled when the table passes MAX_ENTRIES; the default 300 would cull
            # live throttle counters under a scan.
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    }
# The REST API's request rate (per token; XINFANG_API_RATE) guards the server against a runaway client,
# not a secret against guessing: on the database cache each request would pay six statements and two
# transactions for it (bench/throttle.py, docs/performance.md), so without Redis it is counted in each
# worker's memory (a limit per process). With REDIS_URL it counts across processes like the others.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xinfang-local"}
XINFANG_API_RATE_CACHE = env_str("XINFANG_API_RATE_CACHE", "default" if REDIS_URL else "local")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "petitions:workbench"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # shown and counted in Beijing time; stored in UTC (USE_TZ)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("XINFANG_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_AGE = env_int("XINFANG_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Uploads: refuse oversized attachments in the form with a message, never a 500.
XINFANG_MAX_ATTACHMENT_BYTES = env_int("XINFANG_MAX_ATTACHMENT_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
# Kinds of attachment accepted, judged by content (xinfang/petitions/uploads.py lists the names).
XINFANG_ATTACHMENT_TYPES = env_list(
    "XINFANG_ATTACHMENT_TYPES", "pdf,jpg,png,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,txt,mp3,wav,m4a,aac,amr"
)

# Field encryption key (AES-GCM, 32 bytes urlsafe-base64). Dev/test fall back to a key file under var/.
XINFANG_FIELD_KEY = env_secret("XINFANG_FIELD_KEY", "")
XINFANG_FIELD_KEY_FILE_DEFAULT = VAR_DIR / "field.key"
# HMAC key of the blind indexes; set it before rotating the field key (see rotate_field_key).
XINFANG_INDEX_KEY = env_secret("XINFANG_INDEX_KEY", "")

# Anchors of the audit chain (xinfang/core/anchor.py, docs/operations.md "Audit anchors"): the chain's head
# signed with an Ed25519 key kept outside the database (XINFANG_ANCHOR_KEY or XINFANG_ANCHOR_KEY_FILE;
# dev/test: a key file under var/), appended to an append-only file and, where set, mailed and/or POSTed.
XINFANG_ANCHOR_KEY = env_secret("XINFANG_ANCHOR_KEY", "")
XINFANG_ANCHOR_KEY_FILE_DEFAULT = VAR_DIR / "anchor.key"
XINFANG_ANCHOR_PUBLIC_KEY = env_str("XINFANG_ANCHOR_PUBLIC_KEY", "")
XINFANG_ANCHOR_FILE = Path(env_str("XINFANG_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")))
XINFANG_ANCHOR_EMAILS = env_list("XINFANG_ANCHOR_EMAILS", "")
XINFANG_ANCHOR_URL = env_str("XINFANG_ANCHOR_URL", "")
# Short-lived download links of attachments and documents (django.core.signing.TimestampSigner), seconds.
XINFANG_DOWNLOAD_LINK_MAX_AGE = env_int("XINFANG_DOWNLOAD_LINK_MAX_AGE", 600)

# Domain settings that local practice varies ([?] in domain.md): configurable, not hard-coded.
XINFANG_GROUP_VISIT_THRESHOLD = env_int("XINFANG_GROUP_VISIT_THRESHOLD", 5)
XINFANG_MAX_REPRESENTATIVES = 5  # Art 20(3) 《信访工作条例》: 不超过5人
XINFANG_SITE_NAME = env_str("XINFANG_SITE_NAME", "信访综合业务平台")
OTP_TOTP_ISSUER = XINFANG_SITE_NAME  # the name a person sees in the authenticator app

# Notifications (xinfang/notifications): SMS through `log` (the outbox page and a file) unless a provider is
# configured: aliyun (阿里云短信) or tencent (腾讯云短信), their SDKs being the optional extras sms-aliyun / sms-tencent.
XINFANG_SMS_BACKEND = env_str("XINFANG_SMS_BACKEND", "log")
XINFANG_SMS_LOG_FILE = Path(env_str("XINFANG_SMS_LOG_FILE", str(VAR_DIR / "sms-outbox.log")))
XINFANG_SMS_SIGN_NAME = env_str("XINFANG_SMS_SIGN_NAME", "")
XINFANG_SMS_ACCESS_KEY_ID = env_secret("XINFANG_SMS_ACCESS_KEY_ID", "")
XINFANG_SMS_ACCESS_KEY_SECRET = env_secret("XINFANG_SMS_ACCESS_KEY_SECRET", "")
XINFANG_SMS_APP_ID = env_str("XINFANG_SMS_APP_ID", "")  # Tencent SmsSdkAppId
XINFANG_SMS_REGION = env_str("XINFANG_SMS_REGION", "")
XINFANG_SMS_ENDPOINT = env_str("XINFANG_SMS_ENDPOINT", "")
XINFANG_SMS_MAX_CHARS = env_int("XINFANG_SMS_MAX_CHARS", 140)  # longer texts are cut, with the portal link
XINFANG_SMS_QUIET_HOURS = env_str("XINFANG_SMS_QUIET_HOURS", "21:00-08:00")  # Asia/Shanghai; "off" to disable
XINFANG_SMS_RATE = env_str("XINFANG_SMS_RATE", "5/hour,10/day")  # per phone number
XINFANG_NOTIFY_MAX_ATTEMPTS = env_int("XINFANG_NOTIFY_MAX_ATTEMPTS", 6)
XINFANG_NOTIFY_RETRY_SECONDS = env_int("XINFANG_NOTIFY_RETRY_SECONDS", 60)  # doubled after each failure
XINFANG_NOTIFY_LEASE_SECONDS = env_int("XINFANG_NOTIFY_LEASE_SECONDS", 300)  # a send silent this long died
XINFANG_PORTAL_URL = env_str("XINFANG_PORTAL_URL", "http://127.0.0.1:8000/portal/")  # in petitioners' messages
XINFANG_RETURN_VISIT_AFTER_DAYS = env_int("XINFANG_RETURN_VISIT_AFTER_DAYS", 7)  # unrated → a 回访 task
XINFANG_RATING_WINDOW_DAYS = env_int("XINFANG_RATING_WINDOW_DAYS", 30)  # then 未评价 (never counted satisfied)
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "xinfang@localhost")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "xinfang.api.schema.ApiAutoSchema",
    # Token first: its WWW-Authenticate header makes a missing credential a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xinfang.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["xinfang.api.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_THROTTLE_CLASSES": ["xinfang.api.auth.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env_str("XINFANG_API_RATE", "3000/min")},
    "EXCEPTION_HANDLER": "xinfang.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{XINFANG_SITE_NAME} API",
    "DESCRIPTION": "REST API v1：登记、查询与办理信访事项。认证：`Authorization: Token <令牌>`（或浏览器会话）。"
    "所有 POST 可带 `Idempotency-Key` 请求头以安全重试。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # screening's choice sets of fields that petitions name alike (outcome, source)
    "ENUM_NAME_OVERRIDES": {
        "DisputeOutcomeEnum": "xinfang.api.v1.screening_apis.CONCLUDE_CHOICES",
        "DisputeSourceEnum": "xinfang.api.v1.screening_apis.SOURCE_CHOICES",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # assets from drf-spectacular-sidecar: the servers have no internet
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("XINFANG_LOG_LEVEL", "WARNING")},
}

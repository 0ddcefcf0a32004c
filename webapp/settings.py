"""Django settings: a translation of :mod:`webapp.config` (the single environment reader) into Django's names."""

from __future__ import annotations

import os
from pathlib import Path

from .config import load

CONFIG = load()

BASE_DIR: Path = CONFIG.base_dir
VAR_DIR: Path = CONFIG.var_dir
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
DEMO = CONFIG.demo
TESTING = CONFIG.testing
ALLOWED_HOSTS = CONFIG.allowed_hosts

# Prefect reads its home from the environment; keep it under var/ unless the operator chose otherwise.
os.environ.setdefault("PREFECT_HOME", str(CONFIG.prefect_home))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    # ours, lower layers first
    "security",
    "domain.organisations",
    "decisions",
    "documents",
    "integrations",
    "tasks",
    "processes",
    "domain.enterprises",
    "domain.contracts",
    "domain.personnel",
    "domain.machinery",
    "domain.sites",
    "webapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "webapp.middleware.RequestContextMiddleware",
    "webapp.middleware.RejectNulMiddleware",
]

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "webapp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webapp.nav.navigation",
            ],
        },
    }
]

DATABASES = {"default": CONFIG.database}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    import pymysql  # pure-Python driver standing in for mysqlclient (no C build needed)

    pymysql.install_as_MySQLdb()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords: PBKDF2-HMAC-SM3 first (older hashes upgrade on login); logins throttled after repeated failures.
PASSWORD_HASHERS = [
    "security.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = ["security.auth.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = CONFIG.language_code
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = CONFIG.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.static_root
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/bpmn-js", _NODE / "bpmn-js" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
MEDIA_URL = "/media/"
MEDIA_ROOT = CONFIG.media_root
# Uploads and generated documents: a file written in a transaction that is rolled back is deleted with it.
STORAGES = {
    "default": {"BACKEND": "domain.storage.TransactionalFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "webapp.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "webapp.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "建管平台 API (Jianguan)",
    "DESCRIPTION": "Construction-market regulation platform: processes, tasks, decisions, documents.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Celery: eager (run in-process right after commit) unless a broker is configured.
CELERY_BROKER_URL = CONFIG.celery_broker_url or "memory://"
CELERY_TASK_ALWAYS_EAGER = CONFIG.celery_eager
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
AMQP_URL = CONFIG.amqp_url

# External systems (see integrations/): "local" = the in-process simulator speaking the remote's contract.
SMS_GATEWAY_URL = CONFIG.sms_gateway_url
SMS_APP_ID = CONFIG.sms_app_id
SMS_APP_SECRET = CONFIG.sms_app_secret
PERMIT_API_SECRET = CONFIG.permit_api_secret
SAMPLING_DRAW_CRON = CONFIG.sampling_draw_cron
PUBLIC_BASE_URL = CONFIG.public_base_url  # printed in documents' QR codes  # random inspection draws (flows/sampling.py)
# 全国工程质量安全监管平台 (integrations/national_platform): machine verification and code assignment.
NATIONAL_PLATFORM_URL = CONFIG.national_platform_url
NATIONAL_PLATFORM_APP_ID = CONFIG.national_platform_app_id
NATIONAL_PLATFORM_SECRET = CONFIG.national_platform_secret
FINANCE_CLOUD_URL = CONFIG.finance_cloud_url
FINANCE_CLOUD_APP_ID = CONFIG.finance_cloud_app_id
FINANCE_CLOUD_SECRET = CONFIG.finance_cloud_secret
YIWANGTONGBAN_URL = CONFIG.yiwangtongban_url
YIWANGTONGBAN_CLIENT_ID = CONFIG.yiwangtongban_client_id
YIWANGTONGBAN_SECRET = CONFIG.yiwangtongban_secret
PERSONNEL_NOTICE_DAYS = CONFIG.personnel_notice_days
ORPHAN_FILE_GRACE_HOURS = CONFIG.orphan_file_grace_hours  # domain.storage.sweep_orphan_files

SESSION_COOKIE_HTTPONLY = True
if CONFIG.https:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "jianguan": {"level": "INFO"},
        # SpiffWorkflow lists every task of the workflow for each of its log lines while this logger's own level is
        # unset (below INFO); its INFO lines never reach the WARNING root anyway
        "spiff.workflow": {"level": "WARNING"},
    },
}

if TESTING:
    # Hashing cost is irrelevant to what the suite checks; hasher behaviour has its own tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""The one place configuration is read from the environment.

Everything the platform needs to know about its surroundings comes through :func:`load`; ``settings.py`` only
translates the result into Django settings. Nothing secret is in the code: ``SECRET_KEY`` is read from the
environment or generated once into ``var/secret_key`` (never committed).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment describes a configuration the platform cannot run with."""


@dataclass(frozen=True)
class Config:
    base_dir: Path
    var_dir: Path
    debug: bool
    demo: bool
    testing: bool
    secret_key: str
    database: dict
    celery_broker_url: str | None
    celery_eager: bool
    allowed_hosts: list[str]
    time_zone: str
    language_code: str
    prefect_home: Path
    media_root: Path
    static_root: Path
    amqp_url: str | None
    sms_gateway_url: str
    sms_app_id: str
    sms_app_secret: str
    permit_api_secret: str
    sampling_draw_cron: str
    public_base_url: str
    national_platform_url: str = "local"
    national_platform_app_id: str = "jianguan"
    national_platform_secret: str = ""
    finance_cloud_url: str = "local"
    finance_cloud_app_id: str = "jianguan"
    finance_cloud_secret: str = ""
    yiwangtongban_url: str = "local"
    yiwangtongban_client_id: str = "jianguan"
    yiwangtongban_secret: str = ""
    personnel_notice_days: int = 5
    orphan_file_grace_hours: int = 24
    https: bool = False


_SUPPORTED_DB_ENGINES = {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
    "django.db.backends.mysql",
}


def _secret_key(env: environ.Env, var_dir: Path) -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _derived_secret(var_dir: Path, name: str) -> str:
    """A per-installation secret for a local integration, generated once into ``var/secrets/<name>``."""
    path = var_dir / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


def _database(env: environ.Env, var_dir: Path) -> dict:
    default = f"sqlite:///{var_dir / 'db.sqlite3'}"
    url = env.str("DATABASE_URL", default=default)
    if url.startswith(("mariadb://", "mariadb+")):
        url = "mysql" + url[len("mariadb") :]
    try:
        db = environ.Env.db_url_config(url)
    except Exception as exc:  # pragma: no cover - message is what matters
        raise ConfigError(f"DATABASE_URL is not a database URL: {exc}") from exc
    if db.get("ENGINE") not in _SUPPORTED_DB_ENGINES:
        raise ConfigError(f"DATABASE_URL scheme is not supported: {url.split(':', 1)[0]}")
    if db["ENGINE"] == "django.db.backends.mysql":
        db.setdefault("OPTIONS", {}).setdefault("charset", "utf8mb4")
        db["OPTIONS"].setdefault("init_command", "SET sql_mode='STRICT_TRANS_TABLES'")
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("OPTIONS", {}).setdefault("timeout", 20)
    db.setdefault("ATOMIC_REQUESTS", False)
    db.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
    db.setdefault("TEST", {})
    return db


def load(environment: dict[str, str] | None = None) -> Config:
    """Read the platform configuration from ``environment`` (default: ``os.environ``)."""
    source = os.environ if environment is None else environment
    env = environ.Env()
    env.ENVIRON = source  # type: ignore[assignment]
    var_dir = Path(env.str("JIANGUAN_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
    broker = env.str("CELERY_BROKER_URL", default="") or None
    testing = env.bool("JIANGUAN_TESTING", default=False)
    eager = env.bool("CELERY_TASK_ALWAYS_EAGER", default=broker is None)
    return Config(
        base_dir=BASE_DIR,
        var_dir=var_dir,
        debug=env.bool("DEBUG", default=False),
        demo=env.bool("DEMO", default=False),
        testing=testing,
        secret_key=_secret_key(env, var_dir),
        database=_database(env, var_dir),
        celery_broker_url=broker,
        celery_eager=eager,
        allowed_hosts=env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]),
        time_zone=env.str("TIME_ZONE", default="Asia/Shanghai"),
        language_code=env.str("LANGUAGE_CODE", default="zh-hans"),
        prefect_home=Path(env.str("PREFECT_HOME", default=str(var_dir / "prefect"))),
        media_root=Path(env.str("MEDIA_ROOT", default=str(var_dir / "media"))),
        static_root=Path(env.str("STATIC_ROOT", default=str(var_dir / "static"))),
        amqp_url=env.str("AMQP_URL", default="") or (broker if (broker or "").startswith("amqp") else None),
        # External systems: "local" means the in-process simulator that speaks the remote's contract.
        sms_gateway_url=env.str("SMS_GATEWAY_URL", default="local"),
        sms_app_id=env.str("SMS_APP_ID", default="jianguan"),
        sms_app_secret=env.str("SMS_APP_SECRET", default="") or _derived_secret(var_dir, "sms"),
        permit_api_secret=env.str("PERMIT_API_SECRET", default="") or _derived_secret(var_dir, "permit-api"),
        sampling_draw_cron=env.str("SAMPLING_DRAW_CRON", default="0 9 1 * *"),
        public_base_url=env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/"),
        national_platform_url=env.str("NATIONAL_PLATFORM_URL", default="local"),
        national_platform_app_id=env.str("NATIONAL_PLATFORM_APP_ID", default="jianguan"),
        national_platform_secret=env.str("NATIONAL_PLATFORM_SECRET", default="")
        or _derived_secret(var_dir, "national-platform"),
        finance_cloud_url=env.str("FINANCE_CLOUD_URL", default="local"),
        finance_cloud_app_id=env.str("FINANCE_CLOUD_APP_ID", default="jianguan"),
        finance_cloud_secret=env.str("FINANCE_CLOUD_SECRET", default="") or _derived_secret(var_dir, "finance-cloud"),
        yiwangtongban_url=env.str("YIWANGTONGBAN_URL", default="local"),
        yiwangtongban_client_id=env.str("YIWANGTONGBAN_CLIENT_ID", default="jianguan"),
        yiwangtongban_secret=env.str("YIWANGTONGBAN_SECRET", default="") or _derived_secret(var_dir, "yiwangtongban"),
        # 公示期 of safety-staff review opinions, in working days (unconfirmed: a setting, not a constant)
        personnel_notice_days=env.int("PERSONNEL_NOTICE_DAYS", default=5),
        # the nightly orphan-file sweep leaves files younger than this alone (a transaction may still be writing them)
        orphan_file_grace_hours=env.int("ORPHAN_FILE_GRACE_HOURS", default=24),
        # served over HTTPS (directly or behind a TLS-terminating proxy that sets X-Forwarded-Proto)
        https=env.bool("HTTPS", default=False),
    )

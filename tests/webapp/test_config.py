from pathlib import Path

import pytest

from webapp.config import ConfigError, load


def test_defaults_use_sqlite_under_var_and_eager_jobs(tmp_path):
    cfg = load({"JIANGUAN_VAR_DIR": str(tmp_path)})
    assert cfg.database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(cfg.database["NAME"]) == tmp_path / "db.sqlite3"
    assert cfg.celery_broker_url is None and cfg.celery_eager is True
    assert cfg.time_zone == "Asia/Shanghai" and cfg.language_code == "zh-hans"
    assert cfg.prefect_home == tmp_path / "prefect"
    assert cfg.demo is False


def test_secret_key_is_generated_once_into_var(tmp_path):
    first = load({"JIANGUAN_VAR_DIR": str(tmp_path)}).secret_key
    second = load({"JIANGUAN_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load({"JIANGUAN_VAR_DIR": str(tmp_path), "SECRET_KEY": "from-env"}).secret_key == "from-env"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://u:p@db.example:5432/jg", "django.db.backends.postgresql"),
        ("postgresql://u@127.0.0.1/jg", "django.db.backends.postgresql"),
        ("mysql://root@127.0.0.1:3306/jg", "django.db.backends.mysql"),
        ("mariadb://root@127.0.0.1:3306/jg", "django.db.backends.mysql"),
    ],
)
def test_database_urls(tmp_path, url, engine):
    db = load({"JIANGUAN_VAR_DIR": str(tmp_path), "DATABASE_URL": url}).database
    assert db["ENGINE"] == engine
    assert db["NAME"] == "jg"
    if engine.endswith("mysql"):
        assert db["OPTIONS"]["charset"] == "utf8mb4"


def test_unsupported_database_url_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="not supported"):
        load({"JIANGUAN_VAR_DIR": str(tmp_path), "DATABASE_URL": "oracle://x@y/z"})


def test_broker_turns_off_eager_jobs(tmp_path):
    cfg = load({"JIANGUAN_VAR_DIR": str(tmp_path), "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"})
    assert cfg.celery_eager is False
    assert cfg.amqp_url == "amqp://guest:guest@127.0.0.1:5672//"


def test_demo_flag(tmp_path):
    assert load({"JIANGUAN_VAR_DIR": str(tmp_path), "DEMO": "1"}).demo is True


@pytest.mark.django_db
def test_production_refuses_simulated_external_systems(settings):
    from django.core.checks import run_checks

    settings.DEMO = settings.DEBUG = settings.TESTING = False
    settings.SMS_GATEWAY_URL = "https://sms.example.gov.cn"
    settings.NATIONAL_PLATFORM_URL = "local"
    errors = [e for e in run_checks(tags=["jianguan"]) if e.id == "jianguan.E002"]
    assert errors and "全国工程质量安全监管平台" in errors[0].msg and "短信网关" not in errors[0].msg
    for name in ("SMS_GATEWAY_URL", "NATIONAL_PLATFORM_URL", "FINANCE_CLOUD_URL", "YIWANGTONGBAN_URL"):
        setattr(settings, name, "https://real.example.gov.cn")
    checks = {e.id for e in run_checks(tags=["jianguan"])}
    assert "jianguan.E002" not in checks and "jianguan.W002" in checks
    settings.SESSION_COOKIE_SECURE = True
    assert "jianguan.W002" not in {e.id for e in run_checks(tags=["jianguan"])}
    settings.DEMO = True  # demo runs keep their simulators
    assert not [e for e in run_checks(tags=["jianguan"]) if e.id in ("jianguan.E002", "jianguan.W002")]


def test_https_is_off_unless_declared(tmp_path):
    assert load({"HTTPS": "1", "JIANGUAN_VAR_DIR": str(tmp_path)}).https is True
    assert load({"JIANGUAN_VAR_DIR": str(tmp_path)}).https is False

"""Production settings: the deploy checks pass, a missing SECRET_KEY is refused, and the
environment helpers in carecore/env.py are strict.

Settings are module-level code run once per process, so every configuration other than the
test settings is started in a subprocess with a controlled environment.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import carecore.settings  # noqa: F401  (fills ENV_NAMES; already imported by pytest-django)
from carecore.env import ENV_NAMES, env_bool, env_int, env_secret

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def _restore_env_names():
    """The helper tests below read made-up names; keep them out of the shared ENV_NAMES."""
    before = set(ENV_NAMES)
    yield
    ENV_NAMES.intersection_update(before)


def clean_env(**overrides: str) -> dict[str, str]:
    """os.environ without anything the settings read (DEBUG, SECRET_KEY, DATABASE_URL,
    CELERY_*, SECURE_*, ... and their _FILE variants) and without DJANGO_SETTINGS_MODULE."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ENV_NAMES
        and key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
        and not key.startswith("CELERY_")
        and not key.startswith("DATABASE_URL")
    }
    env["DJANGO_SETTINGS_MODULE"] = "carecore.settings"
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_with_production_environment(tmp_path):
    env = clean_env(
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="care.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert len(env["SECRET_KEY"]) == 64
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified some issues" not in output
    assert "System check identified no issues" in output


SETUP = "import django; django.setup()"


def test_missing_secret_key_is_refused_when_debug_is_off():
    result = run_python(["-c", SETUP], clean_env())
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_secret_key_from_file_is_accepted(tmp_path):
    """The counterpart of the test above: the same start-up succeeds once a key is provided."""
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(48) + "\n", encoding="utf-8")
    result = run_python(["-c", SETUP], clean_env(SECRET_KEY_FILE=str(key_file)))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "broker, expected",
    [(None, "True"), ("redis://127.0.0.1:6379/0", "False")],
    ids=["no-broker-runs-eagerly", "broker-queues-jobs"],
)
def test_celery_runs_eagerly_only_without_a_broker(broker, expected):
    overrides = {"DEBUG": "true"}
    if broker:
        overrides["CELERY_BROKER_URL"] = broker
    code = SETUP + "; from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    result = run_python(["-c", code], clean_env(**overrides))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


# carecore/env.py


@pytest.mark.parametrize("raw", ["1", "true", "True", " yes ", "on", "ON"])
def test_env_bool_true_forms(monkeypatch, raw):
    monkeypatch.setenv("CARECORE_TEST_FLAG", raw)
    assert env_bool("CARECORE_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", ""])
def test_env_bool_false_forms(monkeypatch, raw):
    monkeypatch.setenv("CARECORE_TEST_FLAG", raw)
    assert env_bool("CARECORE_TEST_FLAG", True) is False


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("CARECORE_TEST_FLAG", raising=False)
    assert env_bool("CARECORE_TEST_FLAG", True) is True
    assert env_bool("CARECORE_TEST_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("CARECORE_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="CARECORE_TEST_FLAG"):
        env_bool("CARECORE_TEST_FLAG", False)


def test_env_int(monkeypatch):
    monkeypatch.setenv("CARECORE_TEST_INT", "465")
    assert env_int("CARECORE_TEST_INT", 587) == 465
    monkeypatch.setenv("CARECORE_TEST_INT", "")
    assert env_int("CARECORE_TEST_INT", 587) == 587
    monkeypatch.setenv("CARECORE_TEST_INT", "abc")
    with pytest.raises(ImproperlyConfigured, match="CARECORE_TEST_INT"):
        env_int("CARECORE_TEST_INT", 587)


def test_env_secret_reads_name_file(monkeypatch, tmp_path):
    secret = tmp_path / "db_url"
    secret.write_text("postgres://u:p@db/x\n", encoding="utf-8")
    monkeypatch.setenv("CARECORE_TEST_SECRET", "from-variable")
    monkeypatch.setenv("CARECORE_TEST_SECRET_FILE", str(secret))
    # The file wins over the plain variable, and its trailing newline is stripped.
    assert env_secret("CARECORE_TEST_SECRET") == "postgres://u:p@db/x"
    assert {"CARECORE_TEST_SECRET", "CARECORE_TEST_SECRET_FILE"} <= ENV_NAMES


def test_env_secret_falls_back_to_variable_then_default(monkeypatch):
    monkeypatch.delenv("CARECORE_TEST_SECRET_FILE", raising=False)
    monkeypatch.setenv("CARECORE_TEST_SECRET", "from-variable")
    assert env_secret("CARECORE_TEST_SECRET", "default") == "from-variable"
    monkeypatch.delenv("CARECORE_TEST_SECRET")
    assert env_secret("CARECORE_TEST_SECRET", "default") == "default"


def test_env_secret_unreadable_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CARECORE_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="CARECORE_TEST_SECRET_FILE"):
        env_secret("CARECORE_TEST_SECRET")

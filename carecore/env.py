"""Strict helpers for reading settings from environment variables.

Every name read through these helpers is recorded in ``ENV_NAMES`` so that tests can check that
deployment files (docker-compose.yml) only set variables the settings actually read.
"""

import os

from django.core.exceptions import ImproperlyConfigured

ENV_NAMES: set[str] = set()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    ENV_NAMES.add(name)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    ENV_NAMES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    ENV_NAMES.add(name)
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    ENV_NAMES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    ENV_NAMES.add(name)
    ENV_NAMES.add(f"{name}_FILE")
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {path}") from exc
    return os.environ.get(name, default)

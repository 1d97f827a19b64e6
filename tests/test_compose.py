"""Deployment files: docker-compose.yml and the Dockerfile agree with the code.

There is no Docker engine on the test machines, so the files are parsed and compared with what
the settings read, the Celery app and the WSGI module the commands name.
"""

import importlib.util
import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from celery.app.utils import find_app

import carecore.settings  # noqa: F401  (fills ENV_NAMES; already imported by pytest-django)
from carecore.env import ENV_NAMES, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ["web", "worker", "beat"]
REQUIRED_ENV = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
WSGI_TARGET = "carecore.wsgi:application"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a dict, whether written as a mapping or as a KEY=VALUE list."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def resolved(value: str) -> str:
    """The value compose would use with nothing set in the shell: ${NAME:-default} -> default."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", value)


def argv(command) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, args = line.strip().partition(" ")
            result.append((instruction.upper(), args.strip()))
    return result


def test_all_services_exist(services):
    assert {"proxy", "web", "worker", "beat", "db", "redis"} <= set(services)


def test_every_service_has_a_healthcheck(services):
    for name, service in services.items():
        assert argv(service.get("healthcheck", {}).get("test", [])), name


def test_only_the_proxy_is_published(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {str(port).split(":")[-1] for port in services["proxy"]["ports"]} == {"443", "80"}


TEMPLATE = ROOT / "deploy" / "nginx" / "carecare.conf.template"


def template_variables() -> set[str]:
    return set(re.findall(r"\$\{(CARECARE_[A-Z_]+)\}", TEMPLATE.read_text(encoding="utf-8")))


def test_proxy_uses_the_template_in_the_repository(services):
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx")
    mounts = dict(str(volume).split(":")[:2] for volume in proxy["volumes"])
    for source in mounts:  # the bind mounts' sources are in the repository
        assert (ROOT / source).exists(), source
    assert mounts["./deploy/nginx/carecare.conf.template"].startswith("/etc/nginx/templates/")
    # Every ${CARECARE_*} of the template is given, and nothing else.
    assert set(environment(proxy)) == template_variables()
    upstream = environment(proxy)["CARECARE_UPSTREAM"]
    assert upstream == "web:8000"
    assert "8000" in [str(port) for port in services["web"]["expose"]]


def test_the_stage_fills_the_same_template_variables():
    stage = (ROOT / "deploy" / "stage.sh").read_text(encoding="utf-8")
    exported = set(re.findall(r"^export (CARECARE_[A-Z_]+)=", stage, re.MULTILINE))
    assert exported == template_variables()


def test_the_proxy_buffers_and_caps_request_bodies():
    text = TEMPLATE.read_text(encoding="utf-8")
    assert re.search(r"^\s*proxy_request_buffering on;", text, re.MULTILINE)
    size = re.search(r"^\s*client_max_body_size (\d+)m;", text, re.MULTILINE)
    assert size and int(size.group(1)) >= 5 * 25  # five photos of the largest size
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert re.search(rf"proxy_set_header {header} ", text), header


def test_only_the_proxy_is_a_trusted_proxy(compose, services):
    import ipaddress

    trusted = environment(services["web"])["TRUSTED_PROXIES"].split(",")
    proxy_address = services["proxy"]["networks"]["default"]["ipv4_address"]
    assert trusted == [proxy_address]
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)


def test_app_services_share_build_and_environment(services):
    web = services["web"]
    assert web.get("build"), "web must be built from the Dockerfile"
    # Only web, which migrates, holds the database owner's password (carecore/dbroles.py).
    shared = {k: v for k, v in environment(web).items() if k != "DATABASE_OWNER_URL"}
    for name in ["worker", "beat"]:
        assert services[name].get("build") == web["build"], name
        assert services[name].get("image") == web.get("image"), name
        assert environment(services[name]) == shared, name
        assert "DATABASE_OWNER_URL" not in environment(services[name]), name


def test_environment_only_sets_variables_the_settings_read(services):
    names = set(environment(services["web"]))
    assert names >= REQUIRED_ENV
    unknown = names - ENV_NAMES
    assert not unknown, (
        f"docker-compose.yml sets variables carecore/settings.py never reads: {unknown}"
    )


def test_secret_key_is_required_not_defaulted(services):
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", environment(services["web"])["SECRET_KEY"])


def test_environment_values_parse(services, monkeypatch):
    """Literal values and ${NAME:-default} defaults must be accepted by the settings helpers."""
    env = {key: resolved(value) for key, value in environment(services["web"]).items()}

    def parse_bool(name: str) -> bool:
        monkeypatch.setenv(name, env[name])
        return env_bool(name)

    assert env["DEBUG"].strip(), "DEBUG must be given explicitly"
    assert parse_bool("DEBUG") is False
    if "SECURE_SSL_REDIRECT" in env:
        assert parse_bool("SECURE_SSL_REDIRECT") is True
    if "EMAIL_PORT" in env:
        monkeypatch.setenv("EMAIL_PORT", env["EMAIL_PORT"])
        assert env_int("EMAIL_PORT", 0) > 0


def interpolate(value: str) -> str:
    """What docker compose makes of ${NAME}, ${NAME:-default} and ${NAME:?message} when every
    variable is set to "from-env-NAME"."""
    return re.sub(r"\$\{(\w+)(?:[:?-][^}]*)?\}", lambda m: f"from-env-{m.group(1)}", value)


APP_ROLE_SCRIPT = ROOT / "deploy" / "postgres" / "app-role.sh"


def test_database_url_points_at_db_service(services):
    """Two roles of one database: the app's (DATABASE_URL), created by the db service's init
    script, and the owner (DATABASE_OWNER_URL, the image's POSTGRES_USER) for migrate."""
    web_env = environment(services["web"])
    url = urlparse(interpolate(web_env["DATABASE_URL"]))
    owner = urlparse(interpolate(web_env["DATABASE_OWNER_URL"]))
    db_env = {k: interpolate(str(v)) for k, v in environment(services["db"]).items()}
    assert services["db"]["image"].startswith("postgres")
    for parsed in (url, owner):
        assert parsed.scheme in {"postgres", "postgresql"}
        assert parsed.hostname == "db" and "db" in services
        assert parsed.path.lstrip("/") == db_env["POSTGRES_DB"]
        assert parsed.port in (None, 5432)
    assert owner.username == db_env["POSTGRES_USER"]
    assert owner.password == db_env["POSTGRES_PASSWORD"]
    script = APP_ROLE_SCRIPT.read_text(encoding="utf-8")
    default_role = re.search(r"app_user=\$\{CARECARE_APP_USER:-(\w+)\}", script).group(1)
    assert "CARECARE_APP_USER" not in db_env
    assert url.username == default_role != owner.username
    assert url.password == db_env["CARECARE_APP_PASSWORD"]
    # The database passwords come from the environment, never from the file.
    assert db_env["POSTGRES_PASSWORD"] == "from-env-POSTGRES_PASSWORD"
    assert url.password == "from-env-POSTGRES_APP_PASSWORD"


def test_the_db_service_creates_the_app_role_on_first_start(services):
    mounts = [str(volume).split(":") for volume in services["db"]["volumes"]]
    scripts = [source for source, target, *_ in mounts if target.startswith("/docker-entrypoint-")]
    assert scripts == ["./deploy/postgres/app-role.sh"]
    assert (ROOT / scripts[0]).resolve() == APP_ROLE_SCRIPT
    assert "CREATE ROLE" in APP_ROLE_SCRIPT.read_text(encoding="utf-8")
    # The stage creates its app role with the same script.
    assert "deploy/postgres/app-role.sh" in (ROOT / "deploy" / "stage.sh").read_text()


def test_celery_broker_points_at_redis_service(services):
    url = urlparse(environment(services["web"])["CELERY_BROKER_URL"])
    assert url.scheme == "redis"
    assert url.hostname == "redis" and "redis" in services
    assert services["redis"]["image"].startswith("redis")
    assert url.port in (None, 6379)


def test_app_services_wait_for_healthy_db_and_redis(services):
    healthcheck = services["db"].get("healthcheck", {})
    assert "pg_isready" in " ".join(argv(healthcheck.get("test", [])))
    for name in APP_SERVICES:
        depends = services[name].get("depends_on") or {}
        assert depends.get("db", {}).get("condition") == "service_healthy", name
        assert "redis" in depends, name


def test_media_volume_is_mounted_at_media_root(compose, services):
    media_root = environment(services["web"])["MEDIA_ROOT"]
    for name in ["web", "worker"]:
        mounts = [str(volume).split(":") for volume in services[name].get("volumes", [])]
        named = [source for source, target, *_ in mounts if target == media_root]
        assert named, f"{name} has no volume at {media_root}"
        assert named[0] in (compose.get("volumes") or {}), f"{named[0]} is not a named volume"


@pytest.mark.parametrize("service, subcommand", [("worker", "worker"), ("beat", "beat")])
def test_celery_commands_name_the_project_app(services, service, subcommand):
    args = argv(services[service]["command"])
    assert args[:4] == ["celery", "-A", "carecore", subcommand]
    from carecore.celery import app

    assert find_app(args[2]) is app


def test_web_runs_migrations_then_gunicorn_on_wsgi_app(services):
    command = services["web"]["command"]
    args = argv(command)
    script = args[-1] if args[:2] == ["sh", "-c"] else " ".join(args)
    assert "manage.py migrate" in script
    gunicorn = shlex.split(script.split("&&")[-1])
    assert gunicorn[:2] == ["gunicorn", WSGI_TARGET]
    assert gunicorn[gunicorn.index("--config") + 1] == "deploy/gunicorn.conf.py"


def test_wsgi_target_is_importable():
    module, _, attribute = WSGI_TARGET.partition(":")
    assert importlib.util.find_spec(module) is not None
    assert attribute == "application"


def test_dockerfile_base_packages_and_user(dockerfile):
    instructions = dockerfile_instructions(dockerfile)
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    apt = " ".join(args for name, args in instructions if name == "RUN" and "apt-get" in args)
    installed = set(apt.split())
    for package in [
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "libthai0",
        "libthai-data",
        "fonts-thai-tlwg",
        "gettext",
    ]:
        assert package in installed, package
    users = [args for name, args in instructions if name == "USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}


def test_dockerfile_installs_project_and_collects_static(dockerfile):
    runs = [args for name, args in dockerfile_instructions(dockerfile) if name == "RUN"]
    assert any("pip install --no-cache-dir ." in run for run in runs)
    build = [run for run in runs if "deploy/build.sh" in run]
    assert build and "SECRET_KEY=" in build[0]
    script = (ROOT / "deploy" / "build.sh").read_text(encoding="utf-8")
    assert "collectstatic --noinput" in script and "compilemessages" in script
    # The throwaway build key must not leak into the image environment.
    for name, args in dockerfile_instructions(dockerfile):
        if name in {"ENV", "ARG"}:
            assert "SECRET_KEY" not in args


def test_dockerfile_cmd_runs_gunicorn_on_wsgi_app(dockerfile):
    cmds = [args for name, args in dockerfile_instructions(dockerfile) if name == "CMD"]
    assert cmds
    cmd = json.loads(cmds[-1]) if cmds[-1].startswith("[") else shlex.split(cmds[-1])
    assert cmd[:2] == ["gunicorn", WSGI_TARGET]
    config = cmd[cmd.index("--config") + 1]
    namespace = {}
    exec((ROOT / config).read_text(encoding="utf-8"), namespace)  # noqa: S102  (our own file)
    assert namespace["bind"] == "0.0.0.0:8000"


def test_dockerignore_keeps_local_state_out():
    ignored = {
        line.strip().strip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in [
        ".venv",
        ".git",
        "db.sqlite3",
        "media",
        "staticfiles",
        "test-artifacts",
        "deploy/tls",  # the proxy's private key is mounted, never copied into the image
    ]:
        assert entry in ignored, entry
    assert any("__pycache__" in entry for entry in ignored)

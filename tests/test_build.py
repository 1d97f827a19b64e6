"""The image's build, run for real: the Dockerfile's RUN steps after `COPY . .` (`pip install .`,
then deploy/build.sh: compilemessages and collectstatic under the production settings) in a
clean clone of this repository, with nothing of the test settings around them.

There is no Docker engine here; the steps run in a fresh virtual environment whose
dependencies are this one's (the Dockerfile installs them in an earlier layer)."""

import json
import shlex
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_compose import dockerfile_instructions

ROOT = Path(__file__).resolve().parent.parent


def build_steps() -> list[str]:
    """The RUN commands that follow `COPY . .`, but the creation of the unprivileged user."""
    instructions = dockerfile_instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    copied = next(
        i for i, (name, args) in enumerate(instructions) if (name, args) == ("COPY", ". .")
    )
    return [
        args for name, args in instructions[copied + 1 :] if name == "RUN" and "useradd" not in args
    ]


def test_the_build_steps_are_the_expected_ones():
    steps = build_steps()
    assert any(
        shlex.split(step)[:2] == ["pip", "install"] and step.endswith(" .") for step in steps
    )
    assert any("deploy/build.sh" in step for step in steps)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    work = tmp_path_factory.mktemp("build")
    clone = work / "app"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The dependencies: this environment's, as the image's earlier layer has them.
    (next(venv.glob("lib/python*/site-packages")) / "deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    env = {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONPATH": str(clone),  # as the Dockerfile's ENV
    }
    log = []
    for step in build_steps():
        result = subprocess.run(
            ["sh", "-c", step], cwd=clone, env=env, capture_output=True, text=True, timeout=600
        )
        log.append(f"$ {step}\n{result.stdout}{result.stderr}")
        assert result.returncode == 0, "\n".join(log)
    return clone, venv, "\n".join(log)


def test_the_static_manifest_is_built(built):
    clone, _, log = built
    manifest = json.loads((clone / "staticfiles" / "staticfiles.json").read_text())
    paths = manifest["paths"]
    for name in ("vendor/chartjs/chart.umd.min.js", "vendor/htmx/htmx.min.js", "css/app.css"):
        assert name in paths, name
        hashed = clone / "staticfiles" / paths[name]
        assert hashed.is_file() and Path(f"{hashed}.gz").is_file()


def test_the_catalogue_is_compiled(built):
    clone, _, _ = built
    for po in clone.glob("locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        assert mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime


def test_the_package_holds_the_apps_and_their_data(built):
    _, venv, _ = built
    probe = (
        "import importlib.resources as r, carecore, screening, dashboards;"
        "print(sorted(p.name for p in r.files('screening').joinpath('instruments').iterdir()))"
    )
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe],
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "HOME": str(venv)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert ".toml" in result.stdout


def test_a_page_renders_with_the_built_manifest(built):
    """The production settings over what the build made: {% static %} resolves every name the
    base template asks for (before the fix, the image could not even be built)."""
    clone, venv, _ = built
    script = (
        "import django; django.setup();"
        "from django.template.loader import render_to_string;"
        "from django.test import RequestFactory;"
        "from django.contrib.auth.models import AnonymousUser;"
        "r = RequestFactory().get('/'); r.user = AnonymousUser();"
        "html = render_to_string('base.html', request=r);"
        "assert '.css' in html; print(html.count('/static/'))"
    )
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(venv),
        "PYTHONPATH": str(clone),
        "DJANGO_SETTINGS_MODULE": "carecore.settings",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.strip()) >= 3

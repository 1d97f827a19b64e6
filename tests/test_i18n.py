"""The Thai catalogue is complete and the compiled file matches it."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

PO = Path(__file__).resolve().parents[1] / "locale" / "th" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr, flags) for each entry of the .po file (a small parser, enough for it)."""
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    for block in blocks[1:]:
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, parts = None, {}
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("msg"):
                key, _, rest = line.partition(" ")
                current = key
                parts[current] = rest.strip('"')
            elif current:
                parts[current] += line.strip('"')
        if "msgid" in parts:
            strs = [v for k, v in parts.items() if k.startswith("msgstr")]
            yield parts["msgid"], strs, flags


def test_every_message_is_translated_and_none_is_fuzzy():
    problems = [msgid for msgid, strs, flags in entries() if "fuzzy" in flags or not all(strs)]
    assert not problems, problems


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_compiled_catalogue_is_up_to_date(tmp_path):
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO)], check=True)  # noqa: S603, S607
    assert out.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run: make messages"


def test_grades_and_roles_read_as_thai_teachers_write_them():
    from carecore.models import Role
    from schools.models import Grade

    with translation.override("th"):
        assert str(Grade.P4.label) == "ป.4"
        assert str(Grade.M1.label) == "ม.1"
        assert str(Grade.K2.label) == "อ.2"
        assert str(Role.HOMEROOM.label) != "Homeroom teacher"

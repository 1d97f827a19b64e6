"""The question-wording file a deploying office supplies (SCREENING_INSTRUMENT_TEXT)."""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from screening import instrument_text
from screening.instrument_text import (
    instrument_text_version,
    item_text,
    load_instrument_text,
)

SAMPLE = Path(__file__).parent / "instrument_text_sample.toml"


@pytest.fixture(autouse=True)
def _fresh_cache():
    instrument_text.clear_cache()
    yield
    instrument_text.clear_cache()


@pytest.fixture
def sample(settings):
    settings.SCREENING_INSTRUMENT_TEXT = str(SAMPLE)


def write(tmp_path, text, name="text.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestWithoutAFile:
    def test_nothing_configured_gives_no_text(self, settings):
        settings.SCREENING_INSTRUMENT_TEXT = None
        assert item_text("sdq", "teacher", 1) is None
        assert item_text("eq12", None, 1) is None
        assert instrument_text_version() is None

    def test_misuse_is_refused_even_without_a_file(self, settings):
        settings.SCREENING_INSTRUMENT_TEXT = None
        with pytest.raises(ValueError):
            item_text("sdq", None, 1)
        with pytest.raises(ValueError):
            item_text("gad7", None, 1)


class TestSampleFile:
    def test_items_of_each_form(self, sample):
        assert item_text("sdq", "teacher", 1) == "ข้อความตัวอย่างข้อ 1"
        assert item_text("sdq", "teacher", 25) == "ข้อความตัวอย่างข้อ 25"
        assert item_text("sdq", "parent", 1) == "ข้อความตัวอย่างผู้ปกครองข้อ 1"
        assert item_text("sdq", "student", 7) == "ข้อความตัวอย่างนักเรียนข้อ 7"
        assert item_text("eq12", None, 52) == "ข้อความตัวอย่าง EQ ข้อ 52"
        assert item_text("eq6", None, 60) == "ข้อความตัวอย่าง EQ เด็กข้อ 60"
        assert instrument_text_version() == "sample-1"

    def test_impact_questions(self, sample):
        assert item_text("sdq", "teacher", "difficulties") == "ข้อความตัวอย่างคำถามคัดกรอง"
        assert item_text("sdq", "teacher", "burden") == "ข้อความตัวอย่างภาระ"
        assert item_text("sdq", "student", "leisure") == "ข้อความตัวอย่างกิจกรรมยามว่าง"

    def test_what_the_file_lacks_is_none(self, sample):
        assert item_text("sdq", "teacher", 3) is None  # the form shows the number and scale
        assert item_text("sdq", "parent", 25) is None
        assert item_text("sdq", "parent", "distress") is None
        assert item_text("eq12", None, 2) is None
        assert item_text("eq6", None, 1) is None

    def test_bad_arguments(self, sample):
        with pytest.raises(ValueError):
            item_text("sdq", "guardian", 1)
        with pytest.raises(ValueError):
            item_text("eq", None, 1)

    def test_a_changed_file_is_read_again(self, tmp_path, settings):
        path = write(tmp_path, 'version = "a"\n[eq12]\n1 = "ข้อความตัวอย่าง ก"\n')
        settings.SCREENING_INSTRUMENT_TEXT = str(path)
        assert item_text("eq12", None, 1) == "ข้อความตัวอย่าง ก"
        path.write_text('version = "b"\n[eq12]\n1 = "ข้อความตัวอย่าง ข ที่ยาวกว่า"\n', "utf-8")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert item_text("eq12", None, 1) == "ข้อความตัวอย่าง ข ที่ยาวกว่า"
        assert instrument_text_version() == "b"


class TestMalformedFiles:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("version = \n", "not valid TOML"),
            ('[sdq.teacher]\n1 = "x"\n', "`version`"),
            ('version = ""\n', "`version`"),
            ('version = "1"\n[gad7]\n1 = "x"\n', "unknown section(s) gad7"),
            ('version = "1"\n[sdq.teacher]\n26 = "x"\n', "[sdq.teacher] '26' is not an item"),
            ('version = "1"\n[sdq.teacher]\n0 = "x"\n', "[sdq.teacher] '0' is not an item"),
            ('version = "1"\n[sdq.teacher]\n01 = "x"\n', "'01' is not an item"),
            ('version = "1"\n[sdq.teacher]\nfirst = "x"\n', "'first' is not an item"),
            ('version = "1"\n[sdq.teacher]\n3 = ""\n', "item 3: the text must be"),
            ('version = "1"\n[sdq.teacher]\n3 = 3\n', "item 3: the text must be"),
            ('version = "1"\n[sdq]\nteacher = "x"\n', "[sdq.teacher] must be a table"),
            ('version = "1"\n[sdq.guardian]\n1 = "x"\n', "[sdq.guardian] is unknown"),
            ('version = "1"\n[sdq.impact.teacher]\nhome = "x"\n', "'home' is not a question"),
            ('version = "1"\n[sdq.impact.student]\nburden = "x"\n', "'burden' is not a question"),
            ('version = "1"\n[sdq.impact.pupil]\ndistress = "x"\n', "'pupil' is not a rater"),
            ('version = "1"\n[eq12]\n53 = "x"\n', "[eq12] '53' is not an item number 1–52"),
            ('version = "1"\n[eq6]\n61 = "x"\n', "[eq6] '61' is not an item number 1–60"),
            ('version = "1"\neq12 = "x"\n', "[eq12] must be a table"),
        ],
    )
    def test_problem_is_named(self, tmp_path, settings, text, message):
        path = write(tmp_path, text)
        settings.SCREENING_INSTRUMENT_TEXT = str(path)
        with pytest.raises(ImproperlyConfigured) as exc:
            item_text("sdq", "teacher", 1)
        assert message in str(exc.value)
        assert "SCREENING_INSTRUMENT_TEXT" in str(exc.value)
        assert str(path) in str(exc.value)

    def test_missing_file(self, tmp_path, settings):
        settings.SCREENING_INSTRUMENT_TEXT = str(tmp_path / "nowhere.toml")
        with pytest.raises(ImproperlyConfigured, match="file not found"):
            item_text("eq6", None, 1)

    def test_a_folder_is_not_a_file(self, tmp_path):
        with pytest.raises(ImproperlyConfigured, match="not a file"):
            load_instrument_text(tmp_path)

    def test_not_utf8(self, tmp_path):
        path = tmp_path / "latin.toml"
        path.write_bytes('version = "é"\n'.encode("latin-1"))
        with pytest.raises(ImproperlyConfigured):
            load_instrument_text(path)

    def test_the_sample_file_is_valid(self):
        text = load_instrument_text(SAMPLE)
        assert text.version == "sample-1"
        assert set(text.sdq) == {"teacher", "parent", "student"}

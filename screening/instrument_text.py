"""Question wording, read from a file the deploying office supplies.

The wording of the SDQ (© Youthinmind; Thai translation by the Department of Mental Health) and
of the EQ forms is copyrighted, so the project does not ship it. The setting
``SCREENING_INSTRUMENT_TEXT`` may name a TOML file holding it (format in docs/screening.md,
"Instrument text file"); without it ``item_text`` returns None and forms show the item number and
the scale it belongs to.

The file is checked when read: a malformed file raises ImproperlyConfigured naming the problem.
It is read once and read again only when it changes on disk.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from screening import scoring

SETTING = "SCREENING_INSTRUMENT_TEXT"
TOP_LEVEL = ("version", "title", "sdq", "eq12", "eq6")


@dataclass(frozen=True)
class InstrumentText:
    path: Path
    version: str
    title: str
    sdq: dict[str, dict[int, str]]  # rater -> item -> text
    sdq_impact: dict[str, dict[str, str]]  # rater -> impact question -> text
    eq: dict[str, dict[int, str]]  # "eq12"/"eq6" -> item -> text

    def item_text(self, instrument: str, rater: str | None, item: int | str) -> str | None:
        if instrument == "sdq":
            if rater not in scoring.RATERS:
                raise ValueError(f"an SDQ rater is required ({', '.join(scoring.RATERS)})")
            if isinstance(item, str):
                return self.sdq_impact.get(rater, {}).get(item)
            return self.sdq.get(rater, {}).get(item)
        if instrument in scoring.EQ_INSTRUMENTS:
            return self.eq.get(instrument, {}).get(item)
        raise ValueError(f"unknown instrument {instrument!r}")


def _problem(path: Path, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{SETTING} ({path}): {message}")


def _items(path: Path, table, where: str, count: int) -> dict[int, str]:
    if not isinstance(table, dict):
        raise _problem(path, f"[{where}] must be a table of item number = text")
    items: dict[int, str] = {}
    for key, text in table.items():
        if not key.isdigit() or str(int(key)) != key or not 1 <= int(key) <= count:
            raise _problem(path, f"[{where}] {key!r} is not an item number 1–{count}")
        if not isinstance(text, str) or not text.strip():
            raise _problem(path, f"[{where}] item {key}: the text must be a non-empty string")
        items[int(key)] = text.strip()
    return items


def _parse(path: Path, data: dict) -> InstrumentText:
    unknown = sorted(set(data) - set(TOP_LEVEL))
    if unknown:
        raise _problem(
            path, f"unknown section(s) {', '.join(unknown)} (allowed: {', '.join(TOP_LEVEL)})"
        )
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise _problem(path, "`version` (a non-empty string) is required")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise _problem(path, "`title` must be a string")

    key = scoring.sdq_key()
    sdq: dict[str, dict[int, str]] = {}
    sdq_impact: dict[str, dict[str, str]] = {}
    sdq_table = data.get("sdq", {})
    if not isinstance(sdq_table, dict):
        raise _problem(path, "[sdq] must be a table")
    for name, table in sdq_table.items():
        if name in scoring.RATERS:
            sdq[name] = _items(path, table, f"sdq.{name}", key.items)
        elif name == "impact":
            if not isinstance(table, dict):
                raise _problem(path, "[sdq.impact] must be a table of raters")
            for rater, questions in table.items():
                if rater not in scoring.RATERS:
                    raise _problem(
                        path,
                        f"[sdq.impact] {rater!r} is not a rater ({', '.join(scoring.RATERS)})",
                    )
                if not isinstance(questions, dict):
                    raise _problem(path, f"[sdq.impact.{rater}] must be a table")
                allowed = key.impact_questions(rater)
                texts = {}
                for question, text in questions.items():
                    if question not in allowed:
                        raise _problem(
                            path,
                            f"[sdq.impact.{rater}] {question!r} is not a question of this form "
                            f"(allowed: {', '.join(allowed)})",
                        )
                    if not isinstance(text, str) or not text.strip():
                        raise _problem(
                            path,
                            f"[sdq.impact.{rater}] {question}: the text must be a non-empty string",
                        )
                    texts[question] = text.strip()
                sdq_impact[rater] = texts
        else:
            raise _problem(
                path,
                f"[sdq.{name}] is unknown (allowed: {', '.join(scoring.RATERS)}, impact)",
            )
    eq = {
        code: _items(path, data[code], code, scoring.eq_instrument(code).items)
        for code in scoring.EQ_INSTRUMENTS
        if code in data
    }
    return InstrumentText(
        path=path,
        version=version.strip(),
        title=title.strip(),
        sdq=sdq,
        sdq_impact=sdq_impact,
        eq=eq,
    )


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, size: int) -> InstrumentText:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise _problem(path, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise _problem(path, "not UTF-8 text") from None
    return _parse(path, data)


def load_instrument_text(path) -> InstrumentText:
    """Read and check a text file (cached until the file changes)."""
    path = Path(path)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise _problem(path, "file not found") from None
    except OSError as exc:
        raise _problem(path, f"cannot be read ({exc.strerror})") from None
    if not path.is_file():
        raise _problem(path, "not a file")
    return _load(path, stat.st_mtime_ns, stat.st_size)


def instrument_text() -> InstrumentText | None:
    """The configured text file, or None when SCREENING_INSTRUMENT_TEXT is not set."""
    path = getattr(settings, SETTING, None)
    if not path:
        return None
    return load_instrument_text(path)


def item_text(instrument: str, rater: str | None, item: int | str) -> str | None:
    """The wording of one question, or None (no file, or the file lacks it).

    ``instrument`` is "sdq", "eq12" or "eq6"; ``rater`` is the SDQ form (None for EQ); ``item``
    is the 1-based item number, or an impact question code such as "distress" (SDQ)."""
    if instrument == "sdq":
        if rater not in scoring.RATERS:
            raise ValueError(f"an SDQ rater is required ({', '.join(scoring.RATERS)})")
    elif instrument not in scoring.EQ_INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}")
    text = instrument_text()
    return None if text is None else text.item_text(instrument, rater, item)


def instrument_text_version() -> str | None:
    text = instrument_text()
    return None if text is None else text.version


def clear_cache() -> None:
    _load.cache_clear()

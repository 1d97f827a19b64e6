"""Thai search of the good-practice library (docs/district-work.md, "Thai search": the choice
and its measurements).

Thai is written without spaces between words, so a word the reader types ("ยาเสพติด") stands
inside a longer run of letters ("โครงการป้องกันยาเสพติดในสถานศึกษา"). The library searches for
each typed term as a substring of a normalised copy of the practice's text (``search_text``),
never as a token: a word segmenter cuts runs differently from what people type (PyThaiNLP's
newmm cuts "โครงการป้องกัน" into "โครง|การป้องกัน" and "เยี่ยมบ้าน" into "เยี่ยม|บ้าน", so a token
index misses "โครงการ", "ป้องกัน" and "เยี่ยมบ้าน" there).

- PostgreSQL: ``search_text LIKE '%term%'`` is answered from a GIN trigram index (pg_trgm,
  migration 0002) for terms of three letters or more.
- SQLite (the demo): the same LIKE without an index (a scan).

Both rank the same way: the practices whose title holds more of the terms first, then the
newest. Ranking by trigram similarity as well was measured and dropped: it cost 0.8 s on a
word found in 9,000 of 10,000 practices, for an order that differed only among equals.

Both sides are normalised the same way in Python (``normalise``), so the database only ever
compares plain lower-case text: Django's ``icontains`` would wrap the column in UPPER(), which
no trigram index on the column serves.
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, ExpressionWrapper, IntegerField, QuerySet, Value, When
from django.db.models.functions import Lower

# Characters Thai text carries invisibly (pasted from Word, LINE or a web page): zero-width
# space, zero-width (non-)joiners, word joiner, soft hyphen, the byte-order mark.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u00ad\ufeff"), None)
# SARA AM typed as NIKHAHIT + SARA AA (the two look the same on screen).
SARA_AM_SPLIT = "\u0e4d\u0e32"
SARA_AM = "\u0e33"
SPACES = re.compile(r"\s+")
# At most this many terms in one query, each at most this long (a pasted paragraph is cut).
MAX_TERMS = 8
MAX_TERM_LENGTH = 100


def clean(text: str) -> str:
    """``text`` without what the eye cannot see: NFC, invisible characters removed, SARA AM in
    one character, runs of white space as one space (a title is kept so)."""
    text = unicodedata.normalize("NFC", text or "").translate(INVISIBLE)
    return SPACES.sub(" ", text.replace(SARA_AM_SPLIT, SARA_AM)).strip()


def normalise(text: str) -> str:
    """``text`` as the library compares it: cleaned and in lower case."""
    return clean(text).lower()


def search_text_of(*parts: str) -> str:
    """The ``search_text`` of a practice made of ``parts`` (title, teachers, texts)."""
    return "\n".join(normalise(part) for part in parts if part)


def terms(query: str) -> list[str]:
    """The distinct terms of what was typed: split at spaces (a Thai reader separates words
    with a space when typing several), at most MAX_TERMS of at most MAX_TERM_LENGTH."""
    seen: list[str] = []
    for term in normalise(query).split(" "):
        term = term[:MAX_TERM_LENGTH]
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def matching(practices: QuerySet, query: str) -> QuerySet:
    """``practices`` holding every term of ``query`` in their text, the best first (see the
    module's docstring); ``practices`` unchanged (in its own order) when nothing was typed."""
    words = terms(query)
    if not words:
        return practices
    for word in words:
        practices = practices.filter(search_text__contains=word)
    title_hits = Value(0)
    for word in words:
        title_hits += Case(When(title_lower__contains=word, then=Value(1)), default=Value(0))
    practices = practices.annotate(title_lower=Lower("title")).annotate(
        title_hits=ExpressionWrapper(title_hits, output_field=IntegerField())
    )
    return practices.order_by("-title_hits", "-published_at", "-pk")

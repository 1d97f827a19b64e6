"""Thai fonts for the PDF text layer: SARA AM (ำ) that copies and searches as itself.

The cause. HarfBuzz's Thai shaper always draws SARA AM (U+0E33) as NIKHAHIT + SARA AA (and moves
the NIKHAHIT before a tone mark: น้ำ is drawn น, NIKHAHIT-with-MAI-THO, SARA AA), whatever the
font. WeasyPrint writes one ToUnicode entry per glyph, the text of the first cluster it meets the
glyph in, and gives a cluster's text to its last glyph. So the one SARA AA glyph stands for "า"
in การ and for "ำ" (or "้ำ") in สำนัก: whichever comes first in the document wins, and the text
layer reads "สำนักงำน", "กำร", or "นำ" for น้ำ. The printed page is right either way.

The fix, on the font's bytes as the PDF renderer loads them (the web pages keep the original
files): copies of SARA AA that are drawn the same but stand for ำ only, one per tone mark that
can sit above it (ำ, ่ำ, ้ำ, ๊ำ, ๋ำ); two GSUB lookups, run after the font's own, put the copy in
place after a NIKHAHIT form:

1. a ligature lookup: NIKHAHIT form (+ tone mark form) + SARA AA -> a placeholder glyph;
2. a multiple-substitution lookup: the placeholder -> the same NIKHAHIT (+ tone) glyphs + the copy.

The NIKHAHIT and tone glyphs are unchanged, so GPOS places them exactly as before and the page
looks the same; the copy is the last glyph of the cluster and gets the cluster's whole text. The
NIKHAHIT glyph itself gets the empty text (as before): a NIKHAHIT typed on its own (Pali
spelling, not used in the documents) may then be lost from the text layer.

The NIKHAHIT forms are found by glyph name (``uni0E4D``, ``uni0E4D.narrow``, ``uni0E4D0E48``
...), the convention of Sarabun; a font without them is returned unchanged. The round trip is
tested for every document kind (carecore/tests/test_pdf_text_layer.py).
"""

from __future__ import annotations

import copy
import functools
import io
import logging
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables
from fontTools.ttLib.tables._g_l_y_f import Glyph

logger = logging.getLogger(__name__)

NIKHAHIT, SARA_AA = 0x0E4D, 0x0E32
TONE_MARKS = (0x0E48, 0x0E49, 0x0E4A, 0x0E4B)  # ่ ้ ๊ ๋
COPY_SUFFIX = ".am"  # uni0E32.am (ำ), uni0E32.am0E48 (่ำ), ...


def _tone_of(name: str, nikhahit: str) -> int | None:
    """The tone mark a NIKHAHIT ligature glyph carries (``uni0E4D0E49`` -> 0x0E49), else None."""
    rest = name[len(nikhahit) :].split(".")[0]
    for tone in TONE_MARKS:
        if rest == f"{tone:04X}":
            return tone
    return None


def _glyph_names(
    font: TTFont,
) -> tuple[str, str, dict[str, int | None], dict[int, list[str]]] | None:
    cmap = font.getBestCmap() or {}
    nikhahit, sara_aa = cmap.get(NIKHAHIT), cmap.get(SARA_AA)
    if not nikhahit or not sara_aa or "GSUB" not in font or "glyf" not in font:
        return None
    order = font.getGlyphOrder()
    # NIKHAHIT forms: the glyph, its variants (.narrow) and its ligatures with a tone mark.
    forms: dict[str, int | None] = {}
    for name in order:
        if name == nikhahit or name.startswith(nikhahit + "."):
            forms[name] = None
        elif name.startswith(nikhahit):
            tone = _tone_of(name, nikhahit)
            if tone is not None:
                forms[name] = tone
    # Tone mark forms (ุ่ .small, .narrow): for a NIKHAHIT the font did not ligate with its tone.
    tones: dict[int, list[str]] = {}
    for tone in TONE_MARKS:
        base = cmap.get(tone)
        if base:
            tones[tone] = [n for n in order if n == base or n.startswith(base + ".")]
    return nikhahit, sara_aa, forms, tones


def _add_glyph(font: TTFont, name: str, like: str, *, empty: bool = False) -> None:
    glyf, hmtx = font["glyf"], font["hmtx"]
    order = list(font.getGlyphOrder())
    glyf[name] = Glyph() if empty else copy.deepcopy(glyf[like])  # also appends to glyf's order
    hmtx[name] = hmtx[like]
    font.setGlyphOrder([*order, name])
    glyf.glyphOrder = font.getGlyphOrder()


def _lookup(lookup_type: int, subtable) -> otTables.Lookup:
    lookup = otTables.Lookup()
    lookup.LookupType = lookup_type
    lookup.LookupFlag = 0  # marks are not skipped: the components are marks
    lookup.SubTable = [subtable]
    lookup.SubTableCount = 1
    return lookup


def add_sara_am_copies(font: TTFont) -> bool:
    """Patch ``font`` in place (see the module's docstring). False if it has no NIKHAHIT forms."""
    names = _glyph_names(font)
    if names is None:
        return False
    nikhahit, sara_aa, forms, tones = names
    if not forms:
        return False

    copies = {
        tone: f"{sara_aa}{COPY_SUFFIX}{'' if tone is None else f'{tone:04X}'}"
        for tone in (None, *TONE_MARKS)
    }
    for name in copies.values():
        _add_glyph(font, name, sara_aa)

    # Sequences ending in SARA AA that HarfBuzz makes of SARA AM: NIKHAHIT form + SARA AA, or
    # bare NIKHAHIT form + tone form + SARA AA when the font kept them apart.
    sequences: list[tuple[list[str], int | None]] = []
    for form, tone in forms.items():
        sequences.append(([form, sara_aa], tone))
        if tone is None:
            for tone_mark, tone_forms in tones.items():
                sequences.extend(([form, t, sara_aa], tone_mark) for t in tone_forms)

    ligatures = otTables.LigatureSubst()
    ligatures.ligatures = {}
    multiple = otTables.MultipleSubst()
    multiple.mapping = {}
    for number, (components, tone) in enumerate(sequences):
        placeholder = f"{sara_aa}{COPY_SUFFIX}.tmp{number}"
        _add_glyph(font, placeholder, sara_aa, empty=True)
        ligature = otTables.Ligature()
        ligature.LigGlyph = placeholder
        ligature.Component = components[1:]
        ligature.CompCount = len(components)
        ligatures.ligatures.setdefault(components[0], []).append(ligature)
        multiple.mapping[placeholder] = [*components[:-1], copies[tone]]

    gsub = font["GSUB"].table
    first = len(gsub.LookupList.Lookup)
    gsub.LookupList.Lookup.extend([_lookup(4, ligatures), _lookup(2, multiple)])
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    # HarfBuzz applies all these features in one stage, lookup by lookup in list order: ours,
    # appended last, run after the font's own ligatures of NIKHAHIT and tone marks.
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag in ("ccmp", "liga"):
            record.Feature.LookupListIndex = [*record.Feature.LookupListIndex, first, first + 1]
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    if "GDEF" in font and font["GDEF"].table.GlyphClassDef is not None:
        classes = font["GDEF"].table.GlyphClassDef.classDefs
        for name in copies.values():
            if sara_aa in classes:
                classes[name] = classes[sara_aa]
    return True


@functools.lru_cache(maxsize=16)
def _patched(path: str, mtime_ns: int, size: int) -> bytes:
    data = Path(path).read_bytes()
    try:
        font = TTFont(io.BytesIO(data))
        if not add_sara_am_copies(font):
            return data
        out = io.BytesIO()
        font.save(out)
    except Exception:  # a font we cannot patch still prints; only its text layer suffers
        logger.exception("Could not add the SARA AM glyphs to %s", path)
        return data
    return out.getvalue()


def pdf_font_bytes(path: Path) -> bytes:
    """The bytes of a TrueType font for the PDF renderer: patched once per process."""
    stat = path.stat()
    return _patched(str(path), stat.st_mtime_ns, stat.st_size)

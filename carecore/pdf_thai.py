"""Thai words the PDF documents keep on one line.

Thai has no spaces: WeasyPrint (Pango with libthai) breaks lines where libthai's dictionary sees
word boundaries, and it splits compounds the documents use: ตัว/ชี้/วัด, ไม่/กี่/นาที, ครอบ/ครัว
(in context), ครู/ประจำ/ชั้น. What does not help, measured with Pango 1.50 and libthai 0.1.29:

- WORD JOINER (U+2060) inside the word: libthai's breaks win over it;
- ``white-space: nowrap`` around the word: WeasyPrint then finds no break between the word and
  the Thai text on either side, and the whole run overflows the column.

What works is an inline block around the word (``.th-word`` in pdf/document.css): the line may
break before and after it, never inside, and the text layer is the text itself (no added
characters, so copying and searching are unchanged).

``keep_thai_words`` wraps the words of ``THAI_COMPOUNDS`` in the text of a whole HTML document;
carecore.pdf applies it to every document before rendering. Only text between tags in the body is
touched (not the title, styles, scripts or inline SVG, nor attribute values). A word wider than
its whole column still breaks inside (the block wraps), as it did before, rather than overflow.
"""

from __future__ import annotations

import re

# Compounds and short phrases of the documents that libthai splits (the pattern below tries the
# longest first).
THAI_COMPOUNDS = (
    "ตัวชี้วัด",
    "ครอบครัว",
    "ไม่กี่นาที",
    "ครัวเรือน",
    "ครูประจำชั้น",
    "ครูที่ปรึกษา",
    "ผู้ปกครอง",
    "ผู้อำนวยการ",
    "ผู้รับผิดชอบ",
    "ผู้ส่งต่อ",
    "ปีการศึกษา",
    "เยี่ยมบ้าน",
    "ส่งต่อ",
    "คัดกรอง",
    "กลุ่มเสี่ยง",
    "ประถมศึกษา",
    "มัธยมศึกษา",
    "บิดามารดา",
    "ปู่ย่า",
    "ตายาย",
    "ลายมือชื่อ",
    "ค่าใช้จ่าย",
    "ระยะทาง",
    "สารเสพติด",
    "มันสำปะหลัง",
    "มั่นรักษ์",
    "จุดแข็ง",
    "สมาธิสั้น",
    "ใกล้ชิด",
    "เหมาะสม",
    "ผู้ประสานงาน",
    "ออกกลางคัน",
)

_SKIPPED = ("head", "title", "style", "script", "svg", "textarea")
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_WORDS = re.compile("|".join(re.escape(w) for w in sorted(THAI_COMPOUNDS, key=len, reverse=True)))
WRAPPER = '<span class="th-word">{}</span>'


def keep_thai_words(html: str) -> str:
    """``html`` with each word of THAI_COMPOUNDS in the body's text wrapped in an inline block."""
    parts = _TAG.split(html)
    skipping: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            match = _TAG_NAME.match(part)
            if match:
                closing, name = match.group(1), match.group(2).lower()
                if name in _SKIPPED and not part.endswith("/>"):
                    if closing:
                        if name in skipping:
                            del skipping[skipping.index(name) :]
                    else:
                        skipping.append(name)
        elif part and not skipping:
            parts[index] = _WORDS.sub(lambda m: WRAPPER.format(m.group(0)), part)
    return "".join(parts)

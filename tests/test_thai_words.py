"""The pages (static/js/app.js) and the PDFs (carecore/pdf_thai.py) keep the same Thai compounds
on one line."""

import json
import re
from pathlib import Path

from carecore.pdf_thai import THAI_COMPOUNDS

APP_JS = Path(__file__).resolve().parents[1] / "static" / "js" / "app.js"


def test_the_pages_keep_the_words_the_pdfs_keep():
    source = APP_JS.read_text(encoding="utf-8")
    listed = re.search(r"var THAI_WORDS = (\[.*?\]);", source, re.S)
    assert listed, "static/js/app.js lists no THAI_WORDS"
    assert json.loads(listed.group(1).replace(",\n  ]", "\n  ]")) == list(THAI_COMPOUNDS)

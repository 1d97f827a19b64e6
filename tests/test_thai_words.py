"""The pages (static/js/app.js) and the PDFs (carecore/pdf_thai.py) keep the same Thai compounds
on one line: every page carries the PDFs' list for the script."""

import json
import re
from pathlib import Path

import pytest

from carecore.pdf_thai import THAI_COMPOUNDS

APP_JS = Path(__file__).resolve().parents[1] / "static" / "js" / "app.js"


@pytest.mark.django_db
def test_every_page_hands_the_pdfs_words_to_the_script(client):
    page = client.get("/accounts/login/").content.decode()
    listed = re.search(r'<script id="thai-compounds" type="application/json">(.*?)</script>', page)
    assert listed, "the page carries no thai-compounds list"
    assert json.loads(listed.group(1)) == list(THAI_COMPOUNDS)
    # ...before app.js, which reads it
    assert page.index('id="thai-compounds"') < page.index("js/app.")


def test_the_script_lists_no_words_of_its_own():
    source = APP_JS.read_text(encoding="utf-8")
    assert "ตัวชี้วัด" not in source
    assert 'getElementById("thai-compounds")' in source

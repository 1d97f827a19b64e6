"""The demo's good practices: a library district1 and director1 can read and search, one
waiting for review, one sent back with a comment, one draft; none names a student."""

from collections import Counter

import pytest
from django_scopes import scopes_disabled

from demo.world import demo_build
from districts.practices import selectors
from districts.practices.models import Practice
from students.models import Student

pytestmark = pytest.mark.django_db


def test_the_demo_library_is_searchable_and_names_no_student():
    result = demo_build(schools=2, students=200, seed=13)
    practices = Practice.objects.filter(district=result.district)
    statuses = Counter(practices.values_list("status", flat=True))
    assert statuses == {"published": 7, "submitted": 1, "sent_back": 1, "draft": 1}
    # director1's school: one sent back to it, one its coordinator is still writing.
    writers = practices.filter(status__in=["sent_back", "draft"])
    assert set(writers.values_list("created_by__username", flat=True)) == {"coordinator1"}
    sent_back = practices.get(status="sent_back")
    assert sent_back.events.get(action="sent_back").by.username == "district1"
    # "ยาเสพติด" stands inside "โครงการป้องกันยาเสพติดในสถานศึกษา".
    found = selectors.library(practices, query="ยาเสพติด")
    assert [p.title for p in found] == ['โครงการป้องกันยาเสพติดในสถานศึกษา "ห้องเรียนสีขาว"']
    assert set(practices.values_list("step", flat=True)) >= {
        "know",
        "screen",
        "promote",
        "prevent",
        "refer",
        "whole",
    }
    with scopes_disabled():
        names = {
            f"{first} {last}"
            for first, last in Student.objects.values_list("first_name", "last_name")
        }
    texts = " ".join(practices.values_list("search_text", flat=True))
    assert not [name for name in names if name in texts]

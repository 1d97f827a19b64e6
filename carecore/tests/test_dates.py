import datetime

import pytest
from django import forms
from django.utils import translation

from carecore.dates import format_date, parse_date, to_thai_digits
from carecore.forms import ThaiDateField


class TestFormatDate:
    def test_thai_short_uses_buddhist_era(self):
        with translation.override("th"):
            assert format_date(datetime.date(2025, 6, 15)) == "15 มิ.ย. 2568"

    def test_thai_long(self):
        with translation.override("th"):
            assert format_date(datetime.date(2026, 1, 1), "long") == "1 มกราคม 2569"

    def test_numeric(self):
        assert format_date(datetime.date(2025, 6, 5), "numeric") == "05/06/2568"

    def test_english_keeps_buddhist_era(self):
        with translation.override("en"):
            assert format_date(datetime.date(2025, 6, 15)) == "15 Jun B.E. 2568"

    def test_thai_digits(self):
        with translation.override("th"):
            assert format_date(datetime.date(2025, 6, 15), thai_digits=True) == "๑๕ มิ.ย. ๒๕๖๘"
        assert to_thai_digits("2568") == "๒๕๖๘"

    def test_aware_datetime_is_shown_in_bangkok_time(self):
        # 20:00 UTC on 31 December is already 1 January in Bangkok.
        moment = datetime.datetime(2025, 12, 31, 20, 0, tzinfo=datetime.UTC)
        with translation.override("th"):
            assert format_date(moment) == "1 ม.ค. 2569"

    def test_empty(self):
        assert format_date(None) == ""


class TestParseDate:
    @pytest.mark.parametrize(
        "typed, expected",
        [
            ("15/06/2568", datetime.date(2025, 6, 15)),  # BE, as people type it
            ("15/6/2568", datetime.date(2025, 6, 15)),
            ("15-06-2568", datetime.date(2025, 6, 15)),
            ("15.06.2568", datetime.date(2025, 6, 15)),
            ("15/06/68", datetime.date(2025, 6, 15)),  # two-digit BE year
            ("๑๕/๐๖/๒๕๖๘", datetime.date(2025, 6, 15)),  # Thai digits
            ("15/06/2025", datetime.date(2025, 6, 15)),  # CE typed by someone used to it
            ("2025-06-15", datetime.date(2025, 6, 15)),  # ISO
            (" 29/02/2567 ", datetime.date(2024, 2, 29)),  # 2024 is a leap year
        ],
    )
    def test_accepted(self, typed, expected):
        assert parse_date(typed) == expected

    @pytest.mark.parametrize(
        "typed", ["", "abc", "31/04/2568", "29/02/2568", "15/13/2568", "2568", "15/06"]
    )
    def test_rejected(self, typed):
        assert parse_date(typed) is None

    def test_be_year_is_never_taken_as_ce(self):
        assert parse_date("15/06/2568").year == 2025


class TestThaiDateField:
    class Form(forms.Form):
        day = ThaiDateField()

    def test_valid(self):
        form = self.Form({"day": "15/06/2568"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == datetime.date(2025, 6, 15)

    def test_invalid_keeps_the_typed_text_and_explains_in_thai(self):
        with translation.override("th"):
            form = self.Form({"day": "31/02/2568"})
            assert not form.is_valid()
            assert "31/02/2568" in str(form["day"])
            message = form.errors["day"][0]
        assert "15/06/2568" in message
        with translation.override("en"):
            english = str(ThaiDateField.default_error_messages["invalid"])
        assert message != english  # translated

    def test_initial_value_is_shown_in_buddhist_era(self):
        form = self.Form(initial={"day": datetime.date(2017, 6, 15)})
        assert 'value="15/06/2560"' in str(form["day"])

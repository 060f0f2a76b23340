"""Issue 9 §5: names and dates the way phones produce them."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.rules.dates import UNREADABLE_DATE, read_date
from chibo.rules.messages import Msg
from chibo.rules.text import check_person_name, lacks_diacritics

TODAY = date(2026, 11, 29)


def test_a_day_and_month_in_a_past_only_field_is_the_last_such_day():
    assert read_date("5/12", TODAY, past=True) == date(2025, 12, 5)
    assert read_date("29/11", TODAY, past=True) == date(2026, 11, 29)
    assert read_date("5/12", TODAY) == date(2026, 12, 5)  # a due date may be ahead
    assert read_date("5/12/2026", TODAY, past=True) == date(2026, 12, 5)  # a year given: kept


def test_an_impossible_day_says_how_many_days_the_month_has():
    msg = read_date("31/02/2026", TODAY)
    assert isinstance(msg, Msg)
    assert msg.params == {"month": "02", "year": 2026, "days": 28, "text": "31/02/2026"}
    assert read_date("29/2/2028", TODAY) == date(2028, 2, 29)
    assert isinstance(read_date("30/2", TODAY, past=True), Msg)
    assert read_date("31/4/2026", TODAY).params["days"] == 30  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["", "abc", "13/13/2026", "5", "hôm nào đó"])
def test_an_unreadable_date_has_one_wording(text):
    msg = read_date(text, TODAY)
    assert isinstance(msg, Msg) and msg.key == UNREADABLE_DATE and msg.params == {"text": text}


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("Nguyễn Văn An", False),
        ("H'Hen Niê", False),
        ("Nguyễn Thị Minh-Khai", False),
        ("An", True),  # one word
        ("Nguyễn Văn 2", True),
        ("Nguyễn Văn An 😀", True),
        ("Nguyễn Văn @n", True),
        ("   ", True),
    ],
)
def test_a_name_is_two_words_of_letters(name, refused):
    assert (check_person_name(name) is not None) is refused


def test_a_name_without_diacritics_is_noticed():
    assert lacks_diacritics("Nguyen Van An")
    assert not lacks_diacritics("Nguyễn Văn An")
    assert not lacks_diacritics("Đinh Van An")


def test_an_age_notice_before_the_cell_meets_does_not_pretend_a_meeting_was_held():
    from chibo.rules.admission import check_age

    finding = check_age(date(2008, 12, 15), TODAY, projected=True)
    assert finding is not None and finding.severity == "refuse"
    assert "considers the admission ({on})" not in finding.message.key
    assert finding.message.params["on"] == TODAY
    assert finding.message.params["from_date"] == date(2026, 12, 15)  # 18 years on that day
    over = check_age(date(1960, 1, 1), TODAY, projected=True)
    assert over is not None and "considers the admission ({on})" not in over.message.key

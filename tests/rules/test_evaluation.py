"""The year-end evaluation rules: score bands (QĐ 366 Art. 11), the HTXS cap (E3), discipline
(E5), the cell's rating against its meeting book, KHT years in a row, status on a date."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from chibo.rules import evaluation as ev
from chibo.rules.catalogue import DEFAULT_CATALOGUE

ON = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("0", "KHT"),
        ("49.9", "KHT"),
        ("50", "HT"),
        ("69.9", "HT"),
        ("70", "HTT"),
        ("89.9", "HTT"),
        ("90", "HTXS"),
        ("100", "HTXS"),
    ],
)
def test_score_bands_at_their_edges(score, level):
    assert ev.level_of_score(Decimal(score), ON) == level
    assert ev.check_score(level, Decimal(score), ON) is None


@pytest.mark.parametrize(
    ("score", "level", "band"),
    [("49.9", "HT", "KHT"), ("69.9", "HTT", "HT"), ("89.9", "HTXS", "HTT"), ("90", "HTT", "HTXS")],
)
def test_a_level_that_contradicts_its_score_is_refused_citing_the_rule(score, level, band):
    msg = ev.check_score(level, Decimal(score), ON)
    assert msg is not None and "QĐ 366-QĐ/TW, Art. 11" in msg.key
    assert msg.params["band"].key == ev.LEVEL_LABELS[band]
    assert msg.params["score"] == score


def test_a_score_out_of_range_is_refused():
    assert ev.check_score("HTXS", Decimal("100.5"), ON) is not None
    assert ev.check_score("KHT", Decimal("-1"), ON) is not None
    assert ev.check_score("HT", None, ON) is None


def test_bands_are_configurable():
    cat = DEFAULT_CATALOGUE.with_overrides({"evaluation.score_bands": [95, 80, 50]})
    assert ev.level_of_score(Decimal("90"), ON, cat) == "HTT"


def test_htxs_cap_is_a_share_of_those_rated_htt():
    ten_htt = ["HTT"] * 10
    assert ev.check_htxs_cap([*ten_htt, "HTXS", "HTXS"], ON) is None  # 2 <= 20% of 10
    msg = ev.check_htxs_cap([*ten_htt, "HTXS", "HTXS", "HTXS"], ON)
    assert msg is not None and msg.params == {
        "htxs": 3,
        "htt": 10,
        "ratio": "20%",
        "allowed": 2,
    }
    assert "not verified" in msg.key
    assert ev.check_htxs_cap(["HTXS"], ON) is not None  # none rated HTT
    assert ev.check_htxs_cap(["HT", "KHT", None], ON) is None


def test_htxs_cap_is_configurable_and_unverified():
    entry = DEFAULT_CATALOGUE.entry("evaluation.htxs_cap_ratio", ON)
    assert entry.tag == "R" and "chưa kiểm chứng" in entry.source
    cat = DEFAULT_CATALOGUE.with_overrides({"evaluation.htxs_cap_ratio": "3/10"})
    assert ev.check_htxs_cap([*["HTT"] * 10, *["HTXS"] * 3], ON, cat) is None


def test_disciplined_member_rated_above_kht_is_a_warning():
    msg = ev.check_discipline("An", "HT", date(2026, 5, 2))
    assert msg is not None and "E5" in msg.key and msg.params["date"] == date(2026, 5, 2)
    assert ev.check_discipline("An", "KHT", date(2026, 5, 2)) is None
    assert ev.check_discipline("An", "HTT", None) is None


def test_vote_over_the_official_members():
    assert ev.check_vote("An", 4, 5, ON) == ev.VoteCheck()
    short = ev.check_vote("An", 3, 5, ON)
    assert short.refusal is None and short.warning is not None
    assert short.warning.params["required"] == 4
    assert ev.check_vote("An", 6, 5, ON).refusal is not None
    small = ev.check_vote("An", 2, 2, ON)
    assert small.refusal is None and small.warning is not None  # fewer than 3 official


def test_cell_rated_with_a_month_without_a_regular_meeting():
    held = [date(2026, m, 10) for m in range(1, 13) if m != 4]
    assert ev.months_without_regular(2026, held, date(2027, 1, 15)) == [date(2026, 4, 1)]
    # rated in December: December is not over yet, so not counted
    assert ev.months_without_regular(2026, held[:-1], date(2026, 12, 20)) == [date(2026, 4, 1)]
    # months before the bot tracked the cell are skipped
    assert ev.months_without_regular(2026, held, date(2027, 1, 5), since=date(2026, 6, 1)) == []
    msgs = ev.check_cell_rating("Chi bộ 1", "HTT", [date(2026, 4, 1)])
    assert len(msgs) == 1 and msgs[0].params["months"] == "04/2026"
    assert "Art. 24" in msgs[0].key
    assert ev.check_cell_rating("Chi bộ 1", "KHT", [date(2026, 4, 1)]) == []
    assert len(ev.check_cell_rating("Chi bộ 1", "HTXS", [], disciplined_members=1)) == 1


def test_kht_streak_across_years():
    levels = {2024: "KHT", 2025: "KHT", 2026: "HT"}
    assert ev.kht_streak(levels, 2025) == 2
    assert ev.kht_streak(levels, 2026) == 0
    assert ev.kht_streak({2023: "KHT", 2025: "KHT"}, 2025) == 1  # 2024 not rated: no streak
    assert ev.kht_streak({2024: "KHT", 2025: "KHT", 2026: "KHT"}, 2026) == 3


def test_status_on_the_review_date_from_the_history():
    history = [(date(2025, 3, 1), "probationary"), (date(2026, 3, 1), "official")]
    assert ev.status_on(history, "transferred_out", date(2025, 12, 1)) == "probationary"
    assert ev.status_on(history, "transferred_out", date(2026, 12, 1)) == "official"
    assert ev.status_on(history, "official", date(2024, 12, 1)) is None
    # no history: the current status, once it started
    assert ev.status_on([], "official", date(2026, 12, 1), date(2010, 1, 1)) == "official"
    assert ev.status_on([], "official", date(2026, 12, 1), date(2027, 1, 1)) is None


def test_target_is_strictly_above_ninety_percent():
    t = ev.target(9, 10, ON)
    assert t.share == Fraction(9, 10) and not t.met and t.needed == 10
    assert ev.target(19, 20, ON).met
    assert ev.target(0, 0, ON).share is None and not ev.target(0, 0, ON).met

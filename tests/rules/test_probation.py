from datetime import date

import pytest

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.probation import (
    ConversionVote,
    check_cell_resolution_date,
    check_helper,
    conversion_vote_status,
    official_date,
    probation_end,
)
from chibo.rules.votes import check_vote_base, reaches_ratio, required_votes


@pytest.mark.parametrize(
    ("ceremony", "end"),
    [
        (date(2024, 3, 5), date(2025, 3, 5)),  # 12 months from the ceremony (Charter Art. 5)
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 29/02 in 2025: the month's last day
        (date(2023, 2, 28), date(2024, 2, 28)),  # not moved to the leap day
        (date(2025, 1, 31), date(2026, 1, 31)),
        (date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_probation_end_and_official_date(ceremony, end):
    assert probation_end(ceremony) == end
    assert official_date(ceremony) == end  # P8: whatever the decision date


def test_probation_length_comes_from_the_catalogue():
    longer = DEFAULT_CATALOGUE.with_overrides({"probation.months": 18})
    assert probation_end(date(2024, 2, 29), longer) == date(2025, 8, 29)


@pytest.mark.parametrize(
    ("resolution", "refused"),
    [
        (date(2025, 2, 27), True),  # before the end of probation
        (date(2024, 12, 1), True),
        # the end day: "dated after the end of probation" (P5; issue 9 §3 reading), refused
        (date(2025, 2, 28), True),
        (date(2025, 3, 1), False),
        (date(2025, 6, 1), False),  # late, but a late resolution is still valid
    ],
)
def test_check_cell_resolution_date(resolution, refused):
    end = probation_end(date(2024, 2, 29))
    msg = check_cell_resolution_date(resolution, end)
    assert (msg is not None) is refused
    if msg is not None:
        assert "Art. 5" in msg.key
        assert msg.params["end"] == date(2025, 2, 28)
        assert msg.params["months"] == 12
        assert msg.params["first"] == date(2025, 3, 1)
        assert "sổ tay nghiệp vụ" in msg.params["source"]
        msg.key.format(**msg.params)


def test_the_end_day_reading_is_configurable():
    """P5: a committee that reads "after the end" as "from the day the 12 months end" may set
    `probation.conversion.resolution_on_end_day = true`."""
    from chibo.rules.catalogue import DEFAULT_CATALOGUE
    from chibo.rules.probation import first_resolution_date

    end = probation_end(date(2024, 2, 29))
    assert first_resolution_date(end) == date(2025, 3, 1)
    lenient = DEFAULT_CATALOGUE.with_overrides({"probation.conversion.resolution_on_end_day": True})
    assert first_resolution_date(end, lenient) == end
    assert check_cell_resolution_date(end, end, lenient) is None


@pytest.mark.parametrize(
    ("helper_id", "official", "refused"),
    [
        (None, False, True),
        (7, True, True),  # the member cannot help themself
        (8, False, True),  # helper still probationary
        (8, True, False),
    ],
)
def test_check_helper(helper_id, official, refused):
    msg = check_helper(member_id=7, helper_id=helper_id, helper_is_official=official)
    assert (msg is not None) is refused
    assert msg is None or "Art. 5" in msg.key


@pytest.mark.parametrize(
    ("base", "needed"),
    [(0, 0), (3, 2), (4, 3), (6, 4), (9, 6), (10, 7), (11, 8), (30, 20), (31, 21)],
)
def test_required_votes_is_two_thirds_rounded_up(base, needed):
    assert required_votes(base, date(2026, 1, 1)) == needed


def test_reaches_ratio_needs_a_non_empty_base():
    on = date(2026, 1, 1)
    assert reaches_ratio(6, 9, on)
    assert not reaches_ratio(5, 9, on)
    assert not reaches_ratio(0, 0, on)


@pytest.mark.parametrize(("count", "warned"), [(0, True), (2, True), (3, False), (12, False)])
def test_check_vote_base(count, warned):
    msg = check_vote_base(count, date(2026, 1, 1))
    assert (msg is not None) is warned
    assert msg is None or msg.params["minimum"] == 3


ON = date(2026, 3, 10)


def _vote(agree: int, disagree: int, base: int = 9) -> ConversionVote:
    return ConversionVote(held_on=ON, agree=agree, disagree=disagree, base=base)


@pytest.mark.parametrize(
    ("rounds", "outcome", "failed"),
    [
        ([], "none", 0),
        ([_vote(6, 3)], "convert", 0),
        ([_vote(3, 6)], "remove", 0),
        ([_vote(5, 4)], "undecided", 1),
        ([_vote(5, 4), _vote(4, 5)], "undecided", 2),
        ([_vote(5, 4), _vote(4, 5), _vote(7, 2)], "convert", 2),
        ([_vote(5, 4), _vote(4, 5), _vote(5, 4)], "escalate", 3),
        # after the third failed round the upper committees decide: later rounds are ignored
        ([_vote(5, 4), _vote(4, 5), _vote(5, 4), _vote(6, 3)], "escalate", 3),
        ([_vote(1, 1, base=3), _vote(1, 0, base=3)], "undecided", 2),  # 2 of 3 needed
    ],
)
def test_conversion_vote_rounds(rounds, outcome, failed):
    status = conversion_vote_status(rounds)
    assert status.outcome == outcome
    assert status.failed_rounds == failed
    if outcome in {"undecided", "escalate"}:
        assert status.message is not None
        assert "Art. 5" in status.message.key
        status.message.key.format(**status.message.params)
    if outcome == "escalate":
        assert status.message is not None
        assert status.message.params["regulation"] == "QĐ 294-QĐ/TW"

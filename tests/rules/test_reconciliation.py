"""Half-year reconciliation: periods, reminders, and matching an official list with a roster."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.reconciliation import (
    RECONCILIATION_FAMILY,
    Period,
    ReconciliationCase,
    RosterEntry,
    is_birth_date_typo,
    period_containing,
    previous_period,
    reconcile,
    reconciliation_reminders,
)
from chibo.rules.reminders import OFFICERS, SECRETARIAT, Reminder, ReminderState, due_reminders
from chibo.rules.workdays import WorkCalendar

CAL = WorkCalendar()
ON = date(2026, 7, 1)


# --- periods ---


@pytest.mark.parametrize(
    ("d", "start", "end"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 7, 1), date(2026, 12, 31)),
        (date(2025, 12, 31), date(2025, 7, 1), date(2025, 12, 31)),
    ],
)
def test_half_year_periods(d, start, end):
    period = period_containing(d)
    assert (period.start, period.end) == (start, end)
    assert period.key == end.isoformat()


def test_previous_period_crosses_the_year():
    assert previous_period(Period(date(2026, 1, 1), date(2026, 6, 30))) == Period(
        date(2025, 7, 1), date(2025, 12, 31)
    )


def test_configured_period_ends():
    quarterly = DEFAULT_CATALOGUE.with_overrides(
        {"reconciliation.period_ends": [[3, 31], [6, 30], [9, 30], [12, 31]]}
    )
    assert period_containing(date(2026, 5, 15), quarterly) == Period(
        date(2026, 4, 1), date(2026, 6, 30)
    )
    # a 29/2 cut-off is the month's last day in other years
    leap = DEFAULT_CATALOGUE.with_overrides({"reconciliation.period_ends": [[2, 29], [8, 31]]})
    assert period_containing(date(2026, 3, 1), leap) == Period(date(2026, 3, 1), date(2026, 8, 31))
    assert period_containing(date(2028, 2, 29), leap) == Period(date(2027, 9, 1), date(2028, 2, 29))


# --- reminders ---

CASE = ReconciliationCase(org_id=7, org_name="Chi bộ thôn Đông", reconciled=(date(2025, 12, 31),))


def sweep(
    today: date, case: ReconciliationCase = CASE, catalogue=DEFAULT_CATALOGUE
) -> list[Reminder]:
    return due_reminders(ReminderState({RECONCILIATION_FAMILY: (case,)}), today, CAL, catalogue)


def steps(reminders: list[Reminder]) -> set[tuple[str, str, date]]:
    return {(r.kind, r.step, r.due_date) for r in reminders}


ASK_H1 = ("reconciliation.ask", "2026-06-30", date(2026, 6, 15))
ESC_H1 = ("reconciliation.escalation", "2026-06-30", date(2026, 7, 15))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 6, 14), set()),
        (date(2026, 6, 15), {ASK_H1}),
        (date(2026, 7, 14), {ASK_H1}),
        (date(2026, 7, 15), {ASK_H1, ESC_H1}),
        (date(2026, 12, 14), {ASK_H1, ESC_H1}),  # H1 still not reconciled
        (
            date(2026, 12, 15),
            {("reconciliation.ask", "2026-12-31", date(2026, 12, 15)), ESC_H1},
        ),
    ],
)
def test_reconciliation_steps(today, expected):
    assert steps(sweep(today)) == expected


def test_december_period_escalates_in_january():
    done_h1 = replace(CASE, reconciled=(date(2025, 12, 31), date(2026, 6, 30)))
    assert steps(sweep(date(2027, 1, 14), done_h1)) == {
        ("reconciliation.ask", "2026-12-31", date(2026, 12, 15))
    }
    assert steps(sweep(date(2027, 1, 15), done_h1)) == {
        ("reconciliation.ask", "2026-12-31", date(2026, 12, 15)),
        ("reconciliation.escalation", "2026-12-31", date(2027, 1, 15)),
    }


def test_recipients_and_message():
    by_kind = {r.kind: r for r in sweep(date(2026, 7, 15))}
    assert by_kind["reconciliation.ask"].recipients == SECRETARIAT
    assert by_kind["reconciliation.escalation"].recipients == OFFICERS
    assert by_kind["reconciliation.escalation"].severity == "escalation"
    ask = by_kind["reconciliation.ask"]
    assert ask.params["source"] == "Hướng dẫn 06-HD/TW" and ask.params["interval"] == 6
    assert ask.params == ask.message.params
    ask.message.key.format(**ask.message.params)


def test_reconciled_or_not_yet_tracked_periods_are_not_reminded():
    done = replace(CASE, reconciled=(date(2025, 12, 31), date(2026, 6, 30)))
    assert sweep(date(2026, 7, 20), done) == []
    fresh = ReconciliationCase(org_id=8, org_name="Chi bộ mới", since=date(2026, 3, 1))
    assert sweep(date(2026, 3, 1), fresh) == []  # H2 2025 ended before tracking


def test_configured_days_are_clamped_to_the_month():
    catalogue = DEFAULT_CATALOGUE.with_overrides(
        {"reconciliation.ask_from_day": 31, "reconciliation.escalate_days": 5}
    )
    assert steps(sweep(date(2026, 7, 5), catalogue=catalogue)) == {
        ("reconciliation.ask", "2026-06-30", date(2026, 6, 30)),
        ("reconciliation.escalation", "2026-06-30", date(2026, 7, 5)),
    }


def test_daily_sweeps_send_each_step_once():
    case = ReconciliationCase(org_id=9, org_name="Chi bộ 9", since=date(2026, 1, 1))
    sent = set()
    day = date(2026, 1, 1)
    while day <= date(2026, 12, 31):
        sent.update(r.key for r in reconciliation_reminders([case], day, CAL))
        day += timedelta(days=1)
    assert sent == {
        "reconciliation.ask:cell:9:2026-06-30",
        "reconciliation.escalation:cell:9:2026-06-30",
        "reconciliation.ask:cell:9:2026-12-31",
    }


# --- matching ---


def row(ref, name, birth, card=None, cccd=None, **extra) -> RosterEntry:
    return RosterEntry(ref, name, birth, card_no=card, cccd=cccd, **extra)


def by_kind(result, kind):
    return [d for d in result.discrepancies if d.kind == kind]


def test_exact_match_by_card_number_with_separators():
    result = reconcile(
        [row(1, "Nguyễn Văn An", date(1980, 2, 1), card="79.001 234")],
        [row("r1", "NGUYỄN VĂN AN", date(1980, 2, 1), card="79001234")],
        ON,
    )
    [match] = result.matches
    assert match.by == "card_no"
    assert result.discrepancies == ()  # case and spacing of the name do not matter


def test_match_by_cccd_when_the_cell_has_no_card_number():
    result = reconcile(
        [row(2, "Trần Thị Bích", date(1985, 6, 15), cccd="001 085-012345")],
        [row("r2", "Trần Thị Bích", date(1985, 6, 15), card="79000999", cccd="001085012345")],
        ON,
    )
    assert [m.by for m in result.matches] == ["cccd"]
    assert result.discrepancies == ()  # the card number is compared only where both have one


def test_match_by_folded_name_and_birth_date_reports_the_spelling():
    result = reconcile(
        [row(3, "Lê Văn Cường", date(1975, 5, 5))],
        [row("r3", "Le Van Cuong", date(1975, 5, 5), card="79000555")],
        ON,
    )
    assert [m.by for m in result.matches] == ["name_birth"]
    [mismatch] = result.discrepancies
    assert (mismatch.kind, mismatch.field) == ("mismatch", "full_name")
    assert (mismatch.cell_value, mismatch.official_value) == ("Lê Văn Cường", "Le Van Cuong")


def test_mismatched_fields_of_a_matched_person():
    result = reconcile(
        [
            row(
                4,
                "Đặng Văn Dũng",
                date(1970, 1, 1),
                card="79000777",
                status="official",
                decision_date=date(1995, 3, 3),
            )
        ],
        [
            row(
                "r4",
                "Đặng Văn Dũng",
                date(1971, 1, 1),
                card="79000777",
                status=" Official",
                decision_date=date(1995, 3, 30),
            )
        ],
        ON,
    )
    fields = [(d.field, d.cell_value, d.official_value) for d in by_kind(result, "mismatch")]
    assert fields == [
        ("birth_date", date(1970, 1, 1), date(1971, 1, 1)),
        ("decision_date", date(1995, 3, 3), date(1995, 3, 30)),
    ]
    assert by_kind(result, "near_match") == []


def test_near_match_by_similar_name_and_same_birth_date():
    # "hoang thi lan" / "hoang thi lam": 12 of 13 characters in common -> 24/26 = 0.92 >= 0.9
    result = reconcile(
        [row(5, "Hoàng Thị Lan", date(1990, 1, 1))],
        [row("r5", "Hoàng Thị Lam", date(1990, 1, 1))],
        ON,
    )
    assert result.matches == ()
    [near] = result.discrepancies  # one person with a typo, not two missing people
    assert (near.kind, near.field) == ("near_match", "full_name")
    assert (near.cell_value, near.official_value) == ("Hoàng Thị Lan", "Hoàng Thị Lam")
    stricter = DEFAULT_CATALOGUE.with_overrides(
        {"reconciliation.near_match.min_name_similarity": "19/20"}
    )
    kinds = [
        d.kind
        for d in reconcile(
            [row(5, "Hoàng Thị Lan", date(1990, 1, 1))],
            [row("r5", "Hoàng Thị Lam", date(1990, 1, 1))],
            ON,
            stricter,
        ).discrepancies
    ]
    assert kinds == ["missing_in_cell", "missing_in_official"]


def test_near_match_takes_the_closest_name():
    # "hoang thi lanh" shares 13 characters with "hoang thi lan": 26/27 = 0.96 > 0.92
    result = reconcile(
        [row(6, "Hoàng Thị Lam", date(1990, 1, 1)), row(7, "Hoàng Thị Lanh", date(1990, 1, 1))],
        [row("r6", "Hoàng Thị Lan", date(1990, 1, 1))],
        ON,
    )
    [near] = by_kind(result, "near_match")
    assert near.cell is not None and near.cell.ref == 7
    assert [d.cell.ref for d in by_kind(result, "missing_in_official")] == [6]


@pytest.mark.parametrize(
    ("cell_birth", "official_birth"),
    [
        (date(1990, 4, 21), date(1990, 4, 12)),  # day digits swapped
        (date(1990, 4, 21), date(1991, 4, 21)),  # one digit of the year
        (date(1988, 4, 3), date(1988, 3, 4)),  # day and month swapped
    ],
)
def test_near_match_by_name_and_a_birth_date_typo(cell_birth, official_birth):
    result = reconcile(
        [row(8, "Vũ Đức Thắng", cell_birth)], [row("r8", "Vu Duc Thang", official_birth)], ON
    )
    [near] = result.discrepancies
    assert (near.kind, near.field) == ("near_match", "birth_date")
    assert (near.cell_value, near.official_value) == (cell_birth, official_birth)


def test_different_people_are_not_near_matches():
    result = reconcile(
        [row(9, "Nguyễn Văn Hùng", date(1960, 1, 1)), row(10, "Trần Văn Minh", date(1992, 9, 9))],
        [
            row("r9", "Nguyễn Văn Hùng", date(1985, 7, 1)),
            row("r10", "Lê Thị Hồng", date(1992, 9, 9)),
        ],
        ON,
    )
    assert sorted(d.kind for d in result.discrepancies) == [
        "missing_in_cell",
        "missing_in_cell",
        "missing_in_official",
        "missing_in_official",
    ]


def test_a_duplicated_key_is_not_used():
    # Two cell rows carry the same card number (a typo): the card cannot decide; name+birth can.
    result = reconcile(
        [
            row(11, "Mai Văn Hải", date(1980, 1, 1), card="79000888"),
            row(12, "Mai Thị Hà", date(1982, 2, 2), card="79000888"),
        ],
        [row("r11", "Mai Văn Hải", date(1980, 1, 1), card="79000888")],
        ON,
    )
    assert [(m.cell.ref, m.by) for m in result.matches] == [(11, "name_birth")]
    assert [(d.kind, d.cell.ref) for d in result.discrepancies] == [("missing_in_official", 12)]


def test_a_whole_list():
    cell = [
        row(1, "Nguyễn Văn An", date(1980, 2, 1), card="79001234"),
        row(3, "Lê Văn Cường", date(1975, 5, 5)),
        row(5, "Hoàng Thị Lan", date(1990, 1, 1)),
        row(20, "Đinh Thị Gấm", date(1999, 9, 9)),
    ]
    official = [
        row("r1", "Nguyễn Văn An", date(1980, 2, 1), card="79001234"),
        row("r5", "Hoàng Thị Lam", date(1990, 1, 1)),
        row("r3", "Lê Văn Cường", date(1975, 5, 5), card="79000555"),
        row("r21", "Ngô Văn Phúc", date(1965, 3, 3)),
    ]
    result = reconcile(cell, official, ON)
    assert [(m.cell.ref, m.official.ref, m.by) for m in result.matches] == [
        (1, "r1", "card_no"),
        (3, "r3", "name_birth"),
    ]
    assert [
        (d.kind, d.cell and d.cell.ref, d.official and d.official.ref) for d in result.discrepancies
    ] == [
        ("near_match", 5, "r5"),
        ("missing_in_cell", None, "r21"),
        ("missing_in_official", 20, None),
    ]


@pytest.mark.parametrize(
    ("a", "b", "typo"),
    [
        (date(1990, 4, 21), date(1990, 4, 12), True),
        (date(1990, 4, 21), date(1990, 4, 22), True),
        (date(1990, 4, 21), date(1909, 4, 21), True),  # "1990" -> "1909": adjacent swap
        (date(1988, 4, 3), date(1988, 3, 4), True),
        (date(1990, 4, 21), date(1990, 4, 21), False),
        (date(1990, 4, 21), date(1991, 5, 21), False),  # two unrelated digits
        (date(1990, 4, 21), date(1985, 4, 21), False),
        (date(1988, 4, 3), date(1989, 3, 4), False),
    ],
)
def test_is_birth_date_typo(a, b, typo):
    assert is_birth_date_typo(a, b) is typo

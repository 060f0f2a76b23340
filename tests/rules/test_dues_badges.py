"""Party age (P9), dues (§6.6, §6.5 a) and badges (§6.8) as pure rules."""

from __future__ import annotations

from datetime import date

from chibo.rules.badges import (
    BadgeCellCase,
    BadgeMember,
    badge_reminders,
    check_award,
    due_for_award,
)
from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.dues import (
    DuesProfile,
    LedgerMonth,
    Relief,
    Window,
    amount_due,
    check_reduction,
    unpaid_months,
    unpaid_occurrences,
)
from chibo.rules.dues_reminders import (
    DUES_MEMBER_FAMILY,
    DUES_MONTH_FAMILY,
    DuesCellCase,
    DuesMemberCase,
)
from chibo.rules.party_age import Gap, milestone_date, party_age
from chibo.rules.reminders import ReminderState, due_reminders
from chibo.rules.workdays import WorkCalendar


def m(y: int, mo: int) -> date:
    return date(y, mo, 1)


# -- party age -----------------------------------------------------------------------------------


def test_party_age_subtracts_the_gap_before_re_admission():
    gap = Gap(date(2000, 1, 1), date(2003, 1, 1), "removed")  # 1096 days outside
    age = party_age(date(1990, 1, 1), [gap], date(2026, 1, 1))
    assert (age.years, age.months, age.gap_days) == (33, 0, 1096)
    assert age.start == date(1993, 1, 1)
    assert milestone_date(date(1990, 1, 1), [gap], 30) == date(2023, 1, 1)
    # without the gap the 30 years were reached three years earlier
    assert milestone_date(date(1990, 1, 1), [], 30) == date(2020, 1, 1)
    # a gap still open counts up to the day asked
    assert party_age(date(1990, 1, 1), [gap], date(2001, 1, 1)).gap_days == 366


# -- dues ----------------------------------------------------------------------------------------


def test_insured_and_pension_rates_and_the_cell_amount():
    insured = DuesProfile("insured_salary", 6_000_000)
    assert amount_due(insured, m(2026, 3)).amount == 60_000
    assert amount_due(DuesProfile("pension", 5_000_001), m(2026, 3)).amount == 25_000
    other = DuesProfile("other", None, 20_000)
    assert amount_due(other, m(2026, 3)).amount == 20_000
    unknown = amount_due(DuesProfile(), m(2026, 3))
    assert unknown.full_amount is None
    # before QĐ 01 the rate is not verified: the cell's amount wins when it set one
    before = amount_due(DuesProfile("insured_salary", 6_000_000, 50_000), m(2026, 1))
    assert (before.amount, before.source) == (50_000, "cell")
    assert not amount_due(insured, m(2026, 1)).verified


def test_the_50_year_exemption_starts_in_the_month_it_is_reached():
    profile = DuesProfile("pension", 4_000_000)
    kw = {"decision_date": date(1976, 3, 15)}
    assert amount_due(profile, m(2026, 2), **kw).amount == 20_000
    march = amount_due(profile, m(2026, 3), **kw)
    assert (march.amount, march.exempt_ground) == (0, "party_age")
    # a gap of a month moves it to April
    gap = Gap(date(1990, 1, 1), date(1990, 2, 1))
    assert not amount_due(profile, m(2026, 3), gaps=[gap], **kw).exempt
    assert amount_due(profile, m(2026, 4), gaps=[gap], **kw).exempt


def test_reductions_and_recorded_exemptions():
    profile = DuesProfile("insured_salary", 10_000_000)
    cut = Relief("reduction", m(2026, 3), m(2026, 8), percent=50)
    due = amount_due(profile, m(2026, 5), reliefs=[cut])
    assert (due.amount, due.full_amount, due.reduction_until) == (50_000, 100_000, m(2026, 8))
    assert amount_due(profile, m(2026, 9), reliefs=[cut]).amount == 100_000
    ill = Relief("exemption", m(2026, 3), None, ground="serious_illness")
    assert amount_due(profile, m(2027, 1), reliefs=[ill]).exempt_ground == "serious_illness"
    assert check_reduction(50, m(2026, 1), m(2026, 12)) is None
    assert check_reduction(50, m(2026, 1), m(2027, 1)) is not None  # 13 months
    assert check_reduction(40, m(2026, 1), m(2026, 2)) is not None


def test_three_unpaid_months_across_the_new_year_in_both_windows():
    ledger = [LedgerMonth(x, "unpaid") for x in (m(2025, 11), m(2025, 12), m(2026, 1))]
    ledger.append(LedgerMonth(m(2025, 10), "excused"))  # a valid reason does not count
    assert unpaid_months(ledger, Window.calendar_year(2025)) == (m(2025, 11), m(2025, 12))
    assert unpaid_months(ledger, Window.calendar_year(2026)) == (m(2026, 1),)
    assert len(unpaid_months(ledger, Window.rolling(m(2026, 1)))) == 3
    occ = unpaid_occurrences([e.month for e in ledger if e.status == "unpaid"], 12, 2, 3)
    assert [(o.trigger, o.level, o.windows) for o in occ] == [
        (m(2025, 12), "warning", ("calendar_year", "rolling")),
        (m(2026, 1), "review", ("rolling",)),
    ]
    # three in one calendar year: both windows
    same_year = unpaid_occurrences([m(2025, 1), m(2025, 6), m(2025, 12)], 12, 2, 3)
    assert same_year[-1].windows == ("calendar_year", "rolling")
    # two months more than a year apart never reach the review
    apart = unpaid_occurrences([m(2024, 1), m(2025, 2), m(2026, 3)], 12, 2, 3)
    assert [o.level for o in apart] == []


def test_dues_reminders_month_missing_warning_review_and_relief_ending():
    cal = WorkCalendar()
    state = ReminderState(
        {
            DUES_MONTH_FAMILY: [DuesCellCase(1, "Chi bộ 1", (m(2026, 9),))],
            DUES_MEMBER_FAMILY: [
                DuesMemberCase(
                    7,
                    1,
                    "Nguyễn Văn A",
                    (m(2025, 11), m(2025, 12), m(2026, 1)),
                    (Relief("reduction", m(2026, 1), m(2026, 2), percent=30),),
                )
            ],
        }
    )
    found = {r.kind: r for r in due_reminders(state, date(2026, 2, 10), cal)}
    assert found["dues.unpaid.review"].step == "2026-01"
    assert "11/2025, 12/2025, 01/2026" in str(found["dues.unpaid.review"].params["months"])
    assert found["dues.relief.ending"].due_date == date(2026, 1, 29)
    october = {r.kind: r for r in due_reminders(state, date(2026, 11, 5), cal)}
    assert october["dues.month"].step == "2026-10"
    assert october["dues.month"].due_date == date(2026, 11, 5)
    assert "dues.month" not in {r.kind for r in due_reminders(state, date(2026, 11, 4), cal)}


# -- badges --------------------------------------------------------------------------------------


def member(decision: date, **kw) -> BadgeMember:
    return BadgeMember(1, 1, "Trần Thị B", decision, **kw)


def test_badge_list_at_the_edges_of_award_dates():
    on_the_day = member(date(1996, 2, 3))  # 30 years exactly on 3/2/2026
    day_after = member(date(1996, 2, 4))
    assert [d.milestone for d in due_for_award([on_the_day], date(2026, 2, 3))] == [30]
    assert due_for_award([day_after], date(2026, 2, 3)) == []
    leap = member(date(1996, 2, 29))  # reaches 30 years on 28/02/2026
    assert milestone_date(date(1996, 2, 29), [], 30) == date(2026, 2, 28)
    assert due_for_award([leap], date(2026, 2, 3)) == []
    assert due_for_award([leap], date(2026, 5, 19))[0].reached_on == date(2026, 2, 28)
    # received already, or 40 years not yet: nothing; the highest milestone reached is proposed
    assert due_for_award([member(date(1986, 1, 1), received=(40,))], date(2026, 2, 3)) == []
    assert due_for_award([member(date(1980, 1, 1))], date(2026, 2, 3))[0].milestone == 45


def test_early_badges_for_the_seriously_ill_within_the_limits():
    ill30 = member(date(1996, 6, 1), early_requested=(30,))  # 30 years on 1/6/2026
    assert due_for_award([ill30], date(2025, 9, 2))[0].early
    assert due_for_award([ill30], date(2025, 5, 19)) == []  # more than 12 months early
    assert due_for_award([member(date(1996, 6, 1))], date(2026, 2, 3)) == []  # no request
    ill70 = member(date(1958, 1, 1), early_requested=(70,), received=(65,))  # 70 on 1/1/2028
    assert due_for_award([ill70], date(2026, 2, 3))[0].early
    assert due_for_award([ill70], date(2025, 11, 7)) == []  # 26 months early
    assert check_award(ill70, 70, date(2026, 2, 3)) is None
    assert check_award(member(date(1958, 1, 1)), 70, date(2026, 2, 3)) is not None


def test_badge_proposal_reminder_before_the_deadline():
    case = BadgeCellCase(1, "Chi bộ 1", (member(date(1996, 2, 3)),))
    lead = DEFAULT_CATALOGUE.get_int("badge.proposal.lead_days", date(2026, 2, 3))
    notice = DEFAULT_CATALOGUE.get_int("badge.proposal.notice_days", date(2026, 2, 3))
    assert (lead, notice) == (45, 15)
    assert badge_reminders([case], date(2025, 12, 4)) == []
    (found,) = badge_reminders([case], date(2025, 12, 5))
    assert (found.kind, found.step, found.params["deadline"]) == (
        "badge.proposal",
        "2026-02-03",
        date(2025, 12, 20),
    )

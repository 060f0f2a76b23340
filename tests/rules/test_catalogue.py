import re
from datetime import date
from fractions import Fraction
from itertools import pairwise

import pytest

from chibo.rules.catalogue import (
    DEFAULT_CATALOGUE,
    REGULATION_NAME,
    Catalogue,
    RuleEntry,
    UnknownRuleError,
)

ON = date(2026, 3, 1)


# The numbers of domain-rules.md and the issue, by rule.
@pytest.mark.parametrize(
    ("rule_id", "value"),
    [
        ("admission.min_age_months", 18 * 12),  # A1
        ("admission.max_age_months", 60 * 12),
        ("admission.awareness_cert.valid_months", 60),  # A3
        ("admission.awareness_cert.warn_months", 54),
        ("admission.awareness_cert.expiry_reminder_days", 90),
        ("admission.paper.valid_months", 6),  # A4
        ("admission.background.valid_months", 12),
        ("admission.paper.warn_days", 30),
        ("admission.introducer.overlap_months", 12),  # A7
        ("admission.introducer.count", 2),
        ("admission.youth.max_age_years", 30),  # A8
        ("vote.min_ratio", Fraction(2, 3)),  # A9
        ("admission.committee_decision.deadline_wd", 60),  # A10
        ("admission.committee_decision.reminders_wd", (40, 60)),
        ("admission.ceremony.deadline_wd", 30),  # A11
        ("admission.ceremony.reminders_wd", (15, 25)),
        ("candidate.stalled_months", 6),
        ("probation.months", 12),  # P1
        ("probation.course.reminder_months", (3, 6, 9)),  # P3
        ("probation.course.warn_month", 10),
        ("probation.conversion.prepare_days", (45, 15)),  # P5
        ("probation.conversion.overdue_repeat_days", 7),
        ("probation.conversion.cell_deadline_wd", 30),
        ("probation.conversion.committee_deadline_wd", 30),  # P7
        ("probation.conversion.max_vote_rounds", 3),  # P6
        ("meeting.monthly.remind_day", 25),  # M1
        ("meeting.monthly.escalate_days", 5),
        ("meeting.thematic.remind_day", 15),  # M2
        ("meeting.thematic.escalate_days", 1),  # after the quarter (issue 9 §3)
        ("cell.min_official_members", 3),  # M5
        ("attendance.unexcused.removal_threshold", 3),  # §6.5
        ("attendance.unexcused.warn_at", 2),
        ("attendance.unexcused.window_months", 12),
        ("reconciliation.period_ends", ((6, 30), (12, 31))),  # §7
        ("reconciliation.ask_from_day", 15),
        ("reconciliation.escalate_days", 15),
        ("admission.yearly_target_ratio", (Fraction(3, 100), Fraction(4, 100))),
        ("meeting.rating_levels", ("Tốt", "Khá", "Trung bình", "Kém")),
    ],
)
def test_default_values(rule_id, value):
    assert DEFAULT_CATALOGUE.get(rule_id, ON) == value


@pytest.mark.parametrize(
    ("on", "regulation"),
    [
        (date(2016, 1, 1), "QĐ 24-QĐ/TW"),  # older dates fall back to the oldest version
        (date(2024, 6, 1), "QĐ 24-QĐ/TW"),
        (date(2025, 1, 19), "QĐ 24-QĐ/TW"),
        (date(2025, 1, 20), "QĐ 232-QĐ/TW"),
        (date(2025, 6, 30), "QĐ 232-QĐ/TW"),
        (date(2025, 7, 1), "QĐ 294-QĐ/TW"),
        (date(2030, 1, 1), "QĐ 294-QĐ/TW"),
    ],
)
def test_versions_follow_the_regulation_in_force(on, regulation):
    assert DEFAULT_CATALOGUE.get(REGULATION_NAME, on) == regulation
    assert DEFAULT_CATALOGUE.source("probation.conversion.cell_deadline_wd", on).startswith(
        regulation.replace("QĐ ", "Quy định ", 1)
    )
    assert DEFAULT_CATALOGUE.get("probation.conversion.cell_deadline_wd", on) == 30


def test_guidance_versions_switch_on_hd06_date():
    old = DEFAULT_CATALOGUE.entry("admission.awareness_cert.valid_months", date(2025, 6, 8))
    new = DEFAULT_CATALOGUE.entry("admission.awareness_cert.valid_months", date(2025, 6, 9))
    assert old.source.startswith("Hướng dẫn 01") and old.tag == "R"
    assert new.source.startswith("Hướng dẫn 06") and new.tag == "S"


def test_every_entry_is_well_formed():
    catalogue = DEFAULT_CATALOGUE
    for entry in catalogue.entries():
        assert entry.source.strip(), entry.id
        assert entry.tag in {"V", "S", "R"}, entry.id
    for rule_id in catalogue.ids():
        versions = catalogue.versions(rule_id)
        # Versions cover every date from the first one on, without gaps.
        assert versions[-1].effective_to is None, rule_id
        for earlier, later in pairwise(versions):
            assert earlier.effective_to is not None
            assert (later.effective_from - earlier.effective_to).days == 1, rule_id


TEST_ENTRIES = [
    RuleEntry("x.limit", 10, "Old text", "V", date(2020, 1, 1), date(2024, 12, 31)),
    RuleEntry("x.limit", 20, "New text", "V", date(2025, 1, 1), None),
    RuleEntry("x.ratio", Fraction(2, 3), "Text", "S", date(2020, 1, 1), None),
    RuleEntry("x.days", (45, 15), "Bot default", "R", date(2020, 1, 1), None),
]


@pytest.mark.parametrize(
    ("on", "value"),
    [
        (date(2020, 1, 1), 10),
        (date(2024, 12, 31), 10),  # effective_to is the last day in force
        (date(2025, 1, 1), 20),
        (date(2040, 1, 1), 20),
    ],
)
def test_get_picks_the_version_in_force(on, value):
    assert Catalogue(TEST_ENTRIES).get("x.limit", on) == value


def test_no_version_in_force_is_a_clear_error():
    with pytest.raises(UnknownRuleError, match=r"x\.limit.*2019-12-31"):
        Catalogue(TEST_ENTRIES).get("x.limit", date(2019, 12, 31))


def test_unknown_rule_is_a_clear_error():
    with pytest.raises(UnknownRuleError, match=r"no\.such"):
        DEFAULT_CATALOGUE.get("no.such", ON)


def test_overlapping_versions_are_refused():
    overlapping = [
        RuleEntry("x", 1, "a", "V", date(2020, 1, 1), date(2025, 1, 1)),
        RuleEntry("x", 2, "b", "V", date(2025, 1, 1), None),
    ]
    with pytest.raises(ValueError, match="overlap"):
        Catalogue(overlapping)


def test_overrides_apply_on_every_date_and_leave_the_original_alone():
    base = Catalogue(TEST_ENTRIES)
    configured = base.with_overrides({"x.limit": 15, "x.ratio": "3/4", "x.days": [60, 30]})
    for on in (date(2019, 1, 1), date(2022, 1, 1), date(2030, 1, 1)):
        assert configured.get("x.limit", on) == 15
    assert configured.get_fraction("x.ratio", ON) == Fraction(3, 4)
    assert configured.get_ints("x.days", ON) == (60, 30)
    assert base.get("x.limit", date(2030, 1, 1)) == 20
    entry = configured.entry("x.limit", date(2022, 1, 1))
    assert entry.value == 15 and entry.source == "Old text"


def test_overrides_stack():
    once = Catalogue(TEST_ENTRIES).with_overrides({"x.limit": 15})
    twice = once.with_overrides({"x.ratio": 0.75})
    assert twice.get("x.limit", ON) == 15
    assert twice.get("x.ratio", ON) == Fraction(3, 4)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"x.unknown": 1}, "x.unknown"),
        ({"x.limit": "ten"}, "x.limit"),
        ({"x.limit": True}, "x.limit"),
        ({"x.ratio": "two thirds"}, "x.ratio"),
        ({"x.days": 45}, "x.days"),
        ({"x.days": ["a"]}, "x.days"),
    ],
)
def test_bad_overrides_are_refused(overrides, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        Catalogue(TEST_ENTRIES).with_overrides(overrides)


def test_default_catalogue_accepts_config_overrides_of_r_defaults():
    configured = DEFAULT_CATALOGUE.with_overrides(
        {"admission.paper.valid_months": 12, "meeting.rating_levels": ["Tốt", "Đạt", "Chưa đạt"]}
    )
    assert configured.get_int("admission.paper.valid_months", ON) == 12
    assert configured.get_strs("meeting.rating_levels", ON) == ("Tốt", "Đạt", "Chưa đạt")
    assert DEFAULT_CATALOGUE.get_int("admission.paper.valid_months", ON) == 6


def test_typed_getters_refuse_the_wrong_type():
    with pytest.raises(TypeError):
        DEFAULT_CATALOGUE.get_int("vote.min_ratio", ON)
    with pytest.raises(TypeError):
        DEFAULT_CATALOGUE.get_fraction("probation.months", ON)

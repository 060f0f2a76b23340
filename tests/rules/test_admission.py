"""Admission checks A1, A3, A4, A5, A7-A9 and the step order."""

from dataclasses import replace
from datetime import date

import pytest

from chibo.rules.admission import (
    CandidateCase,
    Introducer,
    Paper,
    certificate_expires_on,
    check_admission_vote,
    check_age,
    check_awareness_certificate,
    check_introducers,
    check_papers,
    check_step_order,
    introduction_route,
    last_step_date,
    paper_status,
)
from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.dates import add_months


def _fmt(finding) -> str:
    return finding.message.key.format(**finding.message.params)


# --- A1 age ---


@pytest.mark.parametrize(
    ("birth", "on", "outcome"),
    [
        (date(2008, 3, 15), date(2026, 3, 15), None),  # exactly 18 years 0 months
        (date(2008, 3, 15), date(2026, 3, 14), "refuse"),  # 17 years 11 months
        (date(2008, 2, 29), date(2026, 2, 28), None),  # no 29/02/2026: the month's last day
        (date(2008, 2, 29), date(2026, 2, 27), "refuse"),
        (date(2008, 2, 29), date(2028, 2, 28), None),
        (date(1966, 3, 10), date(2026, 3, 10), None),  # exactly 60 full years
        (date(1966, 3, 10), date(2026, 4, 9), None),  # 60 years 0 months: still "60 full years"
        (date(1966, 3, 10), date(2026, 4, 10), "refuse"),  # 60 years 1 month: over 60
    ],
)
def test_check_age(birth, on, outcome):
    finding = check_age(birth, on)
    assert (finding and finding.severity) == outcome
    if finding:
        assert finding.rule == "A1"
        assert "Quy định 294-QĐ/TW, điểm 1.1.1" in _fmt(finding)


def test_age_message_gives_years_and_months():
    finding = check_age(date(2008, 3, 15), date(2026, 3, 14))
    assert finding is not None
    assert (finding.message.params["years"], finding.message.params["months"]) == (17, 11)


def test_over_sixty_with_the_recorded_exception_is_a_warning():
    finding = check_age(date(1960, 1, 1), date(2026, 3, 10), exception=True)
    assert finding is not None and finding.severity == "warn"
    assert finding.message.params["years"] == 66


def test_age_cites_the_regulation_in_force_on_the_meeting_date():
    finding = check_age(date(2007, 1, 1), date(2024, 6, 1))
    assert finding is not None
    assert finding.message.params["source"] == "Quy định 24-QĐ/TW, điểm 1.1"


# --- A3 awareness-course certificate ---


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (date(2021, 3, 10), date(2026, 3, 10)),
        (date(2020, 2, 29), date(2025, 2, 28)),  # leap day: clamped to the month's end
        (date(2021, 8, 31), date(2026, 8, 31)),
    ],
)
def test_certificate_expiry(issued, expires):
    assert certificate_expires_on(issued) == expires


@pytest.mark.parametrize(
    ("on", "outcome"),
    [
        (date(2025, 9, 9), None),  # 53 full months
        (date(2025, 9, 10), "warn"),  # month 54
        (date(2026, 3, 10), "warn"),  # exactly 60 months: still valid
        (date(2026, 3, 11), "refuse"),  # older than 60 months
    ],
)
def test_check_awareness_certificate(on, outcome):
    finding = check_awareness_certificate(date(2021, 3, 10), on)
    assert (finding and finding.severity) == outcome
    if finding:
        assert finding.rule == "A3"
        assert finding.message.params["expires"] == date(2026, 3, 10)
        assert "06-HD/TW, điểm 5.4" in _fmt(finding)


def test_missing_certificate_blocks_the_cell_resolution():
    finding = check_awareness_certificate(None, date(2026, 3, 10))
    assert finding is not None and finding.severity == "refuse"


# --- A4 papers ---


@pytest.mark.parametrize(
    ("paper", "on", "state", "expires"),
    [
        # 6 months from signing: 31/8/2025 -> 28/2/2026; warned from 30 days before (29/1)
        (Paper("application", date(2025, 8, 31)), date(2026, 1, 28), "valid", date(2026, 2, 28)),
        (Paper("application", date(2025, 8, 31)), date(2026, 1, 29), "expiring", date(2026, 2, 28)),
        (Paper("application", date(2025, 8, 31)), date(2026, 2, 28), "expiring", date(2026, 2, 28)),
        (Paper("application", date(2025, 8, 31)), date(2026, 3, 1), "expired", date(2026, 2, 28)),
        (
            Paper("introducer_letter", date(2025, 12, 1)),
            date(2026, 6, 2),
            "expired",
            date(2026, 6, 1),
        ),
        # 12 months from the grassroots committee's conclusion
        (Paper("background", date(2025, 1, 15)), date(2025, 12, 1), "valid", date(2026, 1, 15)),
        (Paper("verification", date(2025, 1, 15)), date(2026, 1, 16), "expired", date(2026, 1, 15)),
    ],
)
def test_paper_status(paper, on, state, expires):
    status = paper_status(paper, on)
    assert (status.state, status.expires_on) == (state, expires)


def test_papers_are_flags_not_refusals():
    findings = check_papers(
        [Paper("application", date(2025, 8, 31)), Paper("comments", date(2026, 2, 1))],
        date(2026, 3, 1),
    )
    [expired] = findings  # the comments are still valid
    assert expired.severity == "warn" and expired.rule == "A4"
    assert expired.message.params["expires"] == date(2026, 2, 28)


def test_paper_validity_is_configurable():
    twelve = DEFAULT_CATALOGUE.with_overrides({"admission.paper.valid_months": 12})
    assert (
        paper_status(Paper("application", date(2025, 8, 31)), date(2026, 3, 1), twelve).state
        == "valid"
    )


# --- A7/A8 introducers ---

INTRO = date(2026, 6, 1)
CANDIDATE = CandidateCase(
    candidate_id=1,
    org_id=7,
    full_name="Phạm Thị Lan",
    birth_date=date(1990, 5, 20),  # 36 at the introduction: not youth age
    introduction_date=INTRO,
)
ANH = Introducer(
    21, "Nguyễn Văn Anh", official_since=date(2010, 1, 1), together_from=date(2025, 6, 1)
)
BINH = Introducer(
    22, "Lê Văn Bình", official_since=date(2015, 1, 1), together_from=date(2020, 1, 1)
)


def test_two_qualified_introducers():
    assert check_introducers(CANDIDATE, [ANH, BINH]) == ()


@pytest.mark.parametrize(
    ("introducer", "fragment"),
    [
        # 2/6/2025 -> 1/6/2026 is 11 full months
        (replace(ANH, together_from=date(2025, 6, 2)), "12 months"),
        # together until 31/5/2026 from 1/6/2025: 11 full months before the introduction
        (replace(ANH, together_to=date(2026, 5, 31)), "12 months"),
        (replace(ANH, together_from=None), "12 months"),
        (replace(ANH, official_since=date(2026, 6, 2)), "official party member"),  # converted later
        (replace(ANH, official_since=None), "official party member"),
    ],
)
def test_unqualified_introducer(introducer, fragment):
    findings = check_introducers(CANDIDATE, [introducer, BINH])
    assert findings and all(f.severity == "refuse" for f in findings)
    assert any(fragment in _fmt(f) for f in findings)
    # and only one of two qualifies
    assert any(f.message.params.get("count") == 1 for f in findings)


def test_official_on_the_introduction_day_itself():
    assert check_introducers(CANDIDATE, [replace(ANH, official_since=INTRO), BINH]) == ()


def test_the_same_introducer_twice_counts_once():
    findings = check_introducers(CANDIDATE, [ANH, ANH])
    assert any("twice" in f.message.key for f in findings)
    assert any(f.message.params.get("count") == 1 for f in findings)


@pytest.mark.parametrize(
    ("birth", "route"),
    [
        (date(1996, 6, 1), "youth_union"),  # 30 years 0 months
        (date(1995, 6, 2), "youth_union"),  # 30 years 11 months: still 30
        (date(1995, 6, 1), "two_members"),  # 31 on the introduction date
    ],
)
def test_youth_age_is_up_to_thirty_full_years(birth, route):
    case = replace(CANDIDATE, birth_date=birth, youth_union_member=True)
    assert introduction_route(case) == route


def test_youth_union_route_needs_the_resolution_and_one_member():
    youth = replace(CANDIDATE, birth_date=date(2000, 1, 1), youth_union_member=True)
    with_resolution = replace(youth, youth_union_resolution_date=date(2026, 5, 20))
    assert check_introducers(with_resolution, [ANH]) == ()
    assert [f.rule for f in check_introducers(with_resolution, [])] == ["A7"]
    # two members are not a substitute for the Đoàn's resolution (A8)
    findings = check_introducers(youth, [ANH, BINH])
    assert [f.rule for f in findings] == ["A8"]
    assert "Art. 4" in findings[0].message.key


def test_non_member_of_the_youth_union_needs_two_members():
    young = replace(CANDIDATE, birth_date=date(2000, 1, 1))
    assert [f.rule for f in check_introducers(young, [ANH])] == ["A7"]


def test_trade_union_route_is_configurable():
    union = replace(CANDIDATE, trade_union_resolution_date=date(2026, 5, 25))
    assert introduction_route(union) == "trade_union"
    assert check_introducers(union, [ANH]) == ()
    off = DEFAULT_CATALOGUE.with_overrides({"admission.introducer.trade_union_route": False})
    assert introduction_route(union, off) == "two_members"
    [finding] = check_introducers(union, [ANH], off)
    assert finding.message.params == {"required": 2, "count": 1}


# --- A9 vote ---


@pytest.mark.parametrize(
    ("agree", "base", "rule"),
    [
        (6, 9, None),  # 2/3 of 9 = 6
        (5, 9, "A9"),
        (7, 10, None),  # 2/3 of 10 = 6.67 -> 7
        (6, 10, "A9"),
        (2, 3, None),
        (2, 2, "M5"),  # fewer than 3 official members: no valid vote
        (10, 9, "A9"),  # more votes than voters
    ],
)
def test_check_admission_vote(agree, base, rule):
    finding = check_admission_vote(agree, base, date(2026, 3, 10))
    assert (finding and finding.rule) == rule
    if finding:
        assert finding.severity == "refuse"
        _fmt(finding)


def test_vote_message_gives_the_required_count():
    finding = check_admission_vote(6, 10, date(2026, 3, 10))
    assert finding is not None
    assert finding.message.params["required"] == 7
    assert "Điều 4" in _fmt(finding)


# --- step order ---

FULL = CandidateCase(
    candidate_id=2,
    org_id=7,
    full_name="Hoàng Văn Nam",
    birth_date=date(1998, 4, 2),
    course_cert_date=date(2025, 3, 1),
    application_date=date(2025, 4, 1),
    background_date=date(2025, 4, 10),
    verification_date=date(2025, 6, 1),
    background_comment_date=date(2025, 6, 5),
    introduction_date=date(2025, 7, 1),
    cell_resolution_date=date(2025, 7, 15),
    grassroots_resolution_date=date(2025, 7, 30),
    decision_date=date(2025, 9, 1),
    decision_no="123-QĐ/ĐU",
    decision_received_date=date(2025, 9, 5),
    ceremony_date=date(2025, 9, 30),
)
TODAY = date(2026, 3, 1)


def test_a_complete_file_in_order():
    assert check_step_order(FULL, TODAY) == ()
    assert last_step_date(FULL) == date(2025, 9, 30)


def test_same_day_steps_are_allowed():
    same = replace(
        FULL, decision_received_date=FULL.decision_date, ceremony_date=FULL.decision_date
    )
    assert check_step_order(same, TODAY) == ()


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"background_date": date(2025, 3, 31)}, "before that of"),  # before the application
        ({"ceremony_date": date(2025, 9, 4)}, "before that of"),  # before receiving the decision
        ({"decision_received_date": date(2025, 8, 31)}, "before that of"),
        ({"ceremony_date": date(2026, 3, 2)}, "future"),
        ({"verification_date": None}, "Cannot record"),  # introduction without verification
        ({"course_cert_date": None}, "Cannot record"),
        ({"grassroots_resolution_date": None}, "Cannot record"),
        ({"decision_no": " "}, "number"),
        (
            {"background_comment_date": date(2025, 5, 30)},
            "Guidance {guidance} §3.4",
        ),  # A5 (HD 01 then)
    ],
)
def test_step_order_refusals(changes, fragment):
    findings = check_step_order(replace(FULL, **changes), TODAY)
    assert findings
    assert all(f.severity == "refuse" for f in findings)
    assert any(fragment in f.message.key for f in findings)


def test_a_gap_names_the_first_missing_step():
    [finding] = check_step_order(
        replace(FULL, verification_date=None, background_comment_date=None), TODAY
    )
    assert finding.message.params["previous"].key == "the verification of the background"
    assert finding.message.params["step"].key == "the introduction"


def test_no_grassroots_step_for_a_cell_not_under_one():
    direct = replace(FULL, under_grassroots=False, grassroots_resolution_date=None)
    assert check_step_order(direct, TODAY) == ()
    findings = check_step_order(replace(FULL, under_grassroots=False), TODAY)
    assert [f.rule for f in findings] == ["order"]


def test_an_unfinished_file_is_fine():
    early = CandidateCase(3, 7, "Vũ Thị Mai", date(2000, 1, 1), course_cert_date=date(2026, 1, 5))
    assert check_step_order(early, TODAY) == ()


@pytest.mark.parametrize(
    ("introduced", "regulation"),
    [(date(2026, 6, 1), "QĐ 294-QĐ/TW"), (date(2025, 3, 1), "QĐ 232-QĐ/TW")],
)
def test_introducer_overlap_cites_the_regulation_in_force(introduced, regulation):
    case = replace(CANDIDATE, introduction_date=introduced)
    short = replace(ANH, together_from=add_months(introduced, -11))
    text = " ".join(_fmt(f) for f in check_introducers(case, [short, BINH]))
    assert f"Art. 4; {regulation} §3.2.1" in text


def test_route_needs_a_date():
    undated = replace(CANDIDATE, introduction_date=None)
    with pytest.raises(ValueError):
        introduction_route(undated)
    youth = replace(undated, birth_date=date(1996, 6, 1), youth_union_member=True)
    assert introduction_route(youth, on=date(2026, 6, 1)) == "youth_union"
    assert introduction_route(youth, on=date(2027, 6, 1)) == "two_members"  # 31 by then


def test_citations_follow_the_date_of_the_event():
    """Issue 9 §3: no "HD 06-HD/TW" (9/6/2025) for a 2024 meeting; the 2026 one cites it."""
    from chibo.rules.admission import check_awareness_certificate

    def text(finding) -> str:
        return finding.message.key.format(**finding.message.params)

    old = check_admission_vote(5, 9, date(2024, 3, 10))
    new = check_admission_vote(5, 9, date(2026, 3, 10))
    assert old is not None and new is not None
    assert "06-HD" not in text(old) and "01-HD/TW" in text(old)
    assert "06-HD/TW" in text(new)
    for on in (date(2024, 3, 10), date(2026, 3, 10)):
        missing = check_awareness_certificate(None, on)
        expired = check_awareness_certificate(date(2018, 1, 1), on)
        warned = check_awareness_certificate(add_months(on, -55), on)
        for finding in (missing, expired, warned):
            assert finding is not None
            assert ("06-HD" in text(finding)) is (on.year == 2026), text(finding)


def test_the_background_comment_rule_cites_the_guidance_of_its_date():
    """Issue 9 §3: A5 for a comment made in 2024 cites HD 01-HD/TW, in 2026 HD 06-HD/TW."""
    for day, cited in ((date(2024, 5, 1), "01-HD/TW"), (date(2026, 5, 1), "06-HD/TW")):
        case = replace(FULL, verification_date=None, background_comment_date=day)
        texts = [_fmt(f) for f in check_step_order(case, date(2026, 11, 23)) if f.rule == "A5"]
        assert texts and all(cited in t for t in texts), texts


def test_the_step_order_refusal_cites_the_guidance_of_the_files_time():
    """Issue 9 §3: a file whose steps were taken in 2024 is refused with HD 01's name."""
    from chibo.rules.candidate_steps import check_can_record

    old = replace(
        FULL,
        course_cert_date=date(2024, 1, 5),
        application_date=None,
        background_date=None,
        verification_date=None,
        introduction_date=None,
        cell_resolution_date=None,
        grassroots_resolution_date=None,
        decision_date=None,
        decision_no=None,
        decision_received_date=None,
        ceremony_date=None,
    )
    for case, cited in (
        (old, "01-HD/TW"),
        (replace(old, course_cert_date=date(2025, 7, 1)), "06-HD/TW"),
    ):
        msg = check_can_record(case, "ver")
        assert msg is not None
        assert msg.params["guidance"] == cited

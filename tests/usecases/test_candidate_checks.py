"""Eligibility checks through the use cases, table-driven: A1 age, A3 certificate, A9 vote,
A7/A8 introducers, A4 papers, step order and dates (cell resolution on 05/05/2026)."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.storage.candidates import IntroducerRow
from chibo.storage.members import MemberFields
from chibo.usecases import candidate_steps as steps_uc
from chibo.usecases import candidates as uc
from chibo.usecases import roster
from chibo.usecases.candidates import CandidateRefused
from chibo.usecases.errors import InvalidInput

from .test_candidates import PIPELINE, advance, introducers, new_candidate, roster_c1

RESOLUTION = date(2026, 5, 5)


def rules_of(exc: CandidateRefused) -> list[str]:
    return [m.key for m in exc.msgs]


async def resolve(ctx, ids, cid, *, base: int = 4, agree: int = 4) -> steps_uc.Recorded:
    values = {"cell_resolution_date": RESOLUTION, "vote_base": base, "vote_agree": agree}
    return await steps_uc.record_step(ctx, actor="cli", candidate_id=cid, code="res", values=values)


# -- A1: 18 to 60 full years, counted in months, on the cell-resolution date -------------------

AGES = [
    # (birth date, over-60 exception recorded, outcome: "ok" / "warn" / "refuse")
    (date(2008, 5, 5), False, "ok"),  # 18 exactly, on the birthday
    (date(2008, 5, 6), False, "refuse"),  # one day short of 18
    (date(1966, 5, 5), False, "ok"),  # 60 exactly
    (date(1966, 5, 4), False, "ok"),  # 60 and a day: still 720 full months
    (date(1966, 4, 4), False, "refuse"),  # 60 years and a month
    (date(1966, 4, 4), True, "warn"),  # ... with the provincial-level exception
]


@pytest.mark.parametrize(("birth", "exception", "outcome"), AGES)
async def test_age_on_the_cell_resolution_date(ctx, birth, exception, outcome):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids, birth_date=birth)
    await advance(ctx, ids, cid, "intro")
    if exception:
        await uc.set_exception(ctx, actor="cli", candidate_id=cid, value=True)
    if outcome == "refuse":
        with pytest.raises(CandidateRefused) as refused:
            await resolve(ctx, ids, cid)
        assert "full years old, counted in months" in refused.value.msgs[0].key
        return
    done = await resolve(ctx, ids, cid)
    assert bool(done.warnings) == (outcome == "warn")


# -- A3: certificate valid 60 months, warning from month 54 ------------------------------------

CERTIFICATES = [
    (date(2021, 5, 5), "warn"),  # last valid day = the meeting day
    (date(2021, 5, 4), "refuse"),  # expired the day before
    (date(2021, 11, 5), "warn"),  # 54 months exactly
    (date(2021, 11, 6), "ok"),  # 53 months
]


@pytest.mark.parametrize(("issued", "outcome"), CERTIFICATES)
async def test_certificate_validity_on_the_meeting_date(ctx, issued, outcome):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "intro", course_cert_date=issued)
    if outcome == "refuse":
        with pytest.raises(CandidateRefused, match="retake the course"):
            await resolve(ctx, ids, cid)
        return
    done = await resolve(ctx, ids, cid)
    assert [w.key for w in done.warnings if "certificate" in w.key] == (
        [] if outcome == "ok" else [done.warnings[0].key]
    )


# -- A9: at least 2/3 of the vote base (M5: a base of at least 3) ------------------------------

VOTES = [
    # (base, agree, refused because of)
    (4, 3, None),
    (4, 2, "A9"),
    (3, 2, None),
    (5, 4, None),
    (5, 3, "A9"),
    (2, 2, None),  # a small base is no M5 refusal: the cell has 5 official members (issue 9 §2)
    (4, 5, "A9"),
    (6, 6, "roll"),
]


@pytest.mark.parametrize(("base", "agree", "refusal"), VOTES)
async def test_vote_threshold(ctx, base, agree, refusal):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "intro")
    roll = await steps_uc.vote_roll(ctx, ids["C1"], RESOLUTION)
    assert (roll.proposed, roll.roll) == (4, 5)  # the absent exempt member is left out
    if refusal is None:
        done = await resolve(ctx, ids, cid, base=base, agree=agree)
        assert (done.candidate.steps.vote_agree, done.candidate.steps.vote_base) == (agree, base)
        return
    with pytest.raises(InvalidInput) as refused:
        await resolve(ctx, ids, cid, base=base, agree=agree)
    text = refused.value.msg.key
    expected = {
        "A9": "official members",
        "M5": "at least {minimum} official members",
        "roll": "cannot be larger",
    }[refusal]
    assert expected in text


# -- A7/A8: introducers ------------------------------------------------------------------------

INTRODUCERS = [
    # (introducers as (key, together since), refusal text or None)
    ((("an", date(2015, 1, 1)), ("binh", date(2015, 1, 1))), None),
    ((("an", date(2015, 1, 1)),), "qualifying introducers"),
    ((("an", date(2015, 1, 1)), ("phuong", date(2015, 1, 1))), "not an official party member"),
    ((("an", date(2015, 1, 1)), ("moi", date(2015, 1, 1))), "not an official party member"),
    ((("an", date(2015, 1, 1)), ("binh", date(2025, 5, 1))), "at least {min_months} months"),
    ((("an", date(2015, 1, 1)), ("binh", date(2025, 4, 1))), None),  # exactly 12 months
    ((("an", date(2015, 1, 1)), ("an", date(2015, 1, 1))), "listed twice"),
]


@pytest.mark.parametrize(("people", "refusal"), INTRODUCERS)
async def test_introducers(ctx, people, refusal):
    ids = await roster_c1(ctx)
    ids["moi"] = (
        await roster.add_member(
            ctx,
            actor="cli",
            org_id=ids["C1"],
            f=MemberFields(
                full_name="Đinh Văn Mới",
                birth_date=date(1990, 1, 1),
                official_date=date(2026, 6, 1),
                status="official",
                status_date=date(2026, 6, 1),
            ),
        )
    ).id  # official after the introduction
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "ver")
    rows = [IntroducerRow(ids[k], since) for k, since in people]
    record = steps_uc.record_step(
        ctx,
        actor="cli",
        candidate_id=cid,
        code="intro",
        values={"introduction_date": date(2026, 4, 1)},
        introducers=rows,
    )
    if refusal is None:
        await record
        return
    with pytest.raises(CandidateRefused) as refused:
        await record
    assert any(refusal in key for key in rules_of(refused.value)), rules_of(refused.value)


async def test_one_introducer_checked_as_soon_as_chosen(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "ver")
    on = date(2026, 4, 1)
    await steps_uc.check_introducer(
        ctx, actor="cli", candidate_id=cid, on=on, member_id=ids["an"], together_from=None
    )
    with pytest.raises(CandidateRefused, match="not an official"):
        await steps_uc.check_introducer(
            ctx, actor="cli", candidate_id=cid, on=on, member_id=ids["phuong"], together_from=None
        )
    with pytest.raises(CandidateRefused) as refused:
        await steps_uc.check_introducer(
            ctx,
            actor="cli",
            candidate_id=cid,
            on=on,
            member_id=ids["an"],
            together_from=date(2025, 6, 1),
        )
    assert refused.value.msgs[0].params["months"] == 10
    with pytest.raises(InvalidInput, match="not on this cell's roster"):
        await steps_uc.check_introducer(
            ctx, actor="cli", candidate_id=cid, on=on, member_id=999, together_from=None
        )


YOUTH = [
    # (youth union resolution, introducers, refusal text or None)
    (date(2026, 3, 20), ("an",), None),
    (None, ("an",), "Youth Union resolution"),
    (date(2026, 3, 20), ("an", "binh"), "only one party member"),
]


@pytest.mark.parametrize(("resolution", "keys", "refusal"), YOUTH)
async def test_a_youth_union_member_of_youth_age(ctx, resolution, keys, refusal):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids, origin="youth_union", youth_union_member=True)
    await advance(ctx, ids, cid, "ver")
    options = await steps_uc.intro_options(ctx, actor="cli", candidate_id=cid, on=date(2026, 4, 1))
    assert options.forced == "youth_union"
    values = {"introduction_date": date(2026, 4, 1), "youth_union_resolution_date": resolution}
    record = steps_uc.record_step(
        ctx,
        actor="cli",
        candidate_id=cid,
        code="intro",
        values=values,
        introducers=introducers(ids, *keys),
    )
    if refusal is None:
        await record
        return
    with pytest.raises(CandidateRefused) as refused:
        await record
    assert any(refusal in key for key in rules_of(refused.value)), rules_of(refused.value)


async def test_over_youth_age_the_youth_union_route_does_not_apply(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(
        ctx, ids, origin="youth_union", youth_union_member=True, birth_date=date(1990, 1, 1)
    )
    await advance(ctx, ids, cid, "ver")
    options = await steps_uc.intro_options(ctx, actor="cli", candidate_id=cid, on=date(2026, 4, 1))
    assert options.forced is None and options.trade_union_allowed


async def test_trade_union_route_needs_one_member(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids, origin="private_worker")
    await advance(ctx, ids, cid, "ver")
    values = {
        "introduction_date": date(2026, 4, 1),
        "trade_union_resolution_date": date(2026, 3, 25),
    }
    done = await steps_uc.record_step(
        ctx,
        actor="cli",
        candidate_id=cid,
        code="intro",
        values=values,
        introducers=introducers(ids, "an"),
    )
    assert done.candidate.steps.trade_union_resolution_date == date(2026, 3, 25)


# -- A4: papers past their validity at the cell meeting are flagged, not refused ---------------


async def test_old_papers_are_flagged_at_the_cell_meeting(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(
        ctx,
        ids,
        cid,
        "intro",
        course_cert_date=date(2025, 9, 1),
        application_date=date(2025, 10, 1),
    )
    done = await resolve(ctx, ids, cid)
    assert [w.params["expires"] for w in done.warnings] == [date(2026, 4, 1)]


# -- order and dates ---------------------------------------------------------------------------

ORDER = [
    # (steps recorded first, step, values, refusal text)
    ("crs", "res", None, "next step is"),
    ("crs", "ver", None, "next step is"),
    (
        "crs",
        "app",
        {"application_date": date(2025, 12, 31), "background_date": date(2026, 1, 6)},
        "is before that of",
    ),
    ("app", "crs", {"course_cert_date": date(2026, 2, 3)}, "is before that of"),
    (
        "crs",
        "app",
        {"application_date": date(2026, 11, 24), "background_date": date(2026, 11, 24)},
        "in the future",
    ),
    (
        "app",
        "ver",
        {"verification_date": date(2026, 3, 5), "background_comment_date": date(2026, 3, 4)},
        "only after the verification",
    ),
    ("res", "gr", {"grassroots_resolution_date": date(2026, 5, 4)}, "is before that of"),
    (
        "gr",
        "dec",
        {
            "decision_date": date(2026, 6, 10),
            "decision_no": "1-QĐ",
            "decision_received_date": date(2026, 6, 9),
        },
        "is before that of",
    ),
    ("dec", "cer", {"ceremony_date": date(2026, 6, 11)}, "is before that of"),
]


@pytest.mark.parametrize(("upto", "code", "values", "refusal"), ORDER)
async def test_steps_in_order_dates_never_backwards(ctx, upto, code, values, refusal):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, upto)
    with pytest.raises(InvalidInput) as refused:
        if values is None:
            await steps_uc.start_step(ctx, actor="cli", candidate_id=cid, code=code)
        else:
            await steps_uc.record_step(ctx, actor="cli", candidate_id=cid, code=code, values=values)
    msgs = getattr(refused.value, "msgs", [refused.value.msg])
    assert any(refusal in m.key for m in msgs), [m.key for m in msgs]


async def test_partial_values_are_checked_as_typed(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "gr")
    # the decision's number is asked after its date: not a refusal yet
    assert (
        await steps_uc.check_values(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="dec",
            values={"decision_date": date(2026, 6, 10)},
        )
        == []
    )
    with pytest.raises(CandidateRefused, match="is before that of"):
        await steps_uc.check_values(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="dec",
            values={"decision_date": date(2026, 5, 1)},
        )
    with pytest.raises(InvalidInput, match=r"Give \{what\}"):
        await steps_uc.record_step(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="dec",
            values={
                "decision_date": date(2026, 6, 10),
                "decision_no": " ",
                "decision_received_date": date(2026, 6, 12),
            },
        )


def test_the_pipeline_fixture_follows_the_rules():
    dates = [v for _, values in PIPELINE for v in values.values() if isinstance(v, date)]
    assert dates == sorted(dates)


# -- issue 9 §2: the vote base and M5 from the roll of the resolution date ----------------------


async def test_vote_base_is_the_official_members_of_the_resolution_date(ctx):
    """A member transferred out and one exempt only since the resolution were official members
    that day: both count; a probationary member never does."""
    ids = await roster_c1(ctx)
    await roster.change_status(
        ctx,
        actor="cli",
        member_id=ids["an"],
        status="transferred_out",
        status_date=date(2026, 9, 1),
    )
    await roster.change_status(
        ctx, actor="cli", member_id=ids["binh"], status="exempt", status_date=date(2026, 10, 1)
    )
    roll = await steps_uc.vote_roll(ctx, ids["C1"], RESOLUTION)
    assert (roll.proposed, roll.roll) == (4, 5)
    later = await steps_uc.vote_roll(ctx, ids["C1"], date(2026, 11, 1))
    assert (later.proposed, later.roll) == (2, 4)


async def test_exempt_members_count_for_the_three_official_members(ctx):
    """M5 counts exempt members (they are official members) while the vote base leaves the
    absent exempt member out: 2 official + 1 exempt may vote with a base of 2."""
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "intro")
    for key in ("cuong", "dung"):
        await roster.change_status(
            ctx,
            actor="cli",
            member_id=ids[key],
            status="transferred_out",
            status_date=date(2026, 1, 1),
        )
    roll = await steps_uc.vote_roll(ctx, ids["C1"], RESOLUTION)
    assert (roll.proposed, roll.roll) == (2, 3)
    done = await resolve(ctx, ids, cid, base=2, agree=2)
    assert done.candidate.steps.vote_base == 2


async def test_a_member_on_temporary_transfer_that_day_is_out_of_the_proposed_base(ctx):
    """A9: official members on temporary transfer elsewhere on the resolution date are not in
    the vote base (they stay official members of the cell, so M5 counts them)."""
    from chibo.usecases import lifecycle

    ids = await roster_c1(ctx)
    await lifecycle.temporary_transfer(
        ctx,
        actor="cli",
        member_id=ids["an"],
        reason="work",
        start=date(2026, 4, 1),
        end=date(2026, 12, 31),
        to_external="Chi bộ Công ty X, tỉnh Y",
    )
    roll = await steps_uc.vote_roll(ctx, ids["C1"], RESOLUTION)
    assert (roll.proposed, roll.roll) == (3, 5)
    before = await steps_uc.vote_roll(ctx, ids["C1"], date(2026, 3, 1))
    assert (before.proposed, before.roll) == (4, 5)
    base = await lifecycle.vote_base_on(ctx, actor="cli", org_id=ids["C1"], on=RESOLUTION)
    assert (base.base, base.official) == (roll.proposed, roll.roll)


async def test_correcting_a_step_of_two_dates_checks_the_pair_once_both_are_entered(ctx):
    """Issue 9 §4: correcting the application and the personal history (step 2) moved both
    dates later; the new application date was compared with the old personal-history date."""
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "app")  # application 02/02, personal history 03/02
    new_application = {"application_date": date(2026, 2, 10)}
    assert (
        await steps_uc.check_values(
            ctx, actor="cli", candidate_id=cid, code="app", values=new_application
        )
        == []
    )
    both = {**new_application, "background_date": date(2026, 2, 12)}
    assert (
        await steps_uc.check_values(ctx, actor="cli", candidate_id=cid, code="app", values=both)
        == []
    )
    with pytest.raises(CandidateRefused, match="is before that of"):
        await steps_uc.check_values(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="app",
            values={**new_application, "background_date": date(2026, 2, 5)},
        )
    # still compared with the other steps: not before the course certificate (05/01)
    with pytest.raises(CandidateRefused, match="is before that of"):
        await steps_uc.check_values(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="app",
            values={"application_date": date(2026, 1, 2)},
        )

"""The year-end evaluation use cases: a five-member cell's whole review, access, warnings,
the officers' numbers and the reminders they raise."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chibo.storage import audit
from chibo.storage import evaluation as eval_store
from chibo.storage import members as member_store
from chibo.storage.evaluation import CampaignFields
from chibo.storage.meetings import MeetingFields
from chibo.usecases import evaluation as uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.errors import AccessDenied, InvalidInput

from ..conftest import DEFAULT_NOW
from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id

YEAR = 2026
TODAY = date(2026, 11, 23)  # the `clock` fixture's local date
NAMES = ["An", "Bình", "Cường", "Dung", "Em"]
CAMPAIGN = CampaignFields(
    review_by=date(2026, 12, 20),
    report_by=date(2027, 1, 10),
    instruction="HD 05-HD/ĐU ngày 3/11/2026",
    form="Mẫu 02A-HD KĐ.2025",
)


@pytest.fixture
async def cell(ctx, clock):
    """Cell C1 with five official members; secretary 1001 of C1, secretary 1003 of C2, officer
    2001 of commune X (above C1, C2), officer 2002 of commune Y (another subtree)."""
    clock.set(datetime(2026, 1, 1, tzinfo=UTC))  # the bot tracks the cells since January
    await demo_tree(ctx)
    clock.set(DEFAULT_NOW)
    await bind(ctx, 1001, "C1", "secretary")
    await bind(ctx, 1003, "C2", "secretary")
    await bind(ctx, 2001, "X", "officer")
    await bind(ctx, 2002, "Y", "officer")
    ids = await add_members(ctx, "C1", NAMES)
    return {"org": await org_id(ctx, "C1"), "ids": dict(zip(NAMES, ids, strict=True))}


async def test_officer_opens_the_campaign_for_their_subtree(ctx, cell):
    campaign = await uc.open_campaign(ctx, 2001, code="X", year=YEAR, fields=CAMPAIGN)
    assert campaign.review_by == date(2026, 12, 20)
    assert (await uc.campaign_for(ctx, cell["org"], YEAR)).id == campaign.id
    async with ctx.db.read() as tx:
        log = await audit.entries(tx, entity="evaluation_campaign")
    assert [e.action for e in log] == ["open"] and log[0].actor == "2001"
    # corrected later: an update, audited with the values before
    fixed = await uc.open_campaign(
        ctx,
        2001,
        code="X",
        year=YEAR,
        fields=CampaignFields(date(2026, 12, 25), date(2027, 1, 10)),
    )
    assert fixed.id == campaign.id and fixed.review_by == date(2026, 12, 25)


async def test_campaign_access_and_dates(ctx, cell):
    with pytest.raises(AccessDenied):
        await uc.open_campaign(ctx, 2002, code="X", year=YEAR, fields=CAMPAIGN)
    with pytest.raises(AccessDenied):
        await uc.open_campaign(ctx, 1001, code="C1", year=YEAR, fields=CAMPAIGN)
    with pytest.raises(InvalidInput):
        await uc.open_campaign(
            ctx,
            2001,
            code="X",
            year=YEAR,
            fields=CampaignFields(date(2026, 12, 20), date(2026, 12, 1)),
        )
    with pytest.raises(InvalidInput):
        await uc.open_campaign(
            ctx,
            2001,
            code="X",
            year=YEAR,
            fields=CampaignFields(date(2028, 12, 20), date(2028, 12, 30)),
        )
    x = await org_id(ctx, "X")
    async with ctx.db.read() as tx:
        assert await eval_store.campaign(tx, x, YEAR) is None


async def test_whole_review_of_a_five_member_cell(ctx, cell):
    ids = cell["ids"]
    await uc.open_campaign(ctx, 2001, code="X", year=YEAR, fields=CAMPAIGN)
    # plans and self-assessments come in
    for name in NAMES:
        await uc.record_member(
            ctx,
            1001,
            member_id=ids[name],
            year=YEAR,
            changes={
                "plan_received_on": date(2026, 2, 1),
                "self_assessment_on": date(2026, 11, 20),
            },
        )
    await uc.record_member(
        ctx, 1001, member_id=ids["Em"], year=YEAR, changes={"works_elsewhere": True}
    )
    await uc.set_review_date(ctx, 1001, cell["org"], YEAR, date(2026, 11, 22))
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    assert view.review_day == date(2026, 11, 22) and view.vote_base == 5
    assert [x.member.full_name for x in view.pending] == NAMES and not view.done
    proposals = {
        "An": ("HTXS", "92"),
        "Bình": ("HTT", "85.5"),
        "Cường": ("HTT", "70"),
        "Dung": ("HT", "69.9"),
        "Em": ("KHT", "40"),
    }
    warnings = []
    for name, (level, score) in proposals.items():
        done = await uc.record_member(
            ctx,
            1001,
            member_id=ids[name],
            year=YEAR,
            changes={"proposed_level": level, "score": Decimal(score), "vote_agree": 5},
        )
        warnings += done.warnings
        assert done.review.vote_base == 5
    # one HTXS for two HTT is above 20% of those rated HTT: a warning, not a block
    assert any("20%" in w.key for w in warnings)
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    assert view.done and view.counts() == {"HTXS": 1, "HTT": 2, "HT": 1, "KHT": 1}
    assert view.warnings and "20%" in view.warnings[0].key
    # the committee decides; the cell records what it received
    for name, (level, _score) in proposals.items():
        decided = "HTT" if name == "An" else level
        await uc.decide_member(
            ctx, 1001, member_id=ids[name], year=YEAR, level=decided, decided_on=date(2026, 11, 23)
        )
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    assert view.counts(decided=True) == {"HTXS": 0, "HTT": 3, "HT": 1, "KHT": 1}
    # a shortcoming and its remedy
    plan = await uc.add_remedy(
        ctx,
        1001,
        org_id=cell["org"],
        year=YEAR,
        member_id=ids["Em"],
        shortcoming="Chưa hoàn thành nhiệm vụ được giao",
        remedy="Hoàn thành trước quý I",
        due_date=date(2027, 3, 31),
    )
    assert (await uc.cell_review(ctx, 1001, cell["org"], YEAR)).remedies[0].id == plan.id
    async with ctx.db.read() as tx:
        actions = [e.action for e in await audit.entries(tx, entity="evaluation_member", limit=50)]
    assert actions.count("decide") == 5 and actions.count("record") == 11


async def test_a_level_that_contradicts_its_score_is_refused_and_nothing_written(ctx, cell):
    an = cell["ids"]["An"]
    with pytest.raises(InvalidInput) as err:
        await uc.record_member(
            ctx,
            1001,
            member_id=an,
            year=YEAR,
            changes={"proposed_level": "HTT", "score": Decimal("90")},
        )
    assert "QĐ 366-QĐ/TW, Art. 11" in err.value.msg.key
    async with ctx.db.read() as tx:
        assert (await eval_store.member_years(tx, [an], YEAR)).get(an) is None
    with pytest.raises(InvalidInput):  # more votes than official members
        await uc.record_member(
            ctx, 1001, member_id=an, year=YEAR, changes={"proposed_level": "HT", "vote_agree": 6}
        )
    with pytest.raises(InvalidInput):  # a future date
        await uc.record_member(
            ctx, 1001, member_id=an, year=YEAR, changes={"plan_received_on": date(2026, 12, 1)}
        )


async def test_disciplined_member_rated_above_kht_is_warned(ctx, cell):
    done = await uc.record_member(
        ctx,
        1001,
        member_id=cell["ids"]["Bình"],
        year=YEAR,
        changes={"disciplined_on": date(2026, 6, 1), "proposed_level": "HT"},
    )
    assert done.review.proposed_level == "HT"
    assert any("E5" in w.key for w in done.warnings)


async def test_members_not_on_the_roll_on_the_review_date(ctx, cell):
    """Status history as of the review date: a member transferred out before it is not
    reviewed; one who left after it still is."""
    ids = cell["ids"]
    async with ctx.db.transaction() as tx:
        for name, day in (("Dung", date(2026, 10, 1)), ("Em", date(2026, 12, 30))):
            await member_store.add_history(
                tx,
                ids[name],
                status="official",
                status_date=date(2010, 1, 1),
                note=None,
                actor="cli",
                at=ctx.now(),
            )
            await member_store.add_history(
                tx,
                ids[name],
                status="transferred_out",
                status_date=day,
                note=None,
                actor="cli",
                at=ctx.now(),
            )
    await uc.set_review_date(ctx, 1001, cell["org"], YEAR, date(2026, 11, 20))
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    assert [x.member.full_name for x in view.lines] == ["An", "Bình", "Cường", "Em"]
    assert view.vote_base == 4
    with pytest.raises(InvalidInput) as err:
        await uc.record_member(
            ctx, 1001, member_id=ids["Dung"], year=YEAR, changes={"proposed_level": "HT"}
        )
    assert err.value.msg.params["date"] == date(2026, 11, 20)


async def test_exempt_members_are_listed_apart(ctx, cell):
    await add_members(ctx, "C1", ["Giang"], status="exempt")
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    assert [x.member.full_name for x in view.exempt] == ["Giang"] and len(view.lines) == 5
    assert view.vote_base == 5


async def test_access_to_the_cell_review(ctx, cell):
    an = cell["ids"]["An"]
    with pytest.raises(AccessDenied):
        await uc.record_member(ctx, 1003, member_id=an, year=YEAR, changes={"proposed_level": "HT"})
    with pytest.raises(AccessDenied):
        await uc.cell_review(ctx, 2002, cell["org"], YEAR)
    assert (await uc.cell_review(ctx, 2001, cell["org"], YEAR)).org.code == "C1"
    with pytest.raises(AccessDenied):  # officers read, the cell writes
        await uc.record_member(ctx, 2001, member_id=an, year=YEAR, changes={"proposed_level": "HT"})
    # an officer above may record the committee's decision; one of another subtree may not
    await uc.decide_member(
        ctx, 2001, member_id=an, year=YEAR, level="HTT", decided_on=date(2026, 11, 20)
    )
    with pytest.raises(AccessDenied):
        await uc.decide_member(
            ctx, 2002, member_id=an, year=YEAR, level="HT", decided_on=date(2026, 11, 20)
        )
    async with ctx.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
    assert {e.actor for e in denied} >= {"1003", "2002", "2001"}


async def test_the_cell_rating_is_recorded_by_the_officers_above(ctx, cell):
    c1 = cell["org"]
    for month in (1, 2, 3, 5, 6, 7, 8, 9, 10):
        await meetings_uc.record(
            ctx,
            actor="cli",
            org_id=c1,
            inp=meetings_uc.MeetingInput(
                MeetingFields(held_on=date(2026, month, 10), kind="regular", rating="Tốt")
            ),
        )
    with pytest.raises(AccessDenied):
        await uc.rate_cell(ctx, 1001, org_id=c1, year=YEAR, level="HTT", decided_on=TODAY)
    with pytest.raises(AccessDenied):
        await uc.rate_cell(ctx, 2002, org_id=c1, year=YEAR, level="HTT", decided_on=TODAY)
    rated = await uc.rate_cell(ctx, 2001, org_id=c1, year=YEAR, level="HTT", decided_on=TODAY)
    assert rated.cell.level == "HTT"
    assert len(rated.warnings) == 1 and rated.warnings[0].params["months"] == "04/2026"
    view = await uc.cell_review(ctx, 1001, c1, YEAR)
    assert view.cell.level == "HTT"
    assert [(m.month, m.rating) for m in view.months][:4] == [
        (1, "Tốt"),
        (2, "Tốt"),
        (3, "Tốt"),
        (4, None),
    ]


async def test_kht_is_flagged_next_year_and_two_in_a_row_raise_a_removal_review(ctx, cell):
    bon = cell["ids"]["Em"]
    for year in (2025, 2026):
        await uc.record_member(
            ctx, "cli", member_id=bon, year=year, changes={"proposed_level": "KHT"}
        )
        await uc.decide_member(
            ctx, "cli", member_id=bon, year=year, level="KHT", decided_on=date(year, 11, 20)
        )
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    line = next(x for x in view.lines if x.member.id == bon)
    assert line.kht_last_year and line.kht_streak == 2
    # the lifecycle's removal review (§6.5 d) gets the two years as its evidence
    plan = await reminders_uc.plan(ctx, TODAY)
    review = [p for p in plan.items if p.reminder.kind == "removal.review"]
    assert len(review) == 1 and review[0].reminder.subject_id == bon
    assert {r.user.tg_id for r in review[0].recipients} == {1001}


async def test_campaign_reminders_reach_the_secretary_then_the_officers(ctx, cell, clock):
    await uc.open_campaign(ctx, 2001, code="X", year=YEAR, fields=CAMPAIGN)
    plan = await reminders_uc.plan(ctx, date(2026, 11, 2))
    mine = [p for p in plan.items if p.reminder.kind.startswith("evaluation.")]
    # C2 has nobody on its roster: nothing to review, nothing reminded
    assert {(p.org.code, p.reminder.kind) for p in mine} == {("C1", "evaluation.start")}
    assert {r.user.tg_id for p in mine for r in p.recipients} == {1001}
    late = await reminders_uc.plan(ctx, date(2026, 12, 21))
    escalations = [p for p in late.items if p.reminder.kind == "evaluation.escalation"]
    assert {p.org.code for p in escalations} == {"C1"}
    assert {r.user.tg_id for p in escalations for r in p.recipients} == {2001}


async def test_officers_numbers_and_targets(ctx, cell):
    ids = cell["ids"]
    await uc.open_campaign(ctx, "cli", code="P", year=YEAR, fields=CAMPAIGN)
    await add_members(ctx, "D1", ["Hải", "Hoa"])
    for name, level in (("An", "HTXS"), ("Bình", "HTT"), ("Cường", "HTT"), ("Dung", "HT")):
        await uc.record_member(
            ctx, 1001, member_id=ids[name], year=YEAR, changes={"proposed_level": level}
        )
    await uc.rate_cell(
        ctx, "cli", org_id=await org_id(ctx, "X"), year=YEAR, level="HTT", decided_on=TODAY
    )
    view = await uc.overview(ctx, "cli", code="P", year=YEAR)
    x, y = view.lines
    assert (x.code, x.due, x.reviewed, x.not_yet) == ("X", 5, 4, 1)
    assert x.levels == {"HTXS": 1, "HTT": 2, "HT": 1, "KHT": 0}
    assert x.members_target.good == 3 and x.members_target.base == 5
    assert not x.members_target.met
    assert (y.code, y.due, y.reviewed) == ("Y", 2, 0)
    assert x.grassroots_target.base == 1 and x.grassroots_target.good == 1
    assert view.total.grassroots_target.base == 2 and view.total.due == 7
    assert view.total.as_json()["members_htt_or_better"] == round(3 / 7, 4)
    # officers see their own subtree only
    with pytest.raises(AccessDenied):
        await uc.overview(ctx, 2002, code="X", year=YEAR)
    mine = await uc.overview(ctx, 2001, code="X", year=YEAR)
    assert [x.code for x in mine.lines] == ["C1", "C2"]
    assert mine.total.grassroots_target.base == 1  # the commune committee itself

"""chibo.storage.evaluation: campaigns (the nearest above a cell applies), member and cell years,
remedy plans, and what the reminder rules look at."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chibo.rules.lifecycle_removal import Evidence
from chibo.storage import evaluation as store
from chibo.storage import members as member_store
from chibo.storage.evaluation import CampaignFields, CellYear, MemberYear, kht_evidence
from chibo.storage.lifecycle import evidence_sources
from tests.usecases.helpers import demo_tree
from tests.usecases.test_meeting_support import add_members, org_id

YEAR = 2026


async def test_nearest_campaign_applies(ctx):
    await demo_tree(ctx)
    p, x, c1, d1 = [await org_id(ctx, c) for c in ("P", "X", "C1", "D1")]
    async with ctx.db.transaction() as tx:
        await store.put_campaign(
            tx,
            org_id=p,
            year=YEAR,
            f=CampaignFields(date(2026, 12, 31), date(2027, 1, 15), instruction="HD 1"),
            actor="cli",
            at=ctx.now(),
        )
        await store.put_campaign(
            tx,
            org_id=x,
            year=YEAR,
            f=CampaignFields(date(2026, 12, 20), date(2027, 1, 5)),
            actor="2001",
            at=ctx.now(),
        )
    async with ctx.db.read() as tx:
        assert (await store.campaign_for(tx, c1, YEAR)).org_id == x
        assert (await store.campaign_for(tx, d1, YEAR)).org_id == p
        assert (await store.campaign_for(tx, p, YEAR)).instruction == "HD 1"
        assert await store.campaign_for(tx, c1, 2025) is None


async def test_member_and_cell_years_round_trip(ctx):
    await demo_tree(ctx)
    c1 = await org_id(ctx, "C1")
    an, binh = await add_members(ctx, "C1", ["An", "Bình"])
    year = MemberYear(
        an,
        YEAR,
        c1,
        plan_received_on=date(2026, 2, 1),
        works_elsewhere=True,
        score=Decimal("89.9"),
        proposed_level="HTT",
        vote_agree=2,
        vote_base=2,
    )
    async with ctx.db.transaction() as tx:
        await store.put_member_year(tx, year, ctx.now())
        await store.put_member_year(tx, MemberYear(binh, 2025, c1, decided_level="KHT"), ctx.now())
        await store.put_member_year(tx, MemberYear(binh, YEAR, c1, proposed_level="KHT"), ctx.now())
        await store.put_cell_year(tx, CellYear(c1, YEAR, date(2026, 11, 20), "HTT"), ctx.now())
        remedy = await store.add_remedy(
            tx,
            org_id=c1,
            year=YEAR,
            member_id=binh,
            shortcoming="Vắng họp",
            remedy="Dự họp đầy đủ",
            due_date=date(2027, 3, 31),
            actor="1001",
            at=ctx.now(),
        )
    async with ctx.db.read() as tx:
        assert (await store.member_years(tx, [an], YEAR)).get(an) == year
        assert (await store.cell_year(tx, c1, YEAR)).level == "HTT"
        assert await store.final_levels(tx, [binh]) == {binh: {2025: "KHT", YEAR: "KHT"}}
        kht = await store.kht_evidence(tx, [an, binh], date(2026, 11, 23))
        assert kht == {binh: [Evidence("kht", (date(2025, 12, 31), date(2026, 12, 31)))]}
        assert kht_evidence in evidence_sources()
        plans = await store.remedy_cases(tx, [c1])
        assert [(p.remedy_id, p.subject) for p in plans] == [(remedy, "Bình")]
    async with ctx.db.transaction() as tx:
        await store.set_remedy_done(tx, remedy, date(2026, 11, 23))
    async with ctx.db.read() as tx:
        assert await store.remedy_cases(tx) == []
        assert (await store.remedy(tx, remedy)).done_on == date(2026, 11, 23)


async def test_campaign_cases_count_the_roll_on_the_review_date(ctx):
    await demo_tree(ctx)
    x, c1 = await org_id(ctx, "X"), await org_id(ctx, "C1")
    an, binh, cuong = await add_members(ctx, "C1", ["An", "Bình", "Cường"])
    async with ctx.db.transaction() as tx:
        await store.put_campaign(
            tx,
            org_id=x,
            year=YEAR,
            f=CampaignFields(date(2026, 12, 20), date(2027, 1, 5)),
            actor="cli",
            at=ctx.now(),
        )
        # Cường left on 1/12, before the review deadline
        for status, day in (("official", date(2010, 1, 1)), ("transferred_out", date(2026, 12, 1))):
            await member_store.add_history(
                tx, cuong, status=status, status_date=day, note=None, actor="cli", at=ctx.now()
            )
        await store.put_member_year(tx, MemberYear(an, YEAR, c1, proposed_level="HT"), ctx.now())
        await store.put_member_year(tx, MemberYear(binh, YEAR, c1, works_elsewhere=True), ctx.now())
    async with ctx.db.read() as tx:
        cases = {c.org_id: c for c in await store.campaign_cases(tx)}
        only = await store.campaign_cases(tx, [c1])
    assert set(cases) == {c1, await org_id(ctx, "C2")}
    case = cases[c1]
    assert (case.due, case.pending, case.review_held) == (2, 1, False)
    assert case.residence_pending == ((binh, "Bình"),)
    assert [c.org_id for c in only] == [c1]

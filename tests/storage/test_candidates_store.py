"""Candidates storage: the register, step columns, helpers, introducers, the per-cell setting,
the reminder cases and the roster figures of the admissions view."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.storage import candidates as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.candidates import Details, IntroducerRow
from chibo.storage.db import Database
from chibo.storage.members import MemberFields
from tests.conftest import DEFAULT_NOW


@pytest.fixture
async def cell(db: Database) -> int:
    async with db.transaction() as tx:
        org = await org_store.insert(
            tx, code="C1", name="Chi bộ 1", kind="cell", parent_id=None, at=DEFAULT_NOW
        )
    return org.id


async def member(
    db: Database, cell: int, name: str, status: str, day: date, *, history: date | None = None
) -> int:
    f = MemberFields(
        full_name=name,
        birth_date=date(1970, 1, 1),
        decision_date=day,
        status=status,
        status_date=history or day,
    )
    async with db.transaction() as tx:
        mid = await member_store.insert(tx, org_id=cell, f=f, name_key=name.lower(), at=DEFAULT_NOW)
        if history is not None:
            await member_store.add_history(
                tx, mid, status=status, status_date=history, note=None, actor="cli", at=DEFAULT_NOW
            )
    return mid


KHOA = Details(
    full_name="Đỗ Minh Khoa",
    birth_date=date(2000, 5, 10),
    gender="male",
    origin="youth_union",
    youth_union_member=True,
    notes="Bí thư chi đoàn",
)


async def test_round_trip_steps_helpers_introducers(db: Database, cell: int):
    an = await member(db, cell, "An", "official", date(2000, 1, 1))
    binh = await member(db, cell, "Bình", "official", date(2001, 1, 1))
    async with db.transaction() as tx:
        cid = await store.insert(
            tx,
            org_id=cell,
            d=KHOA,
            name_key="do minh khoa",
            tracked_since=date(2026, 1, 2),
            at=DEFAULT_NOW,
        )
        await store.set_steps(
            tx,
            cid,
            {
                "course_cert_date": date(2026, 1, 5),
                "vote_agree": 3,
                "vote_base": 4,
                "decision_no": "1-QĐ/ĐU",
            },
            DEFAULT_NOW,
        )
        await store.set_helpers(tx, cid, [binh, an, an])
        await store.set_introducers(tx, cid, [IntroducerRow(an, date(2015, 1, 1))])
        await store.set_introducers(tx, cid, [IntroducerRow(binh, date(2016, 1, 1))])
        c = await store.get(tx, cid)
        assert c is not None
        assert (c.details, c.tracked_since, c.status) == (KHOA, date(2026, 1, 2), "active")
        assert (
            c.steps.course_cert_date,
            c.steps.vote_agree,
            c.steps.vote_base,
            c.steps.decision_no,
            c.steps.ceremony_date,
        ) == (date(2026, 1, 5), 3, 4, "1-QĐ/ĐU", None)
        assert await store.helper_ids(tx, cid) == sorted([an, binh])
        assert await store.introducers(tx, cid) == [IntroducerRow(binh, date(2016, 1, 1))]
        case = c.case(under_grassroots=False)
        assert (case.youth_union_member, case.under_grassroots, case.status) == (
            True,
            False,
            "active",
        )
        with pytest.raises(ValueError, match="not step columns"):
            await store.set_steps(tx, cid, {"status": "admitted"}, DEFAULT_NOW)


async def test_status_setting_and_reminder_cases(db: Database, cell: int):
    async with db.transaction() as tx:
        open_ = await store.insert(
            tx, org_id=cell, d=KHOA, name_key="a", tracked_since=date(2026, 1, 2), at=DEFAULT_NOW
        )
        closed = await store.insert(
            tx, org_id=cell, d=KHOA, name_key="b", tracked_since=date(2026, 1, 2), at=DEFAULT_NOW
        )
        await store.set_status(
            tx,
            closed,
            status="withdrawn",
            closed_date=date(2026, 3, 1),
            reason="Chuyển đi",
            member_id=None,
            at=DEFAULT_NOW,
        )
        assert [c.candidate_id for c in await store.reminder_cases(tx)] == [open_]
        assert await store.reminder_cases(tx, []) == []
        assert await store.under_grassroots(tx, cell) is None
        await store.set_under_grassroots(tx, cell, False, DEFAULT_NOW)
        assert await store.under_grassroots(tx, cell) is False
        await store.set_under_grassroots(tx, cell, None, DEFAULT_NOW)
        assert await store.under_grassroots(tx, cell) is None
        c = await store.get(tx, closed)
    assert c is not None and (c.status, c.closed_date, c.close_reason) == (
        "withdrawn",
        date(2026, 3, 1),
        "Chuyển đi",
    )


async def test_members_on_a_day_and_admissions_in_a_year(db: Database, cell: int):
    await member(db, cell, "An", "official", date(2000, 1, 1), history=date(2001, 1, 1))
    await member(db, cell, "Bình", "probationary", date(2026, 3, 1))  # admitted this year
    left = await member(db, cell, "Cường", "official", date(1990, 1, 1), history=date(1991, 1, 1))
    async with db.transaction() as tx:  # Cường left in 2026: still on the roll on 1 January
        await member_store.add_history(
            tx,
            left,
            status="transferred_out",
            status_date=date(2026, 5, 1),
            note=None,
            actor="cli",
            at=DEFAULT_NOW,
        )
        cid = await store.insert(
            tx, org_id=cell, d=KHOA, name_key="k", tracked_since=date(2025, 1, 1), at=DEFAULT_NOW
        )
        await store.set_steps(tx, cid, {"decision_date": date(2026, 6, 1)}, DEFAULT_NOW)
    async with db.read() as tx:
        assert await store.members_on(tx, [cell], date(2026, 1, 1)) == 2
        assert await store.members_on(tx, [cell], date(2026, 6, 1)) == 2  # Bình in, Cường out
        assert await store.admitted_between(tx, [cell], date(2026, 1, 1), date(2026, 12, 31)) == 2
        assert await store.admitted_between(tx, [], date(2026, 1, 1), date(2026, 12, 31)) == 0

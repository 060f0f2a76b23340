"""Members storage: insert, update, lookups, status history, helpers, conversion record."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.storage import members as store
from chibo.storage import orgs as org_store
from chibo.storage.db import Database
from chibo.storage.members import Conversion, MemberFields
from tests.conftest import DEFAULT_NOW


@pytest.fixture
async def cell(db: Database) -> int:
    async with db.transaction() as tx:
        org = await org_store.insert(
            tx, code="C1", name="Chi bộ 1", kind="cell", parent_id=None, at=DEFAULT_NOW
        )
    return org.id


def lan(**kw) -> MemberFields:
    base = dict(
        full_name="Nguyễn Thị Lan",
        birth_date=date(1980, 5, 1),
        gender="female",
        card_no="01.234567",
        cccd="001180001234",
        decision_date=date(2010, 3, 1),
        ceremony_date=date(2010, 3, 20),
        official_date=date(2011, 3, 20),
        status="official",
        status_date=date(2011, 3, 20),
    )
    return MemberFields(**{**base, **kw})


async def test_insert_get_update_round_trip(db: Database, cell: int):
    async with db.transaction() as tx:
        mid = await store.insert(
            tx, org_id=cell, f=lan(), name_key="nguyen thi lan", at=DEFAULT_NOW
        )
        member = await store.get(tx, mid)
        assert member is not None and member.editable == lan()
        assert (member.org_id, member.name_key, member.course_done_date) == (
            cell,
            "nguyen thi lan",
            None,
        )
        await store.update(tx, mid, f=lan(gender=None, card_no=None), name_key="x", at=DEFAULT_NOW)
        await store.set_course(tx, mid, date(2010, 6, 1), DEFAULT_NOW)
        again = await store.get(tx, mid)
    assert again.gender is None and again.card_no is None and again.name_key == "x"
    assert again.course_done_date == date(2010, 6, 1)


async def test_lookups_by_card_cccd_person_and_status(db: Database, cell: int):
    async with db.transaction() as tx:
        a = await store.insert(tx, org_id=cell, f=lan(), name_key="nguyen thi lan", at=DEFAULT_NOW)
        b = await store.insert(
            tx,
            org_id=cell,
            f=lan(
                full_name="Trần Văn Bình",
                card_no=None,
                cccd=None,
                status="probationary",
                official_date=None,
            ),
            name_key="tran van binh",
            at=DEFAULT_NOW,
        )
        assert (await store.by_cards(tx, ["01.234567", "nope"]))["01.234567"].id == a
        assert (await store.by_cccds(tx, ["001180001234"]))["001180001234"].id == a
        assert [
            m.id for m in await store.by_person(tx, cell, "tran van binh", date(1980, 5, 1))
        ] == [b]
        assert [m.id for m in await store.of_org(tx, cell, ["probationary"])] == [b]
        assert await store.count_by_status(tx, cell) == {"official": 1, "probationary": 1}


async def test_card_and_cccd_are_unique(db: Database, cell: int):
    async with db.transaction() as tx:
        await store.insert(tx, org_id=cell, f=lan(), name_key="a", at=DEFAULT_NOW)
    with pytest.raises(Exception, match="UNIQUE"):
        async with db.transaction() as tx:
            await store.insert(tx, org_id=cell, f=lan(cccd=None), name_key="b", at=DEFAULT_NOW)


async def test_history_helpers_and_conversion(db: Database, cell: int):
    async with db.transaction() as tx:
        a = await store.insert(tx, org_id=cell, f=lan(), name_key="a", at=DEFAULT_NOW)
        b = await store.insert(
            tx,
            org_id=cell,
            f=lan(card_no=None, cccd=None, status="probationary", official_date=None),
            name_key="b",
            at=DEFAULT_NOW,
        )
        await store.add_history(
            tx,
            b,
            status="probationary",
            status_date=date(2026, 1, 5),
            note=None,
            actor=1001,
            at=DEFAULT_NOW,
        )
        await store.add_history_many(
            tx, [(b, "official", date(2027, 1, 5), "QĐ 1")], actor="cli", at=DEFAULT_NOW
        )
        assert await store.add_helper(tx, b, a) and not await store.add_helper(tx, b, a)
        assert [m.id for m in await store.helpers_of(tx, b)] == [a]
        assert await store.remove_helper(tx, b, a)
        assert await store.conversion(tx, b) is None
        await store.put_conversion(
            tx, Conversion(b, cell_resolution_date=date(2027, 1, 6)), DEFAULT_NOW
        )
        await store.put_conversion(
            tx,
            Conversion(
                b,
                cell_resolution_date=date(2027, 1, 6),
                outcome="not_eligible",
                outcome_note="x",
                outcome_date=date(2027, 1, 7),
            ),
            DEFAULT_NOW,
        )
        conv = await store.conversion(tx, b)
        history = await store.history(tx, b)
    assert conv.outcome == "not_eligible" and conv.outcome_date == date(2027, 1, 7)
    assert [(h.status, h.actor, h.note) for h in history] == [
        ("probationary", "1001", None),
        ("official", "cli", "QĐ 1"),
    ]


async def test_insert_many_returns_ids_in_order(db: Database, cell: int):
    async with db.transaction() as tx:
        first = await store.insert(tx, org_id=cell, f=lan(), name_key="a", at=DEFAULT_NOW)
        ids = await store.insert_many(
            tx,
            org_id=cell,
            at=DEFAULT_NOW,
            rows=[(lan(full_name=f"N {i}", card_no=None, cccd=None), f"n {i}") for i in range(3)],
        )
        assert await store.insert_many(tx, org_id=cell, rows=[], at=DEFAULT_NOW) == []
        names = [(await store.get(tx, i)).full_name for i in ids]
    assert ids == [first + 1, first + 2, first + 3] and names == ["N 0", "N 1", "N 2"]


async def test_the_roll_on_a_day_follows_the_status_history(db: Database, cell: int):
    """Issue 9 §2: a member's status on a day is their latest history entry on or before it;
    a member entered without any history falls back on the roster's status from its date."""
    async with db.transaction() as tx:
        kept = await store.insert(
            tx,
            org_id=cell,
            f=lan(status="exempt", status_date=date(2026, 5, 1)),
            name_key="lan",
            at=DEFAULT_NOW,
        )
        for status, day in (
            ("probationary", date(2010, 3, 20)),
            ("official", date(2011, 3, 20)),
            ("exempt", date(2026, 5, 1)),
        ):
            await store.add_history(
                tx, kept, status=status, status_date=day, note=None, actor="cli", at=DEFAULT_NOW
            )
        bare = await store.insert(
            tx,
            org_id=cell,
            f=lan(full_name="Trần Văn Bình", card_no=None, cccd=None, status_date=date(2015, 1, 1)),
            name_key="binh",
            at=DEFAULT_NOW,
        )

    async def on(day: date) -> dict[int, str]:
        async with db.read() as tx:
            return {m.id: m.status for m in await store.of_org_on(tx, cell, day)}

    assert await on(date(2010, 1, 1)) == {}
    assert await on(date(2010, 6, 1)) == {kept: "probationary"}
    assert await on(date(2016, 1, 1)) == {kept: "official", bare: "official"}
    assert await on(date(2026, 6, 1)) == {kept: "exempt", bare: "official"}
    async with db.read() as tx:
        found = await store.of_org_on(tx, cell, date(2016, 1, 1), ["official"])
    assert {m.id: m.status_date for m in found} == {
        kept: date(2011, 3, 20),
        bare: date(2015, 1, 1),
    }

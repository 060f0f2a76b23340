"""chibo.storage.lifecycle: records round-trip; periods; evidence sources can be plugged in."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chibo.rules.lifecycle import Period
from chibo.rules.lifecycle_removal import Evidence
from chibo.storage import lifecycle as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.lifecycle import Card, Transfer
from chibo.storage.members import MemberFields

AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


async def _member(tx) -> tuple[int, int, int]:
    a = await org_store.insert(tx, code="A", name="Chi bộ A", kind="cell", parent_id=None, at=AT)
    b = await org_store.insert(tx, code="B", name="Chi bộ B", kind="cell", parent_id=None, at=AT)
    f = MemberFields(
        full_name="An", birth_date=date(1980, 1, 1), status="official", status_date=date(2010, 1, 1)
    )
    mid = await member_store.insert(tx, org_id=a.id, f=f, name_key="an", at=AT)
    return a.id, b.id, mid


async def test_transfer_round_trip_periods_and_guests(db):
    async with db.transaction() as tx:
        a, b, mid = await _member(tx)
        t = Transfer(
            0,
            "temporary",
            "work",
            mid,
            "An",
            None,
            a,
            None,
            b,
            None,
            None,
            None,
            date(2026, 3, 1),
            date(2026, 9, 30),
            None,
            "open",
            None,
        )
        tid = await store.insert_transfer(tx, t, AT)
        got = await store.get_transfer(tx, tid)
        assert got is not None and got.end_date == date(2026, 9, 30) and got.to_org_id == b
        assert await store.away_periods(tx, [mid]) == {mid: [Period(date(2026, 3, 1), None)]}
        assert await store.guests_of(tx, b, date(2026, 5, 1)) == [mid]
        assert await store.guests_of(tx, b, date(2026, 2, 1)) == []
        await store.save_transfer(
            tx,
            t.__class__(
                **{**got.__dict__, "completed_date": date(2026, 9, 1), "state": "completed"}
            ),
            AT,
        )
        assert await store.guests_of(tx, b, date(2026, 9, 1)) == []
        assert await store.guests_of(tx, b, date(2026, 8, 31)) == [mid]


async def test_card_upsert_and_cases(db):
    async with db.transaction() as tx:
        a, _b, mid = await _member(tx)
        await store.put_card(tx, Card(mid, decision_date=date(2026, 11, 1)), AT)
        await store.put_card(tx, Card(mid, decision_date=date(2026, 11, 1), handed_on=None), AT)
        assert (await store.get_card(tx, mid)) == Card(mid, decision_date=date(2026, 11, 1))
        cases = await store.cases(tx, [a])
    assert [(c.step, c.on) for c in cases.cards] == [("handover", date(2026, 11, 1))]


async def test_an_evidence_source_plugs_in(db):
    async def dues(tx, member_ids, today):
        return {
            m: [Evidence("dues", (date(2026, 2, 1), date(2026, 3, 1), date(2026, 5, 1)))]
            for m in member_ids
        }

    store.register_evidence_source(dues)
    try:
        async with db.transaction() as tx:
            a, _b, mid = await _member(tx)
            found = await store.evidence(tx, [mid], date(2026, 6, 1))
            cases = await store.cases(tx, [a])
        assert found == {
            mid: [Evidence("dues", (date(2026, 2, 1), date(2026, 3, 1), date(2026, 5, 1)))]
        }
        assert [c.member_id for c in cases.removals] == [mid]
    finally:
        store._SOURCES.remove(dues)


async def test_removal_cases_of_the_whole_tree_are_those_of_every_cell(db):
    """The sweep asks for every organisation (org_ids None): the evidence sources then read
    every member's evidence set-based; the cases are exactly those found cell by cell."""

    async def dues(tx, member_ids, today):
        found = {7: [Evidence("dues", (date(2026, 2, 1), date(2026, 3, 1), date(2026, 5, 1)))]}
        return {m: v for m, v in found.items() if member_ids is None or m in member_ids}

    store.register_evidence_source(dues)
    try:
        async with db.transaction() as tx:
            a, b, mid = await _member(tx)
            more = []
            for i, (org, status) in enumerate(
                [(a, "official"), (b, "probationary"), (b, "official"), (b, "official")]
            ):
                f = MemberFields(
                    full_name=f"M{i}", birth_date=date(1980, 1, 1), status=status,
                    status_date=date(2010, 1, 1),
                )  # fmt: skip
                more.append(await member_store.insert(tx, org_id=org, f=f, name_key=f"m{i}", at=AT))
            for m in (mid, more[1], more[2]):  # in re-education (evidence), one under review
                await tx.execute(
                    "INSERT INTO reeducations (member_id, started_on) VALUES (?, '2026-01-05')",
                    (m,),
                )
            await tx.execute(
                "INSERT INTO removal_reviews (member_id, org_id, ground, opened_on, evidence,"
                " created_at, updated_at) VALUES (?, ?, 'education', '2026-03-01', '[]', 'x', 'x')",
                (more[2], b),
            )
            await tx.execute("UPDATE members SET id = 7 WHERE id = ?", (more[3],))
            whole = await store.cases(tx, None, date(2026, 6, 1))
            by_cell = await store.cases(tx, [a, b], date(2026, 6, 1))
            only_b = await store.cases(tx, [b], date(2026, 6, 1))

        def key(c):
            return c.member_id

        assert sorted(whole.removals, key=key) == sorted(by_cell.removals, key=key)
        assert [c.member_id for c in whole.removals] == sorted([mid, more[1], 7])
        assert sorted(c.member_id for c in only_b.removals) == sorted([more[1], 7])
    finally:
        store._SOURCES.remove(dues)

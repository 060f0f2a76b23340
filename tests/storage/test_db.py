import sqlite3

import pytest

from chibo.storage import audit, orgs
from chibo.storage.db import Database, SchemaTooNewError, migrations


async def test_fresh_database_has_every_migration(db):
    assert await db.schema_version() == len(migrations()) >= 2
    async with db.read() as tx:
        assert await tx.scalar("PRAGMA foreign_keys") == 1
        assert (await tx.scalar("PRAGMA journal_mode")).lower() == "wal"


async def test_upgrade_is_idempotent(config):
    db = await Database.open(config.db_path)
    await db.close()
    db = await Database.open(config.db_path, migrate=False)
    try:
        assert await db.upgrade() == []
        assert await db.schema_version() == len(migrations())
    finally:
        await db.close()


async def test_newer_database_refuses_to_start(config):
    db = await Database.open(config.db_path)
    async with db.transaction() as tx:
        await tx.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    await db.close()
    with pytest.raises(SchemaTooNewError, match="upgrade chibo"):
        await Database.open(config.db_path)


async def test_failed_transaction_leaves_nothing(db, clock):
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await orgs.insert(
                tx, code="A", name="A", kind="committee", parent_id=None, at=clock.now()
            )
            await audit.record(
                tx, at=clock.now(), actor="cli", entity="org", entity_id=1, action="create"
            )
            await orgs.insert(
                tx, code="a", name="dup", kind="committee", parent_id=None, at=clock.now()
            )  # codes are unique without case
    async with db.read() as tx:
        assert await orgs.all_orgs(tx) == []
        assert await audit.entries(tx) == []


async def test_foreign_keys_are_enforced(db, clock):
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await orgs.insert(tx, code="C", name="C", kind="cell", parent_id=999, at=clock.now())


async def test_subtree_and_ancestors(db, clock):
    async with db.transaction() as tx:
        p = await orgs.insert(
            tx, code="P", name="P", kind="committee", parent_id=None, at=clock.now()
        )
        x = await orgs.insert(
            tx, code="X", name="X", kind="committee", parent_id=p.id, at=clock.now()
        )
        c = await orgs.insert(tx, code="C", name="C", kind="cell", parent_id=x.id, at=clock.now())
        other = await orgs.insert(
            tx, code="Y", name="Y", kind="committee", parent_id=p.id, at=clock.now()
        )
    async with db.read() as tx:
        assert set(await orgs.subtree_ids(tx, x.id)) == {x.id, c.id}
        assert set(await orgs.subtree_ids(tx, p.id)) == {p.id, x.id, c.id, other.id}
        assert await orgs.ancestor_ids(tx, c.id) == [x.id, p.id]
        assert await orgs.ancestor_ids(tx, p.id) == []


async def test_two_connections_on_one_file_serialise_writes(config, clock):
    a = await Database.open(config.db_path)
    b = await Database.open(config.db_path)
    try:
        async with a.transaction() as tx:
            await orgs.insert(
                tx, code="A", name="A", kind="committee", parent_id=None, at=clock.now()
            )
        async with b.read() as tx:
            assert [o.code for o in await orgs.all_orgs(tx)] == ["A"]
    finally:
        await a.close()
        await b.close()


async def test_statements_answer_as_before_in_one_trip_each(db, clock):
    """Tx.one / all / execute / changes run in one trip to aiosqlite's thread each (issue 12):
    the first row or None, every row, the new row's id, the rows changed."""
    async with db.transaction() as tx:
        first = await orgs.insert(
            tx, code="A", name="A", kind="committee", parent_id=None, at=clock.now()
        )
        new_id = await tx.execute(
            "INSERT INTO orgs (code, name, kind, parent_id, created_at)"
            " VALUES ('B', 'B', 'cell', ?, 'x')",
            (first.id,),
        )
        assert new_id == first.id + 1
        assert await tx.changes("UPDATE orgs SET name = name || '!'") == 2
        row = await tx.one("SELECT code, name FROM orgs ORDER BY code")
        assert row is not None and tuple(row) == ("A", "A!") and row["code"] == "A"
        assert await tx.one("SELECT code FROM orgs WHERE id = -1") is None
        assert [r["code"] for r in await tx.all("SELECT code FROM orgs ORDER BY code")] == [
            "A",
            "B",
        ]
        assert await tx.all("SELECT code FROM orgs WHERE id = -1") == []
        assert await tx.scalar("SELECT count(*) FROM orgs") == 2

"""`Database.read()` on a second, read-only connection (issue 12): reads do not wait for a
write transaction, see every committed one, and the change log stays on the writer."""

import asyncio
import contextlib
import sqlite3

import pytest

from chibo.storage import changes, orgs
from chibo.storage.db import Database


async def _org(tx, clock, code: str) -> int:
    return await orgs.insert(tx, code=code, name=code, kind="committee", parent_id=None,
                             at=clock.now())  # fmt: skip


async def _codes(db: Database) -> set[str]:
    async with db.read() as tx:
        return {r[0] for r in await tx.all("SELECT code FROM orgs")}


async def test_a_read_does_not_wait_for_a_write_transaction_and_sees_the_last_commit(db, clock):
    async with db.transaction() as tx:
        await _org(tx, clock, "OLD")
    async with db.transaction() as tx:
        await _org(tx, clock, "NEW")
        # Still inside the write transaction: the read answers (it used to wait for the
        # writer's lock, a deadlock here) with the last commit, not the pending row.
        assert await asyncio.wait_for(_codes(db), timeout=10) == {"OLD"}
    assert await _codes(db) == {"OLD", "NEW"}  # read-your-own-writes after the commit


async def test_a_read_after_each_commit_sees_it(db, clock):
    for n in range(5):
        async with db.transaction() as tx:
            await _org(tx, clock, f"O{n}")
        assert f"O{n}" in await _codes(db)


async def test_reads_are_read_only(db):
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
        async with db.read() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")


async def test_the_change_log_is_read_on_the_writer_connection(db, clock):
    async with db.read(change_log=True) as tx:
        before = await changes.mark(tx)
    async with db.transaction() as tx:
        org_id = await _org(tx, clock, "A")
    async with db.read(change_log=True) as tx:
        now, _changed = await changes.since(tx, before)
        logged = {r[0] for r in await tx.all("SELECT org_id FROM temp.changed_orgs")}
    # On the writer its own writes do not move `data_version` (a read-only connection would
    # see every write as another connection's: "everything changed") and the TEMP log has
    # the write (a new organisation: EVERYTHING); the read-only connection has no such table.
    assert now.data_version == before.data_version and now.seq > before.seq
    assert org_id and logged == {changes.EVERYTHING}
    with pytest.raises(sqlite3.OperationalError, match="changed_orgs"):
        async with db.read() as tx:
            await tx.scalar("SELECT count(*) FROM temp.changed_orgs")


async def test_an_in_memory_database_reads_on_its_one_connection(clock):
    db = await Database.open(":memory:")
    try:
        async with db.transaction() as tx:
            await _org(tx, clock, "M")
        assert await _codes(db) == {"M"}
        async with db.read() as tx:  # the change log is there: one connection
            assert await tx.scalar("SELECT count(*) FROM temp.changed_orgs") >= 1
    finally:
        await db.close()


async def test_a_worker_database_without_a_read_connection_reads_on_its_writer(config, clock):
    db = await Database.open(config.db_path, read_connection=False)  # usecases.offload's
    try:
        async with db.transaction() as tx:
            await _org(tx, clock, "W")
        async with db.read() as tx:  # the writer's TEMP change log is visible: one connection
            assert await tx.scalar("SELECT count(*) FROM temp.changed_orgs") >= 1
        assert await _codes(db) == {"W"}
    finally:
        await db.close()


async def test_one_long_read_does_not_hold_up_another(db, clock):
    async with db.transaction() as tx:
        await _org(tx, clock, "R")
    async with db.read() as tx:  # e.g. a report's read, still open
        assert await tx.scalar("SELECT count(*) FROM orgs") == 1
        assert await asyncio.wait_for(_codes(db), timeout=10) == {"R"}


async def test_a_task_cancelled_while_it_begins_loses_no_connection(tmp_path) -> None:
    db = await Database.open(tmp_path / "x.sqlite3")
    try:

        async def read() -> None:
            async with db.read() as tx:
                await tx.scalar("SELECT 1")

        async def write() -> None:
            async with db.transaction() as tx:
                await tx.execute("CREATE TABLE IF NOT EXISTS t (x)")

        for work in (read, read, write):
            task = asyncio.create_task(work())
            await asyncio.sleep(0)  # the task now awaits its BEGIN in aiosqlite's thread
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for _ in range(6):  # every reader and the writer still work
            await read()
            await write()
    finally:
        await db.close()

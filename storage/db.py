"""The SQLite connection: pragmas, transactions and the migration runner.

One `Database` per process wraps one writer aiosqlite connection in autocommit mode; every
write goes through `transaction()` (BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error), and an
asyncio lock keeps coroutines of the same process from interleaving inside a transaction.
Other processes on the same file are serialised by SQLite itself (WAL + busy timeout).

A database file also gets read-only connections for `read()` (`READ_CONNECTIONS`; each read
takes a free one): WAL gives each read transaction a snapshot of the last commit, so a long
write transaction (a 5,000-row import holds the writer for ~0.3 s) no longer makes every
other user's reads wait for it (issue 12), nor does one long read the others, and a read
that starts after a transaction committed sees that commit.
`read(change_log=True)` stays on the writer connection: the TEMP change log of
`storage.changes` and its `PRAGMA data_version` belong to that connection. An in-memory
database (which a second connection cannot see) reads on its one connection.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
#: Read-only connections behind `read()` for a database file: one long read (a report's) does
#: not make every other user's reads wait.
READ_CONNECTIONS = 2
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of chibo than this one."""


#: What went wrong with the database file, from SQLite's message (see `fault_kind`).
FAULT_KINDS = (
    "corrupt",
    "not_a_database",
    "empty",
    "cannot_open",
    "readonly",
    "full",
    "locked",
    "io",
    "other",
)
_FAULT_PATTERNS = (
    ("malformed", "corrupt"),
    ("file is not a database", "not_a_database"),
    ("file is encrypted", "not_a_database"),
    ("unable to open", "cannot_open"),
    ("readonly", "readonly"),
    ("read-only", "readonly"),
    ("disk is full", "full"),
    ("database is full", "full"),
    ("locked", "locked"),
    ("busy", "locked"),
    ("disk i/o error", "io"),
)


def fault_kind(exc: BaseException) -> str:
    """The `FAULT_KINDS` entry for an SQLite (or file system) error."""
    if isinstance(exc, DatabaseFault):
        return exc.kind
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        for fragment, kind in _FAULT_PATTERNS:
            if fragment in text:
                return kind
        return "corrupt" if "schema" in text else "other"
    if isinstance(exc, PermissionError):
        return "readonly"
    if isinstance(exc, OSError):
        return "full" if getattr(exc, "errno", None) == 28 else "cannot_open"
    return "other"


class DatabaseFault(RuntimeError):
    """The database file cannot be used: `kind` (one of `FAULT_KINDS`), `path`, and SQLite's
    own words in `detail`. The command line and the bot turn it into one line of advice."""

    def __init__(self, kind: str, path: Path, detail: str = "") -> None:
        super().__init__(f"database {path}: {kind}" + (f" ({detail})" if detail else ""))
        self.kind = kind
        self.path = path
        self.detail = detail

    @classmethod
    def wrap(cls, exc: BaseException, path: Path) -> DatabaseFault:
        return cls(fault_kind(exc), path, str(exc))


def to_db_instant(dt: datetime) -> str:
    """A timezone-aware instant as fixed-width UTC ISO text (sorts as text)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware instant")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def to_db_date(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def from_db_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def need_date(text: str | None) -> date:
    """A date column declared NOT NULL (a NULL here is a corrupt row, not a missing value)."""
    if text is None:
        raise ValueError("NULL in a required date column")
    return date.fromisoformat(text)


def need_instant(text: str | None) -> datetime:
    """An instant column declared NOT NULL."""
    if text is None:
        raise ValueError("NULL in a required instant column")
    return datetime.fromisoformat(text).astimezone(UTC)


def migrations() -> list[tuple[int, Path]]:
    """The shipped migrations as (version, file), in order, checked for gaps."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            raise RuntimeError(f"badly named migration file: {path.name}")
        found.append((int(m.group(1)), path))
    found.sort()
    for expected, (version, path) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {path.name}: expected number {expected:04d}")
    return found


class Database:
    """An open SQLite database; use `await Database.open(path)`."""

    def __init__(
        self, conn: aiosqlite.Connection, path: Path, reader: aiosqlite.Connection | None = None
    ) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._readers: list[aiosqlite.Connection] = [] if reader is None else [reader]
        self._free: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for r in self._readers:
            self._free.put_nowait(r)

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        migrate: bool = True,
        initialise_empty: bool = False,
        read_connection: bool = True,
    ) -> Database:
        """Open (and by default migrate) the database; a missing file is created.

        Raises `DatabaseFault` when the file cannot be used (damaged, not a database, no
        permission, disk full…). An existing zero-length file is refused as "not a chibo
        database" (a wrong path, or a copy that failed) unless `initialise_empty`, which
        `chibo db upgrade` passes. `read_connection=False`: no second connection for `read()`
        (a worker's short-lived database, `usecases.offload`, that only reads anyway).
        """
        path = Path(path)
        try:
            return await cls._open(
                path,
                migrate=migrate,
                initialise_empty=initialise_empty,
                read_connection=read_connection,
            )
        except (SchemaTooNewError, DatabaseFault):
            raise
        except (sqlite3.Error, OSError) as exc:
            raise DatabaseFault.wrap(exc, path) from exc

    @classmethod
    async def _open(
        cls, path: Path, *, migrate: bool, initialise_empty: bool, read_connection: bool
    ) -> Database:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                raise DatabaseFault("cannot_open", path, "is a directory")
            if path.is_file() and path.stat().st_size == 0 and not initialise_empty:
                raise DatabaseFault("empty", path, "zero-length file")
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        db = cls(conn, path)
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("SELECT count(*) FROM sqlite_master")  # reads the schema
            if migrate:
                await db.upgrade()
            else:
                await db.check_version()
            from chibo.storage import changes  # the change log reads the migrated schema

            await changes.install(conn)
            if read_connection and str(path) != ":memory:":
                for _ in range(READ_CONNECTIONS):
                    reader = await cls._open_reader(path)
                    db._readers.append(reader)
                    db._free.put_nowait(reader)
        except BaseException:
            await conn.close()
            raise
        return db

    @staticmethod
    async def _open_reader(path: Path) -> aiosqlite.Connection:
        """The read-only connection behind `read()` (after the migrations: it reads the schema)."""
        reader = await aiosqlite.connect(str(path), isolation_level=None)
        reader.row_factory = aiosqlite.Row
        try:
            # Each cursor closed at once: a SELECT left open would hold its read transaction,
            # and every later read would see the file as it was then.
            for sql in (
                f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
                "PRAGMA query_only = ON",
                "PRAGMA foreign_keys = ON",  # as the writer reports it
                "SELECT count(*) FROM sqlite_master",  # reads the schema
            ):
                await reader.execute_fetchall(sql)
        except BaseException:
            await reader.close()
            raise
        return reader

    async def close(self) -> None:
        try:
            for reader in self._readers:
                await reader.close()
        finally:
            await self._conn.close()

    # -- schema -----------------------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def check_version(self) -> int:
        current = await self.schema_version()
        latest = len(migrations())
        if current > latest:
            raise SchemaTooNewError(
                f"database {self.path} has schema version {current}, but this chibo knows "
                f"only up to {latest}: upgrade chibo, or restore a backup made by this version"
            )
        return current

    async def upgrade(self) -> list[int]:
        """Apply pending migrations, each in its own transaction. Returns the versions applied."""
        applied: list[int] = []
        async with self._lock:
            current = await self.check_version()
            for version, path in migrations():
                if version <= current:
                    continue
                script = path.read_text(encoding="utf-8")
                try:
                    await self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
                    )
                except Exception:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise
                applied.append(version)
        return applied

    # -- access -----------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A write transaction: everything inside commits together or not at all."""
        async with self._lock:
            await _begin(self._conn, "BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self, *, change_log: bool = False) -> AsyncIterator[Tx]:
        """A consistent read snapshot (a deferred transaction that only reads) of the last
        commit, on a free read-only connection: it does not wait for a write transaction.
        `change_log=True`: on the writer connection (waiting for any write transaction), for
        reads of `storage.changes`' TEMP change log, which only that connection has."""
        if not self._readers or change_log:
            async with self._lock, self._snapshot(self._conn) as tx:
                yield tx
            return
        conn = await self._free.get()
        try:
            async with self._snapshot(conn) as tx:
                yield tx
        finally:
            self._free.put_nowait(conn)

    @staticmethod
    @asynccontextmanager
    async def _snapshot(conn: aiosqlite.Connection) -> AsyncIterator[Tx]:
        await _begin(conn, "BEGIN")
        try:
            yield Tx(conn)
        finally:
            await conn.execute("ROLLBACK")


Params = Sequence[Any] | dict[str, Any]
Row = aiosqlite.Row


async def _one_trip(conn: aiosqlite.Connection, fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(sqlite3 connection, *args)` in aiosqlite's thread, in one trip (its queue, as its own
    methods do; aiosqlite's `_execute` is not public API: pinned in requirements*.lock)."""
    return await conn._execute(fn, conn._conn, *args)  # type: ignore[no-untyped-call]


async def _begin(conn: aiosqlite.Connection, sql: str) -> None:
    """Start a transaction on a connection this task now holds alone (the writer under the
    lock, a reader taken from the pool). A task cancelled while awaiting its own BEGIN leaves
    that BEGIN queued in aiosqlite's thread with no ROLLBACK to follow; it is rolled back here,
    in the same trip to the thread (which runs in order), so the connection is never lost."""
    await _one_trip(conn, _begin_in_thread, sql)


def _begin_in_thread(conn: sqlite3.Connection, sql: str) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.execute(sql)


def _run(conn: sqlite3.Connection, sql: str, params: Params, attribute: str) -> Any:
    """Run `sql` (in aiosqlite's thread); the cursor's `attribute` (lastrowid, rowcount)."""
    cur = conn.execute(sql, params)
    try:
        return getattr(cur, attribute)
    finally:
        cur.close()


def _fetch_one(conn: sqlite3.Connection, sql: str, params: Params) -> Any:
    """The first row of `sql` (run in aiosqlite's thread), the cursor closed at once."""
    cur = conn.execute(sql, params)
    try:
        return cur.fetchone()
    finally:
        cur.close()


class Tx:
    """The statements of one transaction. Only `storage/` modules use it."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns lastrowid (inserts) — use `changes` for row counts."""
        lastrowid: int = await _one_trip(self._conn, _run, sql, params, "lastrowid")
        return lastrowid or 0

    async def changes(self, sql: str, params: Params = ()) -> int:
        rowcount: int = await _one_trip(self._conn, _run, sql, params, "rowcount")
        return rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    # Each statement makes one trip to aiosqlite's thread each, where execute + fetch + close
    # took three: each trip wakes the thread and the event loop, and an everyday update's
    # few queries were a good part of its CPU (benchmarks/bench_update_cpu.py, issue 12).

    async def one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        row: aiosqlite.Row | None = await _one_trip(self._conn, _fetch_one, sql, params)
        return row

    async def all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]

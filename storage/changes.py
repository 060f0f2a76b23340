"""Which cells' records changed: the change log behind the officers' cached daily figures.

`install(conn)` creates, on one connection, a TEMP table `changed_orgs(org_id, seq)` and TEMP
triggers on every table that feeds the officers' numbers or the reminder rules: each insert,
update or delete records the organisation(s) the row belongs to (its `org_id` / `*_org_id`
columns, or the organisation of the member, meeting or candidate it refers to) with a new
sequence number. A row that cannot be placed (an organisation changed, a table with no such
column, a member already deleted) records `EVERYTHING`.

TEMP objects belong to the connection, so they see that connection's writes only; writes by
another connection (the command line, a restore) show up as a new `PRAGMA data_version`, which
`since()` reports as "everything may have changed". Nothing is written to the database file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chibo.storage.db import Tx

#: The org id recorded when a change cannot be placed in one organisation.
EVERYTHING = -1
#: Tables that feed neither the officers' numbers nor the reminder rules.
IGNORED = frozenset(
    {
        "audit_log",
        "channel_identities",
        "channel_links",
        "channel_prefs",
        "drafts",
        "drafts_by_flow",
        "invites",
        "invite_failures",
        "meta",
        "reminder_deliveries",
        "roles",
        "users",
        "zalo_screens",
    }
)
_VIA = {"member": "members", "meeting": "meetings", "candidate": "candidates"}


def _org_exprs(columns: list[str], row: str) -> list[str]:
    out = []
    for col in columns:
        if col == "org_id" or col.endswith("_org_id"):
            out.append(f"{row}.{col}")
            continue
        if col == "contact_id":  # a residence contact: its residence cell and the member's cell
            contact = f"(SELECT {{}} FROM main.residence_contacts WHERE id = {row}.{col})"
            out.append(f"coalesce({contact.format('residence_org_id')}, {EVERYTHING})")
            member = contact.format("member_id")
            out.append(
                f"CASE WHEN {member} IS NULL THEN NULL ELSE coalesce((SELECT org_id FROM"
                f" main.members WHERE id = {member}), {EVERYTHING}) END"
            )
            continue
        for ref, table in _VIA.items():
            if col == f"{ref}_id" or col.endswith(f"_{ref}_id"):
                out.append(
                    f"CASE WHEN {row}.{col} IS NULL THEN NULL ELSE coalesce((SELECT org_id FROM"
                    f" main.{table} WHERE id = {row}.{col}), {EVERYTHING}) END"
                )
    return out or [str(EVERYTHING)]


def trigger_sql(table: str, columns: list[str]) -> list[str]:
    """The TEMP triggers recording the organisations a write to `table` touches."""
    out = []
    for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
        exprs = [e for row in rows for e in _org_exprs(columns, row)]
        inserts = " ".join(
            "INSERT INTO changed_orgs (org_id, seq) SELECT x,"
            f" (SELECT coalesce(max(seq), 0) + 1 FROM temp.changed_orgs) FROM (SELECT {e} AS x)"
            " WHERE x IS NOT NULL ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq;"
            for e in exprs
        )
        out.append(
            f"CREATE TEMP TRIGGER IF NOT EXISTS changed_{table}_{op.lower()}"
            f" AFTER {op} ON main.{table} BEGIN {inserts} END"
        )
    return out


async def install(conn: Any) -> None:
    """Create the change log and its triggers on `conn` (an aiosqlite connection)."""
    await conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS changed_orgs (org_id INTEGER PRIMARY KEY,"
        " seq INTEGER NOT NULL)"
    )
    await conn.execute("CREATE INDEX IF NOT EXISTS temp.changed_orgs_seq ON changed_orgs (seq)")
    async with conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cur:
        tables = [r[0] for r in await cur.fetchall()]
    for table in tables:
        if table in IGNORED:
            continue
        async with conn.execute(f"PRAGMA main.table_info({table})") as cur:
            columns = [r[1] for r in await cur.fetchall()]
        for sql in trigger_sql(table, columns):
            await conn.execute(sql)


@dataclass(frozen=True)
class Mark:
    """Where the change log stood: its last sequence number and the file's data version."""

    seq: int
    data_version: int


async def mark(tx: Tx) -> Mark:
    seq = await tx.scalar("SELECT coalesce(max(seq), 0) FROM temp.changed_orgs")
    version = await tx.scalar("PRAGMA main.data_version")
    return Mark(int(seq), int(version))


async def since(tx: Tx, before: Mark) -> tuple[Mark, set[int] | None]:
    """The organisations changed after `before` (None: anything may have changed), and the
    new mark."""
    now = await mark(tx)
    if now.data_version != before.data_version:
        return now, None
    rows = await tx.all("SELECT org_id FROM temp.changed_orgs WHERE seq > ?", (before.seq,))
    found = {int(r[0]) for r in rows}
    return now, None if EVERYTHING in found else found

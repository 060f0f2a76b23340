"""The audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chibo.storage.db import Tx, to_db_instant

CLI_ACTOR = "cli"
SYSTEM_ACTOR = "system"
DENIED = "denied"
#: Refusals of one actor recorded as separate rows per hour; beyond, they are counted on the
#: newest row (`repeats`, `others`) so forged presses cannot grow the log without bound.
DENIED_DISTINCT_PER_HOUR = 20
DENIED_WINDOW = timedelta(hours=1)
_RECENT_ROWS = 5000  # refusals within the window are looked for among the newest rows


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dump(value: Any) -> str | None:
    return (
        None
        if value is None
        else json.dumps(value, ensure_ascii=False, default=_default, sort_keys=True)
    )


async def record(
    tx: Tx,
    *,
    at: datetime,
    actor: str | int,
    entity: str,
    entity_id: object,
    action: str,
    before: Any = None,
    after: Any = None,
) -> None:
    if action == DENIED and await _repeat_of_denied(tx, at, actor, entity, entity_id, after):
        return
    await tx.execute(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            to_db_instant(at),
            str(actor),
            entity,
            None if entity_id is None else str(entity_id),
            action,
            _dump(before),
            _dump(after),
        ),
    )


async def record_many(
    tx: Tx,
    *,
    at: datetime,
    actor: str | int,
    entity: str,
    action: str,
    entries: Iterable[tuple[object, Any, Any]],
) -> None:
    """Several entries of one action at once, each (entity_id, before, after) (imports).
    The rows are built (JSON and all) as SQLite takes them, in the connection's thread: a
    5,000-row import's ~60 ms of it no longer blocks the event loop in one piece (issue 12)."""
    stamp, who = to_db_instant(at), str(actor)
    await tx.executemany(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (stamp, who, entity, None if i is None else str(i), action, _dump(b), _dump(a))
            for i, b, a in entries
        ),
    )


async def _repeat_of_denied(
    tx: Tx, at: datetime, actor: str | int, entity: str, entity_id: object, after: Any
) -> bool:
    """Count a refusal on an earlier row of the same actor within the hour: the same refusal
    again (`repeats`), or any refusal once the actor has `DENIED_DISTINCT_PER_HOUR` rows
    (`repeats` and `others` on the newest). False: record it as a new row."""
    rows = await tx.all(
        "SELECT id, entity, entity_id, after FROM audit_log"
        " WHERE id > (SELECT coalesce(max(id), 0) FROM audit_log) - ?"
        " AND actor = ? AND action = ? AND at >= ? ORDER BY id DESC",
        (_RECENT_ROWS, str(actor), DENIED, to_db_instant(at - DENIED_WINDOW)),
    )
    if not rows:
        return False
    key = None if entity_id is None else str(entity_id)
    wanted = _dump(after)

    def plain(row_after: dict[str, Any]) -> str | None:
        core = {k: v for k, v in row_after.items() if k not in ("repeats", "last", "others")}
        return _dump(core or None)

    target, other = None, False
    for row in rows:
        row_after = json.loads(row["after"]) if row["after"] else {}
        if row["entity"] == entity and row["entity_id"] == key and plain(row_after) == wanted:
            target = (row["id"], row_after)
            break
    if target is None:
        if len(rows) < DENIED_DISTINCT_PER_HOUR:
            return False
        newest = rows[0]
        target, other = (newest["id"], json.loads(newest["after"]) if newest["after"] else {}), True
    row_id, row_after = target
    row_after["repeats"] = int(row_after.get("repeats", 1)) + 1
    row_after["last"] = to_db_instant(at)
    if other:
        row_after["others"] = int(row_after.get("others", 0)) + 1
    await tx.execute("UPDATE audit_log SET after = ? WHERE id = ?", (_dump(row_after), row_id))
    return True


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    entity: str
    entity_id: str | None
    action: str
    before: Any
    after: Any


async def entries(
    tx: Tx, *, entity: str | None = None, entity_id: object = None, limit: int = 100
) -> list[AuditEntry]:
    sql = "SELECT * FROM audit_log"
    where: list[str] = []
    params: list[object] = []
    if entity is not None:
        where.append("entity = ?")
        params.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        params.append(str(entity_id))
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    rows = await tx.all(sql, params)
    return [
        AuditEntry(
            r["id"],
            r["at"],
            r["actor"],
            r["entity"],
            r["entity_id"],
            r["action"],
            json.loads(r["before"]) if r["before"] else None,
            json.loads(r["after"]) if r["after"] else None,
        )
        for r in rows
    ]

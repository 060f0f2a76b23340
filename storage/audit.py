"""The audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Tx, to_db_instant

CLI_ACTOR = "cli"
SYSTEM_ACTOR = "system"


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

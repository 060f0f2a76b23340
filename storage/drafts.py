"""Conversations in progress, kept in the database so a restart does not lose them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.db import Tx, from_db_instant, to_db_instant


@dataclass
class Draft:
    user_id: int
    kind: str
    step: str
    org_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


async def get(tx: Tx, user_id: int) -> Draft | None:
    row = await tx.one("SELECT * FROM drafts WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    return Draft(
        row["user_id"],
        row["kind"],
        row["step"],
        row["org_id"],
        json.loads(row["data"]),
        from_db_instant(row["updated_at"]),
    )


async def put(tx: Tx, draft: Draft, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO drafts (user_id, kind, step, org_id, data, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind,"
        " step = excluded.step, org_id = excluded.org_id, data = excluded.data,"
        " updated_at = excluded.updated_at",
        (
            draft.user_id,
            draft.kind,
            draft.step,
            draft.org_id,
            json.dumps(draft.data, ensure_ascii=False),
            to_db_instant(at),
        ),
    )
    draft.updated_at = at


async def delete(tx: Tx, user_id: int) -> bool:
    return await tx.changes("DELETE FROM drafts WHERE user_id = ?", (user_id,)) > 0

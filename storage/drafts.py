"""Conversations in progress, kept in the database so a restart does not lose them.

A user has at most one draft per flow (`slot`); `seq` orders them, the highest being the
screen the user touched last.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chibo.storage.db import Tx, from_db_instant, to_db_instant


@dataclass
class Draft:
    user_id: int
    kind: str
    step: str
    org_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


def _draft(row: Any) -> Draft:
    return Draft(
        row["user_id"],
        row["kind"],
        row["step"],
        row["org_id"],
        json.loads(row["data"]),
        from_db_instant(row["updated_at"]),
    )


async def all_of(tx: Tx, user_id: int) -> list[Draft]:
    """The user's drafts, the one touched last first."""
    rows = await tx.all("SELECT * FROM drafts WHERE user_id = ? ORDER BY seq DESC", (user_id,))
    return [_draft(r) for r in rows]


async def get(tx: Tx, user_id: int) -> Draft | None:
    """The draft the user touched last."""
    drafts = await all_of(tx, user_id)
    return drafts[0] if drafts else None


async def put(tx: Tx, draft: Draft, at: datetime, slot: str) -> None:
    """Store `draft` as the user's draft of `slot`, touched last."""
    await tx.execute(
        "INSERT INTO drafts (user_id, slot, kind, step, org_id, data, updated_at, seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?,"
        " (SELECT COALESCE(MAX(seq), 0) + 1 FROM drafts WHERE user_id = ?))"
        " ON CONFLICT (user_id, slot) DO UPDATE SET kind = excluded.kind,"
        " step = excluded.step, org_id = excluded.org_id, data = excluded.data,"
        " updated_at = excluded.updated_at, seq = excluded.seq",
        (
            draft.user_id,
            slot,
            draft.kind,
            draft.step,
            draft.org_id,
            json.dumps(draft.data, ensure_ascii=False),
            to_db_instant(at),
            draft.user_id,
        ),
    )
    draft.updated_at = at


async def delete(tx: Tx, user_id: int, kinds: Sequence[str] | None = None) -> bool:
    """Delete the user's drafts of `kinds` (None: every draft)."""
    if kinds is None:
        return await tx.changes("DELETE FROM drafts WHERE user_id = ?", (user_id,)) > 0
    marks = ", ".join("?" * len(kinds))
    return (
        await tx.changes(
            f"DELETE FROM drafts WHERE user_id = ? AND kind IN ({marks})", (user_id, *kinds)
        )
        > 0
    )

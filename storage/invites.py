"""Invite codes (stored hashed) and the failed-attempt log used for throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chibo.storage.db import Row, Tx, from_db_instant, need_instant, to_db_instant


@dataclass(frozen=True)
class Invite:
    id: int
    hint: str
    org_id: int
    org_code: str
    role: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None
    revoked_at: datetime | None


_SELECT = "SELECT i.*, o.code AS org_code FROM invites i JOIN orgs o ON o.id = i.org_id"


def _invite(r: Row) -> Invite:
    return Invite(
        r["id"],
        r["hint"],
        r["org_id"],
        r["org_code"],
        r["role"],
        r["created_by"],
        need_instant(r["created_at"]),
        need_instant(r["expires_at"]),
        from_db_instant(r["used_at"]),
        r["used_by"],
        from_db_instant(r["revoked_at"]),
    )


async def insert(
    tx: Tx,
    *,
    code_hash: str,
    hint: str,
    org_id: int,
    role: str,
    created_by: str,
    at: datetime,
    expires_at: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO invites (code_hash, hint, org_id, role, created_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (code_hash, hint, org_id, role, created_by, to_db_instant(at), to_db_instant(expires_at)),
    )


async def by_hash(tx: Tx, code_hash: str) -> Invite | None:
    row = await tx.one(_SELECT + " WHERE i.code_hash = ?", (code_hash,))
    return _invite(row) if row else None


async def by_id(tx: Tx, invite_id: int) -> Invite | None:
    row = await tx.one(_SELECT + " WHERE i.id = ?", (invite_id,))
    return _invite(row) if row else None


async def all_invites(tx: Tx) -> list[Invite]:
    return [_invite(r) for r in await tx.all(_SELECT + " ORDER BY i.id")]


async def mark_used(tx: Tx, invite_id: int, user_id: int, at: datetime) -> bool:
    """Consume the invite; False if someone else consumed it first."""
    return (
        await tx.changes(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
            (to_db_instant(at), user_id, invite_id),
        )
        > 0
    )


async def revoke(tx: Tx, invite_id: int, at: datetime) -> bool:
    return (
        await tx.changes(
            "UPDATE invites SET revoked_at = ? WHERE id = ?"
            " AND revoked_at IS NULL AND used_at IS NULL",
            (to_db_instant(at), invite_id),
        )
        > 0
    )


async def add_failure(tx: Tx, user_id: int, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO invite_failures (user_id, at) VALUES (?, ?)", (user_id, to_db_instant(at))
    )


async def failures_since(tx: Tx, user_id: int, since: datetime) -> list[datetime]:
    rows = await tx.all(
        "SELECT at FROM invite_failures WHERE user_id = ? AND at >= ? ORDER BY at",
        (user_id, to_db_instant(since)),
    )
    return [need_instant(r[0]) for r in rows]

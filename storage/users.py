"""Telegram users, their language, their roles in organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chibo.storage.db import Row, Tx, from_db_instant, to_db_instant

ROLES = ("secretary", "deputy", "officer")
WRITE_ROLES = ("secretary", "deputy")


@dataclass(frozen=True)
class User:
    tg_id: int
    full_name: str
    username: str | None
    language: str | None
    tg_language: str | None
    current_org_id: int | None
    blocked_at: datetime | None
    last_seen_at: datetime | None = None


@dataclass(frozen=True)
class RoleGrant:
    id: int
    user_id: int
    org_id: int
    org_code: str
    org_name: str
    org_kind: str
    role: str


def _user(row: Row) -> User:
    return User(
        row["tg_id"],
        row["full_name"],
        row["username"],
        row["language"],
        row["tg_language"],
        row["current_org_id"],
        from_db_instant(row["blocked_at"]),
        from_db_instant(row["last_seen_at"]),
    )


async def get(tx: Tx, tg_id: int) -> User | None:
    row = await tx.one("SELECT * FROM users WHERE tg_id = ?", (tg_id,))
    return _user(row) if row else None


async def upsert_seen(
    tx: Tx,
    *,
    tg_id: int,
    full_name: str,
    username: str | None,
    tg_language: str | None,
    at: datetime,
) -> None:
    """Create or refresh a user on contact; a user who writes again is no longer 'blocked'."""
    stamp = to_db_instant(at)
    await tx.execute(
        "INSERT INTO users (tg_id, full_name, username, tg_language, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (tg_id) DO UPDATE SET full_name = excluded.full_name,"
        " username = excluded.username, tg_language = excluded.tg_language,"
        " last_seen_at = excluded.last_seen_at, blocked_at = NULL",
        (tg_id, full_name, username, tg_language, stamp, stamp),
    )


async def set_language(tx: Tx, tg_id: int, language: str | None) -> None:
    await tx.execute("UPDATE users SET language = ? WHERE tg_id = ?", (language, tg_id))


async def set_current_org(tx: Tx, tg_id: int, org_id: int | None) -> None:
    await tx.execute("UPDATE users SET current_org_id = ? WHERE tg_id = ?", (org_id, tg_id))


async def mark_blocked(tx: Tx, tg_id: int, at: datetime) -> None:
    await tx.execute("UPDATE users SET blocked_at = ? WHERE tg_id = ?", (to_db_instant(at), tg_id))


async def roles_of(tx: Tx, tg_id: int) -> list[RoleGrant]:
    rows = await tx.all(
        "SELECT r.id, r.user_id, r.org_id, o.code, o.name, o.kind, r.role FROM roles r"
        " JOIN orgs o ON o.id = r.org_id WHERE r.user_id = ? ORDER BY o.code, r.role",
        (tg_id,),
    )
    return [RoleGrant(*tuple(r)) for r in rows]


async def grant(
    tx: Tx, *, user_id: int, org_id: int, role: str, invite_id: int | None, at: datetime
) -> bool:
    """Give a role; False when the user already had it."""
    n = await tx.changes(
        "INSERT OR IGNORE INTO roles (user_id, org_id, role, invite_id, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (user_id, org_id, role, invite_id, to_db_instant(at)),
    )
    return n > 0


async def revoke_all(tx: Tx, tg_id: int) -> list[RoleGrant]:
    grants = await roles_of(tx, tg_id)
    await tx.execute("DELETE FROM roles WHERE user_id = ?", (tg_id,))
    await tx.execute("UPDATE users SET current_org_id = NULL WHERE tg_id = ?", (tg_id,))
    await tx.execute("DELETE FROM drafts WHERE user_id = ?", (tg_id,))
    return grants


async def list_with_roles(tx: Tx) -> list[tuple[User, list[RoleGrant]]]:
    users = [
        _user(r)
        for r in await tx.all(
            "SELECT * FROM users WHERE tg_id IN (SELECT user_id FROM roles) ORDER BY full_name"
        )
    ]
    return [(u, await roles_of(tx, u.tg_id)) for u in users]


async def holders(
    tx: Tx, org_ids: list[int], roles: tuple[str, ...]
) -> list[tuple[User, str, int]]:
    """Users holding one of `roles` in one of `org_ids`: (user, role, org_id)."""
    if not org_ids:
        return []
    marks = ",".join("?" * len(org_ids))
    role_marks = ",".join("?" * len(roles))
    rows = await tx.all(
        f"SELECT u.*, r.role AS r_role, r.org_id AS r_org FROM roles r"
        f" JOIN users u ON u.tg_id = r.user_id"
        f" WHERE r.org_id IN ({marks}) AND r.role IN ({role_marks}) ORDER BY u.tg_id",
        (*org_ids, *roles),
    )
    return [(_user(r), r["r_role"], r["r_org"]) for r in rows]


async def all_holders(tx: Tx, roles: tuple[str, ...]) -> list[tuple[User, str, int]]:
    """Every user holding one of `roles` anywhere: (user, role, org_id), by user id."""
    role_marks = ",".join("?" * len(roles))
    rows = await tx.all(
        f"SELECT u.*, r.role AS r_role, r.org_id AS r_org FROM roles r"
        f" JOIN users u ON u.tg_id = r.user_id WHERE r.role IN ({role_marks}) ORDER BY u.tg_id",
        roles,
    )
    return [(_user(r), r["r_role"], r["r_org"]) for r in rows]

"""Organisations: a tree of any depth (committees above, cells at the leaves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chibo.storage.db import Row, Tx, to_db_instant

ORG_KINDS = ("committee", "cell")


@dataclass(frozen=True)
class Org:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None

    @property
    def is_cell(self) -> bool:
        return self.kind == "cell"


def _org(row: Row) -> Org:
    return Org(row["id"], row["code"], row["name"], row["kind"], row["parent_id"])


async def insert(
    tx: Tx, *, code: str, name: str, kind: str, parent_id: int | None, at: datetime
) -> Org:
    new_id = await tx.execute(
        "INSERT INTO orgs (code, name, kind, parent_id, created_at) VALUES (?, ?, ?, ?, ?)",
        (code, name, kind, parent_id, to_db_instant(at)),
    )
    return Org(new_id, code, name, kind, parent_id)


async def by_code(tx: Tx, code: str) -> Org | None:
    row = await tx.one("SELECT * FROM orgs WHERE code = ?", (code.strip(),))
    return _org(row) if row else None


async def by_id(tx: Tx, org_id: int) -> Org | None:
    row = await tx.one("SELECT * FROM orgs WHERE id = ?", (org_id,))
    return _org(row) if row else None


async def all_orgs(tx: Tx) -> list[Org]:
    return [_org(r) for r in await tx.all("SELECT * FROM orgs ORDER BY code")]


async def subtree_ids(tx: Tx, root_id: int) -> list[int]:
    """The root and every organisation below it."""
    rows = await tx.all(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL"
        " SELECT o.id FROM orgs o JOIN sub ON o.parent_id = sub.id) SELECT id FROM sub",
        (root_id,),
    )
    return [r[0] for r in rows]


async def ancestor_ids(tx: Tx, org_id: int) -> list[int]:
    """Every organisation above `org_id`, nearest first (the org itself excluded)."""
    rows = await tx.all(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, 0 FROM orgs WHERE id = ?"
        " UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM orgs o"
        " JOIN up ON o.id = up.parent_id) SELECT id FROM up WHERE depth > 0 ORDER BY depth",
        (org_id,),
    )
    return [r[0] for r in rows]

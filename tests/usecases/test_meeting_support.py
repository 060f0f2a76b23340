"""Builders shared by the meeting tests (storage, use cases, CLI, end-to-end); no tests here.

Members are created through `storage.members` (no SQL in the tests).
"""

from __future__ import annotations

from datetime import date

from chibo.rules.text import fold
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.members import MemberFields
from chibo.usecases.context import AppContext


async def add_members(
    ctx: AppContext, org_code: str, names: list[str], *, status: str = "official"
) -> list[int]:
    """Members of a cell (born 1980, admitted 2010); returns their ids in order."""
    ids = []
    async with ctx.db.transaction() as tx:
        org = await org_store.by_code(tx, org_code)
        assert org is not None
        for name in names:
            f = MemberFields(
                full_name=name,
                birth_date=date(1980, 1, 1),
                decision_date=date(2010, 1, 1),
                status=status,
                status_date=date(2010, 1, 1),
            )
            ids.append(
                await member_store.insert(tx, org_id=org.id, f=f, name_key=fold(name), at=ctx.now())
            )
    return ids


async def admitted(ctx, org: int, name: str, day: date) -> int:
    """A probationary member admitted (ceremony) on `day`, with the status history it writes."""
    f = MemberFields(
        full_name=name,
        birth_date=date(1995, 1, 1),
        decision_date=day,
        ceremony_date=day,
        status="probationary",
        status_date=day,
    )
    async with ctx.db.transaction() as tx:
        mid = await member_store.insert(tx, org_id=org, f=f, name_key=fold(name), at=ctx.now())
        await member_store.add_history(
            tx, mid, status="probationary", status_date=day, note=None, actor="cli", at=ctx.now()
        )
    return mid


async def org_id(ctx: AppContext, code: str) -> int:
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    assert org is not None
    return org.id


CELL_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hải",
    "Bùi Thị Hoa",
    "Đỗ Văn Khoa",
    "Hồ Thị Lan",
]

"""Refused accesses are audited without letting one user's forged presses grow the log."""

from __future__ import annotations

import pytest

from chibo.storage import audit
from chibo.usecases.access import require_read, require_write
from chibo.usecases.errors import AccessDenied

from .. import faults

pytestmark = pytest.mark.faults


async def _rows(ctx, actor: str) -> list[audit.AuditEntry]:
    async with ctx.db.read() as tx:
        return [e for e in await audit.entries(tx, limit=100_000) if e.actor == actor]


async def test_a_thousand_forged_presses_leave_a_bounded_summary(ctx, clock):
    for i in range(1000):
        with pytest.raises(AccessDenied):
            await (require_write if i % 2 else require_read)(ctx, 6666, 10_000 + i % 300)
    rows = await _rows(ctx, "6666")
    faults.add(inputs=1000)
    assert len(rows) <= audit.DENIED_DISTINCT_PER_HOUR
    assert sum(e.after.get("repeats", 1) for e in rows) == 1000

    clock.advance(hours=2)  # a new hour: refusals are recorded again
    with pytest.raises(AccessDenied):
        await require_write(ctx, 6666, 10_001)
    assert len(await _rows(ctx, "6666")) == len(rows) + 1


async def test_the_same_refusal_repeated_is_one_row_with_a_count(ctx, clock):
    for _ in range(5):
        with pytest.raises(AccessDenied):
            await require_write(ctx, 7777, 42)
        clock.advance(minutes=1)
    (row,) = await _rows(ctx, "7777")
    assert row.after["wanted"] == "write" and row.after["repeats"] == 5
    assert row.after["last"] > row.at


async def test_different_refusals_stay_separate(ctx):
    for target in (1, 2, 3):
        with pytest.raises(AccessDenied):
            await require_write(ctx, 8888, target)
    rows = await _rows(ctx, "8888")
    assert len(rows) == 3 and all(e.after == {"wanted": "write"} for e in rows)

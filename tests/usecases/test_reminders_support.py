"""Builders shared by the reminder tests (storage, use case, CLI, end-to-end); no tests here.

Members are written with plain SQL so these tests do not depend on the roster feature.
Reference case (tests/rules/test_reminders.py): ceremony 10/9/2024 -> probation ends
10/9/2025; prepare 27/7 and 26/8; overdue 17/9, 24/9, …; escalation 23/10/2025.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from chibo.storage import orgs as org_store
from chibo.storage.db import Database
from chibo.usecases.context import AppContext
from chibo.usecases.reminders import (
    Blocked,
    Delivered,
    DeliveryResult,
    Digest,
    Outgoing,
    RetryLater,
)

CEREMONY = date(2024, 9, 10)
END = date(2025, 9, 10)


def at_local(d: date, hour: int = 8) -> datetime:
    """`hour`:00 in Hà Nội (UTC+7) on `d`, as an aware UTC instant."""
    return datetime(d.year, d.month, d.day, hour - 7, tzinfo=UTC)


async def add_member(
    db: Database,
    org_code: str,
    name: str,
    *,
    ceremony: date | None = CEREMONY,
    course_done: date | None = date(2025, 1, 5),
    status: str = "probationary",
    resolution: date | None = None,
    decision: date | None = None,
) -> int:
    """A member with the fields the reminder rules read; returns the member id."""
    stamp = "2024-01-01T00:00:00.000000+00:00"
    async with db.transaction() as tx:
        org = await org_store.by_code(tx, org_code)
        assert org is not None
        member_id = await tx.execute(
            "INSERT INTO members (org_id, full_name, name_key, birth_date, ceremony_date,"
            " status, status_date, course_done_date, created_at, updated_at)"
            " VALUES (?, ?, ?, '1990-01-01', ?, ?, ?, ?, ?, ?)",
            (
                org.id,
                name,
                name.lower(),
                ceremony and ceremony.isoformat(),
                status,
                (ceremony or date(2024, 1, 1)).isoformat(),
                course_done and course_done.isoformat(),
                stamp,
                stamp,
            ),
        )
        if resolution or decision:
            await tx.execute(
                "INSERT INTO conversions (member_id, cell_resolution_date,"
                " committee_decision_date, updated_at) VALUES (?, ?, ?, ?)",
                (
                    member_id,
                    resolution and resolution.isoformat(),
                    decision and decision.isoformat(),
                    stamp,
                ),
            )
    return member_id


async def add_officials(db: Database, *org_codes: str, n: int = 3) -> None:
    """Enough official members that a cell's size raises no reminder (cell.min_members)."""
    for code in org_codes:
        for i in range(n):
            await add_member(
                db, code, f"Chính thức {code}-{i}", status="official", ceremony=date(2000, 1, 1)
            )


def probation_only(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The probation reminders among (key, user) pairs (other families may be loaded too)."""
    return [p for p in pairs if p[0].startswith("probation.")]


async def record_resolution(ctx: AppContext, member_id: int, on: date) -> None:
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO conversions (member_id, cell_resolution_date, updated_at)"
            " VALUES (?, ?, '2025-01-01')",
            (member_id, on.isoformat()),
        )


@dataclass
class FakeNotifier:
    """Records every delivery; `script(user_id)` picks the outcome (default Delivered)."""

    script: Callable[[Outgoing], DeliveryResult | None] = lambda item: None
    sent: list[Outgoing] = field(default_factory=list)
    attempts: list[Outgoing] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        self.attempts.append(item)
        await asyncio.sleep(0)  # let concurrent sweeps interleave
        result = self.script(item) or Delivered(1000 + len(self.attempts))
        if isinstance(result, Delivered):
            self.sent.append(item)
        return result

    async def deliver_digest(self, digest: Digest) -> DeliveryResult:
        """A digest is delivered (or fails) whole: the first scripted outcome of its items."""
        self.digests.append(digest)
        self.attempts.extend(digest.items)
        await asyncio.sleep(0)
        scripted = [r for r in map(self.script, digest.items) if r is not None]
        result = scripted[0] if scripted else Delivered(1000 + len(self.attempts))
        if isinstance(result, Delivered):
            self.sent.extend(digest.items)
        return result

    @property
    def messages(self) -> int:
        """Messages the user would have seen (a digest is one)."""
        return len(self.attempts) - sum(len(d.items) - 1 for d in self.digests)

    @property
    def pairs(self) -> list[tuple[str, int]]:
        return [(i.reminder.key, i.user.tg_id) for i in self.sent]


def blocked_for(*user_ids: int) -> Callable[[Outgoing], DeliveryResult | None]:
    return lambda item: Blocked() if item.user.tg_id in user_ids else None


def retry_for(*user_ids: int) -> Callable[[Outgoing], DeliveryResult | None]:
    return lambda item: RetryLater("429") if item.user.tg_id in user_ids else None

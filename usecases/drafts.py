"""Conversations in progress: one draft per user, persisted, expiring after inactivity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage import drafts as draft_store
from storage.drafts import Draft as Draft
from usecases.context import AppContext


@dataclass(frozen=True)
class Current:
    draft: Draft | None
    expired: bool = False  # there was one, but it timed out (and is now gone)


async def current(ctx: AppContext, user_id: int) -> Current:
    """The user's live draft; an expired one is deleted and reported as `expired`."""
    async with ctx.db.transaction() as tx:
        draft = await draft_store.get(tx, user_id)
        if draft is None:
            return Current(None)
        assert draft.updated_at is not None
        if ctx.now() - draft.updated_at > ctx.config.conversation_timeout:
            await draft_store.delete(tx, user_id)
            return Current(None, expired=True)
    return Current(draft)


async def start(
    ctx: AppContext,
    user_id: int,
    kind: str,
    step: str,
    *,
    org_id: int | None,
    data: dict[str, Any] | None = None,
) -> Draft:
    draft = Draft(user_id, kind, step, org_id, dict(data or {}))
    async with ctx.db.transaction() as tx:
        await draft_store.put(tx, draft, ctx.now())
    return draft


async def save(ctx: AppContext, draft: Draft) -> None:
    async with ctx.db.transaction() as tx:
        await draft_store.put(tx, draft, ctx.now())


async def clear(ctx: AppContext, user_id: int) -> bool:
    async with ctx.db.transaction() as tx:
        return await draft_store.delete(tx, user_id)

"""Conversations in progress: one draft per flow and user, persisted, expiring after
inactivity.

Opening another flow keeps the first one's draft (issue 9 §4): a flow is a group of draft
kinds whose buttons share one screen (`FLOWS`); starting a draft replaces only the draft of
its own flow. The draft touched last is the screen the user sees last: typed text goes to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chibo.storage import drafts as draft_store
from chibo.storage.drafts import Draft as Draft
from chibo.usecases.context import AppContext

#: Draft kinds that make up one flow (one draft at a time among them); any other kind is a
#: flow of its own.
FLOWS = {
    "candidate": ("candidate", "cand_step", "cand_close"),
    "roster.form": ("roster.add", "roster.edit", "roster.status"),
    "prob": ("prob.date", "prob.text"),
    "dues": ("dues.month", "dues.import"),
}
_SLOT = {kind: slot for slot, kinds in FLOWS.items() for kind in kinds}
#: Drafts that only remember what a screen shows (a search), not unfinished work.
SCREENS = frozenset({"roster.browse"})


def slot_of(kind: str) -> str:
    return _SLOT.get(kind, kind)


@dataclass(frozen=True)
class Current:
    draft: Draft | None
    expired: bool = False  # there was one, but it timed out (and is now gone)


async def _live(ctx: AppContext, user_id: int) -> tuple[list[Draft], list[Draft]]:
    """The user's live drafts and the expired ones (now deleted), touched last first."""
    live: list[Draft] = []
    dead: list[Draft] = []
    async with ctx.db.transaction() as tx:
        for draft in await draft_store.all_of(tx, user_id):
            assert draft.updated_at is not None
            if ctx.now() - draft.updated_at > ctx.config.conversation_timeout:
                dead.append(draft)
            else:
                live.append(draft)
        if dead:
            await draft_store.delete(tx, user_id, [d.kind for d in dead])
    return live, dead


async def current(ctx: AppContext, user_id: int, kinds: Sequence[str] | None = None) -> Current:
    """The user's live draft touched last (among `kinds` if given); an expired one is deleted
    and reported as `expired`."""
    live, dead = await _live(ctx, user_id)
    if kinds is not None:
        live = [d for d in live if d.kind in kinds]
        dead = [d for d in dead if d.kind in kinds]
    if live:
        return Current(live[0])
    return Current(None, expired=bool(dead))


async def get(ctx: AppContext, user_id: int, kinds: Sequence[str]) -> Draft | None:
    """The user's live draft of one of `kinds`, if any."""
    return (await current(ctx, user_id, kinds)).draft


async def kept(ctx: AppContext, user_id: int, *, besides: str | None = None) -> list[Draft]:
    """Unfinished work the user has open (not mere screens), except the flow of `besides`;
    touched last first."""
    live, _ = await _live(ctx, user_id)
    skip = slot_of(besides) if besides else None
    return [d for d in live if d.kind not in SCREENS and slot_of(d.kind) != skip]


async def start(
    ctx: AppContext,
    user_id: int,
    kind: str,
    step: str,
    *,
    org_id: int | None,
    data: dict[str, Any] | None = None,
) -> Draft:
    """A new draft of `kind`, replacing the user's draft of the same flow (only)."""
    draft = Draft(user_id, kind, step, org_id, dict(data or {}))
    async with ctx.db.transaction() as tx:
        await draft_store.put(tx, draft, ctx.now(), slot_of(kind))
    return draft


async def save(ctx: AppContext, draft: Draft) -> None:
    """Store the draft; it becomes the one the user touched last."""
    async with ctx.db.transaction() as tx:
        await draft_store.put(tx, draft, ctx.now(), slot_of(draft.kind))


async def clear(ctx: AppContext, user_id: int, kinds: Sequence[str]) -> bool:
    """Drop the user's draft of the flow of `kinds` (saved, or cancelled)."""
    slots = {slot_of(k) for k in kinds}
    every = [k for s in slots for k in FLOWS.get(s, (s,))]
    async with ctx.db.transaction() as tx:
        return await draft_store.delete(tx, user_id, every)


async def clear_latest(ctx: AppContext, user_id: int) -> Draft | None:
    """Drop the draft the user touched last (/cancel); the dropped draft, or None."""
    draft = (await current(ctx, user_id)).draft
    if draft is not None:
        await clear(ctx, user_id, (draft.kind,))
    return draft

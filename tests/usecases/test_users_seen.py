"""Recording contact costs a write only when something changed (issue 12: CPU per update)."""

from __future__ import annotations

from chibo.storage import users as user_store
from chibo.usecases import users


async def _last_seen(ctx, tg_id: int):
    async with ctx.db.read() as tx:
        user = await user_store.get(tx, tg_id)
    assert user is not None
    return user.last_seen_at, user.blocked_at


async def _seen(ctx, name: str = "Nguyễn Văn An") -> None:
    await users.seen(ctx, tg_id=7, full_name=name, username="an", tg_language="vi")


async def test_an_unchanged_contact_is_written_at_most_every_few_minutes(ctx, clock):
    await _seen(ctx)
    first, _ = await _last_seen(ctx, 7)
    clock.advance(minutes=5)
    await _seen(ctx)
    assert (await _last_seen(ctx, 7))[0] == first
    clock.advance(minutes=6)
    await _seen(ctx)
    assert (await _last_seen(ctx, 7))[0] == clock.now()


async def test_a_new_name_is_written_at_once(ctx, clock):
    await _seen(ctx)
    clock.advance(minutes=1)
    await _seen(ctx, "Nguyễn Văn Ân")
    async with ctx.db.read() as tx:
        user = await user_store.get(tx, 7)
    assert user is not None and user.full_name == "Nguyễn Văn Ân"
    assert user.last_seen_at == clock.now()


async def test_a_blocked_user_who_writes_again_is_unblocked_at_once(ctx, clock):
    await _seen(ctx)
    assert await users.blocked_bot(ctx, 7)
    assert (await _last_seen(ctx, 7))[1] is not None
    clock.advance(minutes=1)
    await _seen(ctx)
    assert (await _last_seen(ctx, 7))[1] is None

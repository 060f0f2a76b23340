"""Linking both ways: a Zalo-only user merged into a Telegram user (one transaction, audited),
the refusals, and exactly-once reminders across the merge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chibo.storage import audit
from chibo.storage import channels as channel_store
from chibo.storage import users as user_store
from chibo.usecases import channels as uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import invites as invites_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases import users as users_uc
from chibo.usecases.errors import InvalidInput
from chibo.usecases.reminders import Uncertain

from .helpers import bind, demo_tree
from .test_reminders_support import (
    END,
    FakeNotifier,
    add_member,
    add_officials,
    at_local,
)

TG = 5005


async def zalo_only(ctx, external: str, org: str, role: str) -> int:
    """A person bound by an invite on Zalo only: their own negative user id."""
    user_id = await uc.zalo_user(ctx, external, f"chat-{external}")
    await users_uc.seen(ctx, tg_id=user_id, full_name="Lan", username=None, tg_language=None)
    await users_uc.set_language(ctx, user_id, "vi")
    created = await invites_uc.create_invite(ctx, actor="cli", org_code=org, role=role)
    assert (await invites_uc.redeem(ctx, user_id=user_id, code=created.code)).org is not None
    return user_id


async def seen_on_telegram(ctx, tg_id: int = TG) -> None:
    await users_uc.seen(ctx, tg_id=tg_id, full_name="Lan TG", username="lan", tg_language="en")


async def rows(ctx, sql: str, params=()):
    async with ctx.db.read() as tx:
        return [tuple(r) for r in await tx.all(sql, params)]


@pytest.fixture
async def tree(ctx):
    await demo_tree(ctx)
    await add_officials(ctx.db, "C1")


async def test_a_zalo_only_user_becomes_the_telegram_user_everywhere(ctx, clock, tree):
    zid = await zalo_only(ctx, "z-lan", "C1", "secretary")
    await drafts_uc.start(ctx, zid, "test.flow", "ask_name", org_id=None)
    await seen_on_telegram(ctx)
    code = await uc.new_link_code(ctx, zid)

    assert await uc.link_telegram(ctx, TG, code) == zid

    async with ctx.db.read() as tx:
        roles = await user_store.roles_of(tx, TG)
        assert [(r.org_code, r.role) for r in roles] == [("C1", "secretary")]
        assert await user_store.roles_of(tx, zid) == []
        assert await user_store.get(tx, zid) is None
        user = await user_store.get(tx, TG)
        identity = await channel_store.identity(tx, "zalo", "z-lan")
        [entry] = [
            e
            for e in await audit.entries(tx, entity="user", entity_id=TG)
            if e.action == "merge_zalo_user"
        ]
    assert user is not None and user.username == "lan" and user.language == "vi"
    assert identity is not None and identity.user_id == TG
    assert (await drafts_uc.current(ctx, TG)).draft is not None
    assert await uc.zalo_user(ctx, "z-lan", "chat-z-lan") == TG  # Zalo now speaks as her
    assert await uc.channels_of(ctx, TG) == ["telegram", "zalo"]
    assert await uc.reminders_channel(ctx, TG) == "zalo"  # she chose Zalo first
    assert entry.before == {"user_id": zid}
    assert entry.after["moved"]["roles"] == 1
    # the audit log keeps history as written: her earlier entries still name the Zalo id
    assert await rows(ctx, "SELECT COUNT(*) FROM audit_log WHERE actor = ?", (str(zid),)) != [(0,)]
    # nothing anywhere still holds the old id (every such column: see the test below)
    for table, column in channel_store.USER_TABLES:
        assert await rows(ctx, f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (zid,)) == [
            (0,)
        ], table
    await uc.set_reminders_channel(ctx, TG, "telegram")  # and she may switch
    assert await uc.reminders_channel(ctx, TG) == "telegram"


async def test_reminders_claimed_before_the_merge_are_not_sent_again(ctx, clock, tree):
    zid = await zalo_only(ctx, "z-lan", "C1", "secretary")
    await add_member(ctx.db, "C1", "Nguyễn Văn An")
    clock.set(at_local(END))
    first = await reminders_uc.sweep(ctx, FakeNotifier(script=lambda item: Uncertain()))
    assert {u for _, u in first.uncertain} == {zid}  # maybe sent: held, never re-sent
    await add_member(ctx.db, "C1", "Trần Văn Bình")
    second = await reminders_uc.sweep(ctx, FakeNotifier())
    assert {u for _, u in second.sent} == {zid}

    await seen_on_telegram(ctx)
    await uc.link_telegram(ctx, TG, await uc.new_link_code(ctx, zid))

    again = FakeNotifier()
    third = await reminders_uc.sweep(ctx, again)
    assert third.sent == [] and again.attempts == []  # neither the sent nor the maybe-sent
    held = await rows(ctx, "SELECT DISTINCT user_id FROM reminder_deliveries")
    assert (TG,) in held and (zid,) not in held


async def test_a_telegram_account_bound_on_its_own_is_refused(ctx, clock, tree):
    zid = await zalo_only(ctx, "z-lan", "C1", "secretary")
    await bind(ctx, TG, "C2", "secretary")
    code = await uc.new_link_code(ctx, zid)
    with pytest.raises(InvalidInput) as refused:
        await uc.link_telegram(ctx, TG, code)
    assert "committee" in refused.value.msg.key
    async with ctx.db.read() as tx:  # nothing moved, and the code is still hers
        assert [r.org_code for r in await user_store.roles_of(tx, zid)] == ["C1"]
        assert [r.org_code for r in await user_store.roles_of(tx, TG)] == ["C2"]
    await seen_on_telegram(ctx, 6006)
    assert await uc.link_telegram(ctx, 6006, code) == zid


async def test_wrong_expired_or_wrong_side_codes_get_a_short_answer(ctx, clock, tree):
    zid = await zalo_only(ctx, "z-lan", "C1", "secretary")
    await seen_on_telegram(ctx)
    with pytest.raises(InvalidInput):
        await uc.link_telegram(ctx, TG, "ABCD-EFGH")
    with pytest.raises(InvalidInput):
        await uc.link_telegram(ctx, TG, "")
    old = await uc.new_link_code(ctx, zid)
    clock.advance(minutes=16)
    with pytest.raises(InvalidInput) as expired:
        await uc.link_telegram(ctx, TG, old)
    assert "expired" in expired.value.msg.key
    # a code made on Telegram is for Zalo, and a code made on Zalo is for Telegram
    tg_code = await uc.new_link_code(ctx, TG)
    with pytest.raises(InvalidInput) as wrong:
        await uc.link_telegram(ctx, TG, tg_code)
    assert wrong.value.msg.key == uc.WRONG_SIDE_TELEGRAM
    other = await uc.zalo_user(ctx, "z-minh", "chat-z-minh")
    with pytest.raises(InvalidInput) as wrong:
        await uc.link_zalo(ctx, other, await uc.new_link_code(ctx, zid))
    assert wrong.value.msg.key == uc.WRONG_SIDE_ZALO
    assert timedelta(minutes=15) == uc.LINK_VALID


#: Columns named like a user id that hold something else: the days of a campaign's deadlines.
NOT_USER_IDS = {("evaluation_campaigns", "review_by"), ("evaluation_campaigns", "report_by")}


async def test_the_merge_moves_every_user_id_column_of_the_schema(ctx):
    """Every column of the migrated schema that holds a user id (by its name: user_id, tg_id,
    used_by, actor, *_by; or a reference to users) is moved by the merge (`USER_TABLES`) or
    listed as history kept as written (`HISTORY_COLUMNS`): a new table with a user id must
    choose."""
    tables = [t for (t,) in await rows(ctx, "SELECT name FROM sqlite_master WHERE type='table'")]
    found = set()
    for table in tables:
        if table.startswith("sqlite_"):
            continue
        refs = {
            r[0]
            for r in await rows(
                ctx,
                'SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = \'users\'',
                (table,),
            )
        }
        for (column,) in await rows(ctx, "SELECT name FROM pragma_table_info(?)", (table,)):
            named = column in ("user_id", "tg_id", "used_by", "actor") or column.endswith("_by")
            if named or column in refs:
                found.add((table, column))
    moved = set(channel_store.USER_TABLES)
    kept = set(channel_store.HISTORY_COLUMNS)
    assert not moved & kept
    assert found - NOT_USER_IDS == moved | kept, (
        f"not chosen: {sorted(found - NOT_USER_IDS - moved - kept)};"
        f" gone: {sorted((moved | kept) - found)}"
    )
    assert ("users", "tg_id") in moved and ("audit_log", "actor") in kept

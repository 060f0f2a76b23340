"""One user, several messengers: Zalo identities, linking a Zalo account to a Telegram user,
and the channel each user's reminders go to.

A Zalo account that writes to the bot gets a user id of its own (negative, never a Telegram
id), so an invite code binds it exactly as it binds a Telegram user. Linking goes both ways
with the same one-time codes (`/zalo` or `/telegram` asks for one, `/link CODE` on the other
messenger uses it):

- a person bound on Telegram gets a code there and sends `/link CODE` on Zalo: the Zalo account
  then speaks as that same user (same roles, drafts, audit actor) — `link_zalo`;
- a person bound only on Zalo gets a code there and sends `/link CODE` on Telegram: since a
  Telegram user's id is their Telegram id, the Zalo-only user (negative id) is merged into
  the Telegram id in one transaction (`storage.channels.merge_user`, audited) — `link_telegram`.

Reminders go to one channel per user: the one they chose, else the one they are bound on
(Telegram when both; a merged Zalo-only user keeps Zalo, chosen first).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from chibo.rules.messages import N_, Msg
from chibo.storage import audit
from chibo.storage import channels as store
from chibo.storage import drafts as draft_store
from chibo.storage import users as user_store
from chibo.storage.channels import CHANNELS
from chibo.storage.drafts import Draft
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput
from chibo.usecases.invites import ALPHABET, hash_code, normalize_code

__all__ = ["CHANNELS", "LINK_VALID"]

LINK_VALID = timedelta(minutes=15)
LINK_LENGTH = 8


def is_telegram_user(user_id: int) -> bool:
    return user_id > 0


async def zalo_user(ctx: AppContext, external_id: str, chat_id: str) -> int:
    """The user id a Zalo account speaks as (a new one on first contact)."""
    async with ctx.db.read() as tx:
        found = await store.identity(tx, "zalo", external_id)
    if found is not None:
        return found.user_id
    async with ctx.db.transaction() as tx:
        found = await store.identity(tx, "zalo", external_id)
        if found is None:
            found = await store.add_identity(tx, "zalo", external_id, chat_id, ctx.now())
    return found.user_id


async def zalo_chat(ctx: AppContext, user_id: int) -> str | None:
    """The Zalo chat where `user_id` is reached, if they have a Zalo account."""
    async with ctx.db.read() as tx:
        found = await store.identity_of_user(tx, "zalo", user_id)
    return found.chat_id if found else None


async def channels_of(ctx: AppContext, user_id: int) -> list[str]:
    """The channels where the user can be reached, Telegram first."""
    found = ["telegram"] if is_telegram_user(user_id) else []
    if await zalo_chat(ctx, user_id) is not None:
        found.append("zalo")
    return found


async def reminders_channel(ctx: AppContext, user_id: int) -> str:
    """Where the user's reminders go: their choice when they still have that channel, else the
    first channel they have."""
    have = await channels_of(ctx, user_id)
    async with ctx.db.read() as tx:
        chosen = await store.reminders_channel(tx, user_id)
    if chosen in have:
        return str(chosen)
    return have[0] if have else "telegram"


async def set_reminders_channel(ctx: AppContext, user_id: int, channel: str) -> None:
    if channel not in await channels_of(ctx, user_id):
        raise InvalidInput(Msg(N_("You are not connected on that messenger.")))
    async with ctx.db.transaction() as tx:
        before = await store.reminders_channel(tx, user_id)
        await store.set_reminders_channel(tx, user_id, channel)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=user_id,
            entity="user",
            entity_id=user_id,
            action="reminders_channel",
            before=before,
            after=channel,
        )


async def new_link_code(ctx: AppContext, user_id: int) -> str:
    """A one-time code (valid `LINK_VALID`) that links a Zalo account to this user."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LINK_LENGTH))
    async with ctx.db.transaction() as tx:
        await store.add_link(tx, hash_code(raw), user_id, ctx.now() + LINK_VALID)
    return f"{raw[:4]}-{raw[4:]}"


async def link_zalo(ctx: AppContext, current_user_id: int, code: str) -> int:
    """Link the Zalo account now speaking as `current_user_id` to the code's user; that user's
    id. Refused when the code is unknown or old, or when this Zalo account is bound on its own
    (its roles would be lost)."""
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        identity = await store.identity_of_user(tx, "zalo", current_user_id)
        taken = await store.take_link(tx, hash_code(code)) if normalize_code(code) else None
        if identity is None:
            raise InvalidInput(Msg(N_("Link codes are typed in the Zalo chat with the bot.")))
        if taken is None or taken[1] <= now:
            raise InvalidInput(
                Msg(N_("This link code is unknown or expired. Ask for a new one with /zalo."))
            )
        user_id = taken[0]
        if not is_telegram_user(user_id):
            raise InvalidInput(Msg(WRONG_SIDE_ZALO))
        if user_id != current_user_id and await user_store.roles_of(tx, current_user_id):
            raise InvalidInput(
                Msg(
                    N_(
                        "This Zalo account is already bound to a cell on its own: it cannot be"
                        " linked."
                    )
                )
            )
        await store.drop_identity_of_user(tx, "zalo", user_id)  # an earlier Zalo account
        await store.move_identity(tx, "zalo", identity.external_id, user_id)
        await audit.record(
            tx,
            at=now,
            actor=user_id,
            entity="user",
            entity_id=user_id,
            action="link_zalo",
            after={"zalo": identity.external_id},
        )
    return user_id


WRONG_SIDE_ZALO = N_(
    "This code was made on Zalo: send /link with it to the bot on Telegram, not here."
)
WRONG_SIDE_TELEGRAM = N_(
    "This code was made on Telegram: send /link with it to the bot on Zalo, not here."
)


async def link_telegram(ctx: AppContext, telegram_user_id: int, code: str) -> int:
    """Link this Telegram account to the Zalo-only user who asked for `code` on Zalo: that
    user (negative id) becomes `telegram_user_id` everywhere, in one transaction; the Zalo
    user id merged. Refused when the code is unknown, old or made on Telegram, or when this
    Telegram account already holds roles of its own (two people cannot become one)."""
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        taken = await store.take_link(tx, hash_code(code)) if normalize_code(code) else None
        if not is_telegram_user(telegram_user_id):
            raise InvalidInput(Msg(N_("Send /link CODE to the bot on Telegram.")))
        if taken is None or taken[1] <= now:
            raise InvalidInput(
                Msg(
                    N_(
                        "This link code is unknown or expired. Type telegram in the Zalo chat"
                        " with the bot for a new one."
                    )
                )
            )
        zalo_id = taken[0]
        if is_telegram_user(zalo_id):
            raise InvalidInput(Msg(WRONG_SIDE_TELEGRAM))
        if await user_store.roles_of(tx, telegram_user_id):
            raise InvalidInput(
                Msg(
                    N_(
                        "This Telegram account is already bound to a cell on its own, so it"
                        " cannot be linked to your Zalo account. Link from a Telegram account"
                        " that is not bound yet, or ask the committee to remove this account's"
                        " roles first."
                    )
                )
            )
        identity = await store.identity_of_user(tx, "zalo", zalo_id)
        chosen = await store.reminders_channel(tx, zalo_id)
        moved = await store.merge_user(tx, zalo_id, telegram_user_id)
        if chosen is None and identity is not None:
            await store.set_reminders_channel(tx, telegram_user_id, "zalo")  # chosen first
        await audit.record(
            tx,
            at=now,
            actor=telegram_user_id,
            entity="user",
            entity_id=telegram_user_id,
            action="merge_zalo_user",
            before={"user_id": zalo_id},
            after={
                "user_id": telegram_user_id,
                "zalo": identity.external_id if identity else None,
                "moved": moved,
            },
        )
    return zalo_id


async def open_draft(ctx: AppContext, user_id: int) -> Draft | None:
    """The user's live draft touched last (the flow typed text goes to), if any. Read only: an
    expired draft is left for the flow to report."""
    async with ctx.db.read() as tx:
        drafts = await draft_store.all_of(tx, user_id)
    now = ctx.now()
    timeout = ctx.config.conversation_timeout
    live = (d for d in drafts if d.updated_at is not None and now - d.updated_at <= timeout)
    return next(live, None)  # touched last first


# -- Zalo screens ----------------------------------------------------------------------------

ZaloScreen = store.ZaloScreen


async def save_zalo_screen(
    ctx: AppContext, chat_id: str, keys: dict[str, str], message: dict[str, Any]
) -> int:
    """Keep `keys` (typed key → callback data) as the Zalo chat's only valid screen; no keys:
    the chat has no screen (the next typed text is text). The screen's version."""
    labels = "counts" if any(key.isalpha() for key in keys) else "numbers"
    async with ctx.db.transaction() as tx:
        return await store.save_zalo_screen(tx, chat_id, labels, keys, message, ctx.now())


async def zalo_screen(ctx: AppContext, chat_id: str) -> ZaloScreen | None:
    """The chat's latest screen, if it has choices and is younger than a conversation."""
    async with ctx.db.read() as tx:
        screen = await store.zalo_screen(tx, chat_id)
    return screen

"""Users as the channel sees them: contact, language, roles, the cell they work in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from chibo.rules.messages import N_, Msg
from chibo.rules.text import clean_line
from chibo.storage import audit
from chibo.storage import users as user_store
from chibo.storage.users import WRITE_ROLES, RoleGrant, User
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound
from chibo.usecases.i18n import LOCALES


@dataclass(frozen=True)
class Profile:
    """A user with their roles; `cell` is the cell they currently work in (if any)."""

    user: User
    roles: list[RoleGrant]

    @property
    def bound(self) -> bool:
        return bool(self.roles)

    @property
    def cells(self) -> list[RoleGrant]:
        """Cells where the user may write (one entry per cell)."""
        seen: dict[int, RoleGrant] = {}
        for g in self.roles:
            if g.role in WRITE_ROLES and g.org_id not in seen:
                seen[g.org_id] = g
        return list(seen.values())

    @property
    def officer_orgs(self) -> list[RoleGrant]:
        return [g for g in self.roles if g.role == "officer"]

    @property
    def current_cell(self) -> RoleGrant | None:
        cells = self.cells
        for g in cells:
            if g.org_id == self.user.current_org_id:
                return g
        return cells[0] if len(cells) == 1 else None


#: A contact with nothing new is written at most this often (every update wrote it before: the
#: write was most of an everyday update's cost, issue 12).
SEEN_REFRESH = timedelta(minutes=10)


async def seen(
    ctx: AppContext, *, tg_id: int, full_name: str, username: str | None, tg_language: str | None
) -> Profile:
    """Record contact (refreshing name, language, un-blocking) and return the profile. Nothing
    is written when the user is known, not blocked, unchanged and seen in the last minutes."""
    name, now = clean_line(full_name), ctx.now()
    async with ctx.db.read() as tx:
        user = await user_store.get(tx, tg_id)
        if (
            user is not None
            and user.blocked_at is None
            and (user.full_name, user.username, user.tg_language) == (name, username, tg_language)
            and user.last_seen_at is not None
            and now - user.last_seen_at < SEEN_REFRESH
        ):
            return Profile(user, await user_store.roles_of(tx, tg_id))
    async with ctx.db.transaction() as tx:
        await user_store.upsert_seen(
            tx,
            tg_id=tg_id,
            full_name=name,
            username=username,
            tg_language=tg_language,
            at=now,
        )
        user = await user_store.get(tx, tg_id)
        roles = await user_store.roles_of(tx, tg_id)
    assert user is not None
    return Profile(user, roles)


async def blocked_bot(ctx: AppContext, tg_id: int) -> bool:
    """The user blocked the bot (Telegram said so): no reminders until they unblock or write.
    False when the user is unknown (never wrote)."""
    async with ctx.db.transaction() as tx:
        if await user_store.get(tx, tg_id) is None:
            return False
        await user_store.mark_blocked(tx, tg_id, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=audit.SYSTEM_ACTOR,
            entity="user",
            entity_id=tg_id,
            action="blocked",
            after={"via": "my_chat_member"},
        )
    return True


async def profile(ctx: AppContext, tg_id: int) -> Profile | None:
    async with ctx.db.read() as tx:
        user = await user_store.get(tx, tg_id)
        if user is None:
            return None
        return Profile(user, await user_store.roles_of(tx, tg_id))


async def set_language(ctx: AppContext, tg_id: int, language: str) -> None:
    if language not in LOCALES:
        raise InvalidInput(
            Msg(N_("Language must be one of: {choices}."), {"choices": ", ".join(LOCALES)})
        )
    async with ctx.db.transaction() as tx:
        await user_store.set_language(tx, tg_id, language)


async def choose_cell(ctx: AppContext, tg_id: int, org_id: int) -> RoleGrant:
    """Switch the cell a secretary of several cells works in (must be one of theirs)."""
    async with ctx.db.transaction() as tx:
        roles = await user_store.roles_of(tx, tg_id)
        grant = next((g for g in roles if g.org_id == org_id and g.role in WRITE_ROLES), None)
        if grant is None:
            raise NotFound(Msg(N_("You do not work in that cell.")))
        await user_store.set_current_org(tx, tg_id, org_id)
    return grant


async def remove_user(ctx: AppContext, *, actor: str, tg_id: int) -> list[RoleGrant]:
    """Unbind a user from every role: access ends at once."""
    async with ctx.db.transaction() as tx:
        grants = await user_store.revoke_all(tx, tg_id)
        if not grants:
            raise NotFound(Msg(N_("User {id} holds no role."), {"id": tg_id}))
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="role",
            entity_id=tg_id,
            action="unbind",
            before=[{"org": g.org_code, "role": g.role} for g in grants],
        )
    return grants


async def list_users(ctx: AppContext) -> list[tuple[User, list[RoleGrant]]]:
    async with ctx.db.read() as tx:
        return await user_store.list_with_roles(tx)

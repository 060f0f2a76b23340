"""Invite codes: create (CLI), redeem (`/start CODE`), list, revoke; with a failure throttle.

A code is 10 Crockford base-32 characters (50 random bits), shown as `XXXXX-XXXXX`; only its
SHA-256 is stored. Input is forgiving: case, spaces and dashes are ignored, and the look-alike
letters O, I and L read as 0, 1 and 1.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chibo.rules.messages import N_, Msg
from chibo.storage import audit
from chibo.storage import invites as invite_store
from chibo.storage import orgs as org_store
from chibo.storage import users as user_store
from chibo.storage.invites import Invite
from chibo.storage.orgs import Org
from chibo.storage.users import ROLES, WRITE_ROLES
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
CODE_LENGTH = 10  # 50 bits
_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})
THROTTLE_WINDOW = timedelta(hours=1)


def normalize_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKE)


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def format_code(raw: str) -> str:
    return f"{raw[:5]}-{raw[5:]}"


@dataclass(frozen=True)
class CreatedInvite:
    id: int
    code: str
    org: Org
    role: str
    expires_at: datetime


async def create_invite(
    ctx: AppContext, *, actor: str, org_code: str, role: str, expires_in: timedelta | None = None
) -> CreatedInvite:
    if role not in ROLES:
        raise InvalidInput(Msg(N_("Role must be one of: {roles}."), {"roles": ", ".join(ROLES)}))
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = ctx.now()
    expires_at = now + (expires_in or ctx.config.invite_default_expiry)
    async with ctx.db.transaction() as tx:
        org = await org_store.by_code(tx, org_code)
        if org is None:
            raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": org_code}))
        if role in WRITE_ROLES and not org.is_cell:
            raise InvalidInput(
                Msg(
                    N_("A {role} works in a cell (chi bộ); {code} is a committee."),
                    {"role": role, "code": org.code},
                )
            )
        invite_id = await invite_store.insert(
            tx,
            code_hash=hash_code(raw),
            hint=raw[:3],
            org_id=org.id,
            role=role,
            created_by=actor,
            at=now,
            expires_at=expires_at,
        )
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="invite",
            entity_id=invite_id,
            action="create",
            after={"org": org.code, "role": role, "expires_at": expires_at},
        )
    return CreatedInvite(invite_id, format_code(raw), org, role, expires_at)


class Outcome(enum.Enum):
    BOUND = "bound"
    ALREADY = "already"  # this user already holds that role there
    REMOVED = "removed"  # this user redeemed it once, but has been removed from that role since
    UNKNOWN = "unknown"  # no such code (or revoked)
    EXPIRED = "expired"
    USED = "used"  # used by someone else
    THROTTLED = "throttled"


@dataclass(frozen=True)
class Redemption:
    outcome: Outcome
    org: Org | None = None
    role: str | None = None
    retry_at: datetime | None = None


async def redeem(ctx: AppContext, *, user_id: int, code: str) -> Redemption:
    """Bind the user with the invite's role; failures are counted for the throttle."""
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        failures = await invite_store.failures_since(tx, user_id, now - THROTTLE_WINDOW)
        if len(failures) >= ctx.config.invite_max_failures:
            return Redemption(Outcome.THROTTLED, retry_at=failures[0] + THROTTLE_WINDOW)
        invite = await invite_store.by_hash(tx, hash_code(code)) if normalize_code(code) else None
        outcome = _check(invite, user_id, now)
        if outcome is Outcome.ALREADY and invite is not None:
            held = await user_store.roles_of(tx, user_id)
            if not any(g.org_id == invite.org_id and g.role == invite.role for g in held):
                outcome = Outcome.REMOVED  # a used code does not bind again: say so
        if outcome is not None:
            if outcome not in (Outcome.ALREADY, Outcome.REMOVED):
                await invite_store.add_failure(tx, user_id, now)
            assert invite is not None or outcome is Outcome.UNKNOWN
            org = await org_store.by_id(tx, invite.org_id) if invite else None
            return Redemption(outcome, org=org, role=invite.role if invite else None)
        assert invite is not None
        await invite_store.mark_used(tx, invite.id, user_id, now)
        granted = await user_store.grant(
            tx, user_id=user_id, org_id=invite.org_id, role=invite.role, invite_id=invite.id, at=now
        )
        user = await user_store.get(tx, user_id)
        if user is not None and user.current_org_id is None:
            await user_store.set_current_org(tx, user_id, invite.org_id)
        await audit.record(
            tx,
            at=now,
            actor=user_id,
            entity="role",
            entity_id=user_id,
            action="bind" if granted else "bind_again",
            after={"org": invite.org_code, "role": invite.role, "invite": invite.id},
        )
        org = await org_store.by_id(tx, invite.org_id)
    return Redemption(Outcome.BOUND if granted else Outcome.ALREADY, org=org, role=invite.role)


def _check(invite: Invite | None, user_id: int, now: datetime) -> Outcome | None:
    if invite is None or invite.revoked_at is not None:
        return Outcome.UNKNOWN
    if invite.used_at is not None:
        return Outcome.ALREADY if invite.used_by == user_id else Outcome.USED
    if invite.expires_at <= now:
        return Outcome.EXPIRED
    return None


def invite_state(invite: Invite, now: datetime) -> str:
    if invite.revoked_at:
        return "revoked"
    if invite.used_at:
        return "used"
    if invite.expires_at <= now:
        return "expired"
    return "open"


async def list_invites(ctx: AppContext) -> list[tuple[Invite, str]]:
    async with ctx.db.read() as tx:
        rows = await invite_store.all_invites(tx)
    now = ctx.now()
    return [(i, invite_state(i, now)) for i in rows]


async def revoke_invite(ctx: AppContext, *, actor: str, invite_id: int) -> Invite:
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        invite = await invite_store.by_id(tx, invite_id)
        if invite is None:
            raise NotFound(Msg(N_("No invite has the number {id}."), {"id": invite_id}))
        if not await invite_store.revoke(tx, invite_id, now):
            raise InvalidInput(
                Msg(
                    N_("Invite {id} is already {state}."),
                    {"id": invite_id, "state": invite_state(invite, now)},
                )
            )
        await audit.record(
            tx, at=now, actor=actor, entity="invite", entity_id=invite_id, action="revoke"
        )
    return invite

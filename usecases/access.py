"""Who may see and change what: secretaries and deputies their cell, officers their subtree.

Every handler and every callback goes through these checks (callback data is user input).
A refusal is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from chibo.rules.messages import N_, Msg
from chibo.storage import audit
from chibo.storage import orgs as org_store
from chibo.storage import users as user_store
from chibo.storage.db import Tx
from chibo.storage.orgs import Org
from chibo.storage.users import WRITE_ROLES
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied

DENIED = Msg(N_("You do not have access to that organisation."))


@dataclass(frozen=True)
class Scope:
    user_id: int
    write_cells: frozenset[int]
    readable: frozenset[int]  # every org the user may read (subtrees of officer roles + cells)


async def scope_of(tx: Tx, user_id: int) -> Scope:
    grants = await user_store.roles_of(tx, user_id)
    write = frozenset(g.org_id for g in grants if g.role in WRITE_ROLES)
    readable: set[int] = set(write)
    for g in grants:
        if g.role == "officer":
            readable.update(await org_store.subtree_ids(tx, g.org_id))
    return Scope(user_id, write, frozenset(readable))


async def deny(
    ctx: AppContext,
    actor: int | str,
    wanted: str,
    target: object,
    msg: Msg = DENIED,
    **details: object,
) -> AccessDenied:
    """Audit a refused access (what was wanted, of what) and return the error to raise."""
    async with ctx.db.transaction() as tx:
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="access",
            entity_id=target,
            action="denied",
            after={"wanted": wanted, **details},
        )
    return AccessDenied(msg)


async def require_write(ctx: AppContext, user_id: int, org_id: int) -> Org:
    """The cell, if the user is its secretary or deputy; else AccessDenied (audited)."""
    async with ctx.db.read() as tx:
        scope = await scope_of(tx, user_id)
        org = await org_store.by_id(tx, org_id) if org_id in scope.write_cells else None
    if org is None:
        raise await deny(ctx, user_id, "write", org_id)
    return org


async def require_read(ctx: AppContext, user_id: int, org_id: int) -> Org:
    async with ctx.db.read() as tx:
        scope = await scope_of(tx, user_id)
        org = await org_store.by_id(tx, org_id) if org_id in scope.readable else None
    if org is None:
        raise await deny(ctx, user_id, "read", org_id)
    return org


async def org_for(ctx: AppContext, actor: int | str, org_id: int, *, write: bool) -> Org | None:
    """The organisation `org_id` as `actor` may use it: a user (an int) must be its
    secretariat (`write`) or read it (also officers above), else AccessDenied (audited); the
    command line (a str) may use any, and gets None when there is none. Whether it must be a
    cell, and what to say when it is not, is the caller's."""
    if isinstance(actor, int):
        return await (require_write if write else require_read)(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        return await org_store.by_id(tx, org_id)


async def require_read_code(ctx: AppContext, user_id: int, code: str) -> Org:
    async with ctx.db.read() as tx:
        scope = await scope_of(tx, user_id)
        org = await org_store.by_code(tx, code)
    if org is None or org.id not in scope.readable:
        raise await deny(ctx, user_id, "read", code)
    return org

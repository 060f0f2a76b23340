"""Small builders for use-case tests."""

from __future__ import annotations

from chibo.storage import users as user_store
from chibo.usecases import invites as invites_uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases.context import AppContext


async def demo_tree(ctx: AppContext) -> None:
    """Province P → commune X (→ cells C1, C2) and commune Y (→ cell D1)."""
    await orgs_uc.add_org(ctx, actor="cli", code="P", name="Tỉnh ủy")
    await orgs_uc.add_org(
        ctx, actor="cli", code="X", name="Đảng ủy xã X", parent_code="P", kind="committee"
    )
    await orgs_uc.add_org(
        ctx, actor="cli", code="Y", name="Đảng ủy xã Y", parent_code="P", kind="committee"
    )
    await orgs_uc.add_org(ctx, actor="cli", code="C1", name="Chi bộ thôn 1", parent_code="X")
    await orgs_uc.add_org(ctx, actor="cli", code="C2", name="Chi bộ thôn 2", parent_code="X")
    await orgs_uc.add_org(ctx, actor="cli", code="D1", name="Chi bộ thôn Đông", parent_code="Y")


async def bind(ctx: AppContext, tg_id: int, org_code: str, role: str, name: str = "") -> None:
    async with ctx.db.transaction() as tx:
        await user_store.upsert_seen(
            tx,
            tg_id=tg_id,
            full_name=name or f"User {tg_id}",
            username=None,
            tg_language="vi",
            at=ctx.now(),
        )
    created = await invites_uc.create_invite(ctx, actor="cli", org_code=org_code, role=role)
    result = await invites_uc.redeem(ctx, user_id=tg_id, code=created.code)
    assert result.outcome is invites_uc.Outcome.BOUND

from datetime import timedelta

import pytest

from chibo.storage import audit
from chibo.usecases import invites as invites_uc
from chibo.usecases import users as users_uc
from chibo.usecases.errors import InvalidInput, NotFound
from chibo.usecases.invites import Outcome

from .helpers import demo_tree


@pytest.fixture
async def tree(ctx):
    await demo_tree(ctx)
    for tg_id in (7, 8):  # the channel records every user on first contact
        await users_uc.seen(
            ctx, tg_id=tg_id, full_name=f"U{tg_id}", username=None, tg_language="vi"
        )


async def test_code_has_enough_entropy_and_is_stored_hashed(ctx, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    raw = invites_uc.normalize_code(created.code)
    assert len(raw) == 10 and set(raw) <= set(invites_uc.ALPHABET)  # 10 × 5 bits = 50 bits
    async with ctx.db.read() as tx:
        stored = await tx.all("SELECT * FROM invites")
    assert raw not in str([tuple(r) for r in stored])
    assert stored[0]["code_hash"] == invites_uc.hash_code(created.code)


@pytest.mark.parametrize(
    "mangle", [str.lower, lambda c: c.replace("-", " "), lambda c: " " + c.replace("-", "") + " "]
)
async def test_typing_is_forgiving(ctx, tree, mangle):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="deputy")
    result = await invites_uc.redeem(ctx, user_id=7, code=mangle(created.code))
    assert result.outcome is Outcome.BOUND and result.org.code == "C1"


def test_lookalike_letters_read_as_digits():
    assert invites_uc.normalize_code("o1-il") == invites_uc.normalize_code("0111")


async def test_binding_grants_role_sets_cell_and_is_audited(ctx, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    await invites_uc.redeem(ctx, user_id=7, code=created.code)
    profile = await users_uc.profile(ctx, 7)
    assert [(g.org_code, g.role) for g in profile.roles] == [("C1", "secretary")]
    assert profile.current_cell.org_code == "C1"
    async with ctx.db.read() as tx:
        entries = await audit.entries(tx, entity="role", entity_id=7)
    assert entries[0].action == "bind" and entries[0].after["org"] == "C1"


async def test_code_is_single_use(ctx, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.BOUND
    assert (await invites_uc.redeem(ctx, user_id=8, code=created.code)).outcome is Outcome.USED
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.ALREADY


async def test_expired_code(ctx, clock, tree):
    created = await invites_uc.create_invite(
        ctx, actor="cli", org_code="C1", role="secretary", expires_in=timedelta(hours=1)
    )
    clock.advance(hours=1)
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.EXPIRED


async def test_revoked_code_no_longer_works(ctx, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    await invites_uc.revoke_invite(ctx, actor="cli", invite_id=created.id)
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.UNKNOWN
    with pytest.raises(InvalidInput):
        await invites_uc.revoke_invite(ctx, actor="cli", invite_id=created.id)


async def test_throttle_after_five_failures_for_an_hour(ctx, clock, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    for _ in range(5):
        assert (
            await invites_uc.redeem(ctx, user_id=7, code="WRONG-CODE0")
        ).outcome is Outcome.UNKNOWN
        clock.advance(minutes=1)
    refused = await invites_uc.redeem(ctx, user_id=7, code=created.code)
    assert refused.outcome is Outcome.THROTTLED
    # the good code was not consumed while refused, and another user is not affected
    clock.advance(minutes=55)  # first failure was 59 min ago: still inside the hour
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.THROTTLED
    clock.advance(minutes=1, seconds=1)
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.BOUND


async def test_secretary_invite_needs_a_cell(ctx, tree):
    with pytest.raises(InvalidInput):
        await invites_uc.create_invite(ctx, actor="cli", org_code="X", role="secretary")
    with pytest.raises(NotFound):
        await invites_uc.create_invite(ctx, actor="cli", org_code="NOPE", role="officer")
    officer = await invites_uc.create_invite(ctx, actor="cli", org_code="X", role="officer")
    assert officer.role == "officer"


async def test_unbinding_ends_access(ctx, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    await invites_uc.redeem(ctx, user_id=7, code=created.code)
    await users_uc.remove_user(ctx, actor="cli", tg_id=7)
    profile = await users_uc.profile(ctx, 7)
    assert profile.roles == [] and not profile.bound
    with pytest.raises(NotFound):
        await users_uc.remove_user(ctx, actor="cli", tg_id=7)


async def test_a_removed_user_sending_the_old_code_again_is_told_the_truth(ctx, tree):
    created = await invites_uc.create_invite(ctx, actor="cli", org_code="C1", role="secretary")
    assert (await invites_uc.redeem(ctx, user_id=7, code=created.code)).outcome is Outcome.BOUND
    again = await invites_uc.redeem(ctx, user_id=7, code=created.code)
    assert again.outcome is Outcome.ALREADY  # still holds the role
    await users_uc.remove_user(ctx, actor="cli", tg_id=7)
    after = await invites_uc.redeem(ctx, user_id=7, code=created.code)
    assert after.outcome is Outcome.REMOVED and after.org is not None
    assert not (await users_uc.profile(ctx, 7)).bound  # the old code does not bind again

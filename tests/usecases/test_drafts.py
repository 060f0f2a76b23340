"""One draft per flow (issue 9 §4): another flow keeps the first; the last touched is current."""

from __future__ import annotations

from chibo.usecases import drafts as uc

from .helpers import bind, demo_tree


async def _user(ctx) -> int:
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    return 1001


async def test_another_flow_keeps_the_first_and_the_last_touched_is_current(ctx):
    user = await _user(ctx)
    meeting = await uc.start(ctx, user, "meeting", "kind", org_id=None, data={"date": "x"})
    await uc.start(ctx, user, "roster.browse", "list", org_id=None)
    assert (await uc.current(ctx, user)).draft.kind == "roster.browse"
    assert (await uc.get(ctx, user, ("meeting",))).data == {"date": "x"}
    await uc.save(ctx, meeting)  # a press on the meeting's screen
    assert (await uc.current(ctx, user)).draft.kind == "meeting"
    assert [d.kind for d in await uc.kept(ctx, user, besides="roster.browse")] == ["meeting"]


async def test_a_flow_of_several_kinds_holds_one_draft(ctx):
    user = await _user(ctx)
    await uc.start(ctx, user, "roster.add", "full_name", org_id=None)
    await uc.start(ctx, user, "roster.edit", "cccd", org_id=None)
    assert await uc.get(ctx, user, ("roster.add",)) is None
    assert await uc.clear(ctx, user, ("roster.add",))  # the flow's draft, whatever its kind
    assert (await uc.current(ctx, user)).draft is None


async def test_cancel_drops_the_last_touched_only_and_timeouts_are_per_flow(ctx, clock):
    user = await _user(ctx)
    await uc.start(ctx, user, "meeting", "kind", org_id=None)
    clock.advance(minutes=20)
    await uc.start(ctx, user, "candidate", "name", org_id=None)
    dropped = await uc.clear_latest(ctx, user)
    assert dropped is not None and dropped.kind == "candidate"
    await uc.start(ctx, user, "candidate", "name", org_id=None)
    clock.advance(minutes=15)  # the meeting entry is now 35 minutes old (timeout: 30)
    current = await uc.current(ctx, user, ("meeting",))
    assert current.draft is None and current.expired
    assert (await uc.current(ctx, user)).draft.kind == "candidate"

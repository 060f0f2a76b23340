"""What the chat screens of issue 14 read: the open transfer explaining a reconciliation
discrepancy, the cell's arrivals, and the officers' open reviews."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.handlers.reconciliation import discrepancy_line
from chibo.storage.reconciliation import NewDiscrepancy
from chibo.usecases import lifecycle as uc
from chibo.usecases.errors import AccessDenied
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id


@pytest.fixture
async def world(ctx):
    await demo_tree(ctx)
    for tg_id, org, role in ((1001, "C1", "secretary"), (1101, "C2", "secretary")):
        await bind(ctx, tg_id, org, role)
    await bind(ctx, 2001, "X", "officer")
    return await add_members(ctx, "C1", ["An", "Bình"])


async def test_a_pending_transfer_explains_missing_discrepancies(ctx, world):
    an = world[0]
    c1, c2 = await org_id(ctx, "C1"), await org_id(ctx, "C2")
    t = await uc.transfer_out(
        ctx,
        actor=1001,
        member_id=an,
        reason="job",
        trigger_date=date(2026, 11, 2),
        to_org_code="C2",
    )
    found = await uc.pending_transfers(
        ctx, [(c1, an, "whoever"), (c2, None, t.full_name.upper()), (c1, world[1], "Bình")]
    )
    assert [x.id if x else None for x in found] == [t.id, t.id, None]

    _ = translator("en")
    out = NewDiscrepancy(c1, "missing_in_official", an, None, t.full_name)
    assert discrepancy_line(_, out, found[0]).endswith(
        "not in the official list — a transfer out is pending (not completed yet)"
    )
    arriving = NewDiscrepancy(c2, "missing_in_cell", None, 4, t.full_name)
    assert discrepancy_line(_, arriving, found[1]).endswith(
        "— a transfer into this cell is pending (not received yet)"
    )
    assert "pending" not in discrepancy_line(_, out)

    view = await uc.cell_view(ctx, actor=1101, org_id=c2)
    assert [x.id for x in view.incoming] == [t.id] and view.outgoing == []
    with pytest.raises(AccessDenied):
        await uc.cell_view(ctx, actor=1101, org_id=c1)
    sent, sending = await uc.transfer_for(ctx, actor=1001, transfer_id=t.id)
    assert sending and sent.id == t.id
    _t, sending = await uc.transfer_for(ctx, actor=1101, transfer_id=t.id)
    assert not sending


async def test_officers_see_open_reviews_of_their_subtree_only(ctx, world):
    an = world[0]
    await uc.open_review(ctx, actor=1001, member_id=an, ground="political", on=date(2026, 11, 20))
    reviews = await uc.open_reviews(ctx, actor=2001, org_code="X")
    assert [(v.member_id, v.ground) for _name, v in reviews] == [(an, "political")]
    with pytest.raises(AccessDenied):
        await uc.open_reviews(ctx, actor=1101, org_code="C1")

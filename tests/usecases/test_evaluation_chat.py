"""The small use cases the chat's evaluation screens read (usecases.evaluation): the user's
roles on a cell, one member's review with the next to do, a remedy to mark done."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.usecases import evaluation as uc
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

from .test_evaluation import NAMES, YEAR, cell  # noqa: F401  (the fixture)
from .test_meeting_support import org_id


async def test_roles_on_a_cell(ctx, cell):  # noqa: F811
    c1 = cell["org"]
    assert await uc.roles_on(ctx, 1001, c1) == uc.Roles(writes=True, officer_above=False)
    assert await uc.roles_on(ctx, 2001, c1) == uc.Roles(writes=False, officer_above=True)
    assert await uc.roles_on(ctx, 2002, c1) == uc.Roles(writes=False, officer_above=False)
    assert await uc.roles_on(ctx, 1003, c1) == uc.Roles(writes=False, officer_above=False)
    # an officer of X is not "above" X itself
    x = await org_id(ctx, "X")
    assert await uc.roles_on(ctx, 2001, x) == uc.Roles(writes=False, officer_above=False)


async def test_member_review_and_the_next_to_do(ctx, cell):  # noqa: F811
    ids = cell["ids"]
    view = await uc.cell_review(ctx, 1001, cell["org"], YEAR)
    order = [x.member.id for x in view.lines]
    first = await uc.member_review(ctx, 1001, order[0], YEAR)
    assert first.line.member.id == order[0] and first.next_id == order[1]
    # the next goes to members still without a proposed level, wrapping round
    await uc.record_member(
        ctx, 1001, member_id=order[1], year=YEAR, changes={"proposed_level": "HTT"}
    )
    assert (await uc.member_review(ctx, 1001, order[0], YEAR)).next_id == order[2]
    last = await uc.member_review(ctx, 1001, order[-1], YEAR)
    assert last.next_id == order[0]
    for mid in order:
        await uc.record_member(
            ctx, 1001, member_id=mid, year=YEAR, changes={"proposed_level": "HTT"}
        )
    # all done: plain next, none after the last
    assert (await uc.member_review(ctx, 1001, order[0], YEAR)).next_id == order[1]
    assert (await uc.member_review(ctx, 1001, order[-1], YEAR)).next_id is None
    # readers only: the officer above reads, another cell's secretary and subtree do not
    assert (await uc.member_review(ctx, 2001, ids[NAMES[0]], YEAR)).view.org.id == cell["org"]
    for outsider in (1003, 2002):
        with pytest.raises(AccessDenied):
            await uc.member_review(ctx, outsider, ids[NAMES[0]], YEAR)
    with pytest.raises(NotFound):
        await uc.member_review(ctx, 1001, 999_999, YEAR)
    # not on the roll of that year (joined later)
    with pytest.raises(InvalidInput):
        await uc.member_review(ctx, 1001, ids[NAMES[0]], 2001)


async def test_remedy_for_write(ctx, cell):  # noqa: F811
    r = await uc.add_remedy(
        ctx,
        1001,
        org_id=cell["org"],
        year=YEAR,
        shortcoming="Sinh hoạt chưa đều",
        remedy="Nhắc nhở",
        due_date=date(2027, 3, 31),
    )
    assert (await uc.remedy_for_write(ctx, 1001, r.id)).id == r.id
    for other in (1003, 2001, 2002):
        with pytest.raises(AccessDenied):
            await uc.remedy_for_write(ctx, other, r.id)
    with pytest.raises(NotFound):
        await uc.remedy_for_write(ctx, 1001, r.id + 1)

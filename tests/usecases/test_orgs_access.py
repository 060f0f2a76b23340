import pytest

from chibo.storage import audit
from chibo.usecases import access
from chibo.usecases import orgs as orgs_uc
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

from .helpers import bind, demo_tree


async def test_tree_listing_is_depth_first(ctx):
    await demo_tree(ctx)
    rows = await orgs_uc.tree(ctx)
    assert [(r.depth, r.org.code) for r in rows] == [
        (0, "P"),
        (1, "X"),
        (2, "C1"),
        (2, "C2"),
        (1, "Y"),
        (2, "D1"),
    ]
    assert [r.org.code for r in await orgs_uc.tree(ctx, "y")] == ["Y", "D1"]


@pytest.mark.parametrize(
    ("code", "parent", "error"),
    [
        ("", None, InvalidInput),
        ("bad code", None, InvalidInput),
        ("p", None, InvalidInput),
        ("Z", "NOPE", NotFound),
        ("Z", "C1", InvalidInput),
    ],
)
async def test_bad_orgs_are_refused(ctx, code, parent, error):
    await demo_tree(ctx)
    with pytest.raises(error):
        await orgs_uc.add_org(ctx, actor="cli", code=code, name="Z", parent_code=parent)


async def test_default_kinds(ctx):
    top = await orgs_uc.add_org(ctx, actor="cli", code="T", name="Top")
    child = await orgs_uc.add_org(ctx, actor="cli", code="K", name="Cell", parent_code="T")
    assert (top.kind, child.kind) == ("committee", "cell")


async def test_secretary_writes_own_cell_only(ctx):
    await demo_tree(ctx)
    await bind(ctx, 10, "C1", "secretary")
    c1 = await orgs_uc.get_org(ctx, "C1")
    c2 = await orgs_uc.get_org(ctx, "C2")
    assert (await access.require_write(ctx, 10, c1.id)).code == "C1"
    with pytest.raises(AccessDenied):
        await access.require_write(ctx, 10, c2.id)
    with pytest.raises(AccessDenied):
        await access.require_read(ctx, 10, c2.id)
    async with ctx.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
    assert [e.action for e in denied] == ["denied", "denied"]


async def test_officer_reads_subtree_only(ctx):
    await demo_tree(ctx)
    await bind(ctx, 20, "X", "officer")
    for code in ("X", "C1", "C2"):
        assert (await access.require_read_code(ctx, 20, code)).code == code
    for code in ("P", "Y", "D1", "NOPE"):
        with pytest.raises(AccessDenied):
            await access.require_read_code(ctx, 20, code)
    c1 = await orgs_uc.get_org(ctx, "C1")
    with pytest.raises(AccessDenied):
        await access.require_write(ctx, 20, c1.id)

"""The officers' cached daily figures (usecases.daily_plan) against the full computation.

A random small province is built through the storage layer; after every batch of random
changes made through the bot's connection, /status and /overdue at every level read from the
plan kept up to date cell by cell must equal a plan computed from scratch, and only the
changed cells are computed again. A write by another connection (the command line) makes the
plan be computed again in full.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from chibo.rules.probation import official_date
from chibo.rules.text import fold
from chibo.storage import candidates as candidate_store
from chibo.storage import meetings as meeting_store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage import reconciliation as recon_store
from chibo.storage.candidates import Details
from chibo.storage.db import Database
from chibo.storage.meetings import MeetingFields
from chibo.storage.members import MemberFields
from chibo.usecases import daily_plan
from chibo.usecases import status as uc
from chibo.usecases.context import AppContext

SETUP = datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def _person(rng: random.Random, n: int) -> MemberFields:
    if rng.random() < 0.3:
        ceremony = date(2025, 1, 1) + timedelta(days=rng.randrange(690))
        return MemberFields(
            f"Trần Văn Dự Bị {n}",
            date(1995, 1, 1) + timedelta(days=n),
            card_no=None,
            decision_date=ceremony - timedelta(days=15),
            ceremony_date=ceremony,
            status="probationary",
            status_date=ceremony,
        )
    ceremony = date(1990, 1, 1) + timedelta(days=rng.randrange(9000))
    official = official_date(ceremony)
    return MemberFields(
        f"Nguyễn Thị Chính Thức {n}",
        date(1960, 1, 1) + timedelta(days=n),
        card_no=f"{n:08d}",
        decision_date=ceremony - timedelta(days=15),
        ceremony_date=ceremony,
        official_date=official,
        status="official",
        status_date=official,
    )


async def _province(db: Database, rng: random.Random) -> list[int]:
    cells: list[int] = []
    n = 0
    async with db.transaction() as tx:
        root = await org_store.insert(
            tx, code="P", name="Tỉnh ủy", kind="committee", parent_id=None, at=SETUP
        )
        for k in range(3):
            commune = await org_store.insert(
                tx, code=f"X{k}", name=f"Đảng ủy xã {k}", kind="committee",
                parent_id=root.id, at=SETUP,
            )  # fmt: skip
            for c in range(4):
                cell = await org_store.insert(
                    tx, code=f"X{k}C{c}", name=f"Chi bộ {k}-{c}", kind="cell",
                    parent_id=commune.id, at=SETUP,
                )  # fmt: skip
                cells.append(cell.id)
                for _ in range(rng.randrange(3, 8)):
                    await _add_member(tx, cell.id, rng, n)
                    n += 1
                for month in sorted(rng.sample(range(1, 12), rng.randrange(0, 11))):
                    kind = rng.choice(("regular", "regular", "thematic"))
                    await meeting_store.insert(
                        tx, org_id=cell.id, f=MeetingFields(date(2026, month, 5), kind, "Họp"),
                        actor="test", at=SETUP,
                    )  # fmt: skip
                if rng.random() < 0.5:
                    await _add_candidate(tx, cell.id, rng, n)
                if rng.random() < 0.4:
                    roster = await recon_store.roster_on(tx, cell.id, date(2026, 6, 30))
                    await recon_store.confirm(
                        tx, org_id=cell.id, period_end=date(2026, 6, 30), members=roster,
                        actor="test", at=SETUP,
                    )  # fmt: skip
    return cells


async def _add_member(tx, cell_id: int, rng: random.Random, n: int) -> None:
    f = _person(rng, n)
    mid = await member_store.insert(tx, org_id=cell_id, f=f, name_key=fold(f.full_name), at=SETUP)
    assert f.status_date is not None
    await member_store.add_history_many(
        tx, [(mid, f.status, f.status_date, None)], actor="test", at=SETUP
    )


async def _add_candidate(tx, cell_id: int, rng: random.Random, n: int) -> None:
    await candidate_store.insert(
        tx, org_id=cell_id, d=Details(f"Lê Văn Ứng Viên {n}", date(2000, 1, 1), None,
        "youth_union"), name_key=f"le van ung vien {n}",
        tracked_since=date(2026, 1, 1) + timedelta(days=rng.randrange(330)), at=SETUP,
    )  # fmt: skip


async def _change(db: Database, cell_id: int, rng: random.Random, n: int) -> None:
    async with db.transaction() as tx:
        what = rng.randrange(4)
        if what == 0:
            day = date(2026, rng.randrange(1, 12), rng.randrange(1, 28))
            kind = rng.choice(("regular", "thematic"))
            await meeting_store.insert(
                tx, org_id=cell_id, f=MeetingFields(day, kind, "Họp"), actor="test", at=AT
            )
        elif what == 1:
            await _add_member(tx, cell_id, rng, n)
        elif what == 2:
            await _add_candidate(tx, cell_id, rng, n)
        else:
            roster = await recon_store.roster_on(tx, cell_id, date(2026, 6, 30))
            await recon_store.confirm(
                tx, org_id=cell_id, period_end=date(2026, 6, 30), members=roster,
                actor="test", at=AT,
            )  # fmt: skip


async def _views(ctx: AppContext) -> list[object]:
    out: list[object] = []
    for code in ("P", "X0", "X1", "X2", "X1C2"):
        view = await uc.status(ctx, "cli", code=code)
        out.append([x.as_json() for x in [*view.lines, view.total]])
        over = await uc.overdue(ctx, "cli", code=code)
        out.append([(g.cell.code, [r.key for r in g.items]) for g in over.groups])
    return out


async def _from_scratch(ctx: AppContext) -> list[object]:
    daily_plan.forget(ctx.db)
    return await _views(ctx)


async def test_plan_kept_cell_by_cell_equals_the_full_computation(ctx: AppContext) -> None:
    rng = random.Random(12)
    cells = await _province(ctx.db, rng)
    assert await _views(ctx) == await _from_scratch(ctx)
    builds = (await daily_plan.plan(ctx, ctx.today())).builds
    assert builds == 1
    n = 1000
    for _round in range(6):
        for _ in range(rng.randrange(1, 4)):
            await _change(ctx.db, rng.choice(cells), rng, n)
            n += 1
        kept = await _views(ctx)
        assert (await daily_plan.plan(ctx, ctx.today())).builds == 1  # only cells computed
        assert kept == await _from_scratch(ctx)
    overdue = (await uc.overdue(ctx, "cli", code="P")).count
    assert overdue > 0  # the random province has overdue items to compare


async def test_a_write_by_another_connection_rebuilds_the_plan(ctx: AppContext) -> None:
    rng = random.Random(3)
    cells = await _province(ctx.db, rng)
    before = await _views(ctx)
    other = await Database.open(ctx.db.path)
    try:
        await _change(other, cells[0], rng, 5000)
        await _change(other, cells[0], random.Random(1), 5001)
    finally:
        await other.close()
    after = await _views(ctx)
    assert (await daily_plan.plan(ctx, ctx.today())).builds == 2
    assert after == await _from_scratch(ctx)
    assert before  # (the numbers may or may not have moved: the plan was rebuilt)


async def test_messenger_bookkeeping_keeps_the_plan(ctx: AppContext) -> None:
    """A Zalo screen, a link code or a channel choice feeds no number: no rebuild."""
    from chibo.usecases import channels as channels_uc

    await _province(ctx.db, random.Random(5))
    await _views(ctx)
    zalo_id = await channels_uc.zalo_user(ctx, "z-1", "z-1")
    await channels_uc.save_zalo_screen(ctx, "z-1", {"1": "menu:main"}, {"text": "x"})
    await channels_uc.new_link_code(ctx, zalo_id)
    assert (await daily_plan.plan(ctx, ctx.today())).builds == 1


async def test_every_table_feeding_the_plan_names_its_organisations(ctx: AppContext) -> None:
    """A new table must say which organisations a write touches (or be ignored on purpose):
    a table recorded as "everything" would rebuild the whole plan on each write."""
    from chibo.storage import changes

    async with ctx.db.read() as tx:
        tables = [
            r[0]
            for r in await tx.all(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        whole = []
        for table in tables:
            if table in changes.IGNORED:
                continue
            columns = [r[0] for r in await tx.all(f"SELECT name FROM pragma_table_info('{table}')")]
            if changes._org_exprs(columns, "NEW") == [str(changes.EVERYTHING)]:
                whole.append(table)
    assert whole == ["orgs"]  # the tree itself: any change may move every number


async def test_a_residence_comment_touches_its_cells_only(ctx: AppContext) -> None:
    from chibo.storage import changes

    cells = await _province(ctx.db, random.Random(9))
    async with ctx.db.transaction() as tx:
        member = await tx.scalar("SELECT id FROM members WHERE org_id = ? LIMIT 1", (cells[0],))
        contact = await tx.execute(
            "INSERT INTO residence_contacts (residence_org_id, member_id, full_name, workplace,"
            " assigned_date, created_at, updated_at) VALUES (?, ?, 'A', 'B', '2026-01-01', '', '')",
            (cells[1], member),
        )
        before = await changes.mark(tx)
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO residence_comments (contact_id, year, sent_on)"
            " VALUES (?, 2026, '2026-11-01')",
            (contact,),
        )
    async with ctx.db.read(change_log=True) as tx:
        _mark, touched = await changes.since(tx, before)
    assert touched == {cells[0], cells[1]}

"""Issue 16's "done means" on Zalo alone: a secretary with only Zalo sees the roster, follows the
candidates and gets her reminders there; an officer on Zalo gets /status and drills down by
typed numbers — through the real Zalo Application and the Zalo emulator."""

from __future__ import annotations

from chibo.bot.channels import notifier_for
from chibo.usecases import channels as channels_uc
from chibo.usecases import reminders as reminders_uc

from ..usecases.test_reminders_support import END, add_member, add_officials, at_local
from ..usecases.test_status import build_world
from .conftest import World
from .test_candidates import cell_roster, recorded_file
from .test_zalo import bind_on_zalo, choice_number
from .test_zalo import zbot as zbot  # the fixtures
from .test_zalo import zemu as zemu


async def test_an_officer_on_zalo_gets_status_and_drills_down(emu, zemu, zbot, ctx, clock):
    await build_world(ctx, clock, bind_users=False)
    world = World(emu, ctx)
    tinh = await bind_on_zalo(world, zemu, "z-tinh", "P", "officer")
    view = await tinh.ask("/status")
    assert view.startswith("📊 Tỉnh ủy (P) — 20/12/2026"), view
    assert "Tổng cộng (3 chi bộ):" in view
    x = await tinh.ask(choice_number(view, "1. Đảng ủy xã X"))
    assert x.startswith("📊 Đảng ủy xã X (X)"), x
    cell = await tinh.ask(choice_number(x, "1. Chi bộ thôn 1"))
    assert cell.startswith("📊 Chi bộ thôn 1 (C1)"), cell
    assert "⚠️ Việc quá hạn: 2" in cell


async def test_a_zalo_only_secretary_sees_roster_candidates_and_reminders(zemu, zbot, world: World):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    uid = await channels_uc.zalo_user(world.ctx, "z-lan", "z-lan")
    assert uid < 0  # Zalo only: no Telegram account behind her
    await cell_roster(world)
    await recorded_file(world, 1)
    menu = await lan.ask("menu")
    roster = await lan.ask(choice_number(menu, "Đảng viên"))
    assert "Chi bộ thôn 1" in roster, roster
    menu = await lan.ask("menu")
    candidates = await lan.ask(choice_number(menu, "Quần chúng ưu tú"))
    assert "Bùi Thị Lan" in candidates, candidates

    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    world.ctx.clock.set(at_local(END))
    report = await reminders_uc.sweep(world.ctx, notifier_for(zbot))
    assert len(report.sent) >= 1
    got = [m.text for m in await lan.settle() if "Nguyễn Văn An" in m.text]
    assert len(got) == 1, got
    assert (await reminders_uc.sweep(world.ctx, notifier_for(zbot))).sent == []
    assert [m for m in await lan.settle() if "Nguyễn Văn An" in m.text] == []

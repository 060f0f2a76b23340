"""/status with drill-down, /overdue, and the officers' scope — through the real Application."""

from __future__ import annotations

import pytest

from chibo.botapi_emulator import BotApiEmulator
from chibo.storage import audit

from ..usecases.test_status import build_world, org_id
from .conftest import World

NO_ACCESS = "không có quyền truy cập"


@pytest.fixture
async def officers(emu: BotApiEmulator, bot, ctx, clock) -> World:
    await build_world(ctx, clock, bind_users=False)
    return World(emu, ctx)


async def denials(ctx) -> int:
    async with ctx.db.read() as tx:
        return sum(
            (e.after or {}).get("repeats", 1)  # the same refusal again is counted on its row
            for e in await audit.entries(tx, entity="access")
            if e.action == "denied"
        )


async def test_status_drill_down_by_buttons(officers: World):
    tinh = await officers.officer(3001, "P")
    await tinh.send("/status")
    view = await tinh.next_reply()
    assert view.text.startswith("📊 Tỉnh ủy (P) — 20/12/2026")
    assert "Tổng cộng (3 chi bộ):" in view.text
    assert "1. Đảng ủy xã X\n👥 2/2 · 🌱 2 · 📅 12/2026 · 📚 1/2 · 🔁 0/2 · ⚠️ 5" in view.text
    assert "2. Đảng ủy xã Y\n👥 1/0 · 🌱 1 · 📅 01/2026 · 📚 0/1 · 🔁 0/1 · ⚠️ 3" in view.text

    await tinh.press(view, "1. Đảng ủy xã X")
    x = await tinh.next_edit()
    assert x.text.startswith("📊 Đảng ủy xã X (X)")
    assert "1. Chi bộ thôn 1\n👥 1/1 · 🌱 2 · 📅 12/2026 · 📚 ✓ · 🔁 chưa xác nhận · ⚠️ 2" in x.text
    assert "2. Chi bộ thôn 2\n👥 1/1 · 🌱 0 · 📅 12/2026 · 📚 ✗ · 🔁 chưa xác nhận · ⚠️ 3" in x.text
    for button in x.buttons[0] + x.buttons[1]:
        assert len(button.callback_data.encode()) <= 64

    await tinh.press(x, "1. Chi bộ thôn 1")
    cell = await tinh.next_edit()
    assert cell.text.startswith("📊 Chi bộ thôn 1 (C1)")
    assert "👥 Đảng viên: 3 (chính thức 1 · dự bị 1 · miễn sinh hoạt 1)" in cell.text
    assert "🌱 Quần chúng ưu tú đang bồi dưỡng, xem xét kết nạp: 2" in cell.text
    assert "📅 Sinh hoạt thường kỳ gần nhất: 12/2026" in cell.text
    assert "📚 Sinh hoạt chuyên đề quý 4/2026: đã có" in cell.text
    assert "🔁 Đối khớp danh sách kỳ đến 31/12/2026: ⏳ chưa xác nhận" in cell.text
    assert "⚠️ Việc quá hạn: 2" in cell.text
    assert "• 15/07/2026 — chưa đối khớp danh sách đảng viên" in cell.text
    assert "• 01/10/2026 — quý chưa có sinh hoạt chuyên đề" in cell.text

    await tinh.press(cell, "« Lên một cấp")
    assert (await tinh.next_edit()).text.startswith("📊 Đảng ủy xã X (X)")


async def test_overdue_grouped_by_cell_oldest_first(officers: World):
    xa = await officers.officer(2001, "X")
    await xa.send("/overdue")
    text = (await xa.next_reply()).text
    assert text.startswith("⚠️ Việc quá hạn của Đảng ủy xã X (X) ngày 20/12/2026: 5")
    c1, c2 = text.index("Chi bộ thôn 1 (C1): 2"), text.index("Chi bộ thôn 2 (C2): 3")
    assert c1 < c2 and "Chi bộ thôn Đông" not in text
    part = text[c2:]
    assert part.index("15/07/2026") < part.index("01/10/2026") < part.index("05/12/2026")
    assert "• 05/12/2026 — chưa ghi sinh hoạt thường kỳ" in part


async def test_officer_of_another_subtree_is_refused(officers: World):
    ctx = officers.ctx
    xa = await officers.officer(2001, "X")
    await xa.send("/status")
    own = await xa.next_reply()
    assert own.text.startswith("📊 Đảng ủy xã X (X)")
    before = await denials(ctx)

    d1 = await org_id(ctx, "D1")
    y = await org_id(ctx, "Y")
    for data in (
        f"of:s:{d1}",
        f"of:s:{y}:0",
        f"of:o:{d1}",
        f"of:r:{y}",
        f"of:up:{y}",
        "of:s:999999",
    ):
        await xa.press_data(own, data)
        answer = await xa.last_callback_answer()
        assert NO_ACCESS in (answer.text or "") and answer.show_alert, data
    await xa.expect_no_reply()
    assert await denials(ctx) == before + 6

    await xa.send("/status Y")
    refusal = await xa.next_reply()
    assert NO_ACCESS in refusal.text and "Đặng" not in refusal.text
    await xa.send("/overdue D1")
    assert NO_ACCESS in (await xa.next_reply()).text
    assert await denials(ctx) == before + 8

    await xa.press_data(own, "of:s:abc")
    assert "hết hiệu lực" in (await xa.last_callback_answer()).text


async def test_a_secretary_is_refused_status(officers: World):
    ctx = officers.ctx
    lan = await officers.secretary(1001, "C1")
    await lan.send("/status")
    reply = await lan.next_reply()
    assert "dành cho cán bộ cấp ủy" in reply.text and "👥" not in reply.text
    await lan.send("/menu")
    menu = await lan.next_reply()
    assert "Đối khớp danh sách" in str(menu.buttons) and "Tình hình các chi bộ" not in str(
        menu.buttons
    )
    await lan.press_data(menu, f"of:s:{await org_id(ctx, 'C1')}")
    answer = await lan.last_callback_answer()
    assert "dành cho cán bộ cấp ủy" in answer.text
    assert await denials(ctx) == 2


async def test_officer_menu_entries(officers: World):
    xa = await officers.officer(2001, "X")
    await xa.send("/menu")
    menu = await xa.next_reply()
    labels = [b.text for row in menu.buttons for b in row]
    assert {"Tình hình các chi bộ", "Việc quá hạn", "Báo cáo"} <= set(labels)
    await xa.press(menu, "Tình hình các chi bộ")
    assert (await xa.next_edit()).text.startswith("📊 Đảng ủy xã X (X)")


async def test_status_pages_through_many_organisations(officers: World):
    from chibo.usecases import orgs as orgs_uc

    for i in range(10):
        await orgs_uc.add_org(
            officers.ctx, actor="cli", code=f"C9{i}", name=f"Chi bộ số {i}", parent_code="X"
        )
    xa = await officers.officer(2001, "X")
    await xa.send("/status")
    first = await xa.next_reply()
    assert "Trang 1/2" in first.text and "8. Chi bộ số 5" in first.text  # by code
    assert "2. Chi bộ thôn 2" in first.text
    assert "9. " not in first.text
    await xa.press(first, "Trang sau ▶")
    second = await xa.next_edit()
    assert "Trang 2/2" in second.text and "12. Chi bộ số 9" in second.text
    assert "Tổng cộng (12 chi bộ):" in second.text


async def test_status_answers_from_the_plan_warmed_at_start_up_and_at_midnight(
    officers: World, bot, ctx
):
    from datetime import time as dtime

    from chibo.bot import warmup
    from chibo.usecases import daily_plan

    await bot.bot_data[warmup.TASK_KEY]  # started by the start-up hook, without holding it up
    (job,) = bot.job_queue.get_jobs_by_name(warmup.PLAN_JOB)
    assert job.next_t.astimezone(ctx.config.timezone).time() == dtime(0, 0, 30)
    await job.run(bot)  # the nightly run, after build_world changed the organisation tree
    await bot.bot_data[warmup.TASK_KEY]
    warmed = daily_plan.current(ctx.db)
    assert warmed is not None and warmed.day == ctx.today()
    builds = warmed.builds

    tinh = await officers.officer(3001, "P")
    await tinh.send("/status")
    view = await tinh.next_reply()
    assert "Tổng cộng (3 chi bộ):" in view.text
    assert daily_plan.current(ctx.db) is warmed and warmed.builds == builds  # nothing rebuilt

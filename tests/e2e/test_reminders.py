"""Reminders through the real Application and the Bot API emulator.

Sweeps are triggered by calling the sweep (or the job callback) directly with the FixedClock;
the scheduler's registration is checked by inspecting the job queue.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application, CallbackContext, Job

from chibo.bot import scheduler
from chibo.bot.cli import build_parser
from chibo.bot.config import TelegramConfig
from chibo.botapi_emulator import BotApiEmulator, ChatMessage
from chibo.handlers.reminders import TelegramNotifier
from chibo.storage import users as user_store
from chibo.usecases import reminders as uc
from chibo.usecases.i18n import translator

from ..usecases.test_reminders_support import END, add_member, add_officials, at_local
from .conftest import World

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


async def sweep(world: World, app: Application, day: date) -> uc.SweepReport:
    world.ctx.clock.set(at_local(day))
    return await uc.sweep(world.ctx, TelegramNotifier.for_app(app, world.ctx.config.default_locale))


def sends_to(emu: BotApiEmulator, chat_id: int) -> list:
    """The reminder sends (not the welcome or menu messages) to one chat, failed ones too."""
    return [
        c
        for c in emu.calls_to("sendMessage")
        if c.params.get("chat_id") == chat_id and "rem:snooze" in str(c.params)
    ]


def data_of(message: ChatMessage) -> list[str]:
    return [b.callback_data for row in message.buttons for b in row]


async def test_probation_reminder_once_with_working_buttons(emu, world, bot):
    lan = await world.secretary(1001, "C1")
    minh = await world.deputy(1002, "C1")
    await add_officials(world.ctx.db, "C1")
    an = await add_member(world.ctx.db, "C1", "Nguyễn Văn An")

    report = await sweep(world, bot, END)
    assert len(report.sent) == 2
    msg = await lan.next_reply()
    assert msg.text.startswith("📌 Đến hạn — Chi bộ thôn 1\n\n") and "Nguyễn Văn An" in msg.text
    assert [b.text for row in msg.buttons for b in row] == [
        "Xem hồ sơ",
        "Đã họp xét",
        "Nhắc lại sau 3 ngày",
    ]
    snooze_data = data_of(msg)[2]
    assert data_of(msg)[:2] == [f"prob:view:{an}", f"prob:res:{an}"]
    assert snooze_data.startswith("rem:snooze:")
    minh_msg = await minh.next_reply()

    await sweep(world, bot, END)  # a second sweep the same day
    await sweep(world, bot, END + timedelta(days=1))
    assert lan.pending_replies() == [] and minh.pending_replies() == []
    assert len(sends_to(emu, 1001)) == 1

    # the deputy cannot snooze the secretary's copy, even with forged data
    await minh.press_data(minh_msg, snooze_data)
    denied = await minh.last_callback_answer()
    assert denied.show_alert and "không gửi cho đồng chí" in denied.text

    await lan.press(msg, "Nhắc lại sau 3 ngày")
    answer = await lan.last_callback_answer()
    assert answer.text == "Tôi sẽ nhắc lại đồng chí vào ngày 14/09/2025."  # pressed on 11/9
    edited = await lan.next_edit()
    assert data_of(edited) == [f"prob:view:{an}", f"prob:res:{an}"]

    await sweep(world, bot, END + timedelta(days=3))
    assert lan.pending_replies() == []
    await sweep(world, bot, END + timedelta(days=4))
    again = await lan.next_reply()
    assert again.text.startswith("📌 Đến hạn — Chi bộ thôn 1 (nhắc lại)")
    assert minh.pending_replies() == []
    await sweep(world, bot, END + timedelta(days=5))
    assert lan.pending_replies() == []

    view = await lan.press(msg, "Xem hồ sơ")  # handlers/probation.py shows the member's card
    answer = await view.wait_answer()
    assert "hết hiệu lực" not in (answer.text or "")
    card = await lan.next_edit()
    assert "Nguyễn Văn An" in card.text


async def test_flood_limit_is_waited_out_and_sent_once(emu, world, bot):
    lan = await world.secretary(1001, "C1")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    emu.fail_next("sendMessage", error_code=429, retry_after=1)
    report = await sweep(world, bot, END)
    assert report.sent and not report.retry_later
    calls = sends_to(emu, 1001)
    assert [c.error.error_code if c.error else 200 for c in calls] == [429, 200]
    assert (await lan.next_reply()).text.startswith("📌")
    await sweep(world, bot, END)
    assert lan.pending_replies() == [] and len(sends_to(emu, 1001)) == 2


async def test_blocked_user_is_marked_inactive_until_they_write_again(emu, world, bot):
    lan = await world.secretary(1001, "C1")
    minh = await world.deputy(1002, "C1")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    minh.block(notify=False)  # found out by the send's 403, not by a my_chat_member update
    report = await sweep(world, bot, END)
    assert [u for _k, u in report.blocked] == [1002]
    assert (await lan.next_reply()).text.startswith("📌")
    async with world.ctx.db.read() as tx:
        assert (await user_store.get(tx, 1002)).blocked_at is not None

    await sweep(world, bot, END + timedelta(days=1))
    assert len(sends_to(emu, 1002)) == 1  # the one refused attempt, no retry

    minh.unblock()
    await minh.send("/menu")
    await emu.wait_idle()
    minh.pending_replies()
    report = await sweep(world, bot, END + timedelta(days=2))
    assert [u for _k, u in report.sent] == [1002]
    assert "Nguyễn Văn An" in (await minh.next_reply()).text
    assert lan.pending_replies() == []


async def test_the_job_sweeps_and_schedules_a_retry_after_network_errors(
    emu, world, bot, monkeypatch
):
    lan = await world.secretary(1001, "C1")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    monkeypatch.setattr(TelegramNotifier, "BACKOFF_SECONDS", 0.0)
    world.ctx.clock.set(at_local(END))
    emu.fail_next("sendMessage", error_code=500, count=3)
    job = Job(scheduler.sweep_job, data={"retries": 0}, name="test")
    await scheduler.sweep_job(CallbackContext.from_job(job, bot))
    retries = [j for j in bot.job_queue.jobs() if j.name == scheduler.RETRY_JOB]
    assert len(retries) == 1 and retries[0].data == {"retries": 1}
    assert lan.pending_replies() == []

    await scheduler.sweep_job(CallbackContext.from_job(retries[0], bot))  # the retry sweep
    assert "Nguyễn Văn An" in (await lan.next_reply()).text
    assert len([j for j in bot.job_queue.jobs() if j.name == scheduler.RETRY_JOB]) == 1


async def test_scheduler_registers_the_daily_and_catch_up_sweeps(world, bot, clock):
    jobs = {j.name: j for j in bot.job_queue.jobs()}
    daily = jobs[scheduler.DAILY_JOB]
    assert daily.next_t.astimezone(HCM).time() == time(7, 30)
    assert scheduler.CATCH_UP_JOB in jobs  # started at 10:00, after today's sweep time

    clock.set(at_local(date(2026, 11, 24), hour=7))  # a start before 07:30: no catch-up
    await scheduler.schedule_reminders(bot)
    names = [j.name for j in bot.job_queue.jobs()]
    assert names.count(scheduler.DAILY_JOB) == 1 and scheduler.CATCH_UP_JOB not in names


@pytest.mark.parametrize(
    ("hour", "due"), [(7, False), (8, True), (20, True), (21, True), (23, True)]
)
def test_a_restart_catches_up_after_the_daily_time_even_late(ctx, clock, hour, due):
    clock.set(at_local(date(2026, 11, 24), hour=hour))
    assert scheduler.catch_up_due(ctx) is due


@pytest.mark.parametrize(("hour", "due"), [(8, True), (20, True), (21, False), (23, False)])
def test_a_configured_quiet_evening_waits_for_the_next_morning(ctx, clock, hour, due):
    quiet = replace(ctx, config=replace(ctx.config, quiet_from=time(21, 0)))
    clock.set(at_local(date(2026, 11, 24), hour=hour))
    assert scheduler.catch_up_due(quiet) is due


async def test_cli_run_sweeps_through_the_bot_api(emu, world, bot, capsys):
    lan = await world.secretary(1001, "C1")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    config = replace(
        world.ctx.config,
        telegram=TelegramConfig(
            token=emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url
        ),
    )
    args = build_parser().parse_args(["reminders", "run", "--date", END.isoformat()])
    assert await args.func(args, config, translator("en")) == 0
    assert capsys.readouterr().out.startswith("Reminders of 10/09/2025: 1 sent, 0 not delivered")
    assert "Nguyễn Văn An" in (await lan.next_reply()).text
    assert await args.func(args, config, translator("en")) == 0
    assert "0 sent" in capsys.readouterr().out and lan.pending_replies() == []


async def test_officers_get_escalations_without_the_cells_buttons(emu, world, bot):
    lan = await world.secretary(1001, "C1")
    hoa = await world.officer(3001, "X")
    await add_officials(world.ctx.db, "C1")
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    late = world.ctx.calendar.add_working_days(END, 30) + timedelta(days=1)
    await sweep(world, bot, late)
    escalation = await hoa.next_reply()
    assert "Chi bộ thôn 1" in escalation.text and "Nguyễn Văn An" in escalation.text
    assert [b.callback_data.split(":")[0] for row in escalation.buttons for b in row] == ["rem"]
    secretary_copy = await lan.next_reply()
    assert any(d.startswith("prob:view:") for d in data_of(secretary_copy))

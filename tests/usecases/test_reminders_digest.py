"""One message per recipient a day: the digest, its whole-message outcomes, the planner's
audiences, planning off the event loop, and an item's full text on demand."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from datetime import date, timedelta

import pytest

from chibo.rules.reminders import due_reminders
from chibo.storage import audit, reminder_state
from chibo.storage import orgs as org_store
from chibo.storage import reminders as delivery_store
from chibo.storage import users as user_store
from chibo.usecases import reminders as uc
from chibo.usecases.errors import AccessDenied, NotFound
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_reminders_support import (
    END,
    FakeNotifier,
    add_member,
    add_officials,
    at_local,
    blocked_for,
    retry_for,
)

SEC, DEP, SEC2, OFF_X, OFF_P = 1001, 1002, 1101, 2001, 3001
DAY = date(2025, 10, 23)  # the first member's escalation day


@pytest.fixture
async def world(ctx, clock):
    """C1's secretary has three reminders of different urgency on DAY; the officers one."""
    await demo_tree(ctx)
    for tg_id, org, role in (
        (SEC, "C1", "secretary"),
        (DEP, "C1", "deputy"),
        (SEC2, "C2", "secretary"),
        (OFF_X, "X", "officer"),
        (OFF_P, "P", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    await add_officials(ctx.db, "C1", "C2", "D1")
    members = {
        "overdue": await add_member(ctx.db, "C1", "Nguyễn Văn An"),  # ended 10/9/2025
        "due": await add_member(ctx.db, "C1", "Lê Văn Cường", ceremony=date(2024, 10, 23)),
        "info": await add_member(ctx.db, "C1", "Phạm Thị Dung", ceremony=date(2024, 12, 7)),
    }
    clock.set(at_local(DAY))
    return members


def probation(items):
    return [i for i in items if i.reminder.kind.startswith("probation.")]


async def test_everything_due_for_one_person_is_one_message_most_urgent_first(ctx, world):
    notifier = FakeNotifier()
    report = await uc.sweep(ctx, notifier)
    mine = [d for d in notifier.digests if d.user.tg_id == SEC]
    assert len(mine) == 1  # one message, not one per reminder
    (digest,) = mine
    severities = [i.reminder.severity for i in digest.items]
    assert severities == sorted(severities, key=uc.URGENCY.__getitem__)
    assert [i.reminder.severity for i in probation(digest.items)] == ["overdue", "due", "info"]
    # a single reminder still comes alone, with its full text (the officers' escalation)
    assert {i.user.tg_id for i in notifier.attempts if i.reminder.severity == "escalation"} == {
        OFF_X,
        OFF_P,
    }
    assert report.messages == notifier.messages < len(report.sent)
    # exactly once per (reminder, recipient), recorded row by row with the digest's message
    async with ctx.db.read() as tx:
        rows = [d for d in await delivery_store.all_deliveries(tx) if d.user_id == SEC]
    assert {d.key for d in rows} == {i.reminder.key for i in digest.items}
    assert {d.state for d in rows} == {"sent"} and len({d.message_id for d in rows}) == 1
    again = FakeNotifier()
    await uc.sweep(ctx, again)
    assert again.attempts == []


async def test_digest_lines_name_what_whom_and_since_when(ctx, world):
    notifier = FakeNotifier()
    await uc.sweep(ctx, notifier)
    (digest,) = [d for d in notifier.digests if d.user.tg_id == SEC]
    _ = translator("vi")
    assert _.msg(uc.digest_header(digest)).startswith(
        "🗓 Nhắc việc ngày 23/10/2025 — Chi bộ thôn 1 ("
    )
    lines = [_.msg(uc.digest_line(i, with_cell=False)) for i in probation(digest.items)]
    assert lines[0] == "⚠️ Quá hạn xét chuyển đảng chính thức — Nguyễn Văn An, từ 23/10/2025"
    assert lines[1].startswith("📌 Xét chuyển đảng chính thức — Lê Văn Cường, từ ")
    assert lines[2].startswith("🔔 Chuẩn bị hồ sơ chuyển đảng chính thức — Phạm Thị Dung")
    assert all("Điều lệ" not in line and "Quy định" not in line for line in lines)  # no sources


async def test_a_digest_that_failed_is_retried_whole(ctx, world):
    failing = FakeNotifier(retry_for(SEC))
    report = await uc.sweep(ctx, failing)
    (first,) = [d for d in failing.digests if d.user.tg_id == SEC]
    assert {k for k, u in report.retry_later} == {i.reminder.key for i in first.items}
    later = FakeNotifier()
    await uc.sweep(ctx, later)
    (again,) = later.digests
    assert again.user.tg_id == SEC and [i.reminder.key for i in again.items] == [
        i.reminder.key for i in first.items
    ]


async def test_an_uncertain_digest_is_never_sent_again(ctx, world):
    lost = FakeNotifier(lambda i: uc.Uncertain() if i.user.tg_id == SEC else None)
    report = await uc.sweep(ctx, lost)
    (digest,) = [d for d in lost.digests if d.user.tg_id == SEC]
    assert {k for k, u in report.uncertain} == {i.reminder.key for i in digest.items}
    for day in (DAY, DAY + timedelta(days=1)):
        ctx.clock.set(at_local(day))
        later = FakeNotifier()
        await uc.sweep(ctx, later)
        keys = {i.reminder.key for i in later.attempts if i.user.tg_id == SEC}
        assert not keys & {i.reminder.key for i in digest.items}


async def test_a_blocked_recipient_fails_the_whole_digest(ctx, world):
    notifier = FakeNotifier(blocked_for(SEC))
    report = await uc.sweep(ctx, notifier)
    (digest,) = [d for d in notifier.digests if d.user.tg_id == SEC]
    assert {k for k, u in report.blocked if u == SEC} == {i.reminder.key for i in digest.items}
    async with ctx.db.read() as tx:
        blocked = [e for e in await audit.entries(tx) if e.action == "blocked"]
    assert [str(e.entity_id) for e in blocked] == [str(SEC)]  # audited once, not per item


async def test_long_lists_are_split_into_digests_of_at_most_max_digest(ctx, world, monkeypatch):
    monkeypatch.setattr(uc, "MAX_DIGEST", 2)
    notifier = FakeNotifier()
    await uc.sweep(ctx, notifier)
    mine = [i for i in notifier.attempts if i.user.tg_id == SEC]
    sizes = [len(d.items) for d in notifier.digests if d.user.tg_id == SEC]
    assert all(n <= 2 for n in sizes) and sum(sizes) + (len(mine) - sum(sizes)) == len(mine)
    assert uc.by_urgency(mine) == mine  # the most urgent in the first digest


async def test_the_planner_finds_the_same_recipients_as_the_queries(ctx, world):
    """Role holders are loaded once (`_Audiences`); `recipients_of` is the reference."""
    async with ctx.db.read() as tx:
        state = await reminder_state.load(tx)
        orgs = {o.id: o for o in await org_store.all_orgs(tx)}
        due = due_reminders(state, DAY, ctx.calendar, ctx.catalogue)
        holders = await user_store.all_holders(tx, ("secretary", "deputy", "officer"))
        audiences = uc._Audiences(holders, orgs)
        assert due and any("officer" in r.recipients for r in due)
        for reminder in due:
            assert audiences.of(reminder) == await uc.recipients_of(tx, reminder)


async def test_planning_runs_off_the_event_loop(ctx, world, monkeypatch):
    """The sweep plans in a worker thread with its own connection: the loop keeps running."""
    threads: list[str] = []
    real_load = reminder_state.load

    async def slow_load(tx, org_ids=None, **day):
        threads.append(threading.current_thread().name)
        time.sleep(0.3)  # CPU-bound work the loop must not wait for
        return await real_load(tx, org_ids, **day)

    monkeypatch.setattr(reminder_state, "load", slow_load)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    try:
        off = await uc.plan_off_loop(ctx, DAY)
    finally:
        task.cancel()
    assert threads and threads[0] != threading.main_thread().name
    assert ticks >= 10  # the loop ticked while the plan was computed
    monkeypatch.setattr(reminder_state, "load", real_load)
    on = await uc.plan(ctx, DAY)
    assert [(i.reminder.key, i.recipients) for i in off.items] == [
        (i.reminder.key, i.recipients) for i in on.items
    ]


async def test_an_item_opens_for_its_recipient_only(ctx, world):
    notifier = FakeNotifier()
    await uc.sweep(ctx, notifier)
    (digest,) = [d for d in notifier.digests if d.user.tg_id == SEC]
    item = digest.items[0]
    shown = await uc.detail(ctx, user_id=SEC, delivery_id=item.delivery_id)
    assert shown.reminder.key == item.reminder.key and shown.in_cell
    text = translator("vi").msg(shown.message)
    assert text.startswith("⚠️ Quá hạn — Chi bộ thôn 1") and "Quy định" in text  # sources
    with pytest.raises(AccessDenied):
        await uc.detail(ctx, user_id=SEC2, delivery_id=item.delivery_id)
    with pytest.raises(NotFound):
        await uc.detail(ctx, user_id=SEC, delivery_id=99999)
    # dealt with: no longer due (neither today nor on its day)
    async with ctx.db.transaction() as tx:
        await tx.execute(
            "INSERT INTO conversions (member_id, cell_resolution_date, updated_at)"
            " VALUES (?, ?, '2025-01-01')",
            (world["overdue"], (END + timedelta(days=20)).isoformat()),
        )
    with pytest.raises(NotFound):
        await uc.detail(ctx, user_id=SEC, delivery_id=item.delivery_id)


def test_every_documented_kind_has_a_digest_title():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "reminders.md").read_text("utf-8")
    kinds = {
        k
        for cell in re.findall(r"^\| (`[a-z_.]+`(?: / `[a-z_.]+`)*) \|", doc, re.M)
        for k in re.findall(r"`([a-z_]+\.[a-z_.]+)`", cell)
    }
    assert len(kinds) > 30
    assert sorted(kinds - set(uc.KIND_TITLES)) == []

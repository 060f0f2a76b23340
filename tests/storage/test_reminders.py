"""Exactly-once delivery: concurrent sweeps, a crash mid-sweep, re-runs, downtime catch-up."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta

import pytest

from chibo.rules.probation_reminders import PROBATION_FAMILY
from chibo.storage import orgs as org_store
from chibo.storage import reminder_state
from chibo.storage import reminders as store
from chibo.storage.db import Database
from chibo.storage.reminders import NewDelivery
from chibo.usecases import reminders as uc
from chibo.usecases.context import AppContext
from chibo.usecases.reminders import Delivered

from ..usecases.helpers import bind, demo_tree
from ..usecases.test_reminders_support import (
    END,
    FakeNotifier,
    add_member,
    add_officials,
    at_local,
)

MEMBERS = 6  # per cell; C1 has a secretary and a deputy, C2 a secretary: 18 deliveries a step


class Crash(BaseException):
    """The process dies (not an error the sweep may catch)."""


@pytest.fixture
async def world(ctx, clock):
    await demo_tree(ctx)
    for tg_id, org, role in (
        (1001, "C1", "secretary"),
        (1002, "C1", "deputy"),
        (1101, "C2", "secretary"),
        (2001, "X", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    await add_officials(ctx.db, "C1", "C2", "D1")
    for i in range(MEMBERS):
        await add_member(ctx.db, "C1", f"Đảng viên C1-{i}")
        await add_member(ctx.db, "C2", f"Đảng viên C2-{i}")
    clock.set(at_local(END))
    return ctx


async def reopen(ctx: AppContext) -> AppContext:
    """A restart: a new connection (and process state) on the same file."""
    db = await Database.open(ctx.config.db_path)
    return AppContext.build(db, ctx.clock, ctx.config)


def assert_once(pairs: list[tuple[str, int]]) -> None:
    dupes = [p for p, n in Counter(pairs).items() if n > 1]
    assert dupes == [], f"sent more than once: {dupes}"


async def test_two_processes_sweeping_at_once_send_each_reminder_once(world):
    other = await reopen(world)
    third = await reopen(world)
    planned = {
        (i.reminder.key, r.user.tg_id)
        for i in (await uc.plan(world, END)).items
        for r in i.recipients
    }
    assert len(planned) == 3 * MEMBERS
    notifier = FakeNotifier()
    try:
        reports = await asyncio.gather(
            uc.sweep(world, notifier),
            uc.sweep(other, notifier),
            uc.sweep(third, notifier),
            uc.sweep(world, notifier),
        )
    finally:
        await other.db.close()
        await third.db.close()
    assert_once(notifier.pairs)
    assert set(notifier.pairs) == planned
    assert sum(len(r.sent) for r in reports) == len(planned)
    assert sum(r.skipped for r in reports) > 0  # the sweeps really raced for the claims
    again = FakeNotifier()
    await uc.sweep(world, again)
    assert again.attempts == []


async def test_crash_mid_sweep_then_restart_sends_the_rest_once(world, clock):
    """Each recipient's reminders go as one digest: the process dies sending the second."""

    def crash_on_second(item):
        if len(first.digests) == 2:
            raise Crash

    first = FakeNotifier(crash_on_second)
    with pytest.raises(Crash):
        await uc.sweep(world, first, concurrency=1)
    assert len(first.sent) == MEMBERS and len(first.digests) == 2
    crashed = {(i.reminder.key, i.user.tg_id) for i in first.digests[-1].items}

    restarted = await reopen(world)
    try:
        second = FakeNotifier()
        await uc.sweep(restarted, second)  # the crashed claims are fresh: left alone
        assert not crashed & set(second.pairs)
        assert_once(first.pairs + second.pairs + sorted(crashed))
        assert len(first.pairs) + len(second.pairs) == 3 * MEMBERS - MEMBERS

        clock.advance(minutes=uc.STALE_CLAIM.total_seconds() / 60 + 1)
        third = FakeNotifier()
        report = await uc.sweep(restarted, third)
        assert set(third.pairs) == crashed and report.held == 0
        assert third.messages == 1  # the crashed digest is sent again whole
        assert_once(first.pairs + second.pairs + third.pairs)

        fourth = FakeNotifier()
        await uc.sweep(restarted, fourth)
        assert fourth.attempts == []
    finally:
        await restarted.db.close()


async def test_crash_after_telegram_accepted_is_at_least_once(world, clock):
    """The documented window: sent, but the process died before recording it."""

    class SendThenDie(FakeNotifier):
        async def deliver_digest(self, digest):
            await super().deliver_digest(digest)
            raise Crash

    first = SendThenDie()
    with pytest.raises(Crash):
        await uc.sweep(world, first, concurrency=1)
    lost = first.pairs
    assert len(lost) == MEMBERS  # one digest
    clock.advance(minutes=uc.STALE_CLAIM.total_seconds() / 60 + 1)
    later = FakeNotifier()
    await uc.sweep(world, later)
    assert all(later.pairs.count(p) == 1 for p in lost)  # the user sees a duplicate digest


async def test_a_claim_taken_over_cannot_be_recorded_by_the_old_sweep(world, clock):
    async with world.db.transaction() as tx:
        c1 = await org_store.by_code(tx, "C1")
        new = NewDelivery("k:member:1:end", 1001, "k", c1.id, "member", 1, END, ("secretary",))
        kw = {"now": world.now(), "stale_before": world.now() - uc.STALE_CLAIM, "today": END}
        row = await store.claim(tx, new, token="old", **kw)
        assert await store.claim(tx, new, token="new", **kw) is None
        later = world.now() + uc.STALE_CLAIM * 2
        assert (
            await store.claim(
                tx, new, token="new", now=later, stale_before=later - uc.STALE_CLAIM, today=END
            )
            == row
        )
        assert not await store.mark_sent(tx, row, token="old", now=later, message_id=1)
        assert await store.mark_sent(tx, row, token="new", now=later, message_id=2)
        got = await store.get(tx, row)
    assert got.state == "sent" and got.message_id == 2 and got.attempts == 2


async def test_claim_rules(world):
    async with world.db.transaction() as tx:
        c1 = await org_store.by_code(tx, "C1")
        new = NewDelivery("k:member:1:end", 1001, "k", c1.id, "member", 1, END, ("secretary",))
        kw = {"now": world.now(), "stale_before": world.now() - uc.STALE_CLAIM, "today": END}
        row = await store.claim(tx, new, token="a", **kw)
        assert row is not None
        await store.mark_failed(tx, row, token="a", error="429")
        assert await store.claim(tx, new, token="b", **kw) == row  # failed: retried
        await store.mark_sent(tx, row, token="b", now=world.now(), message_id=7)
        assert await store.claim(tx, new, token="c", **kw) is None  # sent: done
        await store.snooze(tx, row, END + timedelta(days=3))
        assert await store.claim(tx, new, token="c", **kw) is None  # snoozed, not yet
        snoozed_kw = {**kw, "today": END + timedelta(days=3)}
        assert await store.claim(tx, new, token="c", **snoozed_kw) == row
        got = await store.get(tx, row)
        assert got.snooze_until is None and got.state == "claimed" and got.snoozes == 1
        assert not got.claimable(END + timedelta(days=3), kw["stale_before"])


async def test_same_day_second_sweep_and_restart_send_nothing(world):
    first = FakeNotifier()
    await uc.sweep(world, first)
    assert len(first.pairs) == 3 * MEMBERS
    restarted = await reopen(world)
    try:
        for ctx in (world, restarted):
            again = FakeNotifier()
            await uc.sweep(ctx, again)
            assert again.attempts == []
    finally:
        await restarted.db.close()


async def test_downtime_catch_up_sends_one_per_chain(world, clock):
    clock.set(at_local(date(2025, 10, 29)))  # last sweep long before the prepare step
    notifier = FakeNotifier()
    await uc.sweep(world, notifier)
    per_subject = Counter(
        (i.reminder.subject_id, i.reminder.kind.split(":")[0], i.user.tg_id) for i in notifier.sent
    )
    assert set(per_subject.values()) == {1}
    kinds = {i.reminder.kind for i in notifier.sent}
    assert kinds == {"probation.overdue", "probation.escalation"}
    assert {i.reminder.step for i in notifier.sent} == {"+7d#7", "+30wd"}


async def test_reminder_state_reads_probation_cases(world):
    official = await add_member(world.db, "C1", "Chính Thức", status="official")
    no_ceremony = await add_member(world.db, "C1", "Chưa Kết Nạp", ceremony=None)
    resolved = await add_member(
        world.db,
        "D1",
        "Đã Họp",
        resolution=date(2025, 9, 20),
        decision=date(2025, 10, 1),
        course_done=None,
    )
    async with world.db.read() as tx:
        every = await reminder_state.load(tx)
        d1 = await org_store.by_code(tx, "D1")
        x = await org_store.by_code(tx, "X")
        only_d1 = await reminder_state.load(tx, [d1.id])
        under_x = await reminder_state.load(tx, await org_store.subtree_ids(tx, x.id))
        none = await reminder_state.load(tx, [])
    ids = {c.member_id for c in every[PROBATION_FAMILY]}
    assert official not in ids and no_ceremony not in ids and resolved in ids
    (case,) = only_d1[PROBATION_FAMILY]
    assert case.cell_resolution_date == date(2025, 9, 20)
    assert case.committee_decision_date == date(2025, 10, 1)
    assert case.course_done_date is None and case.ceremony_date == date(2024, 9, 10)
    assert len(under_x[PROBATION_FAMILY]) == 2 * MEMBERS and none[PROBATION_FAMILY] == ()


async def test_delivered_results_keep_their_message_id(world):
    notifier = FakeNotifier(lambda item: Delivered(42))
    await uc.sweep(world, notifier)
    async with world.db.read() as tx:
        rows = await store.all_deliveries(tx)
    assert {r.message_id for r in rows} == {42}


def test_every_reminder_family_is_registered_once_with_its_loader():
    """A family declared in a rules module and forgotten in `FAMILIES` would never be swept."""
    import importlib
    import pkgutil

    import chibo.rules
    from chibo.rules.reminder_model import ReminderFamily

    declared = {
        value
        for info in pkgutil.iter_modules(chibo.rules.__path__)
        for value in vars(importlib.import_module(f"chibo.rules.{info.name}")).values()
        if isinstance(value, ReminderFamily)
    }
    registered = [f.family for f in reminder_state.FAMILIES]
    assert len(registered) == len(set(registered)) == len({f.name for f in registered})
    assert set(registered) == declared


async def test_a_new_family_is_one_planner_one_loader_and_one_entry(world, monkeypatch):
    """The snapshot and the sweep cover whatever `FAMILIES` lists (docs/architecture.md)."""
    from chibo.rules.messages import Msg
    from chibo.rules.reminder_model import SECRETARIAT, Reminder, ReminderFamily
    from chibo.rules.reminders import due_reminders

    async def load(tx, org_ids):
        return [org_id for org_id in (org_ids or [1, 2]) if org_id == 2]

    def plan(cases, today, calendar, catalogue):
        return [
            Reminder("echo", o, "cell", o, "", today, "0", "info", SECRETARIAT, {}, Msg("echo"))
            for o in cases
        ]

    echo = ReminderFamily("echo", plan)
    entry = reminder_state.Registered(echo, load)
    monkeypatch.setattr(reminder_state, "FAMILIES", (*reminder_state.FAMILIES, entry))
    async with world.db.read() as tx:
        state = await reminder_state.load(tx, [1, 2, 3])
    assert state[echo] == (2,)
    due = due_reminders(state, date(2026, 1, 5), world.calendar, world.catalogue)
    assert [(r.kind, r.org_id) for r in due if r.kind == "echo"] == [("echo", 2)]

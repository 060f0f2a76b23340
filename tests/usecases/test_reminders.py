"""The reminder sweep with a fake channel: recipients, idempotency, failures, snooze, scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chibo.storage import audit
from chibo.storage import orgs as org_store
from chibo.storage import reminders as delivery_store
from chibo.storage import users as user_store
from chibo.usecases import reminders as uc
from chibo.usecases import users as users_uc
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
    probation_only,
    record_resolution,
    retry_for,
)

SEC, DEP, SEC2, OFF_X, OFF_P, OFF_Y = 1001, 1002, 1101, 2001, 3001, 4001


@pytest.fixture
async def world(ctx):
    """C1 (secretary + deputy) and C2 (secretary) under X under P; officers of X, P and Y."""
    await demo_tree(ctx)
    for tg_id, org, role in (
        (SEC, "C1", "secretary"),
        (DEP, "C1", "deputy"),
        (SEC2, "C2", "secretary"),
        (OFF_X, "X", "officer"),
        (OFF_P, "P", "officer"),
        (OFF_Y, "Y", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    await add_officials(ctx.db, "C1", "C2", "D1")
    an = await add_member(ctx.db, "C1", "Nguyễn Văn An")
    binh = await add_member(ctx.db, "C2", "Trần Thị Bình")
    return {"an": an, "binh": binh}


async def run(ctx, clock, day: date, notifier: FakeNotifier | None = None, **kw):
    clock.set(at_local(day))
    notifier = notifier or FakeNotifier()
    report = await uc.sweep(ctx, notifier, **kw)
    return notifier, report


async def test_due_day_reaches_each_secretary_and_deputy_once(ctx, clock, world):
    sent, report = await run(ctx, clock, END)
    an_key = f"probation.due:member:{world['an']}:end"
    binh_key = f"probation.due:member:{world['binh']}:end"
    expected = [(an_key, SEC), (an_key, DEP), (binh_key, SEC2)]
    assert sorted(probation_only(sent.pairs)) == sorted(expected)
    assert report.sent == sent.pairs and not report.retry_later and not report.blocked
    text = translator("vi").msg(sent.sent[0].message)
    assert text.startswith("📌 Đến hạn — Chi bộ thôn 1\n\n")
    assert "Nguyễn Văn An" in text and "10/09/2025" in text

    again, _ = await run(ctx, clock, END)
    assert again.attempts == []


async def test_after_downtime_one_reminder_per_chain(ctx, clock, world):
    sent, _ = await run(ctx, clock, date(2025, 10, 29))  # nothing swept since July
    an = world["an"]
    assert sorted(p for p in sent.pairs if f":{an}:" in p[0]) == [
        (f"probation.escalation:member:{an}:+30wd", OFF_X),
        (f"probation.escalation:member:{an}:+30wd", OFF_P),
        (f"probation.overdue:member:{an}:+7d#7", SEC),
        (f"probation.overdue:member:{an}:+7d#7", DEP),
    ]
    escalation = next(i for i in sent.sent if i.reminder.severity == "escalation")
    assert translator("vi").msg(escalation.message).startswith("🚨 Cần đôn đốc — Chi bộ thôn 1")
    nothing, _ = await run(ctx, clock, date(2025, 10, 30))
    assert nothing.attempts == []


async def test_blocked_user_is_marked_and_skipped_until_they_write(ctx, clock, world):
    _, report = await run(ctx, clock, END, FakeNotifier(blocked_for(DEP)))
    assert {u for _k, u in report.blocked} == {DEP}
    async with ctx.db.read() as tx:
        assert (await user_store.get(tx, DEP)).blocked_at is not None
        assert (await audit.entries(tx, entity="user", entity_id=DEP))[0].action == "blocked"
    second, _ = await run(ctx, clock, END + timedelta(days=1))
    assert second.attempts == []
    await users_uc.seen(ctx, tg_id=DEP, full_name="Dep", username=None, tg_language="vi")
    third, _ = await run(ctx, clock, END + timedelta(days=2))
    assert probation_only(third.pairs) == [(f"probation.due:member:{world['an']}:end", DEP)]


async def test_transient_failure_is_retried_by_the_next_sweep(ctx, clock, world):
    _, report = await run(ctx, clock, END, FakeNotifier(retry_for(SEC)))
    assert [u for _k, u in report.retry_later] == [SEC] and report.needs_follow_up
    retry, _ = await run(ctx, clock, END)
    assert probation_only(retry.pairs) == [(f"probation.due:member:{world['an']}:end", SEC)]


async def test_a_channel_error_does_not_stop_the_sweep(ctx, clock, world):
    def boom(item):
        if item.user.tg_id == SEC:
            raise RuntimeError("channel bug")

    notifier, report = await run(ctx, clock, END, FakeNotifier(boom))
    assert len(notifier.sent) == 2 and [u for _k, u in report.retry_later] == [SEC]


async def test_snooze_resends_once_after_three_days(ctx, clock, world):
    sent, _ = await run(ctx, clock, END)
    mine = next(i for i in sent.sent if i.user.tg_id == SEC)
    until = await uc.snooze(ctx, user_id=SEC, delivery_id=mine.delivery_id)
    assert until == END + timedelta(days=3)
    early, _ = await run(ctx, clock, END + timedelta(days=2))
    assert early.attempts == []
    again, _ = await run(ctx, clock, until)
    assert probation_only(again.pairs) == [(mine.reminder.key, SEC)] and again.sent[0].again
    assert again.sent[0].delivery_id == mine.delivery_id
    assert "(nhắc lại)" in translator("vi").msg(again.sent[0].message)
    later, _ = await run(ctx, clock, until + timedelta(days=1))
    assert later.attempts == []


async def test_snooze_is_dropped_when_the_condition_is_gone(ctx, clock, world):
    sent, _ = await run(ctx, clock, END)
    mine = next(i for i in sent.sent if i.user.tg_id == SEC)
    await uc.snooze(ctx, user_id=SEC, delivery_id=mine.delivery_id)
    await record_resolution(ctx, world["an"], END + timedelta(days=1))
    after, _ = await run(ctx, clock, END + timedelta(days=3))
    assert [p for p in after.pairs if p[1] == SEC] == []


async def test_snooze_not_resent_when_a_newer_step_replaced_it(ctx, clock, world):
    sent, _ = await run(ctx, clock, END + timedelta(days=5))
    mine = next(i for i in sent.sent if i.user.tg_id == SEC)
    await uc.snooze(ctx, user_id=SEC, delivery_id=mine.delivery_id)  # until 18/9
    newer, _ = await run(ctx, clock, date(2025, 9, 17))
    # the weekly step before the legal deadline: due for the review, not overdue (issue 9 §3)
    assert all(k.startswith("probation.due") and k.endswith(":+7d#1") for k, _u in newer.pairs)
    on_until, _ = await run(ctx, clock, date(2025, 9, 18))
    assert on_until.attempts == []


async def test_only_the_recipient_in_scope_may_snooze(ctx, clock, world):
    sent, _ = await run(ctx, clock, END)
    mine = next(i for i in sent.sent if i.user.tg_id == SEC)
    for stranger in (DEP, SEC2, OFF_X):
        with pytest.raises(AccessDenied):
            await uc.snooze(ctx, user_id=stranger, delivery_id=mine.delivery_id)
    async with ctx.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
    assert [e.actor for e in denied] == [str(OFF_X), str(SEC2), str(DEP)]
    with pytest.raises(NotFound):
        await uc.snooze(ctx, user_id=SEC, delivery_id=99999)
    await users_uc.remove_user(ctx, actor="cli", tg_id=SEC)
    with pytest.raises(AccessDenied):
        await uc.snooze(ctx, user_id=SEC, delivery_id=mine.delivery_id)


async def test_officer_may_snooze_an_escalation(ctx, clock, world):
    sent, _ = await run(ctx, clock, date(2025, 10, 23))
    esc = next(i for i in sent.sent if i.user.tg_id == OFF_P)
    assert await uc.snooze(ctx, user_id=OFF_P, delivery_id=esc.delivery_id)
    with pytest.raises(AccessDenied):
        await uc.snooze(ctx, user_id=OFF_Y, delivery_id=esc.delivery_id)


async def test_sweep_limited_to_an_org_subtree(ctx, clock, world):
    only_c2, _ = await run(ctx, clock, END, org_code="C2")
    assert {u for _k, u in probation_only(only_c2.pairs)} == {SEC2}
    nothing, _ = await run(ctx, clock, END, org_code="Y")
    assert nothing.attempts == []
    rest, _ = await run(ctx, clock, END, org_code="P")
    assert {u for _k, u in probation_only(rest.pairs)} == {SEC, DEP}
    with pytest.raises(NotFound):
        await uc.plan(ctx, END, org_code="NOPE")


async def test_two_roles_in_one_cell_get_one_message(ctx, clock, world):
    async with ctx.db.transaction() as tx:
        c1 = await org_store.by_code(tx, "C1")
        await user_store.grant(
            tx, user_id=SEC, org_id=c1.id, role="deputy", invite_id=None, at=ctx.now()
        )
    sent, _ = await run(ctx, clock, END, org_code="C1")
    assert sorted(u for _k, u in probation_only(sent.pairs)) == [SEC, DEP]


async def test_a_cell_without_bound_users_plans_nothing(ctx, clock, world):
    await add_member(ctx.db, "D1", "Lê Văn Cường")
    current = await uc.plan(ctx, END, org_code="D1")
    assert current.items == ()


async def test_deliveries_are_recorded(ctx, clock, world):
    sent, _ = await run(ctx, clock, END)
    async with ctx.db.read() as tx:
        rows = await delivery_store.all_deliveries(tx)
    assert {(r.key, r.user_id, r.state) for r in rows} == {(k, u, "sent") for k, u in sent.pairs}
    assert all(r.message_id and r.sent_at for r in rows)

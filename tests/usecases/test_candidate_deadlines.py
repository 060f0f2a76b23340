"""Candidate reminders fed from the database: A10, A11 (working days across Tết 2026), A3,
stalled files; in the sweep's plan and in `chibo reminders due --json`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chibo.bot.cli import build_parser
from chibo.usecases import candidate_steps as steps_uc
from chibo.usecases import candidates as uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.i18n import translator

from .helpers import bind
from .test_candidates import advance, new_candidate, roster_c1
from .test_reminders_support import FakeNotifier

#: Tết 2026 for civil servants: Mon 16/02 - Fri 20/02 are days off (domain-rules §8).
#: Decision received Fri 06/02: the 15th working day after it is Fri 06/03 (not 27/02), so the
#: reminder comes the day after, once 15 working days have fully passed.
CEREMONY = [
    (date(2026, 3, 6), None),
    (date(2026, 3, 7), "candidate.ceremony:candidate:{cid}:+15wd"),
    (date(2026, 3, 20), "candidate.ceremony:candidate:{cid}:+15wd"),
    (date(2026, 3, 21), "candidate.ceremony:candidate:{cid}:+25wd"),  # 25th: Fri 20/03
    (date(2026, 3, 27), "candidate.ceremony:candidate:{cid}:+25wd"),
    (date(2026, 3, 28), "candidate.ceremony.overdue:candidate:{cid}:+30wd"),  # 30th: 27/03
]
#: Cell resolution Tue 20/01: +40 working days = Tue 24/03; +60 = Tue 21/04.
DECISION = [
    (date(2026, 3, 24), None),
    (date(2026, 3, 25), "candidate.decision:candidate:{cid}:+40wd"),
    (date(2026, 4, 22), "candidate.decision:candidate:{cid}:+60wd"),
]


async def keys(ctx, day: date, prefix: str) -> list[str]:
    plan = await reminders_uc.plan(ctx, day)
    return [p.reminder.key for p in plan.items if p.reminder.kind.startswith(prefix)]


@pytest.fixture
async def cell(ctx):
    ids = await roster_c1(ctx)
    await bind(ctx, 11, "C1", "secretary")
    await bind(ctx, 21, "X", "officer")
    return ids


async def early_file(ctx, ids, upto: str) -> int:
    """A file moved to January 2026 so that its deadlines cross Tết."""
    cid = await new_candidate(ctx, ids)
    await advance(
        ctx,
        ids,
        cid,
        upto,
        course_cert_date=date(2025, 6, 2),
        application_date=date(2025, 7, 1),
        background_date=date(2025, 7, 2),
        verification_date=date(2025, 9, 1),
        background_comment_date=None,
        introduction_date=date(2025, 11, 3),
        cell_resolution_date=date(2026, 1, 20),
        grassroots_resolution_date=date(2026, 1, 27),
        decision_date=date(2026, 2, 4),
        decision_received_date=date(2026, 2, 6),
    )
    return cid


@pytest.mark.parametrize(("day", "key"), DECISION, ids=str)
async def test_decision_chased_after_40_and_60_working_days(ctx, cell, day, key):
    cid = await early_file(ctx, cell, "gr")
    assert await keys(ctx, day, "candidate.decision") == ([key.format(cid=cid)] if key else [])


async def test_the_overdue_decision_also_goes_to_the_officers_above(ctx, cell):
    cid = await early_file(ctx, cell, "gr")
    plan = await reminders_uc.plan(ctx, date(2026, 4, 22))
    item = next(
        p
        for p in plan.items
        if p.reminder.subject_id == cid and p.reminder.kind == "candidate.decision"
    )
    assert sorted(r.user.tg_id for r in item.recipients) == [11, 21]


@pytest.mark.parametrize(("day", "key"), CEREMONY, ids=str)
async def test_ceremony_reminded_from_the_decision_received(ctx, cell, day, key):
    cid = await early_file(ctx, cell, "dec")
    assert await keys(ctx, day, "candidate.ceremony") == ([key.format(cid=cid)] if key else [])


async def test_certificate_expiring_and_stalled_file(ctx, cell):
    cid = await new_candidate(ctx, cell)
    await steps_uc.record_step(
        ctx,
        actor="cli",
        candidate_id=cid,
        code="crs",
        values={"course_cert_date": date(2022, 3, 1)},
    )
    # valid until 01/03/2027: reminded 90 days before, on 01/12/2026
    assert await keys(ctx, date(2026, 11, 30), "candidate.certificate") == []
    assert await keys(ctx, date(2026, 12, 1), "candidate.certificate") == [
        f"candidate.certificate:candidate:{cid}:-90d"
    ]
    # the file was listed on 01/12/2025 and its latest date is the 2022 certificate
    assert await keys(ctx, date(2026, 5, 31), "candidate.stalled") == []
    assert await keys(ctx, date(2026, 6, 1), "candidate.stalled") == [
        f"candidate.stalled:candidate:{cid}:2025-12-01+6m"
    ]


async def test_admitted_and_closed_files_are_not_reminded(ctx, cell):
    done = await early_file(ctx, cell, "cer")
    closed = await new_candidate(ctx, cell, full_name="Bùi Thị Lan")
    await uc.close(
        ctx,
        actor="cli",
        candidate_id=closed,
        status="not_admitted",
        reason="Chi bộ không đủ 2/3 tán thành",
    )
    plan = await reminders_uc.plan(ctx, date(2026, 12, 31))
    assert not [p for p in plan.items if p.reminder.subject_type == "candidate"]
    # the new member's probation reminders start (from the roster): course at month 3
    member_id = (await uc.view(ctx, "cli", done)).candidate.member_id
    assert [
        k for k in await keys(ctx, date(2026, 9, 25), "probation.course") if f":{member_id}:" in k
    ] == [f"probation.course:member:{member_id}:m3"]


async def test_reminders_due_json_lists_candidate_reminders(ctx, cell, capsys):
    cid = await early_file(ctx, cell, "dec")
    args = build_parser().parse_args(["reminders", "due", "--json", "--date", "2026-03-07"])
    assert await args.func(args, ctx.config, translator("vi")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    row = next(r for r in rows if r["subject_type"] == "candidate")
    assert (row["kind"], row["subject_id"], row["step"], row["users"]) == (
        "candidate.ceremony",
        cid,
        "+15wd",
        [11],
    )
    assert "Đỗ Minh Khoa" in row["text"]


async def test_the_daily_sweep_sends_a_candidate_reminder_once(ctx, cell):
    cid = await early_file(ctx, cell, "gr")
    notifier = FakeNotifier()
    await reminders_uc.sweep(ctx, notifier, today=date(2026, 4, 22))
    await reminders_uc.sweep(ctx, notifier, today=date(2026, 4, 22))
    sent = [(k, u) for k, u in notifier.pairs if k.startswith("candidate.decision")]
    assert sorted(sent) == [
        (f"candidate.decision:candidate:{cid}:+60wd", 11),
        (f"candidate.decision:candidate:{cid}:+60wd", 21),
    ]

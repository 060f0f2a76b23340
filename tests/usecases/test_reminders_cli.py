"""`chibo reminders due` previews exactly what the sweep then sends (table-driven over dates)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chibo.bot.cli import CliError, build_parser, main
from chibo.usecases import reminders as uc
from chibo.usecases.errors import NotFound
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_reminders_support import FakeNotifier, add_member, add_officials, at_local


@pytest.fixture
async def world(ctx):
    await demo_tree(ctx)
    for tg_id, org, role in (
        (1001, "C1", "secretary"),
        (1002, "C1", "deputy"),
        (1101, "C2", "secretary"),
        (2001, "X", "officer"),
        (3001, "P", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    await add_officials(ctx.db, "C1", "C2", "D1")
    await add_member(ctx.db, "C1", "Nguyễn Văn An")
    await add_member(ctx.db, "C2", "Trần Thị Bình", course_done=None)
    await add_member(ctx.db, "C1", "Lê Văn Cường", resolution=date(2025, 9, 12))
    await add_member(ctx.db, "D1", "Phạm Văn Dũng")  # no secretary bound in D1
    return ctx


async def due(ctx, capsys, *argv: str) -> list[dict]:
    args = build_parser().parse_args(["reminders", "due", *argv, "--json"])
    assert await args.func(args, ctx.config, translator("vi")) == 0
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


DATES = [
    date(2024, 11, 1),  # nothing yet
    date(2024, 12, 10),  # course month 3 (Bình)
    date(2025, 7, 27),  # prepare -45 days (An, Bình); Cường: course chain done
    date(2025, 9, 10),  # due
    date(2025, 10, 23),  # overdue + escalation; Cường's committee not yet late
    date(2025, 11, 5),  # Cường: committee decision overdue
]


@pytest.mark.parametrize("day", DATES, ids=str)
async def test_preview_equals_what_the_sweep_sends(world, clock, capsys, day):
    rows = await due(world, capsys, "--date", day.isoformat())
    clock.set(at_local(day))
    notifier = FakeNotifier()
    await uc.sweep(world, notifier)
    previewed = sorted((r["key"], u) for r in rows for u in r["users"])
    assert previewed == sorted(notifier.pairs)
    # D1 has no secretary bound: only its escalations, to the province's officer, go out;
    # the rest is listed as reaching nobody
    assert all(
        r["kind"] == "probation.escalation" or r["no_recipient"] for r in rows if r["org"] == "D1"
    )
    assert all(r["org"] == "D1" and not r["users"] for r in rows if r["no_recipient"])
    left = await due(world, capsys, "--date", day.isoformat())
    assert [r for r in left if not r["no_recipient"]] == []  # now all sent
    assert left == [r for r in rows if r["no_recipient"]]  # the backlog stays visible


async def test_preview_then_sweep_day_after_day(world, clock, capsys):
    for day in DATES:
        rows = await due(world, capsys, "--date", day.isoformat())
        clock.set(at_local(day))
        notifier = FakeNotifier()
        await uc.sweep(world, notifier)
        assert sorted((r["key"], u) for r in rows for u in r["users"]) == sorted(notifier.pairs)


async def test_reminders_nobody_can_receive_are_listed_marked(world, capsys):
    """An admin who just imported the rosters sees the backlog of cells with nobody bound."""
    rows = await due(world, capsys, "--date", "2025-09-10", "--org", "D1")
    (row,) = rows
    assert (row["kind"], row["subject_name"]) == ("probation.due", "Phạm Văn Dũng")
    assert row["no_recipient"] is True and row["users"] == []
    args = build_parser().parse_args(["reminders", "due", "--date", "2025-09-10"])
    await args.func(args, world.config, translator("vi"))
    out = capsys.readouterr().out.splitlines()
    line = next(line for line in out if "Phạm Văn Dũng" in line)
    assert "chưa có người nhận" in line
    assert out[-2:] == [
        "Sẽ gửi 3 nhắc việc vào ngày 10/09/2025.",
        "1 nhắc việc đến hạn nhưng chưa có ai được gắn để nhận (chibo invite create).",
    ]


async def test_json_row_fields(world, capsys):
    rows = await due(world, capsys, "--date", "2025-10-23", "--org", "C1")
    esc = next(r for r in rows if r["kind"] == "probation.escalation")
    assert esc["org"] == "C1" and esc["subject_name"] == "Nguyễn Văn An"
    assert esc["due_date"] == "2025-10-23" and esc["severity"] == "escalation"
    assert esc["recipients"] == ["officer"] and sorted(esc["users"]) == [2001, 3001]
    assert esc["key"] == f"probation.escalation:member:{esc['subject_id']}:+30wd"
    assert esc["text"].startswith("🚨 Cần đôn đốc — Chi bộ thôn 1")
    assert {r["severity"] for r in rows} <= {"info", "due", "overdue", "escalation"}
    assert all(r["org"] == "C1" for r in rows)


async def test_readable_table(world, capsys):
    args = build_parser().parse_args(["reminders", "due", "--date", "2025-09-10"])
    await args.func(args, world.config, translator("vi"))
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["Ngày", "đến", "hạn"]
    assert any("Nguyễn Văn An" in line and "bí thư+phó bí thư ×2" in line for line in out)
    # one language: kinds and severities by name, not by code
    assert any("Đến hạn" in line and "hết thời gian dự bị" in line for line in out)
    assert not any("probation." in line or " due " in line for line in out)
    assert "Sẽ gửi 3 nhắc việc vào ngày 10/09/2025." in out
    args = build_parser().parse_args(["reminders", "due", "--date", "2024-11-01"])
    await args.func(args, world.config, translator("en"))
    assert capsys.readouterr().out == "No reminders to send on 01/11/2024.\n"


async def test_bad_input(world, capsys):
    args = build_parser().parse_args(["reminders", "due", "--date", "10/9/2025"])
    with pytest.raises(CliError, match="YYYY-MM-DD"):
        await args.func(args, world.config, translator("en"))
    args = build_parser().parse_args(["reminders", "due", "--org", "NOPE"])
    with pytest.raises(NotFound):
        await args.func(args, world.config, translator("en"))


def test_run_without_token_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "cli.sqlite3"))
    monkeypatch.delenv("CHIBO_CONFIG", raising=False)
    monkeypatch.delenv("CHIBO_TELEGRAM_TOKEN", raising=False)
    assert main(["reminders", "run"]) == 2
    err = capsys.readouterr().err
    assert "CHIBO_TELEGRAM_TOKEN" in err and "chibo reminders due" in err
    assert err.count("\n") == 1

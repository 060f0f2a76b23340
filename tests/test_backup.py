"""`chibo backup` / `chibo restore`: a consistent, verified copy while the bot runs; a restore
that refuses while the bot runs and never replays a stale WAL onto the backup."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from chibo.bot.cli import main
from chibo.storage import backup as backup_store
from chibo.storage.db import Database, migrations

from . import faults

pytestmark = pytest.mark.faults


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "data" / "chibo.sqlite3"
    monkeypatch.setenv("CHIBO_DB", str(db))
    monkeypatch.delenv("CHIBO_CONFIG", raising=False)
    monkeypatch.delenv("CHIBO_TELEGRAM_TOKEN", raising=False)
    return db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def audit_rows(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def add_orgs(capsys, *codes: str) -> None:
    for code in codes:
        assert run(capsys, "org", "add", code, f"Đảng ủy {code}")[0] == 0


def test_backup_while_the_bot_writes_is_consistent_and_verified(env, tmp_path, capsys):
    add_orgs(capsys, "A", "B")
    writer = sqlite3.connect(env)  # the running bot: an open connection with a live WAL
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO audit_log (at, actor, entity, action) VALUES ('t','x','x','x')")
    writer.commit()
    writer.execute("BEGIN IMMEDIATE")  # and a write in progress, not committed
    writer.execute("INSERT INTO audit_log (at, actor, entity, action) VALUES ('t','y','y','y')")
    code, out, err = run(capsys, "backup", str(tmp_path / "b.sqlite3"))
    writer.rollback()
    writer.close()
    assert code == 0, err
    assert "b.sqlite3" in out and str(len(migrations())) in out
    assert audit_rows(tmp_path / "b.sqlite3") == audit_rows(env)  # committed rows only
    info = backup_store.verify(tmp_path / "b.sqlite3")
    assert info.version == len(migrations()) and info.problems == ()


def test_backup_without_a_path_goes_next_to_the_database(env, capsys):
    add_orgs(capsys, "A")
    code, out, _ = run(capsys, "backup")
    assert code == 0
    made = list((env.parent / "backups").glob("chibo-*.sqlite3"))
    assert len(made) == 1 and made[0].name in out


def test_restore_replaces_the_database_and_drops_a_stale_wal(env, tmp_path, capsys):
    add_orgs(capsys, "A")
    assert run(capsys, "backup", str(tmp_path / "b.sqlite3"))[0] == 0
    saved = audit_rows(tmp_path / "b.sqlite3")
    # later changes left in the WAL by a process killed with -9
    crashed = sqlite3.connect(env)
    crashed.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(200):
        crashed.execute(
            "INSERT INTO audit_log (at, actor, entity, action) VALUES ('t','x','x',?)", (str(i),)
        )
    crashed.commit()
    wal = Path(f"{env}-wal")
    keep = tmp_path / "left-wal"
    shutil.copy(wal, keep)
    crashed.close()
    shutil.copy(keep, wal)  # as kill -9 leaves it
    code, out, err = run(capsys, "restore", str(tmp_path / "b.sqlite3"))
    faults.add(inputs=1, tracebacks=faults.tracebacks_in(out, err))
    assert code == 0, err
    assert audit_rows(env) == saved  # not 241: the stale WAL was not replayed
    assert not Path(f"{env}-wal").exists() or Path(f"{env}-wal").stat().st_size == 0
    assert list(env.parent.glob("chibo.sqlite3.before-restore-*"))  # the old one kept aside
    assert run(capsys, "org", "list")[0] == 0


def test_restore_refuses_while_the_bot_runs(env, tmp_path, capsys):
    add_orgs(capsys, "A")
    assert run(capsys, "backup", str(tmp_path / "b.sqlite3"))[0] == 0
    with backup_store.RunLock(env):  # what `chibo run` holds
        code, _, err = run(capsys, "restore", str(tmp_path / "b.sqlite3"))
    faults.add(inputs=1, tracebacks=faults.tracebacks_in(err))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "chibo restore" not in err
    assert str(os.getpid()) in err


def test_a_second_bot_on_the_same_database_is_refused(env):
    with backup_store.RunLock(env), pytest.raises(backup_store.BotRunning):
        backup_store.RunLock(env).acquire()


@pytest.mark.parametrize("bad", ["garbage", "missing", "newer"])
def test_restore_refuses_a_bad_backup_and_keeps_the_database(env, tmp_path, capsys, bad):
    add_orgs(capsys, "A")
    before = env.read_bytes()
    source = tmp_path / "b.sqlite3"
    if bad == "garbage":
        source.write_bytes(b"junk" * 1000)
    elif bad == "newer":
        with sqlite3.connect(source) as conn:
            conn.execute(f"PRAGMA user_version = {len(migrations()) + 3}")
    code, out, err = run(capsys, "restore", str(source))
    faults.add(inputs=1, tracebacks=faults.tracebacks_in(out, err))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert env.read_bytes() == before


def test_daily_backups_are_rotated(env, tmp_path, capsys):
    add_orgs(capsys, "A")
    folder = tmp_path / "daily"
    for day in range(1, 6):
        backup_store.daily(env, folder, date(2026, 11, day), keep=3)
    assert sorted(p.name for p in folder.iterdir()) == [
        "chibo-2026-11-03.sqlite3",
        "chibo-2026-11-04.sqlite3",
        "chibo-2026-11-05.sqlite3",
    ]


async def test_a_backup_of_an_open_database_through_the_bots_connection(env, tmp_path):
    db = await Database.open(env)
    try:
        made = await asyncio.to_thread(backup_store.backup, env, tmp_path / "x.sqlite3")
    finally:
        await db.close()
    assert made.version == len(migrations())


def test_chibo_run_holds_the_lock_restore_checks(env, capsys, monkeypatch):
    """`chibo run` takes the lock before anything else: a second one is refused at once."""
    monkeypatch.setenv("CHIBO_TELEGRAM_TOKEN", "123:abc")
    add_orgs(capsys, "A")
    with backup_store.RunLock(env):
        code, _, err = run(capsys, "run")
    assert code == 2 and str(os.getpid()) in err and len(err.strip().splitlines()) == 1


async def test_the_daily_backup_job_writes_into_the_configured_folder(ctx, tmp_path):
    from dataclasses import replace
    from types import SimpleNamespace

    from chibo.bot import backups
    from chibo.bot.config import BackupConfig

    ctx.config = replace(ctx.config, backup=BackupConfig(tmp_path / "daily", keep=2))
    app = SimpleNamespace(bot_data={"ctx": ctx})
    await backups.backup_job(SimpleNamespace(application=app))
    (made,) = (tmp_path / "daily").iterdir()
    assert made.name == f"chibo-{ctx.today().isoformat()}.sqlite3"
    assert backup_store.verify(made).problems == ()

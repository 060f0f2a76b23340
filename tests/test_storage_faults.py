"""Database faults at start and while running: one line saying what to do, never a traceback."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from chibo.bot.cli import main
from chibo.storage.db import Database, DatabaseFault

from . import faults

pytestmark = pytest.mark.faults


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "chibo.sqlite3"
    monkeypatch.setenv("CHIBO_DB", str(db))
    monkeypatch.delenv("CHIBO_CONFIG", raising=False)
    monkeypatch.delenv("CHIBO_TELEGRAM_TOKEN", raising=False)
    return db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fresh(path: Path) -> None:
    async def make() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(make())


def garbage(path: Path) -> None:
    path.write_bytes(b"this is not sqlite at all\n" * 200)


def malformed(path: Path) -> None:
    fresh(path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page : page * 3] = b"\xa5" * (page * 2)  # pages 2 and 3: tables of the schema
    data[100:page] = b"\x5a" * (page - 100)  # and the schema page itself
    path.write_bytes(bytes(data))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def directory(path: Path) -> None:
    path.mkdir()


def under_a_file(path: Path) -> None:
    blocker = path.parent / "not-a-folder"
    blocker.write_text("x")
    return blocker / "chibo.sqlite3"


FILES = {
    "not a database": (garbage, "chibo restore"),
    "malformed": (malformed, "chibo restore"),
    "zero-length": (empty, "chibo db upgrade"),
    "a directory": (directory, "[storage]"),
    "folder is a file": (under_a_file, "[storage]"),
}


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("command", [("org", "list"), ("run",), ("reminders", "due")])
def test_a_bad_database_file_is_one_line_with_what_to_do(env, capsys, monkeypatch, name, command):
    make, advice = FILES[name]
    moved = make(env)
    if moved is not None:
        monkeypatch.setenv("CHIBO_DB", str(moved))
    monkeypatch.setenv("CHIBO_TELEGRAM_TOKEN", "123:abc")
    code, out, err = run(capsys, *command)
    faults.add(inputs=1, tracebacks=faults.tracebacks_in(out, err))
    assert code == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chibo: "), err
    assert advice in lines[0] and "Traceback" not in err


@pytest.mark.parametrize(
    ("sqlite_message", "advice"),
    [
        ("attempt to write a readonly database", "quyền ghi"),
        ("database or disk is full", "đầy"),
        ("unable to open database file", "[storage]"),
        ("database is locked", "khóa"),
        ("disk I/O error", "chibo restore"),
    ],
)
def test_every_sqlite_fault_is_explained(env, capsys, monkeypatch, sqlite_message, advice):
    async def failing(*args, **kwargs):
        raise sqlite3.OperationalError(sqlite_message)

    monkeypatch.setattr(Database, "upgrade", failing)
    code, out, err = run(capsys, "org", "add", "X", "Xã")
    faults.add(inputs=1, tracebacks=faults.tracebacks_in(out, err))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert advice in err and str(env) in err, err


def test_a_zero_length_file_is_refused_until_db_upgrade_initialises_it(env, capsys):
    env.write_bytes(b"")
    code, _, err = run(capsys, "org", "list")
    assert code == 1 and "chibo db upgrade" in err
    assert env.stat().st_size == 0  # nothing written by the refused command
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and str(env) in out
    assert run(capsys, "org", "list")[0] == 0


async def test_database_open_raises_a_database_fault(tmp_path):
    path = tmp_path / "x.sqlite3"
    garbage(path)
    with pytest.raises(DatabaseFault) as caught:
        await Database.open(path)
    assert caught.value.kind == "not_a_database" and caught.value.path == path

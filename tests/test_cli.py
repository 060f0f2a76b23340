"""The command line, run in-process as `main(argv)`; output checked like a person would."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from storage.db import Database, migrations
from usecases import invites as invites_uc


@pytest.fixture
def env(tmp_path, monkeypatch):
    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CHIBO_DB", str(db))
    monkeypatch.delenv("CHIBO_CONFIG", raising=False)
    monkeypatch.delenv("CHIBO_TELEGRAM_TOKEN", raising=False)
    return db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_org_tree_and_invite(env, capsys):
    assert run(capsys, "org", "add", "TINH", "Tỉnh ủy")[0] == 0
    assert (
        run(capsys, "org", "add", "XA", "Đảng ủy xã", "--parent", "TINH", "--kind", "committee")[0]
        == 0
    )
    code, out, _ = run(capsys, "org", "add", "CB1", "Chi bộ 1", "--parent", "XA")
    assert code == 0 and "chi bộ CB1" in out
    code, out, _ = run(capsys, "org", "list")
    assert out.splitlines() == ["TINH  Tỉnh ủy", "  XA  Đảng ủy xã", "    CB1  Chi bộ 1 (chi bộ)"]

    code, out, _ = run(
        capsys, "invite", "create", "--org", "CB1", "--role", "secretary", "--expires", "2d"
    )
    lines = out.strip().splitlines()
    bare = lines[-1]
    assert code == 0 and len(invites_uc.normalize_code(bare)) == 10
    assert any(f"https://t.me/<bot_username>?start={bare}" in line for line in lines)
    code, out, _ = run(capsys, "invite", "list")
    assert "CB1  secretary  open" in out and bare not in out  # only a hint is shown
    assert run(capsys, "invite", "revoke", "1")[0] == 0
    assert "revoked" in run(capsys, "invite", "list")[1]


def test_bad_input_is_one_line_not_a_traceback(env, capsys):
    code, _, err = run(capsys, "org", "add", "CB1", "Chi bộ", "--parent", "NOPE")
    assert code == 2 and err.count("\n") == 1 and "NOPE" in err
    code, _, err = run(
        capsys, "invite", "create", "--org", "X", "--role", "officer", "--expires", "soon"
    )
    assert code == 2 and "--expires" in err and "Traceback" not in err


def test_run_without_token_says_how_to_get_one(env, capsys):
    code, _, err = run(capsys, "run")
    assert code == 2
    assert err.count("\n") == 1 and "@BotFather" in err and "CHIBO_TELEGRAM_TOKEN" in err


def test_malformed_config_names_the_key(env, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[reminders]\ndaily_at = "half past seven"\n')
    code, _, err = run(capsys, "--config", str(bad), "org", "list")
    assert code == 2 and "reminders.daily_at" in err


def test_db_upgrade_is_idempotent_and_refuses_newer(env, capsys):
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and str(len(migrations())) in out
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "mới nhất" in out

    async def bump() -> None:
        db = await Database.open(env)
        async with db.transaction() as tx:
            await tx.execute(f"PRAGMA user_version = {len(migrations()) + 5}")
        await db.close()

    asyncio.run(bump())
    code, _, err = run(capsys, "org", "list")
    assert code == 2 and "upgrade chibo" in err


def test_user_list_and_remove(env, capsys):
    run(capsys, "org", "add", "X", "Xã")
    code, _, err = run(capsys, "user", "remove", "42")
    assert code == 2 and "42" in err
    assert "Chưa có người dùng" in run(capsys, "user", "list")[1]


def test_invite_link_uses_the_bot_username_learned_at_run(env, capsys):
    from bot.config import load_config
    from usecases import installation
    from usecases.clock import SystemClock
    from usecases.context import AppContext

    async def learn() -> None:
        db = await Database.open(env)
        ctx = AppContext.build(db, SystemClock(), load_config(env={"CHIBO_DB": str(env)}))
        await installation.remember_bot_username(ctx, "chibo_xa_bot")
        await db.close()

    asyncio.run(learn())
    run(capsys, "org", "add", "CB1", "Chi bộ 1", "--kind", "cell")
    _, out, _ = run(capsys, "invite", "create", "--org", "CB1", "--role", "deputy")
    bare = out.strip().splitlines()[-1]
    assert f"https://t.me/chibo_xa_bot?start={bare}" in out

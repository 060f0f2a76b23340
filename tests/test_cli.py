"""The command line, run in-process as `main(argv)`; output checked like a person would."""

from __future__ import annotations

import asyncio

import pytest

from chibo.bot.cli import main
from chibo.storage.db import Database, migrations
from chibo.usecases import invites as invites_uc


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
    assert "CB1  bí thư  còn hiệu lực" in out and bare not in out  # only a hint is shown
    assert run(capsys, "invite", "revoke", "1")[0] == 0
    assert "đã thu hồi" in run(capsys, "invite", "list")[1]


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
    from chibo.bot.config import load_config
    from chibo.usecases import installation
    from chibo.usecases.clock import SystemClock
    from chibo.usecases.context import AppContext

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


def test_the_cli_speaks_one_language(env, capsys):
    run(capsys, "org", "add", "X", "Xã")
    run(capsys, "org", "add", "CB1", "Chi bộ 1", "--parent", "X")
    code, out, _ = run(capsys, "invite", "create", "--org", "CB1", "--role", "secretary")
    assert code == 0 and "Mã mời vai trò bí thư của Chi bộ 1" in out and "secretary" not in out


def test_org_add_under_a_cell_explains_kind_committee(env, capsys):
    run(capsys, "org", "add", "TINH", "Tỉnh ủy")
    run(capsys, "org", "add", "XA", "Xã Hòa Bình", "--parent", "TINH")  # taken as a cell
    code, _, err = run(capsys, "org", "add", "CB1", "Chi bộ 1", "--parent", "XA")
    assert code == 2 and err.count("\n") == 1
    assert "XA" in err and "--kind committee" in err
    # a committee's name says what it is: no --kind needed
    code, out, _ = run(capsys, "org", "add", "XB", "Đảng ủy xã Hòa Lạc", "--parent", "TINH")
    assert code == 0 and "cấp ủy XB" in out
    code, out, _ = run(capsys, "org", "add", "DB", "Đảng bộ xã Hòa Lạc", "--parent", "TINH")
    assert code == 0 and "cấp ủy DB" in out
    assert run(capsys, "org", "add", "CB2", "Chi bộ 2", "--parent", "XB")[0] == 0


def test_config_errors_in_the_users_language(env, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[reminders]\ndaily_at = "half past seven"\n')
    code, _, err = run(capsys, "--config", str(bad), "org", "list")
    assert code == 2 and "reminders.daily_at" in err and "cần giờ dạng HH:MM" in err
    bad.write_text('[i18n]\ndefault_locale = "en"\n[reminders]\ndaily_at = "7h"\n')
    code, _, err = run(capsys, "--config", str(bad), "org", "list")
    assert code == 2 and "reminders.daily_at: expected HH:MM" in err
    bad.write_text('[rules]\n"probation.overdue_repeat_days" = 7\n')
    code, _, err = run(capsys, "--config", str(bad), "org", "list")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "probation.overdue_repeat_days" in err and "chibo rules list" in err


def test_config_toml_names_only_real_commands_and_rules(env, tmp_path, capsys):
    import re

    from chibo.bot.cli import build_parser
    from chibo.rules.catalogue import DEFAULT_CATALOGUE
    from chibo.usecases.resources import resource_path

    text = resource_path("config.toml").read_text(encoding="utf-8")
    for command in re.findall(r"`chibo ([^`]+)`", text):
        argv = [a for a in command.split() if not a.isupper() and a != "PATH"]
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args([*argv, "--help"])
        assert exit_.value.code == 0, command
        capsys.readouterr()
    rule_ids = re.findall(r'^#\s*"([a-z_.]+)"\s*=', text, re.MULTILINE)
    assert rule_ids and set(rule_ids) <= set(DEFAULT_CATALOGUE.ids())
    # the example, uncommented, is accepted
    example = tmp_path / "c.toml"
    example.write_text(
        "[rules]\n" + "\n".join(re.findall(r'^#\s*("[a-z_.]+"\s*=.*)$', text, re.MULTILINE))
    )
    assert run(capsys, "--config", str(example), "org", "list")[0] == 0


def test_rules_list_shows_ids_values_and_sources(env, tmp_path, capsys):
    conf = tmp_path / "c.toml"
    conf.write_text('[rules]\n"probation.conversion.overdue_repeat_days" = 10\n')
    code, out, _ = run(capsys, "--config", str(conf), "rules", "list")
    assert code == 0
    line = next(x for x in out.splitlines() if "probation.conversion.overdue_repeat_days" in x)
    assert "10" in line and "cấu hình" in line
    assert any(x.startswith("probation.months") and "12" in x for x in out.splitlines())


def test_help_texts_are_translated(env, capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "chạy bot" in out and "run the bot" not in out
    assert "tùy chọn" in out.lower() and "show this help" not in out
    with pytest.raises(SystemExit):
        main(["invite", "create", "--help"])
    out = capsys.readouterr().out
    assert "Cách dùng" in out and "single-use" not in out
    code = None
    with pytest.raises(SystemExit) as exit_:
        main(["org", "add"])
    code = exit_.value.code
    err = capsys.readouterr().err
    assert code == 2 and "thiếu" in err and "the following arguments" not in err


def test_help_texts_follow_the_configured_language(env, tmp_path, capsys):
    conf = tmp_path / "en.toml"
    conf.write_text('[i18n]\ndefault_locale = "en"\n')
    with pytest.raises(SystemExit):
        main(["--config", str(conf), "--help"])
    assert "run the bot" in capsys.readouterr().out


def test_every_reminder_kind_has_a_name():
    import re
    from pathlib import Path

    from chibo.bot.cli_labels import REMINDER_KINDS

    doc = (Path(__file__).parent.parent / "docs" / "reminders.md").read_text(encoding="utf-8")
    kinds = set(re.findall(r"^\| `([a-z_]+\.[a-z_.]+)` \|", doc, re.MULTILINE))
    assert kinds and kinds <= set(REMINDER_KINDS)


def test_no_token_or_webhook_secret_of_either_channel_reaches_a_log_line(env, capsys, monkeypatch):
    import logging

    secrets = {
        "CHIBO_TELEGRAM_TOKEN": "tg-token-without-the-usual-shape",
        "CHIBO_ZALO_TOKEN": "zalo-token-without-the-usual-shape",
        "CHIBO_TELEGRAM_WEBHOOK_SECRET": "telegram-webhook-secret",
        "CHIBO_ZALO_WEBHOOK_SECRET": "zalo-webhook-secret",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        run(capsys, "org", "list")
        record = logging.LogRecord(
            "httpx", logging.INFO, __file__, 1, "POST %s", (" ".join(secrets.values()),), None
        )
        line = handler.format(record)
    finally:
        root.removeHandler(handler)
    assert not any(value in line for value in secrets.values()), line
    assert line.count("<token>") == 4

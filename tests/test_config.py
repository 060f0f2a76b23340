from datetime import time, timedelta
from pathlib import Path

import pytest

from chibo.bot.config import ConfigError, load_config, parse_duration


def test_defaults_work_out_of_the_box():
    cfg = load_config(env={})
    assert cfg.db_path == Path("data/chibo.sqlite3")
    assert cfg.timezone.key == "Asia/Ho_Chi_Minh"
    assert cfg.default_locale == "vi"
    assert cfg.daily_at == time(7, 30)
    assert cfg.telegram.token == ""
    assert cfg.rating_levels == ("Tốt", "Khá", "Trung bình", "Kém")


def test_environment_overrides_the_file(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[telegram]\ntoken = "from-file"\n[storage]\npath = "x.db"\n')
    cfg = load_config(
        env={
            "CHIBO_CONFIG": str(f),
            "CHIBO_TELEGRAM_TOKEN": "from-env",
            "CHIBO_TELEGRAM_BASE_URL": "http://127.0.0.1:1/bot",
            "CHIBO_DB": str(tmp_path / "env.db"),
        }
    )
    assert cfg.telegram.token == "from-env"
    assert cfg.telegram.base_url == "http://127.0.0.1:1/bot"
    assert cfg.db_path == tmp_path / "env.db"


def test_explicit_path_wins_over_chibo_config(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('[i18n]\ndefault_locale = "en"\n')
    b.write_text('[i18n]\ndefault_locale = "vi"\n')
    assert load_config(a, env={"CHIBO_CONFIG": str(b)}).default_locale == "en"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[reminders]\ndaily_at = "7h30"\n', "reminders.daily_at"),
        ("[reminders]\ndaily_at = 730\n", "reminders.daily_at: expected str"),
        ('[time]\ntimezone = "Mars/Olympus"\n', "time.timezone"),
        ('[i18n]\ndefault_locale = "fr"\n', "i18n.default_locale"),
        ('[invites]\ndefault_expiry = "soon"\n', "invites.default_expiry"),
        ("[meetings]\nremind_day = 31\n", "meetings.remind_day"),
        ("[meetings]\nrating_levels = []\n", "meetings.rating_levels"),
        ("[storage\npath = 1", "not valid TOML"),
        ('[reminders]\nquiet_from = "late"\n', "reminders.quiet_from"),
        ('[backup]\ndir = "b"\nat = "2am"\n', "backup.at"),
        ('[backup]\ndir = "b"\nkeep = 0\n', "backup.keep"),
    ],
)
def test_malformed_config_names_the_key(tmp_path, text, fragment):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[")):
        load_config(f, env={})


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("12h", timedelta(hours=12)),
        (" 30m ", timedelta(minutes=30)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d7", "0d", "-1d", "7w"])
def test_bad_durations(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_meeting_settings_reach_the_rules_catalogue(tmp_path):
    from datetime import date

    from chibo.rules.catalogue import DEFAULT_CATALOGUE
    from chibo.usecases.clock import SystemClock
    from chibo.usecases.context import AppContext

    f = tmp_path / "c.toml"
    f.write_text(
        '[meetings]\nremind_day = 20\nrating_levels = ["Tốt", "Đạt"]\n'
        '[rules]\n"probation.conversion.overdue_repeat_days" = 10\n'
    )
    ctx = AppContext.build(None, SystemClock(), load_config(f, env={}))  # type: ignore[arg-type]
    on = date(2026, 11, 1)
    assert ctx.catalogue.get_int("meeting.monthly.remind_day", on) == 20
    assert ctx.catalogue.get_strs("meeting.rating_levels", on) == ("Tốt", "Đạt")
    assert ctx.catalogue.get_int("probation.conversion.overdue_repeat_days", on) == 10
    assert DEFAULT_CATALOGUE.get_int("meeting.monthly.remind_day", on) == 25


def test_quiet_evening_and_daily_backup_are_off_by_default(tmp_path):
    cfg = load_config(env={})
    assert cfg.quiet_from is None and cfg.backup.dir is None
    f = tmp_path / "c.toml"
    f.write_text(
        '[reminders]\nquiet_from = "21:00"\n[backup]\ndir = "bk"\nat = "02:30"\nkeep = 3\n'
    )
    cfg = load_config(f, env={})
    assert cfg.quiet_from == time(21, 0)
    assert (cfg.backup.dir, cfg.backup.at, cfg.backup.keep) == (Path("bk"), time(2, 30), 3)


def test_zalo_section_and_its_environment_overrides(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text(
        '[zalo]\ntoken = "1:file"\nbase_url = "http://proxy"\nmode = "webhook"\n'
        'webhook_url = "https://bot.example/zalo"\nwebhook_secret = "s3cret-token-42"\n'
    )
    cfg = load_config(env={"CHIBO_CONFIG": str(f)})
    assert (cfg.zalo.token, cfg.zalo.base_url, cfg.zalo.mode) == (
        "1:file",
        "http://proxy",
        "webhook",
    )
    env = {"CHIBO_CONFIG": str(f), "CHIBO_ZALO_TOKEN": "2:env", "CHIBO_ZALO_BASE_URL": "http://x"}
    cfg = load_config(env=env)
    assert (cfg.zalo.token, cfg.zalo.base_url) == ("2:env", "http://x")
    assert load_config(env={}).zalo.token == "" and load_config(env={}).zalo.mode == "polling"


def test_webhook_secrets_can_come_from_the_environment(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text(
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://a.b/t"\n'
        '[zalo]\ntoken = "1:x"\nmode = "webhook"\nwebhook_url = "https://a.b/z"\n'
    )
    with pytest.raises(ConfigError):
        load_config(env={"CHIBO_CONFIG": str(f)})
    cfg = load_config(
        env={
            "CHIBO_CONFIG": str(f),
            "CHIBO_TELEGRAM_WEBHOOK_SECRET": "tg-secret-from-env",
            "CHIBO_ZALO_WEBHOOK_SECRET": "zalo-secret-from-env",
        }
    )
    assert cfg.telegram_webhook.webhook_secret == "tg-secret-from-env"
    assert cfg.zalo.webhook_secret == "zalo-secret-from-env"


def test_web_section_for_files_on_zalo(tmp_path):
    default = load_config(env={}).web
    assert not default.enabled and (default.port, default.link_minutes) == (8445, 15)
    f = tmp_path / "c.toml"
    f.write_text('[web]\npublic_url = "https://bot.example/"\nport = 9000\nlink_minutes = 30\n')
    cfg = load_config(env={"CHIBO_CONFIG": str(f)}).web
    assert (cfg.public_url, cfg.port, cfg.link_minutes) == ("https://bot.example", 9000, 30)
    env = {"CHIBO_CONFIG": str(f), "CHIBO_WEB_PUBLIC_URL": "https://files.example"}
    assert load_config(env=env).web.public_url == "https://files.example"


@pytest.mark.parametrize(
    "body",
    [
        '[zalo]\nmode = "push"\n',
        '[zalo]\nmode = "webhook"\nwebhook_url = "http://plain"\nwebhook_secret = "s3cret-token"\n',
        '[zalo]\nmode = "webhook"\nwebhook_url = "https://a.b/z"\nwebhook_secret = "short"\n',
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://a.b/t"\nwebhook_secret = ""\n',
        '[web]\npublic_url = "http://plain.example"\n',
        '[web]\npublic_url = "https://a.b"\nlink_minutes = 0\n',
        "[web]\nport = 70000\n",
        # Telegram refuses letters beyond A-Z in a secret token
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://a.b/t"\n'
        'webhook_secret = "đảng-viên-01"\n',
        # a webhook without the bot's token
        '[zalo]\nmode = "webhook"\nwebhook_url = "https://a.b/z"\nwebhook_secret = "s3cret-tok"\n',
        '[zalo]\ntoken = "1:x"\nbase_url = "bot-api.example"\n',
        '[zalo]\ntoken = "1:x"\nport = 70000\n',
        # two servers on one address
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://a.b/t"\nwebhook_secret = "s3cret-1"\n'
        'port = 8444\n[zalo]\ntoken = "1:x"\nmode = "webhook"\nwebhook_url = "https://a.b/z"\n'
        'webhook_secret = "s3cret-2"\n',
        '[telegram]\nmode = "webhook"\nwebhook_url = "https://a.b/t"\nwebhook_secret = "s3cret-1"\n'
        '[web]\npublic_url = "https://a.b"\nport = 8443\n',
    ],
)
def test_bad_channel_settings_are_refused(tmp_path, body):
    f = tmp_path / "c.toml"
    f.write_text(body)
    with pytest.raises(ConfigError):
        load_config(env={"CHIBO_CONFIG": str(f)})


def test_the_zalo_webhook_path_follows_the_public_url_and_may_share_the_file_server(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text(
        '[zalo]\ntoken = "1:x"\nmode = "webhook"\nwebhook_url = "https://a.b/hook-7f"\n'
        'webhook_secret = "s3cret-token"\nport = 8444\n'
        '[web]\npublic_url = "https://a.b"\nport = 8444\n'
    )
    cfg = load_config(env={"CHIBO_CONFIG": str(f)})
    assert cfg.zalo.webhook_path == "/hook-7f" and cfg.web.port == cfg.zalo.port

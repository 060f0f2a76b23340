"""`chibo backup [PATH]` and `chibo restore PATH` (see storage/backup.py and README *Backup*).

`backup` works while the bot runs (SQLite's online backup) and verifies the copy;
`restore` refuses while `chibo run` holds the database's lock, checks the backup, keeps the
current database aside and never replays its `-wal` onto the backup.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.storage import backup as backup_store
from chibo.storage.backup import BackupError, BotRunning
from chibo.storage.db import DatabaseFault
from chibo.usecases.i18n import Translator

PROBLEMS = {
    "missing": N_("the backup {path} does not exist"),
    "empty": N_("the backup {path} is an empty file"),
    "damaged": N_("the backup {path} is damaged ({detail}); choose another one"),
    "not_chibo": N_("{path} is not a chibo database backup"),
    "too_new": N_("the backup {path} was made by a newer chibo ({detail}): upgrade chibo first"),
}


def backup_problem(exc: BackupError, _: Translator) -> str:
    return _(PROBLEMS.get(exc.kind, PROBLEMS["damaged"]), path=exc.path, detail=exc.detail)


def running_problem(exc: BotRunning, config: Config, _: Translator) -> str:
    return _(
        "the bot is running on {path} (pid {pid}): stop it first (systemctl stop chibo),"
        " then restore",
        path=config.db_path,
        pid=exc.pid or "?",
    )


async def cmd_backup(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError

    dest = Path(args.path) if args.path else None
    if dest is None:
        dest = backup_store.default_destination(config.db_path, datetime.now())
    try:
        made = await asyncio.to_thread(backup_store.backup, config.db_path, dest)
    except BackupError as exc:
        raise CliError(backup_problem(exc, _)) from exc
    except OSError as exc:
        raise CliError(
            _("cannot write the backup {path}: {error}", path=dest, error=exc.strerror or exc)
        ) from exc
    print(
        _(
            "Backup written and verified: {path} ({size} KB, schema version {version}).",
            path=made.path,
            size=max(made.size // 1024, 1),
            version=made.version,
        )
    )
    return 0


async def cmd_restore(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError

    try:
        info, aside = await asyncio.to_thread(
            backup_store.restore, Path(args.path), config.db_path, datetime.now()
        )
    except BackupError as exc:
        raise CliError(backup_problem(exc, _)) from exc
    except BotRunning as exc:
        raise CliError(running_problem(exc, config, _)) from exc
    print(
        _(
            "Database {path} restored from {backup} (schema version {version}).",
            path=config.db_path,
            backup=info.path,
            version=info.version,
        )
    )
    if aside is not None:
        print(_("The previous database was kept as {path}.", path=aside))
    return 0


@contextlib.contextmanager
def run_lock(config: Config, _: Translator) -> Iterator[None]:
    """Held by `chibo run`: `chibo restore` (and a second bot) refuse while it is."""
    from chibo.bot.cli import CliError

    try:
        lock = backup_store.RunLock(config.db_path).acquire()
    except OSError as exc:  # the database's folder cannot be used
        raise DatabaseFault.wrap(exc, config.db_path) from exc
    except BotRunning as exc:
        raise CliError(
            _(
                "another chibo is already running on {path} (pid {pid})",
                path=config.db_path,
                pid=exc.pid or "?",
            )
        ) from exc
    try:
        yield
    finally:
        lock.release()


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = sub.add_parser("backup", help=N_("a consistent, verified copy (also while the bot runs)"))
    b.add_argument(
        "path", nargs="?", help=N_("file or folder (default: backups/ beside the database)")
    )
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help=N_("replace the database by a backup (stop the bot first)"))
    r.add_argument("path", help=N_("the backup file"))
    r.set_defaults(func=cmd_restore)

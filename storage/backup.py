"""Backups and restores of the SQLite file, and the lock that says "the bot is running".

- `backup(db, dest)`: SQLite's online backup API from a separate connection — a consistent
  snapshot of what is committed, also while the bot writes — into a temporary file that is
  verified (`PRAGMA integrity_check`, schema version) and then renamed into place.
- `restore(src, db)`: refuses while `RunLock` is held (a running `chibo run`); verifies the
  backup; moves the current database *with* its `-wal`/`-shm` files aside (so a stale WAL is
  never replayed onto the restored file) and puts a copy of the backup in its place.
- `RunLock(db)`: an exclusive `flock` on `<db>.lock` held by `chibo run` for its lifetime
  (the kernel drops it when the process dies, even with kill -9: no stale lock), with the
  pid written inside for the message.
- `daily(db, folder, day, keep)`: `chibo-YYYY-MM-DD.sqlite3`, keeping the newest `keep`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from chibo.storage.db import DatabaseFault, migrations

SIDE_FILES = ("-wal", "-shm", "-journal")
DAILY_PREFIX = "chibo-"


class BackupError(RuntimeError):
    """A backup that cannot be made or used; `kind` says why, `path` which file."""

    def __init__(self, kind: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{path}: {kind}" + (f" ({detail})" if detail else ""))
        self.kind = kind
        self.path = path
        self.detail = detail


class BotRunning(RuntimeError):
    def __init__(self, path: Path, pid: str) -> None:
        super().__init__(f"{path} is in use by a running chibo (pid {pid or '?'})")
        self.path = path
        self.pid = pid


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    version: int
    size: int
    problems: tuple[str, ...] = ()


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class RunLock:
    """`with RunLock(db):` — held by the running bot; `acquire()` raises BotRunning."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(Path(db_path))
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise BotRunning(self.path.with_suffix(""), pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def verify(path: Path) -> BackupInfo:
    """Integrity and schema version of a database file; BackupError if it is not usable."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("missing", path)
    if path.stat().st_size == 0:
        raise BackupError("empty", path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            has_schema = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'"
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError("damaged", path, str(exc)) from exc
    problems = tuple(r for r in rows if r != "ok")
    if problems:
        raise BackupError("damaged", path, "; ".join(problems[:3]))
    if version == 0 or not has_schema:
        raise BackupError("not_chibo", path)
    if version > len(migrations()):
        raise BackupError("too_new", path, f"schema version {version}")
    return BackupInfo(path, version, path.stat().st_size)


def default_destination(db_path: Path, now: datetime) -> Path:
    return db_path.parent / "backups" / f"{DAILY_PREFIX}{now:%Y%m%d-%H%M%S}.sqlite3"


def backup(db_path: Path, dest: Path) -> BackupInfo:
    """A consistent, verified copy of the database at `dest` (a file, or a folder for it)."""
    db_path, dest = Path(db_path), Path(dest)
    if dest.is_dir():
        dest = dest / f"{DAILY_PREFIX}{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    if not db_path.is_file() or db_path.stat().st_size == 0:
        raise DatabaseFault("empty" if db_path.is_file() else "cannot_open", db_path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.partial")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(db_path, timeout=30)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                out.close()
        finally:
            src.close()
        info = verify(tmp)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseFault.wrap(exc, db_path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, dest)
    return BackupInfo(dest, info.version, dest.stat().st_size)


def restore(src: Path, db_path: Path, now: datetime) -> tuple[BackupInfo, Path | None]:
    """Replace the database by a verified copy of `src`; the old database (with its WAL) is
    kept as `<db>.before-restore-<time>`. Refuses (BotRunning) while the bot runs."""
    src, db_path = Path(src), Path(db_path)
    info = verify(src)
    with RunLock(db_path):
        db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = db_path.with_name(f".{db_path.name}.restoring")
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        aside: Path | None = None
        if db_path.exists():
            aside = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            os.replace(db_path, aside)
        for suffix in SIDE_FILES:  # the old WAL belongs to the old file: never replay it
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                if aside is not None:
                    os.replace(side, Path(f"{aside}{suffix}"))
                else:
                    side.unlink()
        os.replace(tmp, db_path)
    return info, aside


def daily(db_path: Path, folder: Path, day: date, *, keep: int) -> BackupInfo:
    """Today's backup `chibo-YYYY-MM-DD.sqlite3` in `folder`; only the newest `keep` stay."""
    folder = Path(folder)
    made = backup(db_path, folder / f"{DAILY_PREFIX}{day.isoformat()}.sqlite3")
    dailies = sorted(p for p in folder.glob(f"{DAILY_PREFIX}????-??-??.sqlite3") if p.is_file())
    for old in dailies[:-keep]:
        old.unlink(missing_ok=True)
    return made

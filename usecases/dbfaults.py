"""Database faults in words an administrator can act on: one line, what happened, what to do.

`storage.db.DatabaseFault` (and any raw SQLite error met while running) is mapped by its kind
to a translated sentence naming the file. The command line prints it as its one error line;
the running bot logs it as one line instead of a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chibo.rules.messages import N_
from chibo.storage.db import DatabaseFault, SchemaTooNewError
from chibo.usecases.i18n import Translator

ADVICE = {
    "corrupt": N_(
        "the database {path} is damaged ({detail}). Stop the bot, keep the damaged file aside"
        " and restore the latest backup: chibo restore BACKUP"
    ),
    "not_a_database": N_(
        "{path} is not a chibo database ({detail}). Check [storage] path or CHIBO_DB; if the"
        " file was damaged, restore the latest backup: chibo restore BACKUP"
    ),
    "empty": N_(
        "{path} is an empty file, not a chibo database. Check [storage] path or CHIBO_DB; to"
        " start a new database in this file, run: chibo db upgrade"
    ),
    "cannot_open": N_(
        "cannot open the database {path} ({detail}): check [storage] path or CHIBO_DB, that"
        " its folder exists and that the bot's user may read and write there"
    ),
    "readonly": N_(
        "the database {path} is read-only ({detail}): give the bot's user write permission"
        " on the file and its folder (SQLite creates -wal and -shm files beside it)"
    ),
    "full": N_(
        "the disk holding the database {path} is full ({detail}): free some space (old"
        " backups, logs) and try again; the interrupted change was not saved"
    ),
    "locked": N_(
        "the database {path} stayed locked by another program ({detail}): stop the other"
        " program (a long backup, an sqlite3 shell) and try again"
    ),
    "io": N_(
        "disk I/O error on the database {path} ({detail}): check the disk, and if the file"
        " is damaged restore the latest backup: chibo restore BACKUP"
    ),
    "other": N_(
        "database error on {path} ({detail}): check the disk and the file; if it is damaged"
        " restore the latest backup: chibo restore BACKUP"
    ),
}


def is_database_error(exc: BaseException | None) -> bool:
    return isinstance(exc, DatabaseFault | sqlite3.Error | SchemaTooNewError)


def explain(exc: BaseException, path: Path | str, _: Translator) -> str:
    """One translated line for a database fault on `path`."""
    if isinstance(exc, SchemaTooNewError):
        return str(exc)
    fault = exc if isinstance(exc, DatabaseFault) else DatabaseFault.wrap(exc, Path(path))
    detail = fault.detail or fault.kind
    return _(ADVICE.get(fault.kind, ADVICE["other"]), path=fault.path, detail=detail)

"""`chibo meeting minutes`: the minutes of a logged meeting as a DOCX file.

    chibo meeting minutes --org CB1 --date 2026-11-05 [-o bien-ban.docx]

PDF: not made. No converter that works without a network ships with the bot (LibreOffice
is not a dependency); open the DOCX and print or export it to PDF.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.usecases import minutes as minutes_uc
from chibo.usecases.documents_docx import minutes_filename, render_minutes
from chibo.usecases.i18n import Translator

CLI_ACTOR = "cli"


async def cmd_minutes(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context
    from chibo.bot.cli_meetings import _date

    held_on = _date(args.date, _)
    async with open_context(config) as ctx:
        minutes = await minutes_uc.find(ctx, CLI_ACTOR, args.org, held_on)
    out = Path(args.output or minutes_filename(minutes))
    out.write_bytes(render_minutes(_, minutes))
    print(_("Wrote the minutes of {date} to {path}.", date=minutes.held_on, path=out))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    meeting = sub.choices["meeting"]  # declared by cli_meetings (listed before this module)
    assert meeting._subparsers is not None
    cmds = next(
        a for a in meeting._subparsers._group_actions if isinstance(a, argparse._SubParsersAction)
    )
    minutes = cmds.add_parser("minutes", help=N_("the minutes of a logged meeting, as DOCX"))
    minutes.add_argument("--org", required=True, help=N_("code of the cell"))
    minutes.add_argument("--date", required=True, help=N_("date held, YYYY-MM-DD"))
    minutes.add_argument("-o", "--output", help=N_("file to write (default: bien-ban-…docx)"))
    minutes.set_defaults(func=cmd_minutes)

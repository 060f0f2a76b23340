"""`chibo book` and `chibo roster list-doc`: the year's meeting book and the member list as of
a day, as XLSX or DOCX files in the committee's layouts.

    chibo book --org CB1 --year 2026 [--format docx|xlsx] [--out FILE]
    chibo roster list-doc --org CB1 [--date 2026-12-31] [--format docx|xlsx] [--out FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.usecases import books as books_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases.books_files import (
    FORMATS,
    book_filename,
    members_filename,
    render_book,
    render_members,
)
from chibo.usecases.i18n import Translator

CLI_ACTOR = "cli"


async def cmd_book(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    if not 2000 <= args.year <= 2100:
        raise CliError(_("--year: expected a year such as 2026, got {value}.", value=args.year))
    async with open_context(config) as ctx:
        org = await meetings_uc.cell_by_code(ctx, args.org)
        book = await books_uc.meeting_book(ctx, CLI_ACTOR, org.id, args.year)
    out = Path(args.out or book_filename(book, args.format))
    out.write_bytes(render_book(_, book, args.format))
    print(_("Wrote the meeting book ({n} meetings) to {path}.", n=len(book.rows), path=out))
    return 0


async def cmd_list_doc(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context
    from chibo.bot.cli_meetings import _date

    async with open_context(config) as ctx:
        on = _date(args.date, _) if args.date else ctx.today()
        org = await meetings_uc.cell_by_code(ctx, args.org)
        roll = await books_uc.member_list(ctx, CLI_ACTOR, org.id, on)
    out = Path(args.out or members_filename(roll, args.format))
    out.write_bytes(render_members(_, roll, args.format))
    print(_("Wrote the member list ({n} members) to {path}.", n=len(roll.members), path=out))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    book = sub.add_parser("book", help=N_("the year's meeting book as XLSX or DOCX"))
    book.add_argument("--org", required=True, help=N_("code of the cell"))
    book.add_argument("--year", required=True, type=int, help=N_("the year, YYYY"))
    book.add_argument("--format", choices=FORMATS, default="docx", help=N_("docx or xlsx"))
    book.add_argument("--out", help=N_("file to write (default: so-sinh-hoat-…)"))
    book.set_defaults(func=cmd_book)

    roster = sub.choices["roster"]  # declared by cli_roster (listed before this module)
    assert roster._subparsers is not None
    cmds = next(
        a for a in roster._subparsers._group_actions if isinstance(a, argparse._SubParsersAction)
    )
    doc = cmds.add_parser("list-doc", help=N_("the member list as of a day, as XLSX or DOCX"))
    doc.add_argument("--org", required=True, help=N_("code of the cell"))
    doc.add_argument("--date", help=N_("the day, YYYY-MM-DD (default: today)"))
    doc.add_argument("--format", choices=FORMATS, default="docx", help=N_("docx or xlsx"))
    doc.add_argument("--out", help=N_("file to write (default: danh-sach-dang-vien-…)"))
    doc.set_defaults(func=cmd_list_doc)

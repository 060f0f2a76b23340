"""`chibo roster import|export`: the cell's roster file from the terminal (same checks as chat).

    chibo roster import danh-sach.xlsx --org CB1 --dry-run
    chibo roster export --org CB1 --format xlsx --out danh-sach.xlsx

An import checks every row first and writes nothing unless all rows are good (exit status 2
with the row errors on stderr otherwise); re-importing the same file changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import roster as roster_uc
from chibo.usecases.i18n import Translator
from chibo.usecases.roster import EXPORT_FORMATS, ImportReport

CLI_ACTOR = "cli"


def print_report(_: Translator, report: ImportReport, *, dry_run: bool) -> None:
    for row, msg in report.errors:
        print(_("row {row}: {problem}", row=row, problem=_.msg(msg)), file=sys.stderr)
    if report.errors:
        print(
            _(
                "{bad} of {rows} rows have problems; nothing was imported.",
                bad=len({r for r, _ in report.errors}),
                rows=report.rows,
            ),
            file=sys.stderr,
        )
        return
    counts = _(
        "{rows} rows: {created} new, {updated} updated, {unchanged} unchanged.",
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    print(counts)
    if dry_run:
        print(_("Dry run: nothing was written."))


async def cmd_import(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(
            _("cannot read {path}: {error}", path=path, error=exc.strerror or exc)
        ) from exc
    async with open_context(config) as ctx:
        org = await orgs_uc.get_org(ctx, args.org)
        report = await roster_uc.import_file(
            ctx, actor=CLI_ACTOR, org_id=org.id, data=data, filename=path.name, dry_run=args.dry_run
        )
    print_report(_, report, dry_run=args.dry_run)
    return 2 if report.errors else 0


async def cmd_export(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    async with open_context(config) as ctx:
        org = await orgs_uc.get_org(ctx, args.org)
        exported = await roster_uc.export_roster(
            ctx, actor=CLI_ACTOR, org_id=org.id, fmt=args.format
        )
    out = Path(args.out or exported.filename)
    try:
        out.write_bytes(exported.data)
    except OSError as exc:
        raise CliError(
            _("cannot write {path}: {error}", path=out, error=exc.strerror or exc)
        ) from exc
    print(_("Wrote {n} members of {org} to {path}.", n=exported.count, org=org.name, path=out))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    roster = sub.add_parser("roster", help=N_("the cell's party-member roster (CSV/XLSX)"))
    cmds = roster.add_subparsers(dest="roster_cmd", required=True)
    imp = cmds.add_parser("import", help=N_("import a roster file (checked row by row first)"))
    imp.add_argument("file", help=N_("a .xlsx or .csv file with the template headers"))
    imp.add_argument("--org", required=True, help=N_("code of the cell"))
    imp.add_argument("--dry-run", action="store_true", help=N_("check and report; write nothing"))
    imp.set_defaults(func=cmd_import)
    exp = cmds.add_parser("export", help=N_("export the roster in the import template"))
    exp.add_argument("--org", required=True, help=N_("code of the cell"))
    exp.add_argument("--format", choices=EXPORT_FORMATS, default="xlsx")
    exp.add_argument("--out", help=N_("output file (default: dang-vien-CODE-YYYYMMDD.FORMAT)"))
    exp.set_defaults(func=cmd_export)

"""Party dues and badges from the terminal (usecases.dues, usecases.badges):

    chibo dues --org CODE --month YYYY-MM [--json] [--out FILE.xlsx]
    chibo dues import FILE --org CODE --month YYYY-MM [--dry-run]
    chibo badges --org CODE --award-date YYYY-MM-DD [--out FILE.xlsx] [--json]

`dues` prints paid / due / unpaid per cell under CODE for the month; `--json` one object per cell
(`org`, `org_name`, `recorded`, `members`, `exempt`, `paid`, `unpaid`, `excused`, `amount_due`,
`amount_paid`, `cell_share`). `dues import` records the cell's month from a spreadsheet (one
row per member, the columns of the chat's import), all or nothing: every bad row is printed
and nothing is written; `--dry-run` only checks. `badges` lists the members who reach a badge
milestone by the award date and have not received it; `--json` one object per member (`cell`,
`member_id`, `name`, `birth_date`, `decision_date`, `milestone`, `reached_on`, `early`); `--out`
writes the proposal list as XLSX.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from chibo.bot.config import Config
from chibo.rules.dues import month_key, parse_month_key
from chibo.rules.messages import N_
from chibo.usecases import badges as badges_uc
from chibo.usecases import dues as dues_uc
from chibo.usecases import report_xlsx
from chibo.usecases.i18n import Translator

CLI_ACTOR = "cli"


def _money(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    return [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in (head, *body)
    ]


async def cmd_dues(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    month = parse_month_key(args.month)
    if month is None:
        raise CliError(_("--month: expected a month as YYYY-MM, got {value}.", value=args.month))
    if args.action == "import":
        return await _import(args, config, _, month)
    async with open_context(config) as ctx:
        view = await dues_uc.summary(ctx, CLI_ACTOR, args.org, month)
    if args.out:
        Path(args.out).write_bytes(report_xlsx.build_dues(view, _))
    if args.json:
        for line in view.lines:
            print(json.dumps(line.as_json(), ensure_ascii=False))
        return 0
    month_text = f"{month.month:02d}/{month.year}"
    print(
        _(
            "Party dues of {org} ({code}) for {month}; the cell keeps {share}% of what it "
            "collects ({source}).",
            org=view.root.name,
            code=view.root.code,
            month=month_text,
            share=round(float(view.share) * 100, 1),
            source=view.share_source if view.share_verified else _("not verified"),
        )
    )
    head = [
        _("Code"),
        _("Organisation"),
        _("Recorded"),
        _("Members"),
        _("Exempt"),
        _("Paid"),
        _("Unpaid"),
        _("Valid reason"),
        _("Due (đ)"),
        _("Paid (đ)"),
        _("Cell share (đ)"),
    ]
    body = [
        [
            x.org.code,
            x.org.name,
            _("yes") if x.recorded else _("no"),
            str(x.members),
            str(x.exempt),
            str(x.paid),
            str(x.unpaid),
            str(x.excused),
            _money(x.amount_due),
            _money(x.amount_paid),
            _money(x.cell_share),
        ]
        for x in [*view.lines, view.total]
    ]
    print("\n".join(_table(head, body)))
    if view.unverified_rates:
        print(
            _(
                "Some amounts due use a rate that is not verified for {month}.",
                month=month_key(month),
            )
        )
    return 0


async def _import(args: argparse.Namespace, config: Config, _: Translator, month: date) -> int:
    from chibo.bot.cli import CliError, open_context

    if not args.file:
        raise CliError(_("dues import needs the FILE."))
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(str(exc)) from exc
    async with open_context(config) as ctx:
        org = await dues_uc.org_for_read(ctx, CLI_ACTOR, args.org)
        try:
            rec = await dues_uc.import_month(
                ctx,
                actor=CLI_ACTOR,
                org_id=org.id,
                month=month,
                data=data,
                filename=path.name,
                dry_run=args.dry_run,
            )
        except dues_uc.MonthInvalid as exc:
            print(_("{n} problem(s):", n=len(exc.problems)), file=sys.stderr)
            for problem in exc.problems:
                print(f"  {_.msg(problem)}", file=sys.stderr)
            raise
    key = month_key(month)
    if args.dry_run:
        print(
            _(
                "The file is correct: {rows} members for {month}. Nothing was written (--dry-run).",
                rows=len(rec.rows),
                month=key,
            )
        )
    else:
        print(
            _(
                "Imported the party dues of {org} for {month}: {rows} members.",
                org=org.name,
                month=key,
                rows=len(rec.rows),
            )
        )
    return 0


async def cmd_badges(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    try:
        award = date.fromisoformat(args.award_date)
    except ValueError as exc:
        raise CliError(
            _("--award-date: expected a date as YYYY-MM-DD, got {value}.", value=args.award_date)
        ) from exc
    async with open_context(config) as ctx:
        view = await badges_uc.due_list(ctx, CLI_ACTOR, args.org, award)
    if args.out:
        Path(args.out).write_bytes(report_xlsx.build_badges(view, _))
    if args.json:
        for line in view.lines:
            d = line.due
            print(
                json.dumps(
                    {
                        "cell": line.cell.code,
                        "member_id": d.member.member_id,
                        "name": d.member.full_name,
                        "birth_date": d.member.birth_date.isoformat()
                        if d.member.birth_date
                        else None,
                        "decision_date": d.member.decision_date.isoformat()
                        if d.member.decision_date
                        else None,
                        "milestone": d.milestone,
                        "reached_on": d.reached_on.isoformat(),
                        "early": d.early,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    print(
        _(
            "Party badges for the award on {date}, {org} ({code}): {count} member(s).",
            date=award,
            org=view.root.name,
            code=view.root.code,
            count=len(view.lines),
        )
    )
    body = [
        [
            line.cell.code,
            line.due.member.full_name,
            str(line.due.milestone),
            line.due.reached_on.strftime("%d/%m/%Y"),
            _("early (serious illness)") if line.due.early else "",
        ]
        for line in view.lines
    ]
    if body:
        head = [_("Cell"), _("Name"), _("Years"), _("Reached on"), _("Note")]
        print("\n".join(_table(head, body)))
    for cell, member in view.missing_decision:
        print(
            _(
                "{cell}: {name} has no admission decision date; party age cannot be computed.",
                cell=cell.code,
                name=member.full_name,
            )
        )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dues = sub.add_parser("dues", help=N_("party dues: paid / due / unpaid per cell for a month"))
    dues.add_argument(
        "action",
        nargs="?",
        choices=["import"],
        help=N_("`import` to record the month from a spreadsheet"),
    )
    dues.add_argument(
        "file",
        nargs="?",
        help=N_("the spreadsheet (.xlsx or .csv) of the month, with `dues import`"),
    )
    dues.add_argument(
        "--dry-run", action="store_true", help=N_("import: check the file only, write nothing")
    )
    dues.add_argument("--org", required=True, help=N_("code of the organisation"))
    dues.add_argument("--month", required=True, help=N_("the month, YYYY-MM"))
    dues.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    dues.add_argument("--out", help=N_("also write the sheet to this .xlsx file"))
    dues.set_defaults(func=cmd_dues)
    badges = sub.add_parser("badges", help=N_("party badges to propose for an award date"))
    badges.add_argument("--org", required=True, help=N_("code of the organisation"))
    badges.add_argument(
        "--award-date", required=True, help=N_("the award date, YYYY-MM-DD (3/2, 19/5, 2/9, 7/11)")
    )
    badges.add_argument("--out", help=N_("write the proposal list to this .xlsx file"))
    badges.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    badges.set_defaults(func=cmd_badges)

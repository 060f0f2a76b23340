"""Officers' numbers from the terminal, the same as in the chat (usecases.status):

    chibo status --org CODE [--date YYYY-MM-DD] [--json]
    chibo overdue --org CODE [--date YYYY-MM-DD] [--json]
    chibo report --org CODE [--period YYYY|YYYY-MM] --out FILE.xlsx   (+ FILE.png)
    chibo reconcile import FILE --org CODE --period 2026-H2 [--json]

`--json` prints one object per line: per child organisation (status), per overdue item, or per
discrepancy (`cell`, `kind`, `name`, and for a mismatch or near match `field`, `cell_value`,
`official_value`).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from chibo.bot import cli_labels
from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.usecases import evaluation as evaluation_uc
from chibo.usecases import reconciliation as recon_uc
from chibo.usecases import report_chart, report_xlsx
from chibo.usecases import status as status_uc
from chibo.usecases.i18n import Translator
from chibo.usecases.reconciliation import STATUS_LABELS, ListInvalid

CLI_ACTOR = "cli"


def _date(text: str | None, _: Translator) -> date | None:
    from chibo.bot.cli import CliError

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(
            _("--date: expected a date as YYYY-MM-DD, got {value}.", value=text)
        ) from exc


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    return [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in (head, *body)
    ]


def _recon_text(_: Translator, line: status_uc.Line) -> str:
    if line.reconciliation_status is not None:
        return _(STATUS_LABELS[line.reconciliation_status])
    done = line.reconciliation.get("confirmed", 0) + line.reconciliation.get("resolved", 0)
    return f"{done}/{line.org.cells}"


async def cmd_status(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    day = _date(args.date, _)
    async with open_context(config) as ctx:
        view = await status_uc.status(ctx, CLI_ACTOR, code=args.org, on=day)
    if args.json:
        for line in view.lines:
            print(json.dumps(line.as_json(), ensure_ascii=False))
        return 0
    head = [
        _("Code"),
        _("Organisation"),
        _("Cells"),
        _("Official"),
        _("Probationary"),
        _("Candidates"),
        _("Latest meeting"),
        _("Thematic"),
        _("Reconciled"),
        _("Overdue"),
    ]
    body = []
    for x in [*view.lines, view.total]:
        last = x.last_regular
        body.append(
            [
                x.org.code,
                x.org.name,
                str(x.org.cells),
                str(x.official),
                str(x.probationary),
                str(x.candidates),
                last.strftime("%m/%Y") if last else "—",
                f"{x.cells_with_thematic}/{x.org.cells}",
                _recon_text(_, x),
                str(x.overdue),
            ]
        )
    print(
        _(
            "{org} ({code}) on {date}; reconciliation period ending {end}.",
            org=view.root.name,
            code=view.root.code,
            date=view.on,
            end=view.period.end,
        )
    )
    print("\n".join(_table(head, body)))
    return 0


async def cmd_overdue(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    day = _date(args.date, _)
    async with open_context(config) as ctx:
        view = await status_uc.overdue(ctx, CLI_ACTOR, code=args.org, on=day)
    for group in view.groups:
        for r in group.items:
            row = {
                "cell": group.cell.code,
                "kind": r.kind,
                "due_date": r.due_date.isoformat(),
                "severity": r.severity,
                "subject": r.subject_name,
                "key": r.key,
            }
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                kind = cli_labels.reminder_kind(_, r.kind)
                print(f"{_.date(r.due_date)}  {group.cell.code}  {kind}  {r.subject_name}")
    if not args.json:
        print(_("{n} overdue item(s) on {date}.", n=view.count, date=view.on))
    return 0


async def cmd_report(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    async with open_context(config) as ctx:
        data = await status_uc.report(ctx, CLI_ACTOR, code=args.org, period=args.period)
        evaluation = await evaluation_uc.overview(
            ctx, CLI_ACTOR, code=args.org, year=data.as_of.year
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(report_xlsx.build(data, _, evaluation))
    chart = out.with_suffix(".png")
    chart.write_bytes(report_chart.heat_map(data, _))
    print(
        _(
            "Report of {org} ({code}), {start} – {end}: {xlsx} and {png}.",
            org=data.root.name,
            code=data.root.code,
            start=data.start,
            end=data.as_of,
            xlsx=out,
            png=chart,
        )
    )
    return 0


async def cmd_reconcile_import(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(_("cannot read {file}: {error}", file=path, error=exc.strerror)) from exc
    async with open_context(config) as ctx:
        period = recon_uc.parse_period(ctx, args.period)
        try:
            result = await recon_uc.import_official(
                ctx, CLI_ACTOR, code=args.org, period=period, data=data, filename=path.name
            )
        except ListInvalid as exc:
            print(_("chibo: the list {file} was not compared:", file=path.name), file=sys.stderr)
            for problem in exc.problems:
                print(f"  {_.msg(problem)}", file=sys.stderr)
            return 2
    for cell, d in result.discrepancies:
        row: dict[str, object] = {"cell": cell.code, "kind": d.kind, "name": d.full_name}
        if d.kind in ("mismatch", "near_match"):
            row.update(field=d.field, cell_value=d.cell_value, official_value=d.official_value)
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            extra = (
                f"  {d.field}: {d.cell_value} ≠ {d.official_value}"
                if d.kind in ("mismatch", "near_match")
                else ""
            )
            print(f"{cell.code}  {cli_labels.discrepancy(_, d.kind)}  {d.full_name}{extra}")
    if not args.json:
        print(
            _(
                "{rows} rows compared with {cells} cells (period ending {end}): {n} discrepancies.",
                rows=result.rows,
                cells=len(result.cells),
                end=result.period.end,
                n=len(result.discrepancies),
            )
        )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = sub.add_parser("status", help=N_("officers: numbers per organisation below CODE"))
    status.add_argument("--org", required=True, help=N_("code of the organisation"))
    status.add_argument("--date", help=N_("as on this day, YYYY-MM-DD (default: today)"))
    status.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    status.set_defaults(func=cmd_status)
    overdue = sub.add_parser("overdue", help=N_("officers: overdue items below CODE"))
    overdue.add_argument("--org", required=True, help=N_("code of the organisation"))
    overdue.add_argument("--date", help=N_("as on this day, YYYY-MM-DD (default: today)"))
    overdue.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    overdue.set_defaults(func=cmd_overdue)
    report = sub.add_parser("report", help=N_("officers: XLSX workbook and PNG chart"))
    report.add_argument("--org", required=True, help=N_("code of the organisation"))
    report.add_argument("--period", help=N_("YYYY or YYYY-MM (default: this year)"))
    report.add_argument("--out", required=True, help=N_("the .xlsx file; the chart goes beside it"))
    report.set_defaults(func=cmd_report)
    recon = sub.add_parser("reconcile", help=N_("reconciliation of the member list"))
    cmds = recon.add_subparsers(dest="reconcile_cmd", required=True)
    imp = cmds.add_parser("import", help=N_("compare an official list with the cells' rosters"))
    imp.add_argument("file", help=N_("the official list (.xlsx or .csv, roster template + cell)"))
    imp.add_argument("--org", required=True, help=N_("code of the organisation it covers"))
    imp.add_argument("--period", required=True, help=N_("2026-H1, 2026-H2 or the period's end"))
    imp.add_argument("--json", action="store_true", help=N_("one discrepancy per line"))
    imp.set_defaults(func=cmd_reconcile_import)

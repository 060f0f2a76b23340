"""The year-end evaluation from the terminal (usecases.evaluation):

    chibo evaluation --org CODE [--year YYYY] [--json] [--chart FILE.png]
    chibo evaluation open --org CODE --year YYYY --review-by YYYY-MM-DD --report-by YYYY-MM-DD
                          [--remind-from YYYY-MM-DD] [--instruction TEXT] [--form TEXT]
    chibo evaluation rate --org CODE --year YYYY --level HTXS|HTT|HT|KHT --date YYYY-MM-DD
                          [--note TEXT]
    chibo evaluation export --org CODE --year YYYY --out FILE.xlsx

The first prints the officers' numbers per organisation below CODE (`--json`: one object per
line, then the whole as the last line with `"total": true`).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from fractions import Fraction
from pathlib import Path

from chibo.bot.config import Config
from chibo.rules.evaluation import LEVEL_LABELS, LEVELS
from chibo.rules.messages import N_
from chibo.storage.evaluation import CampaignFields
from chibo.usecases import evaluation as uc
from chibo.usecases import evaluation_files
from chibo.usecases.i18n import Translator

CLI_ACTOR = "cli"


def _date(text: str | None, option: str, _: Translator) -> date | None:
    from chibo.bot.cli import CliError

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(
            _("{option}: expected a date as YYYY-MM-DD, got {value}.", option=option, value=text)
        ) from exc


def _need_date(text: str, option: str, _: Translator) -> date:
    found = _date(text, option, _)
    assert found is not None
    return found


def _pct(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    return [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in (head, *body)
    ]


async def cmd_numbers(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import CliError, open_context

    if not args.org:
        raise CliError(_("--org: give the code of the organisation."))
    year = uc.parse_year(args.year) if args.year else None
    async with open_context(config) as ctx:
        view = await uc.overview(ctx, CLI_ACTOR, code=args.org, year=year)
    if args.chart:
        path = Path(args.chart)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(evaluation_files.chart_png(view, _))
    if args.json:
        for line in view.lines:
            print(json.dumps(line.as_json(), ensure_ascii=False))
        print(json.dumps({**view.total.as_json(), "total": True}, ensure_ascii=False))
        return 0
    k = view.campaign
    if k is None:
        print(
            _(
                "{org} ({code}), year {year}: no campaign opened.",
                org=view.root.name,
                code=view.root.code,
                year=view.year,
            )
        )
    else:
        print(
            _(
                "{org} ({code}), year {year}: cells review by {review_by}, results go up by"
                " {report_by}.",
                org=view.root.name,
                code=view.root.code,
                year=view.year,
                review_by=k.review_by,
                report_by=k.report_by,
            )
        )
    head = [
        _("Code"),
        _("To review"),
        _("Reviewed"),
        _("Not yet"),
        *LEVELS,
        _("Cells rated"),
        _("Members HTT+"),
        _("Grassroots HTT+"),
    ]
    body = []
    for x in [*view.lines, view.total]:
        body.append(
            [
                x.code,
                str(x.due),
                str(x.reviewed),
                str(x.not_yet),
                *(f"{x.levels.get(lvl, 0)} ({_pct(x.share(lvl))})" for lvl in LEVELS),
                f"{x.cells - x.cells_unrated}/{x.cells}",
                _pct(x.members_target.share),
                _pct(x.grassroots_target.share),
            ]
        )
    print("\n".join(_table(head, body)))
    t = view.total
    for label, progress in (
        (_("Members rated HTT or better"), t.members_target),
        (_("Grassroots organisations rated HTT or better"), t.grassroots_target),
    ):
        print(
            _(
                "{label}: {good}/{base} ({share}); target above {target}: {state}.",
                label=label,
                good=progress.good,
                base=progress.base,
                share=_pct(progress.share),
                target=_pct(progress.ratio),
                state=_("met") if progress.met else _("not met"),
            )
        )
    for warning in view.warnings:
        print(_.msg(warning))
    return 0


async def cmd_open(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    fields = CampaignFields(
        review_by=_need_date(args.review_by, "--review-by", _),
        report_by=_need_date(args.report_by, "--report-by", _),
        remind_from=_date(args.remind_from, "--remind-from", _),
        instruction=args.instruction,
        form=args.form,
    )
    year = uc.parse_year(args.year)
    async with open_context(config) as ctx:
        k = await uc.open_campaign(ctx, CLI_ACTOR, code=args.org, year=year, fields=fields)
        org = await uc.org_by_code(ctx, args.org)
    print(
        _(
            "Year-end review {year} opened for {org} ({code}): cells review by {review_by},"
            " results go up by {report_by}.",
            year=k.year,
            org=org.name,
            code=org.code,
            review_by=k.review_by,
            report_by=k.report_by,
        )
    )
    return 0


async def cmd_rate(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    year = uc.parse_year(args.year)
    decided_on = _need_date(args.date, "--date", _)
    async with open_context(config) as ctx:
        org = await uc.org_by_code(ctx, args.org)
        rated = await uc.rate_cell(
            ctx,
            CLI_ACTOR,
            org_id=org.id,
            year=year,
            level=args.level,
            decided_on=decided_on,
            note=args.note,
        )
    level = rated.cell.level
    print(
        _(
            "{org} ({code}) rated {level} for {year}.",
            org=org.name,
            code=org.code,
            level=_(LEVEL_LABELS[level]) if level else "—",
            year=year,
        )
    )
    for warning in rated.warnings:
        print(_.msg(warning))
    return 0


async def cmd_export(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    year = uc.parse_year(args.year)
    async with open_context(config) as ctx:
        review = await uc.cell_year_list(ctx, CLI_ACTOR, code=args.org, year=year)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(evaluation_files.cell_list_xlsx(review, _))
    print(
        _(
            "Year list {year} of {org} ({code}): {n} members, written to {file}.",
            year=year,
            org=review.org.name,
            code=review.org.code,
            n=len(review.lines),
            file=out,
        )
    )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = sub.add_parser("evaluation", help=N_("year-end evaluation: numbers, campaign, export"))
    ev.add_argument("--org", help=N_("code of the organisation"))
    ev.add_argument("--year", help=N_("the reviewed year, YYYY (default: this year)"))
    ev.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    ev.add_argument("--chart", help=N_("also write the chart (PNG) to this file"))
    ev.set_defaults(func=cmd_numbers)
    cmds = ev.add_subparsers(dest="evaluation_cmd", required=False)
    opn = cmds.add_parser("open", help=N_("open the year's campaign for a subtree"))
    opn.add_argument("--org", required=True, help=N_("code of the subtree's organisation"))
    opn.add_argument("--year", required=True, help=N_("the reviewed year, YYYY"))
    opn.add_argument("--review-by", required=True, help=N_("cells review by, YYYY-MM-DD"))
    opn.add_argument("--report-by", required=True, help=N_("results go up by, YYYY-MM-DD"))
    opn.add_argument("--remind-from", help=N_("remind secretaries from (default 1 November)"))
    opn.add_argument("--instruction", help=N_("the upper-level instruction, number and date"))
    opn.add_argument("--form", help=N_("the review form in force"))
    opn.set_defaults(func=cmd_open)
    rate = cmds.add_parser("rate", help=N_("record an organisation's own level (committee above)"))
    rate.add_argument("--org", required=True, help=N_("code of the cell or organisation"))
    rate.add_argument("--year", required=True, help=N_("the reviewed year, YYYY"))
    rate.add_argument("--level", required=True, choices=LEVELS)
    rate.add_argument("--date", required=True, help=N_("date of the decision, YYYY-MM-DD"))
    rate.add_argument("--note", help=N_("notes"))
    rate.set_defaults(func=cmd_rate)
    exp = cmds.add_parser("export", help=N_("the cell's year list as a committee files it (XLSX)"))
    exp.add_argument("--org", required=True, help=N_("code of the cell"))
    exp.add_argument("--year", required=True, help=N_("the reviewed year, YYYY"))
    exp.add_argument("--out", required=True, help=N_("the .xlsx file"))
    exp.set_defaults(func=cmd_export)

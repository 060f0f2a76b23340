"""`chibo reminders due|run`: preview what a sweep would send on a date, or run one sweep now.

Both use `usecases.reminders.plan`, so the preview lists exactly what the sweep would send
(reminders not yet sent, with the recipients still to reach), and `--json` prints one object
per line for scripts and tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from typing import Any

from chibo.bot import cli_labels
from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.i18n import Translator, translator
from chibo.usecases.reminders import Planned

PREVIEW_LOCALE = "vi"


def _date(args: argparse.Namespace, _: Translator) -> date | None:
    from chibo.bot.cli import CliError

    if not args.date:
        return None
    try:
        return date.fromisoformat(args.date)
    except ValueError as exc:
        raise CliError(
            _("--date: expected a date as YYYY-MM-DD, got {value}.", value=args.date)
        ) from exc


def preview_row(item: Planned, vi: Translator) -> dict[str, Any]:
    """One reminder the sweep would send (or, with `no_recipient`, that nobody bound can
    receive), as plain JSON values."""
    r = item.reminder
    return {
        "kind": r.kind,
        "org": item.org.code,
        "org_name": item.org.name,
        "subject_type": r.subject_type,
        "subject_id": r.subject_id,
        "subject_name": r.subject_name,
        "due_date": r.due_date.isoformat(),
        "step": r.step,
        "severity": r.severity,
        "recipients": list(r.recipients),
        "users": [x.user.tg_id for x in item.recipients],
        "no_recipient": not item.recipients,
        "key": r.key,
        "text": vi.msg(item.message()),
    }


def _table(rows: list[dict[str, Any]], _: Translator) -> list[str]:
    head = [_("Due date"), _("Severity"), _("Org"), _("Kind"), _("About"), _("To")]
    body = [
        [
            r["due_date"],
            cli_labels.severity(_, r["severity"]),
            r["org"],
            cli_labels.reminder_kind(_, r["kind"]),
            r["subject_name"],
            _("no recipient bound")
            if r["no_recipient"]
            else f"{'+'.join(cli_labels.role_name(_, x) for x in r['recipients'])}"
            f" ×{len(r['users'])}",
        ]
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    return [
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in (head, *body)
    ]


async def cmd_due(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    day = _date(args, _)
    async with open_context(config) as ctx:
        current = await reminders_uc.plan(ctx, day or ctx.today(), org_code=args.org)
    vi = translator(PREVIEW_LOCALE)
    rows = [preview_row(item, vi) for item in (*current.items, *current.unbound)]
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if not rows:
        print(_("No reminders to send on {date}.", date=current.today))
        return 0
    print("\n".join(_table(rows, _)))
    print(_("{n} reminder(s) would be sent on {date}.", n=len(current.items), date=current.today))
    if current.unbound:
        print(
            _(
                "{n} reminder(s) due but nobody is bound to receive them yet"
                " (chibo invite create).",
                n=len(current.unbound),
            )
        )
    return 0


async def cmd_run(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.channels import build_channels, notifier_for
    from chibo.bot.cli import CliError, open_context

    if not config.telegram.token and not config.zalo.token:
        raise CliError(
            _(
                "no bot token: sending reminders needs the Telegram bot's token in"
                " CHIBO_TELEGRAM_TOKEN or [telegram] token, or the Zalo bot's in"
                " CHIBO_ZALO_TOKEN or [zalo] token of the config file."
                " To see what would be sent, use: chibo reminders due"
            )
        )
    day = _date(args, _)
    async with open_context(config) as ctx:
        # The Applications only as the feature registry (the buttons under each reminder) and
        # their bots; they are not started: nothing polls. With [zalo] configured too, each
        # recipient gets the reminder on their chosen channel.
        app = build_channels(ctx, config)
        channels = app.bot_data.get("channels", {"telegram": app})
        for name, each in channels.items():
            await _connect(each.bot, _, name)
        try:
            report = await reminders_uc.sweep(ctx, notifier_for(app), today=day, org_code=args.org)
        finally:
            for each in channels.values():
                await each.bot.shutdown()
    print(
        _(
            "Reminders of {date}: {sent} sent, {blocked} not delivered (bot blocked),"
            " {retry} to retry at the next sweep, {skipped} taken by another sweep.",
            date=report.today,
            sent=len(report.sent),
            blocked=len(report.blocked),
            retry=len(report.retry_later),
            skipped=report.skipped,
        )
    )
    return 1 if report.retry_later else 0


#: Waits between attempts to reach Telegram before a sweep (then the command gives up).
CONNECT_WAITS: tuple[float, ...] = (1.0, 2.0, 4.0)


async def _connect(bot: Any, _: Translator, channel: str = "telegram") -> None:
    """Log in to the channel's bot API; without network or with a rejected token say so in
    one line (naming the channel and its token's variable) and try again with back-off, then
    give up with one line (exit status 1)."""
    from telegram.error import TelegramError

    from chibo.bot.app import start_problem
    from chibo.bot.cli import CliError

    for wait in (*CONNECT_WAITS, None):
        try:
            await bot.initialize()
            return
        except TelegramError as exc:
            found = start_problem(_, channel, exc, bot.token)
            if found is None:
                raise
            problem = found
        if wait is None:
            raise CliError(_("{problem}; no reminders were sent.", problem=problem))
        seconds = f"{wait:g}"
        print(
            _("chibo: {problem}; trying again in {n} s", problem=problem, n=seconds),
            file=sys.stderr,
        )
        await asyncio.sleep(wait)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rem = sub.add_parser("reminders", help=N_("reminders: preview, or run a sweep now"))
    cmds = rem.add_subparsers(dest="reminders_cmd", required=True)
    due = cmds.add_parser("due", help=N_("what the sweep would send on a date (sends nothing)"))
    due.add_argument("--date", help=N_("YYYY-MM-DD (default: today)"))
    due.add_argument("--org", help=N_("only this organisation and those below it"))
    due.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    due.set_defaults(func=cmd_due)
    run = cmds.add_parser("run", help=N_("run one sweep now (needs a bot token)"))
    run.add_argument("--date", help=N_("sweep as on this day, YYYY-MM-DD (default: today)"))
    run.add_argument("--org", help=N_("only this organisation and those below it"))
    run.set_defaults(func=cmd_run)

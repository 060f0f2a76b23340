"""`chibo meeting add|list`: back-fill cell meetings from the terminal (same validation as chat).

    chibo meeting add --org CB1 --date 2026-03-05 --kind thematic --topic "Nghị quyết…" \
        --rating "Tốt"
    chibo meeting list --org CB1

Attendance is optional here: a meeting added without it shows "attendance not recorded" and
can be completed in the chat (edit the meeting).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.storage.meetings import KINDS, MeetingFields
from chibo.usecases import meetings as meetings_uc
from chibo.usecases.i18n import Translator
from chibo.usecases.meetings import KIND_LABELS

CLI_ACTOR = "cli"


def _date(text: str, _: Translator) -> date:
    from chibo.bot.cli import CliError

    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(
            _("--date: expected a date as YYYY-MM-DD, got {value}.", value=text)
        ) from exc


async def cmd_add(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    held_on = _date(args.date, _)
    fields = MeetingFields(
        held_on=held_on,
        kind=args.kind,
        topic=args.topic,
        upper_attendee=args.upper,
        contents=args.contents,
        rating=args.rating,
    )
    async with open_context(config) as ctx:
        org = await meetings_uc.cell_by_code(ctx, args.org)
        try:
            meeting = await meetings_uc.record(
                ctx, actor=CLI_ACTOR, org_id=org.id, inp=meetings_uc.MeetingInput(fields)
            )
        except meetings_uc.DuplicateRegular as exc:
            print(f"chibo: {_.msg(exc.msg)}", file=sys.stderr)
            print(
                _(
                    "The recorded meeting is #{id}; edit it in the chat (/meetings).",
                    id=exc.existing.id,
                ),
                file=sys.stderr,
            )
            return 2
    print(
        _(
            "Recorded meeting #{id}: {kind}, {date}, {org}.",
            id=meeting.id,
            kind=_(KIND_LABELS[meeting.kind]),
            date=meeting.held_on,
            org=org.name,
        )
    )
    return 0


async def cmd_list(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    async with open_context(config) as ctx:
        org = await meetings_uc.cell_by_code(ctx, args.org)
        lines, total = await meetings_uc.recent(ctx, CLI_ACTOR, org.id, limit=args.limit)
    if total == 0:
        print(_("No meetings recorded yet."))
        return 0
    for line in lines:
        m = line.meeting
        counts = f"{line.counts.present}/{line.counts.expected}" if line.counts else "—"
        print(
            f"#{m.id}  {_.date(m.held_on)}  {_(KIND_LABELS[m.kind])}  {counts}"
            f"  {m.rating or '—'}  {m.topic or ''}".rstrip()
        )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    meeting = sub.add_parser("meeting", help=N_("cell meetings (the meeting book)"))
    cmds = meeting.add_subparsers(dest="meeting_cmd", required=True)
    add = cmds.add_parser("add", help=N_("record a past meeting (back-filling)"))
    add.add_argument("--org", required=True, help=N_("code of the cell"))
    add.add_argument("--date", required=True, help=N_("date held, YYYY-MM-DD"))
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument("--topic", help=N_("topic (required for a thematic meeting)"))
    add.add_argument("--rating", help=N_("the cell's rating, one of [meetings] rating_levels"))
    add.add_argument("--upper", help=N_("upper-level committee member who attended"))
    add.add_argument("--contents", help=N_("main contents / resolution"))
    add.set_defaults(func=cmd_add)
    lst = cmds.add_parser("list", help=N_("recent meetings of a cell"))
    lst.add_argument("--org", required=True, help=N_("code of the cell"))
    lst.add_argument("--limit", type=int, default=20)
    lst.set_defaults(func=cmd_list)

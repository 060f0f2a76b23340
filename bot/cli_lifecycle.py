"""`chibo lifecycle --org CODE [--year YYYY] [--json]`: the officers' numbers on members who
move, pause or leave (transfers in and out, temporary transfers, exemptions, removal reviews),
per organisation of the subtree; a committee's row adds up the cells below it.
"""

from __future__ import annotations

import argparse
import json

from chibo.bot.config import Config
from chibo.rules.messages import N_
from chibo.usecases import lifecycle as lifecycle_uc
from chibo.usecases.i18n import Translator

CLI_ACTOR = "cli"

COLUMNS = (
    ("transfers_out_open", N_("out (in progress)")),
    ("transfers_out_done", N_("out (done)")),
    ("transfers_in_expected", N_("in (expected)")),
    ("transfers_in_done", N_("in (received)")),
    ("temporary_away", N_("temporarily away")),
    ("temporary_here", N_("temporarily here")),
    ("exempt", N_("exempt")),
    ("temporarily_exempt", N_("temporarily exempt")),
    ("reviews_open", N_("removal reviews open")),
    ("reviews_decided", N_("removal reviews decided")),
)


async def cmd_lifecycle(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    async with open_context(config) as ctx:
        rows = await lifecycle_uc.numbers(ctx, actor=CLI_ACTOR, org_code=args.org, year=args.year)
    if args.json:
        for row in rows:
            print(json.dumps(row.as_dict(), ensure_ascii=False))
        return 0
    for row in rows:
        values = row.as_dict()
        parts = [f"{_(label)}: {values[key]}" for key, label in COLUMNS]
        print(f"{row.code}  {row.name}")
        print("    " + " · ".join(parts))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "lifecycle", help=N_("transfers, exemptions and removal reviews per organisation")
    )
    p.add_argument("--org", required=True, help=N_("code of the organisation"))
    p.add_argument("--year", type=int, help=N_("year of the completed counts (default: this year)"))
    p.add_argument("--json", action="store_true", help=N_("one JSON object per line"))
    p.set_defaults(func=cmd_lifecycle)

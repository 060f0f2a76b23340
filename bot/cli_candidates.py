"""`chibo candidates grassroots|list|admissions`: admission settings and figures from the terminal.

chibo candidates grassroots C1 no      # C1 is a chi bộ cơ sở: no grassroots resolution step
chibo candidates grassroots C1 auto    # back to the inference from the organisation tree
chibo candidates list --org C1
chibo candidates admissions --org X [--year 2026]
"""

from __future__ import annotations

import argparse

from chibo.bot.config import Config
from chibo.rules import candidate_steps as steps
from chibo.rules.messages import N_
from chibo.usecases import candidates as uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases.i18n import Translator

CLI_ACTOR = "cli"
_VALUES = {"yes": True, "no": False, "auto": None}


async def cmd_grassroots(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    async with open_context(config) as ctx:
        org, value = await uc.set_under_grassroots(
            ctx, actor=CLI_ACTOR, org_code=args.org, value=_VALUES[args.value]
        )
    print(
        _(
            "{org}: under a grassroots party committee — {answer}.",
            org=org.name,
            answer=_("yes") if value else _("no"),
        )
    )
    return 0


async def cmd_list(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    async with open_context(config) as ctx:
        org = await orgs_uc.get_org(ctx, args.org)
        reg = await uc.register_of(ctx, CLI_ACTOR, org.id)
    if not reg.active:
        print(_("No outstanding candidate is being considered."))
    for line in reg.active:
        c = line.candidate
        step = _(line.next.title) if line.next else "—"
        print(f"#{c.id}  {c.full_name}  {_.date(c.details.birth_date)}  {step}")
    return 0


async def cmd_admissions(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.cli import open_context

    async with open_context(config) as ctx:
        org = await orgs_uc.get_org(ctx, args.org)
        o = await uc.admissions_overview(ctx, actor=CLI_ACTOR, org_id=org.id, year=args.year)
    print(_("📊 Admissions {year} — {org}", year=o.year, org=o.org_name))
    print(_("Admitted this year (by decision date): {n}", n=o.admitted))
    print(
        _(
            "Yearly target: {low}–{high} ({pmin}–{pmax} of {members} members on 1 January)",
            low=o.target.minimum,
            high=o.target.maximum,
            pmin=_.percent(float(o.target.ratio_min)),
            pmax=_.percent(float(o.target.ratio_max)),
            members=o.members_at_start,
        )
    )
    for n, step in enumerate(steps.PIPELINE, start=1):
        print(f"  {n}. {_(step.title)}: {o.by_stage[step.code]}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cand = sub.add_parser("candidates", help=N_("admission candidates (quần chúng ưu tú)"))
    cmds = cand.add_subparsers(dest="candidates_cmd", required=True)
    gr = cmds.add_parser("grassroots", help=N_("is a cell under a grassroots party committee?"))
    gr.add_argument("org", help=N_("code of the cell"))
    gr.add_argument(
        "value",
        choices=sorted(_VALUES),
        help=N_("yes / no, or auto to infer it from the organisation tree"),
    )
    gr.set_defaults(func=cmd_grassroots)
    lst = cmds.add_parser("list", help=N_("candidates being considered in a cell"))
    lst.add_argument("--org", required=True, help=N_("code of the cell"))
    lst.set_defaults(func=cmd_list)
    adm = cmds.add_parser("admissions", help=N_("candidates by stage and the yearly target"))
    adm.add_argument("--org", required=True, help=N_("code of an organisation (its subtree)"))
    adm.add_argument("--year", type=int, help=N_("default: this year"))
    adm.set_defaults(func=cmd_admissions)

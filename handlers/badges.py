"""Party badges on Telegram (issue 15), over `usecases.badges`: the list of members who reach a
milestone by the next award date (3/2, 19/5, 2/9, 7/11) and have not received it, per cell, with
the XLSX proposal file; recording an award by buttons; the badges to return on expulsion.

`/badges [CODE] [award date]` for officers (their subtree) and secretaries (their cell).
Callback contract: bdg:l:<org>:<award> (the list) · bdg:aw:<member>:<years>:<award> (ask) ·
bdg:awok:<member>:<years>:<award> (record) · bdg:ret:<org> (badges to return) ·
bdg:rt:<award id> (returned today). Every press re-checks scope through the use cases: read
access to the organisation for the lists, write access to the member's cell to record.
"""

from __future__ import annotations

import asyncio
import io
from datetime import date, timedelta
from typing import Any

from telegram import InputFile
from telegram.ext import CommandHandler

from chibo.handlers.common import App, Req, cb, handler, pack_lines
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.roster_common import Rows
from chibo.handlers.routing import DAY, INT, Route, int_in
from chibo.rules.badges import next_award_date
from chibo.rules.dates import read_date
from chibo.rules.messages import N_, Msg
from chibo.usecases import access, report_xlsx
from chibo.usecases import badges as uc
from chibo.usecases import dues as dues_uc
from chibo.usecases import status as status_uc
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator

F = "bdg"
MAX_AWARD_BUTTONS = 30


def _day(d: date) -> str:
    return d.strftime("%Y%m%d")


def list_text(_: Translator, view: uc.BadgeList) -> list[str]:
    lines = [
        _(
            "Party badges for the award on {date} — {org} ({code}): {n} member(s) reach a"
            " milestone and have not received it.",
            date=view.award_date,
            org=view.root.name,
            code=view.root.code,
            n=len(view.lines),
        )
    ]
    for code, items in view.by_cell().items():
        lines.append("")
        lines.append(_("{cell} ({code}):", cell=items[0].cell.name, code=code))
        for line in items:
            d = line.due
            text = _(
                "• {name}: {n} years on {date}",
                name=d.member.full_name,
                n=d.milestone,
                date=d.reached_on,
            )
            if d.early:
                text += " " + _("(early: serious illness)")
            lines.append(text)
    for cell, member in view.missing_decision:
        lines.append(
            _(
                "{cell}: {name} has no admission decision date; party age cannot be computed.",
                cell=cell.code,
                name=member.full_name,
            )
        )
    return lines


async def show_list(
    req: Req, *, code: str | None = None, org_id: int | None = None, award: date | None = None
) -> None:
    _ = req._
    if org_id is not None:
        code = (await access.require_read(req.ctx, req.user_id, org_id)).code
    if code is None:
        cell = req.profile.current_cell
        if cell is not None and (req.profile.cells or not req.profile.officer_orgs):
            code = cell.org_code
        else:
            code = (await status_uc.officer_root(req.ctx, req.user_id)).code
    award = award or next_award_date(req.ctx.today(), req.ctx.catalogue)
    view = await uc.due_list(req.ctx, req.user_id, code, award)
    writable = {g.org_id for g in req.profile.cells}
    rows: Rows = [
        [
            (
                _("🎖 Awarded: {name} ({n})", name=line.due.member.full_name, n=line.due.milestone)[
                    :60
                ],
                cb(F, "aw", line.due.member.member_id, line.due.milestone, _day(award)),
            )
        ]
        for line in view.lines
        if line.cell.id in writable
    ][:MAX_AWARD_BUTTONS]
    nxt = next_award_date(award + timedelta(days=1), req.ctx.catalogue)
    rows.append(
        [
            (_("Next award: {date}", date=nxt), cb(F, "l", view.root.id, _day(nxt))),
            (_("Badges to return"), cb(F, "ret", view.root.id)),
        ]
    )
    texts = pack_lines(list_text(_, view))
    for t in texts[:-1]:
        await req.reply(t)
    if req.query is not None and len(texts) == 1:
        await req.show(texts[-1], rows)
    else:
        await req.reply(texts[-1], rows)
    chat = req.update.effective_chat
    assert chat is not None
    data = await asyncio.to_thread(report_xlsx.build_badges, view, _)
    await req.context.bot.send_document(
        chat.id,
        document=InputFile(
            io.BytesIO(data), filename=f"huy-hieu-{view.root.code}-{award.isoformat()}.xlsx"
        ),
        caption=_(
            "Proposal list for the party badges of {date}: {n} member(s).",
            date=award,
            n=len(view.lines),
        ),
    )


async def _list(req: Req, org_id: int, award: date) -> None:
    await show_list(req, org_id=org_id, award=award)


async def _menu(req: Req) -> None:
    await show_list(req)


async def ask_award(req: Req, member_id: int, years: int, award: date) -> None:
    """`bdg:aw:<member>:<years>:<award>`: confirm recording the award."""
    await dues_uc.member_for_write(req.ctx, req.user_id, member_id)
    age = await uc.party_age_of(req.ctx, req.user_id, member_id)
    _ = req._
    await req.show(
        _(
            "Record that {name} received the {n}-year party badge on {date}?",
            name=age.member.full_name,
            n=years,
            date=award,
        ),
        [
            [(_("✅ Confirm"), cb(F, "awok", member_id, years, _day(award)))],
            [(_("« Back"), cb(F, "l", age.member.org_id, _day(award)))],
        ],
    )


async def record_award(req: Req, member_id: int, years: int, award: date) -> None:
    a = await uc.record_award(
        req.ctx, actor=req.user_id, member_id=member_id, milestone=years, award_date=award
    )
    age = await uc.party_age_of(req.ctx, req.user_id, member_id)
    _ = req._
    await req.show(
        _(
            "Recorded: {name} received the {n}-year party badge on {date}.",
            name=age.member.full_name,
            n=a.milestone,
            date=a.award_date,
        ),
        [[(_("« Back"), cb(F, "l", age.member.org_id, _day(award)))]],
    )


async def show_returns(req: Req, org_id: int) -> None:
    """`bdg:ret:<org>`: badges held by members no longer in the party."""
    org = await access.require_read(req.ctx, req.user_id, org_id)
    lines = await uc.badges_to_return(req.ctx, req.user_id, org.code)
    _ = req._
    text = [_("Badges to return — {org}: {n}", org=org.name, n=len(lines))]
    writable = {g.org_id for g in req.profile.cells}
    rows: Rows = []
    for r in lines:
        text.append(
            _(
                "• {cell}: {name}, {n}-year badge of {date}",
                cell=r.cell.code,
                name=r.member.full_name,
                n=r.award.milestone,
                date=r.award.award_date,
            )
        )
        if r.cell.id in writable:
            rows.append(
                [(_("Returned: {name}", name=r.member.full_name)[:60], cb(F, "rt", r.award.id))]
            )
    if not lines:
        text.append(_("None."))
    await req.show("\n".join(text), rows)


async def returned(req: Req, award_id: int) -> None:
    a = await uc.record_return(
        req.ctx, actor=req.user_id, award_id=award_id, returned_on=req.ctx.today()
    )
    await req.show(req._("Recorded: the badge was returned on {date}.", date=a.returned_on))


@handler()
async def badges_command(req: Req) -> None:
    """/badges [CODE] [award date]."""
    args = req.context.args or []
    award: date | None = None
    code: str | None = None
    for a in args:
        if a[:1].isdigit():
            found = read_date(a, req.ctx.today())
            if isinstance(found, Msg):
                raise InvalidInput(found)
            award = found
        else:
            code = a
    await show_list(req, code=code, award=award)


def reminder_actions(_: Translator, reminder: Any) -> list[tuple[str, str]]:
    """Under the badge proposal reminder: the cell's list for that award date."""
    try:
        award = date.fromisoformat(str(reminder.step))
    except ValueError:
        return []
    return [(_("Badge list"), cb(F, "l", reminder.org_id, _day(award)))]


ROUTES = {
    "m": Route(_menu),
    "l": Route(_list, INT, DAY),
    "aw": Route(ask_award, INT, int_in(1, 120), DAY),
    "awok": Route(record_award, INT, int_in(1, 120), DAY),
    "ret": Route(show_returns, INT),
    "rt": Route(returned, INT),
}


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec("badges", N_("Party badges to propose (e.g. /badges XA 19/05/2027)"), "all", 26)
    )
    reg.add_menu(MenuEntry(N_("Party badges"), cb(F, "m"), "all", 26))
    app.add_handler(CommandHandler("badges", badges_command))
    reg.add_routes(F, ROUTES)
    reg.add_reminder_actions("badge", reminder_actions)

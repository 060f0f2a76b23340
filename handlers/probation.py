"""Probationary members on Telegram: the /probation list, each member's probation card, and
recording the course, helpers, cell resolution, committee decision or "not eligible".

Callback contract (the reminder engine's buttons use the first two):
  prob:view:<member_id>   the probation card of a member, with the recording buttons
  prob:res:<member_id>    start recording the cell resolution date ("the cell has met")
  prob:course:<id> · prob:hlp:<id>[:<page>] · prob:ht:<id>:<helper_id>:<page> (toggle)
  prob:dec:<id> · prob:no:<id> · prob:vote:<id> (the cell's vote, P6) · prob:list
  prob:f:<ok|cancel|d:yyyymmdd|n:number> (flow)
Every press re-checks through the use cases that the member's cell is the user's to write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from telegram.ext import CommandHandler

from chibo.handlers.common import EXPIRED, App, Req, cb, expired, handler, open_draft, working_cell
from chibo.handlers.flows import start_draft
from chibo.handlers.paging import page_of, pager_rows
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.roster_common import CANCELLED, Rows, compact_date
from chibo.handlers.routing import INT, TOKEN, Route, choice, opt
from chibo.rules.dates import read_date
from chibo.rules.messages import N_, Msg
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import probation as uc
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator

F = "prob"
DATE_KIND, TEXT_KIND = "prob.date", "prob.text"
HELPERS_PAGE = 8
ASK_DATE = {
    "course": N_(
        "On what date did {name} complete the new-member political course (lớp bồi"
        " dưỡng đảng viên mới)? For example 15/05/2026."
    ),
    "resolution": N_(
        "On what date did the cell meet and pass the resolution on {name}'s"
        " conversion? It is dated after the end of probation ({end}): {first} or later."
    ),
    "decision": N_("Date of the committee's decision recognising {name} as an official member?"),
    "vote": N_(
        "On what date did the cell vote on {name}'s conversion? The vote is held after the end"
        " of probation ({end}): {first} or later."
    ),
}
VOTE_STEPS = ("vbase", "vfor", "vagainst")


def _days(_: Translator, c: uc.Case) -> str:
    """Where the conversion stands, in the rules' own words (rules.probation.conversion_stage):
    "overdue" only after the cell's legal deadline (P5), never once the cell has met."""
    days = c.days_left
    if days is None:
        return ""
    if c.stage == "probation":
        return _("{n} days left", n=days) if days > 0 else _("ends today")
    if c.stage == "review_due":
        return _("due for the conversion review, deadline {deadline}", deadline=c.deadline)
    if c.stage == "overdue":
        return _("conversion review overdue, deadline {deadline}", deadline=c.deadline)
    if c.stage == "escalated":
        return _("no 2/3 in the cell's votes: the upper committees decide")
    return _("ended")


def _line(_: Translator, i: int, c: uc.Case) -> str:
    name = c.member.full_name
    if c.end is None:
        return _("{i}. {name} — no ceremony date recorded", i=i, name=name)
    text = _(
        "{i}. {name} — probation ends {end} ({days})",
        i=i,
        name=name,
        end=c.end,
        days=_days(_, c),
    )
    conv = c.conversion
    if c.proposed_removal:
        text += "; " + _("removal proposed")
    elif conv and conv.cell_resolution_date:
        text += "; " + _("cell met {date}", date=conv.cell_resolution_date)
    return text


async def show_list(req: Req, *, reply: bool = False) -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    _ = req._
    cell = req.profile.current_cell
    assert cell is not None
    cases = await uc.cases(req.ctx, actor=req.user_id, org_id=org_id)
    lines = [_("Probationary members — {org}: {n}", org=cell.org_name, n=len(cases))]
    if not cases:
        lines.append(
            _(
                "No probationary members in the roster. Add them under “Party"
                " members” with the status “Probationary” and their ceremony date."
            )
        )
    lines.extend(_line(_, i, c) for i, c in enumerate(cases, start=1))
    rows: Rows = [
        [(f"{i}. {c.member.full_name}"[:60], cb(F, "view", c.member.id))]
        for i, c in enumerate(cases, start=1)
    ]
    rows.append([(_("Party members"), cb("roster", "menu")), (_("« Menu"), cb("menu", "main"))])
    text = "\n".join(lines)
    await (req.reply(text, rows) if reply else req.show(text, rows))


@handler()
async def probation_command(req: Req) -> None:
    await show_list(req, reply=True)


def case_text(_: Translator, c: uc.Case) -> str:
    m = c.member
    conv = c.conversion
    lines = [_("Probation record: {name}", name=m.full_name)]
    lines.append(_("Admission ceremony: {date}", date=m.ceremony_date))
    if c.end is not None:
        if m.status == "probationary":
            lines.append(_("End of probation: {date} ({days})", date=c.end, days=_days(_, c)))
        else:
            lines.append(_("End of probation: {date}", date=c.end))
    course = _.date(m.course_done_date) if m.course_done_date else _("not recorded")
    lines.append(_("New-member course: {course}", course=course))
    helpers = ", ".join(h.full_name for h in c.helpers) or _("none assigned")
    lines.append(_("Helping members: {names}", names=helpers))
    for n, v in enumerate(c.votes, start=1):
        lines.append(
            _(
                "Cell vote, round {n} ({date}): {agree} for, {disagree} against, of {base}",
                n=n,
                date=v.held_on,
                agree=v.agree,
                disagree=v.disagree,
                base=v.base,
            )
        )
    met = conv.cell_resolution_date if conv else None
    lines.append(_("Cell resolution: {date}", date=met) if met else _("Cell resolution: not yet"))
    if conv and conv.outcome == "converted":
        lines.append(
            _(
                "Committee decision no. {no} of {date}: official member from {official}.",
                no=conv.committee_decision_no,
                date=conv.committee_decision_date,
                official=m.official_date,
            )
        )
    elif conv and conv.outcome == "not_eligible" and conv.outcome_note is None:
        lines.append(
            _(
                "The cell voted on {date} to propose removing the member from the list.",
                date=conv.outcome_date,
            )
        )
    elif conv and conv.outcome == "not_eligible":
        lines.append(
            _(
                "The cell proposed removing the member from the list on {date}: {reason}",
                date=conv.outcome_date,
                reason=conv.outcome_note or "",
            )
        )
    elif m.status != "probationary":
        lines.append(_("Status now: {status}.", status=_(uc.STATUS_LABELS[m.status])))
    return "\n".join(lines)


async def show_case(
    req: Req, member_id: int, *, reply: bool = False, note: str | None = None
) -> None:
    _ = req._
    c = await uc.case(req.ctx, actor=req.user_id, member_id=member_id)
    mid = c.member.id
    rows: Rows = []
    if c.member.status == "probationary" and not c.proposed_removal:
        rows.append([(_("📚 Record the course date"), cb(F, "course", mid))])
        rows.append([(_("👥 Helping members"), cb(F, "hlp", mid))])
        if c.vote_escalated:  # P6: the upper committees decide
            rows.append([(_("📜 Committee decision: official"), cb(F, "dec", mid))])
        elif c.conversion is None or c.conversion.cell_resolution_date is None:
            rows.append([(_("🗳 Record the cell's vote"), cb(F, "vote", mid))])
            rows.append([(_("🗳 The cell has met (resolution)"), cb(F, "res", mid))])
        else:
            rows.append([(_("📜 Committee decision: official"), cb(F, "dec", mid))])
            rows.append([(_("Change the resolution date"), cb(F, "res", mid))])
        rows.append([(_("✖ Not eligible: propose removal"), cb(F, "no", mid))])
    rows.append(
        [
            (_("Member card"), cb("roster", "view", mid)),
            (_("« Probationary members"), cb(F, "list")),
        ]
    )
    text = case_text(_, c)
    if note:
        text = f"{note}\n\n{text}"
    await (req.reply(text, rows) if reply else req.show(text, rows))


# == helpers =====================================================================================


async def show_helpers(req: Req, member_id: int, page: int = 0) -> None:
    _ = req._
    c = await uc.case(req.ctx, actor=req.user_id, member_id=member_id)
    candidates = await uc.candidates_for_helper(req.ctx, actor=req.user_id, member_id=member_id)
    chosen = {h.id for h in c.helpers}
    shown = page_of(candidates, page, HELPERS_PAGE)
    rows: Rows = [
        [(("✅ " if m.id in chosen else "▫️ ") + m.full_name, cb(F, "ht", member_id, m.id, page))]
        for m in shown.items
    ]
    rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "hlp", member_id, n))
    rows.append([(_("« Back"), cb(F, "view", member_id))])
    text = _(
        "Official members helping {name} (the cell assigns at least one, Party Charter,"
        " Art. 5). Press a name to assign or withdraw:",
        name=c.member.full_name,
    )
    if not candidates:
        text = _(
            "The cell has no official member in the roster yet to help {name}.",
            name=c.member.full_name,
        )
    await req.show(text, rows)


async def toggle_helper(req: Req, member_id: int, helper_id: int, page: int) -> None:
    c = await uc.case(req.ctx, actor=req.user_id, member_id=member_id)
    assigned = helper_id not in {h.id for h in c.helpers}
    await uc.set_helper(
        req.ctx, actor=req.user_id, member_id=member_id, helper_id=helper_id, assigned=assigned
    )
    await show_helpers(req, member_id, page)


# == date / text flows ===========================================================================


async def start_date(req: Req, member_id: int, what: str) -> None:
    c = await uc.case(req.ctx, actor=req.user_id, member_id=member_id)
    if c.member.status != "probationary" or c.proposed_removal:
        await show_case(req, member_id, note=req._("This member's conversion is already settled."))
        return
    resolved = c.conversion is not None and c.conversion.cell_resolution_date is not None
    if what == "vote" and (resolved or c.vote_escalated):
        await show_case(req, member_id, note=req._("This member's conversion is already settled."))
        return
    if what == "decision" and not resolved and not c.vote_escalated:
        await show_case(
            req,
            member_id,
            note=req._(
                "Record the cell resolution first: the committee decides on the cell's proposal."
            ),
        )
        return
    draft = await start_draft(req, DATE_KIND, what, org_id=c.member.org_id, data={"mid": member_id})
    await _ask_date(req, draft, c, reply=False)


async def _ask_date(req: Req, draft: Draft, c: uc.Case, *, reply: bool, prefix: str = "") -> None:
    _ = req._
    text = _(ASK_DATE[draft.step], name=c.member.full_name, end=c.end, first=c.first_resolution)
    if prefix:
        text = f"{prefix}\n\n{text}"
    today = req.ctx.today()
    buttons = [(_("Today"), cb(F, "f", "d", today.strftime("%Y%m%d")))]
    first = c.first_resolution
    if draft.step in ("resolution", "vote") and first and first < today:
        label = (
            _("{date} (end of probation)", date=first)
            if first == c.end
            else _("{date} (the day after probation)", date=first)
        )
        buttons.append((label, cb(F, "f", "d", first.strftime("%Y%m%d"))))
    rows: Rows = [buttons, [(_("Cancel"), cb(F, "f", "cancel"))]]
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def _take_date(req: Req, draft: Draft, day: date, *, reply: bool) -> None:
    _ = req._
    mid = int(draft.data["mid"])
    try:
        if draft.step == "course":
            await uc.record_course(req.ctx, actor=req.user_id, member_id=mid, done=day)
            note = _("New-member course recorded.")
        elif draft.step == "vote":
            await uc.check_vote_date(req.ctx, actor=req.user_id, member_id=mid, held_on=day)
            roll = await uc.vote_roll(req.ctx, actor=req.user_id, member_id=mid, held_on=day)
            vote = await drafts_uc.start(
                req.ctx,
                req.user_id,
                TEXT_KIND,
                "vbase",
                org_id=draft.org_id,
                data={
                    "mid": mid,
                    "day": day.isoformat(),
                    "proposed": roll.proposed,
                    "roll": roll.roll,
                },
            )
            await _ask_number(req, vote, reply=reply)
            return
        elif draft.step == "resolution":
            await uc.record_resolution(
                req.ctx, actor=req.user_id, member_id=mid, resolution_date=day
            )
            note = _("Cell resolution recorded. Next: the committee's decision.")
        else:
            await uc.check_decision_date(
                req.ctx, actor=req.user_id, member_id=mid, decision_date=day
            )
            await start_draft(
                req,
                TEXT_KIND,
                "decno",
                org_id=draft.org_id,
                data={"mid": mid, "day": day.isoformat()},
            )
            text = _("Number of the decision (e.g. 125-QĐ/ĐU)?")
            rows: Rows = [[(_("Cancel"), cb(F, "f", "cancel"))]]
            await (req.reply(text, rows) if reply else req.show(text, rows))
            return
    except InvalidInput as exc:
        c = await uc.case(req.ctx, actor=req.user_id, member_id=mid)
        await _ask_date(req, draft, c, reply=reply, prefix=_.msg(exc.msg))
        return
    await drafts_uc.clear(req.ctx, req.user_id, (DATE_KIND,))
    await show_case(req, mid, reply=reply, note=note)


async def date_text(req: Req, draft: Draft) -> None:
    day = read_date(req.text.strip(), req.ctx.today(), past=True)
    if not isinstance(day, date):
        mid = int(draft.data["mid"])
        c = await uc.case(req.ctx, actor=req.user_id, member_id=mid)
        await _ask_date(req, draft, c, reply=True, prefix=req._.msg(day))
        return
    await _take_date(req, draft, day, reply=True)


async def _ask_number(req: Req, draft: Draft, *, reply: bool, prefix: str = "") -> None:
    """The numbers of a round of the cell's vote (P6), typed or pressed."""
    _ = req._
    d = draft.data
    c = await uc.case(req.ctx, actor=req.user_id, member_id=int(d["mid"]))
    day = date.fromisoformat(d["day"])
    buttons: list[tuple[str, str]] = []
    if draft.step == "vbase":
        text = _(
            "How many official members are in the vote base on {date}? The roster gives"
            " {proposed}: the cell's official members that day, without those on temporary"
            " transfer and absent exempt members (as for admissions). Type the number:",
            date=day,
            proposed=d["proposed"],
        )
        if d["proposed"] > 0:
            buttons.append((str(d["proposed"]), cb(F, "f", "n", d["proposed"])))
    elif draft.step == "vfor":
        text = _(
            "How many of the {base} official members voted for {name}'s conversion?",
            base=d["base"],
            name=c.member.full_name,
        )
        buttons.append((str(d["base"]), cb(F, "f", "n", d["base"])))  # a number: see bot.zalo
    else:
        text = _("And how many voted against it (the cell then proposes removal from the list)?")
        buttons.append(("0", cb(F, "f", "n", 0)))
    if prefix:
        text = f"{prefix}\n\n{text}"
    rows: Rows = [buttons, [(_("Cancel"), cb(F, "f", "cancel"))]]
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def _take_number(req: Req, draft: Draft, n: int, *, reply: bool) -> None:
    _ = req._
    d = draft.data
    day = date.fromisoformat(d["day"])
    try:
        if draft.step == "vbase":
            uc.check_vote_counts(held_on=day, roll=d["roll"], base=n)
            d["base"], draft.step = n, "vfor"
        elif draft.step == "vfor":
            uc.check_vote_counts(held_on=day, roll=d["roll"], base=d["base"], agree=n)
            d["agree"], draft.step = n, "vagainst"
        else:
            uc.check_vote_counts(
                held_on=day, roll=d["roll"], base=d["base"], agree=d["agree"], disagree=n
            )
            d["disagree"], draft.step = n, "vote_ok"
    except InvalidInput as exc:
        await _ask_number(req, draft, reply=reply, prefix=_.msg(exc.msg))
        return
    await drafts_uc.save(req.ctx, draft)
    if draft.step != "vote_ok":
        await _ask_number(req, draft, reply=reply)
        return
    c = await uc.case(req.ctx, actor=req.user_id, member_id=int(d["mid"]))
    text = _(
        "Round {round} of the cell's vote on {name}'s conversion, {date}: {agree} for,"
        " {disagree} against, of {base} official members. Record it?",
        round=len(c.votes) + 1,
        name=c.member.full_name,
        date=day,
        agree=d["agree"],
        disagree=d["disagree"],
        base=d["base"],
    )
    rows: Rows = [[(_("✅ Confirm"), cb(F, "f", "ok"))], [(_("Cancel"), cb(F, "f", "cancel"))]]
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def start_not_eligible(req: Req, member_id: int) -> None:
    _ = req._
    c = await uc.case(req.ctx, actor=req.user_id, member_id=member_id)
    if c.member.status != "probationary" or c.proposed_removal:
        await show_case(req, member_id, note=_("This member's conversion is already settled."))
        return
    await start_draft(req, TEXT_KIND, "reason", org_id=c.member.org_id, data={"mid": member_id})
    await req.show(
        _(
            "The cell finds {name} not eligible for official membership and proposes"
            " removing them from the list. Type the reason in a few words:",
            name=c.member.full_name,
        ),
        [[(_("Cancel"), cb(F, "f", "cancel"))]],
    )


async def text_flow(req: Req, draft: Draft) -> None:
    _ = req._
    mid = int(draft.data["mid"])
    cancel: Rows = [[(_("Cancel"), cb(F, "f", "cancel"))]]
    if draft.step in VOTE_STEPS:
        text = req.text.strip()
        if not text.isdigit() or len(text) > 4:
            msg = Msg(N_("Type a number, e.g. 5."))
            await _ask_number(req, draft, reply=True, prefix=_.msg(msg))
            return
        await _take_number(req, draft, int(text), reply=True)
        return
    c = await uc.case(req.ctx, actor=req.user_id, member_id=mid)
    if draft.step == "decno":
        try:
            number = uc.check_decision_no(req.text)
        except InvalidInput as exc:
            await req.reply(_.msg(exc.msg), cancel)
            return
        day = date.fromisoformat(draft.data["day"])
        draft.data["no"] = number
        text = _(
            "Record decision no. {no} of {date}: {name} becomes an official member from"
            " {official}, the end of probation (Party Charter, Art. 5: late processing"
            " does not move the date)?",
            no=number,
            date=day,
            name=c.member.full_name,
            official=c.end,
        )
    elif draft.step == "reason":
        try:
            draft.data["reason"] = uc.check_reason(req.text)
        except InvalidInput as exc:
            await req.reply(_.msg(exc.msg), cancel)
            return
        text = _(
            "Record that the cell proposes removing {name} from the list? Reason: {reason}",
            name=c.member.full_name,
            reason=draft.data["reason"],
        )
    else:
        await req.reply(req.use_buttons())
        return
    draft.step = f"{draft.step}_ok"
    await drafts_uc.save(req.ctx, draft)
    await req.reply(text, [[(_("✅ Confirm"), cb(F, "f", "ok"))], *cancel])


async def _confirmed(req: Req, draft: Draft) -> None:
    _ = req._
    mid = int(draft.data["mid"])
    if draft.step == "decno_ok":
        member = await uc.record_decision(
            req.ctx,
            actor=req.user_id,
            member_id=mid,
            decision_date=date.fromisoformat(draft.data["day"]),
            decision_no=draft.data["no"],
        )
        note = _(
            "{name} is now an official member from {date}.",
            name=member.full_name,
            date=member.official_date,
        )
    elif draft.step == "vote_ok":
        d = draft.data
        result = await uc.record_vote(
            req.ctx,
            actor=req.user_id,
            member_id=mid,
            held_on=date.fromisoformat(d["day"]),
            agree=d["agree"],
            disagree=d["disagree"],
            base=d["base"],
        )
        note = _vote_note(_, result, d)
    elif draft.step == "reason_ok":
        await uc.record_not_eligible(
            req.ctx, actor=req.user_id, member_id=mid, reason=draft.data["reason"]
        )
        note = _(
            "Recorded: the cell proposes removing the member from the list. When the"
            " committee decides, change the status in the roster."
        )
    else:
        await expired(req)
        return
    await drafts_uc.clear(req.ctx, req.user_id, (DATE_KIND,))
    await show_case(req, mid, note=note)


def _vote_note(_: Translator, result: uc.VoteResult, d: dict[str, Any]) -> str:
    if result.status.outcome == "convert":
        return _(
            "Recorded: {agree} of {base} voted for, at least 2/3 — this is the cell resolution"
            " on the conversion, dated {date}. Next: the committee's decision.",
            agree=d["agree"],
            base=d["base"],
            date=result.conversion.cell_resolution_date,
        )
    if result.status.outcome == "remove":
        return _(
            "Recorded: {disagree} of {base} voted against, at least 2/3 — the cell proposes"
            " removing the member from the list (xóa tên). When the committee decides, change"
            " the status in the roster.",
            disagree=d["disagree"],
            base=d["base"],
        )
    assert result.status.message is not None
    return _.msg(result.status.message)


async def flow_button(req: Req, action: str, arg: str | None) -> None:
    """Buttons of the date and text flows: prob:f:<action>[:arg] (a date, or a number of the
    cell's vote)."""
    draft = await open_draft(req, (DATE_KIND, TEXT_KIND), closed=EXPIRED)
    if draft is None:
        return
    if action == "cancel":
        await drafts_uc.clear(req.ctx, req.user_id, (DATE_KIND,))
        await req.show(req._(CANCELLED), [[(req._("« Probationary members"), cb(F, "list"))]])
    elif action == "ok" and draft.kind == TEXT_KIND:
        await _confirmed(req, draft)
    elif (
        action == "n"
        and draft.kind == TEXT_KIND
        and draft.step in VOTE_STEPS
        and arg
        and arg.isdigit()
        and len(arg) <= 4
    ):
        await _take_number(req, draft, int(arg), reply=False)
    elif action == "d" and draft.kind == DATE_KIND and arg and (day := compact_date(arg)):
        await _take_date(req, draft, day, reply=False)
    else:
        await expired(req)


# == routing =====================================================================================


def _start(what: str) -> Callable[[Req, int], Awaitable[None]]:
    async def start(req: Req, member_id: int) -> None:
        await start_date(req, member_id, what)

    return start


async def _helpers(req: Req, member_id: int, page: int | None) -> None:
    await show_helpers(req, member_id, page or 0)


async def _toggle(req: Req, member_id: int, helper_id: int, page: int | None) -> None:
    await toggle_helper(req, member_id, helper_id, page or 0)


ROUTES = {
    "list": Route(show_list),
    "view": Route(show_case, INT),
    "res": Route(_start("resolution"), INT),
    "course": Route(_start("course"), INT),
    "dec": Route(_start("decision"), INT),
    "no": Route(start_not_eligible, INT),
    "vote": Route(_start("vote"), INT),
    "hlp": Route(_helpers, INT, opt(INT)),
    "ht": Route(_toggle, INT, INT, opt(INT)),
    # prob:f:<action>[:yyyymmdd|number] inside the date and text flows; the flow checks the step
    "f": Route(flow_button, choice("cancel", "ok", "d", "n"), opt(TOKEN)),
}


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec("probation", N_("Probationary members and their conversion"), "cell", 21)
    )
    reg.add_menu(MenuEntry(N_("Probationary members"), cb(F, "list"), "cell", 21))
    app.add_handler(CommandHandler("probation", probation_command))
    reg.add_routes(F, ROUTES)
    reg.add_text_flow(DATE_KIND, date_text)
    reg.add_text_flow(TEXT_KIND, text_flow)
    reg.add_resumable(DATE_KIND, N_("probation entry"))
    reg.add_resumable(TEXT_KIND, N_("probation entry"))

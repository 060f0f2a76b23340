"""The year-end evaluation on Telegram (kiểm điểm, đánh giá, xếp loại chất lượng; issue 13).

A thin layer over `usecases.evaluation`: every screen reads through it (readers of the cell:
its secretaries and deputies, officers of its subtree) and every press writes through it, which
re-checks access (`usecases.access`) and audits a refusal.

Secretaries (`/review [YEAR]`, `/danhgia`, the menu): the cell's list on its review day, then
per member a few taps — both papers received today, the proposed level, all votes for, next.
Officers (`/evaluation [CODE] [YEAR]`, the menu): the numbers per organisation below with the
plans' two targets, drill-down to a cell, the committee's level per member and the cell's own
level (E4) beside its monthly meeting ratings, the chart, the cell's year list (XLSX).

Callback data `ev:<action>:…` (year: 2000..2100):
  c[:<org>:<year>] the cell · m:<member>:<year> a member · d:<member>:<year>:<sa|pl|both>
  received today · dt:<member>:<year>:<sa|pl> type the date · lv / lvx:<member>:<year>:<LEVEL>
  the proposed level (lvx: clearing a contradicting score) · sc / vt:<member>:<year> type the
  score / the vote · va:<member>:<year> all official members for · dl:<member>:<year>:<LEVEL>
  the committee's level · rh / rht:<org>:<year> the review meeting (type / today) ·
  rm:<org>:<year> remedies · ra:<org>:<year>[:<member>] add one · rd:<remedy> done today ·
  x:<org>:<year> the year list (XLSX) · o[:<org>[:<year>]] officers' numbers ·
  ch:<org>:<year> the chart · cr:<org>:<year>:<LEVEL> the cell's own level · f:cancel
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from telegram import InputFile
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from chibo.handlers.common import (
    EXPIRED,
    App,
    Req,
    cb,
    current_cell_id,
    expired,
    handler,
    open_draft,
)
from chibo.handlers.flows import start_draft
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.roster_common import CANCELLED, Rows
from chibo.handlers.routing import INT, Route, choice, int_in, opt
from chibo.rules.dates import read_date
from chibo.rules.evaluation import LEVEL_LABELS, LEVELS, TargetProgress, format_score
from chibo.rules.messages import N_, Msg
from chibo.rules.reminders import Reminder
from chibo.usecases import access, evaluation_files
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import evaluation as uc
from chibo.usecases import status as status_uc
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator

F = "ev"
TEXT_KIND = "ev.text"
YEAR = int_in(uc.MIN_YEAR, uc.MAX_YEAR)
LEVEL = choice(*LEVELS)
PAPERS = {"sa": "self_assessment_on", "pl": "plan_received_on"}
ASK = {
    "sa": N_("On what date was {name}'s self-assessment received? For example 20/11/2026."),
    "pl": N_(
        "On what date was {name}'s self-improvement plan for the year received? For example"
        " 15/02/2026."
    ),
    "score": N_(
        "{name}'s score on 100 points, where the cell scores (e.g. 85 or 72.5)? The proposed"
        " level is {level}."
    ),
    "vote": N_(
        "How many of the {base} official members on {date} voted for the cell's proposal for"
        " {name}? Type the number:"
    ),
    "held": N_("On what date did the cell hold its year-end review meeting of {year}?"),
    "rem_what": N_(
        "The shortcoming found at the review{whom}, in a few words (e.g. “Sinh hoạt chưa đều”):"
    ),
    "rem_plan": N_("The remedy plan (what will be done, by whom):"),
    "rem_due": N_("By what date is the remedy due? For example 31/03/{next_year}."),
}


def _pct(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.0f}%"


def _level(_: Translator, level: str | None) -> str:
    return _(LEVEL_LABELS[level]) if level else _("not yet")


def _this_year(req: Req) -> int:
    return req.ctx.today().year


def _warnings(_: Translator, found: Sequence[Msg]) -> list[str]:
    return [f"⚠️ {_.msg(w)}" for w in found]


# == the cell's list ===========================================================================


def _member_line(_: Translator, i: int, x: uc.MemberLine) -> str:
    r = x.review
    parts = []
    if r is None or r.proposed_level is None:
        parts.append(_("not yet"))
    else:
        level = r.proposed_level
        if r.score is not None:
            level += f" ({format_score(r.score)})"
        parts.append(level)
        if r.vote_agree is not None:
            parts.append(f"🗳 {r.vote_agree}/{r.vote_base}")
    if r is not None and r.decided_level:
        parts.append(_("decided {level}", level=r.decided_level))
    papers = (
        ("✍️✓" if r and r.self_assessment_on else "✍️✗")
        + " "
        + ("📄✓" if r and r.plan_received_on else "📄✗")
    )
    parts.append(papers)
    name = x.member.full_name
    if x.status == "probationary":
        name += " " + _("(probationary)")
    if x.kht_last_year:
        parts.append(_("KHT the year before"))
    return f"{i}. {name} — " + " · ".join(parts)


def _months(_: Translator, view: uc.CellReview) -> str:
    marks = [f"{m.month:02d}: {m.rating or ('✓' if m.held_on else '✗')}" for m in view.months]
    return _("Monthly meetings {year}: {marks}", year=view.year, marks=" · ".join(marks))


def cell_text(_: Translator, view: uc.CellReview, roles: uc.Roles) -> str:
    k = view.campaign
    lines = [_("📋 Year-end review {year} — {org}", year=view.year, org=view.org.name)]
    if k is None:
        lines.append(_("No campaign opened by the committee for {year} yet.", year=view.year))
    else:
        lines.append(
            _(
                "Review by {review_by}; results go up by {report_by}.",
                review_by=k.review_by,
                report_by=k.report_by,
            )
            + (f" ({k.instruction})" if k.instruction else "")
        )
    held = view.cell.review_held_on
    lines.append(
        _("Review meeting: {date}", date=held)
        if held
        else _("Review meeting: not recorded (the roll is taken on {date})", date=view.review_day)
    )
    counts = view.counts()
    lines.append(
        _(
            "To review: {due} · with a level: {done} · not yet: {pending}",
            due=len(view.lines),
            done=len(view.lines) - len(view.pending),
            pending=len(view.pending),
        )
    )
    lines.append(" · ".join(f"{lvl} {counts[lvl]}" for lvl in LEVELS))
    lines.append(_("The cell's own level: {level}", level=_level(_, view.cell.level)))
    if roles.officer_above:
        lines.append(_months(_, view))
    lines.append("")
    lines.extend(_member_line(_, i, x) for i, x in enumerate(view.lines, start=1))
    if not view.lines:
        lines.append(_("Nobody on the cell's roll on {date}.", date=view.review_day))
    if view.exempt:
        lines += ["", _("Exempt from party work and activities (listed apart):")]
        lines.extend(
            f"• {x.member.full_name} — {_level(_, x.review.final_level if x.review else None)}"
            for x in view.exempt
        )
    open_remedies = [r for r in view.remedies if r.done_on is None]
    if view.remedies:
        lines.append(
            _(
                "Remedy plans: {n}, of them open: {open}",
                n=len(view.remedies),
                open=len(open_remedies),
            )
        )
    warnings = _warnings(_, view.warnings)
    for x in [*view.lines, *view.exempt]:
        warnings.extend(_warnings(_, x.warnings))
    if warnings:
        lines += ["", *warnings]
    return "\n".join(lines)


def cell_rows(_: Translator, view: uc.CellReview, roles: uc.Roles) -> Rows:
    year, org = view.year, view.org.id
    buttons = []
    for i, x in enumerate([*view.lines, *view.exempt], start=1):
        r = x.review
        done = r is not None and (r.decided_level if not roles.writes else r.proposed_level)
        mark = "✅" if done else "▫️"
        buttons.append((f"{mark} {i}. {x.member.full_name}"[:40], cb(F, "m", x.member.id, year)))
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if roles.writes:
        rows.append(
            [
                (_("📅 Review meeting date"), cb(F, "rh", org, year)),
                (_("🛠 Shortcomings, remedies"), cb(F, "rm", org, year)),
            ]
        )
    elif view.remedies:
        rows.append([(_("🛠 Shortcomings, remedies"), cb(F, "rm", org, year))])
    if roles.officer_above:
        current = view.cell.level
        rows.append(
            [
                (("✓ " if lvl == current else "") + lvl, cb(F, "cr", org, year, lvl))
                for lvl in LEVELS
            ]
        )
    rows.append([(_("📥 Year list (Excel)"), cb(F, "x", org, year))])
    if roles.officer_above and view.org.parent_id is not None:
        rows.append([(_("« Numbers of the committee"), cb(F, "o", view.org.parent_id, year))])
    else:
        rows.append([(_("« Menu"), cb("menu", "main"))])
    return rows


async def show_cell(
    req: Req, org_id: int, year: int, *, reply: bool = False, note: str = ""
) -> None:
    _ = req._
    view = await uc.cell_review(req.ctx, req.user_id, org_id, year)
    roles = await uc.roles_on(req.ctx, req.user_id, org_id)
    text = cell_text(_, view, roles)
    if roles.officer_above and not roles.writes:
        text += "\n\n" + _(
            "Press a member to record the committee's level; the row of levels above the"
            " year list records the cell's own level (E4)."
        )
    if note:
        text = f"{note}\n\n{text}"
    rows = cell_rows(_, view, roles)
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def _own_cell(req: Req, year: int | None, *, reply: bool) -> None:
    org_id = await current_cell_id(req)
    if org_id is None:
        return
    await show_cell(req, org_id, year or _this_year(req), reply=reply)


@handler()
async def review_command(req: Req) -> None:
    """/review [YEAR] (alias /danhgia): the secretary's cell."""
    args = req.context.args or []
    year = uc.parse_year(args[0]) if args else None
    if not req.profile.cells and req.profile.officer_orgs:
        await show_overview(req, code=None, year=year, reply=True)
        return
    await _own_cell(req, year, reply=True)


async def _cell_button(req: Req, org_id: int | None, year: int | None) -> None:
    if org_id is None:
        if not req.profile.cells and req.profile.officer_orgs:
            await show_overview(req, code=None, year=None)
            return
        await _own_cell(req, year, reply=False)
        return
    await show_cell(req, org_id, year or _this_year(req))


# == one member =================================================================================


def member_text(_: Translator, mr: uc.MemberReview) -> str:
    x, view = mr.line, mr.view
    r = x.review
    status = {
        "official": _("official member"),
        "probationary": _("probationary member"),
        "exempt": _("exempt from party work and activities"),
    }.get(x.status or "", x.status or "")
    lines = [
        _("👤 {name} — {status}", name=x.member.full_name, status=status),
        _("Year-end review {year}, {org}", year=view.year, org=view.org.name),
        "",
    ]

    def received(d: date | None) -> str:
        return _("received {date}", date=d) if d else _("not yet")

    lines.append(
        _("✍️ Self-assessment: {state}", state=received(r.self_assessment_on if r else None))
    )
    lines.append(
        _("📄 Self-improvement plan: {state}", state=received(r.plan_received_on if r else None))
    )
    level = _level(_, r.proposed_level if r else None)
    if r is not None and r.score is not None:
        level += " — " + _("score {score}", score=format_score(r.score))
    lines.append(_("🏷 Proposed by the cell: {level}", level=level))
    if r is not None and r.vote_agree is not None:
        lines.append(
            _(
                "🗳 Vote: {agree} for, of {base} official members",
                agree=r.vote_agree,
                base=r.vote_base,
            )
        )
    else:
        lines.append(
            _(
                "🗳 Vote: not recorded ({base} official members on {date})",
                base=view.vote_base,
                date=view.review_day,
            )
        )
    lines.append(_("🏛 Committee's level: {level}", level=_level(_, r.decided_level if r else None)))
    if r is not None and r.works_elsewhere:
        lines.append(
            _(
                "Works elsewhere: residence cell's comments {state}",
                state=received(r.residence_comments_on),
            )
        )
    if x.kht_last_year:
        lines.append(_("Rated KHT the year before: to be looked at closely this year (E5)."))
    warnings = _warnings(_, x.warnings)
    if warnings:
        lines += ["", *warnings]
    return "\n".join(lines)


def member_rows(_: Translator, mr: uc.MemberReview, roles: uc.Roles) -> Rows:
    x, view = mr.line, mr.view
    r = x.review
    mid, year = x.member.id, view.year
    rows: Rows = []
    if roles.writes:
        sa = r.self_assessment_on if r else None
        pl = r.plan_received_on if r else None
        if sa is None and pl is None:
            rows.append([(_("✍️📄 Both received today"), cb(F, "d", mid, year, "both"))])
        rows.append(
            [
                (("✓ " if sa else "") + _("✍️ Self-assessment: today"), cb(F, "d", mid, year, "sa")),
                (_("other date…"), cb(F, "dt", mid, year, "sa")),
            ]
        )
        rows.append(
            [
                (("✓ " if pl else "") + _("📄 Plan: today"), cb(F, "d", mid, year, "pl")),
                (_("other date…"), cb(F, "dt", mid, year, "pl")),
            ]
        )
        proposed = r.proposed_level if r else None
        rows.append(
            [
                (("✓ " if lvl == proposed else "") + lvl, cb(F, "lv", mid, year, lvl))
                for lvl in LEVELS
            ]
        )
        if proposed is not None and x.status != "exempt":
            rows.append(
                [
                    (_("🗳 All {n} for", n=view.vote_base), cb(F, "va", mid, year)),
                    (_("🗳 Other count…"), cb(F, "vt", mid, year)),
                    (_("🔢 Score…"), cb(F, "sc", mid, year)),
                ]
            )
        rows.append([(_("🛠 A shortcoming to remedy"), cb(F, "ra", view.org.id, year, mid))])
    elif roles.officer_above:
        decided = r.decided_level if r else None
        rows.append(
            [
                (("✓ " if lvl == decided else "") + lvl, cb(F, "dl", mid, year, lvl))
                for lvl in LEVELS
            ]
        )
    nav = [(_("« The cell"), cb(F, "c", view.org.id, year))]
    following = mr.next_id
    if following is not None:
        nav.append((_("Next member ▶"), cb(F, "m", following, year)))
    rows.append(nav)
    return rows


async def show_member(
    req: Req, member_id: int, year: int, *, reply: bool = False, note: str = ""
) -> None:
    _ = req._
    mr = await uc.member_review(req.ctx, req.user_id, member_id, year)
    roles = await uc.roles_on(req.ctx, req.user_id, mr.view.org.id)
    text = member_text(_, mr)
    if roles.officer_above and not roles.writes:
        text += "\n\n" + _("The committee's level for this member:")
    if note:
        text = f"{note}\n\n{text}"
    rows = member_rows(_, mr, roles)
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def _record(
    req: Req, member_id: int, year: int, changes: dict[str, object], done: str, *, reply: bool
) -> bool:
    """Write through the use case; show the member again with the note, the warnings or the
    refusal (which cites the rule). True when written."""
    _ = req._
    try:
        result = await uc.record_member(
            req.ctx, req.user_id, member_id=member_id, year=year, changes=changes
        )
    except InvalidInput as exc:
        await show_member(req, member_id, year, reply=reply, note="⛔ " + _.msg(exc.msg))
        return False
    note = "\n".join(["✅ " + done, *_warnings(_, result.warnings)])
    await show_member(req, member_id, year, reply=reply, note=note)
    return True


async def papers_today(req: Req, member_id: int, year: int, which: str) -> None:
    today = req.ctx.today()
    fields = PAPERS.values() if which == "both" else (PAPERS[which],)
    await _record(
        req,
        member_id,
        year,
        dict.fromkeys(fields, today),
        req._("Recorded as received on {date}.", date=today),
        reply=False,
    )


async def set_level(req: Req, member_id: int, year: int, level: str) -> None:
    _ = req._
    try:
        result = await uc.record_member(
            req.ctx, req.user_id, member_id=member_id, year=year, changes={"proposed_level": level}
        )
    except InvalidInput as exc:
        mr = await uc.member_review(req.ctx, req.user_id, member_id, year)
        rows = member_rows(_, mr, await uc.roles_on(req.ctx, req.user_id, mr.view.org.id))
        r = mr.line.review
        if r is not None and r.score is not None:
            rows.insert(
                0,
                [
                    (
                        _(
                            "Clear the score {score} and propose {level}",
                            score=format_score(r.score),
                            level=level,
                        ),
                        cb(F, "lvx", member_id, year, level),
                    )
                ],
            )
        await req.show("⛔ " + _.msg(exc.msg) + "\n\n" + member_text(_, mr), rows)
        return
    note = "\n".join(
        [
            "✅ " + _("Proposed level: {level}.", level=_(LEVEL_LABELS[level])),
            *_warnings(_, result.warnings),
        ]
    )
    await show_member(req, member_id, year, note=note)


async def set_level_clear_score(req: Req, member_id: int, year: int, level: str) -> None:
    await _record(
        req,
        member_id,
        year,
        {"proposed_level": level, "score": None},
        req._("Proposed level: {level}; the score was cleared.", level=req._(LEVEL_LABELS[level])),
        reply=False,
    )


async def vote_all(req: Req, member_id: int, year: int) -> None:
    mr = await uc.member_review(req.ctx, req.user_id, member_id, year)
    n = mr.view.vote_base
    await _record(
        req,
        member_id,
        year,
        {"vote_agree": n},
        req._("Vote recorded: {agree} for, of {base}.", agree=n, base=n),
        reply=False,
    )


async def decide(req: Req, member_id: int, year: int, level: str) -> None:
    _ = req._
    result = await uc.decide_member(
        req.ctx,
        req.user_id,
        member_id=member_id,
        year=year,
        level=level,
        decided_on=req.ctx.today(),
    )
    note = "\n".join(
        [
            "✅ " + _("The committee's level: {level}.", level=_(LEVEL_LABELS[level])),
            *_warnings(_, result.warnings),
        ]
    )
    await show_member(req, member_id, year, note=note)


async def rate(req: Req, org_id: int, year: int, level: str) -> None:
    _ = req._
    result = await uc.rate_cell(
        req.ctx, req.user_id, org_id=org_id, year=year, level=level, decided_on=req.ctx.today()
    )
    note = "\n".join(
        [
            "✅ " + _("The cell's own level: {level}.", level=_(LEVEL_LABELS[level])),
            *_warnings(_, result.warnings),
        ]
    )
    await show_cell(req, org_id, year, note=note)


# == typed values ===============================================================================


def _cancel(_: Translator) -> Rows:
    return [[(_("Cancel"), cb(F, "f", "cancel"))]]


async def _ask(req: Req, draft: Draft, *, reply: bool, prefix: str = "") -> None:
    _ = req._
    d = draft.data
    step = draft.step
    rows = _cancel(_)
    if step in ("sa", "pl", "score", "vote"):
        mr = await uc.member_review(req.ctx, req.user_id, int(d["mid"]), int(d["year"]))
        r = mr.line.review
        text = _(
            ASK[step],
            name=mr.line.member.full_name,
            level=_level(_, r.proposed_level if r else None),
            base=mr.view.vote_base,
            date=mr.view.review_day,
        )
    elif step == "held":
        text = _(ASK[step], year=d["year"])
        rows = [[(_("Today"), cb(F, "rht", d["org"], d["year"]))], *rows]
    else:
        whom = f" ({d['name']})" if d.get("name") else ""
        text = _(ASK[step], whom=whom, next_year=int(d["year"]) + 1)
    if prefix:
        text = f"{prefix}\n\n{text}"
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def _start_member_text(req: Req, member_id: int, year: int, step: str) -> None:
    mr = await uc.member_review(req.ctx, req.user_id, member_id, year)
    draft = await start_draft(
        req, TEXT_KIND, step, org_id=mr.view.org.id, data={"mid": member_id, "year": year}
    )
    await _ask(req, draft, reply=False)


async def type_date(req: Req, member_id: int, year: int, which: str) -> None:
    await _start_member_text(req, member_id, year, which)


async def type_score(req: Req, member_id: int, year: int) -> None:
    await _start_member_text(req, member_id, year, "score")


async def type_vote(req: Req, member_id: int, year: int) -> None:
    await _start_member_text(req, member_id, year, "vote")


async def ask_review_date(req: Req, org_id: int, year: int) -> None:
    view = await uc.cell_review(req.ctx, req.user_id, org_id, year)
    draft = await start_draft(
        req, TEXT_KIND, "held", org_id=view.org.id, data={"org": org_id, "year": year}
    )
    await _ask(req, draft, reply=False)


async def review_held_today(req: Req, org_id: int, year: int) -> None:
    await _review_held(req, org_id, year, req.ctx.today(), reply=False)


async def _review_held(req: Req, org_id: int, year: int, day: date, *, reply: bool) -> None:
    await uc.set_review_date(req.ctx, req.user_id, org_id, year, day)
    await drafts_uc.clear(req.ctx, req.user_id, (TEXT_KIND,))
    note = "✅ " + req._(
        "Review meeting recorded on {date}: the roll and the vote base are taken that day.",
        date=day,
    )
    await show_cell(req, org_id, year, reply=reply, note=note)


async def text_flow(req: Req, draft: Draft) -> None:
    _ = req._
    d = draft.data
    text = req.text.strip()
    step = draft.step
    year = int(d["year"])
    try:
        if step in ("sa", "pl"):
            day = read_date(text, req.ctx.today(), past=True)
            if not isinstance(day, date):
                raise InvalidInput(day)
            changes: dict[str, object] = {PAPERS[step]: day}
            done = _("Recorded as received on {date}.", date=day)
        elif step == "score":
            score = uc.parse_score(text)
            changes, done = (
                {"score": score},
                _("Score {score} recorded.", score=format_score(score)),
            )
        elif step == "vote":
            if not text.isdigit() or len(text) > 4:
                raise InvalidInput(Msg(N_("Type a number, e.g. 5.")))
            changes, done = {"vote_agree": int(text)}, _("Vote recorded.")
        elif step == "held":
            day = read_date(text, req.ctx.today(), past=True)
            if not isinstance(day, date):
                raise InvalidInput(day)
            await _review_held(req, int(d["org"]), year, day, reply=True)
            return
        elif step == "rem_what":
            if not text:
                raise InvalidInput(Msg(N_("Type the shortcoming in a few words.")))
            d["what"], draft.step = text[: uc.MAX_TEXT + 1], "rem_plan"
            await drafts_uc.save(req.ctx, draft)
            await _ask(req, draft, reply=True)
            return
        elif step == "rem_plan":
            if not text:
                raise InvalidInput(Msg(N_("Type the remedy plan in a few words.")))
            d["plan"], draft.step = text[: uc.MAX_TEXT + 1], "rem_due"
            await drafts_uc.save(req.ctx, draft)
            await _ask(req, draft, reply=True)
            return
        elif step == "rem_due":
            day = read_date(text, req.ctx.today())
            if not isinstance(day, date):
                raise InvalidInput(day)
            await uc.add_remedy(
                req.ctx,
                req.user_id,
                org_id=int(d["org"]),
                year=year,
                shortcoming=d["what"],
                remedy=d["plan"],
                due_date=day,
                member_id=d.get("mid"),
            )
            await drafts_uc.clear(req.ctx, req.user_id, (TEXT_KIND,))
            await show_remedies(
                req,
                int(d["org"]),
                year,
                reply=True,
                note="✅ " + _("Remedy plan recorded, due {date}.", date=day),
            )
            return
        else:
            await req.reply(req.use_buttons())
            return
    except InvalidInput as exc:
        await _ask(req, draft, reply=True, prefix="⛔ " + _.msg(exc.msg))
        return
    mid = int(d["mid"])
    if await _record(req, mid, year, changes, done, reply=True):
        await drafts_uc.clear(req.ctx, req.user_id, (TEXT_KIND,))


async def flow_button(req: Req, action: str) -> None:
    draft = await open_draft(req, (TEXT_KIND,), closed=EXPIRED)
    if draft is None:
        return
    await drafts_uc.clear(req.ctx, req.user_id, (TEXT_KIND,))
    d = draft.data
    if "mid" in d and draft.step in ("sa", "pl", "score", "vote"):
        await show_member(req, int(d["mid"]), int(d["year"]), note=req._(CANCELLED))
    else:
        await show_cell(req, int(d["org"]), int(d["year"]), note=req._(CANCELLED))


async def resume(req: Req, draft: Draft) -> None:
    await _ask(req, draft, reply=False)


# == remedies ===================================================================================


async def show_remedies(
    req: Req, org_id: int, year: int, *, reply: bool = False, note: str = ""
) -> None:
    _ = req._
    view = await uc.cell_review(req.ctx, req.user_id, org_id, year)
    roles = await uc.roles_on(req.ctx, req.user_id, org_id)
    lines = [_("🛠 Shortcomings found at the review {year} — {org}", year=year, org=view.org.name)]
    if not view.remedies:
        lines.append(_("None recorded."))
    rows: Rows = []
    for i, r in enumerate(view.remedies, start=1):
        whom = f" ({r.member_name})" if r.member_name else ""
        state = _("done {date}", date=r.done_on) if r.done_on else _("due {date}", date=r.due_date)
        lines.append(f"{i}. {r.shortcoming}{whom} — {r.remedy} — {state}")
        if roles.writes and r.done_on is None:
            rows.append([(_("✅ {i}. done today", i=i), cb(F, "rd", r.id))])
    if roles.writes:
        rows.append([(_("➕ Add a shortcoming"), cb(F, "ra", org_id, year))])
    rows.append([(_("« The cell"), cb(F, "c", org_id, year))])
    text = "\n".join(lines)
    if note:
        text = f"{note}\n\n{text}"
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def add_remedy(req: Req, org_id: int, year: int, member_id: int | None) -> None:
    await access.require_write(req.ctx, req.user_id, org_id)
    data: dict[str, object] = {"org": org_id, "year": year}
    if member_id is not None:
        mr = await uc.member_review(req.ctx, req.user_id, member_id, year)
        if mr.view.org.id != org_id:
            await expired(req)
            return
        data.update(mid=member_id, name=mr.line.member.full_name)
    draft = await start_draft(req, TEXT_KIND, "rem_what", org_id=org_id, data=data)
    await _ask(req, draft, reply=False)


async def remedy_done(req: Req, remedy_id: int) -> None:
    found = await uc.remedy_for_write(req.ctx, req.user_id, remedy_id)
    await uc.remedy_done(req.ctx, req.user_id, remedy_id, req.ctx.today())
    await show_remedies(req, found.org_id, found.year, note="✅ " + req._("Marked done."))


# == files ======================================================================================


async def send_year_list(req: Req, org_id: int, year: int) -> None:
    _ = req._
    view = await uc.cell_review(req.ctx, req.user_id, org_id, year)
    chat = req.update.effective_chat
    assert chat is not None
    if req.query is not None:
        await req.notify(_("Preparing the file…"))
    await req.context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    data = await asyncio.to_thread(evaluation_files.cell_list_xlsx, view, _)
    await req.context.bot.send_document(
        chat.id,
        document=InputFile(io.BytesIO(data), filename=f"danh-gia-{view.org.code}-{year}.xlsx"),
        caption=_(
            "Year list {year} of {org} ({code}): {n} members reviewed.",
            year=year,
            org=view.org.name,
            code=view.org.code,
            n=len(view.lines),
        ),
    )


async def send_chart(req: Req, org_id: int, year: int) -> None:
    _ = req._
    root = await status_uc.officer_root(req.ctx, req.user_id, org_id=org_id)
    view = await uc.overview(req.ctx, req.user_id, code=root.code, year=year)
    chat = req.update.effective_chat
    assert chat is not None
    if req.query is not None:
        await req.notify(_("Preparing the chart…"))
    png = await asyncio.to_thread(evaluation_files.chart_png, view, _)
    percent = f"{float(view.ratio) * 100:g}"
    await req.context.bot.send_photo(
        chat.id,
        photo=InputFile(io.BytesIO(png), filename=f"danh-gia-{root.code}-{year}.png"),
        caption=_(
            "Members rated HTT or better per organisation, {year}, against the {p}% line.",
            year=year,
            p=percent,
        ),
    )


# == the officers' numbers ======================================================================


def _target(_: Translator, label: str, t: TargetProgress) -> str:
    if t.base == 0:
        state = _("nothing rated yet")
    elif t.met:
        state = _("met")
    else:
        state = _("not met: {n} more needed", n=max(t.needed - t.good, 0))
    return _(
        "🎯 {label}: {good}/{base} ({share}); target above {target}: {state}",
        label=label,
        good=t.good,
        base=t.base,
        share=_pct(t.share),
        target=_pct(t.ratio),
        state=state,
    )


def _numbers(_: Translator, x: uc.OrgLine) -> str:
    levels = " · ".join(f"{lvl} {x.levels.get(lvl, 0)} ({_pct(x.share(lvl))})" for lvl in LEVELS)
    return _(
        "reviewed {reviewed}/{due}, not yet {not_yet}, decided {decided} · {levels} · HTT+"
        " {share} · cells rated {rated}/{cells}",
        reviewed=x.reviewed,
        due=x.due,
        not_yet=x.not_yet,
        decided=x.decided,
        levels=levels,
        share=_pct(x.members_target.share),
        rated=x.cells - x.cells_unrated,
        cells=x.cells,
    )


def overview_text(_: Translator, v: uc.EvaluationView) -> str:
    t = v.total
    lines = [
        _(
            "📊 Year-end evaluation {year} — {org} ({code})",
            year=v.year,
            org=v.root.name,
            code=v.root.code,
        )
    ]
    if v.campaign is None:
        lines.append(_("No campaign opened for {year}.", year=v.year))
    else:
        lines.append(
            _(
                "Review by {review_by}; results go up by {report_by}.",
                review_by=v.campaign.review_by,
                report_by=v.campaign.report_by,
            )
        )
    lines += [
        _("Total: {numbers}", numbers=_numbers(_, t)),
        _(
            "Cells' own levels: {levels}",
            levels=" · ".join(f"{lvl} {t.cell_levels.get(lvl, 0)}" for lvl in LEVELS),
        ),
        _target(_, _("Members rated HTT or better"), t.members_target),
        _target(_, _("Grassroots organisations rated HTT or better"), t.grassroots_target),
    ]
    for i, x in enumerate(v.lines, start=1):
        lines += ["", f"{i}. {x.name} ({x.code})", _numbers(_, x)]
    warnings = list(dict.fromkeys(_warnings(_, v.warnings)))
    lines.extend(["", *warnings] if warnings else [])
    return "\n".join(lines)


async def show_overview(
    req: Req,
    *,
    code: str | None = None,
    org_id: int | None = None,
    year: int | None = None,
    reply: bool = False,
) -> None:
    _ = req._
    the_year = year or _this_year(req)
    root = await status_uc.officer_root(req.ctx, req.user_id, code=code, org_id=org_id)
    if root.is_cell:
        await show_cell(req, root.id, the_year, reply=reply)
        return
    view = await uc.overview(req.ctx, req.user_id, code=root.code, year=the_year)
    buttons = [
        (
            f"{i}. {o.name}"[:40],
            cb(F, "c" if o.kind == "cell" else "o", o.id, the_year),
        )
        for i, o in enumerate(view.children, start=1)
    ]
    rows: Rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            (_("📈 Chart"), cb(F, "ch", root.id, the_year)),
            (_("‹ {year}", year=the_year - 1), cb(F, "o", root.id, the_year - 1)),
        ]
    )
    own = {g.org_id for g in req.profile.officer_orgs}
    if root.parent_id is not None and root.id not in own:
        rows.append([(_("« Up one level"), cb(F, "o", root.parent_id, the_year))])
    text = overview_text(_, view)
    await (req.reply(text, rows) if reply else req.show(text, rows))


@handler()
async def evaluation_command(req: Req) -> None:
    """/evaluation [CODE] [YEAR]."""
    args = req.context.args or []
    year_arg = next((a for a in args if a.isdigit()), None)
    code = next((a for a in args if not a.isdigit()), None)
    year = uc.parse_year(year_arg) if year_arg else None
    await show_overview(req, code=code, year=year, reply=True)


async def _overview_button(req: Req, org_id: int | None, year: int | None) -> None:
    await show_overview(req, org_id=org_id, year=year)


# == reminders ==================================================================================


def reminder_actions(_: Translator, reminder: Reminder) -> list[tuple[str, str]]:
    """Buttons under the evaluation reminders (the cell's secretaries and deputies)."""
    year_text = reminder.step.split(":", 1)[0]
    year = int(year_text) if year_text.isdigit() else None
    if reminder.kind == "evaluation.remedy":
        return [
            (_("✅ Remedy done today"), cb(F, "rd", reminder.subject_id)),
            (_("Open the review"), cb(F, "c", reminder.org_id, year) if year else cb(F, "c")),
        ]
    if year is None:
        return [(_("Open the review"), cb(F, "c"))]
    if reminder.kind == "evaluation.residence":
        return [(_("Open the member's review"), cb(F, "m", reminder.subject_id, year))]
    return [(_("Open the review"), cb(F, "c", reminder.org_id, year))]


# == routing ====================================================================================


ROUTES = {
    "c": Route(_cell_button, opt(INT), opt(YEAR)),
    "m": Route(show_member, INT, YEAR),
    "d": Route(papers_today, INT, YEAR, choice("sa", "pl", "both")),
    "dt": Route(type_date, INT, YEAR, choice("sa", "pl")),
    "lv": Route(set_level, INT, YEAR, LEVEL),
    "lvx": Route(set_level_clear_score, INT, YEAR, LEVEL),
    "sc": Route(type_score, INT, YEAR),
    "vt": Route(type_vote, INT, YEAR),
    "va": Route(vote_all, INT, YEAR),
    "dl": Route(decide, INT, YEAR, LEVEL),
    "rh": Route(ask_review_date, INT, YEAR),
    "rht": Route(review_held_today, INT, YEAR),
    "rm": Route(show_remedies, INT, YEAR),
    "ra": Route(add_remedy, INT, YEAR, opt(INT)),
    "rd": Route(remedy_done, INT),
    "x": Route(send_year_list, INT, YEAR),
    "o": Route(_overview_button, opt(INT), opt(YEAR)),
    "ch": Route(send_chart, INT, YEAR),
    "cr": Route(rate, INT, YEAR, LEVEL),
    "f": Route(flow_button, choice("cancel")),
}


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec(
            "review", N_("Year-end review of the cell's members (e.g. /review 2026)"), "cell", 40
        )
    )
    reg.add_command(
        CommandSpec(
            "evaluation",
            N_("Officers: year-end evaluation and the targets (e.g. /evaluation X 2026)"),
            "officer",
            53,
        )
    )
    reg.add_menu(MenuEntry(N_("Year-end evaluation and rating"), cb(F, "c"), "cell", 40))
    reg.add_menu(MenuEntry(N_("Year-end evaluation and rating"), cb(F, "o"), "officer", 53))
    app.add_handler(CommandHandler(["review", "danhgia"], review_command))
    app.add_handler(CommandHandler("evaluation", evaluation_command))
    reg.add_routes(F, ROUTES)
    reg.add_text_flow(TEXT_KIND, text_flow)
    reg.add_resumable(TEXT_KIND, N_("year-end review entry"), resume)
    reg.add_reminder_actions("evaluation", reminder_actions)

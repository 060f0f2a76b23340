"""Officers' commands on Telegram: /status (with drill-down), /overdue, /report, and the upload
of the official member list for reconciliation. Read-only over the officer's subtree.

Callback data `of:<action>[:<org id>[:<arg>]]`: `s` status (arg: page), `o` overdue, `r` report
(this year), `up` upload the official list, `upp` choose its period (arg: YYYYMMDD). Every
press goes through `usecases.status.officer_root`, which re-checks the organisation is in the
user's officer subtree and audits a refusal.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date

from telegram import InputFile
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from chibo.handlers.common import App, Req, cb, handler, pack_lines
from chibo.handlers.dues import report_dues
from chibo.handlers.flows import start_draft
from chibo.handlers.paging import Page, page_label, page_of, pager_rows
from chibo.handlers.reconciliation import discrepancy_line, status_label
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.routing import DAY, INT, Route, opt
from chibo.rules.messages import N_
from chibo.rules.reminders import Reminder
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import lifecycle as lifecycle_uc
from chibo.usecases import reconciliation as recon_uc
from chibo.usecases import report_chart, report_xlsx
from chibo.usecases import status as uc
from chibo.usecases.drafts import Draft
from chibo.usecases.i18n import Translator
from chibo.usecases.reconciliation import STATUS_LABELS, ImportResult, ListInvalid

F = "of"
UPLOAD = "officer.official_list"
PAGE = 8
MAX_MESSAGES = 6
MAX_FILE_BYTES = 20 * 1024 * 1024
Rows = list[list[tuple[str, str]]]
_CAPTION_PERIOD = re.compile(r"\b\d{4}-(?:[Hh][12]|\d{2}-\d{2})\b")

OVERDUE_LABELS = {
    "probation.overdue": N_("conversion not yet considered"),
    "probation.escalation": N_("conversion not considered in time"),
    "probation.committee_decision": N_("committee decision on conversion overdue"),
    "probation.vote_escalation": N_("conversion vote without 2/3: upper committees decide"),
    "meeting.missing.escalation": N_("no regular meeting recorded"),
    "meeting.thematic.escalation": N_("no thematic meeting this quarter"),
    "candidate.decision": N_("admission decision overdue"),
    "candidate.ceremony.overdue": N_("admission ceremony overdue"),
    "candidate.certificate": N_("awareness-course certificate expired"),
    "reconciliation.escalation": N_("member list not reconciled"),
}


def _key(d: date) -> str:
    return d.strftime("%Y%m%d")


# == /status =====================================================================================


def _month(_: Translator, d: date | None) -> str:
    return f"{d.month:02d}/{d.year}" if d else _("none")


def _meeting_part(_: Translator, line: uc.Line) -> str:
    if line.org.kind == "cell":
        return _month(_, line.oldest_last_regular)
    missing = line.org.cells - line.cells_with_regular
    if missing:
        return _("{n} cells none", n=missing)
    return _month(_, line.oldest_last_regular)


def _thematic_part(line: uc.Line) -> str:
    if line.org.kind == "cell":
        return "✓" if line.cells_with_thematic else "✗"
    return f"{line.cells_with_thematic}/{line.org.cells}"


def _recon_part(_: Translator, line: uc.Line) -> str:
    status = line.reconciliation_status
    if status is not None:
        return _(STATUS_LABELS[status])
    done = line.reconciliation.get("confirmed", 0) + line.reconciliation.get("resolved", 0)
    text = f"{done}/{line.org.cells}"
    if line.reconciliation.get("discrepancies"):
        text += " " + _("({n} with discrepancies)", n=line.reconciliation["discrepancies"])
    return text


def numbers_line(_: Translator, line: uc.Line) -> str:
    return _(
        "👥 {official}/{probationary} · 🌱 {candidates} · 📅 {meeting} · 📚 {thematic} ·"
        " 🔁 {recon} · ⚠️ {overdue}",
        official=line.official,
        probationary=line.probationary,
        candidates=line.candidates,
        meeting=_meeting_part(_, line),
        thematic=_thematic_part(line),
        recon=_recon_part(_, line),
        overdue=line.overdue,
    )


def status_text(_: Translator, v: uc.StatusView, shown: Page[uc.Line]) -> str:
    lines = [
        _("📊 {org} ({code}) — {date}", org=v.root.name, code=v.root.code, date=v.on),
        _(
            "👥 official/probationary members · 🌱 candidates · 📅 latest regular meeting ·"
            " 📚 thematic meeting in Q{q}/{year} · 🔁 list reconciled (period ending {end}) ·"
            " ⚠️ overdue",
            q=v.quarter[1],
            year=v.quarter[0],
            end=v.period.end,
        ),
        "",
        _("Total ({n} cells):", n=v.total.org.cells),
        numbers_line(_, v.total),
    ]
    for i, line in enumerate(shown.items, start=shown.start + 1):
        lines += ["", f"{i}. {line.org.name}", numbers_line(_, line)]
    for label in page_label(_, shown.page, shown.pages):
        lines += ["", label]
    return "\n".join(lines)


def cell_text(_: Translator, v: uc.StatusView, items: list[Reminder]) -> str:
    line = v.total
    lines = [
        _("📊 {org} ({code}) — {date}", org=v.root.name, code=v.root.code, date=v.on),
        _(
            "👥 Members: {total} (official {official} · probationary {probationary} ·"
            " exempt {exempt})",
            total=line.members,
            official=line.official,
            probationary=line.probationary,
            exempt=line.exempt,
        ),
        _("🌱 Candidates in the admission pipeline: {n}", n=line.candidates),
        _("📅 Latest regular meeting: {month}", month=_month(_, line.oldest_last_regular)),
        _(
            "📚 Thematic meeting in Q{q}/{year}: {held}",
            q=v.quarter[1],
            year=v.quarter[0],
            held=_("held") if line.cells_with_thematic else _("not yet"),
        ),
        _(
            "🔁 Member list, period ending {end}: {status}",
            end=v.period.end,
            status=status_label(_, line.reconciliation_status or "not_confirmed"),
        ),
        _("⚠️ Overdue: {n}", n=line.overdue),
    ]
    lines.extend(overdue_line(_, r) for r in items[:10])
    if len(items) > 10:
        lines.append(_("… and {n} more.", n=len(items) - 10))
    return "\n".join(lines)


def status_rows(_: Translator, v: uc.StatusView, shown: Page[uc.Line]) -> Rows:
    rows: Rows = []
    if not v.root.is_cell:
        buttons = [
            (f"{i}. {x.org.name}"[:40], cb(F, "s", x.org.id))
            for i, x in enumerate(shown.items, start=shown.start + 1)
        ]
        rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "s", v.root.id, n))
    rows.append([(_("⚠️ Overdue"), cb(F, "o", v.root.id)), (_("📊 Report"), cb(F, "r", v.root.id))])
    if not v.root.is_cell:
        rows.append([(_("📥 Reconcile with the official list"), cb(F, "up", v.root.id))])
    rows.append([(_("🔀 Transfers, exemptions, reviews"), cb("life", "o", v.root.id))])
    if v.parent_id is not None:
        rows.append([(_("« Up one level"), cb(F, "s", v.parent_id))])
    return rows


async def show_status(
    req: Req, *, code: str | None = None, org_id: int | None = None, page: int = 0
) -> None:
    _ = req._
    view = await uc.status(req.ctx, req.user_id, code=code, org_id=org_id)
    shown = page_of(view.lines, page, PAGE)
    if view.root.is_cell:
        items = (await uc.overdue(req.ctx, req.user_id, code=view.root.code)).groups
        text = cell_text(_, view, items[0].items if items else [])
    else:
        text = status_text(_, view, shown)
    await req.show(text, status_rows(_, view, shown))


@handler()
async def status_command(req: Req) -> None:
    args = req.context.args or []
    if not args and await _pick_root(req, "s"):
        return
    await show_status(req, code=args[0] if args else None)


async def _pick_root(req: Req, action: str) -> bool:
    """With several officer roles and no code: ask which organisation (True when asked)."""
    orgs = await uc.officer_orgs(req.ctx, req.user_id)
    if len(orgs) < 2:
        return False
    await req.show(
        req._("Which organisation?"),
        [[(f"{o.name} ({o.code})"[:60], cb(F, action, o.id))] for o in orgs],
    )
    return True


# == /overdue ====================================================================================


def overdue_line(_: Translator, r: Reminder) -> str:
    label = OVERDUE_LABELS.get(r.kind)
    what = _(label) if label else _.msg(r.message)[:120]
    if r.subject_type != "cell":
        what = f"{what}: {r.subject_name}"
    return _("• {date} — {what}", date=r.due_date, what=what)


async def show_overdue(req: Req, *, code: str | None = None, org_id: int | None = None) -> None:
    _ = req._
    if org_id is not None:
        code = (await uc.officer_root(req.ctx, req.user_id, org_id=org_id)).code
    view = await uc.overdue(req.ctx, req.user_id, code=code)
    head = _(
        "⚠️ Overdue in {org} ({code}) on {date}: {n}",
        org=view.root.name,
        code=view.root.code,
        date=view.on,
        n=view.count,
    )
    lines = [head]
    if not view.groups:
        lines.append(_("Nothing is overdue."))
    for g in view.groups:
        lines += ["", _("{cell} ({code}): {n}", cell=g.cell.name, code=g.cell.code, n=len(g.items))]
        lines.extend(overdue_line(_, r) for r in g.items)
    messages = pack_lines(lines)
    if len(messages) > MAX_MESSAGES:
        messages = messages[: MAX_MESSAGES - 1]
        messages.append(
            _(
                "… the list goes on: use /overdue CODE for a smaller area, or /report"
                " for the whole workbook."
            )
        )
    back = [[(_("📊 Status"), cb(F, "s", view.root.id))]]
    if req.query is not None:
        await req.show(messages[0], back if len(messages) == 1 else None)
        rest = messages[1:]
    else:
        rest = messages
    for i, text in enumerate(rest):
        await req.reply(text, back if i == len(rest) - 1 else None)


@handler()
async def overdue_command(req: Req) -> None:
    args = req.context.args or []
    if not args and await _pick_root(req, "o"):
        return
    await show_overdue(req, code=args[0] if args else None)


# == /report =====================================================================================


async def send_report(
    req: Req, *, code: str | None = None, org_id: int | None = None, period: str | None = None
) -> None:
    _ = req._
    if org_id is not None:
        code = (await uc.officer_root(req.ctx, req.user_id, org_id=org_id)).code
    data = await uc.report(req.ctx, req.user_id, code=code, period=period)
    chat = req.update.effective_chat
    assert chat is not None
    if req.query is not None:
        await req.notify(_("Preparing the report…"))
    await req.context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_DOCUMENT)
    # CPU-bound (seconds for a province): built off the event loop
    moves = await lifecycle_uc.numbers(req.ctx, actor=req.user_id, org_code=data.root.code)
    dues = await report_dues(req, data)
    workbook = await asyncio.to_thread(report_xlsx.build, data, _, None, moves, dues=dues)
    chart = await asyncio.to_thread(report_chart.heat_map, data, _)
    stem = uc.file_stem(data)
    await req.context.bot.send_document(
        chat.id,
        document=InputFile(io.BytesIO(workbook), filename=f"{stem}.xlsx"),
        caption=_(
            "Report of {org} ({code}), {start} – {end}: meetings, members, probation,"
            " candidates, reconciliation and targets.",
            org=data.root.name,
            code=data.root.code,
            start=data.start,
            end=data.as_of,
        ),
    )
    await req.context.bot.send_photo(
        chat.id,
        photo=InputFile(io.BytesIO(chart), filename=f"{stem}.png"),
        caption=_(
            "Meetings held by cell and month, {start} – {end}.", start=data.start, end=data.as_of
        ),
    )


@handler()
async def report_command(req: Req) -> None:
    args = req.context.args or []
    period = next((a for a in args if a[:1].isdigit()), None)
    code = next((a for a in args if not a[:1].isdigit()), None)
    if code is None and await _pick_root(req, "r"):
        return
    await send_report(req, code=code, period=period)


# == the official list ===========================================================================


def _upload_text(_: Translator, org: str, end: date) -> str:
    return _(
        "Send the official member list of {org} exported from the member database, as"
        " Excel (.xlsx) or CSV: the roster template's columns (Họ và tên, Ngày sinh, Số thẻ"
        " đảng viên, Số căn cước, Ngày vào Đảng, Ngày chính thức, Trạng thái…) plus a column"
        " “Chi bộ” or “Mã chi bộ” with each member's cell (its code or name). Every cell"
        " of {org} is compared with its roster.\n\nPeriod: ending {end}.",
        org=org,
        end=end,
    )


async def start_upload(req: Req, org_id: int, end: date | None = None) -> None:
    _ = req._
    root = await uc.officer_root(req.ctx, req.user_id, org_id=org_id)
    before, active = recon_uc.open_periods(req.ctx, req.ctx.today())
    period = before if end == before.end else active
    await start_draft(
        req,
        UPLOAD,
        "file",
        org_id=root.id,
        data={"end": period.end.isoformat(), "org": root.name},
    )
    rows = [
        [
            (
                ("✓ " if p == period else "") + _("Period ending {end}", end=p.end),
                cb(F, "upp", root.id, _key(p.end)),
            )
            for p in (before, active)
        ],
        [(_("Cancel"), cb(F, "s", root.id))],
    ]
    await req.show(_upload_text(_, root.name, period.end), rows)


def result_messages(_: Translator, result: ImportResult, filename: str) -> list[str]:
    found = [c for c in result.cells if c.discrepancies]
    lines = [
        _(
            "Official list {file} ({rows} rows) compared with the {n} cells of {org},"
            " period ending {end}.",
            file=filename,
            rows=result.rows,
            n=len(result.cells),
            org=result.root.name,
            end=result.period.end,
        ),
        _(
            "{bad} cells with discrepancies, {good} matching.",
            bad=len(found),
            good=len(result.cells) - len(found),
        ),
        "",
    ]
    for c in result.cells:
        if not c.discrepancies:
            continue
        kinds = [d.kind for d in c.discrepancies]
        lines.append(
            _(
                "{cell} ({code}): {n} — not in the cell {a} · not in the official list"
                " {b} · different {c} · likely typos {d}",
                cell=c.cell.name,
                code=c.cell.code,
                n=len(kinds),
                a=kinds.count("missing_in_cell"),
                b=kinds.count("missing_in_official"),
                c=kinds.count("mismatch"),
                d=kinds.count("near_match"),
            )
        )
        lines.extend(discrepancy_line(_, d) for d in c.discrepancies)
        lines.append("")
    if found:
        lines.append(
            _(
                "The cells' secretaries see these points under “Reconcile the member"
                " list” and confirm once they are dealt with."
            )
        )
    return pack_lines(lines)


async def _import(req: Req, draft: Draft) -> None:
    _ = req._
    msg = req.update.effective_message
    doc = msg.document if msg else None
    if doc is None or draft.org_id is None:
        await req.reply(_("Please send the list as a file (.xlsx or .csv)."))
        return
    if doc.file_size and doc.file_size > MAX_FILE_BYTES:
        await req.reply(
            _("The file is too large (more than {mb} MB).", mb=MAX_FILE_BYTES // 1024 // 1024)
        )
        return
    caption = (msg.caption or "") if msg else ""
    named = _CAPTION_PERIOD.search(caption)  # "2026-H1" or a period's last day
    period = recon_uc.parse_period(req.ctx, named[0] if named else str(draft.data["end"]))
    filename = doc.file_name or "official.csv"
    data = bytes(await (await req.context.bot.get_file(doc.file_id)).download_as_bytearray())
    try:
        result = await recon_uc.import_official(
            req.ctx, req.user_id, org_id=draft.org_id, period=period, data=data, filename=filename
        )
    except ListInvalid as exc:
        lines = [_("The list {file} was not compared:", file=filename)]
        lines.extend(f"• {_.msg(p)}" for p in exc.problems)
        lines.append(_("Correct the file and send it again."))
        await req.reply("\n".join(lines))
        return
    await drafts_uc.clear(req.ctx, req.user_id, (UPLOAD,))
    messages = result_messages(_, result, filename)[:MAX_MESSAGES]
    for i, text in enumerate(messages):
        rows = (
            [
                [
                    (_("📊 Status"), cb(F, "s", result.root.id)),
                    (_("📊 Report"), cb(F, "r", result.root.id)),
                ]
            ]
            if i == len(messages) - 1
            else None
        )
        await req.reply(text, rows)


async def upload_text(req: Req, draft: Draft) -> None:
    await req.reply(req._("Please send the list as a file (.xlsx or .csv), or /cancel."))


async def accept_officer_file(req: Req) -> bool:
    """A list sent by an officer (who has no cell to import a roster into), no draft open."""
    msg = req.update.effective_message
    doc = msg.document if msg else None
    name = (doc.file_name or "").lower() if doc else ""
    if not name.endswith((".csv", ".xlsx")) or req.profile.cells or not req.profile.officer_orgs:
        return False
    root = await uc.officer_root(req.ctx, req.user_id)
    active = uc.active_period(req.ctx, req.ctx.today())
    draft = Draft(req.user_id, UPLOAD, "file", root.id, {"end": active.end.isoformat()})
    await _import(req, draft)
    return True


# == routing =====================================================================================


async def _status(req: Req, org_id: int | None, page: int | None) -> None:
    """of:s (asks which organisation when there are several), of:s:<org>[:<page>]."""
    if org_id is None:
        if not await _pick_root(req, "s"):
            await show_status(req)
    else:
        await show_status(req, org_id=org_id, page=page or 0)


async def _overdue(req: Req, org_id: int | None) -> None:
    if org_id is None:
        if not await _pick_root(req, "o"):
            await show_overdue(req)
    else:
        await show_overdue(req, org_id=org_id)


async def _report(req: Req, org_id: int | None) -> None:
    if org_id is None:
        if not await _pick_root(req, "r"):
            await send_report(req)
    else:
        await send_report(req, org_id=org_id)


ROUTES = {
    "s": Route(_status, opt(INT), opt(INT)),
    "o": Route(_overdue, opt(INT)),
    "r": Route(_report, opt(INT)),
    "up": Route(start_upload, INT),
    "upp": Route(start_upload, INT, DAY),  # of:upp:<org>:<period end yyyymmdd>
}


def register(app: App) -> None:
    reg = registry_of(app)
    for spec in (
        CommandSpec(
            "status", N_("Officers: the organisations under your committee"), "officer", 50
        ),
        CommandSpec("overdue", N_("Officers: overdue items in your area"), "officer", 51),
        CommandSpec(
            "report", N_("Officers: Excel report and chart (e.g. /report 2026)"), "officer", 52
        ),
    ):
        reg.add_command(spec)
    reg.add_menu(MenuEntry(N_("Status of the cells"), cb(F, "s"), "officer", 50))
    reg.add_menu(MenuEntry(N_("Overdue items"), cb(F, "o"), "officer", 51))
    reg.add_menu(MenuEntry(N_("Report"), cb(F, "r"), "officer", 52))
    app.add_handler(CommandHandler("status", status_command))
    app.add_handler(CommandHandler("overdue", overdue_command))
    app.add_handler(CommandHandler("report", report_command))
    reg.add_routes(F, ROUTES)
    reg.add_file_flow(UPLOAD, _import)
    reg.add_text_flow(UPLOAD, upload_text)
    reg.add_default_file_flow(accept_officer_file)
    reg.add_resumable(UPLOAD, N_("official list upload"))

"""Party dues on Telegram (issue 15), a thin layer over `usecases.dues`:

- the cell's month (/dues, menu "Party dues"): the sheet with everyone as due, "all paid" in one
  tap, the exceptions by buttons (unpaid, another amount typed, a valid reason typed, the
  channel), then one confirmation — kept in a `dues.month` draft until then;
- the month from a spreadsheet sent in the chat (`dues.import` draft), all or nothing;
- one member's dues from the member's card: a month's payment, a reduction or an exemption with
  its ground and end (`dues.member` draft);
- officers: paid / due / unpaid per cell and month (`/dues [CODE] [YYYY-MM]`), a cell's members
  by buttons.

Callback contract (`dues:<action>[:arg…]`; months travel as the first day, yyyymmdd):
  dues:sheet[:<month>] · dues:back · dues:m:<member> · dues:x:<member>:<what> ·
  dues:ch:<channel> · dues:all · dues:ok · dues:no · dues:imp:<month> · dues:impok ·
  dues:card:<member> · dues:pay:<member> · dues:pm:<member>:<month> ·
  dues:pp:<member>:<month>:<what> · dues:red:<member> · dues:rp:<member>:<percent> ·
  dues:rn:<member>:<months> · dues:exm:<member> · dues:eg:<member>:<ground> ·
  dues:en:<member>:<months> · dues:rok · dues:om · dues:o:<org>:<month> ·
  dues:oc:<org>:<month> · dues:bs:<member>[:<month>] · dues:bk:<member>:<basis> · dues:bok
Every press re-checks scope through the use cases (write access to the cell, read access for
officers); the draft's cell is re-checked by `open_draft`.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from telegram.ext import CommandHandler

from chibo.handlers.common import (
    EXPIRED,
    App,
    Req,
    cb,
    expired,
    handler,
    open_draft,
    pack_lines,
    working_cell,
)
from chibo.handlers.flows import start_draft
from chibo.handlers.paging import page_label, page_of, pager_rows
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.roster_common import CANCELLED, Rows
from chibo.handlers.routing import DAY, INT, Route, choice, int_in, opt
from chibo.rules.dates import add_months, read_date
from chibo.rules.dues import (
    BASES,
    BASIS_LABELS,
    CHANNEL_LABELS,
    GROUND_LABELS,
    RECORDED_GROUNDS,
    STATUS_LABELS,
    first_of,
    parse_month_key,
)
from chibo.rules.messages import N_, Msg
from chibo.rules.party_age import GAP_REASONS
from chibo.usecases import access
from chibo.usecases import badges as badges_uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import dues as uc
from chibo.usecases import status as status_uc
from chibo.usecases.drafts import Draft
from chibo.usecases.dues import PaymentEntry
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator

F = "dues"
MONTH, IMPORT, MEMBER = "dues.month", "dues.import", "dues.member"
WHATS = ("unpaid", "paid", "amt", "why", "portal", "cash")
PAGE = 30  # member buttons on one sheet
CELLS_PAGE = 20
MAX_FILE_BYTES = 512 * 1024
MAX_PROBLEMS_SHOWN = 20


def money(_: Translator, n: int) -> str:
    return _("{amount} đ", amount=_.number(n))


def month_label(d: date) -> str:
    return f"{d.month:02d}/{d.year}"


def _day(d: date) -> str:
    return first_of(d).strftime("%Y%m%d")


def _last_month(req: Req) -> date:
    return add_months(first_of(req.ctx.today()), -1)


def _read_amount(text: str) -> int | None:
    digits = "".join(text.replace("đ", "").replace("d", "").split()).replace(".", "")
    digits = digits.replace(",", "")
    if not digits.isdigit() or len(digits) > 9:
        return None
    return int(digits)


# == the cell's month ===========================================================================


def _exceptions(draft: Draft) -> dict[str, dict[str, Any]]:
    x: dict[str, dict[str, Any]] = draft.data.setdefault("x", {})
    return x


def _exception_text(_: Translator, e: dict[str, Any] | None) -> str | None:
    if not e:
        return None
    parts = []
    if e.get("s") == "unpaid":
        parts.append(_("unpaid"))
    elif e.get("s") == "amt":
        parts.append(_("paid {amount}", amount=money(_, int(e["a"]))))
    elif e.get("s") == "why":
        parts.append(_("unpaid, valid reason: {reason}", reason=e.get("r", "")))
    if e.get("c"):
        parts.append(_(CHANNEL_LABELS[e["c"]]))
    return "; ".join(parts) or None


def _entry(e: dict[str, Any]) -> PaymentEntry:
    s = e.get("s")
    if s == "unpaid":
        return PaymentEntry(paid=0, channel=e.get("c"))
    if s == "amt":
        return PaymentEntry(paid=int(e["a"]), channel=e.get("c"))
    if s == "why":
        return PaymentEntry(paid=0, channel=e.get("c"), reason=str(e.get("r", "")))
    return PaymentEntry(channel=e.get("c"))


def _line_text(_: Translator, line: uc.SheetLine, e: dict[str, Any] | None) -> str:
    name = line.member.full_name
    if line.due.exempt:
        return _("{name}: exempt", name=name)
    due = money(_, line.due.amount) if line.due.full_amount is not None else _("no amount set")
    if line.due.reduction_percent:
        due += " " + _("(reduced {p}%)", p=line.due.reduction_percent)
    note = _exception_text(_, e)
    if note:
        return _("{name}: {due} — {note}", name=name, due=due, note=note)
    return _("{name}: {due}", name=name, due=due)


async def _sheet_screen(req: Req, draft: Draft, *, reply: bool = False, page: int = 0) -> None:
    _ = req._
    assert draft.org_id is not None
    month = date.fromisoformat(draft.data["m"])
    sheet = await uc.month_sheet(req.ctx, req.user_id, draft.org_id, month)
    x = _exceptions(draft)
    channel = draft.data.get("ch", "cash")
    lines = [
        _("Party dues of {org} for {month}", org=sheet.org.name, month=month_label(month)),
        _(
            "Everyone is shown as paid as due ({channel}); mark the exceptions by pressing a"
            " name, then press the green button.",
            channel=_(CHANNEL_LABELS[channel]),
        ),
    ]
    if sheet.recorded:
        lines.append(_("This month is already recorded: confirming replaces it."))
    total = 0
    for i, line in enumerate(sheet.lines, start=1):
        e = x.get(str(line.member.id))
        lines.append(f"{i}. " + _line_text(_, line, e))
        if not e or e.get("s") in (None, "paid"):
            total += line.due.amount
        elif e.get("s") == "amt":
            total += int(e["a"])
    lines.append(_("To be recorded as paid: {amount}.", amount=money(_, total)))
    shown = page_of(sheet.lines, page, PAGE)
    lines += page_label(_, shown.page, shown.pages)
    rows: Rows = []
    label = _("✅ All paid in full") if not x else _("✅ The others paid in full")
    rows.append([(label, cb(F, "all"))])
    buttons = []
    for line in shown.items:
        mark = "✏️ " if str(line.member.id) in x else ""
        buttons.append((f"{mark}{line.member.full_name}"[:40], cb(F, "m", line.member.id)))
    rows.extend(buttons[i : i + 2] for i in range(0, len(buttons), 2))
    rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "back", n))
    other = "portal" if channel == "cash" else "cash"
    rows.append(
        [(_("Everyone by: {channel}", channel=_(CHANNEL_LABELS[other])), cb(F, "ch", other))]
    )
    rows.append(
        [
            (
                _("◀ {month}", month=month_label(add_months(month, -1))),
                cb(F, "sheet", _day(add_months(month, -1))),
            ),
            (_("📥 From a file"), cb(F, "imp", _day(month))),
        ]
    )
    rows.append([(_("Cancel"), cb(F, "no")), (_("« Menu"), cb("menu", "main"))])
    text = "\n".join(lines)
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def show_sheet(req: Req, month: date | None = None, *, reply: bool = False) -> None:
    """`dues:sheet[:<month>]`: a fresh sheet for the month (default: last month)."""
    org_id = await working_cell(req)
    if org_id is None:
        return
    month = first_of(month or _last_month(req))
    uc.check_month(req.ctx, month)
    sheet = await uc.month_sheet(req.ctx, req.user_id, org_id, month)
    x = {str(ln.member.id): e for ln in sheet.lines if (e := _recorded_exception(ln))}
    draft = await start_draft(
        req, MONTH, "sheet", org_id=org_id, data={"m": month.isoformat(), "x": x, "ch": "cash"}
    )
    await _sheet_screen(req, draft, reply=reply)


def _recorded_exception(line: uc.SheetLine) -> dict[str, Any] | None:
    """A month already recorded opens with what was recorded, so confirming keeps it."""
    r = line.recorded
    if r is None or r.status == "exempt":
        return None
    e: dict[str, Any] = {"c": r.channel} if r.channel == "portal" else {}
    if r.status == "unpaid":
        e["s"] = "unpaid"
    elif r.status == "excused":
        e.update({"s": "why", "r": r.note or ""})
    elif r.paid != line.due.amount:
        e.update({"s": "amt", "a": r.paid})
    return e or None


async def _month_draft(req: Req) -> Draft | None:
    return await open_draft(req, (MONTH,), closed=EXPIRED)


async def back_to_sheet(req: Req, page: int | None) -> None:
    draft = await _month_draft(req)
    if draft is not None:
        draft.step = "sheet"
        await drafts_uc.save(req.ctx, draft)
        await _sheet_screen(req, draft, page=page or 0)


async def _sheet_line(req: Req, draft: Draft, member_id: int) -> uc.SheetLine | None:
    assert draft.org_id is not None
    sheet = await uc.month_sheet(
        req.ctx, req.user_id, draft.org_id, date.fromisoformat(draft.data["m"])
    )
    line = next((ln for ln in sheet.lines if ln.member.id == member_id), None)
    if line is None:
        await expired(req)
    return line


async def member_options(req: Req, member_id: int) -> None:
    """`dues:m:<member>`: what happened with this member's month."""
    draft = await _month_draft(req)
    if draft is None:
        return
    line = await _sheet_line(req, draft, member_id)
    if line is None:
        return
    _ = req._
    e = _exceptions(draft).get(str(member_id))
    text = _line_text(_, line, e)
    rows: Rows = [
        [
            (_("✖️ Unpaid"), cb(F, "x", member_id, "unpaid")),
            (_("✅ Paid in full"), cb(F, "x", member_id, "paid")),
        ],
        [(_("💬 Paid another amount"), cb(F, "x", member_id, "amt"))],
        [(_("📝 Unpaid, valid reason"), cb(F, "x", member_id, "why"))],
        [
            (_(CHANNEL_LABELS["portal"]), cb(F, "x", member_id, "portal")),
            (_(CHANNEL_LABELS["cash"]), cb(F, "x", member_id, "cash")),
        ],
        [(_("« Back to the sheet"), cb(F, "back"))],
    ]
    if line.due.full_amount is None and not line.due.exempt:
        month = date.fromisoformat(draft.data["m"])
        rows.insert(0, [(_("⚙️ Set the dues basis"), cb(F, "bs", member_id, _day(month)))])
    await req.show(text, rows)


async def set_exception(req: Req, member_id: int, what: str) -> None:
    """`dues:x:<member>:<what>`: mark an exception (typed ones ask for the amount or reason)."""
    draft = await _month_draft(req)
    if draft is None:
        return
    line = await _sheet_line(req, draft, member_id)
    if line is None:
        return
    _ = req._
    x = _exceptions(draft)
    e = dict(x.get(str(member_id), {}))
    if what in ("amt", "why"):
        draft.step = what
        draft.data["mid"] = member_id
        await drafts_uc.save(req.ctx, draft)
        ask = (
            _(
                "How much did {name} pay for the month? Type the amount in đồng, e.g. 50000.",
                name=line.member.full_name,
            )
            if what == "amt"
            else _(
                "Why did {name} not pay? Type the reason in a few words.",
                name=line.member.full_name,
            )
        )
        await req.show(ask, [[(_("« Back to the sheet"), cb(F, "back"))]])
        return
    if what == "paid":
        e.pop("s", None)
        e.pop("a", None)
        e.pop("r", None)
    elif what == "unpaid":
        e = {k: v for k, v in e.items() if k == "c"} | {"s": "unpaid"}
    else:
        e["c"] = what
    if e:
        x[str(member_id)] = e
    else:
        x.pop(str(member_id), None)
    draft.step = "sheet"
    await drafts_uc.save(req.ctx, draft)
    await _sheet_screen(req, draft)


async def month_text(req: Req, draft: Draft) -> None:
    """Typed text on the sheet: the amount or the reason asked for."""
    _ = req._
    back: Rows = [[(_("« Back to the sheet"), cb(F, "back"))]]
    mid = draft.data.get("mid")
    if draft.step not in ("amt", "why") or mid is None:
        await req.reply(req.use_buttons())
        return
    e = dict(_exceptions(draft).get(str(mid), {}))
    if draft.step == "amt":
        amount = _read_amount(req.text)
        if amount is None or amount > uc.MAX_AMOUNT:
            await req.reply(_("Type the amount in đồng as digits, e.g. 50000."), back)
            return
        e.update({"s": "amt", "a": amount})
    else:
        try:
            reason = uc.clean_text(req.text, N_("Reason"), required=True)
        except InvalidInput as exc:
            await req.reply(_.msg(exc.msg), back)
            return
        e.update({"s": "why", "r": reason})
        e.pop("a", None)
    _exceptions(draft)[str(mid)] = e
    draft.step = "sheet"
    await drafts_uc.save(req.ctx, draft)
    await _sheet_screen(req, draft, reply=True)


async def set_channel(req: Req, channel: str) -> None:
    draft = await _month_draft(req)
    if draft is not None:
        draft.data["ch"] = channel
        await drafts_uc.save(req.ctx, draft)
        await _sheet_screen(req, draft)


async def confirm_screen(req: Req) -> None:
    """`dues:all`: the others paid in full — what will be recorded, to confirm."""
    draft = await _month_draft(req)
    if draft is None or draft.org_id is None:
        return
    _ = req._
    month = date.fromisoformat(draft.data["m"])
    x = _exceptions(draft)
    lines = [
        _(
            "Record the party dues for {month}: everyone paid as due, except:",
            month=month_label(month),
        )
    ]
    sheet = await uc.month_sheet(req.ctx, req.user_id, draft.org_id, month)
    marked = [ln for ln in sheet.lines if str(ln.member.id) in x]
    lines.extend("• " + _line_text(_, ln, x[str(ln.member.id)]) for ln in marked)
    if not marked:
        lines.append(_("(no exceptions)"))
    await req.show(
        "\n".join(lines),
        [[(_("✅ Confirm"), cb(F, "ok"))], [(_("« Back to the sheet"), cb(F, "back"))]],
    )


def record_text(_: Translator, rec: uc.MonthRecord) -> str:
    c = rec.counts
    paid = sum(r.paid for r in rec.rows)
    return _(
        "Recorded the party dues of {org} for {month}: paid {paid}, unpaid {unpaid}, valid"
        " reason {excused}, exempt {exempt}; collected {amount}.",
        org=rec.org.name,
        month=month_label(rec.month),
        paid=c["paid"],
        unpaid=c["unpaid"],
        excused=c["excused"],
        exempt=c["exempt"],
        amount=money(_, paid),
    )


def problems_text(_: Translator, exc: uc.MonthInvalid) -> str:
    lines = [_("Nothing was recorded: {n} problem(s).", n=len(exc.problems))]
    lines.extend("• " + _.msg(p) for p in exc.problems[:MAX_PROBLEMS_SHOWN])
    if len(exc.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(_("… and {n} more.", n=len(exc.problems) - MAX_PROBLEMS_SHOWN))
    return "\n".join(lines)


async def record(req: Req) -> None:
    """`dues:ok`: record the month."""
    draft = await _month_draft(req)
    if draft is None or draft.org_id is None:
        return
    _ = req._
    entries = {int(k): _entry(v) for k, v in _exceptions(draft).items()}
    try:
        rec = await uc.record_month(
            req.ctx,
            req.user_id,
            draft.org_id,
            date.fromisoformat(draft.data["m"]),
            entries,
            channel=draft.data.get("ch", "cash"),
        )
    except uc.MonthInvalid as exc:
        await req.show(problems_text(_, exc), [[(_("« Back to the sheet"), cb(F, "back"))]])
        return
    await drafts_uc.clear(req.ctx, req.user_id, (MONTH,))
    await req.show(record_text(_, rec), [[(_("« Menu"), cb("menu", "main"))]])


async def cancel_month(req: Req) -> None:
    await drafts_uc.clear(req.ctx, req.user_id, (MONTH, IMPORT, MEMBER))
    await req.show(req._(CANCELLED), [[(req._("« Menu"), cb("menu", "main"))]])


# == the month from a file ======================================================================


async def ask_file(req: Req, month: date) -> None:
    """`dues:imp:<month>`: wait for the month's spreadsheet."""
    org_id = await working_cell(req)
    if org_id is None:
        return
    month = first_of(month)
    uc.check_month(req.ctx, month)
    _ = req._
    await start_draft(req, IMPORT, "file", org_id=org_id, data={"m": month.isoformat()})
    await req.show(
        _(
            "Send the party dues of {month} as an Excel (.xlsx) or CSV file, one member per"
            " row, with the columns “Họ và tên”, “Số tiền đã nộp” and, if you have them, “Số"
            " thẻ đảng viên” or “Ngày sinh”, “Ngày nộp”, “Hình thức nộp” (cổng dịch vụ công /"
            " tiền mặt), “Lý do”. Every row is checked first; nothing is saved until you"
            " confirm.",
            month=month_label(month),
        ),
        [[(_("Cancel"), cb(F, "no"))]],
    )


async def _download(req: Req) -> tuple[bytes, str] | None:
    msg = req.update.effective_message
    doc = msg.document if msg else None
    if doc is None:
        return None
    name = doc.file_name or "dues.xlsx"
    if (doc.file_size or 0) > MAX_FILE_BYTES or not name.lower().endswith((".csv", ".xlsx")):
        await req.reply(
            req._(
                "Please send an .xlsx or .csv file of at most {kb} KB.",
                kb=MAX_FILE_BYTES // 1024,
            )
        )
        return None
    tg_file = await req.context.bot.get_file(doc.file_id)
    return bytes(await tg_file.download_as_bytearray()), name


async def import_file(req: Req, draft: Draft) -> None:
    """A file while the import waits: check every row, then ask to confirm."""
    if draft.org_id is None:
        return
    await access.require_write(req.ctx, req.user_id, draft.org_id)
    got = await _download(req)
    if got is None:
        return
    data, name = got
    _ = req._
    month = date.fromisoformat(draft.data["m"])
    try:
        rec = await uc.import_month(
            req.ctx,
            actor=req.user_id,
            org_id=draft.org_id,
            month=month,
            data=data,
            filename=name,
            dry_run=True,
        )
    except uc.MonthInvalid as exc:
        await req.reply(
            problems_text(_, exc) + "\n" + _("Correct the file and send it again."),
            [[(_("Cancel"), cb(F, "no"))]],
        )
        return
    draft.step = "confirm"
    draft.data.update({"f": base64.b64encode(data).decode(), "n": name})
    await drafts_uc.save(req.ctx, draft)
    c = rec.counts
    await req.reply(
        _(
            "File {file}, {month}: {rows} members — paid {paid}, unpaid {unpaid}, valid reason"
            " {excused}, exempt {exempt}. Record this month?",
            file=name,
            month=month_label(month),
            rows=len(rec.rows),
            paid=c["paid"],
            unpaid=c["unpaid"],
            excused=c["excused"],
            exempt=c["exempt"],
        ),
        [[(_("✅ Record"), cb(F, "impok"))], [(_("Cancel"), cb(F, "no"))]],
    )


async def import_confirmed(req: Req) -> None:
    draft = await open_draft(req, (IMPORT,), closed=EXPIRED)
    if draft is None or draft.org_id is None:
        return
    if draft.step != "confirm":
        await expired(req)
        return
    _ = req._
    try:
        rec = await uc.import_month(
            req.ctx,
            actor=req.user_id,
            org_id=draft.org_id,
            month=date.fromisoformat(draft.data["m"]),
            data=base64.b64decode(draft.data["f"]),
            filename=str(draft.data["n"]),
        )
    except uc.MonthInvalid as exc:
        await req.show(problems_text(_, exc))
        return
    await drafts_uc.clear(req.ctx, req.user_id, (IMPORT,))
    await req.show(record_text(_, rec), [[(_("« Menu"), cb("menu", "main"))]])


async def import_text(req: Req, draft: Draft) -> None:
    await req.reply(req._("Please send the file (Excel or CSV) as a document, or /cancel to stop."))


# == one member: the card =======================================================================


def party_age_line(_: Translator, view: badges_uc.PartyAgeView) -> str:
    """ "Party age: N years M months" with the next badge milestone (for the member's card)."""
    if view.age is None:
        return _("Party age: no admission decision date recorded")
    text = _(
        "Party age: {years} years {months} months", years=view.age.years, months=view.age.months
    )
    if view.next_milestone and view.next_milestone_on:
        text += "; " + _(
            "{n}-year badge on {date}", n=view.next_milestone, date=view.next_milestone_on
        )
    return text


def early_lines(_: Translator, view: badges_uc.PartyAgeView) -> list[str]:
    """The member's early badge requests (serious illness) not yet awarded."""
    return [
        "• "
        + _(
            "Early {n}-year badge requested on {date} (serious illness): {document}",
            n=r.milestone,
            date=r.requested_on,
            document=r.document or "",
        )
        for r in view.early
    ]


async def card_lines(req: Req, member_id: int) -> list[str]:
    """The party-age line and the early badge requests for the roster card."""
    view = await badges_uc.party_age_of(req.ctx, req.user_id, member_id)
    return [party_age_line(req._, view), *early_lines(req._, view)]


def _relief_text(_: Translator, r: Any) -> str:
    end = month_label(r.end) if r.end else _("until revoked")
    if r.kind == "reduction":
        return _(
            "Reduction {p}%: {start} – {end}", p=r.percent, start=month_label(r.start), end=end
        )
    ground = _(GROUND_LABELS.get(r.ground or "", r.ground or ""), years=50)
    return _(
        "Exemption ({ground}): {start} – {end}", ground=ground, start=month_label(r.start), end=end
    )


async def show_card(req: Req, member_id: int, *, reply: bool = False, note: str = "") -> None:
    """`dues:card:<member>`: the member's dues, party age, and what can be recorded."""
    _ = req._
    view = await uc.member_dues(req.ctx, req.user_id, member_id)
    age = await badges_uc.party_age_of(req.ctx, req.user_id, member_id)
    m = view.member
    lines = [note] if note else []
    lines += [_("Party dues — {name}", name=m.full_name), party_age_line(_, age)]
    lines += early_lines(_, age)
    lines.extend(
        "• " + _("Outside the party: {start} – {end}", start=g.gap.left_on, end=g.gap.returned_on)
        for g in age.gaps
    )
    due = view.due
    if due.exempt:
        lines.append(_("This month: exempt"))
    elif due.full_amount is None:
        lines.append(_("This month: no amount set"))
    else:
        lines.append(_("This month: {amount}", amount=money(_, due.amount)))
    lines.append(basis_line(_, view.profile))
    lines.extend("• " + _relief_text(_, r) for r in view.reliefs)
    if view.unpaid:
        lines.append(
            _(
                "Unpaid without a valid reason: {months}",
                months=", ".join(month_label(d) for d in view.unpaid),
            )
        )
    for r in view.rows[:6]:
        lines.append(
            _(
                "{month}: {status}, {amount}",
                month=month_label(r.month),
                status=_(STATUS_LABELS[r.status]),
                amount=money(_, r.paid),
            )
        )
    if not view.rows:
        lines.append(_("No month recorded yet."))
    rows: Rows = [
        [(_("💰 Record a month"), cb(F, "pay", m.id)), (_("⚙️ Dues basis"), cb(F, "bs", m.id))],
        [(_("Dues reduction"), cb(F, "red", m.id)), (_("Dues exemption"), cb(F, "exm", m.id))],
        [
            (_("Gap in party age"), cb(F, "gap", m.id)),
            (_("Early badge"), cb(F, "ear", m.id)),
        ],
        [(_("« Member card"), cb("roster", "view", m.id))],
    ]
    text = "\n".join(lines)
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def pay_pick_month(req: Req, member_id: int) -> None:
    """`dues:pay:<member>`: which month (this one and the three before)."""
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    this = first_of(req.ctx.today())
    months = [add_months(this, -i) for i in range(4)]
    await req.show(
        _("Which month?"),
        [
            *([(month_label(d), cb(F, "pm", member_id, _day(d)))] for d in months),
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def pay_options(req: Req, member_id: int, month: date) -> None:
    """`dues:pm:<member>:<month>`: paid in full, unpaid, another amount, a valid reason."""
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    uc.check_month(req.ctx, month)
    _ = req._
    d = _day(month)
    await req.show(
        _("{name}, {month}:", name=member.full_name, month=month_label(month)),
        [
            [(_("✅ Paid in full"), cb(F, "pp", member_id, d, "paid"))],
            [(_("✖️ Unpaid"), cb(F, "pp", member_id, d, "unpaid"))],
            [(_("💬 Paid another amount"), cb(F, "pp", member_id, d, "amt"))],
            [(_("📝 Unpaid, valid reason"), cb(F, "pp", member_id, d, "why"))],
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def pay(req: Req, member_id: int, month: date, what: str) -> None:
    """`dues:pp:<member>:<month>:<what>`."""
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    uc.check_month(req.ctx, month)
    _ = req._
    if what in ("amt", "why"):
        await start_draft(
            req,
            MEMBER,
            what,
            org_id=member.org_id,
            data={"mid": member_id, "kind": "pay", "m": first_of(month).isoformat()},
        )
        ask = (
            _(
                "How much did {name} pay? Type the amount in đồng, e.g. 50000.",
                name=member.full_name,
            )
            if what == "amt"
            else _("Why did {name} not pay? Type the reason in a few words.", name=member.full_name)
        )
        await req.show(ask, [[(_("Cancel"), cb(F, "card", member_id))]])
        return
    entry = PaymentEntry(paid=0) if what == "unpaid" else PaymentEntry()
    await _pay(req, member_id, month, entry, reply=False)


async def _pay(req: Req, member_id: int, month: date, entry: PaymentEntry, *, reply: bool) -> None:
    _ = req._
    row = await uc.record_payment(
        req.ctx, actor=req.user_id, member_id=member_id, month=month, entry=entry
    )
    note = _(
        "Recorded {month}: {status}, {amount}.",
        month=month_label(row.month),
        status=_(STATUS_LABELS[row.status]),
        amount=money(_, row.paid),
    )
    await show_card(req, member_id, reply=reply, note=note)


async def reduction_start(req: Req, member_id: int) -> None:
    """`dues:red:<member>`: the percentage (30/50/70), from this month."""
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    percents = req.ctx.catalogue.get_ints("dues.reduction.percents", req.ctx.today())
    await req.show(
        _("Dues reduction from {month}: how much?", month=month_label(req.ctx.today())),
        [
            [(f"{p}%", cb(F, "rp", member_id, p)) for p in percents],
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def reduction_percent(req: Req, member_id: int, percent: int) -> None:
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    most = req.ctx.catalogue.get_int("dues.reduction.max_months", req.ctx.today())
    await req.show(
        _("Reduction {p}%: for how many months (at most {most})?", p=percent, most=most),
        [
            [(str(n), cb(F, "rn", member_id, percent, n)) for n in (3, 6, most)],
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def reduction_months(req: Req, member_id: int, percent: int, months: int) -> None:
    await _ask_document(req, member_id, {"kind": "red", "p": percent, "n": months})


async def exemption_start(req: Req, member_id: int) -> None:
    """`dues:exm:<member>`: the ground."""
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    await req.show(
        _("Dues exemption from {month}: on what ground?", month=month_label(req.ctx.today())),
        [
            *([(_(GROUND_LABELS[g]), cb(F, "eg", member_id, g))] for g in RECORDED_GROUNDS),
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def exemption_ground(req: Req, member_id: int, ground: str) -> None:
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    await req.show(
        _("Until when?"),
        [
            [(_("{n} months", n=n), cb(F, "en", member_id, ground, n)) for n in (6, 12)],
            [(_("Until revoked"), cb(F, "en", member_id, ground, 0))],
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def exemption_end(req: Req, member_id: int, ground: str, months: int) -> None:
    await _ask_document(req, member_id, {"kind": "exm", "g": ground, "n": months})


async def _ask_document(req: Req, member_id: int, data: dict[str, Any]) -> None:
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    await start_draft(req, MEMBER, "doc", org_id=member.org_id, data={"mid": member_id, **data})
    await req.show(
        _(
            "Type the decision or application it rests on (number and date), e.g. “Quyết"
            " định số 12-QĐ/ĐU ngày 05/11/2026”."
        ),
        [[(_("Cancel"), cb(F, "card", member_id))]],
    )


def _relief_span(req: Req, months: int) -> tuple[date, date | None]:
    start = first_of(req.ctx.today())
    return start, (add_months(start, months - 1) if months else None)


async def member_text(req: Req, draft: Draft) -> None:
    """Typed text for one member: an amount, a reason, or the decision."""
    _ = req._
    if draft.data.get("kind") == "basis":
        await basis_text(req, draft)
        return
    if draft.data.get("kind") in ("gap", "early"):
        await gap_early_text(req, draft)
        return
    mid = int(draft.data["mid"])
    back: Rows = [[(_("Cancel"), cb(F, "card", mid))]]
    if draft.step == "amt":
        amount = _read_amount(req.text)
        if amount is None or amount > uc.MAX_AMOUNT:
            await req.reply(_("Type the amount in đồng as digits, e.g. 50000."), back)
            return
        entry = PaymentEntry(paid=amount)
    elif draft.step == "why":
        entry = PaymentEntry(paid=0, reason=" ".join(req.text.split())[: uc.MAX_TEXT] or "-")
    elif draft.step == "doc":
        try:
            document = uc.clean_text(req.text, N_("Decision or application"), required=True)
        except InvalidInput as exc:
            await req.reply(_.msg(exc.msg), back)
            return
        draft.data["doc"] = document
        draft.step = "confirm"
        await drafts_uc.save(req.ctx, draft)
        start, end = _relief_span(req, int(draft.data["n"]))
        end_text = month_label(end) if end else _("until revoked")
        if draft.data["kind"] == "red":
            what = _("Reduction {p}%", p=draft.data["p"])
        else:
            what = _("Exemption ({ground})", ground=_(GROUND_LABELS[draft.data["g"]]))
        await req.reply(
            _(
                "Record: {what}, {start} – {end}; {doc}?",
                what=what,
                start=month_label(start),
                end=end_text,
                doc=document,
            ),
            [[(_("✅ Confirm"), cb(F, "rok"))], *back],
        )
        return
    else:
        await req.reply(req.use_buttons())
        return
    if draft.data.get("kind") != "pay":
        await expired(req)
        return
    await drafts_uc.clear(req.ctx, req.user_id, (MEMBER,))
    await _pay(req, mid, date.fromisoformat(draft.data["m"]), entry, reply=True)


async def relief_confirmed(req: Req) -> None:
    """`dues:rok`: record the reduction or exemption."""
    draft = await open_draft(req, (MEMBER,), closed=EXPIRED)
    if draft is None or draft.step != "confirm":
        if draft is not None:
            await expired(req)
        return
    _ = req._
    mid = int(draft.data["mid"])
    start, end = _relief_span(req, int(draft.data["n"]))
    if draft.data["kind"] == "red":
        assert end is not None
        await uc.add_reduction(
            req.ctx,
            actor=req.user_id,
            member_id=mid,
            percent=int(draft.data["p"]),
            start=start,
            end=end,
            document=draft.data["doc"],
        )
    else:
        await uc.add_exemption(
            req.ctx,
            actor=req.user_id,
            member_id=mid,
            ground=draft.data["g"],
            start=start,
            end=end,
            document=draft.data["doc"],
        )
    await drafts_uc.clear(req.ctx, req.user_id, (MEMBER,))
    await show_card(req, mid, note=_("Recorded."))


# == one member: the dues basis =================================================================


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def basis_line(_: Translator, profile: Any) -> str:
    if profile.basis in ("insured_salary", "pension") and profile.base_amount is not None:
        return _(
            "Dues basis: {basis} {amount}",
            basis=_(BASIS_LABELS[profile.basis]),
            amount=money(_, profile.base_amount),
        )
    if profile.cell_amount is not None:
        return _("Dues basis: set by the cell, {amount}", amount=money(_, profile.cell_amount))
    return _("Dues basis: not set")


async def basis_start(req: Req, member_id: int, month: date | None = None) -> None:
    """`dues:bs:<member>[:<month>]`: which basis (from the month's sheet when a month is given:
    back to the sheet once saved)."""
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    data: dict[str, Any] = {"mid": member_id, "kind": "basis"}
    if month is not None:
        data["ret"] = first_of(month).isoformat()
    await start_draft(req, MEMBER, "bkind", org_id=member.org_id, data=data)
    await req.show(
        _("Dues basis of {name}: what are the dues counted from?", name=member.full_name),
        [
            *([(_cap(_(BASIS_LABELS[b])), cb(F, "bk", member_id, b))] for b in BASES),
            [(_("Cancel"), cb(F, "card", member_id))],
        ],
    )


async def _basis_draft(req: Req, member_id: int, steps: tuple[str, ...]) -> Draft | None:
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    draft = await open_draft(req, (MEMBER,), closed=EXPIRED)
    if draft is None:
        return None
    if draft.data.get("kind") != "basis" or draft.data.get("mid") != member_id:
        await expired(req)
        return None
    if draft.step not in steps:
        await expired(req)
        return None
    return draft


async def basis_kind(req: Req, member_id: int, basis: str) -> None:
    """`dues:bk:<member>:<basis>`: ask for the amount."""
    draft = await _basis_draft(req, member_id, ("bkind", "base", "bconfirm"))
    if draft is None:
        return
    _ = req._
    draft.step, draft.data["b"] = "base", basis
    await drafts_uc.save(req.ctx, draft)
    ask = {
        "insured_salary": _(
            "Type the monthly salary on which social insurance is paid, in đồng, e.g."
            " 5.000.000 or 5 triệu."
        ),
        "pension": _("Type the monthly pension in đồng, e.g. 4.500.000 or 4,5 triệu."),
        "other": _("Type the monthly dues the cell set, in đồng, e.g. 20.000 or 20k."),
    }[basis]
    await req.show(ask, [[(_("Cancel"), cb(F, "card", member_id))]])


async def basis_text(req: Req, draft: Draft) -> None:
    """The typed amount of the basis: show what it makes due, to confirm."""
    _ = req._
    mid = int(draft.data["mid"])
    back: Rows = [[(_("Cancel"), cb(F, "card", mid))]]
    if draft.step != "base":
        await req.reply(req.use_buttons(), back)
        return
    amount = uc.parse_amount(req.text)
    if amount is None or not 0 < amount <= uc.MAX_AMOUNT:
        await req.reply(
            _(
                "Type a monthly amount in đồng, up to {most}: e.g. 5.000.000, 5 triệu or 5tr.",
                most=money(_, uc.MAX_AMOUNT),
            ),
            back,
        )
        return
    profile = uc.profile_for(str(draft.data["b"]), amount)
    due = await uc.due_with(req.ctx, req.user_id, mid, profile)
    draft.step, draft.data["a"] = "bconfirm", amount
    await drafts_uc.save(req.ctx, draft)
    lines = [
        basis_line(_, profile),
        _("This month: exempt")
        if due.exempt
        else _("This month: {amount}", amount=money(_, due.amount)),
    ]
    if due.reduction_percent:
        lines[-1] += " " + _("(reduced {p}%)", p=due.reduction_percent)
    lines.append(_("Save this dues basis?"))
    await req.reply("\n".join(lines), [[(_("✅ Confirm"), cb(F, "bok"))], *back])


async def basis_confirmed(req: Req) -> None:
    """`dues:bok`: save the basis (audited), then back to the card or the month's sheet."""
    draft = await open_draft(req, (MEMBER,), closed=EXPIRED)
    if draft is None:
        return
    if draft.data.get("kind") != "basis" or draft.step != "bconfirm":
        await expired(req)
        return
    _ = req._
    mid = int(draft.data["mid"])
    profile = uc.profile_for(str(draft.data["b"]), int(draft.data["a"]))
    await uc.set_profile(req.ctx, actor=req.user_id, member_id=mid, profile=profile)
    await drafts_uc.clear(req.ctx, req.user_id, (MEMBER,))
    if draft.data.get("ret"):
        month_draft = await drafts_uc.current(req.ctx, req.user_id, (MONTH,))
        if month_draft.draft is not None and month_draft.draft.data.get("m") == draft.data["ret"]:
            await back_to_sheet(req, None)
        else:
            await show_sheet(req, date.fromisoformat(draft.data["ret"]))
        return
    await show_card(req, mid, note=_("Dues basis saved."))


# == one member: a gap in party age, an early badge =============================================

GAP_LABELS = {
    "removed": N_("name removed (xóa tên)"),
    "expelled": N_("expelled"),
    "lost_contact": N_("lost contact"),
    "transfer_gap": N_("gap in a transfer"),
    "other": N_("another reason"),
}


async def gap_start(req: Req, member_id: int) -> None:
    """`dues:gap:<member>`: a period outside the party (re-admission): why."""
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    await req.show(
        _(
            "{name} was re-admitted: the time outside the party does not count in party age."
            " Why did the member leave?",
            name=member.full_name,
        ),
        [
            *([(_cap(_(GAP_LABELS[r])), cb(F, "gr", member_id, r))] for r in GAP_REASONS),
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def gap_reason(req: Req, member_id: int, reason: str) -> None:
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    await start_draft(
        req,
        MEMBER,
        "gdates",
        org_id=member.org_id,
        data={"mid": member_id, "kind": "gap", "r": reason},
    )
    await req.show(
        _(
            "Type the day the member left and the day of re-admission, e.g."
            " 15/03/2012 - 20/06/2015."
        ),
        [[(_("Cancel"), cb(F, "card", member_id))]],
    )


async def early_start(req: Req, member_id: int) -> None:
    """`dues:ear:<member>`: an early badge for serious illness: which milestone."""
    view = await badges_uc.party_age_of(req.ctx, req.user_id, member_id)
    await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    years = [
        y
        for y in req.ctx.catalogue.get_ints("badge.milestones", req.ctx.today())
        if y not in view.received and (view.next_milestone is None or y >= view.next_milestone)
    ][:4]
    await req.show(
        _(
            "Request an early badge for {name} (serious illness): which badge?",
            name=view.member.full_name,
        ),
        [
            [(_("{n} years", n=y), cb(F, "em", member_id, y)) for y in years],
            [(_("« Back"), cb(F, "card", member_id))],
        ],
    )


async def early_milestone(req: Req, member_id: int, years: int) -> None:
    member = await uc.member_for_write(req.ctx, req.user_id, member_id)
    _ = req._
    await start_draft(
        req,
        MEMBER,
        "edoc",
        org_id=member.org_id,
        data={"mid": member_id, "kind": "early", "y": years},
    )
    await req.show(
        _(
            "Type the application it rests on (who, number and date), e.g. “Đơn của gia đình"
            " ngày 05/11/2026”."
        ),
        [[(_("Cancel"), cb(F, "card", member_id))]],
    )


def _two_dates(req: Req) -> tuple[date, date] | Msg:
    text = req.text.replace("–", "-").replace("—", "-")
    parts = [p for p in text.replace(" den ", "-").replace(" đến ", "-").split("-") if p.strip()]
    if len(parts) != 2:
        return Msg(N_("Type two dates, the day the member left and the day of re-admission."))
    days = [read_date(p, req.ctx.today(), past=True) for p in parts]
    for d in days:
        if isinstance(d, Msg):
            return d
    left, back = days
    assert isinstance(left, date) and isinstance(back, date)
    return left, back


async def gap_early_text(req: Req, draft: Draft) -> None:
    """Typed text of the gap (dates, then the document) or of the early badge (application)."""
    _ = req._
    mid = int(draft.data["mid"])
    back: Rows = [[(_("Cancel"), cb(F, "card", mid))]]
    if draft.step == "gdates":
        got = _two_dates(req)
        if isinstance(got, Msg):
            await req.reply(_.msg(got), back)
            return
        draft.data.update({"l": got[0].isoformat(), "b": got[1].isoformat()})
        draft.step = "gdoc"
        await drafts_uc.save(req.ctx, draft)
        await req.reply(
            _(
                "Type the re-admission decision (number and date), e.g. “Quyết định số"
                " 45-QĐ/HU ngày 20/06/2015”."
            ),
            back,
        )
        return
    if draft.step not in ("gdoc", "edoc"):
        await req.reply(req.use_buttons(), back)
        return
    try:
        document = uc.clean_text(req.text, N_("Decision or application"), required=True)
    except InvalidInput as exc:
        await req.reply(_.msg(exc.msg), back)
        return
    draft.data["doc"] = document
    if draft.step == "gdoc":
        draft.step = "gconfirm"
        text = _(
            "Record: outside the party {start} – {end} ({reason}); {doc}?",
            start=date.fromisoformat(draft.data["l"]),
            end=date.fromisoformat(draft.data["b"]),
            reason=_(GAP_LABELS[draft.data["r"]]),
            doc=document,
        )
        ok = cb(F, "gok")
    else:
        draft.step = "econfirm"
        text = _("Request the {n}-year badge early; {doc}?", n=draft.data["y"], doc=document)
        ok = cb(F, "eok")
    await drafts_uc.save(req.ctx, draft)
    await req.reply(text, [[(_("✅ Confirm"), ok)], *back])


async def _confirmed_draft(req: Req, kind: str, step: str) -> Draft | None:
    draft = await open_draft(req, (MEMBER,), closed=EXPIRED)
    if draft is None:
        return None
    if draft.data.get("kind") != kind or draft.step != step:
        await expired(req)
        return None
    return draft


async def gap_confirmed(req: Req) -> None:
    """`dues:gok`: record the gap (checked against the decision date and the other gaps)."""
    draft = await _confirmed_draft(req, "gap", "gconfirm")
    if draft is None:
        return
    _ = req._
    mid = int(draft.data["mid"])
    try:
        await badges_uc.record_gap(
            req.ctx,
            actor=req.user_id,
            member_id=mid,
            left_on=date.fromisoformat(draft.data["l"]),
            returned_on=date.fromisoformat(draft.data["b"]),
            reason=str(draft.data["r"]),
            source_document=str(draft.data["doc"]),
        )
    except InvalidInput as exc:
        await drafts_uc.clear(req.ctx, req.user_id, (MEMBER,))
        await req.show(_.msg(exc.msg), [[(_("« Back"), cb(F, "card", mid))]])
        return
    await drafts_uc.clear(req.ctx, req.user_id, (MEMBER,))
    await show_card(req, mid, note=_("Recorded."))


async def early_confirmed(req: Req) -> None:
    """`dues:eok`: record the request for an early badge."""
    draft = await _confirmed_draft(req, "early", "econfirm")
    if draft is None:
        return
    _ = req._
    mid = int(draft.data["mid"])
    await badges_uc.request_early(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        milestone=int(draft.data["y"]),
        requested_on=req.ctx.today(),
        document=str(draft.data["doc"]),
    )
    await drafts_uc.clear(req.ctx, req.user_id, (MEMBER,))
    await show_card(req, mid, note=_("Requested the {n}-year badge early.", n=draft.data["y"]))


# == officers ===================================================================================


async def show_summary(
    req: Req,
    *,
    code: str | None = None,
    org_id: int | None = None,
    month: date | None = None,
    page: int = 0,
) -> None:
    _ = req._
    if org_id is not None:
        code = (await access.require_read(req.ctx, req.user_id, org_id)).code
    if code is None:
        code = (await status_uc.officer_root(req.ctx, req.user_id)).code
    month = first_of(month or _last_month(req))
    view = await uc.summary(req.ctx, req.user_id, code, month)
    lines = [
        _(
            "Party dues of {org} ({code}) for {month}",
            org=view.root.name,
            code=view.root.code,
            month=month_label(month),
        )
    ]
    for x in [*view.lines, view.total]:
        if not x.recorded and x is not view.total:
            lines.append(
                _(
                    "{code} {org}: not recorded (due {due})",
                    code=x.org.code,
                    org=x.org.name,
                    due=money(_, x.amount_due),
                )
            )
            continue
        lines.append(
            _(
                "{code} {org}: paid {paid}/{members}, unpaid {unpaid}, valid reason {excused},"
                " exempt {exempt}; {amount} of {due}",
                code=x.org.code,
                org=x.org.name,
                paid=x.paid,
                members=x.members,
                unpaid=x.unpaid,
                excused=x.excused,
                exempt=x.exempt,
                amount=money(_, x.amount_paid),
                due=money(_, x.amount_due),
            )
        )
    d = _day(month)
    rows: Rows = []
    cells = view.lines[page * CELLS_PAGE : (page + 1) * CELLS_PAGE]
    rows.extend([(f"{x.org.code} · {x.org.name}"[:50], cb(F, "oc", x.org.id, d))] for x in cells)
    prev, nxt = add_months(month, -1), add_months(month, 1)
    nav = [(_("◀ {month}", month=month_label(prev)), cb(F, "o", view.root.id, _day(prev)))]
    if nxt <= first_of(req.ctx.today()):
        nav.append((_("{month} ▶", month=month_label(nxt)), cb(F, "o", view.root.id, _day(nxt))))
    rows.append(nav)
    texts = pack_lines(lines)
    for t in texts[:-1]:
        await req.reply(t)
    await (
        req.show(texts[-1], rows) if req.query and len(texts) == 1 else req.reply(texts[-1], rows)
    )


async def report_dues(req: Req, report: Any) -> list[uc.DuesSummary]:
    """The party dues of each month of a /report (officers' workbook sheet)."""
    months = [m for m in (parse_month_key(k) for k in report.months) if m is not None]
    return await uc.report_summaries(req.ctx, req.user_id, report.root.code, months)


async def officer_view(req: Req, org_id: int, month: date) -> None:
    await show_summary(req, org_id=org_id, month=month)


async def officer_cell(req: Req, org_id: int, month: date) -> None:
    """`dues:oc:<cell>:<month>`: the cell's members for the month (read only)."""
    _ = req._
    sheet = await uc.month_sheet_for_read(req.ctx, req.user_id, org_id, month)
    lines = [_("Party dues of {org} for {month}", org=sheet.org.name, month=month_label(month))]
    if not sheet.recorded:
        lines.append(_("This month is not recorded yet."))
    for i, line in enumerate(sheet.lines, start=1):
        r = line.recorded
        status = _(STATUS_LABELS[r.status]) if r else _("not recorded")
        paid = money(_, r.paid) if r else "—"
        lines.append(
            _(
                "{i}. {name}: {status}, {amount}",
                i=i,
                name=line.member.full_name,
                status=status,
                amount=paid,
            )
        )
    parent = sheet.org.parent_id
    rows: Rows = []
    if parent is not None:
        rows.append([(_("« Back"), cb(F, "o", parent, _day(month)))])
    texts = pack_lines(lines)
    for t in texts[:-1]:
        await req.reply(t)
    await req.show(texts[-1], rows)


# == command and routing ========================================================================


@handler()
async def dues_command(req: Req) -> None:
    """/dues: the cell's month for a secretary; /dues [CODE] [YYYY-MM] for officers."""
    args = req.context.args or []
    month_arg = next((a for a in args if a[:1].isdigit()), None)
    code = next((a for a in args if not a[:1].isdigit()), None)
    month = uc.parse_month(req.ctx, month_arg) if month_arg else None
    if code is None and (req.profile.cells or not req.profile.officer_orgs):
        await show_sheet(req, month, reply=True)
        return
    await show_summary(req, code=code, month=month)


async def _menu_officer(req: Req) -> None:
    await show_summary(req)


async def _sheet_cb(req: Req, month: date | None) -> None:
    await show_sheet(req, month)


async def _resume(req: Req, draft: Draft) -> None:
    await _sheet_screen(req, draft)


ROUTES = {
    "sheet": Route(_sheet_cb, opt(DAY)),
    "back": Route(back_to_sheet, opt(INT)),
    "m": Route(member_options, INT),
    "x": Route(set_exception, INT, choice(*WHATS)),
    "ch": Route(set_channel, choice("portal", "cash")),
    "all": Route(confirm_screen),
    "ok": Route(record),
    "no": Route(cancel_month),
    "imp": Route(ask_file, DAY),
    "impok": Route(import_confirmed),
    "card": Route(show_card, INT),
    "pay": Route(pay_pick_month, INT),
    "pm": Route(pay_options, INT, DAY),
    "pp": Route(pay, INT, DAY, choice("paid", "unpaid", "amt", "why")),
    "red": Route(reduction_start, INT),
    "rp": Route(reduction_percent, INT, int_in(1, 99)),
    "rn": Route(reduction_months, INT, int_in(1, 99), int_in(1, 24)),
    "exm": Route(exemption_start, INT),
    "eg": Route(exemption_ground, INT, choice(*RECORDED_GROUNDS)),
    "en": Route(exemption_end, INT, choice(*RECORDED_GROUNDS), int_in(0, 24)),
    "rok": Route(relief_confirmed),
    "bs": Route(basis_start, INT, opt(DAY)),
    "bk": Route(basis_kind, INT, choice(*BASES)),
    "bok": Route(basis_confirmed),
    "gap": Route(gap_start, INT),
    "gr": Route(gap_reason, INT, choice(*GAP_REASONS)),
    "gok": Route(gap_confirmed),
    "ear": Route(early_start, INT),
    "em": Route(early_milestone, INT, int_in(1, 99)),
    "eok": Route(early_confirmed),
    "om": Route(_menu_officer),
    "o": Route(officer_view, INT, DAY),
    "oc": Route(officer_cell, INT, DAY),
}


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec(
            "dues", N_("Party dues: record the month; officers: /dues CODE YYYY-MM"), "all", 25
        )
    )
    reg.add_menu(MenuEntry(N_("Party dues"), cb(F, "sheet"), "cell", 25))
    reg.add_menu(MenuEntry(N_("Party dues of the cells"), cb(F, "om"), "officer", 53))
    app.add_handler(CommandHandler("dues", dues_command))
    reg.add_routes(F, ROUTES)
    reg.add_text_flow(MONTH, month_text)
    reg.add_text_flow(MEMBER, member_text)
    reg.add_text_flow(IMPORT, import_text)
    reg.add_file_flow(IMPORT, import_file)
    reg.add_resumable(MONTH, N_("party dues month"), _resume)
    reg.add_resumable(IMPORT, N_("party dues import"))
    reg.add_resumable(MEMBER, N_("party dues entry"))
    reg.add_reminder_actions("dues", reminder_actions)


def reminder_actions(_: Translator, reminder: Any) -> list[tuple[str, str]]:
    """Buttons under the dues reminders: the month's sheet, or the member's dues."""
    if reminder.kind == "dues.month":
        month = parse_month_key(str(reminder.step))
        return [(_("Record the month"), cb(F, "sheet", _day(month)))] if month else []
    if reminder.subject_type == "member":
        return [(_("Party dues of the member"), cb(F, "card", reminder.subject_id))]
    return []

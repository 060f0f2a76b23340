"""Reconciliation of the member list on Telegram, the secretary's side (domain-rules §7).

Menu "Đối khớp danh sách" → the cell's screen for the open period: counts by status, the
changes since the last confirmed period, what the committee's official list showed, and the
buttons to page through the list and to confirm it. Callback data `rc:<action>:<cell id>…`
(`open`, `list`, `ok`), the period as YYYYMMDD; every press re-checks that the user is the
secretary or deputy of that cell (`usecases.reconciliation`).
"""

from __future__ import annotations

from datetime import date

from chibo.handlers.common import App, Req, cb, current_cell_id
from chibo.handlers.paging import page_label, page_of, pager_rows
from chibo.handlers.registry import MenuEntry, registry_of
from chibo.handlers.routing import DAY, INT, Route, opt
from chibo.rules.messages import N_
from chibo.rules.reminders import Reminder
from chibo.rules.text import mask_cccd
from chibo.usecases import lifecycle as lifecycle_uc
from chibo.usecases import reconciliation as uc
from chibo.usecases.i18n import Translator
from chibo.usecases.reconciliation import CHANGE_LABELS, STATUS_LABELS, NewDiscrepancy
from chibo.usecases.roster import FIELD_LABELS
from chibo.usecases.roster import STATUS_LABELS as MEMBER_STATUS_LABELS

F = "rc"
PAGE = 15
MAX_SHOWN = 15

STATUS_ICONS = {"not_confirmed": "⏳", "confirmed": "✅", "discrepancies": "❗", "resolved": "☑️"}
KIND_ICONS = {
    "missing_in_cell": "➕",
    "missing_in_official": "➖",
    "mismatch": "≠",
    "near_match": "≈",
}


def _key(d: date) -> str:
    return d.strftime("%Y%m%d")


def _parse_key(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
    except ValueError:
        return None


def status_label(_: Translator, status: str) -> str:
    return f"{STATUS_ICONS.get(status, '')} {_(STATUS_LABELS.get(status, status))}".strip()


def value_text(_: Translator, field: str | None, value: str | None) -> str:
    """A stored discrepancy value as the user reads it (dates dd/mm/yyyy, a masked CCCD)."""
    if value is None or value == "":
        return "—"
    if field == "status" and value in MEMBER_STATUS_LABELS:
        return _(MEMBER_STATUS_LABELS[value])
    if field == "cccd":
        return mask_cccd(value)
    if field and field.endswith("_date"):
        try:
            return _.date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def discrepancy_line(
    _: Translator, d: NewDiscrepancy, pending: lifecycle_uc.Transfer | None = None
) -> str:
    line = _discrepancy_line(_, d)
    if pending is None:
        return line
    if pending.kind == "temporary":
        note = _("a temporary transfer is in progress")
    elif pending.to_org_id == d.org_id:
        note = _("a transfer into this cell is pending (not received yet)")
    else:
        note = _("a transfer out is pending (not completed yet)")
    return f"{line} — {note}"


def _discrepancy_line(_: Translator, d: NewDiscrepancy) -> str:
    icon = KIND_ICONS.get(d.kind, "•")
    if d.kind == "missing_in_cell":
        return _(
            "{icon} {name}: in the official list (row {row}), not in the cell's roster",
            icon=icon,
            name=d.full_name,
            row=d.official_row or "?",
        )
    if d.kind == "missing_in_official":
        return _(
            "{icon} {name}: in the cell's roster, not in the official list",
            icon=icon,
            name=d.full_name,
        )
    field = _(FIELD_LABELS[d.field]) if d.field in FIELD_LABELS else (d.field or "")
    a, b = value_text(_, d.field, d.cell_value), value_text(_, d.field, d.official_value)
    if d.kind == "near_match":
        return _(
            "{icon} {name}: probably the same person with a typo in the {field} — cell:"
            " {a}; official list: {b}",
            icon=icon,
            name=d.full_name,
            field=field,
            a=a,
            b=b,
        )
    return _(
        "{icon} {name}: {field} differs — cell: {a}; official list: {b}",
        icon=icon,
        name=d.full_name,
        field=field,
        a=a,
        b=b,
    )


def view_text(_: Translator, v: uc.CellView, tz: object = None) -> str:
    lines = [
        _("🔁 Reconciling the member list — {org}", org=v.org.name),
        _("Period ending {end} · list as of {as_of}", end=v.period.end, as_of=v.as_of),
        _("Status: {status}", status=status_label(_, v.status)),
    ]
    if v.confirmation is not None:
        lines.append(
            _(
                "Confirmed on {at} ({n} members).",
                at=_.instant(v.confirmation.confirmed_at, tz),
                n=v.confirmation.member_count,
            )
        )
    lines.append("")
    lines.append(
        _(
            "Members: {total} — official {official} · probationary {probationary} ·"
            " exempt {exempt}",
            total=len(v.members),
            official=v.counts.get("official", 0),
            probationary=v.counts.get("probationary", 0),
            exempt=v.counts.get("exempt", 0),
        )
    )
    lines.append("")
    lines.append(_("Changes after {since}:", since=v.since))
    if not v.changes:
        lines.append(_("none recorded."))
    for kind, c in v.changes[:MAX_SHOWN]:
        lines.append(
            _(
                "• {what}: {name} ({date})",
                what=_(CHANGE_LABELS[kind]),
                name=c.full_name,
                date=c.status_date,
            )
        )
    if len(v.changes) > MAX_SHOWN:
        lines.append(_("… and {n} more.", n=len(v.changes) - MAX_SHOWN))
    if v.discrepancies:
        lines.append("")
        lines.append(
            _(
                "The committee's official list differs from the roster in {n} points:",
                n=len(v.discrepancies),
            )
        )
        lines.extend(
            discrepancy_line(_, d, v.pending.get(d.id)) for d in v.discrepancies[:MAX_SHOWN]
        )
        if len(v.discrepancies) > MAX_SHOWN:
            lines.append(_("… and {n} more.", n=len(v.discrepancies) - MAX_SHOWN))
        lines.append(
            _(
                "Correct the roster where the cell is wrong (Party members in /menu),"
                " then confirm; tell the committee where its list is wrong."
            )
        )
    elif v.status in ("not_confirmed", "confirmed"):
        lines.append("")
        lines.append(
            _(
                "Check the list against the members' files; correct it in Party members"
                " (/menu) if needed, then confirm."
            )
        )
    return "\n".join(lines)


def view_rows(_: Translator, v: uc.CellView) -> list[list[tuple[str, str]]]:
    org, end = v.org.id, _key(v.period.end)
    confirm = (
        _("✅ Resolved — confirm the list")
        if v.discrepancies
        else _("✅ Confirm the list is correct")
        if v.confirmation is None
        else _("✅ Confirm again")
    )
    rows = [
        [(_("📋 View the list ({n})", n=len(v.members)), cb(F, "list", org, end, 0))],
        [(confirm, cb(F, "ok", org, end))],
        [(_("✏️ Correct the roster"), cb("roster", "menu"))],
    ]
    if v.other_period is not None:
        rows.append(
            [
                (
                    _("Earlier period ending {end}: not confirmed", end=v.other_period.end),
                    cb(F, "open", org, _key(v.other_period.end)),
                )
            ]
        )
    rows.append([(_("« Menu"), cb("menu", "main"))])
    return rows


async def show(req: Req, org_id: int, period_end: date | None = None) -> None:
    view = await uc.cell_view(req.ctx, req.user_id, org_id, period_end)
    await req.show(view_text(req._, view, req.ctx.config.timezone), view_rows(req._, view))


async def show_list(req: Req, org_id: int, period_end: date, page: int) -> None:
    _ = req._
    view = await uc.cell_view(req.ctx, req.user_id, org_id, period_end)
    shown = page_of(view.members, page, PAGE)
    lines = [
        _("Members of {org} as of {as_of}", org=view.org.name, as_of=view.as_of),
        *page_label(_, shown.page, shown.pages),
    ]
    for i, m in enumerate(shown.items, start=shown.start + 1):
        status = _(MEMBER_STATUS_LABELS[m.status]) if m.status in MEMBER_STATUS_LABELS else ""
        lines.append(
            _(
                "{i}. {name} — {birth} — {status}",
                i=i,
                name=m.full_name,
                birth=m.birth_date,
                status=status,
            )
        )
    end = _key(view.period.end)
    rows = pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "list", org_id, end, n))
    rows.append([(_("« Back"), cb(F, "open", org_id, end))])
    await req.show("\n".join(lines), rows)


async def _open(req: Req, org_id: int | None, end: date | None) -> None:
    """rc:open (the cell the user works in), rc:open:<org>[:<period end>]."""
    if org_id is None:
        org_id = await current_cell_id(req)
    if org_id is not None:
        await show(req, org_id, end)


async def _confirm(req: Req, org_id: int, end: date) -> None:
    done = await uc.confirm(req.ctx, req.user_id, org_id, end)
    await req.notify(
        req._(
            "Confirmed: {n} members for the period ending {end}.",
            n=done.member_count,
            end=done.period_end,
        )
    )
    await show(req, org_id, end)


ROUTES = {
    "open": Route(_open, opt(INT), opt(DAY)),
    "list": Route(show_list, INT, DAY, INT),
    "ok": Route(_confirm, INT, DAY),
}


def reminder_actions(_: Translator, reminder: Reminder) -> list[tuple[str, str]]:
    """Buttons under reconciliation reminders: the cell's screen, or the officer's view."""
    if reminder.kind == "reconciliation.ask":
        end = _parse_key(reminder.step.replace("-", ""))
        args = (reminder.org_id, _key(end)) if end else (reminder.org_id,)
        return [(_("🔁 Reconcile now"), cb(F, "open", *args))]
    return [(_("📊 View the cell"), cb("of", "s", reminder.org_id))]


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_menu(MenuEntry(N_("Reconcile the member list"), cb(F, "open"), "cell", 40))
    reg.add_reminder_actions("reconciliation", reminder_actions)
    reg.add_routes(F, ROUTES)

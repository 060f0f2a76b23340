"""The meeting book: the list of a cell's meetings, a meeting's record, the year view, each
member's attendance, deleting a record and marking tasks done.

Every meeting, task or member named in the callback data is re-checked (through the use
cases) to belong to a cell the user may read, or write for changes.
"""

from __future__ import annotations

from telegram import Message

from chibo.handlers.common import Req, cb
from chibo.handlers.meeting_common import (
    PAGE,
    STATUS_ICONS,
    STATUS_LABELS,
    F,
    Rows,
    kind_label,
    totals_line,
)
from chibo.handlers.notices import notice_button
from chibo.handlers.paging import page_of, pager_rows, pages_for
from chibo.handlers.paperwork import book_buttons, minutes_button
from chibo.rules.catalogue import REGULATION_NAME
from chibo.rules.text import shorten
from chibo.usecases import meetings as uc
from chibo.usecases.i18n import Translator


async def show_list(req: Req, org_id: int, page: int = 0) -> None:
    _ = req._
    org = await uc.cell_for_read(req.ctx, req.user_id, org_id)
    lines, total = await uc.recent(req.ctx, req.user_id, org_id, limit=PAGE, offset=page * PAGE)
    text = _("📖 Meeting book — {org}", org=org.name)
    if total == 0:
        text += "\n\n" + _("No meetings recorded yet.")
    else:
        text += "\n" + _(
            "Meetings {first}–{last} of {total}, newest first:",
            first=page * PAGE + 1,
            last=page * PAGE + len(lines),
            total=total,
        )
    rows: Rows = []
    for line in lines:
        m = line.meeting
        label = f"{_.date(m.held_on)} · {kind_label(_, m.kind)}"
        if line.counts is not None:
            label += f" · {line.counts.present}/{line.counts.expected}"
        rows.append([(label, cb(F, "v", m.id))])
    rows += pager_rows(_, page, pages_for(total, PAGE), lambda n: cb(F, "list", org_id, n))
    year = req.ctx.today().year
    rows.append(
        [
            (_("Year {year}", year=year), cb(F, "yr", org_id, year)),
            (_("Members' attendance"), cb(F, "mems", org_id, 0)),
        ]
    )
    rows.append(book_buttons(_, org_id, year))
    rows.append([(_("Log a cell meeting"), cb(F, "new", org_id)), notice_button(_, org_id)])
    rows.append([(_("« Menu"), cb("menu", "main"))])
    await req.show(text, rows)


def detail_text(_: Translator, d: uc.MeetingDetail) -> str:
    m = d.meeting
    lines = [
        _("📖 CELL MEETING RECORD"),
        d.org.name,
        _("Date: {date}", date=m.held_on),
        _("Kind: {kind}", kind=kind_label(_, m.kind)),
    ]
    if m.topic:
        lines.append(_("Topic: {topic}", topic=m.topic))
    if m.upper_attendee:
        lines.append(_("Upper-level committee member who attended: {v}", v=m.upper_attendee))
    lines.append("")
    if d.attendees:
        lines.append(totals_line(_, d.counts))
        for status in ("present", "excused", "unexcused", "exempt"):
            who = d.by_status(status)
            if who:
                lines.append(
                    _(
                        "{icon} {label} ({n}): {names}",
                        icon=STATUS_ICONS[status],
                        label=_(STATUS_LABELS[status]),
                        n=len(who),
                        names=", ".join(a.full_name for a in who),
                    )
                )
    else:
        lines.append(_("Attendance: not recorded"))
    if m.contents:
        lines += ["", _("Main contents / resolution:"), m.contents]
    if d.tasks:
        lines += ["", _("Tasks assigned:")]
        for i, task in enumerate(d.tasks, start=1):
            line = _(
                "{i}. {name}: {task} (due {due})",
                i=i,
                name=task.member_name,
                task=task.task,
                due=task.due_date,
            )
            if task.done_on:
                line += " " + _("✔ done {date}", date=task.done_on)
            lines.append(line)
    lines += ["", _("The cell's rating: {rating}", rating=m.rating or "—")]
    return "\n".join(lines)


async def show_detail(req: Req, meeting_id: int, prefix: str = "") -> None:
    _ = req._
    d = await uc.detail(req.ctx, req.user_id, meeting_id)
    text = detail_text(_, d)
    if prefix:
        text = f"✔ {prefix}\n\n{text}"
    rows: Rows = []
    if d.can_write:
        rows.append(
            [(_("✏️ Edit"), cb(F, "edit", meeting_id)), (_("🗑 Delete"), cb(F, "del", meeting_id))]
        )
        rows += [
            [
                (
                    _("✔ Done: {task}", task=shorten(f"{x.member_name} – {x.task}", 28)),
                    cb(F, "dd", x.id),
                )
            ]
            for x in d.tasks
            if x.done_on is None
        ]
    rows.append([minutes_button(_, meeting_id)])
    rows.append([(_("« Meeting book"), cb(F, "list", d.meeting.org_id, 0))])
    await req.show(text, rows)


async def show_year(req: Req, org_id: int, year: int) -> None:
    _ = req._
    r = await uc.year_report(req.ctx, req.user_id, org_id, year)
    marks = {"held": "✅", "missing": "❌", "open": "⏳", "future": "⬜"}
    lines = [_("📅 Year {year} — {org}", year=year, org=r.org.name), "", _("Regular meetings:")]
    for month in r.months:
        line = f"{marks[month.status]} " + _("Month {m}", m=month.month)
        reg = month.regular
        if reg is not None:
            line += f": {_.date(reg.meeting.held_on)}"
            if reg.counts is not None and reg.counts.rate is not None:
                line += " · " + _("attendance {rate}", rate=_.percent(float(reg.counts.rate)))
            if reg.meeting.rating:
                line += f" · {reg.meeting.rating}"
        elif month.status == "missing":
            line += ": " + _("not recorded")
        lines.append(line)
    lines += ["", _("Thematic meetings:")]
    for q in r.quarters:
        line = f"{marks[q.status]} " + _("Quarter {q}", q=q.quarter)
        if q.thematic_dates:
            line += ": " + ", ".join(_.date(x) for x in q.thematic_dates)
        lines.append(line)
    if r.extraordinary:
        lines += [
            "",
            _(
                "Extraordinary meetings: {dates}",
                dates=", ".join(_.date(x) for x in r.extraordinary),
            ),
        ]
    if r.rate is not None:
        lines += ["", _("Attendance over the year: {rate}", rate=_.percent(float(r.rate)))]
    lines += ["", _("✅ held · ❌ missing · ⏳ in progress · ⬜ not yet")]
    nav = [(f"« {year - 1}", cb(F, "yr", org_id, year - 1))]
    if year < req.ctx.today().year:
        nav.append((f"{year + 1} »", cb(F, "yr", org_id, year + 1)))
    await req.show("\n".join(lines), [nav, [(_("« Meeting book"), cb(F, "list", org_id, 0))]])


async def show_member_picker(req: Req, org_id: int, page: int) -> None:
    _ = req._
    await uc.cell_for_read(req.ctx, req.user_id, org_id)
    roll = await uc.roll_call(req.ctx, org_id)
    members = [*roll.called, *roll.exempt]
    shown = page_of(members, page, PAGE)
    rows: Rows = [[(m.full_name, cb(F, "ma", m.id))] for m in shown.items]
    rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "mems", org_id, n))
    rows.append([(_("« Meeting book"), cb(F, "list", org_id, 0))])
    text = (
        _("Whose attendance over the last 12 months?")
        if members
        else _("The cell has no members on its roll yet.")
    )
    await req.show(text, rows)


async def show_member(req: Req, member_id: int) -> None:
    _ = req._
    h = await uc.member_history(req.ctx, req.user_id, member_id)
    lines = [
        _(
            "Attendance of {name}, {since} – {until}",
            name=h.member.full_name,
            since=h.since,
            until=h.until,
        )
    ]
    c = h.counts
    lines.append(
        _(
            "Present {present} · absent with reason {excused} · without reason {unexcused}",
            present=c.present,
            excused=c.excused,
            unexcused=c.unexcused,
        )
    )
    if not h.records:
        lines.append(_("No attendance recorded in this period."))
    for r in reversed(h.records):
        lines.append(f"{STATUS_ICONS[r.status]} {_.date(r.held_on)} · {kind_label(_, r.kind)}")
    a = h.absences
    if a.level == "review":
        lines += [
            "",
            _(
                "⚠️ Absent without reason in {months} months within 12 months. Skipping"
                " party activities 3 months in a year without a valid reason is a ground"
                " for the cell to consider removing the member from the list (xóa tên)"
                " (Party Charter, Art. 8; {regulation} §8.1).",
                months=a.months,
                regulation=req.ctx.catalogue.get(REGULATION_NAME, h.until),
            ),
        ]
    elif a.level == "warn":
        lines += [
            "",
            _(
                "⚠️ Absent without reason in {months} months within 12 months; at 3 the"
                " cell must consider removal from the list (xóa tên).",
                months=a.months,
            ),
        ]
    await req.show("\n".join(lines), [[(_("« Members"), cb(F, "mems", h.member.org_id, 0))]])


async def confirm_delete(req: Req, meeting_id: int) -> None:
    _ = req._
    meeting = await uc.for_write(req.ctx, req.user_id, meeting_id)
    await req.show(
        _(
            "Delete the record of the {kind} meeting of {date}, with its attendance and"
            " tasks? This cannot be undone (the audit log keeps a copy).",
            kind=kind_label(_, meeting.kind).lower(),
            date=meeting.held_on,
        ),
        [
            [
                (_("🗑 Yes, delete"), cb(F, "delok", meeting_id)),
                (_("Keep it"), cb(F, "v", meeting_id)),
            ]
        ],
    )


async def delete(req: Req, meeting_id: int) -> None:
    _ = req._
    meeting = await uc.delete(req.ctx, actor=req.user_id, meeting_id=meeting_id)
    await req.notify(_("Deleted."))
    await req.show(
        _("The record of the meeting of {date} was deleted.", date=meeting.held_on),
        [[(_("« Meeting book"), cb(F, "list", meeting.org_id, 0))]],
    )


async def task_done(req: Req, task_id: int, *, from_detail: bool) -> None:
    _ = req._
    task = await uc.set_task_done(req.ctx, actor=req.user_id, task_id=task_id)
    await req.notify(_("Marked done: {task}", task=shorten(task.task, 60)))
    if from_detail:
        await show_detail(req, task.meeting_id)
        return
    q = req.query
    if q is not None and isinstance(q.message, Message):
        await req.show(
            f"{q.message.text or ''}\n\n" + _("✔ Marked done on {date}.", date=task.done_on)
        )

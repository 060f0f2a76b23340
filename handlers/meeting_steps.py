"""The screens of the guided meeting-logging flow, one per draft step, and moving between them.

Steps: date → kind (→ topic) → attendance → more (upper-level attendee, contents, tasks)
→ rating → summary; `dup` offers to edit the month's regular meeting instead, and the
`more` step has sub-steps for typed text and tasks. Answers are handled in `meeting_flow`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from chibo.handlers import meeting_minutes_steps as minutes_steps
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
from chibo.handlers.paging import page_label, page_of, pager_rows
from chibo.rules.dates import month_end
from chibo.rules.text import fold, shorten
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import meetings as uc
from chibo.usecases.drafts import Draft
from chibo.usecases.i18n import Translator
from chibo.usecases.meetings import KIND_LABELS

STEPS = ("date", "kind", "att", "more", "rating", "summary")


async def goto(req: Req, draft: Draft, step: str) -> None:
    draft.step = step
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def advance(req: Req, draft: Draft, after: str) -> None:
    """The step after `after`, or back to the summary when a step was edited from it."""
    if draft.data.get("ret"):
        draft.data["ret"] = 0
        await goto(req, draft, "summary")
        return
    await goto(req, draft, STEPS[STEPS.index(after) + 1])


def meeting_date(draft: Draft) -> date:
    return date.fromisoformat(draft.data["date"])


def _header(_: Translator, draft: Draft, n: int, title: str) -> str:
    what = (
        _("Editing the meeting record")
        if draft.data.get("mode") == "edit"
        else _("Logging a cell meeting")
    )
    return _(
        "{what} — {org}\nStep {n}/5 · {title}",
        what=what,
        org=draft.data.get("org", ""),
        n=n,
        title=title,
    )


async def render(req: Req, draft: Draft) -> None:
    await RENDERERS[draft.step](req, draft)


async def _render_date(req: Req, draft: Draft) -> None:
    _, today = req._, req.ctx.today()
    text = (
        _header(_, draft, 1, _("Meeting date"))
        + "\n\n"
        + (
            _(
                "When was the meeting held? Type the number of a choice, or the date (for"
                " example 5/3 or 05/03/2026); an earlier meeting can be entered too."
            )
            if req.on_zalo
            else _(
                "When was the meeting held? Press a button, or type the date (for example 5/3 or"
                " 05/03/2026); an earlier meeting can be entered too."
            )
        )
    )
    rows = [
        [
            (_("Today {date}", date=_.date(today)[:5]), cb(F, "d", "0")),
            (_("Yesterday {date}", date=_.date(today - timedelta(days=1))[:5]), cb(F, "d", "1")),
        ],
        [(_("Cancel"), cb(F, "cancel"))],
    ]
    await req.show(text, rows)


async def _render_kind(req: Req, draft: Draft) -> None:
    _ = req._
    text = (
        _header(_, draft, 2, _("Meeting kind"))
        + "\n\n"
        + _("Which kind of meeting was held on {date}?", date=meeting_date(draft))
    )
    rows: Rows = [[(kind_label(_, k), cb(F, "k", k))] for k in KIND_LABELS]
    rows.append([(_("« Date"), cb(F, "ed", "date")), (_("Cancel"), cb(F, "cancel"))])
    await req.show(text, rows)


async def duplicate(req: Req, draft: Draft) -> bool:
    """A regular meeting already recorded in the month: offer to edit it instead."""
    existing = await uc.regular_in_month(
        req.ctx, draft.org_id or 0, meeting_date(draft), exclude_id=draft.data.get("mid")
    )
    if existing is None:
        return False
    _ = req._
    draft.step = "dup"
    await drafts_uc.save(req.ctx, draft)
    month = f"{existing.held_on.month:02d}/{existing.held_on.year}"
    text = _(
        "A regular meeting is already recorded for {month} (on {existing}). The cell holds"
        " one regular meeting a month (Party Charter, Art. 24). Do you want to edit that"
        " record instead?",
        month=month,
        existing=existing.held_on,
    )
    rows = [
        [(_("Edit that record"), cb(F, "edit", existing.id))],
        [
            (_("Choose another kind"), cb(F, "ed", "kind")),
            (_("Change the date"), cb(F, "ed", "date")),
        ],
        [(_("Cancel"), cb(F, "cancel"))],
    ]
    await req.show(text, rows)
    return True


async def _render_dup(req: Req, draft: Draft) -> None:
    if not await duplicate(req, draft):
        await goto(req, draft, "kind")


async def _render_topic(req: Req, draft: Draft) -> None:
    _ = req._
    text = (
        _header(_, draft, 2, _("Topic"))
        + "\n\n"
        + _("Type the topic of the thematic meeting (chuyên đề).")
    )
    rows: Rows = []
    if draft.data.get("topic"):
        text += "\n" + _("Now: {topic}", topic=draft.data["topic"])
        rows.append([(_("Keep it"), cb(F, "go", "topic"))])
    rows.append([(_("« Kind"), cb(F, "ed", "kind")), (_("Cancel"), cb(F, "cancel"))])
    await req.show(text, rows)


def _counts(att: dict[str, str]) -> uc.Counts:
    return uc.Counts.of({s: sum(v == s for v in att.values()) for s in uc.ATTENDANCE})


async def _names(req: Req, draft: Draft) -> dict[str, str]:
    names = await uc.member_names(req.ctx, draft.org_id or 0)
    return {str(k): v for k, v in names.items()}


async def sync_attendance(req: Req, draft: Draft) -> None:
    """The roll of the meeting's own day (issue 9 §2): everyone present to start with; when the
    date changed since, marks of members still on that day's roll are kept."""
    roll = await uc.roll_call(req.ctx, draft.org_id or 0, meeting_date(draft))
    fresh = {str(m.id): "present" for m in roll.called}
    fresh.update({str(m.id): "exempt" for m in roll.exempt})
    old: dict[str, str] | None = draft.data.get("att")
    if old is None:
        draft.data["att"] = fresh or None
        draft.data["page"] = 0
        return
    att = {
        k: v if v == "exempt" or old.get(k) in (None, "exempt") else old[k]
        for k, v in fresh.items()
    }
    if draft.data.get("mode") == "edit":  # members recorded then stay (usecases.meetings)
        att.update({k: v for k, v in old.items() if k not in att})
    draft.data["att"] = att or None


async def _render_att(req: Req, draft: Draft) -> None:
    _ = req._
    await sync_attendance(req, draft)
    await drafts_uc.save(req.ctx, draft)
    att: dict[str, str] | None = draft.data.get("att")
    text = _header(_, draft, 3, _("Attendance")) + "\n\n"
    rows: Rows = []
    if not att:
        text += _(
            "The cell has no members on its roll yet, so attendance cannot be recorded."
            " Import the roster first, or continue without attendance."
        )
    else:
        names = await _names(req, draft)
        called = sorted(
            (k for k, v in att.items() if v != "exempt"),
            key=lambda k: (fold(names.get(k, "")), int(k)),
        )
        exempt = [names.get(k, f"#{k}") for k, v in att.items() if v == "exempt"]
        shown = page_of(called, int(draft.data.get("page", 0)), PAGE)
        text += (
            _(
                "Tap a name to change it: ✅ present → 🟡 absent with reason → ❌ absent"
                " without reason."
            )
            + "\n"
            + totals_line(_, _counts(att))
        )
        if exempt:
            text += "\n" + _(
                "Exempt from activities (not counted as absent): {names}",
                names=", ".join(sorted(exempt, key=fold)),
            )
        text += "".join("\n" + label for label in page_label(_, shown.page, shown.pages))
        for k in shown.items:
            rows.append([(f"{STATUS_ICONS[att[k]]} {names.get(k, '#' + k)}", cb(F, "tog", k))])
        rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "pg", n))
        rows.append([(_("Everyone present"), cb(F, "allp"))])
    rows.append([(_("Continue ➡"), cb(F, "go", "att"))])
    rows.append([(_("Cancel"), cb(F, "cancel"))])
    await req.show(text, rows)


def _task_lines(_: Translator, tasks: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """The draft's tasks, numbered: "1. Name: task (due date)"."""
    return [
        _(
            "{i}. {name}: {task} (due {due})",
            i=i,
            name=names.get(str(task["m"]), "?"),
            task=task["text"],
            due=date.fromisoformat(task["due"]),
        )
        for i, task in enumerate(tasks, start=1)
    ]


async def _render_more(req: Req, draft: Draft) -> None:
    _, d = req._, draft.data
    text = _header(_, draft, 4, _("More (optional)")) + "\n\n"
    text += _("Upper-level committee member who attended: {v}", v=d.get("upper") or "—") + "\n"
    text += _("Main contents / resolution: {v}", v=shorten(d.get("contents") or "—", 200))
    tasks = d.get("tasks") or []
    if tasks:
        names = await _names(req, draft)
        text += "\n" + "\n".join([_("Tasks assigned:"), *_task_lines(_, tasks, names)])
    rows: Rows = [
        [(_("Upper-level attendee"), cb(F, "x", "upper"))],
        [(_("Contents / resolution"), cb(F, "x", "contents"))],
        [(_("Assign a task"), cb(F, "x", "task"))],
    ]
    if tasks:
        rows.append([(_("Remove the last task"), cb(F, "x", "untask"))])
    rows.append([(_("📝 Minutes details"), cb(F, "mx", "menu"))])
    rows.append([(_("Continue ➡"), cb(F, "go", "more"))])
    rows.append([(_("Cancel"), cb(F, "cancel"))])
    await req.show(text, rows)


async def _render_text_step(req: Req, draft: Draft) -> None:
    _, step = req._, draft.step
    prompts = {
        "upper": _(
            "Type the name and position of the upper-level committee member who"
            " attended (cấp ủy viên cấp trên dự)."
        ),
        "contents": _("Type the main contents of the meeting and its resolution."),
    }
    current = draft.data.get(step)
    text = prompts[step]
    rows: Rows = []
    if current:
        text += "\n" + _("Now: {v}", v=shorten(current, 300))
        rows.append([(_("Clear it"), cb(F, "clr", step))])
    rows.append([(_("« Back"), cb(F, "go", "sub"))])
    await req.show(text, rows)


async def _render_task_member(req: Req, draft: Draft) -> None:
    _ = req._
    roll = await uc.roll_call(req.ctx, draft.org_id or 0, meeting_date(draft))
    members = roll.called
    shown = page_of(members, int(draft.data.get("tp", 0)), PAGE)
    text = _("Who is the task for?")
    if not members:
        text = _("The cell has no members on its roll yet, so tasks cannot be assigned.")
    rows: Rows = [[(m.full_name, cb(F, "tm", m.id))] for m in shown.items]
    rows += pager_rows(_, shown.page, shown.pages, lambda n: cb(F, "tp", n))
    rows.append([(_("« Back"), cb(F, "go", "sub"))])
    await req.show(text, rows)


async def _render_task_text(req: Req, draft: Draft) -> None:
    _ = req._
    names = await _names(req, draft)
    await req.show(
        _("Type the task assigned to {name}.", name=names.get(str(draft.data.get("tm")), "?")),
        [[(_("« Back"), cb(F, "go", "sub"))]],
    )


def due_choices(held: date) -> list[tuple[str, date]]:
    """The due-date buttons of a task: a week, 30 days, or the end of the meeting's month."""
    return [
        ("7", held + timedelta(days=7)),
        ("30", held + timedelta(days=30)),
        ("end", month_end(held)),
    ]


async def _render_task_due(req: Req, draft: Draft) -> None:
    _ = req._
    labels = {"7": _("In a week"), "30": _("In 30 days"), "end": _("End of the month")}
    rows: Rows = [
        [(f"{labels[k]} ({_.date(d)})", cb(F, "td", k))]
        for k, d in due_choices(meeting_date(draft))
    ]
    rows.append([(_("« Back"), cb(F, "go", "sub"))])
    if req.on_zalo:
        await req.show(_("When is the task due? Type the number of a choice, or a date."), rows)
    else:
        await req.show(_("When is the task due? Press a button or type a date."), rows)


async def _render_rating(req: Req, draft: Draft) -> None:
    _ = req._
    text = (
        _header(_, draft, 5, _("Rating"))
        + "\n\n"
        + _("How does the cell rate the quality of this meeting?")
    )
    rows: Rows = [[(level, cb(F, "r", i))] for i, level in enumerate(req.ctx.config.rating_levels)]
    rows.append([(_("Cancel"), cb(F, "cancel"))])
    await req.show(text, rows)


async def _render_summary(req: Req, draft: Draft) -> None:
    _, d = req._, draft.data
    names = await _names(req, draft)
    title = (
        _("Check the changes, then save.")
        if d.get("mode") == "edit"
        else _("Check the record, then save. Nothing is stored until you press Save.")
    )
    lines = [
        title,
        "",
        _("Cell: {org}", org=d.get("org", "")),
        _("Date: {date}", date=meeting_date(draft)),
        _("Kind: {kind}", kind=kind_label(_, d["kind"])),
    ]
    if d.get("topic"):
        lines.append(_("Topic: {topic}", topic=d["topic"]))
    att = d.get("att")
    if att:
        lines.append(totals_line(_, _counts(att)))
        for status in ("excused", "unexcused"):
            who = sorted((names.get(k, "#" + k) for k, v in att.items() if v == status), key=fold)
            if who:
                lines.append(
                    f"{STATUS_ICONS[status]} {_(STATUS_LABELS[status])}: " + ", ".join(who)
                )
    else:
        lines.append(_("Attendance: not recorded"))
    if d.get("upper"):
        lines.append(_("Upper-level committee member who attended: {v}", v=d["upper"]))
    if d.get("contents"):
        lines.append(_("Main contents / resolution: {v}", v=shorten(d["contents"], 500)))
    lines += _task_lines(_, d.get("tasks") or [], names)
    lines += minutes_steps.summary_lines(_, d)
    lines.append(_("The cell's rating: {rating}", rating=d.get("rating") or "—"))
    rows: Rows = [
        [(_("💾 Save"), cb(F, "save"))],
        [
            (_("Meeting date"), cb(F, "ed", "date")),
            (_("Kind"), cb(F, "ed", "kind")),
            (_("Attendance"), cb(F, "ed", "att")),
        ],
        [(_("More"), cb(F, "ed", "more")), (_("Rating"), cb(F, "ed", "rating"))],
        [(_("Cancel"), cb(F, "cancel"))],
    ]
    await req.show("\n".join(lines), rows)


RENDERERS: dict[str, Callable[[Req, Draft], Awaitable[None]]] = {
    "date": _render_date,
    "kind": _render_kind,
    "dup": _render_dup,
    "topic": _render_topic,
    "att": _render_att,
    "more": _render_more,
    "upper": _render_text_step,
    "contents": _render_text_step,
    "task_member": _render_task_member,
    "task_text": _render_task_text,
    "task_due": _render_task_due,
    "rating": _render_rating,
    "summary": _render_summary,
    **minutes_steps.RENDERERS,
}

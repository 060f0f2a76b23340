"""The guided meeting-logging flow: starting it, its buttons, and what the user types.

The flow keeps its state in a draft (kind `meeting`); nothing is stored before "Save". Its
screens are in `meeting_steps`. Every press re-checks that the user may write the draft's
cell, and that a member named in the data is on that cell's roll.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from chibo.handlers import meeting_minutes_steps as minutes_steps
from chibo.handlers.common import (
    CallbackData,
    Req,
    cb,
    current_cell_id,
    expired,
    open_draft,
)
from chibo.handlers.flows import start_draft
from chibo.handlers.meeting_book import show_detail
from chibo.handlers.meeting_common import KIND
from chibo.handlers.meeting_steps import (
    STEPS,
    advance,
    due_choices,
    duplicate,
    goto,
    meeting_date,
    render,
    sync_attendance,
)
from chibo.handlers.routing import INT, Arg, Route, choice, int_in
from chibo.rules.dates import read_date
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import meetings as uc
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.meetings import KIND_LABELS

NEXT_STATUS = {"present": "excused", "excused": "unexcused", "unexcused": "present"}


async def start_new(req: Req, org_id: int | None = None) -> None:
    if org_id is None and (org_id := await current_cell_id(req)) is None:
        return
    org = await uc.cell_for_write(req.ctx, req.user_id, org_id)
    draft = await start_draft(
        req,
        KIND,
        "date",
        org_id=org.id,
        data={"mode": "new", "org": org.name, "att": None, "tasks": []},
    )
    await render(req, draft)


async def start_edit(req: Req, meeting_id: int) -> None:
    meeting = await uc.for_write(req.ctx, req.user_id, meeting_id)
    inp = await uc.stored_input(req.ctx, req.user_id, meeting_id)
    org = await uc.cell_for_write(req.ctx, req.user_id, meeting.org_id)
    data = {"mode": "edit", "mid": meeting_id, "org": org.name, **uc.to_draft(inp)}
    draft = await start_draft(req, KIND, "summary", org_id=org.id, data=data)
    await render(req, draft)


async def _set_date(req: Req, draft: Draft, day: date) -> None:
    today = req.ctx.today()
    if day > today:
        await req.reply(
            req._(
                "The meeting date {held_on} is in the future; record a meeting once it is held.",
                held_on=day,
            )
        )
        await render(req, draft)
        return
    draft.data["date"] = day.isoformat()
    if draft.data.get("att") is not None:  # the roll of the new day (issue 9 §2)
        await sync_attendance(req, draft)
    if draft.data.get("kind") == "regular" and await duplicate(req, draft):
        return
    await advance(req, draft, "date")


# -- flow callbacks ------------------------------------------------------------------------------

FlowAction = Callable[[Req, Draft, CallbackData], Awaitable[None]]


async def _on_date(req: Req, draft: Draft, data: CallbackData) -> None:
    back = data.int_arg(0)
    if back not in (0, 1) or draft.step != "date":
        await expired(req)
        return
    await _set_date(req, draft, req.ctx.today() - timedelta(days=back))


async def _on_kind(req: Req, draft: Draft, data: CallbackData) -> None:
    kind = data.args[0] if data.args else ""
    if kind not in KIND_LABELS or draft.step != "kind":
        await expired(req)
        return
    draft.data["kind"] = kind
    if kind != "thematic":
        draft.data["topic"] = None
    if kind == "regular" and await duplicate(req, draft):
        return
    if kind == "thematic":
        await goto(req, draft, "topic")
        return
    await advance(req, draft, "kind")


async def _on_toggle(req: Req, draft: Draft, data: CallbackData) -> None:
    att = draft.data.get("att") or {}
    key = data.args[0] if data.args else ""
    if draft.step != "att" or att.get(key) not in NEXT_STATUS:
        await expired(req)  # not a member of this cell's roll (or exempt): refused
        return
    att[key] = NEXT_STATUS[att[key]]
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def _on_page(req: Req, draft: Draft, data: CallbackData) -> None:
    page = data.int_arg(0)
    if page is None or draft.step not in ("att", "task_member"):
        await expired(req)
        return
    draft.data["page" if draft.step == "att" else "tp"] = page
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def _on_all_present(req: Req, draft: Draft, data: CallbackData) -> None:
    att = draft.data.get("att") or {}
    if draft.step != "att":
        await expired(req)
        return
    draft.data["att"] = {k: (v if v == "exempt" else "present") for k, v in att.items()}
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def _on_go(req: Req, draft: Draft, data: CallbackData) -> None:
    """Continue from a step (`go:<step>`), or back to the extras (`go:sub`)."""
    step = data.args[0] if data.args else ""
    if step == "sub" and draft.step in SUB_STEPS:
        await goto(req, draft, "more")
    elif step == "topic" and draft.step == "topic" and draft.data.get("topic"):
        await advance(req, draft, "kind")
    elif step in ("att", "more") and draft.step == step:
        await advance(req, draft, step)
    else:
        await expired(req)


SUB_STEPS = ("upper", "contents", "task_member", "task_text", "task_due")


async def _on_extra(req: Req, draft: Draft, data: CallbackData) -> None:
    what = data.args[0] if data.args else ""
    if draft.step != "more":
        await expired(req)
    elif what in ("upper", "contents"):
        await goto(req, draft, what)
    elif what == "task":
        draft.data["tp"] = 0
        await goto(req, draft, "task_member")
    elif what == "untask" and draft.data.get("tasks"):
        draft.data["tasks"].pop()
        await goto(req, draft, "more")
    else:
        await expired(req)


async def _on_clear(req: Req, draft: Draft, data: CallbackData) -> None:
    what = data.args[0] if data.args else ""
    if what not in ("upper", "contents") or draft.step != what:
        await expired(req)
        return
    draft.data[what] = None
    await goto(req, draft, "more")


async def _on_task_member(req: Req, draft: Draft, data: CallbackData) -> None:
    member_id = data.int_arg(0)
    if member_id is None or draft.step != "task_member":
        await expired(req)
        return
    member = await uc.member_for_write(req.ctx, req.user_id, member_id, draft.org_id)
    if member.status not in uc.ROLL_STATUSES:
        await expired(req)
        return
    draft.data["tm"] = member.id
    await goto(req, draft, "task_text")


async def _on_task_due(req: Req, draft: Draft, data: CallbackData) -> None:
    if draft.step != "task_due":  # before the meeting date is known: an old button
        await expired(req)
        return
    choice = dict(due_choices(meeting_date(draft))).get(data.args[0] if data.args else "")
    if choice is None:
        await expired(req)
        return
    await _add_task(req, draft, choice)


async def _add_task(req: Req, draft: Draft, due: date) -> None:
    if due < meeting_date(draft):
        await req.reply(
            req._(
                "A task's due date ({due}) cannot be before the meeting ({held_on}).",
                due=due,
                held_on=meeting_date(draft),
            )
        )
        await render(req, draft)
        return
    draft.data.setdefault("tasks", []).append(
        {
            "m": int(draft.data["tm"]),
            "text": str(draft.data.get("ttext", "")),
            "due": due.isoformat(),
            "id": None,
        }
    )
    draft.data.pop("tm", None)
    draft.data.pop("ttext", None)
    await goto(req, draft, "more")


async def _on_rating(req: Req, draft: Draft, data: CallbackData) -> None:
    index = data.int_arg(0)
    levels = req.ctx.config.rating_levels
    if index is None or index >= len(levels) or draft.step != "rating":
        await expired(req)
        return
    draft.data["rating"] = levels[index]
    await advance(req, draft, "rating")


async def _on_edit_step(req: Req, draft: Draft, data: CallbackData) -> None:
    step = data.args[0] if data.args else ""
    if step not in STEPS[:-1] or (step != "date" and not draft.data.get("date")):
        await expired(req)
        return
    if draft.step == "summary":
        draft.data["ret"] = 1  # back to the summary once this step is done
    await goto(req, draft, step)


async def _on_save(req: Req, draft: Draft, data: CallbackData) -> None:
    if draft.step != "summary":
        await expired(req)
        return
    inp = uc.from_draft(draft.data)
    _ = req._
    try:
        if draft.data.get("mode") == "edit":
            meeting = await uc.edit(
                req.ctx, actor=req.user_id, meeting_id=int(draft.data["mid"]), inp=inp
            )
            done = _("Saved the changes to the meeting of {date}.", date=meeting.held_on)
        else:
            meeting = await uc.record(req.ctx, actor=req.user_id, org_id=draft.org_id or 0, inp=inp)
            done = _("Saved the meeting of {date} in the meeting book.", date=meeting.held_on)
    except uc.DuplicateRegular:
        await duplicate(req, draft)
        return
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    await req.notify(done)
    await show_detail(req, meeting.id, prefix=done)


async def _on_cancel(req: Req, draft: Draft, data: CallbackData) -> None:
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    await req.show(
        req._("Cancelled. Nothing was saved."), [[(req._("« Menu"), cb("menu", "main"))]]
    )


def _flow(action: FlowAction, *args: Arg) -> Route:
    """A button of the flow on the user's open draft; `args` declare what it carries, the
    action checks that it fits the draft's step."""

    async def run(req: Req, *_values: object) -> None:
        draft = await open_draft(req, (KIND,))
        if draft is not None and req.data is not None:
            await action(req, draft, req.data)

    return Route(run, *args)


#: The flow's buttons, `mt:<action>[:arg]`, declared beside the book's in handlers.meetings.
FLOW_ROUTES: dict[str, Route] = {
    "d": _flow(_on_date, int_in(0, 1)),
    "k": _flow(_on_kind, choice(*KIND_LABELS)),
    "tog": _flow(_on_toggle, INT),  # a member id on the draft's roll
    "pg": _flow(_on_page, INT),
    "tp": _flow(_on_page, INT),
    "allp": _flow(_on_all_present),
    "go": _flow(_on_go, choice("sub", "topic", "att", "more")),
    "x": _flow(_on_extra, choice("upper", "contents", "task", "untask")),
    "clr": _flow(_on_clear, choice("upper", "contents")),
    "tm": _flow(_on_task_member, INT),
    "td": _flow(_on_task_due, choice("7", "30", "end")),  # see meeting_steps.due_choices
    "r": _flow(_on_rating, INT),
    "ed": _flow(_on_edit_step, choice(*STEPS[:-1])),
    "save": _flow(_on_save),
    "cancel": _flow(_on_cancel),
    **minutes_steps.ROUTES,
}


# -- typed input -----------------------------------------------------------------------------


async def on_text(req: Req, draft: Draft) -> None:
    if draft.org_id is None:
        return
    await uc.cell_for_write(req.ctx, req.user_id, draft.org_id)
    _, text, step = req._, req.text.strip(), draft.step
    if step in minutes_steps.STEPS:
        await minutes_steps.on_text(req, draft)
        return
    if step in ("date", "task_due"):
        day = read_date(text, req.ctx.today(), past=step == "date")
        if not isinstance(day, date):
            await req.reply(_.msg(day))
            await render(req, draft)
        elif step == "date":
            await _set_date(req, draft, day)
        else:
            await _add_task(req, draft, day)
        return
    if step in ("topic", "upper", "contents", "task_text"):
        try:
            value = uc.clean_text(text, step)
        except InvalidInput as exc:
            await req.reply(_.msg(exc.msg))
            await render(req, draft)
            return
        if not value:
            await render(req, draft)
            return
        if step == "topic":
            draft.data["topic"] = value
            await advance(req, draft, "kind")
        elif step == "task_text":
            draft.data["ttext"] = value
            await goto(req, draft, "task_due")
        else:
            draft.data[step] = value
            await goto(req, draft, "more")
        return
    await req.reply(req.use_buttons())

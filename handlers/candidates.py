"""Outstanding candidates (quần chúng ưu tú) on Telegram: /candidates, /admissions, the menu
entry, the callback dispatcher and the buttons under candidate reminders.

What is shown lives in `candidate_views`; the conversations (persisted drafts) in
`candidate_details` (kind `candidate`: register or edit the details) and `candidate_steps`
(kinds `cand_step`: record or correct one step; `cand_close`: close a file with a reason).

Callback data `cd:<action>[:args]` (≤ 64 bytes). Outside a draft: `list`, `ls:<org>`,
`new[:<org>]`, `v:<cid>`, `st:<cid>:<step>`, `fix:<cid>`, `edit:<cid>`, `close:<cid>`,
`exc:<cid>:<0|1>`, `adm:<org>`. Inside a draft: `d:<days ago>`, `keep`, `skip`, `base`, `all`,
`rt:<tw|tr>`, `i:<member>`, `h:<member>`, `g:<gender>`, `o:<origin>`, `cl:<wd|na>`, `tb`,
`ed:<screen>`, `ok`, `save`, `cancel`. Every press re-checks the user's scope through the use
cases: write access to the candidate's cell for changes, read access (officers included) to
view; refusals of a rule come back as a message listing every reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.i18n import Translator
from handlers import candidate_details as details
from handlers import candidate_steps as step_flow
from handlers.candidate_views import (
    F,
    bullets,
    list_current,
    show_admissions,
    show_fix,
    show_register,
    show_view,
    toggle_exception,
)
from handlers.common import CallbackData, Req, cb, expired, handler, open_draft
from handlers.flows import register_text_flow
from handlers.registry import CommandSpec, MenuEntry, add_command, add_menu
from handlers.reminders import add_actions
from rules import candidate_steps as steps
from rules.messages import N_
from rules.reminders import Reminder
from storage.drafts import Draft
from usecases import candidates as uc
from usecases import drafts as drafts_uc
from usecases.candidates import CandidateRefused
from usecases.errors import InvalidInput


@handler()
async def admissions_command(req: Req) -> None:
    orgs = req.profile.officer_orgs
    if not orgs:
        await req.reply(req._("This command is for committee officers."))
    elif len(orgs) == 1:
        await show_admissions(req, orgs[0].org_id)
    else:
        await req.reply(
            req._("Which organisation?"), [[(g.org_name, cb(F, "adm", g.org_id))] for g in orgs]
        )


@handler()
async def candidates_command(req: Req) -> None:
    await list_current(req)


STEP_CODES = {s.code for s in steps.PIPELINE}
KINDS = (details.KIND, step_flow.KIND, step_flow.CLOSE)


async def _open_draft(req: Req) -> Draft | None:
    """The user's candidate draft, with write access re-checked (to the candidate's file when
    the draft is about one); else a notice."""
    draft = await open_draft(req, KINDS)
    if draft is not None and "cid" in draft.data:
        await uc.for_write(req.ctx, req.user_id, int(draft.data["cid"]))
    return draft


async def _cancel(req: Req) -> None:
    await drafts_uc.clear(req.ctx, req.user_id)
    await req.show(
        req._("Cancelled. Nothing was saved."), [[(req._("« Candidates"), cb(F, "list"))]]
    )


async def _plain(req: Req, data: CallbackData) -> bool:
    """Buttons outside a draft; False when the data fits none of them."""
    a = data.action
    ids = [data.int_arg(i) for i in range(len(data.args))]
    if a == "list" and not ids:
        await list_current(req)
    elif a == "new" and len(ids) <= 1 and None not in ids:
        await details.start_new(req, ids[0] if ids else None)
    elif a == "st" and len(ids) == 2 and ids[0] is not None and data.args[1] in STEP_CODES:
        await step_flow.start_step(req, ids[0], data.args[1])
    elif a == "exc" and len(ids) == 2 and ids[0] is not None and ids[1] in (0, 1):
        await toggle_exception(req, ids[0], ids[1] == 1)
    elif len(ids) == 1 and ids[0] is not None and a in ONE_ID:
        await ONE_ID[a](req, ids[0])
    else:
        return False
    return True


async def _view(req: Req, cid: int) -> None:
    await show_view(req, cid)


ONE_ID: dict[str, Callable[[Req, int], Awaitable[None]]] = {
    "ls": show_register,
    "v": _view,
    "fix": show_fix,
    "edit": details.start_edit,
    "close": step_flow.start_close,
    "adm": show_admissions,
}
DRAFT_ACTIONS = {
    "d",
    "keep",
    "skip",
    "base",
    "all",
    "rt",
    "i",
    "h",
    "g",
    "o",
    "cl",
    "tb",
    "ok",
    "save",
    "ed",
}


@handler()
async def callback(req: Req) -> None:
    data = req.data
    if data is None or data.feature != F:
        await expired(req)
        return
    if data.action == "cancel":
        await _cancel(req)
        return
    try:
        if data.action in DRAFT_ACTIONS:
            draft = await _open_draft(req)
            if draft is None:
                return
            if draft.kind == details.KIND:
                await details.on_button(req, draft, data)
            elif draft.kind == step_flow.KIND:
                await step_flow.on_button(req, draft, data)
            else:
                await step_flow.on_close_button(req, draft, data)
        elif not await _plain(req, data):
            await expired(req)
    except InvalidInput as exc:
        await _refused(req, exc)


async def _refused(req: Req, exc: InvalidInput) -> None:
    """Every reason, as a message (a toast would cut the rule's text short)."""
    msgs = exc.msgs if isinstance(exc, CandidateRefused) else [exc.msg]
    await req.reply(req._("Not accepted:") + "\n" + bullets(req._, msgs))


async def on_text(req: Req, draft: Draft) -> None:
    try:
        await _dispatch_text(req, draft)
    except InvalidInput as exc:
        await _refused(req, exc)


async def _dispatch_text(req: Req, draft: Draft) -> None:
    if "cid" in draft.data:
        await uc.for_write(req.ctx, req.user_id, int(draft.data["cid"]))
    elif draft.org_id is not None:
        await uc.cell_for_write(req.ctx, req.user_id, draft.org_id)
    if draft.kind == details.KIND:
        await details.on_text(req, draft)
    elif draft.kind == step_flow.KIND:
        await step_flow.on_text(req, draft)
    else:
        await step_flow.on_close_text(req, draft)


def reminder_buttons(_: Translator, reminder: Reminder) -> list[tuple[str, str]]:
    """Under a candidate reminder: open the file (officers can read it too)."""
    return [(_("View the file"), cb(F, "v", reminder.subject_id))]


def register(app: Application) -> None:
    add_command(
        CommandSpec(
            "candidates", N_("Outstanding candidates for admission and their steps"), "cell", 30
        )
    )
    add_command(
        CommandSpec(
            "admissions",
            N_("Admissions: candidates by stage and this year's target"),
            "officer",
            31,
        )
    )
    add_menu(MenuEntry(N_("Outstanding candidates"), cb(F, "list"), "cell", 30))
    app.add_handler(CommandHandler("candidates", candidates_command))
    app.add_handler(CommandHandler("admissions", admissions_command))
    app.add_handler(CallbackQueryHandler(callback, pattern=rf"^{F}:"))
    for kind in KINDS:
        register_text_flow(kind, on_text)
    add_actions("candidate", reminder_buttons)

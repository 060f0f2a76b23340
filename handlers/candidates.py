"""Outstanding candidates (quần chúng ưu tú) on Telegram: /candidates, /admissions, the menu
entry, the declared callback actions (`ROUTES`) and the buttons under candidate reminders.

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

from telegram.ext import CommandHandler

from chibo.handlers import candidate_details as details
from chibo.handlers import candidate_steps as step_flow
from chibo.handlers.candidate_views import (
    F,
    bullets,
    list_current,
    show_admissions,
    show_fix,
    show_register,
    show_view,
    toggle_exception,
)
from chibo.handlers.common import App, Req, cb, handler, open_draft
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.routing import INT, Arg, Route, choice, int_in, opt
from chibo.rules import candidate_steps as steps
from chibo.rules.messages import N_
from chibo.rules.reminders import Reminder
from chibo.usecases import candidates as uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases.candidates import CandidateRefused
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator


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
    await drafts_uc.clear(req.ctx, req.user_id, (details.KIND,))
    await req.show(
        req._("Cancelled. Nothing was saved."), [[(req._("« Candidates"), cb(F, "list"))]]
    )


async def _view(req: Req, cid: int) -> None:
    await show_view(req, cid)


async def _toggle_exception(req: Req, cid: int, value: int) -> None:
    await toggle_exception(req, cid, value == 1)


async def _draft_button(req: Req, *_values: object) -> None:
    """A button of the open candidate draft; the step checks that it fits."""
    draft = await _open_draft(req)
    if draft is None or req.data is None:
        return
    if draft.kind == details.KIND:
        await details.on_button(req, draft, req.data)
    elif draft.kind == step_flow.KIND:
        await step_flow.on_button(req, draft, req.data)
    else:
        await step_flow.on_close_button(req, draft, req.data)


def _route(fn: Callable[..., Awaitable[None]], *args: Arg) -> Route:
    """A route whose refusals (every reason) come as a message, not a cut-short toast."""

    async def run(req: Req, *values: object) -> None:
        try:
            await fn(req, *values)
        except InvalidInput as exc:
            await _refused(req, exc)

    return Route(run, *args)


ROUTES: dict[str, Route] = {
    "cancel": Route(_cancel),
    # outside a draft
    "list": _route(list_current),
    "new": _route(details.start_new, opt(INT)),
    "st": _route(step_flow.start_step, INT, choice(*STEP_CODES)),
    "exc": _route(_toggle_exception, INT, int_in(0, 1)),
    "ls": _route(show_register, INT),
    "v": _route(_view, INT),
    "fix": _route(show_fix, INT),
    "edit": _route(details.start_edit, INT),
    "close": _route(step_flow.start_close, INT),
    "adm": _route(show_admissions, INT),
    # on the open draft (details, a step, or closing the file)
    "d": _route(_draft_button, int_in(0, 1)),
    "keep": _route(_draft_button),
    "skip": _route(_draft_button),
    "base": _route(_draft_button),
    "all": _route(_draft_button),
    "rt": _route(_draft_button, choice("tw", "tr")),
    "i": _route(_draft_button, INT),
    "h": _route(_draft_button, INT),
    "g": _route(_draft_button, choice(*uc.GENDER_LABELS)),
    "o": _route(_draft_button, choice(*uc.ORIGINS)),
    "cl": _route(_draft_button, choice("wd", "na")),
    "tb": _route(_draft_button),
    "ok": _route(_draft_button),
    "save": _route(_draft_button),
    "ed": _route(_draft_button, choice(*details.NEW_STEPS[:-1], "pick")),
}


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


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec(
            "candidates", N_("Outstanding candidates for admission and their steps"), "cell", 30
        )
    )
    reg.add_command(
        CommandSpec(
            "admissions",
            N_("Admissions: candidates by stage and this year's target"),
            "officer",
            31,
        )
    )
    reg.add_menu(MenuEntry(N_("Outstanding candidates"), cb(F, "list"), "cell", 30))
    app.add_handler(CommandHandler("candidates", candidates_command))
    app.add_handler(CommandHandler("admissions", admissions_command))
    reg.add_routes(F, ROUTES)
    for kind in KINDS:
        reg.add_text_flow(kind, on_text)
    reg.add_reminder_actions("candidate", reminder_buttons)
    reg.add_resumable(details.KIND, N_("candidate entry"), details.render)
    reg.add_resumable(step_flow.KIND, N_("candidate step entry"), step_flow.render)
    reg.add_resumable(step_flow.CLOSE, N_("closing of a candidate's file"))

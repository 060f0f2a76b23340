"""The notice of the cell's next meeting in the chat (thông báo lịch sinh hoạt).

`nt:open[:<org>]` shows the notice (kept, or proposed with the agenda from the book) with a
button per field; `nt:ed:<org>:<field>` asks for a field (typed text goes to the `notice`
draft); `nt:ag:<org>` proposes the agenda again; `nt:send:<org>` keeps the notice and sends its
text as a message of its own, plain text, ready to forward to the cell's group. Each press
re-checks that the user is the cell's secretary or deputy.
"""

from __future__ import annotations

from chibo.handlers.common import App, Req, cb, current_cell_id
from chibo.handlers.flows import start_draft
from chibo.handlers.registry import MenuEntry, registry_of
from chibo.handlers.routing import INT, Route, choice, opt
from chibo.rules.messages import N_
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import notices as uc
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator

F = "nt"
KIND = "notice"
LABELS = {
    "held_on": N_("Date"),
    "at_time": N_("Time"),
    "place": N_("Place"),
    "agenda": N_("Agenda"),
    "documents": N_("Documents to read"),
}
PROMPTS = {
    "held_on": N_("Type the meeting day, e.g. 05/12/2026."),
    "at_time": N_("Type the time, e.g. 19:30."),
    "place": N_("Type the place of the meeting."),
    "agenda": N_("Type the agenda, one item a line."),
    "documents": N_("Type the documents to read beforehand, one a line."),
}


def notice_button(_: Translator, org_id: int) -> tuple[str, str]:
    return (_("📣 Meeting notice"), cb(F, "open", org_id))


async def _screen(req: Req, notice: uc.Notice, *, reply: bool = False) -> None:
    _ = req._
    state = _("Kept.") if notice.saved else _("Proposed, not sent yet.")
    text = _("Notice of the next meeting ({state}):", state=state)
    text += "\n\n" + uc.render_text(_, notice)
    org = notice.org_id
    names = list(LABELS)
    rows = [
        [(_("✏ {field}", field=_(LABELS[n])), cb(F, "ed", org, n)) for n in names[:3]],
        [(_("✏ {field}", field=_(LABELS[n])), cb(F, "ed", org, n)) for n in names[3:]],
        [(_("Propose the agenda from the book"), cb(F, "ag", org))],
        [(_("📤 Send the notice text to forward"), cb(F, "send", org))],
        [(_("« Menu"), cb("menu", "main"))],
    ]
    if reply:
        await req.reply(text, rows)
    else:
        await req.show(text, rows)


async def show(req: Req, org_id: int | None) -> None:
    if org_id is None and (org_id := await current_cell_id(req)) is None:
        return
    await _screen(req, await uc.current(req.ctx, req.user_id, org_id, req._))


async def ask(req: Req, org_id: int, field: str) -> None:
    await uc.current(req.ctx, req.user_id, org_id, req._)  # scope
    await start_draft(req, KIND, field, org_id=org_id)
    await req.show(req._(PROMPTS[field]), [[(req._("« Back"), cb(F, "open", org_id))]])


async def propose_agenda(req: Req, org_id: int) -> None:
    notice = await uc.current(req.ctx, req.user_id, org_id, req._)
    proposed = await uc.propose_agenda(req.ctx, req.user_id, org_id, notice.fields.held_on, req._)
    await _screen(req, await uc.save(req.ctx, req.user_id, notice, agenda=proposed))


async def send(req: Req, org_id: int) -> None:
    _ = req._
    notice = await uc.current(req.ctx, req.user_id, org_id, _)
    notice = await uc.save(req.ctx, req.user_id, notice)
    await req.notify(_("Forward the next message to the cell's group (Zalo or Telegram)."))
    await req.reply(uc.render_text(_, notice))  # its own message, plain text: forwardable


async def on_text(req: Req, draft: Draft) -> None:
    _ = req._
    org_id = draft.org_id or 0
    notice = await uc.current(req.ctx, req.user_id, org_id, _)
    try:
        value = uc.check_field(draft.step, req.text, req.ctx.today())
    except InvalidInput as exc:
        await req.reply(
            _.msg(exc.msg) + "\n" + _(PROMPTS.get(draft.step, LABELS["agenda"])),
            [[(_("« Back"), cb(F, "open", org_id))]],
        )
        return
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    await _screen(
        req, await uc.save(req.ctx, req.user_id, notice, **{draft.step: value}), reply=True
    )


async def _resume(req: Req, draft: Draft) -> None:
    await req.show(req._(PROMPTS.get(draft.step, LABELS["agenda"])))


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_menu(MenuEntry(N_("Meeting notice"), cb(F, "open"), "cell", 12))
    reg.add_routes(
        F,
        {
            "open": Route(show, opt(INT)),
            "ed": Route(ask, INT, choice(*LABELS)),
            "ag": Route(propose_agenda, INT),
            "send": Route(send, INT),
        },
    )
    reg.add_text_flow(KIND, on_text)
    reg.add_resumable(KIND, N_("meeting notice"), _resume)

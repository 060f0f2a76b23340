"""Text and file input while a conversation (a persisted draft) is in progress, and every other
kind of message a Telegram client can send.

Feature modules register a function per draft kind (`registry_of(app).add_text_flow(kind, fn)`,
`add_file_flow`); plain text (typed, forwarded, or a reply to an old message of the bot) or
an uploaded file in a private chat is routed to the user's current draft. Without one, the
user is pointed to /menu; after a restart or a timeout the user is told to start again.

Everything else — stickers, voice and video notes, photos and albums (one answer per album),
contacts, locations, polls, a file where text is expected or text where a file is — gets one
short answer naming what was sent and what the current step expects. Edits of a message
already sent are not read: in a conversation the user is told to send the correction anew;
outside one they are ignored on purpose. Never silence in the middle of a flow.

A user may have one draft per flow (`usecases.drafts`): opening another flow keeps the first,
says so, and offers to continue it or discard it (`start_draft`, `kept_lines`, the `draft:go`
and `draft:drop` buttons). Text goes to the draft touched last: the screen the user sees last.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from chibo.handlers.common import (
    TIMED_OUT,
    App,
    ChiboContext,
    Keyboard,
    Req,
    cb,
    expired,
    handler,
    open_draft,
    stranger_text,
)
from chibo.handlers.registry import Flow, registry_of
from chibo.handlers.routing import TOKEN, Route
from chibo.rules.messages import N_
from chibo.usecases import drafts as drafts_uc
from chibo.usecases.drafts import Draft

#: Message attributes a client can send, and how the answer names them (first match wins).
KINDS = (
    ("sticker", N_("a sticker")),
    ("voice", N_("a voice message")),
    ("video_note", N_("a video message")),
    ("animation", N_("an animation")),
    ("photo", N_("a photo")),
    ("video", N_("a video")),
    ("audio", N_("an audio file")),
    ("document", N_("a file")),
    ("contact", N_("a contact")),
    ("venue", N_("a place")),
    ("location", N_("a location")),
    ("poll", N_("a poll")),
    ("text", N_("typed text")),
)
OTHER_KIND = N_("this kind of message")
ALBUM_KEY = "chibo.album"


UNFINISHED = N_("unfinished entry")


def _what(req: Req, kind: str) -> str:
    found = req.registry.resumable.get(kind)
    return req._(found[0] if found else UNFINISHED)


def kept_lines(req: Req, kept: list[Draft]) -> tuple[str, Keyboard]:
    """What stays open besides the screen being shown, with Continue / Discard buttons."""
    _ = req._
    lines: list[str] = []
    rows: list[list[tuple[str, str]]] = []
    for draft in kept[:3]:
        what = _what(req, draft.kind)
        lines.append(_("Your unfinished {what} is kept.", what=what))
        row = []
        found = req.registry.resumable.get(draft.kind)
        if found is not None and found[1] is not None:
            row.append((_("Continue the {what}", what=what), cb("draft", "go", draft.kind)))
        row.append((_("Discard it"), cb("draft", "drop", draft.kind)))
        rows.append(row)
    return "\n".join(lines), rows


async def start_draft(
    req: Req, kind: str, step: str, *, org_id: int | None, data: dict[str, Any] | None = None
) -> Draft:
    """Start a draft of `kind`. When this leaves another flow's unfinished draft behind (the
    screen the user saw last), say it is kept and offer to continue or discard it — before the
    new screen, which the caller shows next."""
    left = (await drafts_uc.current(req.ctx, req.user_id)).draft
    draft = await drafts_uc.start(req.ctx, req.user_id, kind, step, org_id=org_id, data=data)
    if (
        left is not None
        and left.kind not in drafts_uc.SCREENS
        and drafts_uc.slot_of(left.kind) != drafts_uc.slot_of(kind)
    ):
        text, rows = kept_lines(req, [left])
        await req.reply(text + " " + req._("What you type now goes to the screen below."), rows)
    return draft


async def _continue_kept(req: Req, kind: str) -> None:
    """`draft:go:<kind>`: show a kept draft's screen again (it becomes the current one)."""
    found = req.registry.resumable.get(kind)
    if found is None or found[1] is None:
        await expired(req)
        return
    draft = await open_draft(req, (kind,))
    if draft is not None:
        await found[1](req, draft)


async def _discard_kept(req: Req, kind: str) -> None:
    """`draft:drop:<kind>`: discard a kept draft."""
    if await open_draft(req, (kind,)) is None:
        return
    await drafts_uc.clear(req.ctx, req.user_id, (kind,))
    await req.show(req._("Discarded the {what}; nothing of it was saved.", what=_what(req, kind)))


ROUTES = {"go": Route(_continue_kept, TOKEN), "drop": Route(_discard_kept, TOKEN)}


def kind_of(msg: Message) -> str:
    """The msgid naming what `msg` carries."""
    return next((label for attr, label in KINDS if getattr(msg, attr, None)), OTHER_KIND)


def expected(req: Req, draft: Draft) -> str:
    """What the draft's current step takes, in one sentence ending with how to stop."""
    _ = req._
    takes_text = draft.kind in req.registry.text_flows
    takes_file = draft.kind in req.registry.file_flows
    if takes_file and takes_text:
        return _(
            "Please send the file (Excel or CSV) as a document, or type your answer; /cancel"
            " to stop."
        )
    if takes_file:
        return _("Please send the file (Excel or CSV) as a document, or /cancel to stop.")
    if takes_text and req.on_zalo:
        return _("Please type your answer or the number of your choice, or /cancel to stop.")
    if takes_text:
        return _("Please type your answer or press a button above, or /cancel to stop.")
    return req.use_buttons()


async def _cannot_use(req: Req, draft: Draft) -> None:
    msg = req.update.effective_message
    what = req._(kind_of(msg) if msg is not None else OTHER_KIND)
    await req.reply(req._("I cannot use {what} here.", what=what) + " " + expected(req, draft))


async def _route(req: Req, flows: dict[str, Flow]) -> bool:
    current = await drafts_uc.current(req.ctx, req.user_id)
    if current.expired:
        await req.reply(req._(TIMED_OUT))
        return True
    draft = current.draft
    if draft is None:
        return False
    flow = flows.get(draft.kind)
    if flow is None:  # a file where text is expected, or text where a file is
        await _cannot_use(req, draft)
        return True
    await flow(req, draft)
    return True


@handler()
async def on_text(req: Req) -> None:
    if not await _route(req, req.registry.text_flows):
        if req.on_zalo:  # no command menu to press there: the word is typed
            await req.reply(req._("I did not understand that. Type menu to see what you can do."))
        else:
            await req.reply(req._("I did not understand that. Press /menu to see what you can do."))


@handler()
async def on_file(req: Req) -> None:
    if await _route(req, req.registry.file_flows):
        return
    for accept in req.registry.default_file_flows:
        if await accept(req):
            return
    await req.reply(req._("I was not expecting a file. Press /menu to see what you can do."))


@handler()
async def on_other(req: Req) -> None:
    """Any other message: one answer (one per album) naming it and what is expected."""
    msg = req.update.effective_message
    if msg is None:
        return
    if msg.media_group_id is not None:
        seen = req.context.user_data if req.context.user_data is not None else {}
        if seen.get(ALBUM_KEY) == msg.media_group_id:
            return  # the album's first item was answered
        seen[ALBUM_KEY] = msg.media_group_id
    current = await drafts_uc.current(req.ctx, req.user_id)
    if current.expired:
        await req.reply(req._(TIMED_OUT))
    elif current.draft is not None:
        await _cannot_use(req, current.draft)
    else:
        what = req._(kind_of(msg))
        await req.reply(
            req._(
                "I cannot do anything with {what}. Press /menu to see what you can do.", what=what
            )
        )


@handler(bound=False)
async def _on_edited(req: Req) -> None:
    if not req.profile.bound:
        return
    current = await drafts_uc.current(req.ctx, req.user_id)
    if current.draft is None or current.expired:
        return  # nothing to redo: ignored on purpose
    await req.reply(
        req._(
            "I read only new messages, not changes to one already sent: please send the"
            " correction as a new message."
        )
        + " "
        + expected(req, current.draft)
    )


async def edited_guard(update: Update, context: ChiboContext) -> None:
    """Before every feature handler: an edit is never taken as a new command or answer."""
    await _on_edited(update, context)
    raise ApplicationHandlerStop


def register(app: App) -> None:
    """Register LAST: within a group the first matching handler wins, so these catch only
    what no feature handler took."""
    registry_of(app).add_routes("draft", ROUTES)
    private = filters.ChatType.PRIVATE
    # Before group -1's private-chat guard (only the first matching handler of a group runs).
    app.add_handler(MessageHandler(private & filters.UpdateType.EDITED, edited_guard), group=-2)
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(private & filters.Document.ALL, on_file))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, on_other)
    )


@handler(bound=False)
async def unknown_command(req: Req) -> None:
    if req.profile.bound and req.on_zalo:
        await req.reply(req._("I do not know that command. Type menu or help."))
    elif req.profile.bound:
        await req.reply(req._("I do not know that command. Press /menu or /help."))
    else:
        await req.reply(stranger_text(req._))

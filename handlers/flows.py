"""Text and file input while a conversation (a persisted draft) is in progress.

Feature modules register a function per draft kind (`registry_of(app).add_text_flow(kind, fn)`,
`add_file_flow`); plain text or an uploaded file in a private chat is routed to the user's
current draft. Without one, the user is pointed to
/menu; after a restart or a timeout the user is told to start again — never silence.
"""

from __future__ import annotations

from telegram.ext import Application, MessageHandler, filters

from handlers.common import TIMED_OUT, Req, handler, stranger_text
from handlers.registry import Flow
from usecases import drafts as drafts_uc


async def _route(req: Req, flows: dict[str, Flow]) -> bool:
    current = await drafts_uc.current(req.ctx, req.user_id)
    if current.expired:
        await req.reply(req._(TIMED_OUT))
        return True
    draft = current.draft
    if draft is None:
        return False
    flow = flows.get(draft.kind)
    if flow is None:
        await req.reply(req._("Please use the buttons above, or /cancel to stop."))
        return True
    await flow(req, draft)
    return True


@handler()
async def on_text(req: Req) -> None:
    if not await _route(req, req.registry.text_flows):
        await req.reply(req._("I did not understand that. Press /menu to see what you can do."))


@handler()
async def on_file(req: Req) -> None:
    if await _route(req, req.registry.file_flows):
        return
    for accept in req.registry.default_file_flows:
        if await accept(req):
            return
    await req.reply(req._("I was not expecting a file. Press /menu to see what you can do."))


def register(app: Application) -> None:
    """Register LAST: within a group the first matching handler wins, so these catch only
    what no feature handler took."""
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(MessageHandler(private & filters.Document.ALL, on_file))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))


@handler(bound=False)
async def unknown_command(req: Req) -> None:
    if req.profile.bound:
        await req.reply(req._("I do not know that command. Press /menu or /help."))
    else:
        await req.reply(stranger_text(req._))

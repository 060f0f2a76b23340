"""The cell's paperwork in the chat: the minutes of a logged meeting as a DOCX file.

`pw:min:<meeting id>`: the meeting is re-checked to belong to a cell the user may read (its
secretary or deputy, an officer above it).
"""

from __future__ import annotations

import io

from telegram import InputFile

from chibo.handlers.common import App, Req, cb
from chibo.handlers.registry import registry_of
from chibo.handlers.routing import INT, Route
from chibo.usecases import minutes as minutes_uc
from chibo.usecases.documents_docx import minutes_filename, minutes_title, render_minutes
from chibo.usecases.i18n import Translator

F = "pw"


def minutes_button(_: Translator, meeting_id: int) -> tuple[str, str]:
    return (_("📄 Minutes (DOCX)"), cb(F, "min", meeting_id))


async def send_minutes(req: Req, meeting_id: int) -> None:
    _ = req._
    minutes = await minutes_uc.build(req.ctx, req.user_id, meeting_id)
    data = render_minutes(_, minutes)
    chat = req.update.effective_chat
    assert chat is not None
    await req.notify(_("Preparing the file…"))
    await req.context.bot.send_document(
        chat.id,
        document=InputFile(io.BytesIO(data), filename=minutes_filename(minutes)),
        caption=_(
            "Minutes: {title}, {date}. Print, sign and file them in the minutes book.",
            title=minutes_title(_, minutes),
            date=minutes.held_on,
        ),
    )


def register(app: App) -> None:
    registry_of(app).add_routes(F, {"min": Route(send_minutes, INT)})

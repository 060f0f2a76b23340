"""The cell's paperwork in the chat: the minutes of a logged meeting as a DOCX file, the
year's meeting book and the member list as XLSX or DOCX.

`pw:min:<meeting id>`, `pw:book:<org>:<year>:<fmt>`, `pw:roll:<org>:<fmt>`: the meeting or
cell is re-checked to be one the user may read (its secretary or deputy, an officer above it).
"""

from __future__ import annotations

import io

from telegram import InputFile

from chibo.handlers.common import App, Req, cb
from chibo.handlers.registry import registry_of
from chibo.handlers.routing import INT, Route, choice
from chibo.usecases import books as books_uc
from chibo.usecases import minutes as minutes_uc
from chibo.usecases.books_files import (
    FORMATS,
    book_filename,
    book_title,
    members_filename,
    members_title,
    render_book,
    render_members,
)
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


def book_buttons(_: Translator, org_id: int, year: int) -> list[tuple[str, str]]:
    return [
        (_("📒 Book {year} (Excel)", year=year), cb(F, "book", org_id, year, "xlsx")),
        (_("📒 Book {year} (Word)", year=year), cb(F, "book", org_id, year, "docx")),
    ]


def roll_buttons(_: Translator, org_id: int) -> list[tuple[str, str]]:
    return [
        (_("📋 Member list (Excel)"), cb(F, "roll", org_id, "xlsx")),
        (_("📋 Member list (Word)"), cb(F, "roll", org_id, "docx")),
    ]


async def _send_file(req: Req, data: bytes, filename: str, caption: str) -> None:
    chat = req.update.effective_chat
    assert chat is not None
    await req.notify(req._("Preparing the file…"))
    await req.context.bot.send_document(
        chat.id, document=InputFile(io.BytesIO(data), filename=filename), caption=caption
    )


async def send_book(req: Req, org_id: int, year: int, fmt: str) -> None:
    _ = req._
    if not 2000 <= year <= req.ctx.today().year + 1:
        await req.notify(_("Expected a year from 2000 to next year."), alert=True)
        return
    book = await books_uc.meeting_book(req.ctx, req.user_id, org_id, year)
    caption = f"{book_title(_, book)} — {book.cell_name}"
    await _send_file(req, render_book(_, book, fmt), book_filename(book, fmt), caption)


async def send_roll(req: Req, org_id: int, fmt: str) -> None:
    _ = req._
    roll = await books_uc.member_list(req.ctx, req.user_id, org_id, req.ctx.today())
    caption = f"{members_title(_, roll)} — {roll.cell_name}"
    await _send_file(req, render_members(_, roll, fmt), members_filename(roll, fmt), caption)


def register(app: App) -> None:
    registry_of(app).add_routes(
        F,
        {
            "min": Route(send_minutes, INT),
            "book": Route(send_book, INT, INT, choice(*FORMATS)),
            "roll": Route(send_roll, INT, choice(*FORMATS)),
        },
    )

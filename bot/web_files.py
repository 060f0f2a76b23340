"""Files on Zalo: the bot's own small web endpoint for short-lived download and upload links.

Zalo carries text only. With `[web] public_url` set, a file the handlers send on Zalo
(`sendDocument`/`sendPhoto`, bridged by `bot.zalo`) is kept here in memory under an unguessable
token and the user gets a link to it instead; a roster import on Zalo gets an upload link whose
file is fed to the Application as if the user had sent it in the chat.

- `/files/<token>`: the file, with its type and name (RFC 5987), until `link_minutes` have
  passed and while the user who asked for it still holds a role (else 403); then 410 Gone
  (the bytes are dropped by `cleanup`, run every minute). Any other token is 404. Each link
  is for its one file only.
- `/upload/<token>`: GET a minimal form (no JavaScript), POST the file (multipart, at most
  `file_limits.MAX_UPLOAD_BYTES`). Single use; bound to the user and the cell that asked, and
  the user's write access to that cell is checked again at POST.

Every download and upload is logged by user id and file name, never by token (aiohttp's access
log, which would print the path, is off).
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import web

from chibo.rules.messages import N_
from chibo.usecases import users as users_uc
from chibo.usecases.access import require_write
from chibo.usecases.clock import Clock
from chibo.usecases.config import WebConfig
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied
from chibo.usecases.file_limits import MAX_UPLOAD_BYTES
from chibo.usecases.i18n import Translator, translator

log = logging.getLogger("chibo.web_files")

#: Bytes kept for download links at once; the oldest links go first when it is full.
MAX_SHELF_BYTES = 200 * 1024 * 1024
#: How long an expired token still answers 410 (not 404) after its bytes were dropped.
TOMBSTONE = timedelta(days=1)
CLEANUP_SECONDS = 60.0
ROSTER_SUFFIXES = (".csv", ".xlsx", ".xls")

LINK = N_("Download “{name}”: {url} (the link expires at {time})")
GONE_TITLE = N_("This link has expired")
GONE_TEXT = N_("Links to files last a short time. Ask the bot in Zalo for the file again.")
NOT_FOUND_TITLE = N_("No such link")
NOT_FOUND_TEXT = N_("Check that the whole link was copied, or ask the bot in Zalo for a new one.")
FORM_TITLE = N_("Import the roster of {cell}")
FORM_TEXT = N_(
    "Choose the roster file (Excel .xlsx or CSV, at most {mb} MB) and press Send. Every row is"
    " checked first; the result comes to your Zalo chat, and nothing is saved until you"
    " confirm there."
)
FORM_SEND = N_("Send")
UPLOADED_TITLE = N_("File received")
UPLOADED_TEXT = N_("“{name}” is being checked: see the result in your Zalo chat.")
UPLOAD_USED_TEXT = N_("This upload link was used already. Ask the bot in Zalo for a new one.")
BAD_UPLOAD_TITLE = N_("The file was not taken")
NO_FILE_TEXT = N_("No file was chosen. Go back, choose the roster file and send it again.")
WRONG_KIND_TEXT = N_("Send an Excel (.xlsx) or CSV file. Go back and choose another file.")
TOO_BIG_TEXT = N_("The file is too large (more than {mb} MB).")
DENIED_TITLE = N_("Not allowed")
DENIED_TEXT = N_("You can no longer import the roster of this cell.")
FILE_DENIED_TEXT = N_(
    "Whoever asked for this file no longer has a role in the bot, so the file is no longer"
    " given out."
)


def local_time(at: datetime, ctx: AppContext) -> str:
    """When a link expires, as users read it: HH:MM dd/MM/yyyy, local time."""
    return at.astimezone(ctx.config.timezone).strftime("%H:%M %d/%m/%Y")


def content_disposition(name: str, *, inline: bool = False) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / RFC 5987)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_" for c in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(name, safe='')}"


@dataclass
class StoredFile:
    name: str
    content_type: str
    data: bytes | None  # None once expired and dropped
    expires: datetime
    user_id: int
    locale: str


@dataclass
class UploadSlot:
    user_id: int
    org_id: int
    cell: str
    expires: datetime
    locale: str
    used: bool = False
    #: A POST is being read: a second one at the same time is refused (single use).
    busy: bool = False


#: What receives an uploaded file: (slot, file name, bytes) → None, once access was checked.
Deliver = Callable[[UploadSlot, str, bytes], Awaitable[None]]


@dataclass
class FileShelf:
    """The files behind download links and the upload slots, in memory, by token."""

    ctx: AppContext
    web: WebConfig
    max_bytes: int = MAX_SHELF_BYTES
    files: OrderedDict[str, StoredFile] = field(default_factory=OrderedDict)
    uploads: dict[str, UploadSlot] = field(default_factory=dict)
    #: The files of uploads, for the bridge's `getFile` (by their own id, not the token).
    received: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    deliver: Deliver | None = None

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    def _expiry(self) -> datetime:
        return self.clock.now() + timedelta(minutes=self.web.link_minutes)

    def _url(self, kind: str, token: str) -> str:
        return f"{self.web.public_url.rstrip('/')}/{kind}/{token}"

    @property
    def held(self) -> int:
        return sum(len(f.data) for f in self.files.values() if f.data is not None)

    def put(
        self, name: str, data: bytes, content_type: str, *, user_id: int, locale: str
    ) -> tuple[str, datetime] | None:
        """(the link, when it expires) for one file; None when it cannot be kept (too big)."""
        if len(data) > self.max_bytes:
            return None
        self.cleanup()
        while self.held + len(data) > self.max_bytes:
            oldest = next(t for t, f in self.files.items() if f.data is not None)
            self.files[oldest].data = None  # the oldest link ends early: 410 from now on
        token = secrets.token_urlsafe(32)
        expires = self._expiry()
        self.files[token] = StoredFile(name, content_type, data, expires, user_id, locale)
        log.info("download link made for user %s: %s (%d bytes)", user_id, name, len(data))
        return self._url("files", token), expires

    def upload_link(
        self, user_id: int, org_id: int, cell: str, locale: str
    ) -> tuple[str, datetime]:
        """A single-use upload link for the roster of `org_id`, bound to `user_id`."""
        self.cleanup()
        token = secrets.token_urlsafe(32)
        expires = self._expiry()
        self.uploads[token] = UploadSlot(user_id, org_id, cell, expires, locale)
        log.info("upload link made for user %s, cell %s", user_id, cell)
        return self._url("upload", token), expires

    def cleanup(self) -> None:
        """Drop the bytes of expired files (their tokens answer 410 a while longer)."""
        now = self.clock.now()
        for token, stored in list(self.files.items()):
            if stored.expires <= now:
                stored.data = None
                if stored.expires + TOMBSTONE <= now:
                    del self.files[token]
        for token, slot in list(self.uploads.items()):
            if slot.expires + TOMBSTONE <= now:
                del self.uploads[token]

    def keep_received(self, name: str, data: bytes) -> str:
        """An uploaded file, for the bridge's `getFile`: its id (used once, then dropped)."""
        file_id = secrets.token_urlsafe(16)
        self.received[file_id] = (name, data)
        return file_id

    def take_received(self, file_id: str) -> tuple[str, bytes] | None:
        return self.received.pop(file_id, None)

    def peek_received(self, file_id: str) -> tuple[str, bytes] | None:
        return self.received.get(file_id)


def _page(_: Translator, title: str, text: str, status: int, body: str = "") -> web.Response:
    page = (
        f'<!doctype html><html lang="{_.locale}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text)}</p>{body}</body></html>"
    )
    return web.Response(
        text=page,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=_NO_CACHE,
    )


_NO_CACHE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def add_routes(server: web.Application, shelf: FileShelf) -> None:
    """The download and upload routes, on a new or an existing (webhook) server."""
    ctx = shelf.ctx
    default = translator(ctx.config.default_locale)

    def not_found() -> web.Response:
        return _page(default, default(NOT_FOUND_TITLE), default(NOT_FOUND_TEXT), 404)

    def gone(locale: str, text: str = GONE_TEXT) -> web.Response:
        _ = translator(locale)
        return _page(_, _(GONE_TITLE), _(text), 410)

    async def download(request: web.Request) -> web.StreamResponse:
        stored = shelf.files.get(request.match_info["token"])
        if stored is None:
            log.info("download refused: no such link")
            return not_found()
        if stored.data is None or stored.expires <= shelf.clock.now():
            log.info("download refused for user %s: %s expired", stored.user_id, stored.name)
            return gone(stored.locale)
        # the link is a capability until it expires, but only while whoever asked for the
        # file still holds a role: a removed secretary's old link (or one forwarded on) ends
        who = await users_uc.profile(ctx, stored.user_id)
        if who is None or not who.roles:
            log.info("download refused for user %s (no role any more): %s", stored.user_id,
                     stored.name)  # fmt: skip
            _ = translator(stored.locale)
            return _page(_, _(DENIED_TITLE), _(FILE_DENIED_TEXT), 403)
        log.info(
            "download for user %s: %s (%d bytes)", stored.user_id, stored.name, len(stored.data)
        )
        inline = stored.content_type.startswith("image/")
        return web.Response(
            body=stored.data,
            content_type=stored.content_type,
            headers={
                **_NO_CACHE,
                "Content-Disposition": content_disposition(stored.name, inline=inline),
            },
        )

    def open_slot(request: web.Request, *, posting: bool = False) -> UploadSlot | web.Response:
        slot = shelf.uploads.get(request.match_info["token"])
        if slot is None:
            log.info("upload refused: no such link")
            return not_found()
        if slot.used or (posting and slot.busy):
            return gone(slot.locale, UPLOAD_USED_TEXT)
        if slot.expires <= shelf.clock.now():
            log.info("upload refused for user %s: the link expired", slot.user_id)
            return gone(slot.locale)
        return slot

    async def form(request: web.Request) -> web.Response:
        slot = open_slot(request)
        if isinstance(slot, web.Response):
            return slot
        _ = translator(slot.locale)
        body = (
            '<form method="post" enctype="multipart/form-data">'
            '<p><input type="file" name="file" accept=".xlsx,.xls,.csv" required></p>'
            f'<p><button type="submit">{html.escape(_(FORM_SEND))}</button></p></form>'
        )
        text = _(FORM_TEXT, mb=MAX_UPLOAD_BYTES >> 20)
        return _page(_, _(FORM_TITLE, cell=slot.cell), text, 200, body)

    async def upload(request: web.Request) -> web.Response:
        slot = open_slot(request, posting=True)
        if isinstance(slot, web.Response):
            return slot
        slot.busy = True
        try:
            return await take(slot, request)
        finally:
            slot.busy = False

    async def take(slot: UploadSlot, request: web.Request) -> web.Response:
        _ = translator(slot.locale)
        bad = _(BAD_UPLOAD_TITLE)
        try:
            await require_write(ctx, slot.user_id, slot.org_id)
        except AccessDenied:
            log.info("upload refused for user %s: no longer allowed in that cell", slot.user_id)
            return _page(_, _(DENIED_TITLE), _(DENIED_TEXT), 403)
        try:
            got = await _read_file(request)
        except _TooBig:
            return _page(_, bad, _(TOO_BIG_TEXT, mb=MAX_UPLOAD_BYTES >> 20), 413)
        if got is None:
            return _page(_, bad, _(NO_FILE_TEXT), 400)
        name, data = got
        if not name.lower().endswith(ROSTER_SUFFIXES):
            return _page(_, bad, _(WRONG_KIND_TEXT), 400)
        slot.used = True
        log.info("upload from user %s: %s (%d bytes)", slot.user_id, name, len(data))
        if shelf.deliver is not None:
            await shelf.deliver(slot, name, data)
        return _page(_, _(UPLOADED_TITLE), _(UPLOADED_TEXT, name=name), 200)

    server.router.add_get("/files/{token}", download)
    server.router.add_get("/upload/{token}", form)
    server.router.add_post("/upload/{token}", upload)


class _TooBig(Exception):
    pass


async def _read_file(request: web.Request) -> tuple[str, bytes] | None:
    """The first file field of a multipart form: (name, bytes), or None (_TooBig over the
    limit)."""
    if not request.content_type.startswith("multipart/"):
        return None
    reader = await request.multipart()
    while True:
        part: Any = await reader.next()
        if part is None:
            return None
        if not getattr(part, "filename", None):
            continue
        data = bytearray()
        while chunk := await part.read_chunk(64 * 1024):
            data += chunk
            if len(data) > MAX_UPLOAD_BYTES:
                raise _TooBig
        if not data:
            return None
        # browsers percent-encode `"` and line breaks in the name, some clients all of it
        name = unquote(str(part.filename)).replace("/", "_").replace("\\", "_")
        return "".join(c for c in name if c.isprintable())[-200:] or "roster", bytes(data)


def files_app(shelf: FileShelf) -> web.Application:
    server = web.Application(client_max_size=MAX_UPLOAD_BYTES + 256 * 1024)
    add_routes(server, shelf)
    return server


@asynccontextmanager
async def serving_files(
    shelf: FileShelf, *, listen: str, port: int, cleanup_every: float = CLEANUP_SECONDS
) -> AsyncIterator[int]:
    """The file server, for as long as the block runs (yields the port it listens on); expired
    files are dropped every `cleanup_every` seconds."""
    runner = web.AppRunner(files_app(shelf), access_log=None)  # the path holds the token
    await runner.setup()

    async def sweep() -> None:
        while True:
            await asyncio.sleep(cleanup_every)
            shelf.cleanup()

    task = asyncio.create_task(sweep())
    try:
        site = web.TCPSite(runner, listen, port)
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await runner.cleanup()

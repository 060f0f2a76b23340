"""The Bot API emulator driven by the real python-telegram-bot over real HTTP.

Fixture pattern for end-to-end tests (copy it, or use ``botapi_emulator.ptb``)::

    @pytest.fixture
    async def emu():
        async with BotApiEmulator() as emu:        # aiohttp on 127.0.0.1, random port
            yield emu

    @pytest.fixture
    async def app(emu):
        application = application_builder(emu).build()   # token + base_url + base_file_url
        ... add handlers ...
        async with running_application(application, emu):  # initialize, start, long-poll
            yield application                              # then updater.stop/stop/shutdown

``running_application`` registers the app with ``emu.track_application`` so that
``emu.wait_idle()`` and ``chat.expect_no_reply()`` also wait for PTB's handlers to finish.
No test sleeps: every wait is on an asyncio event, and timeouts are only failure bounds.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from chibo.botapi_emulator import BotApiEmulator, ChatMessage
from chibo.botapi_emulator.ptb import application_builder, running_application

ALICE = 1001
BOB = 1002
CSV = "họ tên,đảng viên\nNguyễn Văn A,1\n".encode()


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png(3, 2)
LANGS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Tiếng Việt", callback_data="lang:vi"),
            InlineKeyboardButton("English", callback_data="lang:en"),
        ],
        [InlineKeyboardButton("Trang chủ", url="https://example.org")],
    ]
)

# ------------------------------------------------------------------ the bot


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    await update.effective_message.reply_text(f"Chào! Mã: {payload or '-'}", reply_markup=LANGS)


async def on_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = query.data.split(":", 1)[1]
    await query.answer(f"OK {lang}")
    await query.edit_message_text(f"Ngôn ngữ: {lang}")


async def on_other_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer("Nút không hợp lệ", show_alert=True)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_text(f"{message.document.file_name}: {len(data)} bytes")
    # echo the same file back by file_id
    await message.reply_document(message.document.file_id, caption="bản sao")


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_chat.send_action("upload_document")  # type: ignore[union-attr]
    await update.effective_message.reply_text("Đang gửi báo cáo…")
    await update.effective_message.reply_document(CSV, filename="báo cáo.csv", caption="Báo cáo")


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_photo(PNG, caption="ảnh")


async def setup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await context.bot.set_my_commands([BotCommand("start", "Bắt đầu")], language_code="vi")
    await context.bot.set_my_commands(
        [BotCommand("start", "Start"), BotCommand("help", "Help")], language_code="en"
    )
    await context.bot.set_my_commands(
        [BotCommand("admin", "Quản trị")], scope=BotCommandScopeChat(ALICE)
    )
    await update.effective_message.reply_text(
        "ok", reply_markup=ReplyKeyboardMarkup([["Có", "Không"]])
    )


async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("pong")


async def quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handles the command and deliberately sends nothing."""


def build_app(emu: BotApiEmulator) -> Application[Any, Any, Any, Any, Any, Any]:
    app = application_builder(emu).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("report", report))
    app.add_handler(CommandHandler("photo", photo))
    app.add_handler(CommandHandler("setup", setup))
    app.add_handler(CommandHandler("ping", ping))
    app.add_handler(CommandHandler("quiet", quiet))
    app.add_handler(CallbackQueryHandler(on_lang, pattern=r"^lang:"))
    app.add_handler(CallbackQueryHandler(on_other_callback))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    return app


# ----------------------------------------------------------------- fixtures


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    async with running_application(build_app(emu), emu, poll_timeout=30) as application:
        yield application


# -------------------------------------------------------------------- tests


async def test_command_reply_with_buttons(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "Nguyễn Văn A", language_code="vi", username="nva")
    sent = await alice.send("/start ABC123")
    assert sent.entities == [{"type": "bot_command", "offset": 0, "length": 6}]

    reply = await alice.next_reply()
    assert reply.text == "Chào! Mã: ABC123"
    assert reply.from_bot and reply.chat_id == ALICE and reply.message_id == sent.message_id + 1
    assert [[b.text for b in row] for row in reply.buttons] == [
        ["Tiếng Việt", "English"],
        ["Trang chủ"],
    ]
    assert reply.button("Việt").callback_data == "lang:vi"
    assert reply.button(callback_data="lang:en").text == "English"
    assert reply.button("Trang").url == "https://example.org"
    assert reply.reply_markup is not None and "inline_keyboard" in reply.reply_markup
    assert [m.message_id for m in alice.transcript()] == [1, 2]


async def test_press_answers_and_edits(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/start")
    reply = await alice.next_reply()

    press = await alice.press(reply, "Tiếng Việt")
    answer = await alice.last_callback_answer()
    assert answer.text == "OK vi" and not answer.show_alert
    assert (await press.wait_answer()) is answer

    edited = await alice.next_edit()
    assert edited.message_id == reply.message_id
    assert edited.text == "Ngôn ngữ: vi" and edited.buttons == []  # no markup => removed
    assert reply.text == "Ngôn ngữ: vi" and reply.history[0]["text"] == "Chào! Mã: -"
    assert reply.is_edited and reply.edit_date is not None


async def test_forged_callback_data(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/start")
    reply = await alice.next_reply()
    await alice.press_data(reply.message_id, "admin:delete_all")
    answer = await alice.last_callback_answer()
    assert answer.show_alert and answer.text == "Nút không hợp lệ"
    with pytest.raises(AssertionError, match="no callback_data"):
        await alice.press(reply, "Trang chủ")


async def test_upload_download_roundtrip(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    data = bytes(range(256)) * 40
    await alice.upload("roster.xlsx", data, caption="danh sách")
    reply = await alice.next_reply()
    assert reply.text == f"roster.xlsx: {len(data)} bytes"
    copy = await alice.next_document()
    assert copy.data == data and copy.filename == "roster.xlsx" and copy.caption == "bản sao"
    assert copy.mime_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert [c.method for c in emu.calls_to("getFile")] == ["getFile"]


async def test_bot_sends_document_and_photo(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/report")
    doc = await alice.next_document()  # skips the text message, which stays queued
    assert (doc.filename, doc.data, doc.caption) == ("báo cáo.csv", CSV, "Báo cáo")
    assert doc.mime_type == "text/csv"
    assert (await alice.next_reply()).text == "Đang gửi báo cáo…"
    assert alice.actions == ["upload_document"]

    await alice.send("/photo")
    pic = await alice.next_photo()
    assert pic.data == PNG and pic.caption == "ảnh"
    assert pic.raw["photo"][0]["width"] == 3 and pic.raw["photo"][0]["height"] == 2


# PTB 22.8 itself reads RetryAfter.retry_after in __init__, which warns unless PTB_TIMEDELTA=1.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_injection(emu: BotApiEmulator, app: Application) -> None:
    emu.user(ALICE, "A")
    emu.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(ALICE, "x")
    retry = caught.value.retry_after
    assert (retry.total_seconds() if isinstance(retry, dtm.timedelta) else retry) == 7
    error = emu.calls_to("sendMessage")[-1].error
    assert error is not None and error.to_json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert (await app.bot.send_message(ALICE, "y")).text == "y"  # only the next call failed


async def test_generic_fault_injection(emu: BotApiEmulator, app: Application) -> None:
    emu.user(ALICE, "A")
    emu.fail_next("sendmessage", error_code=400, description="Bad Request: boom", count=2)
    for _ in range(2):
        with pytest.raises(BadRequest, match="Boom"):
            await app.bot.send_message(ALICE, "x")
    await app.bot.send_message(ALICE, "ok")


async def test_blocked_user_forbidden(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/start")
    reply = await alice.next_reply()
    alice.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(ALICE, "x")
    with pytest.raises(Forbidden):
        await app.bot.edit_message_text("y", chat_id=ALICE, message_id=reply.message_id)
    alice.unblock()
    await app.bot.send_message(ALICE, "again")
    assert (await alice.next_reply()).text == "again"
    await emu.wait_idle()  # the my_chat_member updates were fetched and confirmed
    assert emu.world.pending_update_count == 0


async def test_unknown_method_recorded(emu: BotApiEmulator, app: Application) -> None:
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("sendDiceRoll", api_kwargs={"chat_id": ALICE, "n": 2})
    call = emu.unknown_calls[-1]
    assert call.method == "sendDiceRoll" and call.params == {"chat_id": ALICE, "n": 2}
    assert call.error is not None and call.error.description == "Not Found: method not found"


async def test_group_chat(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    grp = emu.group(-5001, title="Chi bộ 1")
    await grp.send(alice, "/start@chibo_test_bot X")
    reply = await grp.next_reply()
    assert reply.text == "Chào! Mã: X" and reply.chat_id == -5001
    assert reply.raw["chat"] == {"id": -5001, "type": "group", "title": "Chi bộ 1"}
    await grp.send(alice, "/start@other_bot")  # addressed to another bot: PTB ignores it
    await grp.expect_no_reply()
    await alice.press(reply, "English")
    assert (await alice.last_callback_answer()).text == "OK en"
    assert (await grp.next_edit()).text == "Ngôn ngữ: en"


async def test_wrong_token(emu: BotApiEmulator) -> None:
    async with httpx.AsyncClient() as client:
        res = await client.get(f"{emu.base_url}999:WRONG/getMe")
    assert res.status_code == 401
    assert res.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    bad = application_builder(emu).token("999:WRONG").build()
    with pytest.raises(InvalidToken):
        await bad.bot.initialize()
    await bad.bot.shutdown()


async def test_long_poll_returns_promptly(emu: BotApiEmulator) -> None:
    alice = emu.user(ALICE, "A")
    url = f"{emu.base_url}{emu.token}/getUpdates"
    async with httpx.AsyncClient(timeout=60) as client:
        poll = asyncio.create_task(client.post(url, data={"timeout": "30", "offset": "0"}))
        await emu.wait_until(lambda: emu.world.waiting_pollers == 1)
        started = time.monotonic()
        await alice.send("xin chào")
        res = await asyncio.wait_for(poll, timeout=5)
        assert time.monotonic() - started < 2
        updates = res.json()["result"]
        assert [u["message"]["text"] for u in updates] == ["xin chào"]
        # offset confirms; a zero-timeout poll then returns nothing at once
        res = await client.get(url, params={"offset": updates[-1]["update_id"] + 1})
        assert res.json() == {"ok": True, "result": []}
    await emu.wait_idle()


async def test_ptb_long_polling_is_prompt(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await emu.wait_until(lambda: emu.world.waiting_pollers == 1)  # PTB is mid long-poll (30 s)
    started = time.monotonic()
    await alice.send("/ping")
    assert (await alice.next_reply()).text == "pong"
    assert time.monotonic() - started < 2


async def test_set_my_commands_per_language(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/setup")
    await alice.next_reply()
    assert alice.keyboard == [["Có", "Không"]]
    assert emu.my_commands(language_code="vi") == [{"command": "start", "description": "Bắt đầu"}]
    assert [c["command"] for c in emu.my_commands(language_code="en")] == ["start", "help"]
    assert emu.my_commands() == []
    assert emu.my_commands({"type": "chat", "chat_id": ALICE})[0]["command"] == "admin"
    fetched = await app.bot.get_my_commands(language_code="en")
    assert [c.command for c in fetched] == ["start", "help"]
    await app.bot.delete_my_commands(language_code="en")
    assert emu.my_commands(language_code="en") == []


async def test_expect_no_reply(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/quiet")
    await alice.send("just text")  # no handler matches
    await alice.expect_no_reply()
    await alice.send("/start")
    with pytest.raises(AssertionError, match="expected no reply"):
        await alice.expect_no_reply()


async def test_expect_no_reply_with_probe(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/quiet")
    await alice.expect_no_reply(probe="/ping", probe_reply="pong")
    await alice.send("/start")
    with pytest.raises(AssertionError, match="before answering the probe"):
        await alice.expect_no_reply(probe="/ping", probe_reply="pong")


async def test_next_reply_timeout_shows_transcript(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    await alice.send("/quiet")
    await emu.wait_idle()
    with pytest.raises(AssertionError, match=r"(?s)No new message.*#1 A: '/quiet'"):
        await alice.next_reply(timeout=0.05)


async def test_validation_errors(emu: BotApiEmulator, app: Application) -> None:
    # PTB strips "Bad Request: " and str.capitalize()s the rest of the description
    emu.user(ALICE, "A")
    bot = app.bot
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, " ")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    # counted as Telegram does, in UTF-16 units: 2,049 emoji are 4,098 units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "🎉" * 2049)
    assert (await bot.send_message(ALICE, "🎉" * 2048)).text == "🎉" * 2048
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_document(ALICE, b"x", filename="a.txt", caption="🎉" * 513)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "x")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
        await bot.send_message(ALICE, "x", reply_markup=markup)
    with pytest.raises(BadRequest, match="not supported by the emulator"):
        await bot.send_message(ALICE, "a <b>b</b>", parse_mode=ParseMode.HTML)
    msg = await bot.send_message(ALICE, "same", reply_markup=LANGS)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=ALICE, message_id=msg.message_id, reply_markup=LANGS
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("z", chat_id=ALICE, message_id=999)
    assert await bot.delete_message(ALICE, msg.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALICE, msg.message_id)


async def test_monitor_and_wait_idle(emu: BotApiEmulator, app: Application) -> None:
    seen: list[str] = []
    edits: list[str] = []

    async def on_edit(msg: ChatMessage) -> None:
        if msg.is_edited:
            edits.append(msg.text or "")

    emu.on_bot_message(lambda msg: seen.append(msg.describe()))
    emu.on_bot_message(on_edit)
    alice = emu.user(ALICE, "A")
    await alice.send("/start")
    await alice.send("/ping")
    await emu.wait_idle()  # both handlers finished: their replies are already recorded
    replies = alice.pending_replies()
    assert [(m.message_id, m.text) for m in replies] == [(3, "Chào! Mã: -"), (4, "pong")]
    assert len(seen) == 2
    await alice.press(alice.message(3), "English")
    await emu.wait_idle()
    assert edits == ["Ngôn ngữ: en"]


async def test_raw_http_forms(emu: BotApiEmulator) -> None:
    """JSON bodies, query strings, case-insensitive names and attach:// uploads."""
    alice = emu.user(ALICE, "A")
    api = f"{emu.base_url}{emu.token}"
    async with httpx.AsyncClient() as client:
        res = await client.post(f"{api}/SENDMESSAGE", json={"chat_id": ALICE, "text": "123"})
        assert res.json()["result"]["text"] == "123"
        res = await client.get(f"{api}/sendMessage", params={"chat_id": ALICE, "text": "q"})
        assert res.json()["result"]["message_id"] == 2
        res = await client.post(
            f"{api}/sendDocument",
            data={"chat_id": str(ALICE), "document": "attach://f1"},
            files={"f1": ("a.txt", b"hello", "text/plain")},
        )
        file_id = res.json()["result"]["document"]["file_id"]
        res = await client.post(f"{api}/getFile", data={"file_id": file_id})
        path = res.json()["result"]["file_path"]
        res = await client.get(f"{emu.base_file_url}{emu.token}/{path}")
        assert res.content == b"hello"
    assert [m.text for m in alice.pending_replies()[:2]] == ["123", "q"]
    assert emu.calls[0].params == {"chat_id": ALICE, "text": "123"}


@pytest.mark.faults
async def test_lost_answer_after_accepting_the_message(
    emu: BotApiEmulator, app: Application
) -> None:
    """The message is delivered, but the connection closes before the answer: the client
    cannot tell whether it went out (the ambiguous failure a sender must not re-send)."""
    alice = emu.user(ALICE, "A")
    emu.drop_answer_next("sendMessage")
    with pytest.raises(NetworkError) as caught:
        await app.bot.send_message(ALICE, "accepted")
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError | httpx.ReadError)
    assert (await alice.next_reply()).text == "accepted"  # it did reach the chat
    call = emu.calls_to("sendMessage")[-1]
    assert call.result is not None and call.answer_lost
    assert (await app.bot.send_message(ALICE, "next")).text == "next"  # only one answer lost


@pytest.mark.faults
async def test_late_answer_after_the_read_timeout(emu: BotApiEmulator, app: Application) -> None:
    alice = emu.user(ALICE, "A")
    emu.drop_answer_next("sendMessage", mode="hang")
    with pytest.raises(TimedOut):
        await app.bot.send_message(ALICE, "slow", read_timeout=0.2)
    assert (await alice.next_reply()).text == "slow"

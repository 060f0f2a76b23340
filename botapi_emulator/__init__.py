"""Telegram Bot API emulator for end-to-end tests and demos.

A real HTTP server (aiohttp, 127.0.0.1) speaking the Bot API to an unmodified
python-telegram-bot ``Application``, plus a driver to play users::

    async with BotApiEmulator() as emu:
        app = (Application.builder().token(emu.token).base_url(emu.base_url)
               .base_file_url(emu.base_file_url).build())
        ...
        alice = emu.user(1001, "Alice", language_code="vi")
        await alice.send("/start")
        reply = await alice.next_reply()

See ``tests/emulator/test_emulator.py`` for the fixture pattern.
"""

from chibo.botapi_emulator.driver import ChatDriver, GroupDriver, ProbeReply, UserDriver
from chibo.botapi_emulator.errors import ApiError
from chibo.botapi_emulator.formatting import parse_formatted
from chibo.botapi_emulator.methods import Params, UploadedFile
from chibo.botapi_emulator.server import BotApiEmulator
from chibo.botapi_emulator.state import (
    ApiCall,
    CallbackAnswer,
    CallbackPress,
    ChatMessage,
    InlineButton,
    StoredFile,
)

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "CallbackAnswer",
    "CallbackPress",
    "ChatDriver",
    "ChatMessage",
    "GroupDriver",
    "InlineButton",
    "Params",
    "ProbeReply",
    "StoredFile",
    "UploadedFile",
    "UserDriver",
    "parse_formatted",
]

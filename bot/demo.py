"""`chibo demo`: the real bot against the local Bot API emulator, chatted with in the terminal.

No token and no network: a throw-away database with a demo province, commune and two cells,
a bound demo secretary (you) and a demo officer, the demo cell's roster, and today's reminder
sweep. Type as the secretary; the bot's buttons are
numbered — type a number to press one. `/quit` (or Ctrl+D) ends the demo.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot import features
from bot.app import build_application, running
from bot.config import Config
from bot.i18n import translator
from botapi_emulator import BotApiEmulator, ChatMessage
from handlers.reminders import TelegramNotifier
from storage import users as user_store
from storage.db import Database
from usecases import invites as invites_uc
from usecases import orgs as orgs_uc
from usecases import reminders as reminders_uc
from usecases.clock import SystemClock
from usecases.context import AppContext

SECRETARY_ID = 1001
OFFICER_ID = 2001


async def seed(ctx: AppContext) -> None:
    """The demo tree and two bound users (a secretary of cell CB1, an officer of XA)."""
    await orgs_uc.add_org(ctx, actor="cli", code="TINH", name="Tỉnh ủy (demo)")
    await orgs_uc.add_org(
        ctx,
        actor="cli",
        code="XA",
        name="Đảng ủy xã Hòa Bình (demo)",
        parent_code="TINH",
        kind="committee",
    )
    await orgs_uc.add_org(ctx, actor="cli", code="CB1", name="Chi bộ thôn Đông", parent_code="XA")
    await orgs_uc.add_org(ctx, actor="cli", code="CB2", name="Chi bộ thôn Tây", parent_code="XA")
    for tg_id, name, org, role in (
        (SECRETARY_ID, "Nguyễn Văn Bình", "CB1", "secretary"),
        (OFFICER_ID, "Trần Thị Hoa", "XA", "officer"),
    ):
        async with ctx.db.transaction() as tx:
            await user_store.upsert_seen(
                tx, tg_id=tg_id, full_name=name, username=None, tg_language="vi", at=ctx.now()
            )
        created = await invites_uc.create_invite(ctx, actor="cli", org_code=org, role=role)
        await invites_uc.redeem(ctx, user_id=tg_id, code=created.code)
    for seeder in features.DEMO_SEEDERS:
        await seeder(ctx)


class Terminal:
    """Prints the bot's messages with numbered buttons; remembers the last keyboard."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buttons: list[tuple[ChatMessage, str]] = []

    def show(self, message: ChatMessage) -> None:
        if message.chat_id != SECRETARY_ID:
            return
        mark = "✎ " if message.is_edited else ""
        body = message.text or ""
        if message.document is not None:
            body = f"[📎 {message.filename or 'file'}] {body}".strip()
        print(f"\n🤖 {mark}{body}", file=self.out)
        flat = [b for row in message.buttons for b in row if b.callback_data]
        if flat:
            self.buttons = [(message, b.text) for b in flat]
            for i, b in enumerate(flat, start=1):
                print(f"   [{i}] {b.text}", file=self.out)
        self.out.flush()


async def run_demo(
    config: Config,
    *,
    script: str | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    _ = translator("vi")
    with tempfile.TemporaryDirectory(prefix="chibo-demo-") as tmp:
        demo_config = replace(config, db_path=Path(tmp) / "demo.sqlite3")
        db = await Database.open(demo_config.db_path)
        try:
            ctx = AppContext.build(db, SystemClock(), demo_config)
            await seed(ctx)
            async with BotApiEmulator(bot_username="chibo_demo_bot") as emu:
                app = build_application(
                    ctx,
                    token=emu.token,
                    base_url=emu.base_url,
                    base_file_url=emu.base_file_url,
                    rate_limit=False,
                )
                emu.track_application(app)
                term = Terminal(out)
                emu.on_bot_message(term.show)
                async with running(app, poll_timeout=5):
                    me = emu.user(SECRETARY_ID, "Nguyễn Văn Bình", language_code="vi")
                    print(
                        _(
                            "Demo of Trợ lý Chi bộ. You are Nguyễn Văn Bình, secretary of Chi"
                            " bộ thôn Đông. Type a message, or the number of a button to press"
                            " it; /quit to leave."
                        ),
                        file=out,
                    )
                    await me.send("/menu")
                    await emu.wait_idle(timeout=30)
                    # today's reminder sweep, so the demo shows reminders with their buttons
                    await reminders_uc.sweep(ctx, TelegramNotifier(app.bot, "vi"))
                    lines = _lines(script, stdin or sys.stdin)
                    async for line in lines:
                        line = line.strip()
                        if not line:
                            continue
                        if line in ("/quit", "/exit", "quit", "exit"):
                            break
                        if script:
                            print(f"👤 {line}", file=out)
                        if line.isdigit() and term.buttons:
                            index = int(line) - 1
                            if 0 <= index < len(term.buttons):
                                message, text = term.buttons[index]
                                await me.press(message, text)
                            else:
                                print(_("No button has that number."), file=out)
                                continue
                        else:
                            await me.send(line)
                        await emu.wait_idle(timeout=30)
        finally:
            await db.close()
    print(_("Demo ended; its data was thrown away."), file=out)
    return 0


async def _lines(script: str | None, stdin: TextIO):
    """Lines from a script file or from the terminal (read without blocking the loop)."""
    if script:
        for line in Path(script).read_text(encoding="utf-8").splitlines():
            yield line
        return
    loop = asyncio.get_running_loop()
    while True:
        if stdin.isatty():
            print("> ", end="", flush=True)
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        yield line

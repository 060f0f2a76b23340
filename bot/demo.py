"""`chibo demo`: the real bot against the local Bot API emulator, chatted with in the terminal.

No token and no network: a throw-away database with a demo province, commune and two cells,
a bound demo secretary (you, at first) and a demo officer, the demo cell's roster, and today's
reminder sweep. What is typed is sent as it is (a number is an answer, not a button); besides:

* every button the bot shows gets a label unique in the session, `[b7]`: typing `b7` presses
  it, also on older messages (a button whose message was edited since is gone, as in Telegram);
* `/as officer` and `/as secretary` switch between the two demo users; messages that arrived
  for the other one meanwhile are shown on switching;
* `/file PATH` sends a file (a roster or an official list) as a document; `/say TEXT` sends
  a text that looks like a label;
* files the bot sends are saved to a folder named at the start;
* the bot's answer to a button (a pop-up) is shown as `💬 …`;
* `/demo` shows this help, `/quit` (or Ctrl+D) ends the demo.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from chibo.bot import features
from chibo.bot.app import build_application, running
from chibo.bot.config import Config
from chibo.botapi_emulator import BotApiEmulator, ChatMessage, UserDriver
from chibo.handlers.reminders import TelegramNotifier
from chibo.rules.messages import N_
from chibo.storage import users as user_store
from chibo.storage.db import Database
from chibo.usecases import invites as invites_uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.clock import SystemClock
from chibo.usecases.context import AppContext
from chibo.usecases.i18n import Translator, translator

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


@dataclass(frozen=True)
class DemoUser:
    tg_id: int
    name: str
    role: str  # a msgid: how the banner names the role


DEMO_USERS = {
    "secretary": DemoUser(SECRETARY_ID, "Nguyễn Văn Bình", N_("secretary of Chi bộ thôn Đông")),
    "officer": DemoUser(OFFICER_ID, "Trần Thị Hoa", N_("officer of Đảng ủy xã Hòa Bình")),
}
_LABEL = re.compile(r"^[bB](\d+)$")
_QUIT = ("/quit", "/exit", "quit", "exit")


@dataclass(frozen=True)
class Button:
    chat_id: int
    message_id: int
    data: str


class Terminal:
    """Prints the bot's messages for the active demo user, labels every button `[bN]` (unique in
    the session), keeps the other user's messages until a switch, saves files to a folder."""

    def __init__(self, out: TextIO, files_dir: Path, _: Translator) -> None:
        self.out = out
        self.files_dir = files_dir
        self._ = _
        self.active = SECRETARY_ID
        self.buttons: dict[str, Button] = {}
        self._by_message: dict[tuple[int, int], list[str]] = {}
        self._count = 0
        self._held: dict[int, list[str]] = {u.tg_id: [] for u in DEMO_USERS.values()}
        self._saved: set[tuple[int, int]] = set()

    def show(self, message: ChatMessage) -> None:
        if message.chat_id not in self._held:
            return
        lines = [self._body(message)]
        for label in self._by_message.pop((message.chat_id, message.message_id), []):
            self.buttons.pop(label, None)  # an edit replaces the keyboard
        labels: list[str] = []
        for row in message.buttons:
            cells = []
            for b in row:
                if not b.callback_data:
                    continue
                self._count += 1
                label = f"b{self._count}"
                self.buttons[label] = Button(message.chat_id, message.message_id, b.callback_data)
                labels.append(label)
                cells.append(f"[{label}] {b.text}")
            if cells:
                lines.append("   " + "   ".join(cells))
        self._by_message[(message.chat_id, message.message_id)] = labels
        saved = self._save(message)
        if saved is not None:
            lines.append("   " + self._("📎 saved as {path}", path=saved))
        text = "\n".join(lines)
        if message.chat_id == self.active:
            print(text, file=self.out)
            self.out.flush()
        else:
            self._held[message.chat_id].append(text)

    def _body(self, message: ChatMessage) -> str:
        mark = "✎ " if message.is_edited else ""
        body = message.text or message.caption or ""
        if message.file is not None:
            body = f"[📎 {message.filename or 'file'}] {body}".strip()
        return f"\n🤖 {mark}{body}"

    def _save(self, message: ChatMessage) -> Path | None:
        key = (message.chat_id, message.message_id)
        if message.file is None or key in self._saved:
            return None
        self._saved.add(key)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(message.filename or f"file-{message.message_id}").name
        target = self.files_dir / name
        n = 1
        while target.exists():
            n += 1
            target = self.files_dir / f"{Path(name).stem}-{n}{Path(name).suffix}"
        target.write_bytes(message.file.data)
        return target

    def switch(self, user: DemoUser) -> None:
        self.active = user.tg_id
        held, self._held[user.tg_id] = self._held[user.tg_id], []
        print(
            self._("You are now {name}, {role}.", name=user.name, role=self._(user.role)),
            file=self.out,
        )
        if held:
            print(
                self._("{n} message(s) arrived for you meanwhile:", n=len(held)),
                file=self.out,
            )
            for text in held:
                print(text, file=self.out)
        self.out.flush()


def demo_help(_: Translator, files_dir: Path) -> str:
    return "\n".join(
        [
            _(
                "Demo of Trợ lý Chi bộ. You are Nguyễn Văn Bình, secretary of Chi bộ thôn"
                " Đông; the demo officer is Trần Thị Hoa of Đảng ủy xã Hòa Bình."
            ),
            _(
                "Type as in Telegram: what you type is sent as it is (numbers, dates, names)."
                " Every button is shown with a label such as [b3]: type b3 to press it, on"
                " any message."
            ),
            _("  /as officer, /as secretary — switch between the two demo users"),
            _("  /file PATH — send a file (a roster .xlsx or .csv) to the bot"),
            _("  /say TEXT — send TEXT as it is, even if it looks like a label"),
            _("  /demo — this help;  /quit — leave"),
            _("Files the bot sends are saved in {folder}", folder=files_dir),
        ]
    )


async def run_demo(
    config: Config,
    *,
    script: str | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    lines: AsyncIterator[str] | None = None,
    files_dir: Path | None = None,
) -> int:
    """Run the demo; input from `lines`, else the `script` file, else the terminal."""
    out = out or sys.stdout
    _ = translator("vi")
    files_dir = files_dir or Path(tempfile.mkdtemp(prefix="chibo-demo-files-"))
    echo = script is not None or lines is not None
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
                term = Terminal(out, files_dir, _)
                emu.on_bot_message(term.show)
                async with running(app, poll_timeout=5):
                    drivers = {
                        u.tg_id: emu.user(u.tg_id, u.name, language_code="vi")
                        for u in DEMO_USERS.values()
                    }
                    print(demo_help(_, files_dir), file=out)
                    await drivers[SECRETARY_ID].send("/menu")
                    await emu.wait_idle(timeout=30)
                    # today's reminder sweep, so the demo shows reminders with their buttons
                    await reminders_uc.sweep(ctx, TelegramNotifier.for_app(app, "vi"))
                    source = lines if lines is not None else _lines(script, stdin or sys.stdin)
                    async for line in source:
                        line = line.strip()
                        if not line:
                            continue
                        if line in _QUIT:
                            break
                        if echo:
                            print(f"👤 {line}", file=out)
                        await _handle(line, term, drivers[term.active], drivers, emu, _)
        finally:
            await db.close()
    print(_("Demo ended; its data was thrown away."), file=out)
    return 0


async def _handle(
    line: str,
    term: Terminal,
    me: UserDriver,
    drivers: dict[int, UserDriver],
    emu: BotApiEmulator,
    _: Translator,
) -> None:
    """One typed line: a demo command, a button label, or a message to the bot."""
    out = term.out
    command, _sep, rest = line.partition(" ")
    rest = rest.strip()
    if command == "/demo":
        print(demo_help(_, term.files_dir), file=out)
        return
    if command == "/as":
        user = DEMO_USERS.get(rest.lower())
        if user is None:
            print(_("Switch with /as officer or /as secretary."), file=out)
            return
        term.switch(user)
        return
    if command == "/say" and rest:
        await me.send(rest)
        await emu.wait_idle(timeout=30)
        return
    if command == "/file":
        path = Path(rest).expanduser()
        try:
            data = path.read_bytes()
        except OSError:
            print(_("Cannot read the file {path}.", path=path), file=out)
            return
        await me.upload(path.name, data)
        await emu.wait_idle(timeout=30)
        return
    m = _LABEL.match(line)
    if m is None:
        await me.send(line)
        await emu.wait_idle(timeout=30)
        return
    label = f"b{m.group(1)}"
    button = term.buttons.get(label)
    if button is None:
        print(
            _(
                "No button [{label}] is shown now (its message may have changed since)."
                " To send “{text}” as a message, type: /say {text}",
                label=label,
                text=line,
            ),
            file=out,
        )
        return
    if button.chat_id != me.user_id:
        print(
            _("[{label}] is in the other demo user's chat: switch with /as first.", label=label),
            file=out,
        )
        return
    press = await me.press_data(button.message_id, button.data)
    await emu.wait_idle(timeout=30)
    if press.answer is not None and press.answer.text:
        icon = "⚠️" if press.answer.show_alert else "💬"
        print(f"   {icon} {press.answer.text}", file=out)
        out.flush()


async def _lines(script: str | None, stdin: TextIO) -> AsyncIterator[str]:
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

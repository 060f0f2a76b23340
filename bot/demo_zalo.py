"""`chibo demo --channel zalo`: the same demo as Zalo shows it — text only, numbered choices.

The real Zalo Application (the bridge of `bot.zalo`) runs against the local Zalo emulator with
the demo data of `bot.demo`; the two demo users' Zalo accounts are linked to them and their
reminders go to Zalo. A third user, the cell's deputy secretary, is on Zalo only (bound by an
invite typed on Zalo): typing `telegram` there gives her the code that adds Telegram later.
What is typed is sent as it is: a number answers the latest screen,
"menu" or "hủy" are commands; `/as officer|secretary|deputy` switches user, `/quit` ends. Files
(exports, the roster import) are links to the demo's own file server on 127.0.0.1
(`bot.web_files`), as a deployment with `[web]` gives them.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from chibo.bot.app import running
from chibo.bot.channels import build_zalo_application, connect, notifier_for
from chibo.bot.demo import DEMO_USERS, _lines, seed
from chibo.bot.web_files import serving_files
from chibo.botapi_emulator.zalo import ZaloEmulator, ZaloUser
from chibo.rules.messages import N_
from chibo.storage.db import Database
from chibo.usecases import channels as channels_uc
from chibo.usecases import invites as invites_uc
from chibo.usecases import reminders as reminders_uc
from chibo.usecases.clock import SystemClock
from chibo.usecases.config import Config, WebConfig, ZaloConfig
from chibo.usecases.context import AppContext
from chibo.usecases.i18n import translator

_QUIT = ("/quit", "/exit", "quit", "exit")
HELP = N_(
    "Demo of Trợ lý Chi bộ as Zalo shows it: text only. Choices are numbered lines: type the"
    " number. Type menu for the main menu, hủy to stop; /as officer or /as secretary switches"
    " the demo user, /as deputy to a deputy secretary who has only Zalo (she types telegram to"
    " add Telegram); /quit leaves."
)
#: The deputy secretary of the demo cell, bound on Zalo only.
DEPUTY = ("demo-deputy", "Lê Thị Thu")
CELL_CODE = "CB1"  # bot.demo's cell, Chi bộ thôn Đông


async def _link(ctx: AppContext, user_id: int, external: str) -> None:
    zalo_id = await channels_uc.zalo_user(ctx, external, external)
    await channels_uc.link_zalo(ctx, zalo_id, await channels_uc.new_link_code(ctx, user_id))
    await channels_uc.set_reminders_channel(ctx, user_id, "zalo")


async def run_zalo_demo(
    config: Config,
    *,
    script: str | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    lines: AsyncIterator[str] | None = None,
) -> int:
    out = out or sys.stdout
    _ = translator("vi")
    echo = script is not None or lines is not None
    with tempfile.TemporaryDirectory(prefix="chibo-demo-") as tmp:
        demo_config = replace(config, db_path=Path(tmp) / "demo.sqlite3")
        db = await Database.open(demo_config.db_path)
        try:
            ctx = AppContext.build(db, SystemClock(), demo_config)
            await seed(ctx)
            async with ZaloEmulator() as zemu:
                users: dict[str, ZaloUser] = {}
                for key, demo_user in DEMO_USERS.items():
                    await _link(ctx, demo_user.tg_id, f"demo-{key}")
                    users[key] = zemu.user(f"demo-{key}", demo_user.name)
                users["deputy"] = zemu.user(*DEPUTY)
                app = build_zalo_application(
                    ctx,
                    ZaloConfig(token=zemu.token, base_url=zemu.base_url),
                    rate_limit=False,
                    web=WebConfig(public_url="http://127.0.0.1", port=0),
                )
                connect({"zalo": app})
                zemu.track(app.update_queue.join)
                active = "secretary"
                shelf = app.bot_data["web_files"]
                async with (
                    serving_files(shelf, listen="127.0.0.1", port=0) as port,
                    running(app, poll_timeout=1),
                ):
                    shelf.web = replace(shelf.web, public_url=f"http://127.0.0.1:{port}")
                    print(_(HELP), file=out)
                    await _bind_deputy(ctx, users["deputy"])
                    await reminders_uc.sweep(ctx, notifier_for(app))
                    await _show(users[active], out)
                    source = lines if lines is not None else _lines(script, stdin or sys.stdin)
                    async for line in source:
                        line = line.strip()
                        if not line:
                            continue
                        if line in _QUIT:
                            break
                        if echo:
                            print(f"👤 {line}", file=out)
                        command, _sep, rest = line.partition(" ")
                        if command == "/as" and rest.strip().lower() in users:
                            active = rest.strip().lower()
                            print(f"—— {users[active].name} ——", file=out)
                        else:
                            await users[active].send(line)
                        await zemu.wait_idle(timeout=30)
                        await _show(users[active], out)
        finally:
            await db.close()
    print(_("Demo ended; its data was thrown away."), file=out)
    return 0


async def _bind_deputy(ctx: AppContext, deputy: ZaloUser) -> None:
    """The deputy redeems an invite in the Zalo chat, as a Zalo-only secretary would."""
    invite = await invites_uc.create_invite(ctx, actor="cli", org_code=CELL_CODE, role="deputy")
    await deputy.ask(f"/start {invite.code}")


async def _show(user: ZaloUser, out: TextIO) -> None:
    for message in user.pending():
        print(f"🤖 {message.text}\n", file=out)
    out.flush()

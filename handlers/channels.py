"""Messengers: link Zalo and Telegram (both ways), choose where reminders go.

The same module runs in the Telegram and the Zalo Application (`bot.zalo`); which one it is
comes from `app.bot_data["channel"]`. On Telegram `/zalo` gives a one-time link code, typed on
Zalo as `/link CODE`; a person bound only on Zalo types `telegram` (or `/zalo`) there for a
code and sends `/link CODE` on Telegram. Either side shows the reminder channel choice when
both are connected.
"""

from __future__ import annotations

from telegram.ext import CommandHandler

from chibo.handlers.common import App, Req, cb, handler
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.routing import Route, choice
from chibo.rules.messages import N_
from chibo.usecases import channels as channels_uc
from chibo.usecases.i18n import Translator

F = "chan"
NAMES = {"telegram": "Telegram", "zalo": "Zalo"}


def channel_of(req: Req) -> str:
    return str(req.context.application.bot_data.get("channel", "telegram"))


async def _screen(req: Req, intro: str = "") -> None:
    _ = req._
    have = await channels_uc.channels_of(req.ctx, req.user_id)
    chosen = await channels_uc.reminders_channel(req.ctx, req.user_id)
    lines = [intro] if intro else []
    lines.append(_("Connected: {names}.", names=", ".join(NAMES[c] for c in have)))
    lines.append(_("Reminders go to: {name}.", name=NAMES[chosen]))
    rows = []
    if len(have) > 1:
        lines.append(_("Choose where reminders go:"))
        rows.append([(("✓ " if c == chosen else "") + NAMES[c], cb(F, "rem", c)) for c in have])
    elif channel_of(req) == "telegram":
        code = await channels_uc.new_link_code(req.ctx, req.user_id)
        lines.append(_link_text(_, code))
    elif not channels_uc.is_telegram_user(req.user_id):
        code = await channels_uc.new_link_code(req.ctx, req.user_id)
        lines.append(
            _(
                "To use the assistant on Telegram as well: open the bot on Telegram and send"
                "\n/link {code}\n(valid {minutes} minutes). Your roles and reminders stay the"
                " same; reminders keep coming here until you choose otherwise.",
                code=code,
                minutes=int(channels_uc.LINK_VALID.total_seconds() // 60),
            )
        )
    rows.append([(_("« Menu"), cb("menu", "main"))])
    await req.show("\n\n".join(lines), rows)


def _link_text(_: Translator, code: str) -> str:
    return _(
        "To use the assistant on Zalo as well: open the bot on Zalo and send\n/link {code}\n"
        "(valid {minutes} minutes). Your roles and reminders stay the same.",
        code=code,
        minutes=int(channels_uc.LINK_VALID.total_seconds() // 60),
    )


@handler()
async def zalo_command(req: Req) -> None:
    await _screen(req)


async def show(req: Req) -> None:  # chan:show
    await _screen(req)


async def set_reminders(req: Req, channel: str) -> None:  # chan:rem:<channel>
    await channels_uc.set_reminders_channel(req.ctx, req.user_id, channel)
    await _screen(req, req._("Reminders will go to {name}.", name=NAMES[channel]))


@handler(bound=False)
async def link_command(req: Req) -> None:
    _ = req._
    code = " ".join(req.context.args or [])
    if channel_of(req) != "zalo":
        if not code:
            await req.reply(
                _(
                    "Send /link followed by the code that telegram (typed in the Zalo chat with"
                    " the bot) showed. To link a Zalo account instead, /zalo gives a code."
                )
            )
            return
        await channels_uc.link_telegram(req.ctx, req.user_id, code)
        await req.reply(
            _(
                "This Telegram account is now linked to your Zalo account: the same cell and"
                " roles. Reminders still go to Zalo; /zalo chooses where they go."
            )
        )
        return
    if not code:
        await req.reply(_("Send /link followed by the code that /zalo showed on Telegram."))
        return
    await channels_uc.link_zalo(req.ctx, req.user_id, code)
    await req.reply(
        _("This Zalo account is now linked. Type menu to begin; /zalo chooses where reminders go.")
    )


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec("zalo", N_("Zalo and Telegram: link, where reminders go"), "all", 93)
    )
    reg.add_menu(MenuEntry(N_("Messengers"), cb(F, "show"), "all", 880))
    app.add_handler(CommandHandler("zalo", zalo_command))
    app.add_handler(CommandHandler("telegram", zalo_command))
    app.add_handler(CommandHandler("link", link_command))
    reg.add_routes(
        F,
        {"show": Route(show), "rem": Route(set_reminders, choice(*channels_uc.CHANNELS))},
    )

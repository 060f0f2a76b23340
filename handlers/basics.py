"""/start (binding by invite code), /help, /menu, /lang, /cancel, /whoami, choosing a cell."""

from __future__ import annotations

import contextlib

from telegram import BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import CommandHandler

from chibo.handlers.common import App, Req, cb, handler, stranger_text
from chibo.handlers.flows import kept_lines
from chibo.handlers.registry import CommandSpec, MenuEntry, audiences_of, registry_of
from chibo.handlers.routing import INT, Route, choice
from chibo.rules.messages import N_
from chibo.usecases import channels as channels_uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import invites as invites_uc
from chibo.usecases import users as users_uc
from chibo.usecases.i18n import LANGUAGE_NAMES, LOCALES, Translator, translator
from chibo.usecases.invites import Outcome
from chibo.usecases.users import Profile

ROLE_LABELS = {
    "secretary": N_("Secretary of the cell"),
    "deputy": N_("Deputy secretary of the cell"),
    "officer": N_("Committee officer"),
}


def role_label(_: Translator, role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


def _roles_lines(_: Translator, profile: Profile) -> list[str]:
    return [
        _("• {role} — {org} ({code})", role=role_label(_, g.role), org=g.org_name, code=g.org_code)
        for g in profile.roles
    ]


@handler(bound=False)
async def start(req: Req) -> None:
    args = req.context.args or []
    code = "".join(args).strip()
    if not code:
        if req.profile.bound:
            await show_menu(req)
        else:
            await req.reply(stranger_text(req._))
        return
    result = await invites_uc.redeem(req.ctx, user_id=req.user_id, code=code)
    _ = req._
    if result.outcome is Outcome.THROTTLED:
        assert result.retry_at is not None
        await req.reply(
            _(
                "Too many wrong codes. Please try again after {time}.",
                time=_.clock(result.retry_at, req.ctx.config.timezone),
            )
        )
        return
    if result.outcome is Outcome.UNKNOWN:
        await req.reply(
            _(
                "That invite code is not valid. Check it letter by letter, or ask the"
                " committee office for a new one."
            )
        )
        return
    if result.outcome is Outcome.EXPIRED:
        await req.reply(_("That invite code has expired. Ask the committee office for a new one."))
        return
    if result.outcome is Outcome.USED:
        await req.reply(
            _(
                "That invite code has already been used. Each code works once: ask"
                " the committee office for your own."
            )
        )
        return
    assert result.org is not None and result.role is not None
    if result.outcome is Outcome.REMOVED:
        await req.reply(
            _(
                "You used this code before, but your role of {role} of {org} has been"
                " withdrawn since, and a code works only once. If you should still have it,"
                " ask the committee office for a new code.",
                role=role_label(_, result.role),
                org=result.org.name,
            )
        )
        return
    profile = await users_uc.profile(req.ctx, req.user_id)
    assert profile is not None
    req.profile = profile
    if result.outcome is Outcome.ALREADY:
        await req.reply(
            _(
                "You are already {role} of {org}.",
                role=role_label(_, result.role),
                org=result.org.name,
            )
        )
    else:
        await req.reply(
            _(
                "Welcome! You are now {role} of {org}.",
                role=role_label(_, result.role),
                org=result.org.name,
            )
        )
    await set_user_commands(req)
    await show_menu(req)


@handler()
async def help_command(req: Req) -> None:
    await show_help(req)


async def show_help(req: Req) -> None:
    _ = req._
    lines = [_("What you can do here:")]
    for spec in req.registry.commands_for(audiences_of(req.profile)):
        lines.append(f"/{spec.name} — {_(spec.description)}")
    lines.append("")
    lines.append(
        _(
            "Buttons do most of the work: press /menu. Dates can be typed as 5/3,"
            " 05/03/2025 or “hôm nay”."
        )
    )
    await req.reply("\n".join(lines))


async def show_menu(req: Req) -> None:
    _ = req._
    rows: list[list[tuple[str, str]]] = []
    cell = req.profile.current_cell
    header = _("Main menu.")
    if cell is not None:
        header = _("Main menu — {org}.", org=cell.org_name)
    elif len(req.profile.cells) > 1:
        header = _("Main menu. You work in several cells: choose one first.")
    for entry in req.registry.menu_for(req.profile):
        if entry.audience == "cell" and cell is None:
            continue
        rows.append([(_(entry.label), entry.data)])
    if len(req.profile.cells) > 1:
        rows.append([(_("Choose the cell to work in"), cb("cell", "pick"))])
    rows.append([(_("Language / Ngôn ngữ"), cb("lang", "ask")), (_("Who am I"), cb("me", "show"))])
    await req.show(header, rows)


@handler()
async def menu_command(req: Req) -> None:
    await show_menu(req)


@handler(bound=False)
async def lang_command(req: Req) -> None:
    """`/lang en` and `/lang vi` switch at once; bare `/lang` (or another code) asks."""
    wanted = " ".join(req.context.args or []).strip().lower()
    if wanted in LOCALES:
        await _set_language(req, wanted)
        return
    await _ask_language(req)


async def _ask_language(req: Req) -> None:
    await req.show(
        req._("Choose your language:"),
        [[(LANGUAGE_NAMES[lang], cb("lang", "set", lang)) for lang in LOCALES]],
    )


async def _set_language(req: Req, lang: str) -> None:
    await users_uc.set_language(req.ctx, req.user_id, lang)
    req._ = translator(lang)
    await req.show(
        req._("Language set to English.") if lang == "en" else req._("Đã chuyển sang tiếng Việt.")
    )
    if req.profile.bound:
        await set_user_commands(req)


@handler()
async def cancel(req: Req) -> None:
    """Drop the screen the user sees last; other unfinished work stays, and is named."""
    dropped = await drafts_uc.clear_latest(req.ctx, req.user_id)
    if dropped is None:
        await req.reply(req._("There is nothing to cancel."))
        return
    text = req._("Cancelled. Nothing was saved.")
    kept = await drafts_uc.kept(req.ctx, req.user_id)
    if not kept:
        await req.reply(text)
        return
    more, rows = kept_lines(req, kept)
    await req.reply(f"{text}\n\n{more}", rows)


@handler()
async def whoami(req: Req) -> None:
    await _show_whoami(req)


async def _show_whoami(req: Req) -> None:
    _ = req._
    p = req.profile
    if channels_uc.is_telegram_user(p.user.tg_id):
        first = _("You are {name} (Telegram id {id}).", name=p.user.full_name, id=p.user.tg_id)
    else:  # bound on Zalo only: no Telegram id, the number the committee's tools know her by
        first = _("You are {name} (on Zalo only; user number {id}).", name=p.user.full_name,
                  id=p.user.tg_id)  # fmt: skip
    lines = [first]
    lines.append(_("Your roles:"))
    lines.extend(_roles_lines(_, p))
    cell = p.current_cell
    if cell is not None and len(p.cells) > 1:
        lines.append(_("Working now in: {org}.", org=cell.org_name))
    await req.show("\n".join(lines), [[(_("« Menu"), cb("menu", "main"))]])


async def _pick_cell(req: Req) -> None:
    rows = [[(g.org_name, cb("cell", "use", g.org_id))] for g in req.profile.cells]
    await req.show(req._("Which cell do you want to work in?"), rows)


async def _use_cell(req: Req, org_id: int) -> None:
    _ = req._
    grant = await users_uc.choose_cell(req.ctx, req.user_id, org_id)
    profile = await users_uc.profile(req.ctx, req.user_id)
    assert profile is not None
    req.profile = profile
    await req.notify(_("Now working in {org}.", org=grant.org_name))
    await show_menu(req)


async def set_user_commands(req: Req) -> None:
    """Per-chat command list for this user's roles, in their language."""
    specs = req.registry.commands_for(audiences_of(req.profile))
    commands = [(s.name, req._(s.description)[:256]) for s in specs]
    with contextlib.suppress(TelegramError):  # the default command list still applies
        await req.context.bot.set_my_commands(commands, scope=BotCommandScopeChat(req.user_id))


def register(app: App) -> None:
    reg = registry_of(app)
    for spec in (
        CommandSpec("start", N_("Start, or bind with an invite code"), "all", 0),
        CommandSpec("menu", N_("Main menu with buttons"), "all", 1),
        CommandSpec("help", N_("What I can do for you"), "all", 2),
        CommandSpec("whoami", N_("Your roles and organisations"), "all", 90),
        CommandSpec("lang", N_("Language: Tiếng Việt / English"), "all", 91),
        CommandSpec("cancel", N_("Stop what you are doing; nothing is saved"), "all", 92),
    ):
        reg.add_command(spec)
    reg.add_menu(MenuEntry(N_("Help"), cb("help", "show"), "all", 900))
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("menu", menu_command))
    app.add_handler(CommandHandler("lang", lang_command))
    app.add_handler(CommandHandler("cancel", cancel))
    app.add_handler(CommandHandler("whoami", whoami))
    reg.add_routes("menu", {"main": Route(show_menu)})
    reg.add_routes("help", {"show": Route(show_help)})
    reg.add_routes(
        "lang",
        {
            "ask": Route(_ask_language, bound=False),
            "set": Route(_set_language, choice(*LOCALES), bound=False),
        },
    )
    reg.add_routes("me", {"show": Route(_show_whoami)})
    reg.add_routes("cell", {"pick": Route(_pick_cell), "use": Route(_use_cell, INT)})

"""Wiring: build the python-telegram-bot Application around an AppContext, run it.

The same `build_application` serves `chibo run`, `chibo demo` and the end-to-end tests (which
point `base_url` at the local Bot API emulator), and `running(app)` drives it the same way for
all three: initialize, PTB's `post_init` hook (`on_startup`), start polling (or PTB's webhook
server), and on exit stop, shutdown and the `post_shutdown` hook.

Handlers receive a `handlers.common.ChiboContext` (registered with `ContextTypes`); what the
features register lives in the Application (`handlers.registry.registry_of(app)`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from datetime import timedelta
from types import ModuleType
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest

from chibo.bot import features
from chibo.bot.logsafety import Outage, describe, redact
from chibo.bot.updates import PerUserUpdates, favour_the_event_loop
from chibo.handlers import errors, flows, members, routing
from chibo.handlers.common import CONTEXT_TYPES, App
from chibo.handlers.registry import registry_of
from chibo.rules.messages import N_
from chibo.usecases import installation
from chibo.usecases.config import WebhookConfig
from chibo.usecases.context import AppContext
from chibo.usecases.i18n import LOCALES, Translator, translator

log = logging.getLogger("chibo")


#: Messages a second the bot sends at most (every chat together).
OVERALL_MAX_RATE = 28


def build_application(
    ctx: AppContext,
    *,
    token: str,
    base_url: str = "",
    base_file_url: str = "",
    rate_limit: bool = True,
    modules: Iterable[ModuleType] | None = None,
    channel: str = "telegram",
    requests: tuple[BaseRequest, BaseRequest] | None = None,
    concurrent: bool = True,
) -> App:
    """The Application with every feature's handlers (or only `modules`, for tests).
    `channel` names the messenger; `requests` (for the API calls and for `getUpdates`) replace
    PTB's HTTP requests: the Zalo bridge (`bot.zalo`) presents Zalo as a Bot API this way.

    Updates of different users are handled concurrently, each user's in arrival order
    (`bot.updates.PerUserUpdates`); `concurrent=False` restores PTB's one-at-a-time processing
    (the latency benchmark compares the two)."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if concurrent:
        builder = builder.concurrent_updates(PerUserUpdates())
        favour_the_event_loop()  # heavy work runs in threads: hand the GIL back sooner
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if requests is not None:
        builder = builder.request(requests[0]).get_updates_request(requests[1])
    if rate_limit:
        # 28 a second, a margin under Telegram's 30 so that network jitter does not tip a
        # burst of reminders into 429s (benchmarks/bench_sweep.py)
        limiter = AIORateLimiter(overall_max_rate=OVERALL_MAX_RATE, max_retries=3)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    app = builder.build()
    app.bot_data["ctx"] = ctx
    app.bot_data["channel"] = channel
    app.bot_data["outage"] = Outage(log)
    app.add_handler(TypeHandler(Update, _telegram_is_back), group=-1000)
    registry_of(app)  # this Application's own registry, filled by the features below
    for module in modules if modules is not None else default_features():
        module.register(app)
    members.register(app)  # blocked / unblocked: my_chat_member updates
    flows.register(app)  # catch-alls last: the first matching handler of a group wins
    app.add_handler(CallbackQueryHandler(routing.dispatch))  # every button, by declared route
    errors.register(app)
    return app


async def _telegram_is_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An update arrived, so polling works: end a logged outage (one line)."""
    outage = context.application.bot_data.get("outage")
    if isinstance(outage, Outage):
        outage.recovered()


def default_features() -> list[ModuleType]:
    return list(features.HANDLER_MODULES)


async def on_startup(app: App) -> None:
    """`post_init`, after login: remember the bot's username, publish commands, run the
    features' start-up hooks."""
    ctx: AppContext = app.bot_data["ctx"]
    if app.bot_data.get("channel", "telegram") == "telegram":
        await installation.remember_bot_username(ctx, app.bot.username)
        await publish_commands(app)
    if not app.bot_data.get("primary", True):
        return  # another channel's Application runs the sweeps and backups
    for hook in features.STARTUP_HOOKS:
        await hook(app)


async def on_shutdown(app: App) -> None:
    """`post_shutdown`: the features' shutdown hooks (after the last update was handled)."""
    for hook in features.SHUTDOWN_HOOKS:
        try:
            await hook(app)
        except Exception:
            log.exception("shutdown hook %s failed", hook)


async def publish_commands(app: App) -> None:
    """Default command lists (for every user) in Vietnamese and English."""
    specs = registry_of(app).commands_for({"all"})
    for lang in LOCALES:
        _ = translator(lang)
        commands = [BotCommand(s.name, _(s.description)[:256]) for s in specs]
        try:
            await app.bot.set_my_commands(
                commands, scope=BotCommandScopeDefault(), language_code=lang
            )
            if lang == "vi":
                await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault())
        except TelegramError:
            log.warning("could not publish the %s command list", lang, exc_info=True)


@asynccontextmanager
async def running(
    app: App, *, poll_timeout: float = 10.0, webhook: WebhookConfig | None = None
) -> AsyncIterator[App]:
    """Start the application with long polling or, given a `webhook` in webhook mode, PTB's own
    webhook server (tornado, from the `webhooks` extra) on `webhook.listen`:`webhook.port` at the
    path of `webhook.webhook_url`, registered with `setWebhook` and its secret token (PTB answers
    403 to a call without it); stop it cleanly on exit.

    This does what `run_polling`/`run_webhook` do (initialize, `post_init`, start the updater,
    start; on exit stop the updater, stop, shutdown, `post_shutdown`) without their blocking
    loop: `chibo run` runs several channels (Telegram, Zalo) in one process and event loop, so
    each is entered as a context manager here instead."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        outage = app.bot_data.get("outage")
        try:
            if webhook is not None and webhook.mode == "webhook":
                await app.updater.start_webhook(
                    listen=webhook.listen,
                    port=webhook.port,
                    url_path=urlsplit(webhook.webhook_url).path.lstrip("/"),
                    webhook_url=webhook.webhook_url,
                    secret_token=webhook.webhook_secret,
                    allowed_updates=Update.ALL_TYPES,
                    drop_pending_updates=False,
                )
            else:
                await app.updater.start_polling(
                    poll_interval=0.0,
                    timeout=timedelta(seconds=poll_timeout),
                    allowed_updates=Update.ALL_TYPES,
                    drop_pending_updates=False,
                    # one log line per outage instead of a traceback per failed poll
                    error_callback=outage.failed if isinstance(outage, Outage) else None,
                )
            await app.start()
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


FIRST_WAIT = 1.0
MAX_WAIT = 60.0

#: How a channel is named in start-up errors: its name and where its token is configured.
CHANNEL_NAMES = {
    "telegram": ("Telegram", "CHIBO_TELEGRAM_TOKEN", "telegram"),
    "zalo": ("Zalo", "CHIBO_ZALO_TOKEN", "zalo"),
}
REJECTED_TOKEN = N_(
    "{channel} rejected the bot token ({error}): check {variable} or [{section}] token"
)
UNREACHABLE = N_("cannot reach {channel} ({error})")
REFUSED = N_("{channel} refused the bot's call ({error}): check the [{section}] settings")
TRYING_AGAIN = N_("{problem}; trying again in {n} s")


class ChannelFailed(Exception):
    """A channel other than Telegram could not start (`bot.channels.running_channels`): the
    error and the channel it came from, so the start-up message names the right one."""

    def __init__(self, channel: str, error: Exception) -> None:
        super().__init__(f"{channel}: {error}")
        self.channel = channel
        self.error = error


def start_problem(_: Translator, channel: str, exc: Exception, token: str = "") -> str | None:
    """The one line for a channel that could not start, or None when `exc` is no start-up
    failure (no network, a rejected token, a refused call)."""
    name, variable, section = CHANNEL_NAMES.get(channel, (channel, "", channel))
    error = redact(describe(exc), (token,))
    if isinstance(exc, InvalidToken):
        return _(REJECTED_TOKEN, channel=name, error=error, variable=variable, section=section)
    if isinstance(exc, BadRequest):  # reached, and told the call is wrong (a webhook URL…)
        return _(REFUSED, channel=name, error=error, section=section)
    if isinstance(exc, NetworkError) or (channel != "telegram" and isinstance(exc, TelegramError)):
        return _(UNREACHABLE, channel=name, error=error)
    return None


async def serve(
    build: Callable[[], App],
    stop: asyncio.Event,
    *,
    pause: Callable[[float], Awaitable[object]] | None = None,
    run: Callable[[App], AbstractAsyncContextManager[App]] = running,
    _: Translator | None = None,
) -> None:
    """Run the bot until `stop` is set. When a channel cannot be reached at start (no network,
    a rejected token, a refused `setWebhook`) log one line naming the channel and the cause
    and try again with back-off (1 s, 2 s, … up to a minute) instead of failing with a
    traceback. `_`: the language of those lines (English by default)."""

    async def until_stopped(seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    _ = _ or translator("en")
    pause = pause or until_stopped
    wait = FIRST_WAIT
    while not stop.is_set():
        app = build()
        try:
            async with run(app):
                log.info("chibo is running as @%s; Ctrl+C to stop", app.bot.username)
                await stop.wait()
                return
        except (TelegramError, ChannelFailed) as exc:
            channel, error = (
                (exc.channel, exc.error) if isinstance(exc, ChannelFailed) else ("telegram", exc)
            )
            apps = app.bot_data.get("channels") or {"telegram": app}
            token = apps[channel].bot.token if channel in apps else app.bot.token
            problem = start_problem(_, channel, error, token)
            if problem is None:
                raise
            seconds = f"{wait:g}"
            log.error("%s", _(TRYING_AGAIN, problem=problem, n=seconds))
        await pause(wait)
        wait = min(wait * 2, MAX_WAIT)

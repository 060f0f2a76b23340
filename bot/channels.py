"""Several messengers in one process: the Zalo Application, webhooks, reminder routing.

- `build_zalo_application` builds the same Application as Telegram's (every feature) over the
  Zalo bridge (`bot.zalo`); `running_zalo` runs it by long polling or behind a webhook.
- `connect(apps)` tells each Application about the others: the first one (Telegram when
  configured) runs the reminder sweeps and backups, the rest only answer users.
- `notifier_for(app)` is the seam the reminder sweep delivers through: each recipient gets the
  reminder once, on the channel `usecases.channels.reminders_channel` picks for them, through
  that channel's `TelegramNotifier` (on Zalo the bridge turns its buttons into numbers). The
  claims stay per (reminder, recipient): the channel changes nothing in exactly-once.
- `webhook_app` is the small aiohttp server for Zalo's webhook: it refuses any call without
  the right `X-Bot-Api-Secret-Token` (403) and feeds the update to the Application.
- Files on Zalo: with `[web] public_url` the Zalo Application gets a `bot.web_files.FileShelf`
  (download links for the files it sends, upload links for a roster import, whose file is fed
  to the Application as a document message from that user); `running_channels` serves it on
  `[web] listen`:`port`, or on the Zalo webhook's server when both use the same address.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from aiohttp import web
from aiohttp.log import access_logger
from telegram import Update
from telegram.error import TelegramError

from chibo.handlers.common import App
from chibo.handlers.reminders import TelegramNotifier
from chibo.usecases import channels as channels_uc
from chibo.usecases.config import Config, WebConfig, ZaloConfig
from chibo.usecases.context import AppContext
from chibo.usecases.reminders import DeliveryResult, Digest, Notifier, Outgoing, RetryLater

log = logging.getLogger("chibo.channels")

SECRET_HEADER = "X-Bot-Api-Secret-Token"


def build_zalo_application(
    ctx: AppContext,
    zalo: ZaloConfig,
    *,
    rate_limit: bool = True,
    modules: Any = None,
    web: WebConfig | None = None,
) -> App:
    """The Zalo Application; `web` (default: the configuration's `[web]`) gives it links for
    files when its `public_url` is set."""
    from chibo.bot.app import build_application
    from chibo.bot.zalo import Bridge, ZaloClient, ZaloRequest
    from chibo.handlers.registry import registry_of

    bridge = Bridge(ctx, ZaloClient(zalo.token, zalo.base_url))
    web = ctx.config.web if web is None else web
    app = build_application(
        ctx,
        token=zalo.token,
        base_url="zalo://bridge/bot",
        rate_limit=rate_limit,
        modules=modules,
        channel="zalo",
        requests=(ZaloRequest(bridge), ZaloRequest(bridge)),
    )
    app.bot_data["zalo_bridge"] = bridge
    bridge.text_kinds = frozenset(registry_of(app).text_flows)
    if web.enabled:
        attach_files(app, web)
    return app


def attach_files(app: App, web: WebConfig) -> None:
    """Links for files on this Zalo Application: the bridge turns sent files into download
    links; `bot_data["upload_link"]` gives the roster import its upload link, whose file comes
    back into the Application as the user's document message."""
    from chibo.bot.web_files import FileShelf, UploadSlot
    from chibo.bot.zalo import Bridge
    from chibo.handlers.roster_common import BROWSE
    from chibo.usecases import drafts as drafts_uc
    from chibo.usecases import users as users_uc

    bridge: Bridge = app.bot_data["zalo_bridge"]
    ctx = bridge.ctx
    shelf = FileShelf(ctx, web)

    async def deliver(slot: UploadSlot, name: str, data: bytes) -> None:
        # the cell that asked is the one the file goes to: its roster screen, as on Telegram
        await drafts_uc.start(
            ctx, slot.user_id, BROWSE, "list", org_id=slot.org_id, data={"q": None}
        )
        profile = await users_uc.profile(ctx, slot.user_id)
        full_name = profile.user.full_name if profile else "Zalo"
        file_id = shelf.keep_received(name, data)
        message = {
            "message_id": bridge.next_message_id(),
            "date": int(ctx.clock.now().timestamp()),
            "chat": {"id": slot.user_id, "type": "private"},
            "from": {"id": slot.user_id, "is_bot": False, "first_name": full_name or "Zalo"},
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": name,
                "file_size": len(data),
            },
        }
        update = {"update_id": bridge.next_update_id(), "message": message}
        await app.update_queue.put(Update.de_json(update, app.bot))

    shelf.deliver = deliver
    bridge.files = shelf
    app.bot_data["web_files"] = shelf
    app.bot_data["upload_link"] = shelf.upload_link


def connect(apps: Mapping[str, App]) -> None:
    """Every Application knows the others (for reminders); the first is the primary."""
    for i, app in enumerate(apps.values()):
        app.bot_data["channels"] = dict(apps)
        app.bot_data["primary"] = i == 0


class ChannelNotifier:
    """Delivers each reminder on its recipient's chosen channel (exactly one of them)."""

    def __init__(self, ctx: AppContext, notifiers: Mapping[str, Notifier]) -> None:
        self.ctx = ctx
        self.notifiers = notifiers

    async def _notifier(self, user_id: int) -> Notifier | str:
        channel = await channels_uc.reminders_channel(self.ctx, user_id)
        return self.notifiers.get(channel) or f"the {channel} channel is not running"

    async def deliver(self, item: Outgoing) -> DeliveryResult:
        notifier = await self._notifier(item.user.tg_id)
        if isinstance(notifier, str):
            return RetryLater(notifier)
        return await notifier.deliver(item)

    async def deliver_digest(self, digest: Digest) -> DeliveryResult:
        notifier = await self._notifier(digest.user.tg_id)
        if isinstance(notifier, str):
            return RetryLater(notifier)
        return await notifier.deliver_digest(digest)


def notifier_for(app: App) -> Notifier:
    ctx: AppContext = app.bot_data["ctx"]
    apps: Mapping[str, App] = app.bot_data.get("channels") or {
        app.bot_data.get("channel", "telegram"): app
    }
    locale = ctx.config.default_locale
    return ChannelNotifier(
        ctx, {name: TelegramNotifier.for_app(a, locale) for name, a in apps.items()}
    )


def webhook_app(
    app: App, secret: str, path: str = "/zalo", *, files: Any = None
) -> web.Application:
    """The aiohttp server Zalo calls: checks the secret header `X-Bot-Api-Secret-Token`
    (anything else is refused with 403), then feeds the update to the Application. (Telegram's
    webhook is PTB's own server, see `bot.app.running`.) With `files` (a
    `bot.web_files.FileShelf`) it serves the file links too."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("zalo webhook: a call without the right secret was refused")
            return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        zalo = body.get("result") if isinstance(body, dict) else None
        update = await app.bot_data["zalo_bridge"].to_telegram(zalo)
        if update is not None:
            await app.update_queue.put(Update.de_json(update, app.bot))
        return web.json_response({"ok": True})

    if files is not None:  # the file links share this server (`[web]` on the same address)
        from chibo.bot.web_files import files_app

        server = files_app(files)
    else:
        server = web.Application()
    server.router.add_post(path, receive)
    return server


@asynccontextmanager
async def serving_webhook(
    app: App, *, secret: str, path: str, listen: str, port: int, files: Any = None
) -> AsyncIterator[None]:
    """The Zalo webhook server of one Application, for as long as the block runs (with the
    file links of `files`, a `bot.web_files.FileShelf`, when given)."""
    server = webhook_app(app, secret, path, files=files)
    # the file links' paths hold their tokens: no access log then
    runner = web.AppRunner(server, access_log=None if files is not None else access_logger)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
        yield
    finally:
        await runner.cleanup()


def build_channels(ctx: AppContext, config: Config) -> App:
    """The configured channels' Applications, connected; the primary one (Telegram when it
    is configured) is returned, the others are in its `bot_data["channels"]`."""
    from chibo.bot.app import build_application

    apps: dict[str, App] = {}
    if config.telegram.token:
        apps["telegram"] = build_application(
            ctx,
            token=config.telegram.token,
            base_url=config.telegram.base_url,
            base_file_url=config.telegram.base_file_url,
        )
    if config.zalo.token:
        apps["zalo"] = build_zalo_application(ctx, config.zalo)
    connect(apps)
    return next(iter(apps.values()))


@asynccontextmanager
async def running_channels(primary: App) -> AsyncIterator[App]:
    """Run every connected channel (each by polling or webhook, as configured)."""
    from chibo.bot.app import ChannelFailed, running
    from chibo.bot.web_files import serving_files
    from chibo.bot.zalo import ZaloError

    ctx: AppContext = primary.bot_data["ctx"]
    apps: Mapping[str, App] = primary.bot_data.get("channels") or {"telegram": primary}
    async with AsyncExitStack() as stack:
        for name, app in apps.items():
            if name == "zalo":
                zalo, web_config = ctx.config.zalo, ctx.config.web
                shelf = app.bot_data.get("web_files")
                shared = shelf is not None and _same_address(zalo, web_config)
                if shelf is not None and not shared:
                    await stack.enter_async_context(
                        serving_files(shelf, listen=web_config.listen, port=web_config.port)
                    )
                    log.info("file links are served on %s:%s", web_config.listen, web_config.port)
                try:
                    await stack.enter_async_context(
                        running_zalo(app, zalo, files=shelf if shared else None)
                    )
                except (TelegramError, ZaloError, httpx.HTTPError) as exc:
                    # `serve` names the channel in its one line and tries again
                    raise ChannelFailed(name, exc) from exc
            else:
                await stack.enter_async_context(running(app, webhook=ctx.config.telegram_webhook))
            log.info("channel %s is running", name)
        yield primary


def _same_address(zalo: ZaloConfig, web_config: WebConfig) -> bool:
    """The Zalo webhook and the file links on one address: one server serves both."""
    return zalo.mode == "webhook" and (zalo.listen, zalo.port) == (
        web_config.listen,
        web_config.port,
    )


@asynccontextmanager
async def running_zalo(
    app: App, zalo: ZaloConfig, *, poll_timeout: float = 30.0, files: Any = None
) -> AsyncIterator[App]:
    """Run the Zalo Application by long polling or, with `mode = "webhook"`, behind the
    webhook server on `zalo.listen`:`zalo.port` (registered with `setWebhook`; serving the
    file links of `files` too when given)."""
    from chibo.bot.app import running

    if zalo.mode != "webhook":
        async with running(app, poll_timeout=poll_timeout):
            yield app
        return
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            async with serving_webhook(
                app,
                secret=zalo.webhook_secret,
                path=zalo.webhook_path,
                listen=zalo.listen,
                port=zalo.port,
                files=files,
            ):
                # through the bridge: a failure is a `TelegramError` as for the other calls
                await app.bot.set_webhook(zalo.webhook_url, secret_token=zalo.webhook_secret)
                yield app
        finally:
            if app.running:
                await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)

"""The last resort: log the failure with its update, tell the user briefly, never a traceback.

After a button press the apology is the press's answer (an alert): `@handler` leaves a press
it failed on unanswered for it. When the press was answered before the failure (a toast), the
apology comes as a message instead: either way the user hears about it once.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from chibo.handlers.common import App, app_context
from chibo.usecases import users as users_uc
from chibo.usecases.dbfaults import explain, is_database_error
from chibo.usecases.i18n import locale_for, translator

log = logging.getLogger("chibo.errors")


def _handler_of(err: BaseException | None) -> str:
    """The innermost function outside the libraries in the traceback (the handler, job, use
    case or storage function that failed)."""
    found = "?"
    tb = err.__traceback__ if err is not None else None
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.split(".", 1)[0] not in _LIBRARIES and module != __name__:
            found = f"{module}.{tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return found


_LIBRARIES = ("telegram", "asyncio", "contextlib", "functools", "aiosqlite", "sqlite3", "httpx")


def _ids(update: object) -> str:
    """Update, user and chat ids and the kind of update: never what the user typed."""
    if not isinstance(update, Update):
        return "no update (a job)" if update is None else type(update).__name__
    user, chat = update.effective_user, update.effective_chat
    kind = "callback" if update.callback_query is not None else "message"
    if update.effective_message is not None and update.effective_message.document is not None:
        kind = "file"
    return (
        f"update {update.update_id} ({kind}), user {user.id if user else '-'},"
        f" chat {chat.id if chat else '-'}"
    )


def log_failure(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One log entry for a failure: ids and the handler, without users' text or personal
    data (the whole update only with `[logging] debug_updates = true`). A database fault is
    one line saying what to do, without a traceback."""
    err = context.error
    where = f"{_ids(update)}, in {_handler_of(err)}"
    ctx = context.application.bot_data.get("ctx")
    config = getattr(ctx, "config", None)
    if is_database_error(err) and err is not None and config is not None:
        log.error("%s: %s", where, explain(err, config.db_path, translator("en")))
        return
    if getattr(config, "debug_updates", False):
        log.error("error while handling %s: %s", where, update, exc_info=err)
        return
    log.error("error while handling %s", where, exc_info=err)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    err = context.error
    log_failure(update, context)
    if not isinstance(update, Update) or isinstance(err, Forbidden | NetworkError):
        return
    user = update.effective_user
    chat = update.effective_chat
    if chat is None or user is None:
        return
    ctx = app_context(context)
    chosen = None
    try:
        profile = await users_uc.profile(ctx, user.id)
        chosen = profile.user.language if profile else None
    except Exception:  # the database may be the very thing that failed
        log.warning("could not read the user's language", exc_info=True)
    _ = translator(locale_for(chosen, user.language_code, ctx.config.default_locale))
    text = _(
        "Sorry, something went wrong on my side and nothing was saved. Please try again"
        " in a moment; if it keeps happening, tell the committee office."
    )
    try:
        if update.callback_query is not None:
            try:  # `@handler` left the press unanswered for this alert …
                await update.callback_query.answer(text[:200], show_alert=True)
                return
            except BadRequest:  # … unless the handler had answered it (a toast) already
                log.info("press already answered; telling the user in the chat")
        await context.bot.send_message(chat.id, text)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)


def register(app: App) -> None:
    app.add_error_handler(on_error)

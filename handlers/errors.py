"""The last resort: log the failure with its update, tell the user briefly, never a traceback."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes

from bot.i18n import locale_for, translator
from handlers.common import app_context
from usecases import users as users_uc

log = logging.getLogger("chibo.errors")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    err = context.error
    log.error("error while handling update %s", update, exc_info=err)
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
            await update.callback_query.answer(text[:200], show_alert=True)
        else:
            await context.bot.send_message(chat.id, text)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)


def register(app: Application) -> None:
    app.add_error_handler(on_error)

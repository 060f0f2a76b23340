"""Group chats: the bot works in private chat only, and says so when addressed there."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes, TypeHandler

from chibo.handlers.common import App, app_context
from chibo.usecases.i18n import locale_for, translator


def _note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    user = update.effective_user
    lang = locale_for(
        None, user.language_code if user else None, app_context(context).config.default_locale
    )
    _ = translator(lang)
    return _(
        "I work only in a private chat, to keep the cell's information private."
        " Please write to me directly."
    )


def _addressed(msg: Message, bot_username: str) -> bool:
    """A command, a mention of the bot, or a reply to one of the bot's messages."""
    if (
        msg.reply_to_message
        and msg.reply_to_message.from_user
        and msg.reply_to_message.from_user.username == bot_username
    ):
        return True
    for entity, text in msg.parse_entities(
        [MessageEntity.BOT_COMMAND, MessageEntity.MENTION]
    ).items():
        if entity.type == MessageEntity.BOT_COMMAND:
            return "@" not in text or text.split("@", 1)[1].lower() == bot_username.lower()
        if text.lstrip("@").lower() == bot_username.lower():
            return True
    return False


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every feature handler; stops any update that is not from a private chat."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(_note(update, context)[:200], show_alert=True)
    elif update.effective_message is not None and _addressed(
        update.effective_message, context.bot.username or ""
    ):
        await update.effective_message.reply_text(_note(update, context))
    raise ApplicationHandlerStop


def register(app: App) -> None:
    app.add_handler(TypeHandler(Update, guard), group=-1)

"""The bot's own membership in a private chat: the user blocked or unblocked it.

Telegram tells the bot with a `my_chat_member` update. A block marks the user so reminders
stop (instead of failing at the next sweep); an unblock is a contact like a message, so
reminders resume even if the user never writes.
"""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler

from chibo.handlers.common import App, ChiboContext, app_context
from chibo.usecases import users as users_uc

_GONE = (ChatMember.BANNED, ChatMember.LEFT)


async def on_my_chat_member(update: Update, context: ChiboContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE or change.from_user.is_bot:
        return
    ctx = app_context(context)
    user = change.from_user
    if change.new_chat_member.status in _GONE:
        await users_uc.blocked_bot(ctx, user.id)
    elif change.old_chat_member.status in _GONE:
        await users_uc.seen(
            ctx,
            tg_id=user.id,
            full_name=user.full_name,
            username=user.username,
            tg_language=user.language_code,
        )


def register(app: App) -> None:
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))

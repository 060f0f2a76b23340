"""The cell's roster on Telegram: the feature's entry point — the /members command, the menu
entry, the declared `roster:<action>[:args]` buttons, and the text and file flows.

Browsing and the member card are in `roster_browse`, adding and editing in `roster_form`,
status changes in `roster_status`, import and export in `roster_files`, shared helpers in
`roster_common`. Every press naming a member re-checks write access to its cell.
"""

from __future__ import annotations

from telegram.ext import CommandHandler

from chibo.handlers.common import EXPIRED, App, Req, cb, open_draft
from chibo.handlers.registry import CommandSpec, MenuEntry, registry_of
from chibo.handlers.roster_browse import (
    browse_text,
    members_command,
    show_card,
    show_list,
    show_page,
)
from chibo.handlers.roster_common import ADD, BROWSE, EDIT, IMPORT, STATUS, F, cancel
from chibo.handlers.roster_files import (
    accept_any_file,
    ask_for_file,
    file_in_flow,
    import_confirmed,
    import_text,
    send_export,
)
from chibo.handlers.roster_form import (
    EDITABLE,
    ask,
    edit_menu,
    flow_text,
    form_button,
    start_add,
    start_edit,
)
from chibo.handlers.roster_status import start_status, status_button, status_menu, status_text
from chibo.handlers.routing import INT, TOKEN, Route, choice, opt
from chibo.rules.messages import N_
from chibo.usecases.drafts import Draft
from chibo.usecases.roster import STATUSES

FLOW_ACTIONS = ("cancel", "save", "dup", "skip", "back", "g", "s", "d")


async def flow_button(req: Req, action: str, arg: str | None) -> None:
    """Buttons inside the add / edit / status flows: roster:f:<action>[:arg]."""
    draft = await open_draft(req, (ADD, EDIT, STATUS), closed=EXPIRED)
    if draft is None:
        return
    if action == "cancel":
        await cancel(req, draft.kind)
        return
    if draft.kind == STATUS:
        await status_button(req, draft, action, arg or "")
    else:
        await form_button(req, draft, action, arg or "")


async def _cancel_import(req: Req) -> None:
    await cancel(req, IMPORT)


async def _page(req: Req, n: int) -> None:
    await show_page(req, n, former=False)


async def _former_page(req: Req, n: int) -> None:
    await show_page(req, n, former=True)


ROUTES = {
    "menu": Route(show_list),
    "list": Route(_page, INT),
    "old": Route(_former_page, INT),
    "view": Route(show_card, INT),
    "add": Route(start_add),
    "edit": Route(edit_menu, INT),
    "ef": Route(start_edit, INT, choice(*EDITABLE)),
    "st": Route(status_menu, INT),
    "sts": Route(start_status, INT, choice(*STATUSES)),
    "imp": Route(ask_for_file),
    "impok": Route(import_confirmed),
    "impno": Route(_cancel_import),
    "exp": Route(send_export, choice("xlsx", "csv")),
    # roster:f:<action>[:arg] inside the add / edit / status flows; the step checks that the
    # action fits it and reads its argument (a gender, a status, a yyyymmdd date)
    "f": Route(flow_button, choice(*FLOW_ACTIONS), opt(TOKEN)),
}


async def _resume(req: Req, draft: Draft) -> None:
    await ask(req, draft, reply=False)


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_command(
        CommandSpec("members", N_("Party members of the cell: list, add, import"), "cell", 20)
    )
    reg.add_menu(MenuEntry(N_("Party members"), cb(F, "menu"), "cell", 20))
    app.add_handler(CommandHandler("members", members_command))
    reg.add_routes(F, ROUTES)
    reg.add_text_flow(BROWSE, browse_text)
    reg.add_text_flow(ADD, flow_text)
    reg.add_text_flow(EDIT, flow_text)
    reg.add_text_flow(STATUS, status_text)
    reg.add_text_flow(IMPORT, import_text)
    reg.add_resumable(ADD, N_("new member form"), _resume)
    reg.add_resumable(EDIT, N_("member record change"), _resume)
    reg.add_resumable(STATUS, N_("status change"), _resume)
    reg.add_resumable(IMPORT, N_("roster import"))
    for kind in (BROWSE, IMPORT):
        reg.add_file_flow(kind, file_in_flow)
    reg.add_default_file_flow(accept_any_file)

"""The cell's roster on Telegram: the feature's entry point — the /members command, the menu
entry, the routing of `roster:<action>[:args]` buttons, and the text and file flows.

Browsing and the member card are in `roster_browse`, adding and editing in `roster_form`,
status changes in `roster_status`, import and export in `roster_files`, shared helpers in
`roster_common`. Every press naming a member re-checks write access to its cell.
"""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from handlers.common import EXPIRED, Req, cb, expired, handler, open_draft
from handlers.flows import DEFAULT_FILE_FLOW, register_file_flow, register_text_flow
from handlers.registry import CommandSpec, MenuEntry, add_command, add_menu
from handlers.roster_browse import browse_text, members_command, show_card, show_list, show_page
from handlers.roster_common import ADD, BROWSE, EDIT, IMPORT, STATUS, F, cancel
from handlers.roster_files import (
    accept_any_file,
    ask_for_file,
    file_in_flow,
    import_confirmed,
    import_text,
    send_export,
)
from handlers.roster_form import EDITABLE, edit_menu, flow_text, form_button, start_add, start_edit
from handlers.roster_status import start_status, status_button, status_menu, status_text
from rules.messages import N_
from storage.members import STATUSES


@handler()
async def flow_callback(req: Req) -> None:
    """Buttons inside the add / edit / status flows: roster:f:<action>[:arg]."""
    data = req.data
    assert data is not None
    action = data.args[0] if data.args else ""
    draft = await open_draft(req, (ADD, EDIT, STATUS), closed=EXPIRED)
    if draft is None:
        return
    if action == "cancel":
        await cancel(req)
        return
    arg = data.args[1] if len(data.args) > 1 else ""
    if draft.kind == STATUS:
        await status_button(req, draft, action, arg)
    else:
        await form_button(req, draft, action, arg)


@handler()
async def roster_callback(req: Req) -> None:
    data = req.data
    assert data is not None
    action = data.action
    n = data.int_arg(0)
    if action == "menu":
        await show_list(req)
    elif action in ("list", "old") and n is not None:
        await show_page(req, n, former=action == "old")
    elif action == "view" and n is not None:
        await show_card(req, n)
    elif action == "add":
        await start_add(req)
    elif action == "edit" and n is not None:
        await edit_menu(req, n)
    elif action == "ef" and n is not None and len(data.args) == 2 and data.args[1] in EDITABLE:
        await start_edit(req, n, data.args[1])
    elif action == "st" and n is not None:
        await status_menu(req, n)
    elif action == "sts" and n is not None and len(data.args) == 2 and data.args[1] in STATUSES:
        await start_status(req, n, data.args[1])
    elif action == "imp":
        await ask_for_file(req)
    elif action == "impok":
        await import_confirmed(req)
    elif action == "impno":
        await cancel(req)
    elif action == "exp" and data.args[:1] in (("xlsx",), ("csv",)):
        await send_export(req, data.args[0])
    else:
        await expired(req)


def register(app: Application) -> None:
    add_command(
        CommandSpec("members", N_("Party members of the cell: list, add, import"), "cell", 20)
    )
    add_menu(MenuEntry(N_("Party members"), cb(F, "menu"), "cell", 20))
    app.add_handler(CommandHandler("members", members_command))
    app.add_handler(CallbackQueryHandler(flow_callback, pattern=r"^roster:f:"))
    app.add_handler(CallbackQueryHandler(roster_callback, pattern=r"^roster:"))
    register_text_flow(BROWSE, browse_text)
    register_text_flow(ADD, flow_text)
    register_text_flow(EDIT, flow_text)
    register_text_flow(STATUS, status_text)
    register_text_flow(IMPORT, import_text)
    for kind in (BROWSE, IMPORT):
        register_file_flow(kind, file_in_flow)
    if accept_any_file not in DEFAULT_FILE_FLOW:
        DEFAULT_FILE_FLOW.append(accept_any_file)

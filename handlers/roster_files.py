"""The roster by file: importing an Excel or CSV file (every row checked first, then saved
on confirmation from a `roster.import` draft) and exporting the roster as a file.

A file is taken while the list is shown, while an import waits, or at any time from a
secretary or deputy when it looks like a roster (.csv, .xlsx, .xls).
"""

from __future__ import annotations

import asyncio
import io

from telegram import InputFile

from chibo.handlers.common import EXPIRED, Req, cb, open_draft, working_cell
from chibo.handlers.flows import start_draft
from chibo.handlers.roster_common import IMPORT, F, browse_draft, list_button
from chibo.rules.messages import N_
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import roster as uc
from chibo.usecases import roster_io
from chibo.usecases.access import require_write
from chibo.usecases.drafts import Draft
from chibo.usecases.file_limits import MAX_UPLOAD_BYTES
from chibo.usecases.i18n import Translator
from chibo.usecases.roster import ImportReport

MAX_FILE_BYTES = MAX_UPLOAD_BYTES
MAX_ERRORS_SHOWN = 20
UPLOAD_LINK = N_(
    "Zalo cannot carry files, so send the roster through this upload page: {url}"
    " (one file, Excel .xlsx or CSV, once; the link expires at {time}). The checked result"
    " comes back here in the chat."
)


def report_text(_: Translator, report: ImportReport, filename: str) -> str:
    if report.errors:
        bad = len({row for row, _ in report.errors})
        lines = [
            _(
                "File {file}: {bad} of {rows} rows have problems. Nothing was saved.",
                file=filename,
                bad=bad,
                rows=report.rows,
            )
        ]
        for row, msg in report.errors[:MAX_ERRORS_SHOWN]:
            lines.append(_("• Row {row}: {problem}", row=row, problem=_.msg(msg)))
        if len(report.errors) > MAX_ERRORS_SHOWN:
            lines.append(_("… and {n} more problems.", n=len(report.errors) - MAX_ERRORS_SHOWN))
        lines.append(_("Correct these rows and send the file again."))
        return "\n".join(lines)
    head = (
        _("Imported {file}: {rows} rows.", file=filename, rows=report.rows)
        if report.written
        else _("File {file}: {rows} rows, all correct.", file=filename, rows=report.rows)
    )
    counts = _(
        "New members: {created}. Updated: {updated}. Unchanged: {unchanged}.",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    return f"{head}\n{counts}"


async def check_file(req: Req, org_id: int) -> None:
    """Download the sent roster file, check every row, and ask to confirm if all is well."""
    _ = req._
    msg = req.update.effective_message
    doc = msg.document if msg else None
    if doc is None:
        return
    filename = doc.file_name or "roster"
    if doc.file_size and doc.file_size > MAX_FILE_BYTES:
        await req.reply(
            _("The file is too large (more than {mb} MB).", mb=MAX_FILE_BYTES // 1024 // 1024)
        )
        return
    tg_file = await req.context.bot.get_file(doc.file_id)
    data = bytes(await tg_file.download_as_bytearray())
    # off the event loop: a big file must not freeze the bot for everyone else
    table = await asyncio.to_thread(roster_io.read_table, data, filename)
    report = await uc.import_table(
        req.ctx, actor=req.user_id, org_id=org_id, table=table, dry_run=True, source=filename
    )
    text = report_text(_, report, filename)
    if report.errors:
        await browse_draft(req, org_id, None)
        await req.reply(text, [[list_button(_)]])
        return
    if not (report.created or report.updated):
        await browse_draft(req, org_id, None)
        await req.reply(
            text + "\n" + _("Nothing to change: the roster already matches the file."),
            [[list_button(_)]],
        )
        return
    await start_draft(
        req,
        IMPORT,
        "confirm",
        org_id=org_id,
        data={"table": table.to_json(), "file": filename},
    )
    await req.reply(
        text + "\n" + _("Save these changes to the roster?"),
        [[(_("✅ Import"), cb(F, "impok"))], [(_("Cancel"), cb(F, "impno"))]],
    )


async def file_in_flow(req: Req, draft: Draft) -> None:
    if draft.org_id is None:
        return
    await require_write(req.ctx, req.user_id, draft.org_id)
    await check_file(req, draft.org_id)


async def accept_any_file(req: Req) -> bool:
    """A roster file sent at any time by a secretary or deputy (no conversation open)."""
    msg = req.update.effective_message
    doc = msg.document if msg else None
    name = (doc.file_name or "").lower() if doc else ""
    if not name.endswith((".csv", ".xlsx", ".xls")) or not req.profile.cells:
        return False
    org_id = await working_cell(req)  # asks to choose a cell first when there are several
    if org_id is not None:
        await check_file(req, org_id)
    return True


async def import_confirmed(req: Req) -> None:
    _ = req._
    draft = await open_draft(req, (IMPORT,), closed=EXPIRED)
    if draft is None or draft.org_id is None:
        return
    table = roster_io.Table.from_json(draft.data["table"])
    filename = str(draft.data.get("file", ""))
    report = await uc.import_table(
        req.ctx, actor=req.user_id, org_id=draft.org_id, table=table, source=filename
    )
    await drafts_uc.clear(req.ctx, req.user_id, (IMPORT,))
    await req.show(report_text(_, report, filename), [[list_button(_)]])


async def ask_for_file(req: Req) -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    _ = req._
    cell = req.profile.current_cell
    bot_data = req.context.application.bot_data
    upload_link = bot_data.get("upload_link")
    if bot_data.get("channel") == "zalo" and cell is not None and upload_link is not None:
        # Zalo carries no files: a short-lived upload page, whose file comes back here
        await require_write(req.ctx, req.user_id, org_id)
        await browse_draft(req, org_id, None)
        url, expires = upload_link(req.user_id, org_id, cell.org_name, _.locale)
        local = expires.astimezone(req.ctx.config.timezone)
        when = f"{local:%H:%M} {_.date(local.date())}"
        await req.show(_(UPLOAD_LINK, url=url, time=when), [[list_button(_)]])
        return
    if bot_data.get("channel") == "zalo" and cell is not None:
        # Zalo carries no files: say where the import can be done instead of waiting for one
        await req.show(
            _(
                "Zalo cannot carry files, so the roster cannot be imported here. Import it in"
                " the bot on Telegram (Party members → Import a file), or ask whoever runs the"
                " bot to run: chibo roster import FILE --org {code}",
                code=cell.org_code,
            ),
            [[list_button(_)]],
        )
        return
    await browse_draft(req, org_id, None)
    headers = ", ".join(h for _, h in roster_io.TEMPLATE)
    await req.show(
        _(
            "Send the roster as an Excel (.xlsx) or CSV file, one member per row,"
            " with these column headers in the first row:\n{headers}\n\nOnly “Họ và"
            " tên” and “Ngày sinh” are required; dates as dd/mm/yyyy. Every row is"
            " checked first and nothing is saved until you confirm. Tip: export the"
            " roster to get a ready template.",
            headers=headers,
        ),
        [[(_("📤 Export to Excel"), cb(F, "exp", "xlsx"))], [list_button(_)]],
    )


async def send_export(req: Req, fmt: str) -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    exported = await uc.export_roster(req.ctx, actor=req.user_id, org_id=org_id, fmt=fmt)
    chat = req.update.effective_chat
    assert chat is not None
    await req.notify(req._("Preparing the file…"))
    await req.context.bot.send_document(
        chat.id,
        document=InputFile(io.BytesIO(exported.data), filename=exported.filename),
        caption=req._(
            "Roster: {n} members. Edit it and send it back to update the roster.", n=exported.count
        ),
    )


async def import_text(req: Req, draft: Draft) -> None:
    """Typed text while a checked file waits for confirmation."""
    await req.reply(req.use_buttons())

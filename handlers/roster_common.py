"""What the roster screens share: callback prefix and draft kinds, the card's field labels,
value formatting, the user's cell, the open draft, and small reply helpers.

Used by `roster_browse`, `roster_form`, `roster_status`, `roster_files`, `roster` (the
feature's entry point) and by `probation`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chibo.handlers.common import Keyboard, Req, cb
from chibo.handlers.flows import start_draft
from chibo.rules.messages import N_
from chibo.rules.text import mask_cccd
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import roster as uc
from chibo.usecases.i18n import Translator
from chibo.usecases.roster import GENDER_LABELS, STATUS_LABELS

F = "roster"
BROWSE, ADD, EDIT, STATUS, IMPORT = (
    "roster.browse",
    "roster.add",
    "roster.edit",
    "roster.status",
    "roster.import",
)
Rows = list[list[tuple[str, str]]]
CANCELLED = N_("Cancelled. Nothing was saved.")

CARD_LABELS = {
    "full_name": N_("Full name"),
    "birth_date": N_("Birth date"),
    "gender": N_("Gender"),
    "card_no": N_("Party card number"),
    "cccd": N_("ID card number"),
    "decision_date": N_("Admission decision date"),
    "ceremony_date": N_("Admission ceremony date"),
    "official_date": N_("Official date"),
    "status": N_("Status"),
    "status_date": N_("Status date"),
}


def status_label(_: Translator, status: str) -> str:
    return _(STATUS_LABELS[status])


def value_text(_: Translator, name: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        return _.date(value)
    if name == "gender":
        return _(GENDER_LABELS[value])
    if name == "status":
        return status_label(_, value)
    if name == "cccd":
        return mask_cccd(value)
    return str(value)


def problems_text(_: Translator, problems: list[uc.Problem]) -> str:
    return "\n".join(f"• {_.msg(p.msg)}" for p in problems)


async def browse_draft(req: Req, org_id: int, query: str | None) -> None:
    await start_draft(req, BROWSE, "list", org_id=org_id, data={"q": query})


def compact_date(arg: str) -> date | None:
    """A date sent in callback data as `yyyymmdd`, or None when malformed."""
    if len(arg) != 8 or not arg.isdigit():
        return None
    try:
        return date(int(arg[:4]), int(arg[4:6]), int(arg[6:]))
    except ValueError:
        return None


def list_button(_: Translator) -> tuple[str, str]:
    """« Party members: back to the first page of the roster."""
    return (_("« Party members"), cb(F, "list", 0))


async def show_or_reply(req: Req, text: str, rows: Keyboard, *, reply: bool) -> None:
    """A new message when answering typed text (`reply`), else edit the pressed one."""
    if reply:
        await req.reply(text, rows)
    else:
        await req.show(text, rows)


async def cancel(req: Req, kind: str) -> None:
    """Drop the open draft of `kind`'s flow: nothing was saved."""
    await drafts_uc.clear(req.ctx, req.user_id, (kind,))
    await req.show(req._(CANCELLED), [[list_button(req._)]])

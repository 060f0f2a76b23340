"""Changing a member's status (transferred out, exempt, removed…): choose the new status,
then its date, in a `roster.status` draft. A probationary member becomes official only
through the probation screens (the committee's decision).
"""

from __future__ import annotations

from datetime import date

from chibo.handlers.common import Req, cb, expired
from chibo.handlers.flows import start_draft
from chibo.handlers.roster_browse import show_card
from chibo.handlers.roster_common import (
    STATUS,
    F,
    Rows,
    compact_date,
    problems_text,
    status_label,
)
from chibo.handlers.roster_form import ask, parse_answer
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import roster as uc
from chibo.usecases.access import require_write
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.roster import STATUSES, RosterInvalid


async def status_menu(req: Req, member_id: int) -> None:
    _ = req._
    member = await uc.member_for(req.ctx, req.user_id, member_id)
    choices = [s for s in STATUSES if s != member.status]
    rows: Rows = []
    for s in choices:
        if s == "official" and member.status == "probationary":
            rows.append(
                [(_("Official — record the committee's decision"), cb("prob", "dec", member.id))]
            )
        else:
            rows.append([(status_label(_, s), cb(F, "sts", member.id, s))])
    rows.append([(_("« Back"), cb(F, "view", member.id))])
    await req.show(
        _(
            "{name} is now “{status}”. New status:",
            name=member.full_name,
            status=status_label(_, member.status),
        ),
        rows,
    )


async def start_status(req: Req, member_id: int, status: str) -> None:
    member = await uc.member_for(req.ctx, req.user_id, member_id)
    draft = await start_draft(
        req,
        STATUS,
        "status_date",
        org_id=member.org_id,
        data={
            "mid": member.id,
            "status": status,
            "f": {"full_name": member.full_name, "status": status},
        },
    )
    await ask(req, draft, reply=False)


async def status_button(req: Req, draft: Draft, action: str, arg: str) -> None:
    """The date button of the status flow (`roster:f:d:<yyyymmdd>`)."""
    day = compact_date(arg) if action == "d" else None
    if day is None:
        await expired(req)
        return
    await _save_status(req, draft, day, reply=False)


async def status_text(req: Req, draft: Draft) -> None:
    if draft.org_id is None:
        return
    await require_write(req.ctx, req.user_id, draft.org_id)
    try:
        day = parse_answer(req, "status_date", req.text)
    except InvalidInput as exc:
        await ask(req, draft, reply=True, prefix=req._.msg(exc.msg))
        return
    await _save_status(req, draft, day, reply=True)


async def _save_status(req: Req, draft: Draft, day: date, *, reply: bool) -> None:
    mid = int(draft.data["mid"])
    try:
        await uc.change_status(
            req.ctx, actor=req.user_id, member_id=mid, status=draft.data["status"], status_date=day
        )
    except RosterInvalid as exc:
        await ask(req, draft, reply=reply, prefix=problems_text(req._, exc.problems))
        return
    await drafts_uc.clear(req.ctx, req.user_id, (STATUS,))
    await show_card(req, mid, reply=reply, note=req._("Status changed."))

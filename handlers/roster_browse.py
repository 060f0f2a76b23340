"""Browsing the cell's roster: the paged list (current or former members), searching by a
typed name, and a member's card.

While the list is shown a `roster.browse` draft remembers the search, so a typed name
searches and a sent file is imported (`roster_files`).
"""

from __future__ import annotations

from chibo.handlers import dues as dues_card
from chibo.handlers.common import Req, cb, handler, working_cell
from chibo.handlers.paging import page_label, pager_rows
from chibo.handlers.paperwork import roll_buttons
from chibo.handlers.roster_common import (
    BROWSE,
    CARD_LABELS,
    F,
    Rows,
    browse_draft,
    list_button,
    show_or_reply,
    status_label,
    value_text,
)
from chibo.rules.text import echo
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import roster as uc
from chibo.usecases.drafts import Draft
from chibo.usecases.i18n import Translator
from chibo.usecases.roster import STATUSES, Member


async def _query(req: Req, org_id: int) -> str | None:
    """The search the user's browse draft remembers for this cell, if any."""
    d = await drafts_uc.get(req.ctx, req.user_id, (BROWSE,))
    if d is not None and d.org_id == org_id:
        return d.data.get("q")
    return None


def _member_button(_: Translator, m: Member) -> tuple[str, str]:
    year = m.birth_date.year if m.birth_date else ""
    label = _(
        "{name} ({year}) · {status}", name=m.full_name, year=year, status=status_label(_, m.status)
    )
    return (label[:60], cb(F, "view", m.id))


async def show_list(
    req: Req, *, page: int = 0, query: str | None = None, former: bool = False, reply: bool = False
) -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    _ = req._
    cell = req.profile.current_cell
    assert cell is not None
    await browse_draft(req, org_id, query)
    result = await uc.roster_page(req.ctx, org_id, page=page, query=query, former=former)
    counts = await uc.counts(req.ctx, org_id)
    lines = [_("Party members — {org}", org=cell.org_name)]
    if query:
        lines.append(_("Search “{query}”: {n} found.", query=echo(query), n=result.total))
    elif former:
        lines.append(_("Transferred out, removed or deceased: {n}.", n=result.total))
    else:
        lines.append(
            _(
                "On the roll: {n} (official {official}, probationary {probationary},"
                " exempt {exempt}).",
                n=result.total,
                official=counts.get("official", 0),
                probationary=counts.get("probationary", 0),
                exempt=counts.get("exempt", 0),
            )
        )
    lines += page_label(_, result.page, result.pages)
    if not result.items and not query and not former:
        lines.append(
            _(
                "No members yet. Add them one by one, or send the roster as an Excel"
                " or CSV file (press “Import a file” for the template)."
            )
        )
    lines.append(_("Type a name to search."))
    rows: Rows = [[_member_button(_, m)] for m in result.items]
    action = "old" if former else "list"
    rows += pager_rows(_, result.page, result.pages, lambda n: cb(F, action, n))
    if query or former:
        rows.append([(_("All current members"), cb(F, "menu"))])
    rows.append([(_("➕ Add a member"), cb(F, "add"))])
    rows.append(
        [(_("📥 Import a file"), cb(F, "imp")), (_("📤 Export to Excel"), cb(F, "exp", "xlsx"))]
    )
    extra = [(_("Export CSV"), cb(F, "exp", "csv"))]
    former_n = sum(counts.get(s, 0) for s in STATUSES[3:])
    if former_n and not former:
        extra.insert(0, (_("Former members ({n})", n=former_n), cb(F, "old", 0)))
    rows.append(extra)
    if not query and not former:
        rows.append(roll_buttons(_, org_id))
    rows.append([(_("« Menu"), cb("menu", "main"))])
    await show_or_reply(req, "\n".join(lines), rows, reply=reply)


async def show_page(req: Req, page: int, *, former: bool) -> None:
    """Another page of the list: of the current members, keeping the search shown, or of the
    former members."""
    org_id = await working_cell(req)
    if org_id is not None:
        query = await _query(req, org_id) if not former else None
        await show_list(req, page=page, query=query, former=former)


@handler()
async def members_command(req: Req) -> None:
    await show_list(req, reply=True)


async def browse_text(req: Req, draft: Draft) -> None:
    """A name typed while the list is shown: search (empty results say so)."""
    query = " ".join(req.text.split())[:60]
    if not query:
        return
    await show_list(req, query=query, reply=True)


# == member card =================================================================================


def card_text(_: Translator, card: uc.MemberCard) -> str:
    m = card.member
    lines = [f"👤 {m.full_name}"]
    for name in (
        "birth_date",
        "gender",
        "card_no",
        "cccd",
        "decision_date",
        "ceremony_date",
        "official_date",
    ):
        lines.append(f"{_(CARD_LABELS[name])}: {value_text(_, name, getattr(m, name))}")
    lines.append(
        _("Status: {status} since {date}", status=status_label(_, m.status), date=m.status_date)
    )
    if len(card.history) > 1:
        lines.append(_("History:"))
        lines.extend(
            f"  {_.date(h.status_date)} — {status_label(_, h.status)}"
            + (f" ({h.note})" if h.note else "")
            for h in card.history[-5:]
        )
    return "\n".join(lines)


async def show_card(
    req: Req, member_id: int, *, reply: bool = False, note: str | None = None
) -> None:
    _ = req._
    card = await uc.member_card(req.ctx, req.user_id, member_id)
    m = card.member
    rows: Rows = [[(_("✏️ Edit"), cb(F, "edit", m.id)), (_("🔄 Change status"), cb(F, "st", m.id))]]
    if m.status == "probationary":
        rows.append([(_("Probation record"), cb("prob", "view", m.id))])
    rows.append([(_("🔀 Moves, exemption, removal review"), cb("life", "m", m.id))])
    if m.status in ("probationary", "official", "exempt"):
        rows.append([(_("Party dues"), cb("dues", "card", m.id))])
    rows.append([list_button(_)])
    text = card_text(_, card)
    if m.decision_date is not None:
        text += "\n" + "\n".join(await dues_card.card_lines(req, m.id))
    if note:
        text = f"{note}\n\n{text}"
    await show_or_reply(req, text, rows, reply=reply)

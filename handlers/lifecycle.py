"""Members who move, pause, work elsewhere or leave (issue 14), on Telegram: a thin layer over
`usecases.lifecycle`.

Screens (every press re-checks scope through the use cases: the member's cell must be the
user's to write; an officer only reads the subtree):
  life:m:<member_id>       the member's moves and records, with the recording buttons
  life:n:<form>:<id>       start a form on a member, transfer, exemption or review
  life:f:<ok|cancel|skip|d|c|o>[:arg]   the form's buttons (a date, a choice, a cell code)
  life:cell                the cell's arrivals, members away and the residence list
  life:recv:<transfer_id>  receive a member transferred from a cell of the tree (one tap);
                           from outside: the matching members already added to the roll
  life:lk:<transfer_id>:<member_id>  "this is the member": asks the arrival date, then links
  life:t:<transfer_id>     a transfer (reminder buttons)
  life:res                 working members living here (residence contact, QĐ 213)
  life:o[:<org_id>]        officers: transfers, exemptions, reviews per organisation
Forms are declared (`FORMS`): each field a date, a choice or a text; the draft (kind
`life.form`) keeps the answers until "Confirm" calls the use case, which validates everything
and writes it with its audit entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from chibo.handlers.common import EXPIRED, App, Req, cb, expired, open_draft, working_cell
from chibo.handlers.flows import start_draft
from chibo.handlers.registry import MenuEntry, registry_of
from chibo.handlers.roster_common import CANCELLED, Rows, compact_date
from chibo.handlers.routing import INT, TOKEN, Route, choice, opt
from chibo.rules.dates import read_date
from chibo.rules.lifecycle import (
    DEPARTURE_KINDS,
    EXEMPTION_GROUNDS,
    OUT_REASONS,
    RESIDENCE_EXCEPTIONS,
    TEMP_REASONS,
)
from chibo.rules.lifecycle_removal import GROUNDS
from chibo.rules.messages import N_, Msg
from chibo.rules.reminders import Reminder
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import lifecycle as uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases.access import require_read
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator
from chibo.usecases.roster import STATUS_LABELS, member_for, require_cell

F = "life"
KIND = "life.form"

#: How each choice value reads (field, value) -> msgid.
LABELS = {
    ("reason", "job"): N_("new job"),
    ("reason", "retirement"): N_("retirement"),
    ("reason", "residence"): N_("change of residence"),
    ("reason", "demobilisation"): N_("demobilisation"),
    ("reason", "other"): N_("other"),
    ("treason", "work"): N_("work"),
    ("treason", "residence"): N_("residence"),
    ("treason", "study"): N_("study"),
    ("ground", "age_health"): N_("old age or poor health"),
    ("ground", "treatment"): N_("long medical treatment"),
    ("ground", "abroad_remote"): N_("abroad or far away"),
    ("ground", "mobile_work"): N_("mobile work"),
    ("ground", "maternity"): N_("maternity"),
    ("ground", "other"): N_("other"),
    ("rground", "absences"): N_("absent from meetings"),
    ("rground", "dues"): N_("dues not paid"),
    ("rground", "education"): N_("re-education without progress"),
    ("rground", "kht"): N_("rated not fulfilling duties"),
    ("rground", "not_eligible"): N_("not eligible for conversion"),
    ("rground", "card"): N_("party card returned"),
    ("rground", "political"): N_("political standard"),
    ("rground", "other"): N_("other"),
    ("kind", "deceased"): N_("died"),
    ("kind", "left"): N_("left the party"),
    ("proposal", "remove"): N_("remove from the list"),
    ("proposal", "keep"): N_("keep on the list"),
    ("decision", "removed"): N_("removed from the list"),
    ("decision", "kept"): N_("kept on the list"),
    ("step", "requested"): N_("card requested"),
    ("step", "decision"): N_("card decision recorded"),
    ("step", "handed"): N_("card handed over"),
    ("step", "collected"): N_("card collected"),
    ("exception", "none"): N_("none"),
    ("exception", "barracks"): N_("lives in barracks"),
    ("exception", "study_away"): N_("official studying away"),
    ("exception", "student_away"): N_("student living away"),
    ("year", "current"): N_("this year"),
    ("year", "previous"): N_("last year"),
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # date (up to today) | fdate (any) | odate (optional) | choice | text | otext | dest
    ask: str  # msgid
    label: str  # msgid, for the confirmation
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    title: str  # msgid
    fields: tuple[Field, ...]
    target: str  # what the id names: member | transfer | exemption | review | org | residence


_FUTURE = N_("{date} is in the future; only dates up to today ({today}) count here.")
_ASK_REASON = N_("Why does the member transfer?")
_ASK_DEST = N_(
    "Receiving organisation: press a cell of the tree, or type its code; outside the tree, "
    "type the organisation's name."
)
FORMS: dict[str, Form] = {
    "out": Form(
        N_("Official transfer out"),
        (
            Field("reason", "choice", _ASK_REASON, N_("Reason"), OUT_REASONS),
            Field("trigger", "date", N_("Date the transfer began?"), N_("Began on")),
            Field(
                "letter",
                "odate",
                N_("Date of the introduction letter (or Skip if not issued yet)?"),
                N_("Introduction letter"),
            ),
            Field("dest", "dest", _ASK_DEST, N_("Receiving organisation")),
        ),
        "member",
    ),
    "temp": Form(
        N_("Temporary transfer"),
        (
            Field("treason", "choice", _ASK_REASON, N_("Reason"), TEMP_REASONS),
            Field("start", "fdate", N_("Start of the temporary transfer?"), N_("From")),
            Field("end", "fdate", N_("End of the temporary transfer?"), N_("Until")),
            Field("dest", "dest", _ASK_DEST, N_("Temporary cell")),
        ),
        "member",
    ),
    "ex": Form(
        N_("Exemption from work and meetings"),
        (
            Field(
                "ground", "choice", N_("Ground of the exemption?"), N_("Ground"), EXEMPTION_GROUNDS
            ),
            Field("resolution", "date", N_("Date of the cell's resolution?"), N_("Resolution")),
        ),
        "member",
    ),
    "tex": Form(
        N_("Temporary exemption"),
        (
            Field(
                "ground", "choice", N_("Ground of the exemption?"), N_("Ground"), EXEMPTION_GROUNDS
            ),
            Field("resolution", "date", N_("Date of the cell's resolution?"), N_("Resolution")),
            Field("end", "fdate", N_("Until what date (under 12 months)?"), N_("Until")),
            Field(
                "approval",
                "date",
                N_("Date of the grassroots committee's approval?"),
                N_("Committee approval"),
            ),
        ),
        "member",
    ),
    "back": Form(
        N_("Return from the exemption"),
        (
            Field(
                "application", "date", N_("Date of the member's application?"), N_("Application")
            ),
            Field("ret", "date", N_("Date of the cell's decision on the return?"), N_("Return")),
        ),
        "exemption",
    ),
    "tback": Form(
        N_("Back from the temporary transfer"),
        (Field("ret", "date", N_("Date the member came back?"), N_("Return")),),
        "transfer",
    ),
    "letter": Form(
        N_("Introduction letter issued"),
        (Field("letter", "date", N_("Date of the introduction letter?"), N_("Letter")),),
        "transfer",
    ),
    "gone": Form(
        N_("Transfer completed (left the tree)"),
        (
            Field(
                "on", "date", N_("Date the member left for the receiving organisation?"), N_("Date")
            ),
        ),
        "transfer",
    ),
    "leave": Form(
        N_("Death or leaving"),
        (
            Field("kind", "choice", N_("What happened?"), N_("Event"), DEPARTURE_KINDS),
            Field("on", "date", N_("On what date?"), N_("Date")),
        ),
        "member",
    ),
    "card": Form(
        N_("Party card"),
        (
            Field(
                "step",
                "choice",
                N_("Which step of the party card?"),
                N_("Step"),
                ("requested", "decision", "handed", "collected"),
            ),
            Field("on", "date", N_("On what date?"), N_("Date")),
        ),
        "member",
    ),
    "reedu": Form(
        N_("Re-education"),
        (Field("on", "date", N_("Date the cell began re-educating the member?"), N_("Started")),),
        "member",
    ),
    "reend": Form(
        N_("End of the re-education"),
        (Field("on", "date", N_("Date the re-education ended?"), N_("Ended")),),
        "member",
    ),
    "notice": Form(
        N_("Notice sent upward with the dossier"),
        (Field("on", "date", N_("Date the notice went upward with the dossier?"), N_("Sent")),),
        "member",
    ),
    "rev": Form(
        N_("Removal review (xóa tên)"),
        (
            Field("rground", "choice", N_("On what ground?"), N_("Ground"), GROUNDS),
            Field("on", "date", N_("Date the cell opened the review?"), N_("Opened")),
        ),
        "member",
    ),
    "prop": Form(
        N_("The cell's proposal"),
        (
            Field(
                "proposal",
                "choice",
                N_("What does the cell propose?"),
                N_("Proposal"),
                ("remove", "keep"),
            ),
            Field("on", "date", N_("Date of the cell's proposal?"), N_("Date")),
        ),
        "review",
    ),
    "dec": Form(
        N_("The committee's decision"),
        (
            Field(
                "decision",
                "choice",
                N_("What did the committee decide?"),
                N_("Decision"),
                ("removed", "kept"),
            ),
            Field("on", "date", N_("Date of the committee's decision?"), N_("Date")),
            Field("no", "otext", N_("Number of the decision (or Skip)?"), N_("Number")),
        ),
        "review",
    ),
    "rreg": Form(
        N_("Working member living here"),
        (
            Field("name", "text", N_("Full name of the working member?"), N_("Name")),
            Field(
                "work",
                "text",
                N_("Workplace (organisation where they are a member)?"),
                N_("Workplace"),
            ),
            Field(
                "assigned",
                "date",
                N_("Date the commune committee assigned them here?"),
                N_("Assigned"),
            ),
            Field(
                "exception",
                "choice",
                N_("Excused from meetings and yearly comments?"),
                N_("Exception"),
                ("none", *RESIDENCE_EXCEPTIONS),
            ),
        ),
        "org",
    ),
    "rmeet": Form(
        N_("Half-yearly meeting with the working member"),
        (Field("on", "date", N_("Date the cell met the working member?"), N_("Met on")),),
        "residence",
    ),
    "rcom": Form(
        N_("Yearly comments sent to the workplace"),
        (
            Field(
                "year",
                "choice",
                N_("Comments for which year?"),
                N_("Year"),
                ("current", "previous"),
            ),
            Field("on", "date", N_("Date the comments were sent?"), N_("Sent")),
        ),
        "residence",
    ),
    "ann": Form(
        N_("Arrival from outside the tree"),
        (
            Field("name", "text", N_("Full name of the arriving member?"), N_("Name")),
            Field("origin", "text", N_("Sending organisation?"), N_("From")),
            Field("letter", "date", N_("Date of the introduction letter?"), N_("Letter")),
        ),
        "org",
    ),
    "lk": Form(
        N_("Arrival from outside the tree received"),
        (Field("on", "date", N_("Date the member arrived?"), N_("Arrived on")),),
        "arrival",
    ),
}


def _label(_: Translator, field: str, value: str) -> str:
    msgid = LABELS.get((field, value))
    return _(msgid) if msgid else value


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


# == the member's moves and records ==============================================================


def _transfer_line(_: Translator, t: uc.Transfer, orgs: dict[int, str]) -> str:
    dest = orgs.get(t.to_org_id, "") if t.to_org_id else (t.to_external or "")
    origin = orgs.get(t.from_org_id, "") if t.from_org_id else (t.from_external or "")
    if t.kind == "temporary":
        text = _(
            "Temporary transfer to {dest}, {start} – {end}",
            dest=dest,
            start=t.start_date,
            end=t.end_date,
        )
    else:
        text = _("Transfer {origin} → {dest}", origin=origin, dest=dest)
        if t.trigger_date:
            text += "; " + _("began {date}", date=t.trigger_date)
        text += "; " + (
            _("letter {date}", date=t.letter_date) if t.letter_date else _("no letter yet")
        )
    if t.state == "open":
        return "🔀 " + text + " — " + _("in progress")
    if t.state == "completed":
        return "✔ " + text + " — " + _("completed {date}", date=t.completed_date)
    return "✖ " + text + " — " + _("cancelled")


def _review_lines(_: Translator, v: uc.Review) -> list[str]:
    lines = [
        _(
            "Removal review #{id} ({ground}), opened {date}",
            id=v.id,
            ground=_label(_, "rground", v.ground),
            date=v.opened_on,
        )
    ]
    for e in v.evidence:
        if e.get("level") in ("warn", "review"):
            lines.append(
                "  · "
                + _(
                    "evidence: {ground}, {count} (threshold {threshold})",
                    ground=_label(_, "rground", str(e["ground"])),
                    count=e["count"],
                    threshold=e["threshold"],
                )
            )
    if v.proposal:
        lines.append(
            "  · "
            + _(
                "the cell's proposal ({date}): {proposal}",
                date=v.proposal_date,
                proposal=_label(_, "proposal", v.proposal),
            )
        )
    if v.decision:
        lines.append(
            "  · "
            + _(
                "the committee's decision ({date}): {decision}",
                date=v.decision_date,
                decision=_label(_, "decision", v.decision),
            )
            + (f" ({v.decision_no})" if v.decision_no else "")
        )
    else:
        lines.append("  · " + _("nothing is removed until the committee decides"))
    return lines


async def _org_names(req: Req) -> dict[int, str]:
    return {r.org.id: r.org.name for r in await orgs_uc.tree(req.ctx)}


async def show_member(req: Req, member_id: int, *, reply: bool = False, note: str = "") -> None:
    _ = req._
    life = await uc.member_lifecycle(req.ctx, actor=req.user_id, member_id=member_id)
    m = life.member
    names = await _org_names(req)
    lines = [
        _("Moves and records: {name}", name=m.full_name),
        _("Status: {status} since {date}", status=_(STATUS_LABELS[m.status]), date=m.status_date),
    ]
    lines.extend(_transfer_line(_, t, names) for t in life.transfers[-4:])
    for e in life.exemptions[-3:]:
        what = _("Exemption") if e.kind == "exempt" else _("Temporary exemption")
        text = _(
            "{what} ({ground}) from {start}",
            what=what,
            ground=_label(_, "ground", e.ground),
            start=e.start_date,
        )
        if e.end_date:
            text += " " + _("until {date}", date=e.end_date)
        if e.return_date:
            text += "; " + _("returned {date}", date=e.return_date)
        lines.append("⏸ " + text)
    if life.reeducation_since:
        lines.append("📖 " + _("Re-education since {date}", date=life.reeducation_since))
    if life.departure and life.departure.notice_date:
        lines.append("📨 " + _("Notice sent upward {date}", date=life.departure.notice_date))
    for v in life.reviews[-2:]:
        lines.extend(_review_lines(_, v))
    on_roll = m.status in ("probationary", "official", "exempt")
    if on_roll and not any(v.open for v in life.reviews):
        found = await uc.removal_assessment(req.ctx, actor=req.user_id, member_id=m.id)
        for a in found:
            lines.append(
                "⚠️ "
                + _(
                    "{ground}: {count} (review at {threshold}) — {level}",
                    ground=_label(_, "rground", a.ground),
                    count=a.count,
                    threshold=a.threshold,
                    level=_("review due") if a.level == "review" else _("warning"),
                )
            )
    rows: Rows = []
    mid = m.id
    current = next((t for t in life.transfers if t.state == "open"), None)
    if on_roll:
        if current is None:
            rows.append(
                [
                    (_("🔀 Transfer out"), cb(F, "n", "out", mid)),
                    (_("⏳ Temporary transfer"), cb(F, "n", "temp", mid)),
                ]
            )
        elif current.from_org_id == m.org_id:
            row = []
            if current.kind == "temporary":
                row.append((_("↩ Back from the transfer"), cb(F, "n", "tback", current.id)))
            else:
                if current.letter_date is None:
                    row.append((_("✉ Letter issued"), cb(F, "n", "letter", current.id)))
                if current.to_org_id is None:
                    row.append((_("✔ Left the tree"), cb(F, "n", "gone", current.id)))
            row.append((_("✖ Cancel the transfer"), cb(F, "cx", current.id)))
            rows.append(row)
        open_ex = next((e for e in life.exemptions if e.return_date is None), None)
        if open_ex is not None:
            rows.append([(_("↩ Return from the exemption"), cb(F, "n", "back", open_ex.id))])
        elif m.status != "exempt":
            rows.append(
                [
                    (_("⏸ Exemption"), cb(F, "n", "ex", mid)),
                    (_("⏸ Temporary exemption"), cb(F, "n", "tex", mid)),
                ]
            )
    open_rev = next((v for v in life.reviews if v.open), None)
    if open_rev is None and on_roll:
        rows.append([(_("⚖ Open a removal review"), cb(F, "n", "rev", mid))])
    elif open_rev is not None and open_rev.proposal is None:
        rows.append([(_("⚖ The cell's proposal"), cb(F, "n", "prop", open_rev.id))])
    elif open_rev is not None:
        rows.append([(_("⚖ The committee's decision"), cb(F, "n", "dec", open_rev.id))])
    if on_roll:
        rows.append(
            [
                (_("🪪 Party card"), cb(F, "n", "card", mid)),
                (
                    (_("📖 End of the re-education"), cb(F, "n", "reend", mid))
                    if life.reeducation_since
                    else (_("📖 Re-education"), cb(F, "n", "reedu", mid))
                ),
            ]
        )
        rows.append([(_("🕯 Death or leaving"), cb(F, "n", "leave", mid))])
    if life.departure and life.departure.notice_date is None:
        rows.append([(_("📨 Notice sent upward"), cb(F, "n", "notice", mid))])
    elif m.status == "removed":
        rows.append([(_("🪪 Party card"), cb(F, "n", "card", mid))])
    rows.append([(_("« Member card"), cb("roster", "view", mid))])
    text = "\n".join(lines)
    if note:
        text = f"{note}\n\n{text}"
    await (req.reply(text, rows) if reply else req.show(text, rows))


# == forms ========================================================================================


async def _org_of_target(req: Req, form: Form, target: int) -> int:
    """The cell the form writes (scope checked by the use case at the start and on confirm)."""
    if form.target == "member":
        return (await member_for(req.ctx, req.user_id, target)).org_id
    if form.target == "org":
        await require_cell(req.ctx, req.user_id, target)
        return target
    if form.target == "arrival":
        t, _sending = await uc.transfer_for(req.ctx, actor=req.user_id, transfer_id=target)
        assert t.to_org_id is not None
        return t.to_org_id
    life_member = await uc.target_member(req.ctx, actor=req.user_id, kind=form.target, id=target)
    return life_member.org_id


async def start_form(req: Req, key: str, target: int) -> None:
    form = FORMS.get(key)
    if form is None:
        await expired(req)
        return
    org_id = await _org_of_target(req, form, target)
    draft = await start_draft(
        req, KIND, form.fields[0].name, org_id=org_id, data={"form": key, "id": target, "v": {}}
    )
    await _ask(req, draft, reply=False)


def _field(draft: Draft) -> Field | None:
    form = FORMS[draft.data["form"]]
    return next((f for f in form.fields if f.name == draft.step), None)


async def _ask(req: Req, draft: Draft, *, reply: bool, prefix: str = "") -> None:
    _ = req._
    form = FORMS[draft.data["form"]]
    field = _field(draft)
    cancel = (_("Cancel"), cb(F, "f", "cancel"))
    rows: Rows = []
    if field is None:  # all answered: confirm
        lines = [_(form.title)]
        if draft.data.get("who"):
            lines.append(draft.data["who"])
        for f in form.fields:
            value = draft.data["v"].get(f.name)
            lines.append(f"{_(f.label)}: {_shown(_, f, value)}")
        text = "\n".join(lines) + "\n\n" + _("Record this?")
        rows = [[(_("✅ Confirm"), cb(F, "f", "ok"))], [cancel]]
    else:
        text = _(form.title) + "\n" + _(field.ask)
        if field.kind in ("date", "odate", "fdate"):
            today = req.ctx.today()
            rows.append([(_("Today"), cb(F, "f", "d", today.strftime("%Y%m%d")))])
            text += " " + _("For example {date}.", date=today)
        elif field.kind == "choice":
            rows.extend(
                [(_label(_, field.name, c), cb(F, "f", "c", i))]
                for i, c in enumerate(field.choices)
            )
        elif field.kind == "dest":
            cells = [
                r.org
                for r in await orgs_uc.tree(req.ctx)
                if r.org.is_cell and r.org.id != draft.org_id and _token(r.org.code)
            ]
            rows.extend([(o.name[:50], cb(F, "f", "o", o.code))] for o in cells[:8])
        if field.kind in ("odate", "otext"):
            rows.append([(_("Skip"), cb(F, "f", "skip"))])
        rows.append([cancel])
    if prefix:
        text = f"{prefix}\n\n{text}"
    await (req.reply(text, rows) if reply else req.show(text, rows))


def _token(code: str) -> bool:
    return 0 < len(code) <= 24 and all(c.isalnum() or c in "_.-" for c in code)


def _shown(_: Translator, f: Field, value: Any) -> str:
    if value is None:
        return "—"
    if f.kind in ("date", "odate", "fdate"):
        return _.date(date.fromisoformat(value))
    if f.kind == "choice":
        return _label(_, f.name, value)
    if f.kind == "dest":
        if value.get("code"):
            return f"{value.get('name', '')} ({value['code']})"
        return _("{name} (outside the tree)", name=value["ext"])
    return str(value)


async def _take(req: Req, draft: Draft, value: Any, *, reply: bool) -> None:
    form = FORMS[draft.data["form"]]
    names = [f.name for f in form.fields]
    draft.data["v"][draft.step] = value
    i = names.index(draft.step) + 1
    draft.step = names[i] if i < len(names) else "ok"
    await drafts_uc.save(req.ctx, draft)
    await _ask(req, draft, reply=reply)


async def form_text(req: Req, draft: Draft) -> None:
    _ = req._
    field = _field(draft)
    if field is None:
        await _ask(req, draft, reply=True)
        return
    text = " ".join(req.text.split())
    if field.kind in ("date", "odate", "fdate"):
        day = read_date(text, req.ctx.today(), past=field.kind != "fdate")
        if not isinstance(day, date):
            await _ask(req, draft, reply=True, prefix=_.msg(day))
            return
        if field.kind != "fdate" and day > req.ctx.today():
            msg = Msg(_FUTURE, {"date": day, "today": req.ctx.today()})
            await _ask(req, draft, reply=True, prefix=_.msg(msg))
            return
        await _take(req, draft, day.isoformat(), reply=True)
    elif field.kind in ("text", "otext"):
        if not text or len(text) > uc.MAX_TEXT:
            msg = Msg(N_("Type it in a few words (at most {n} characters)."), {"n": uc.MAX_TEXT})
            await _ask(req, draft, reply=True, prefix=_.msg(msg))
            return
        await _take(req, draft, text, reply=True)
    elif field.kind == "dest":
        if not text or len(text) > uc.MAX_TEXT:
            await _ask(req, draft, reply=True)
            return
        cell = await uc.cell_by_code(req.ctx, text)
        if cell is not None:
            await _take(req, draft, {"code": cell.code, "name": cell.name}, reply=True)
        else:
            await _take(req, draft, {"ext": text}, reply=True)
    else:
        use = _("Please type the number of your choice.") if req.on_zalo else None
        await _ask(req, draft, reply=True, prefix=use or _("Please use the buttons."))


async def form_button(req: Req, action: str, arg: str | None) -> None:
    draft = await open_draft(req, (KIND,), closed=EXPIRED)
    if draft is None:
        return
    if draft.org_id is not None:
        await require_cell(req.ctx, req.user_id, draft.org_id)
    field = _field(draft)
    if action == "cancel":
        await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
        await req.show(req._(CANCELLED), [[(req._("« Back"), _back(draft))]])
    elif action == "ok" and field is None:
        await _submit(req, draft)
    elif field is None:
        await expired(req)
    elif action == "skip" and field.kind in ("odate", "otext"):
        await _take(req, draft, None, reply=False)
    elif action == "d" and field.kind in ("date", "odate", "fdate") and arg:
        day = compact_date(arg)
        if day is None:
            await expired(req)
            return
        await _take(req, draft, day.isoformat(), reply=False)
    elif action == "c" and field.kind == "choice" and arg and arg.isdigit():
        i = int(arg)
        if i >= len(field.choices):
            await expired(req)
            return
        await _take(req, draft, field.choices[i], reply=False)
    elif action == "o" and field.kind == "dest" and arg:
        cell = await uc.cell_by_code(req.ctx, arg)
        if cell is None or cell.id == draft.org_id:
            await expired(req)
            return
        await _take(req, draft, {"code": cell.code, "name": cell.name}, reply=False)
    else:
        await expired(req)


def _back(draft: Draft) -> str:
    form = FORMS[draft.data["form"]]
    if form.target in ("org", "arrival"):
        return cb(F, "cell")
    if form.target == "member":
        return cb(F, "m", draft.data["id"])
    if form.target == "residence":
        return cb(F, "res")
    return cb("roster", "menu")


Submit = Callable[[Req, int, dict[str, Any]], Awaitable[tuple[int | None, str]]]


async def _submit(req: Req, draft: Draft) -> None:
    _ = req._
    key, target, v = draft.data["form"], int(draft.data["id"]), draft.data["v"]
    try:
        member_id, note = await SUBMIT[key](req, target, v)
    except InvalidInput as exc:
        # nothing was written: say why and ask the form again from its first field
        form = FORMS[key]
        draft.step, draft.data["v"] = form.fields[0].name, {}
        await drafts_uc.save(req.ctx, draft)
        await _ask(req, draft, reply=False, prefix=_.msg(exc.msg))
        return
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    if FORMS[key].target == "residence":
        await show_residents(req, note=note)
    elif member_id is None:
        await show_cell(req, note=note)
    else:
        await show_member(req, member_id, note=note)


def _dest(v: dict[str, Any]) -> dict[str, str | None]:
    dest = v.get("dest") or {}
    return {"to_org_code": dest.get("code"), "to_external": dest.get("ext")}


async def _out(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.transfer_out(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        reason=v["reason"],
        trigger_date=date.fromisoformat(v["trigger"]),
        letter_date=_d(v.get("letter")),
        **_dest(v),
    )
    return mid, req._("Transfer recorded: the member stays on the roll until it is completed.")


async def _temp(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.temporary_transfer(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        reason=v["treason"],
        start=date.fromisoformat(v["start"]),
        end=date.fromisoformat(v["end"]),
        **_dest(v),
    )
    return mid, req._("Temporary transfer recorded.")


async def _ex(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    day = date.fromisoformat(v["resolution"])
    await uc.exempt(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        kind="exempt",
        ground=v["ground"],
        resolution_date=day,
        start_date=day,
    )
    return mid, req._("Exemption recorded.")


async def _tex(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    day = date.fromisoformat(v["resolution"])
    await uc.exempt(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        kind="temporary",
        ground=v["ground"],
        resolution_date=day,
        start_date=day,
        end_date=date.fromisoformat(v["end"]),
        approval_date=date.fromisoformat(v["approval"]),
    )
    return mid, req._("Temporary exemption recorded.")


async def _back_ex(req: Req, eid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    e = await uc.end_exemption(
        req.ctx,
        actor=req.user_id,
        exemption_id=eid,
        application_date=date.fromisoformat(v["application"]),
        return_date=date.fromisoformat(v["ret"]),
    )
    return e.member_id, req._("Return recorded.")


async def _tback(req: Req, tid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    t = await uc.record_return(
        req.ctx, actor=req.user_id, transfer_id=tid, on=date.fromisoformat(v["ret"])
    )
    return t.member_id, req._("Return recorded.")


async def _letter(req: Req, tid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    t = await uc.record_letter(
        req.ctx, actor=req.user_id, transfer_id=tid, letter_date=date.fromisoformat(v["letter"])
    )
    return t.member_id, req._("Introduction letter recorded.")


async def _gone(req: Req, tid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    t = await uc.complete_transfer(
        req.ctx, actor=req.user_id, transfer_id=tid, on=date.fromisoformat(v["on"])
    )
    return t.member_id, req._("Transfer completed: the member is off the roll, history kept.")


async def _leave(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.record_departure(
        req.ctx, actor=req.user_id, member_id=mid, kind=v["kind"], on=date.fromisoformat(v["on"])
    )
    return mid, req._("Recorded. Send the notice upward with the dossier within 30 working days.")


async def _card(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    day = date.fromisoformat(v["on"])
    step = v["step"]
    await uc.record_card(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        requested_on=day if step == "requested" else None,
        decision_date=day if step == "decision" else None,
        handed_on=day if step == "handed" else None,
        collected_on=day if step == "collected" else None,
    )
    return mid, req._("Party card step recorded.")


async def _reedu(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.start_reeducation(
        req.ctx, actor=req.user_id, member_id=mid, on=date.fromisoformat(v["on"])
    )
    return mid, req._("Re-education recorded.")


async def _reend(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.end_reeducation(
        req.ctx, actor=req.user_id, member_id=mid, on=date.fromisoformat(v["on"])
    )
    return mid, req._("End of the re-education recorded.")


async def _notice(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.record_dossier_notice(
        req.ctx, actor=req.user_id, member_id=mid, on=date.fromisoformat(v["on"])
    )
    return mid, req._("Notice upward recorded.")


async def _rev(req: Req, mid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.open_review(
        req.ctx,
        actor=req.user_id,
        member_id=mid,
        ground=v["rground"],
        on=date.fromisoformat(v["on"]),
    )
    return mid, req._("Removal review opened. Nothing is removed until the committee decides.")


async def _prop(req: Req, rid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    r = await uc.record_proposal(
        req.ctx,
        actor=req.user_id,
        review_id=rid,
        on=date.fromisoformat(v["on"]),
        proposal=v["proposal"],
    )
    return r.member_id, req._("The cell's proposal is recorded; the committee decides on it.")


async def _dec(req: Req, rid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    r = await uc.record_review_decision(
        req.ctx,
        actor=req.user_id,
        review_id=rid,
        on=date.fromisoformat(v["on"]),
        decision=v["decision"],
        decision_no=v.get("no"),
    )
    return r.member_id, req._("The committee's decision is recorded.")


async def _rreg(req: Req, org_id: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.register_residence(
        req.ctx,
        actor=req.user_id,
        org_id=org_id,
        full_name=v["name"],
        workplace=v["work"],
        assigned_date=date.fromisoformat(v["assigned"]),
        exception=None if v["exception"] == "none" else v["exception"],
    )
    return None, req._("Working member registered with the residence cell.")


async def _rmeet(req: Req, cid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    c = await uc.record_residence_meeting(
        req.ctx, actor=req.user_id, contact_id=cid, on=date.fromisoformat(v["on"])
    )
    return None, req._("Meeting with {name} recorded.", name=c.full_name)


async def _rcom(req: Req, cid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    year = req.ctx.today().year - (1 if v["year"] == "previous" else 0)
    c = await uc.record_residence_comments(
        req.ctx, actor=req.user_id, contact_id=cid, year=year, on=date.fromisoformat(v["on"])
    )
    return None, req._("Comments for {year} on {name} recorded.", year=str(year), name=c.full_name)


async def _ann(req: Req, org_id: int, v: dict[str, Any]) -> tuple[int | None, str]:
    await uc.announce_arrival(
        req.ctx,
        actor=req.user_id,
        org_id=org_id,
        full_name=v["name"],
        from_external=v["origin"],
        letter_date=date.fromisoformat(v["letter"]),
    )
    return None, req._(
        "Arrival announced. When the member arrives, add them under “Party members”, "
        "then press “Receive” here."
    )


async def _lk(req: Req, tid: int, v: dict[str, Any]) -> tuple[int | None, str]:
    draft = await drafts_uc.get(req.ctx, req.user_id, (KIND,))
    member_id = int(draft.data["member"]) if draft else 0
    on = date.fromisoformat(v["on"])
    t = await uc.link_arrival(
        req.ctx, actor=req.user_id, transfer_id=tid, member_id=member_id, on=on
    )
    return None, req._("{name} is received into the cell from {date}.", name=t.full_name, date=on)


SUBMIT: dict[str, Submit] = {
    "out": _out,
    "temp": _temp,
    "ex": _ex,
    "tex": _tex,
    "back": _back_ex,
    "tback": _tback,
    "letter": _letter,
    "gone": _gone,
    "leave": _leave,
    "card": _card,
    "reedu": _reedu,
    "reend": _reend,
    "notice": _notice,
    "rev": _rev,
    "prop": _prop,
    "dec": _dec,
    "rreg": _rreg,
    "rmeet": _rmeet,
    "rcom": _rcom,
    "ann": _ann,
    "lk": _lk,
}


async def resume(req: Req, draft: Draft) -> None:
    await _ask(req, draft, reply=False)


# == one-tap actions ==============================================================================


async def cancel_transfer(req: Req, transfer_id: int) -> None:
    t = await uc.cancel_transfer(req.ctx, actor=req.user_id, transfer_id=transfer_id)
    assert t.member_id is not None
    await show_member(req, t.member_id, note=req._("Transfer cancelled."))


async def receive(req: Req, transfer_id: int) -> None:
    """One tap: the member moves here from a cell of the tree, with the history. From outside
    the tree: the members added to the roll since the announcement whose name matches."""
    t, _sending = await uc.transfer_for(req.ctx, actor=req.user_id, transfer_id=transfer_id)
    if t.member_id is None:
        await _arrival_matches(req, t)
        return
    t = await uc.complete_transfer(
        req.ctx, actor=req.user_id, transfer_id=transfer_id, on=req.ctx.today()
    )
    await show_cell(
        req,
        note=req._(
            "{name} is received into the cell from {date}, with the history.",
            name=t.full_name,
            date=t.completed_date,
        ),
    )


async def _arrival_matches(req: Req, t: uc.Transfer) -> None:
    _ = req._
    found = await uc.arrival_matches(req.ctx, actor=req.user_id, transfer_id=t.id)
    if not found:
        await show_cell(
            req,
            note=_(
                "{name} is not on the roll yet: add the member under “Party members” first, "
                "then press “Receive” again.",
                name=t.full_name,
            ),
        )
        return
    text = _(
        "{name} from {origin}: which member on the roll is it?",
        name=t.full_name,
        origin=t.from_external or "",
    )
    rows: Rows = [
        [
            (
                _("✅ This is {name}, born {date}", name=m.full_name, date=m.birth_date)[:60],
                cb(F, "lk", t.id, m.id),
            )
        ]
        for m in found
    ]
    rows.append([(_("« Back"), cb(F, "cell"))])
    await req.show(text, rows)


async def link(req: Req, transfer_id: int, member_id: int) -> None:
    """ "This is the member": the arrival date is asked, then the arrival closes with them."""
    found = await uc.arrival_matches(req.ctx, actor=req.user_id, transfer_id=transfer_id)
    member = next((m for m in found if m.id == member_id), None)
    if member is None:
        await expired(req)
        return
    draft = await start_draft(
        req,
        KIND,
        "on",
        org_id=member.org_id,
        data={
            "form": "lk",
            "id": transfer_id,
            "v": {},
            "member": member.id,
            "who": member.full_name,
        },
    )
    await _ask(req, draft, reply=False)


async def show_transfer(req: Req, transfer_id: int) -> None:
    """A reminder's button: the sending cell sees the member, the receiving one its arrivals."""
    t, sending = await uc.transfer_for(req.ctx, actor=req.user_id, transfer_id=transfer_id)
    if sending and t.member_id is not None:
        await show_member(req, t.member_id)
    else:
        await show_cell(req)


# == the cell: arrivals, members away, residence ================================================


async def show_cell(req: Req, *, note: str = "", reply: bool = False) -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    _ = req._
    names = await _org_names(req)
    view = await uc.cell_view(req.ctx, actor=req.user_id, org_id=org_id)
    lines = [_("Moves — {org}", org=names.get(org_id, ""))]
    rows: Rows = []
    lines.append(_("Expected arrivals: {n}", n=len(view.incoming)))
    for t in view.incoming:
        origin = names.get(t.from_org_id, "") if t.from_org_id else (t.from_external or "")
        lines.append(
            "  · "
            + _("{name} from {origin}", name=t.full_name, origin=origin)
            + (("; " + _("letter {date}", date=t.letter_date)) if t.letter_date else "")
        )
        rows.append([(_("📥 Receive {name}", name=t.full_name)[:60], cb(F, "recv", t.id))])
    lines.append(_("Transfers out in progress: {n}", n=len(view.outgoing)))
    for t in view.outgoing:
        lines.append("  · " + _transfer_line(_, t, names).replace("🔀 ", f"{t.full_name}: "))
        if t.member_id is not None:
            rows.append([(t.full_name[:60], cb(F, "m", t.member_id))])
    lines.append(_("Working members living here: {n}", n=len(view.residents)))
    rows.append([(_("🏠 Working members living here"), cb(F, "res"))])
    rows.append([(_("➕ Announce an arrival from outside"), cb(F, "n", "ann", org_id))])
    rows.append([(_("Party members"), cb("roster", "menu")), (_("« Menu"), cb("menu", "main"))])
    text = "\n".join(lines)
    if note:
        text = f"{note}\n\n{text}"
    await (req.reply(text, rows) if reply else req.show(text, rows))


async def show_residents(req: Req, *, note: str = "") -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    _ = req._
    contacts = await uc.residence_list(req.ctx, actor=req.user_id, org_id=org_id)
    lines = [_("Working members living here (a separate list, not on the cell's roll):")]
    if not contacts:
        lines.append(_("None registered."))
    for c in contacts:
        text = _(
            "{name} — {workplace}, assigned {date}",
            name=c.full_name,
            workplace=c.workplace,
            date=c.assigned_date,
        )
        if c.exception:
            text += "; " + _label(_, "exception", c.exception)
        if c.last_meeting:
            text += "; " + _("last met {date}", date=c.last_meeting)
        if c.comments_years:
            text += "; " + _(
                "comments sent for {years}", years=", ".join(map(str, c.comments_years))
            )
        lines.append("  · " + text)
    rows: Rows = [
        [
            (_("🤝 Met {name}", name=c.full_name)[:60], cb(F, "n", "rmeet", c.id)),
            (_("📝 Comments sent"), cb(F, "n", "rcom", c.id)),
        ]
        for c in contacts
        if c.ended_date is None and not c.exception
    ]
    rows.append([(_("➕ Register a working member"), cb(F, "n", "rreg", org_id))])
    rows.append([(_("« Back"), cb(F, "cell"))])
    text = "\n".join(lines)
    await req.show(f"{note}\n\n{text}" if note else text, rows)


# == officers =====================================================================================

COLUMNS = (
    ("transfers_out_open", N_("out (in progress)")),
    ("transfers_in_expected", N_("in (expected)")),
    ("temporary_away", N_("temporarily away")),
    ("exempt", N_("exempt")),
    ("temporarily_exempt", N_("temporarily exempt")),
    ("reviews_open", N_("removal reviews open")),
    ("reviews_decided", N_("removal reviews decided")),
)


async def show_officer(req: Req, org_id: int | None) -> None:
    _ = req._
    if org_id is None:
        officer_orgs = req.profile.officer_orgs if req.profile else []
        if not officer_orgs:
            await expired(req)
            return
        org_id = officer_orgs[0].org_id
    root = await require_read(req.ctx, req.user_id, org_id)
    rows_ = await uc.numbers(req.ctx, actor=req.user_id, org_code=root.code)
    lines = [_("Transfers, exemptions and removal reviews — {org}", org=root.name)]
    for row in rows_:
        values = row.as_dict()
        parts = [f"{_(label)} {values[key]}" for key, label in COLUMNS if values[key]]
        lines.append(f"{row.name}: " + (" · ".join(parts) if parts else "—"))
    reviews = await uc.open_reviews(req.ctx, actor=req.user_id, org_code=root.code)
    if reviews:
        lines.append(_("Removal reviews awaiting the committee:"))
        for name, v in reviews:
            lines.append(f"{name}: " + " ".join(_review_lines(_, v)).replace("  · ", "; "))
    buttons: Rows = [[(_("📊 Status"), cb("of", "s", root.id))]]
    await req.show("\n".join(lines), buttons)


# == reminders ====================================================================================


def reminder_actions(_: Translator, reminder: Reminder) -> list[tuple[str, str]]:
    if reminder.subject_type == "transfer":
        return [(_("Open the transfer"), cb(F, "t", reminder.subject_id))]
    if reminder.subject_type == "member":
        return [(_("Moves and records"), cb(F, "m", reminder.subject_id))]
    if reminder.subject_type == "residence":
        return [(_("Working members living here"), cb(F, "res"))]
    return [(_("Moves"), cb(F, "cell"))]


# == routing ======================================================================================


async def _cell(req: Req) -> None:
    await show_cell(req)


ROUTES = {
    "m": Route(show_member, INT),
    "n": Route(start_form, choice(*(k for k in FORMS if k != "lk")), INT),
    "f": Route(form_button, choice("cancel", "ok", "skip", "d", "c", "o"), opt(TOKEN)),
    "cx": Route(cancel_transfer, INT),
    "recv": Route(receive, INT),
    "lk": Route(link, INT, INT),
    "t": Route(show_transfer, INT),
    "cell": Route(_cell),
    "res": Route(show_residents),
    "o": Route(show_officer, opt(INT)),
}


def register(app: App) -> None:
    reg = registry_of(app)
    reg.add_menu(MenuEntry(N_("Moves and arrivals"), cb(F, "cell"), "cell", 25))
    reg.add_menu(MenuEntry(N_("Transfers, exemptions, reviews"), cb(F, "o"), "officer", 53))
    reg.add_routes(F, ROUTES)
    reg.add_text_flow(KIND, form_text)
    reg.add_resumable(KIND, N_("entry on a member's moves"), resume)
    for family in ("transfer", "exemption", "residence", "leaving", "card", "removal"):
        reg.add_reminder_actions(family, reminder_actions)

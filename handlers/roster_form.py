"""Adding a member and editing a field of a member's record: guided flows with drafts
(`roster.add`, `roster.edit`), one question per field; nothing is saved before the last step.

`ask` and `parse_answer` also serve the status change (`roster_status`). Every value is
checked as it comes (what is known so far), and the whole record again on saving.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from chibo.handlers.common import Req, cb, expired, working_cell
from chibo.handlers.flows import start_draft
from chibo.handlers.roster_browse import show_card
from chibo.handlers.roster_common import (
    ADD,
    CARD_LABELS,
    EDIT,
    F,
    Rows,
    compact_date,
    problems_text,
    show_or_reply,
    status_label,
    value_text,
)
from chibo.rules.dates import read_date
from chibo.rules.messages import N_
from chibo.rules.probation import official_date as official_date_of
from chibo.rules.text import lacks_diacritics, no_diacritics
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import roster as uc
from chibo.usecases import roster_io
from chibo.usecases.access import require_write
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator
from chibo.usecases.roster import (
    DATE_FIELDS,
    GENDER_LABELS,
    STATUSES,
    MemberFields,
    RosterInvalid,
    SamePerson,
)

QUESTIONS = {
    "full_name": N_("Full name of the party member? Type it with diacritics, e.g. Nguyễn Văn An."),
    "birth_date": N_("Birth date of {name}? For example 15/01/1960."),
    "gender": N_("Gender of {name}?"),
    "status": N_("Status of {name} in the cell?"),
    "decision_date": N_(
        "Date of the admission decision of {name} (ngày vào Đảng, written on"
        " the decision and the party card)? For example 03/02/1990."
    ),
    "ceremony_date": N_(
        "Date of the admission ceremony held by the cell for {name}? Probation is counted from it."
    ),
    "official_date": N_("Official date of {name} (the day probation ended)?"),
    "status_date": N_("Since what date is {name} in the status “{status}”?"),
    "card_no": N_("Party card number of {name}?"),
    "cccd": N_("ID card (căn cước) number of {name}? 12 digits."),
}
ADD_STEPS = (
    "full_name",
    "birth_date",
    "gender",
    "status",
    "decision_date",
    "ceremony_date",
    "official_date",
    "status_date",
    "card_no",
    "cccd",
)
OPTIONAL = {"gender", "card_no", "cccd", "decision_date", "ceremony_date", "official_date"}
EDITABLE = (
    "full_name",
    "birth_date",
    "gender",
    "card_no",
    "cccd",
    "decision_date",
    "ceremony_date",
    "official_date",
)


# == questions and answers =======================================================================


def _dump(f: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in f.items()}


def _load(data: dict[str, Any]) -> dict[str, Any]:
    return {k: date.fromisoformat(v) if k in DATE_FIELDS and v else v for k, v in data.items()}


def _fields(values: dict[str, Any]) -> MemberFields:
    known = {k: v for k, v in values.items() if v is not None}
    return MemberFields(**{"full_name": "", "birth_date": None, **known})


def _applicable(step: str, values: dict[str, Any], req: Req) -> bool:
    status = values.get("status")
    if step == "card_no":  # the party card is issued on becoming official
        return status != "probationary"
    if step == "official_date":
        return status is not None and status != "probationary"
    if step == "status_date":
        f = uc.completed(_fields(values), req.ctx.today(), req.ctx.catalogue)
        return f.status_date is None
    return True


def _next_step(req: Req, draft: Draft) -> str:
    """The next question not answered yet: after going back to fix an answer, the answers
    given since are kept."""
    values = _load(draft.data["f"])
    entered = set(draft.data.get("entered", []))
    after = ADD_STEPS.index(draft.step) + 1 if draft.step in ADD_STEPS else 0
    for step in ADD_STEPS[after:]:
        if _applicable(step, values, req) and step not in entered:
            return step
    return "confirm"


def _previous_step(req: Req, draft: Draft) -> str | None:
    values = _load(draft.data["f"])
    before = ADD_STEPS.index(draft.step) if draft.step in ADD_STEPS else len(ADD_STEPS)
    for step in reversed(ADD_STEPS[:before]):
        if _applicable(step, values, req):
            return step
    return None


def _question(_: Translator, step: str, values: dict[str, Any]) -> str:
    name = values.get("full_name") or ""
    status = values.get("status")
    return _(QUESTIONS[step], name=name, status=status_label(_, status) if status else "")


def _step_rows(_: Translator, step: str, values: dict[str, Any], kind: str, req: Req) -> Rows:
    rows: Rows = []
    if step == "gender":
        rows.append([(_(GENDER_LABELS[g]), cb(F, "f", "g", g)) for g in GENDER_LABELS])
    elif step == "status":
        pairs = [(status_label(_, s), cb(F, "f", "s", s)) for s in STATUSES]
        rows.extend([pairs[i : i + 2] for i in range(0, len(pairs), 2)])
    elif step == "official_date" and values.get("ceremony_date"):
        end = official_date_of(values["ceremony_date"], req.ctx.catalogue)
        rows.append(
            [(_("{date} (end of probation)", date=end), cb(F, "f", "d", end.strftime("%Y%m%d")))]
        )
    elif step == "status_date":
        rows.append([(_("Today"), cb(F, "f", "d", req.ctx.today().strftime("%Y%m%d")))])
    optional = step in OPTIONAL and not (
        step == "ceremony_date" and values.get("status") == "probationary"
    )
    last = []
    if kind == ADD and step != ADD_STEPS[0]:
        last.append((_("« Back"), cb(F, "f", "back")))
    if optional:
        last.append((_("Skip") if kind == ADD else _("Leave empty"), cb(F, "f", "skip")))
    last.append((_("Cancel"), cb(F, "f", "cancel")))
    rows.append(last)
    return rows


async def ask(req: Req, draft: Draft, *, reply: bool, prefix: str = "") -> None:
    _ = req._
    values = _load(draft.data["f"])
    if draft.step == "confirm":
        await _confirm(req, draft, reply=reply, prefix=prefix)
        return
    text = _question(_, draft.step, values)
    if prefix:
        text = f"{prefix}\n\n{text}"
    rows = _step_rows(_, draft.step, values, draft.kind, req)
    await show_or_reply(req, text, rows, reply=reply)


def _summary(_: Translator, values: dict[str, Any]) -> str:
    shown = [n for n in ADD_STEPS if n != "card_no" or values.get("status") != "probationary"]
    return "\n".join(
        f"{_(CARD_LABELS[name])}: {value_text(_, name, values.get(name))}" for name in shown
    )


async def _confirm(req: Req, draft: Draft, *, reply: bool, prefix: str = "") -> None:
    _ = req._
    values = _load(draft.data["f"])
    f = uc.completed(_fields(values), req.ctx.today(), req.ctx.catalogue)
    values = {**values, "official_date": f.official_date, "status_date": f.status_date}
    text = _("Please check, then press Save:") + "\n\n" + _summary(_, values)
    if prefix:
        text = f"{prefix}\n\n{text}"
    rows = [[(_("✅ Save"), cb(F, "f", "save"))], [(_("Cancel"), cb(F, "f", "cancel"))]]
    await show_or_reply(req, text, rows, reply=reply)


async def start_add(req: Req) -> None:
    org_id = await working_cell(req)
    if org_id is None:
        return
    draft = await start_draft(req, ADD, "full_name", org_id=org_id, data={"f": {}, "entered": []})
    await ask(req, draft, reply=False)


def parse_answer(req: Req, step: str, text: str) -> Any:
    """A typed answer for a field, or InvalidInput saying what was expected."""
    text = text.strip()
    if step == "full_name":
        if (msg := uc.check_name(text)) is not None:
            raise InvalidInput(msg)
        return uc.clean_name(text)
    if step in DATE_FIELDS:
        value = read_date(text, req.ctx.today(), past=True)
        if not isinstance(value, date):
            raise InvalidInput(value)
        return value
    return roster_io.read_value(step, text, req.ctx.today(), uc.field_label(step))


async def _accept(req: Req, draft: Draft, value: Any, *, reply: bool) -> None:
    """Take a value for the current step: validate what is known so far, then go on."""
    step = draft.step
    if draft.kind == EDIT:
        await _save_edit(req, draft, step, value, reply=reply)
        return
    values = _load(draft.data["f"])
    values[step] = value
    entered = set(draft.data.get("entered", [])) | {step}
    if values.get("birth_date") is not None:
        f = uc.completed(_fields(values), req.ctx.today(), req.ctx.catalogue)
        found = [p for p in await uc.problems(req.ctx, draft.org_id or 0, f) if p.field in entered]
        if found:
            await ask(req, draft, reply=reply, prefix=problems_text(req._, found))
            return
    if not _applicable("official_date", values, req):  # the status changed to probationary
        entered.discard("official_date")
        values.pop("official_date", None)
    draft.data["f"] = _dump(values)
    draft.data["entered"] = sorted(entered)
    draft.step = _next_step(req, draft)
    await drafts_uc.save(req.ctx, draft)
    await ask(req, draft, reply=reply)


async def flow_text(req: Req, draft: Draft) -> None:
    if draft.org_id is None:
        return
    await require_write(req.ctx, req.user_id, draft.org_id)
    if draft.step in ("confirm", "dup"):
        await req.reply(req.use_buttons())
        return
    try:
        value = parse_answer(req, draft.step, req.text)
    except InvalidInput as exc:
        await ask(req, draft, reply=True, prefix=req._.msg(exc.msg))
        return
    if draft.step == "full_name" and lacks_diacritics(value):
        await req.reply(req._.msg(no_diacritics(value)))
    await _accept(req, draft, value, reply=True)


async def _save_add(req: Req, draft: Draft, *, same_person_ok: bool) -> None:
    _ = req._
    values = _load(draft.data["f"])
    assert draft.org_id is not None
    try:
        member = await uc.add_member(
            req.ctx,
            actor=req.user_id,
            org_id=draft.org_id,
            f=_fields(values),
            same_person_ok=same_person_ok,
        )
    except SamePerson as exc:
        draft.step = "dup"
        await drafts_uc.save(req.ctx, draft)
        await req.show(
            _.msg(exc.msg) + "\n" + _("Is this another person with the same name and birth date?"),
            [
                [(_("Yes, add another person"), cb(F, "f", "dup"))],
                [(_("Cancel"), cb(F, "f", "cancel"))],
            ],
        )
        return
    except RosterInvalid as exc:
        await req.show(
            problems_text(_, exc.problems)
            + "\n\n"
            + _("Nothing was saved yet: go back to correct the answer, or cancel."),
            [[(_("« Back"), cb(F, "f", "back")), (_("Cancel"), cb(F, "f", "cancel"))]],
        )
        return
    await drafts_uc.clear(req.ctx, req.user_id, (ADD,))
    await show_card(
        req, member.id, note=_("Saved: {name} is in the roster.", name=member.full_name)
    )


async def _save_edit(
    req: Req, draft: Draft, step: str, value: Any, *, reply: bool, same_person_ok: bool = False
) -> None:
    _ = req._
    mid = int(draft.data["mid"])
    member = await uc.member_for(req.ctx, req.user_id, mid)
    f = replace(member.editable, **{step: value})
    try:
        await uc.edit_member(
            req.ctx, actor=req.user_id, member_id=mid, f=f, same_person_ok=same_person_ok
        )
    except SamePerson as exc:
        draft.data["pending"] = _dump({step: value})
        draft.step = "dup"
        await drafts_uc.save(req.ctx, draft)
        rows = [
            [(_("Yes, it is another person"), cb(F, "f", "dup"))],
            [(_("Cancel"), cb(F, "f", "cancel"))],
        ]
        text = (
            _.msg(exc.msg) + "\n" + _("Is this another person with the same name and birth date?")
        )
        await show_or_reply(req, text, rows, reply=reply)
        return
    except RosterInvalid as exc:
        await ask(req, draft, reply=reply, prefix=problems_text(_, exc.problems))
        return
    await drafts_uc.clear(req.ctx, req.user_id, (ADD,))
    await show_card(req, mid, reply=reply, note=_("Saved."))


async def form_button(req: Req, draft: Draft, action: str, arg: str) -> None:
    """A button of the add / edit flow (`roster:f:<action>[:arg]`) on its open draft."""
    if action == "save" and draft.kind == ADD and draft.step == "confirm":
        await _save_add(req, draft, same_person_ok=False)
    elif action == "dup" and draft.step == "dup":
        if draft.kind == ADD:
            await _save_add(req, draft, same_person_ok=True)
        else:
            pending = _load(draft.data.get("pending", {}))
            if not pending:
                await expired(req)
                return
            [(step, value)] = pending.items()
            await _save_edit(req, draft, step, value, reply=False, same_person_ok=True)
    elif action == "back" and draft.kind == ADD and (back := _previous_step(req, draft)):
        draft.step = back
        await drafts_uc.save(req.ctx, draft)
        value = _load(draft.data["f"]).get(back)
        now = req._("Now: {value}", value=value_text(req._, back, value)) if value else ""
        await ask(req, draft, reply=False, prefix=now)
    elif action == "skip" and draft.step in OPTIONAL:
        await _accept(req, draft, None, reply=False)
    elif (action, draft.step) in (("g", "gender"), ("s", "status")) and arg in _CHOICES[action]:
        await _accept(req, draft, arg, reply=False)
    elif action == "d" and draft.step in DATE_FIELDS and (day := compact_date(arg)):
        await _accept(req, draft, day, reply=False)
    else:
        await expired(req)


_CHOICES = {"g": tuple(GENDER_LABELS), "s": STATUSES}


# == choosing what to edit =======================================================================


async def edit_menu(req: Req, member_id: int) -> None:
    _ = req._
    member = await uc.member_for(req.ctx, req.user_id, member_id)
    fields = [n for n in EDITABLE if n != "card_no" or member.status != "probationary"]
    rows: Rows = [[(_(CARD_LABELS[n]), cb(F, "ef", member.id, n))] for n in fields]
    rows.append([(_("« Back"), cb(F, "view", member.id))])
    await req.show(_("What do you want to change for {name}?", name=member.full_name), rows)


async def start_edit(req: Req, member_id: int, field: str) -> None:
    member = await uc.member_for(req.ctx, req.user_id, member_id)
    draft = await start_draft(
        req,
        EDIT,
        field,
        org_id=member.org_id,
        data={"mid": member.id, "f": _dump(member.editable.as_dict())},
    )
    current = value_text(req._, field, getattr(member, field))
    await ask(req, draft, reply=False, prefix=req._("Now: {value}", value=current))

"""Registering an outstanding candidate, or editing the details (draft kind `candidate`).

Screens: name → birth date → gender → origin → helpers → notes → summary; "Save" writes.
Editing starts at the summary with every value filled in; "Change …" goes to one screen and
back. Nothing is stored before "Save".
"""

from __future__ import annotations

from datetime import date

from chibo.handlers.candidate_views import F, Rows, label, render_member_picker, show_view
from chibo.handlers.common import (
    EXPIRED,
    CallbackData,
    Req,
    cb,
    current_cell_id,
    expired,
)
from chibo.handlers.flows import start_draft
from chibo.rules.dates import read_date
from chibo.rules.text import check_person_name, lacks_diacritics, no_diacritics
from chibo.usecases import candidates as uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases.candidates import GENDER_LABELS, ORIGIN_LABELS, ORIGINS, Details
from chibo.usecases.drafts import Draft
from chibo.usecases.i18n import Translator

KIND = "candidate"


NEW_STEPS = ("name", "birth", "gender", "origin", "helpers", "notes", "summary")


async def start_new(req: Req, org_id: int | None) -> None:
    if org_id is None and (org_id := await current_cell_id(req)) is None:
        return
    org = await uc.cell_for_write(req.ctx, req.user_id, org_id)
    draft = await start_draft(
        req,
        KIND,
        "name",
        org_id=org.id,
        data={"mode": "new", "org": org.name, "helpers": []},
    )
    await render(req, draft)


async def start_edit(req: Req, cid: int) -> None:
    await uc.for_write(req.ctx, req.user_id, cid)
    v = await uc.view(req.ctx, req.user_id, cid)
    d = v.candidate.details
    data = {
        "mode": "edit",
        "cid": cid,
        "org": v.org.name,
        "name": d.full_name,
        "birth": d.birth_date.isoformat(),
        "gender": d.gender,
        "origin": d.origin,
        "notes": d.notes,
        "helpers": [m.id for m in v.helpers],
    }
    draft = await start_draft(req, KIND, "summary", org_id=v.org.id, data=data)
    await render(req, draft)


def _new_header(_: Translator, draft: Draft) -> str:
    what = (
        _("Editing a candidate's details")
        if draft.data.get("mode") == "edit"
        else _("Registering an outstanding candidate")
    )
    return f"{what} — {draft.data.get('org', '')}\n\n"


def _keep_row(_: Translator, draft: Draft, key: str) -> list[tuple[str, str]]:
    """A "Keep it" button when editing a field that has a value, and Cancel."""
    row = []
    if draft.data.get("mode") == "edit" and draft.data.get(key):
        row.append((_("Keep it"), cb(F, "keep")))
    row.append((_("Cancel"), cb(F, "cancel")))
    return row


async def render(req: Req, draft: Draft) -> None:
    _, data, step = req._, draft.data, draft.step
    head = _new_header(_, draft)
    if step == "name":
        await req.show(
            head
            + _(
                "Type the full name of the outstanding person the cell is fostering for admission."
            ),
            [_keep_row(_, draft, "name")],
        )
    elif step == "birth":
        await req.show(
            head + _("Type {name}'s birth date (for example 15/08/2003).", name=data["name"]),
            [_keep_row(_, draft, "birth")],
        )
    elif step == "gender":
        await req.show(
            head + _("{name} is:", name=data["name"]),
            [
                [(_(text), cb(F, "g", g)) for g, text in GENDER_LABELS.items()],
                _keep_row(_, draft, "gender"),
            ],
        )
    elif step == "origin":
        rows: Rows = [[(_(ORIGIN_LABELS[o]), cb(F, "o", o))] for o in ORIGINS]
        rows.append(_keep_row(_, draft, "origin"))
        await req.show(head + _("Where does {name} come from?", name=data["name"]), rows)
    elif step == "helpers":
        await render_member_picker(
            req,
            draft,
            "h",
            data.get("helpers", []),
            head
            + _(
                "Which official members are assigned to follow and help {name}? Press names to"
                " select them, then Continue.",
                name=data["name"],
            ),
        )
    elif step == "notes":
        text = head + _(
            "Type notes about {name} if any (work, strengths, what to help with), or press Skip.",
            name=data["name"],
        )
        await req.show(text, [[(_("Skip"), cb(F, "skip")), *_keep_row(_, draft, "notes")]])
    else:
        await _render_new_summary(req, draft)


async def _render_new_summary(req: Req, draft: Draft) -> None:
    _, data = req._, draft.data
    names = {m.id: m.full_name for m in await uc.official_members(req.ctx, draft.org_id or 0)}
    helpers = ", ".join(names.get(i, "?") for i in data.get("helpers", [])) or "—"
    lines = [
        _new_header(_, draft) + _("Check and save:"),
        _("Full name: {v}", v=data["name"]),
        _("Birth date: {v}", v=date.fromisoformat(data["birth"])),
        _("Gender: {v}", v=label(_, GENDER_LABELS, data.get("gender"))),
        _("Origin: {v}", v=label(_, ORIGIN_LABELS, data.get("origin"))),
        _("Members assigned to help: {names}", names=helpers),
        _("Notes: {notes}", notes=data.get("notes") or "—"),
    ]
    rows: Rows = [
        [(_("✔ Save"), cb(F, "save"))],
        [
            (_("Change the name"), cb(F, "ed", "name")),
            (_("Change the birth date"), cb(F, "ed", "birth")),
        ],
        [
            (_("Change the gender"), cb(F, "ed", "gender")),
            (_("Change the origin"), cb(F, "ed", "origin")),
        ],
        [
            (_("Change the helpers"), cb(F, "ed", "helpers")),
            (_("Change the notes"), cb(F, "ed", "notes")),
        ],
        [(_("Cancel"), cb(F, "cancel"))],
    ]
    await req.show("\n".join(lines), rows)


async def _new_advance(req: Req, draft: Draft) -> None:
    if draft.data.get("ret"):
        draft.data["ret"] = 0
        draft.step = "summary"
    else:
        draft.step = NEW_STEPS[NEW_STEPS.index(draft.step) + 1]
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def on_text(req: Req, draft: Draft) -> None:
    _, text = req._, req.text.strip()
    if draft.step == "name":
        name = uc.clean(text)
        if not name or len(name) > uc.MAX_NAME:
            await req.reply(_("Give the full name (at most {n} characters).", n=uc.MAX_NAME))
            return
        if (bad := check_person_name(name)) is not None:
            await req.reply(_.msg(bad))
            return
        if lacks_diacritics(name):
            await req.reply(_.msg(no_diacritics(name)))
        draft.data["name"] = name
    elif draft.step == "birth":
        born = read_date(text, req.ctx.today(), past=True)
        if not isinstance(born, date):
            await req.reply(_.msg(born))
            return
        if born > req.ctx.today():
            await req.reply(_("The birth date {birth} is in the future.", birth=born))
            return
        draft.data["birth"] = born.isoformat()
    elif draft.step == "notes":
        if len(text) > uc.MAX_NOTES:
            await req.reply(_("The notes are longer than {n} characters.", n=uc.MAX_NOTES))
            return
        draft.data["notes"] = text
    else:
        await req.reply(req.use_buttons())
        return
    await _new_advance(req, draft)


async def on_button(req: Req, draft: Draft, data: CallbackData) -> None:
    a, _ = data.action, req._
    if a == "g" and draft.step == "gender" and data.args and data.args[0] in GENDER_LABELS:
        draft.data["gender"] = data.args[0]
    elif a == "o" and draft.step == "origin" and data.args and data.args[0] in ORIGINS:
        draft.data["origin"] = data.args[0]
    elif a == "h" and draft.step == "helpers" and (mid := data.int_arg(0)) is not None:
        chosen: list[int] = draft.data.setdefault("helpers", [])
        if mid in chosen:
            chosen.remove(mid)
        elif mid in {m.id for m in await uc.official_members(req.ctx, draft.org_id or 0)}:
            chosen.append(mid)
        else:
            await expired(req)
            return
        await drafts_uc.save(req.ctx, draft)
        await render(req, draft)
        return
    elif (a == "ok" and draft.step == "helpers") or (a == "keep" and draft.step != "summary"):
        pass
    elif a == "skip" and draft.step == "notes":
        draft.data["notes"] = None
    elif a == "ed" and data.args and data.args[0] in NEW_STEPS[:-1]:
        draft.data["ret"] = 1
        draft.step = data.args[0]
        await drafts_uc.save(req.ctx, draft)
        await render(req, draft)
        return
    elif a == "save" and draft.step == "summary":
        await _save_new(req, draft)
        return
    else:
        await req.notify(_(EXPIRED), alert=True)
        return
    await _new_advance(req, draft)


async def _save_new(req: Req, draft: Draft) -> None:
    data = draft.data
    details = Details(
        full_name=data["name"],
        birth_date=date.fromisoformat(data["birth"]),
        gender=data.get("gender"),
        origin=data["origin"],
        youth_union_member=data["origin"] == "youth_union",
        notes=data.get("notes"),
    )
    helpers = [int(i) for i in data.get("helpers", [])]
    if data.get("mode") == "edit":
        c = await uc.edit_details(
            req.ctx,
            actor=req.user_id,
            candidate_id=int(data["cid"]),
            details=details,
            helper_ids=helpers,
        )
        prefix = req._("✔ Details saved.")
    else:
        c = await uc.register(
            req.ctx,
            actor=req.user_id,
            org_id=draft.org_id or 0,
            details=details,
            helper_ids=helpers,
        )
        prefix = req._("✔ {name} is registered as an outstanding candidate.", name=c.full_name)
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    await show_view(req, c.id, prefix)

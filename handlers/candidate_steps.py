"""Recording or correcting one step of a candidate's file (draft kind `cand_step`), and closing
a file with a reason (draft kind `cand_close`).

A step is a sequence of screens, one value each (`_fields_of`); each value is checked as soon
as it is entered (order and dates, A1/A3 on the cell-resolution date, each introducer's A7),
then "Save" checks everything again (`usecases.candidate_steps.record_step`). When correcting,
each screen shows the value recorded and a "Keep it" button.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chibo.handlers.candidate_views import (
    FIELD_LABELS,
    ROUTE_LABELS,
    F,
    Rows,
    bullets,
    label,
    render_member_picker,
    show_view,
)
from chibo.handlers.common import CallbackData, Req, cb, expired
from chibo.handlers.flows import start_draft
from chibo.rules import candidate_steps as steps
from chibo.rules.dates import parse_month, read_date
from chibo.rules.messages import N_
from chibo.rules.probation import probation_end
from chibo.usecases import candidate_steps as steps_uc
from chibo.usecases import candidates as uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases.candidates import CandidateRefused, IntroducerRow
from chibo.usecases.drafts import Draft
from chibo.usecases.i18n import Translator

KIND, CLOSE = "cand_step", "cand_close"


#: The question asked for each date field of a step.
DATE_PROMPTS = {
    "course_cert_date": N_("On what date was {name}'s party-awareness course certificate issued?"),
    "application_date": N_("On what date did {name} write the application for admission?"),
    "background_date": N_("On what date did {name} complete the personal history form (lý lịch)?"),
    "verification_date": N_("On what date was the verification of {name}'s background concluded?"),
    "background_comment_date": N_(
        "On what date did the cell comment on {name}'s background "
        "statement? (After the verification; skip if not yet.)"
    ),
    "introduction_date": N_(
        "On what date was {name} introduced (the date of the introducers' letters)?"
    ),
    "cell_resolution_date": N_(
        "On what date did the cell meet and pass the resolution proposing to admit {name}?"
    ),
    "grassroots_resolution_date": N_(
        "On what date did the grassroots party committee pass its resolution on admitting {name}?"
    ),
    "decision_date": N_("What is the date of the admission decision for {name}?"),
    "decision_received_date": N_("On what date did the cell receive the admission decision?"),
    "ceremony_date": N_("On what date did the cell hold {name}'s admission ceremony?"),
    "youth_union_resolution_date": N_(
        "On what date did the grassroots Youth Union executive "
        "committee pass its resolution introducing {name}?"
    ),
    "trade_union_resolution_date": N_(
        "On what date did the grassroots trade-union executive "
        "committee pass its resolution introducing {name}?"
    ),
}
UNION_FIELD = {
    "youth_union": "youth_union_resolution_date",
    "trade_union": "trade_union_resolution_date",
}
OPTIONAL = {"background_comment_date"}
INTS = ("vote_base", "vote_agree")


def _fields_of(code: str) -> list[str]:
    """The screens of a step, in order (the introduction has its own)."""
    if code == "intro":
        return ["introduction_date", "route", "pick", "tog", "union"]
    return list(steps.BY_CODE[code].fields)


async def start_step(req: Req, cid: int, code: str) -> None:
    v = await steps_uc.start_step(req.ctx, actor=req.user_id, candidate_id=cid, code=code)
    s = v.candidate.steps
    old: dict[str, Any] = {}
    for field in (*steps.BY_CODE[code].fields, *UNION_FIELD.values()):
        value = getattr(s, field)
        old[field] = value.isoformat() if isinstance(value, date) else value
    data = {
        "cid": cid,
        "code": code,
        "cname": v.candidate.full_name,
        "birth": v.candidate.details.birth_date.isoformat(),
        "v": {},
        "old": {k: x for k, x in old.items() if x is not None},
        "intro": [[i.member.id, i.together_from.isoformat()] for i in v.introducers]
        if code == "intro"
        else [],
        "fix": steps.recorded(v.case, steps.BY_CODE[code]),
    }
    draft = await start_draft(req, KIND, _fields_of(code)[0], org_id=v.org.id, data=data)
    await render(req, draft)


def _title(_: Translator, draft: Draft) -> str:
    step = steps.BY_CODE[draft.data["code"]]
    what = _("Correcting") if draft.data.get("fix") else _("Recording")
    return f"{what}: {_(step.title)} — {draft.data['cname']}\n\n"


def _now_line(_: Translator, draft: Draft, field: str) -> str:
    old = draft.data.get("old", {}).get(field)
    if old is None:
        return ""
    shown = _.date(date.fromisoformat(old)) if field.endswith("_date") else str(old)
    return "\n" + _("Now: {value}", value=shown)


def _cancel_row(_: Translator, draft: Draft, field: str) -> list[tuple[str, str]]:
    row = []
    if draft.data.get("old", {}).get(field) is not None:
        row.append((_("Keep it"), cb(F, "keep")))
    row.append((_("Cancel"), cb(F, "cancel")))
    return row


async def render(req: Req, draft: Draft) -> None:
    _, field, data = req._, draft.step, draft.data
    head = _title(_, draft)
    if field == "route":
        await _render_route(req, draft)
    elif field == "pick":
        route = data["v"].get("route", "two_members")
        need = 2 if route == "two_members" else 1
        chosen = [i for i, _ in data.get("intro", [])]
        text = head + _(
            "Choose the introducing party member(s) ({need}): official members who"
            " have worked, studied or lived with {name} for at least 12 months in"
            " the same unit (Party Charter, Art. 4).",
            need=need,
            name=data["cname"],
        )
        await render_member_picker(req, draft, "i", chosen, text, need=need)
    elif field == "tog":
        await _render_together(req, draft)
    elif field == "union":
        union = UNION_FIELD[data["v"]["route"]]
        await _render_date(req, draft, union, head + _(DATE_PROMPTS[union], name=data["cname"]))
    elif field == "confirm":
        await _render_confirm(req, draft)
    elif field == "vote_base":
        await _render_base(req, draft)
    elif field == "vote_agree":
        base = data["v"]["vote_base"]
        text = (
            head
            + _(
                "How many of the {base} official members in the vote base agreed to"
                " propose admitting {name}? Type the number.",
                base=base,
                name=data["cname"],
            )
            + _now_line(_, draft, field)
        )
        await req.show(text, [[(str(base), cb(F, "all"))], _cancel_row(_, draft, field)])
    elif field == "decision_no":
        text = (
            head
            + _("Type the number of the admission decision (for example 125-QĐ/ĐU).")
            + _now_line(_, draft, field)
        )
        await req.show(text, [_cancel_row(_, draft, field)])
    else:
        await _render_date(req, draft, field, head + _(DATE_PROMPTS[field], name=data["cname"]))


async def _render_date(req: Req, draft: Draft, field: str, text: str) -> None:
    _, today = req._, req.ctx.today()
    text += (
        _now_line(_, draft, field)
        + "\n"
        + (
            _("Type the number of a choice, or the date (for example 5/3 or 05/03/2026).")
            if req.on_zalo
            else _("Press a button or type the date (for example 5/3 or 05/03/2026).")
        )
    )
    rows: Rows = [
        [
            (_("Today {date}", date=_.date(today)[:5]), cb(F, "d", 0)),
            (_("Yesterday {date}", date=_.date(today - timedelta(days=1))[:5]), cb(F, "d", 1)),
        ]
    ]
    if field in OPTIONAL:
        rows.append([(_("Skip (not yet)"), cb(F, "skip"))])
    rows.append(_cancel_row(_, draft, field))
    await req.show(text, rows)


async def _render_route(req: Req, draft: Draft) -> None:
    _ = req._
    rows: Rows = [
        [(_(ROUTE_LABELS[r]), cb(F, "rt", r[:2]))] for r in ("two_members", "trade_union")
    ]
    rows.append([(_("Cancel"), cb(F, "cancel"))])
    await req.show(
        _title(_, draft)
        + _(
            "How is {name} introduced? A trade-union member may be introduced by the resolution of"
            " the grassroots trade-union executive committee and one official party member.",
            name=draft.data["cname"],
        ),
        rows,
    )


def _pending_together(draft: Draft) -> int | None:
    return next((int(i) for i, since in draft.data.get("intro", []) if since is None), None)


async def _render_together(req: Req, draft: Draft) -> None:
    _, data = req._, draft.data
    mid = _pending_together(draft)
    if mid is None:
        await _step_advance(req, draft)
        return
    names = {m.id: m.full_name for m in await uc.official_members(req.ctx, draft.org_id or 0)}
    old = {int(i): s for i, s in data.get("old_intro", [])}.get(mid)
    text = _title(_, draft) + _(
        "Since when has {member} worked, studied or lived with {name} in the same unit? Type a"
        " date or a month (for example 01/09/2020 or 9/2020).",
        member=names.get(mid, "?"),
        name=data["cname"],
    )
    rows: Rows = [[(_("Since {name}'s birth (same residence)", name=data["cname"]), cb(F, "tb"))]]
    if old:
        text += "\n" + _("Now: {value}", value=_.date(date.fromisoformat(old)))
        rows.append([(_("Keep it"), cb(F, "keep"))])
    rows.append(
        [(_("Choose other introducers"), cb(F, "ed", "pick")), (_("Cancel"), cb(F, "cancel"))]
    )
    await req.show(text, rows)


async def _render_base(req: Req, draft: Draft) -> None:
    _, data = req._, draft.data
    on = date.fromisoformat(data["v"]["cell_resolution_date"])
    roll = await steps_uc.vote_roll(req.ctx, draft.org_id or 0, on)
    data["roll"] = roll.proposed
    await drafts_uc.save(req.ctx, draft)
    text = _title(_, draft) + _(
        "The vote base is the cell's official members, without those on temporary transfer"
        " elsewhere and without exempted members who were absent (Party Charter, Art. 4–5)."
        " From the roster: {n}. Press it, or type the right number.",
        n=roll.proposed,
    )
    text += _now_line(_, draft, "vote_base")
    await req.show(
        text,
        [
            [(_("✔ {n} official members", n=roll.proposed), cb(F, "base"))],
            _cancel_row(_, draft, "vote_base"),
        ],
    )


async def _render_confirm(req: Req, draft: Draft) -> None:
    _, data = req._, draft.data
    values = _values(draft)
    lines = [_title(_, draft) + _("Check and save:")]
    for field, value in values.items():
        if value is None:
            continue
        lines.append(
            f"• {_(FIELD_LABELS[field])}: "
            + (_.date(value) if isinstance(value, date) else str(value))
        )
    if data["code"] == "intro":
        lines.append(f"• {label(_, ROUTE_LABELS, data['v'].get('route'))}")
        names = {m.id: m.full_name for m in await uc.official_members(req.ctx, draft.org_id or 0)}
        for mid, since in data.get("intro", []):
            lines.append(
                "  "
                + _(
                    "{member}, together since {since}",
                    member=names.get(mid, "?"),
                    since=date.fromisoformat(since),
                )
            )
    if data["code"] == "cer":
        lines.append(
            _(
                "{name} will be added to the roster as a probationary member; the"
                " members helping them are carried over.",
                name=data["cname"],
            )
        )
    await req.show(
        "\n".join(lines),
        [
            [(_("✔ Save"), cb(F, "save"))],
            [
                (_("Start this step again"), cb(F, "st", data["cid"], data["code"])),
                (_("Cancel"), cb(F, "cancel")),
            ],
        ],
    )


def _values(draft: Draft) -> dict[str, Any]:
    """The step's values from the draft, typed for the use case."""
    out: dict[str, Any] = {}
    fields = [*steps.BY_CODE[draft.data["code"]].fields]
    if draft.data["code"] == "intro":
        fields += list(UNION_FIELD.values())
    for field in fields:
        raw = draft.data["v"].get(field)
        out[field] = date.fromisoformat(raw) if raw and field.endswith("_date") else raw
    return out


def _next_field(draft: Draft) -> str:
    seq = _fields_of(draft.data["code"])
    i = seq.index(draft.step) + 1 if draft.step in seq else len(seq)
    route = draft.data["v"].get("route")
    while i < len(seq):
        field = seq[i]
        if (field == "route" and route) or (field == "union" and route == "two_members"):
            i += 1
        else:
            return field
    return "confirm"


async def _step_advance(req: Req, draft: Draft) -> None:
    if not (draft.step == "tog" and _pending_together(draft) is not None):
        draft.step = _next_field(draft)
    if draft.step == "route":
        on = date.fromisoformat(draft.data["v"]["introduction_date"])
        opts = await steps_uc.intro_options(
            req.ctx, actor=req.user_id, candidate_id=draft.data["cid"], on=on
        )
        if opts.forced or not opts.trade_union_allowed:
            draft.data["v"]["route"] = opts.forced or "two_members"
            if opts.forced:
                await req.reply(
                    req._(
                        "{name} is a Youth Union member of youth age: the grassroots Youth Union"
                        " executive committee's resolution and one official party member introduce"
                        " them (Party Charter, Art. 4).",
                        name=draft.data["cname"],
                    )
                )
            draft.step = _next_field(draft)
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def _set_field(req: Req, draft: Draft, value: Any) -> None:
    """Store the current field's value, check what can be checked now, move on."""
    field, data = draft.step, draft.data
    stored = value.isoformat() if isinstance(value, date) else value
    if field == "tog":
        mid = _pending_together(draft)
        on = date.fromisoformat(data["v"]["introduction_date"])
        assert mid is not None
        await steps_uc.check_introducer(
            req.ctx,
            actor=req.user_id,
            candidate_id=data["cid"],
            on=on,
            member_id=mid,
            together_from=value,
        )
        data["intro"] = [[i, stored if int(i) == mid else s] for i, s in data["intro"]]
    else:
        entered = {k: v for k, v in _values(draft).items() if k in data["v"] and v is not None}
        entered[field] = value
        await steps_uc.check_values(
            req.ctx, actor=req.user_id, candidate_id=data["cid"], code=data["code"], values=entered
        )
        data["v"][field] = stored
    await _step_advance(req, draft)


async def on_text(req: Req, draft: Draft) -> None:
    _, text, field = req._, req.text.strip(), draft.step
    today = req.ctx.today()
    if field in INTS:
        if not text.isdigit() or len(text) > 4:
            await req.reply(_("Type a whole number, for example 12."))
            return
        await _set_field(req, draft, int(text))
    elif field == "decision_no":
        number = uc.clean(text)
        if not number or len(number) > steps_uc.MAX_DECISION_NO:
            await req.reply(
                _(
                    "Give the number of the admission decision, e.g. 125-QĐ/ĐU (at most"
                    " {n} characters).",
                    n=steps_uc.MAX_DECISION_NO,
                )
            )
            return
        await _set_field(req, draft, number)
    elif field == "tog":
        day = parse_month(text) or read_date(text, today, past=True)
        if not isinstance(day, date):
            await req.reply(_.msg(day))
            return
        await _set_field(req, draft, day)
    elif field.endswith("_date") or field == "union":
        day = read_date(text, today, past=True)
        if not isinstance(day, date):
            await req.reply(_.msg(day))
            return
        if field == "union":
            draft.step = UNION_FIELD[draft.data["v"]["route"]]
        await _set_field(req, draft, day)
    else:
        await req.reply(req.use_buttons())


async def on_button(req: Req, draft: Draft, data: CallbackData) -> None:
    a, field, d = data.action, draft.step, draft.data
    if field == "union" and a in ("d", "keep"):
        draft.step = field = UNION_FIELD[d["v"]["route"]]
    if a == "d" and (n := data.int_arg(0)) is not None and n <= 1 and (field.endswith("_date")):
        await _set_field(req, draft, req.ctx.today() - timedelta(days=n))
    elif a == "keep" and field == "tog":
        mid = _pending_together(draft)
        old = {int(i): s for i, s in d.get("old_intro", [])}.get(mid or -1)
        if old is None:
            await expired(req)
            return
        await _set_field(req, draft, date.fromisoformat(old))
    elif a == "keep" and d.get("old", {}).get(field) is not None:
        old = d["old"][field]
        await _set_field(req, draft, date.fromisoformat(old) if field.endswith("_date") else old)
    elif a == "skip" and field in OPTIONAL:
        d["v"][field] = None
        await _step_advance(req, draft)
    elif a == "base" and field == "vote_base" and isinstance(d.get("roll"), int):
        await _set_field(req, draft, d["roll"])
    elif a == "all" and field == "vote_agree":
        await _set_field(req, draft, d["v"]["vote_base"])
    elif a == "rt" and field == "route" and data.args and data.args[0] in ("tw", "tr"):
        d["v"]["route"] = "two_members" if data.args[0] == "tw" else "trade_union"
        await _step_advance(req, draft)
    elif a == "i" and field == "pick" and (mid := data.int_arg(0)) is not None:
        await _toggle_introducer(req, draft, mid)
    elif a == "ok" and field == "pick":
        d["old_intro"] = d.get("old_intro") or [[i, s] for i, s in d.get("intro", []) if s]
        d["intro"] = [[i, None] for i, _ in d.get("intro", [])]
        await _step_advance(req, draft)
    elif a == "tb" and field == "tog":
        await _set_field(req, draft, date.fromisoformat(d["birth"]))
    elif a == "ed" and data.args == ("pick",) and field == "tog":
        draft.step = "pick"
        await drafts_uc.save(req.ctx, draft)
        await render(req, draft)
    elif a == "save" and field == "confirm":
        await _save_step(req, draft)
    else:
        await expired(req)


async def _toggle_introducer(req: Req, draft: Draft, mid: int) -> None:
    d = draft.data
    chosen = d.setdefault("intro", [])
    if any(int(i) == mid for i, _ in chosen):
        d["intro"] = [[i, s] for i, s in chosen if int(i) != mid]
    else:
        route = d["v"].get("route", "two_members")
        if len(chosen) >= (2 if route == "two_members" else 1):
            await req.notify(
                req._("Enough introducers are selected: press a selected name to remove it first."),
                alert=True,
            )
            return
        on = date.fromisoformat(d["v"]["introduction_date"])
        await steps_uc.check_introducer(
            req.ctx,
            actor=req.user_id,
            candidate_id=d["cid"],
            on=on,
            member_id=mid,
            together_from=None,
        )
        chosen.append([mid, None])
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def _save_step(req: Req, draft: Draft) -> None:
    _, d = req._, draft.data
    values = _values(draft)
    rows = [IntroducerRow(int(i), date.fromisoformat(s)) for i, s in d.get("intro", []) if s]
    try:
        done = await steps_uc.record_step(
            req.ctx,
            actor=req.user_id,
            candidate_id=d["cid"],
            code=d["code"],
            values=values,
            introducers=rows,
        )
    except CandidateRefused as exc:
        await req.show(
            _("Not saved:") + "\n" + bullets(_, exc.msgs),
            [
                [(_("Start this step again"), cb(F, "st", d["cid"], d["code"]))],
                [(_("Cancel"), cb(F, "cancel"))],
            ],
        )
        return
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    step = label(_, {s.code: s.title for s in steps.PIPELINE}, d.get("code"))
    prefix = (
        _("✔ Corrected: {step}.", step=step)
        if done.corrected
        else _("✔ Recorded: {step}.", step=step)
    )
    if done.member is not None and done.member.ceremony_date is not None:
        prefix += "\n" + _(
            "{name} is now a probationary member of the cell; probation ends on"
            " {end} (Party Charter, Art. 5).",
            name=done.member.full_name,
            end=probation_end(done.member.ceremony_date, req.ctx.catalogue),
        )
        if done.helpers_not_carried:
            prefix += "\n" + _(
                "Not carried over as helpers (not official members): {names}.",
                names=", ".join(done.helpers_not_carried),
            )
    if done.warnings:
        prefix += "\n⚠️ " + bullets(_, done.warnings)
    await show_view(req, d["cid"], prefix)


async def start_close(req: Req, cid: int) -> None:
    c = await uc.for_write(req.ctx, req.user_id, cid)
    _ = req._
    draft = await start_draft(
        req,
        CLOSE,
        "kind",
        org_id=c.org_id,
        data={"cid": cid, "cname": c.full_name},
    )
    await req.show(
        _("Close {name}'s file: why?", name=draft.data["cname"]),
        [
            [(_("The candidate withdrew"), cb(F, "cl", "wd"))],
            [(_("Not admitted"), cb(F, "cl", "na"))],
            [(_("Cancel"), cb(F, "cancel"))],
        ],
    )


async def on_close_button(req: Req, draft: Draft, data: CallbackData) -> None:
    if data.action != "cl" or draft.step != "kind" or data.args[:1] not in (("wd",), ("na",)):
        await expired(req)
        return
    draft.data["status"] = "withdrawn" if data.args[0] == "wd" else "not_admitted"
    draft.step = "reason"
    await drafts_uc.save(req.ctx, draft)
    await req.show(req._("Type the reason in a few words."), [[(req._("Cancel"), cb(F, "cancel"))]])


async def on_close_text(req: Req, draft: Draft) -> None:
    if draft.step != "reason":
        await req.reply(req.use_buttons())
        return
    c = await uc.close(
        req.ctx,
        actor=req.user_id,
        candidate_id=draft.data["cid"],
        status=draft.data["status"],
        reason=req.text,
    )
    await drafts_uc.clear(req.ctx, req.user_id, (KIND,))
    await show_view(req, c.id, req._("✔ The file is closed."))

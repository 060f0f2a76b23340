"""Outstanding candidates on Telegram: what is shown — the cell's register, a candidate's file,
the steps to correct, the officers' admissions view — and the helpers the flows share."""

from __future__ import annotations

from datetime import date
from typing import Any

from chibo.handlers.common import Req, cb, current_cell_id
from chibo.rules import candidate_steps as steps
from chibo.rules.messages import N_, Msg
from chibo.usecases import candidates as uc
from chibo.usecases.candidates import GENDER_LABELS, ORIGIN_LABELS, STATUS_LABELS, CandidateView
from chibo.usecases.drafts import Draft
from chibo.usecases.i18n import Translator

F = "cd"
PAGE = 30
Rows = list[list[tuple[str, str]]]
FIELD_LABELS = {
    "course_cert_date": N_("Certificate"),
    "application_date": N_("Application"),
    "background_date": N_("Personal history"),
    "verification_date": N_("Verification concluded"),
    "background_comment_date": N_("Cell's comment on the background"),
    "introduction_date": N_("Introduction"),
    "youth_union_resolution_date": N_("Youth Union resolution"),
    "trade_union_resolution_date": N_("Trade-union resolution"),
    "cell_resolution_date": N_("Cell resolution"),
    "vote_base": N_("Official members in the vote base"),
    "vote_agree": N_("Agreed"),
    "grassroots_resolution_date": N_("Grassroots resolution"),
    "decision_date": N_("Decision"),
    "decision_no": N_("Decision number"),
    "decision_received_date": N_("Decision received by the cell"),
    "ceremony_date": N_("Ceremony"),
}
ROUTE_LABELS = {
    "two_members": N_("Two official party members"),
    "youth_union": N_("Youth Union resolution + one party member"),
    "trade_union": N_("Trade-union resolution + one party member"),
}
STAGE_ICONS = {True: "✅", False: "⬜"}


def label(_: Translator, labels: dict[str, str], key: str | None) -> str:
    """The translated label of `key` (— when unset)."""
    return _(labels[key]) if key in labels else "—"


def bullets(_: Translator, msgs: list[Msg]) -> str:
    return "\n".join(f"• {_.msg(m)}" for m in msgs)


async def show_register(req: Req, org_id: int) -> None:
    _ = req._
    reg = await uc.register_of(req.ctx, req.user_id, org_id)
    lines = [_("⭐ Outstanding candidates — {org}", org=reg.org.name), ""]
    rows: Rows = []
    if not reg.active:
        lines.append(
            _(
                "No outstanding candidate is being considered. Register the people the"
                " cell is fostering for admission."
            )
        )
    stage = None
    for line in reg.active[:PAGE]:
        title = _(line.next.title) if line.next else _("Admission ceremony")
        if title != stage:
            stage = title
            lines.append(_("Next step: {step}", step=title))
        c = line.candidate
        lines.append(f"  • {c.full_name} ({_.date(c.details.birth_date)})")
        rows.append([(c.full_name, cb(F, "v", c.id))])
    lines += [
        "",
        _(
            "Admitted this year: {n} · closed files: {closed}",
            n=reg.admitted_this_year,
            closed=reg.closed,
        ),
    ]
    if await uc.can_write(req.ctx, req.user_id, org_id):
        rows.append([(_("➕ Register a candidate"), cb(F, "new", org_id))])
    rows.append([(_("« Menu"), cb("menu", "main"))])
    await req.show("\n".join(lines), rows)


async def list_current(req: Req) -> None:
    if (org_id := await current_cell_id(req)) is not None:
        await show_register(req, org_id)


def _step_lines(_: Translator, v: CandidateView) -> list[str]:
    s, lines = v.candidate.steps, []
    for n, step in enumerate(v.pipeline, start=1):
        done = steps.recorded(v.case, step)
        text = f"{STAGE_ICONS[done]} {n}. {_(step.title)}"
        if done and step.code == "res":
            text += ": " + _(
                "{date}, {agree}/{base} agreed",
                date=s.cell_resolution_date,
                agree=s.vote_agree,
                base=s.vote_base,
            )
        elif done and len(step.fields) == 1:
            text += ": " + _.date(getattr(s, step.fields[0]))
        elif done:
            text += ": " + "; ".join(
                _value_text(_, f, getattr(s, f)) for f in step.fields if getattr(s, f) is not None
            )
        lines.append(text)
        if step.code == "intro" and v.introducers:
            for i in v.introducers:
                lines.append(
                    "     "
                    + _(
                        "introduced by {name} (together since {since})",
                        name=i.member.full_name,
                        since=i.together_from,
                    )
                )
            for field in ("youth_union_resolution_date", "trade_union_resolution_date"):
                if getattr(s, field) is not None:
                    lines.append("     " + _value_text(_, field, getattr(s, field)))
    return lines


def _value_text(_: Translator, field: str, value: Any) -> str:
    shown = _.date(value) if isinstance(value, date) else str(value)
    return f"{_(FIELD_LABELS[field])}: {shown}"


def view_text(_: Translator, v: CandidateView) -> str:
    c, d = v.candidate, v.candidate.details
    lines = [
        _("⭐ {name} — {org}", name=c.full_name, org=v.org.name),
        _(
            "Born {birth} · {gender} · {origin}",
            birth=d.birth_date,
            gender=_(GENDER_LABELS[d.gender]) if d.gender else "—",
            origin=_(ORIGIN_LABELS[d.origin]),
        ),
    ]
    lines.append(
        _(
            "Members assigned to help: {names}",
            names=", ".join(m.full_name for m in v.helpers) or _("not assigned yet"),
        )
    )
    if d.notes:
        lines.append(_("Notes: {notes}", notes=d.notes))
    if c.over_age_exception:
        lines.append(_("Over-60 exception recorded (decided by the provincial-level committee)."))
    lines.append(_("Status: {status}", status=_(STATUS_LABELS[c.status])))
    if c.close_reason:
        lines.append(_("Closed on {on}: {reason}", on=c.closed_date, reason=c.close_reason))
    lines += ["", *_step_lines(_, v)]
    if v.next is not None:
        lines += ["", _("Next step: {step}", step=_(v.next.title))]
    if v.notices:
        lines += ["", "⚠️ " + _("To note:"), bullets(_, v.notices)]
    return "\n".join(lines)


async def show_view(req: Req, cid: int, prefix: str = "") -> None:
    _ = req._
    v = await uc.view(req.ctx, req.user_id, cid)
    text = view_text(_, v)
    if prefix:
        text = f"{prefix}\n\n{text}"
    rows: Rows = []
    if v.can_write and v.candidate.status == "active":
        if v.next is not None:
            rows.append(
                [(_("▶ Record: {step}", step=_(v.next.title)), cb(F, "st", cid, v.next.code))]
            )
        if any(steps.recorded(v.case, s) for s in v.pipeline):
            rows.append([(_("✏️ Correct a step"), cb(F, "fix", cid))])
        rows.append(
            [
                (_("✏️ Edit the details"), cb(F, "edit", cid)),
                (_("Close the file"), cb(F, "close", cid)),
            ]
        )
        if v.near_age_limit:
            on = v.candidate.over_age_exception
            rows.append(
                [
                    (
                        _("Withdraw the over-60 exception")
                        if on
                        else _("Record an over-60 exception"),
                        cb(F, "exc", cid, int(not on)),
                    )
                ]
            )
    rows.append([(_("« Candidates"), cb(F, "ls", v.org.id))])
    await req.show(text, rows)


async def show_fix(req: Req, cid: int) -> None:
    _ = req._
    await uc.for_write(req.ctx, req.user_id, cid)
    v = await uc.view(req.ctx, req.user_id, cid)
    rows: Rows = [
        [(f"{n}. {_(s.title)}", cb(F, "st", cid, s.code))]
        for n, s in enumerate(v.pipeline, start=1)
        if steps.recorded(v.case, s)
    ]
    rows.append([(_("« Back"), cb(F, "v", cid))])
    await req.show(
        _(
            "Which step of {name}'s file do you want to correct? The change is kept"
            " in the audit log with the values before and after.",
            name=v.candidate.full_name,
        ),
        rows,
    )


async def toggle_exception(req: Req, cid: int, value: bool) -> None:
    c = await uc.set_exception(req.ctx, actor=req.user_id, candidate_id=cid, value=value)
    await req.notify(req._("Saved."))
    await show_view(req, c.id)


async def render_member_picker(
    req: Req, draft: Draft, action: str, chosen: list[int], text: str, *, need: int | None = None
) -> None:
    """Official members of the draft's cell as toggles (✓ chosen); Continue once `need` are."""
    _ = req._
    members = await uc.official_members(req.ctx, draft.org_id or 0)
    rows: Rows = [
        [(("✓ " if m.id in chosen else "") + m.full_name, cb(F, action, m.id))]
        for m in members[:PAGE]
    ]
    if not members:
        text += "\n\n" + _(
            "The cell has no official members on its roster yet: import the roster first."
        )
    if need is None or len(chosen) == need:
        rows.append([(_("Continue »"), cb(F, "ok"))])
    rows.append([(_("Cancel"), cb(F, "cancel"))])
    await req.show(text, rows)


async def show_admissions(req: Req, org_id: int) -> None:
    _ = req._
    o = await uc.admissions_overview(req.ctx, actor=req.user_id, org_id=org_id)
    lines = [
        _("📊 Admissions {year} — {org}", year=o.year, org=o.org_name),
        "",
        _("Admitted this year (by decision date): {n}", n=o.admitted),
        _(
            "Yearly target: {low}–{high} ({pmin}–{pmax} of {members} members on 1 January)",
            low=o.target.minimum,
            high=o.target.maximum,
            pmin=_.percent(float(o.target.ratio_min)),
            pmax=_.percent(float(o.target.ratio_max)),
            members=o.members_at_start,
        ),
        "",
        _("Candidates being considered: {n}", n=o.active),
    ]
    for n, step in enumerate(steps.PIPELINE, start=1):
        if o.by_stage.get(step.code):
            lines.append(
                "  "
                + _(
                    "{n}. waiting for {step}: {count}",
                    n=n,
                    step=_(step.title),
                    count=o.by_stage[step.code],
                )
            )
    if o.cells:
        lines += ["", _("By cell (being considered · admitted this year):")]
        lines += [f"  • {c.name}: {c.active} · {c.admitted}" for c in o.cells]
    await req.show("\n".join(lines))

"""The optional minutes details of the meeting-logging flow (chair, recorder, place, times,
agenda, opinions, the vote on the resolution, absence reasons).

Reached from the flow's "More" step by one button; a secretary who skips it keeps the 7-tap
path. The values live in the draft under `min` (see `usecases.meetings.from_draft`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from chibo.handlers.common import Req, cb, expired, open_draft
from chibo.handlers.meeting_common import KIND, F, Rows
from chibo.handlers.routing import INT, Route, choice
from chibo.rules.text import shorten
from chibo.usecases import agenda as agenda_uc
from chibo.usecases import drafts as drafts_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import minutes as minutes_uc
from chibo.usecases import notices as notices_uc
from chibo.usecases.drafts import Draft
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator

#: field → (draft step, button label); typed text goes to the step's field.
TEXT_FIELDS = {
    "place": "m_place",
    "opened_at": "m_open",
    "closed_at": "m_close",
    "chair": "m_chair",
    "recorder": "m_rec",
    "agenda": "m_agenda",
    "opinions": "m_opin",
    "vote": "m_vote",
}
STEP_FIELD = {step: name for name, step in TEXT_FIELDS.items()}
STEPS = (*STEP_FIELD, "minx", "m_rsn", "m_rsn_t")
MAX_LINE, MAX_LONG = 300, 4000


def _min(draft: Draft) -> dict[str, Any]:
    found = draft.data.get("min")
    if not isinstance(found, dict):
        found = draft.data["min"] = {}
    return found


def _labels(_: Translator) -> dict[str, str]:
    return {
        "place": _("Place"),
        "opened_at": _("Time opened"),
        "closed_at": _("Time closed"),
        "chair": _("Chair"),
        "recorder": _("Recorder"),
        "agenda": _("Agenda"),
        "opinions": _("Opinions"),
        "vote": _("Vote on the resolution"),
    }


def _vote_text(mn: dict[str, Any]) -> str | None:
    if mn.get("vote_for") is None:
        return None
    return f"{mn['vote_for']}/{mn.get('vote_against') or 0}/{mn.get('vote_abstain') or 0}"


def _value(mn: dict[str, Any], name: str) -> str | None:
    return _vote_text(mn) if name == "vote" else mn.get(name)


def summary_lines(_: Translator, data: dict[str, Any]) -> list[str]:
    """The minutes details filled in so far, for the flow's summary."""
    mn = data.get("min") or {}
    labels = _labels(_)
    lines = [
        f"{labels[name]}: {shorten(value, 120)}"
        for name in TEXT_FIELDS
        if (value := _value(mn, name))
    ]
    if mn.get("reasons"):
        lines.append(_("Absence reasons: {n}", n=len(mn["reasons"])))
    return lines


def _absent(draft: Draft) -> list[str]:
    att = draft.data.get("att") or {}
    return [k for k, v in att.items() if v in ("excused", "unexcused")]


async def goto(req: Req, draft: Draft, step: str) -> None:
    draft.step = step
    await drafts_uc.save(req.ctx, draft)
    await render(req, draft)


async def _render_menu(req: Req, draft: Draft) -> None:
    _, mn = req._, _min(draft)
    labels = _labels(_)
    lines = [
        _("Minutes details (optional): what the printed minutes need beyond the log."),
        "",
    ]
    lines += [f"{labels[name]}: {shorten(_value(mn, name) or '—', 80)}" for name in TEXT_FIELDS]
    rows: Rows = []
    names = list(TEXT_FIELDS)
    for i in range(0, len(names), 2):
        rows.append([(labels[n], cb(F, "mx", n)) for n in names[i : i + 2]])
    rows.append([(_("Propose the agenda from the book"), cb(F, "mag"))])
    if _absent(draft):
        lines.append(_("Absence reasons: {n}", n=len(mn.get("reasons") or {})))
        rows.append([(_("Absence reasons"), cb(F, "mx", "reasons"))])
    rows.append([(_("« Back"), cb(F, "mx", "back"))])
    await req.show("\n".join(lines), rows)


async def _render_text(req: Req, draft: Draft) -> None:
    _, name = req._, STEP_FIELD[draft.step]
    prompts = {
        "place": _("Type where the meeting was held."),
        "opened_at": _("Type the time the meeting opened (for example 19:30)."),
        "closed_at": _("Type the time the meeting closed (for example 21:00)."),
        "chair": _("Type the name of the comrade who chaired the meeting."),
        "recorder": _("Type the name of the comrade who kept the minutes."),
        "agenda": _("Type the agenda, one item a line."),
        "opinions": _("Type the opinions raised in the discussion."),
        "vote": _("Type the vote on the resolution: for/against/abstaining (for example 12/0/0)."),
    }
    text = prompts[name]
    rows: Rows = []
    current = _value(_min(draft), name)
    if current:
        text += "\n" + _("Now: {v}", v=shorten(current, 300))
        rows.append([(_("Clear it"), cb(F, "mclr"))])
    rows.append([(_("« Back"), cb(F, "mx", "menu"))])
    await req.show(text, rows)


async def _render_reasons(req: Req, draft: Draft) -> None:
    _ = req._
    names = await meetings_uc.member_names(req.ctx, draft.org_id or 0)
    reasons = _min(draft).get("reasons") or {}
    rows: Rows = []
    for k in sorted(_absent(draft), key=lambda k: names.get(int(k), "")):
        label = names.get(int(k), "#" + k)
        if reasons.get(k):
            label += f" — {shorten(reasons[k], 24)}"
        rows.append([(label, cb(F, "mr", k))])
    rows.append([(_("« Back"), cb(F, "mx", "menu"))])
    await req.show(_("Whose absence reason do you want to write?"), rows)


async def _render_reason_text(req: Req, draft: Draft) -> None:
    _ = req._
    names = await meetings_uc.member_names(req.ctx, draft.org_id or 0)
    name = names.get(int(draft.data.get("rm") or 0), "?")
    await req.show(
        _("Type the reason {name} was absent.", name=name),
        [[(_("« Back"), cb(F, "mx", "reasons"))]],
    )


async def render(req: Req, draft: Draft) -> None:
    if draft.step == "minx":
        await _render_menu(req, draft)
    elif draft.step == "m_rsn":
        await _render_reasons(req, draft)
    elif draft.step == "m_rsn_t":
        await _render_reason_text(req, draft)
    else:
        await _render_text(req, draft)


RENDERERS: dict[str, Callable[[Req, Draft], Awaitable[None]]] = dict.fromkeys(STEPS, render)


# -- buttons ------------------------------------------------------------------------------------


async def _on_menu(req: Req, draft: Draft, what: str) -> None:
    if draft.step not in ("more", *STEPS):
        await expired(req)
    elif what == "back":
        from chibo.handlers.meeting_steps import goto as flow_goto

        await flow_goto(req, draft, "more")
    elif what == "menu":
        await goto(req, draft, "minx")
    elif what == "reasons":
        await goto(req, draft, "m_rsn" if _absent(draft) else "minx")
    elif what in TEXT_FIELDS:
        await goto(req, draft, TEXT_FIELDS[what])
    else:
        await expired(req)


async def _on_clear(req: Req, draft: Draft) -> None:
    name = STEP_FIELD.get(draft.step)
    if name is None:
        await expired(req)
        return
    mn = _min(draft)
    for key in ("vote_for", "vote_against", "vote_abstain") if name == "vote" else (name,):
        mn.pop(key, None)
    await goto(req, draft, "minx")


async def _on_agenda(req: Req, draft: Draft) -> None:
    """The agenda proposed from the book (usecases.agenda), for the secretary to edit."""
    if draft.step != "minx":
        await expired(req)
        return
    day = date.fromisoformat(draft.data["date"]) if draft.data.get("date") else None
    org_id = draft.org_id or 0
    noticed = await notices_uc.agenda_for(req.ctx, req.user_id, org_id, day or req.ctx.today())
    if noticed:  # the agenda announced in the notice of this meeting
        _min(draft)["agenda"] = "\n".join(noticed)
    else:
        agenda = await agenda_uc.propose(req.ctx, req.user_id, org_id, day)
        _min(draft)["agenda"] = "\n".join(req._.msg(item) for item in agenda.items)
    await goto(req, draft, "m_agenda")


async def _on_reason_member(req: Req, draft: Draft, member_id: int) -> None:
    if draft.step != "m_rsn" or str(member_id) not in _absent(draft):
        await expired(req)  # only members marked absent on this draft's roll
        return
    draft.data["rm"] = member_id
    await goto(req, draft, "m_rsn_t")


def _flow(action: Callable[..., Awaitable[None]], *args: Any) -> Route:
    async def run(req: Req, *values: Any) -> None:
        draft = await open_draft(req, (KIND,))
        if draft is not None:
            await meetings_uc.cell_for_write(req.ctx, req.user_id, draft.org_id or 0)
            await action(req, draft, *values)

    return Route(run, *args)


ROUTES: dict[str, Route] = {
    "mx": _flow(_on_menu, choice(*TEXT_FIELDS, "reasons", "menu", "back")),
    "mclr": _flow(_on_clear),
    "mag": _flow(_on_agenda),
    "mr": _flow(_on_reason_member, INT),
}


# -- typed input --------------------------------------------------------------------------------


async def on_text(req: Req, draft: Draft) -> None:
    _, text, mn = req._, req.text.strip(), _min(draft)
    try:
        if draft.step == "m_rsn_t":
            reason = meetings_uc.clean_text(text, "upper")
            key = str(draft.data.pop("rm", ""))
            if reason and key in _absent(draft):
                mn.setdefault("reasons", {})[key] = reason
            await goto(req, draft, "m_rsn")
            return
        name = STEP_FIELD[draft.step]
        if name in ("opened_at", "closed_at"):
            mn[name] = minutes_uc.parse_time(text)
        elif name == "vote":
            mn["vote_for"], mn["vote_against"], mn["vote_abstain"] = minutes_uc.parse_vote(text)
        else:
            value = meetings_uc.clean_text(
                text, "contents" if name in ("agenda", "opinions") else "upper"
            )
            if not value:
                await render(req, draft)
                return
            mn[name] = value
    except InvalidInput as exc:
        await req.reply(_.msg(exc.msg))
        await render(req, draft)
        return
    await goto(req, draft, "minx")

"""Probationary members and their conversion to official membership (domain-rules P1-P8).

For each probationary member: the end of probation (P1), the new-member course (P3), the
official members helping them (P1), and the conversion record — the cell resolution (P5,
never before the end), the competent committee's decision (which makes the member official
from the end of probation, P8), or the cell's proposal to remove them (not eligible, P6).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from rules.catalogue import REGULATION_NAME
from rules.messages import N_, Msg
from rules.probation import (
    Stage,
    cell_deadline,
    check_cell_resolution_date,
    check_helper,
    conversion_stage,
    first_resolution_date,
    official_date,
    probation_end,
)
from rules.text import clean_line
from storage import audit
from storage import members as store
from storage.members import Conversion, Member
from usecases.context import AppContext
from usecases.errors import InvalidInput
from usecases.roster import STATUS_LABELS as STATUS_LABELS
from usecases.roster import Actor, member_for, name_key, require_cell, sort_key

MAX_DECISION_NO = 40
MAX_REASON = 500

_FUTURE = N_(
    "The {what} ({value}) is in the future; only dates up to today ({today}) can be recorded."
)
_NOT_PROBATIONARY = N_("{name} is not a probationary member (status: {status}).")
_NO_CEREMONY = N_(
    "{name} has no admission ceremony date recorded: add it in the roster first;"
    " probation is counted from it (Party Charter, Art. 5)."
)
_COURSE_TOO_EARLY = N_(
    "The new-member course ({value}) cannot be before the admission decision ({decision})."
)
_NEED_RESOLUTION = N_(
    "Record the date of the cell resolution on the conversion first: the"
    " committee decides on the cell's proposal ({regulation} §4.3)."
)
_DECISION_BEFORE_RESOLUTION = N_(
    "The committee's decision ({value}) cannot be before the cell resolution ({resolution})."
)
_DECISION_NO = N_("Give the number of the decision, e.g. 125-QĐ/ĐU (at most {n} characters).")
_REASON = N_("Give the reason in a few words (at most {n} characters).")
_ALREADY_PROPOSED = N_(
    "The cell already proposed removing {name} from the list on {on}: the"
    " committee decides. Change the status in the roster when it has."
)
_HELPER_OTHER_CELL = N_("The helper must be a member of the same cell.")
_WHAT = {
    "course": N_("date of the new-member course"),
    "resolution": N_("date of the cell resolution"),
    "decision": N_("date of the committee's decision"),
}


@dataclass(frozen=True)
class Case:
    """A probationary member as the secretary follows them."""

    member: Member
    end: date | None  # end of probation = official date if converted (P8)
    days_left: int | None  # negative: the end of probation was that many days ago
    helpers: list[Member]
    conversion: Conversion | None
    deadline: date | None = None  # the cell's deadline to consider the conversion (P5)
    stage: Stage | None = None  # rules.probation.conversion_stage; None without a ceremony
    first_resolution: date | None = None  # the first date a cell resolution may bear (P5)

    @property
    def proposed_removal(self) -> bool:
        return self.conversion is not None and self.conversion.outcome == "not_eligible"


async def _case(ctx: AppContext, member: Member) -> Case:
    async with ctx.db.read() as tx:
        helpers = await store.helpers_of(tx, member.id)
        conv = await store.conversion(tx, member.id)
    end = probation_end(member.ceremony_date, ctx.catalogue) if member.ceremony_date else None
    if end is None:
        return Case(member, None, None, helpers, conv)
    deadline = cell_deadline(end, ctx.calendar, ctx.catalogue)
    stage = conversion_stage(
        end,
        deadline,
        ctx.today(),
        resolution=conv.cell_resolution_date if conv else None,
        outcome=conv.outcome if conv else None,
    )
    first = first_resolution_date(end, ctx.catalogue)
    return Case(member, end, (end - ctx.today()).days, helpers, conv, deadline, stage, first)


async def cases(ctx: AppContext, *, actor: Actor, org_id: int) -> list[Case]:
    """The cell's probationary members, soonest end of probation first."""
    await require_cell(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        members = await store.of_org(tx, org_id, ["probationary"])
    out = [await _case(ctx, m) for m in sorted(members, key=sort_key)]
    return sorted(out, key=lambda c: c.end or date.max)


async def case(ctx: AppContext, *, actor: Actor, member_id: int) -> Case:
    return await _case(ctx, await member_for(ctx, actor, member_id))


async def candidates_for_helper(ctx: AppContext, *, actor: Actor, member_id: int) -> list[Member]:
    """Official members of the same cell who may help (P1)."""
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        official = await store.of_org(tx, member.org_id, ["official"])
    return sorted((m for m in official if m.id != member_id), key=sort_key)


def _probationary(member: Member) -> None:
    if member.status != "probationary":
        raise InvalidInput(
            Msg(
                _NOT_PROBATIONARY,
                {"name": member.full_name, "status": Msg(STATUS_LABELS[member.status])},
            )
        )


def _not_future(ctx: AppContext, what: str, value: date) -> None:
    if value > ctx.today():
        raise InvalidInput(
            Msg(_FUTURE, {"what": Msg(_WHAT[what]), "value": value, "today": ctx.today()})
        )


async def record_course(
    ctx: AppContext, *, actor: Actor, member_id: int, done: date | None
) -> Member:
    """P3: the day the new-member course certificate was obtained (None clears it)."""
    member = await member_for(ctx, actor, member_id)
    if done is not None:
        _not_future(ctx, "course", done)
        admitted = member.decision_date or member.ceremony_date
        if admitted and done < admitted:
            raise InvalidInput(Msg(_COURSE_TOO_EARLY, {"value": done, "decision": admitted}))
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.set_course(tx, member_id, done, now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="member",
            entity_id=member_id,
            action="course",
            before={"course_done_date": member.course_done_date},
            after={"course_done_date": done},
        )
    return replace(member, course_done_date=done)


async def set_helper(
    ctx: AppContext, *, actor: Actor, member_id: int, helper_id: int, assigned: bool
) -> list[Member]:
    """Assign (or withdraw) an official member of the cell as helper (P1). Returns helpers."""
    member = await member_for(ctx, actor, member_id)
    _probationary(member)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        helper = await store.get(tx, helper_id)
        if assigned:
            if helper is not None and helper.org_id != member.org_id:
                raise InvalidInput(Msg(_HELPER_OTHER_CELL))
            refusal = check_helper(
                member_id,
                helper.id if helper else None,
                helper is not None and helper.status == "official",
            )
            if refusal is not None:
                raise InvalidInput(refusal)
            changed = await store.add_helper(tx, member_id, helper_id)
        else:
            changed = await store.remove_helper(tx, member_id, helper_id)
        if changed:
            await audit.record(
                tx,
                at=now,
                actor=actor,
                entity="member",
                entity_id=member_id,
                action="helper_add" if assigned else "helper_remove",
                after={"helper_id": helper_id},
            )
        return await store.helpers_of(tx, member_id)


async def _conversion(ctx: AppContext, member_id: int) -> Conversion:
    async with ctx.db.read() as tx:
        return await store.conversion(tx, member_id) or Conversion(member_id)


def _check_open(member: Member, conv: Conversion) -> None:
    _probationary(member)
    if conv.outcome == "not_eligible":
        raise InvalidInput(
            Msg(_ALREADY_PROPOSED, {"name": member.full_name, "on": conv.outcome_date})
        )


def _end(ctx: AppContext, member: Member) -> date:
    if member.ceremony_date is None:
        raise InvalidInput(Msg(_NO_CEREMONY, {"name": member.full_name}))
    return probation_end(member.ceremony_date, ctx.catalogue)


async def record_resolution(
    ctx: AppContext, *, actor: Actor, member_id: int, resolution_date: date
) -> Conversion:
    """P5: the cell resolution on the conversion, dated after the end of probation (the end day
    itself where `probation.conversion.resolution_on_end_day` is configured)."""
    member = await member_for(ctx, actor, member_id)
    conv = await _conversion(ctx, member_id)
    _check_open(member, conv)
    _not_future(ctx, "resolution", resolution_date)
    refusal = check_cell_resolution_date(resolution_date, _end(ctx, member), ctx.catalogue)
    if refusal is not None:
        raise InvalidInput(refusal)
    new = replace(conv, cell_resolution_date=resolution_date)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.put_conversion(tx, new, now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="conversion",
            entity_id=member_id,
            action="cell_resolution",
            before={"cell_resolution_date": conv.cell_resolution_date},
            after={"cell_resolution_date": resolution_date},
        )
    return new


def check_decision_no(text: str) -> str:
    number = clean_line(text)
    if not number or len(number) > MAX_DECISION_NO:
        raise InvalidInput(Msg(_DECISION_NO, {"n": MAX_DECISION_NO}))
    return number


async def check_decision_date(
    ctx: AppContext, *, actor: Actor, member_id: int, decision_date: date
) -> None:
    """Everything `record_decision` checks about the date, to refuse it as soon as typed."""
    member = await member_for(ctx, actor, member_id)
    conv = await _conversion(ctx, member_id)
    _check_open(member, conv)
    _end(ctx, member)
    _not_future(ctx, "decision", decision_date)
    if conv.cell_resolution_date is None:
        raise InvalidInput(
            Msg(_NEED_RESOLUTION, {"regulation": ctx.catalogue.get(REGULATION_NAME, decision_date)})
        )
    if decision_date < conv.cell_resolution_date:
        raise InvalidInput(
            Msg(
                _DECISION_BEFORE_RESOLUTION,
                {"value": decision_date, "resolution": conv.cell_resolution_date},
            )
        )


async def record_decision(
    ctx: AppContext, *, actor: Actor, member_id: int, decision_date: date, decision_no: str
) -> Member:
    """The committee recognises the member as official — from the end of probation, whatever
    the decision's date (P8). Status history and audit are written."""
    await check_decision_date(ctx, actor=actor, member_id=member_id, decision_date=decision_date)
    number = check_decision_no(decision_no)
    member = await member_for(ctx, actor, member_id)
    conv = await _conversion(ctx, member_id)
    assert member.ceremony_date is not None
    official = official_date(member.ceremony_date, ctx.catalogue)
    new = replace(
        conv,
        committee_decision_date=decision_date,
        committee_decision_no=number,
        outcome="converted",
        outcome_date=decision_date,
    )
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        f = replace(
            member.editable, status="official", official_date=official, status_date=official
        )
        await store.update(tx, member_id, f=f, name_key=name_key(f.full_name), at=now)
        await store.add_history(
            tx, member_id, status="official", status_date=official, note=number, actor=actor, at=now
        )
        await store.put_conversion(tx, new, now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="conversion",
            entity_id=member_id,
            action="converted",
            before={"status": member.status, "official_date": None},
            after={
                "status": "official",
                "official_date": official,
                "decision_date": decision_date,
                "decision_no": number,
            },
        )
        updated = await store.get(tx, member_id)
    assert updated is not None
    return updated


def check_reason(text: str) -> str:
    reason = clean_line(text)
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(Msg(_REASON, {"n": MAX_REASON}))
    return reason


async def record_not_eligible(
    ctx: AppContext, *, actor: Actor, member_id: int, reason: str
) -> Conversion:
    """The cell finds the member not eligible and proposes removing them from the list (P6);
    the member stays probationary until the committee decides."""
    member = await member_for(ctx, actor, member_id)
    conv = await _conversion(ctx, member_id)
    _check_open(member, conv)
    text = check_reason(reason)
    new = replace(conv, outcome="not_eligible", outcome_note=text, outcome_date=ctx.today())
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.put_conversion(tx, new, now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="conversion",
            entity_id=member_id,
            action="not_eligible",
            after={"reason": text},
        )
    return new

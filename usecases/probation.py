"""Probationary members and their conversion to official membership (domain-rules P1-P8).

For each probationary member: the end of probation (P1), the new-member course (P3), the
official members helping them (P1), and the conversion record — the cell resolution (P5,
never before the end), the competent committee's decision (which makes the member official
from the end of probation, P8), or the cell's proposal to remove them (not eligible, P6).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from chibo.rules.catalogue import REGULATION_NAME
from chibo.rules.messages import N_, Msg
from chibo.rules.probation import (
    ConversionVote,
    ConversionVoteStatus,
    Stage,
    cell_deadline,
    check_cell_resolution_date,
    check_helper,
    conversion_stage,
    conversion_vote_status,
    first_resolution_date,
    official_date,
    probation_end,
)
from chibo.rules.text import clean_line
from chibo.rules.votes import check_vote_base
from chibo.storage import audit
from chibo.storage import members as store
from chibo.storage.members import Conversion, Member
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput
from chibo.usecases.roster import STATUS_LABELS as STATUS_LABELS
from chibo.usecases.roster import Actor, VoteRoll, member_for, name_key, require_cell, sort_key
from chibo.usecases.roster import vote_roll as roster_vote_roll

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
_VOTE_ESCALATED = N_(
    "The cell has voted {rounds} times on {name}'s conversion without {ratio} of its official"
    " members agreeing either way: the upper committees decide ({regulation} §4.2.3). Record"
    " their decision when it comes."
)
_VOTE_RESOLVED = N_(
    "The cell resolution on {name}'s conversion is already recorded ({date}); correct its date"
    " with “Change the resolution date”."
)
_VOTE_BEFORE_LAST = N_("This vote ({value}) cannot be before the previous round ({last}).")
_VOTE_COUNTS = N_(
    "{agree} for and {disagree} against cannot be right: the vote base has {base} official"
    " members (at least 1, and the votes cannot be more than the base)."
)
_VOTE_BASE_TOO_BIG = N_(
    "The vote base ({base}) cannot be larger than the cell's official members on {date} ({roll})."
)
_WHAT = {
    "vote": N_("date of the cell's vote"),
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
    votes: list[ConversionVote] = field(default_factory=list)  # the cell's rounds (P6)
    vote_status: ConversionVoteStatus | None = None  # rules.probation.conversion_vote_status

    @property
    def vote_escalated(self) -> bool:
        """P6: the cell's rounds failed as often as allowed and nothing else was recorded since:
        the upper committees decide."""
        settled = self.conversion is not None and (
            self.conversion.outcome is not None or self.conversion.cell_resolution_date
        )
        return (
            not settled
            and self.vote_status is not None
            and (self.vote_status.outcome == "escalate")
        )

    @property
    def proposed_removal(self) -> bool:
        return self.conversion is not None and self.conversion.outcome == "not_eligible"


async def _case(ctx: AppContext, member: Member) -> Case:
    async with ctx.db.read() as tx:
        helpers = await store.helpers_of(tx, member.id)
        conv = await store.conversion(tx, member.id)
        votes = await store.conversion_votes(tx, member.id)
    status = conversion_vote_status(votes, ctx.catalogue) if votes else None
    end = probation_end(member.ceremony_date, ctx.catalogue) if member.ceremony_date else None
    if end is None:
        return Case(member, None, None, helpers, conv, votes=votes, vote_status=status)
    deadline = cell_deadline(end, ctx.calendar, ctx.catalogue)
    stage = conversion_stage(
        end,
        deadline,
        ctx.today(),
        resolution=conv.cell_resolution_date if conv else None,
        outcome=conv.outcome if conv else None,
    )
    first = first_resolution_date(end, ctx.catalogue)
    if status is not None and status.outcome == "escalate" and stage in ("review_due", "overdue"):
        stage = "escalated"
    return Case(
        member, end, (end - ctx.today()).days, helpers, conv, deadline, stage, first, votes, status
    )


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
        if not (await _case(ctx, member)).vote_escalated:  # P6: else the upper committees decide
            raise InvalidInput(
                Msg(
                    _NEED_RESOLUTION,
                    {"regulation": ctx.catalogue.get(REGULATION_NAME, decision_date)},
                )
            )
    elif decision_date < conv.cell_resolution_date:
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


# -- P6: the cell's vote on the conversion -------------------------------------------------------


@dataclass(frozen=True)
class VoteResult:
    round: int  # this round's number (1, 2, ...)
    status: ConversionVoteStatus  # convert / remove / undecided / escalate (with its message)
    conversion: Conversion


async def vote_roll(ctx: AppContext, *, actor: Actor, member_id: int, held_on: date) -> VoteRoll:
    """The vote base proposed for the conversion vote of `held_on` (A9, as for admissions):
    the cell's official members that day, without the absent exempt ones; and the largest."""
    member = await member_for(ctx, actor, member_id)
    return await roster_vote_roll(ctx, member.org_id, held_on)


async def check_vote_date(ctx: AppContext, *, actor: Actor, member_id: int, held_on: date) -> None:
    """Everything `record_vote` checks about the meeting date, to refuse it as soon as typed."""
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        conv = await store.conversion(tx, member_id) or Conversion(member_id)
        votes = await store.conversion_votes(tx, member_id)
    _check_vote_open(ctx, member, conv, votes)
    _not_future(ctx, "vote", held_on)
    refusal = check_cell_resolution_date(held_on, _end(ctx, member), ctx.catalogue)
    if refusal is not None:
        raise InvalidInput(refusal)
    if votes and held_on < votes[-1].held_on:
        raise InvalidInput(Msg(_VOTE_BEFORE_LAST, {"value": held_on, "last": votes[-1].held_on}))
    roll = await roster_vote_roll(ctx, member.org_id, held_on)
    too_small = check_vote_base(roll.roll, held_on, ctx.catalogue)  # M5, exempt ones count
    if too_small is not None:
        raise InvalidInput(too_small)


def check_vote_counts(
    *, held_on: date, roll: int, base: int, agree: int = 0, disagree: int = 0
) -> None:
    """The numbers of a round: a base of 1 to the cell's official members that day (`roll`),
    votes for and against within it."""
    if base > roll:
        raise InvalidInput(Msg(_VOTE_BASE_TOO_BIG, {"base": base, "date": held_on, "roll": roll}))
    if min(agree, disagree) < 0 or base < 1 or agree + disagree > base:
        raise InvalidInput(Msg(_VOTE_COUNTS, {"agree": agree, "disagree": disagree, "base": base}))


def _check_vote_open(
    ctx: AppContext, member: Member, conv: Conversion, votes: list[ConversionVote]
) -> None:
    _check_open(member, conv)
    if conv.cell_resolution_date is not None:
        raise InvalidInput(
            Msg(_VOTE_RESOLVED, {"name": member.full_name, "date": conv.cell_resolution_date})
        )
    if votes and conversion_vote_status(votes, ctx.catalogue).outcome == "escalate":
        last = votes[-1].held_on
        raise InvalidInput(
            Msg(
                _VOTE_ESCALATED,
                {
                    "name": member.full_name,
                    "rounds": len(votes),
                    "ratio": str(ctx.catalogue.get_fraction("vote.min_ratio", last)),
                    "regulation": ctx.catalogue.get(REGULATION_NAME, last),
                },
            )
        )


async def record_vote(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    held_on: date,
    agree: int,
    disagree: int,
    base: int,
) -> VoteResult:
    """P6: one round of the cell's vote on the conversion, counted over the vote base (A9).
    2/3 for: the cell resolution, dated that day. 2/3 against: the cell proposes removal from
    the list (xóa tên), as "not eligible". Neither: one more failed round; after
    `probation.conversion.max_vote_rounds` (3) of them the upper committees decide."""
    await check_vote_date(ctx, actor=actor, member_id=member_id, held_on=held_on)
    member = await member_for(ctx, actor, member_id)
    roll = await roster_vote_roll(ctx, member.org_id, held_on)
    check_vote_counts(held_on=held_on, roll=roll.roll, base=base, agree=agree, disagree=disagree)
    vote = ConversionVote(held_on, agree, disagree, base)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        conv = await store.conversion(tx, member_id) or Conversion(member_id)
        votes = [*await store.conversion_votes(tx, member_id), vote]
        status = conversion_vote_status(votes, ctx.catalogue)
        new = replace(conv, vote_rounds=status.failed_rounds)
        if status.outcome == "convert":
            new = replace(new, cell_resolution_date=held_on)
        elif status.outcome == "remove":
            new = replace(new, outcome="not_eligible", outcome_note=None, outcome_date=held_on)
        await store.add_conversion_vote(tx, member_id, vote, actor=actor, at=now)
        await store.put_conversion(tx, new, now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="conversion",
            entity_id=member_id,
            action="vote",
            before={"vote_rounds": conv.vote_rounds},
            after={
                "held_on": held_on,
                "agree": agree,
                "disagree": disagree,
                "base": base,
                "round": len(votes),
                "outcome": status.outcome,
                "vote_rounds": new.vote_rounds,
            },
        )
    return VoteResult(len(votes), status, new)

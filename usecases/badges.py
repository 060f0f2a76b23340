"""Party age (P9) and party badges (§6.8): gaps recorded on re-admission, the party age on a
member's card, the list to propose before an award date, recording awards and returns.

`actor` is a Telegram user id (secretary or deputy of the cell to write; a reader of the
organisation to read: the cell, or an officer above it) or `"cli"` (trusted). Every write is
validated first, then written in one transaction with an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chibo.rules import badges as rules
from chibo.rules.badges import BadgeDue, BadgeMember
from chibo.rules.messages import N_, Msg
from chibo.rules.party_age import GAP_REASONS, Gap, PartyAge, check_gap, milestone_date, party_age
from chibo.storage import audit
from chibo.storage import badges as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.badges import Award, EarlyRequest, StoredGap
from chibo.storage.members import Member
from chibo.storage.orgs import Org
from chibo.usecases import access
from chibo.usecases.context import AppContext
from chibo.usecases.dues import access_denied, clean_text, member_for_write, org_for_read
from chibo.usecases.errors import InvalidInput, NotFound

Actor = int | str

_GAP_PROBLEMS = {
    "order": N_("The re-admission date must come after the date the member left."),
    "future": N_("The re-admission date is in the future."),
    "before_decision": N_(
        "The gap starts on or before the first admission decision: party age counts from that "
        "decision."
    ),
    "overlap": N_("This period overlaps a gap already recorded for the member."),
}


# -- party age -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyAgeView:
    """What the member's card shows: party age today and the next badge milestone."""

    member: Member
    age: PartyAge | None  # None: no admission decision date recorded
    gaps: list[StoredGap]
    next_milestone: int | None = None
    next_milestone_on: date | None = None
    received: tuple[int, ...] = ()
    #: early badge requests for serious illness not yet awarded (§6.8)
    early: tuple[EarlyRequest, ...] = ()


async def _member_for_read(ctx: AppContext, actor: Actor, member_id: int) -> Member:
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, member_id)
    if member is None:
        if isinstance(actor, int):
            raise await access_denied(ctx, actor, member_id)
        raise NotFound(Msg(N_("That person is not a member of this cell.")))
    if isinstance(actor, int):
        await access.require_read(ctx, actor, member.org_id)
    return member


async def party_age_of(
    ctx: AppContext, actor: Actor, member_id: int, on: date | None = None
) -> PartyAgeView:
    """Party age on ``on`` (today): the decision date minus the recorded gaps (P9)."""
    member = await _member_for_read(ctx, actor, member_id)
    day = on or ctx.today()
    async with ctx.db.read() as tx:
        gaps = await store.gaps_of(tx, member.id)
        awards = (await store.awards_of_many(tx, [member.id])).get(member.id, [])
        requests = await store.early_requests_of(tx, member.id)
    received = tuple(a.milestone for a in awards if a.returned_on is None)
    early = tuple(r for r in requests if r.milestone not in received)
    if member.decision_date is None:
        return PartyAgeView(member, None, gaps, received=received, early=early)
    plain = [g.gap for g in gaps]
    age = party_age(member.decision_date, plain, day)
    nxt = next(
        (
            y
            for y in ctx.catalogue.get_ints("badge.milestones", day)
            if milestone_date(member.decision_date, plain, y) > day
        ),
        None,
    )
    when = milestone_date(member.decision_date, plain, nxt) if nxt else None
    return PartyAgeView(member, age, gaps, nxt, when, received, early)


async def record_gap(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    left_on: date,
    returned_on: date,
    reason: str,
    source_document: str,
) -> StoredGap:
    """A period outside the party, recorded when the member was re-admitted (P9, A13)."""
    member = await member_for_write(ctx, actor, member_id)
    if reason not in GAP_REASONS:
        raise InvalidInput(
            Msg(
                N_("A gap reason is one of {reasons}; got {value}."),
                {"reasons": ", ".join(GAP_REASONS), "value": reason},
            )
        )
    document = clean_text(source_document, N_("Source document"), required=True) or ""
    gap = Gap(left_on, returned_on, reason)
    async with ctx.db.transaction() as tx:
        others = [g.gap for g in await store.gaps_of(tx, member.id)]
        problem = check_gap(member.decision_date, gap, others, ctx.today())
        if problem is not None:
            raise InvalidInput(Msg(_GAP_PROBLEMS[problem]))
        gap_id = await store.add_gap(tx, member.id, gap, document, actor=actor, at=ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="party_age_gap",
            entity_id=gap_id,
            action="add",
            after={
                "member_id": member.id,
                "left_on": left_on,
                "returned_on": returned_on,
                "reason": reason,
                "source_document": document,
            },
        )
    return StoredGap(gap_id, member.id, gap, document)


# -- the proposal list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeLine:
    cell: Org
    due: BadgeDue


@dataclass(frozen=True)
class BadgeList:
    root: Org
    award_date: date
    lines: list[BadgeLine]
    missing_decision: list[tuple[Org, BadgeMember]]  # party age cannot be computed

    def by_cell(self) -> dict[str, list[BadgeLine]]:
        out: dict[str, list[BadgeLine]] = {}
        for line in self.lines:
            out.setdefault(line.cell.code, []).append(line)
        return out


def check_award_date(ctx: AppContext, award_date: date) -> None:
    if not rules.is_award_date(award_date, ctx.catalogue):
        raise InvalidInput(
            Msg(
                N_(
                    "{date} is not a badge award date; badges are presented on 3/2, 19/5, 2/9 "
                    "and 7/11 (HD 01-HD/TW 2021 §18)."
                ),
                {"date": award_date},
            )
        )


async def due_list(ctx: AppContext, actor: Actor, code: str, award_date: date) -> BadgeList:
    """Members of the cells under ``code`` (or of that cell) who reach a milestone by
    ``award_date`` and have not received it, highest milestone first within each cell."""
    root = await org_for_read(ctx, actor, code)
    check_award_date(ctx, award_date)
    async with ctx.db.read() as tx:
        ids = set(await org_store.subtree_ids(tx, root.id))
        orgs = {o.id: o for o in await org_store.all_orgs(tx) if o.id in ids}
        members = await store.badge_members(tx, [i for i, o in orgs.items() if o.is_cell])
    due = rules.due_for_award(members, award_date, ctx.catalogue)
    lines = sorted(
        (BadgeLine(orgs[d.member.org_id], d) for d in due),
        key=lambda x: (x.cell.code, -x.due.milestone, x.due.member.full_name),
    )
    missing = [(orgs[m.org_id], m) for m in members if m.decision_date is None]
    return BadgeList(root, award_date, lines, missing)


async def request_early(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    milestone: int,
    requested_on: date,
    document: str,
) -> None:
    """A request to award ``milestone`` early because of serious illness (§6.8)."""
    member = await member_for_write(ctx, actor, member_id)
    if milestone not in ctx.catalogue.get_ints("badge.milestones", requested_on):
        raise InvalidInput(
            Msg(
                N_("{value} years is not a badge milestone (30, 40, 45, 50 … 90 years)."),
                {"value": milestone},
            )
        )
    text = clean_text(document, N_("Application"), required=True)
    async with ctx.db.transaction() as tx:
        await store.add_early_request(
            tx, member.id, milestone, requested_on, text, actor=actor, at=ctx.now()
        )
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="badge_request",
            entity_id=f"{member.id}:{milestone}",
            action="add",
            after={"requested_on": requested_on, "document": text},
        )


async def record_award(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    milestone: int,
    award_date: date,
    decision: str | None = None,
) -> Award:
    """The badge was presented (checked against the milestone date, early within limits)."""
    member = await member_for_write(ctx, actor, member_id)
    async with ctx.db.transaction() as tx:
        subject = next(
            m
            for m in await store.badge_members(tx, [member.org_id], statuses=(member.status,))
            if m.member_id == member.id
        )
        problem = rules.check_award(subject, milestone, award_date, ctx.catalogue)
        if problem is not None:
            raise InvalidInput(problem)
        assert subject.decision_date is not None
        early = milestone_date(subject.decision_date, subject.gaps, milestone) > award_date
        text = clean_text(decision, N_("Decision"))
        award_id = await store.add_award(
            tx, member.id, milestone, award_date, text, early, actor=actor, at=ctx.now()
        )
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="badge_award",
            entity_id=award_id,
            action="add",
            after={
                "member_id": member.id,
                "milestone": milestone,
                "award_date": award_date,
                "decision": text,
                "early": early,
            },
        )
    return Award(award_id, member.id, milestone, award_date, text, early, None)


# -- returns on expulsion ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnLine:
    cell: Org
    member: Member
    award: Award


async def badges_to_return(ctx: AppContext, actor: Actor, code: str) -> list[ReturnLine]:
    """Badges not yet returned by members no longer in the party (status ``removed``, which
    covers expulsion): a badge must be returned on expulsion (§6.8). Until the ground of the
    removal is recorded (issue 14), every removed member holding a badge is listed to check."""
    root = await org_for_read(ctx, actor, code)
    async with ctx.db.read() as tx:
        ids = set(await org_store.subtree_ids(tx, root.id))
        orgs = {o.id: o for o in await org_store.all_orgs(tx) if o.id in ids}
        removed = [
            m
            for cell_id, org in orgs.items()
            if org.is_cell
            for m in await member_store.of_org(tx, cell_id, ("removed",))
        ]
        awards = await store.awards_of_many(tx, [m.id for m in removed])
    return [
        ReturnLine(orgs[m.org_id], m, a)
        for m in removed
        for a in awards.get(m.id, [])
        if a.returned_on is None
    ]


async def record_return(
    ctx: AppContext, *, actor: Actor, award_id: int, returned_on: date
) -> Award:
    async with ctx.db.read() as tx:
        found = await store.award(tx, award_id)
    if found is None:
        raise NotFound(Msg(N_("No such badge award.")))
    await member_for_write(ctx, actor, found.member_id)
    if returned_on < found.award_date or returned_on > ctx.today():
        raise InvalidInput(Msg(N_("The return date must be between the award date and today.")))
    async with ctx.db.transaction() as tx:
        await store.set_returned(tx, award_id, returned_on)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="badge_award",
            entity_id=award_id,
            action="returned",
            before={"returned_on": None},
            after={"returned_on": returned_on},
        )
    return Award(
        found.id,
        found.member_id,
        found.milestone,
        found.award_date,
        found.decision,
        found.early,
        returned_on,
    )

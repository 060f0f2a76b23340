"""Members who move, pause, work elsewhere or leave (domain-rules §6.1-6.5, 6.7, 6.9, 6.10).

Plain functions for the chat handlers and the CLI: transfers (official, within the tree or
beyond it, and temporary), exemption and temporary exemption, the residence contact of working
members (QĐ 213), the removal review (xóa tên: always a prompt for humans), departures with the
dossier notice, the party card, and the officers' numbers. Every change is validated first,
then written with its audit entry in one transaction. A secretary or deputy writes their own
cell (``usecases.roster.member_for`` / ``require_cell``); the CLI (actor "cli") may write any.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import asdict, dataclass, is_dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

from chibo.rules.lifecycle import (
    DEPARTURE_KINDS,
    EXEMPTION_GROUNDS,
    OUT_REASONS,
    RESIDENCE_EXCEPTIONS,
    TEMP_REASONS,
    RollMember,
    VoteBase,
    arrival_late_since,
    check_temporary,
    check_temporary_exemption,
    check_transfer_dates,
    compute_vote_base,
)
from chibo.rules.lifecycle_removal import COUNTED, GROUNDS, Assessment, assess_all
from chibo.rules.messages import N_, Msg
from chibo.rules.text import fold
from chibo.storage import audit
from chibo.storage import lifecycle as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.db import Tx
from chibo.storage.lifecycle import Card, Contact, Departure, Exemption, Numbers
from chibo.storage.lifecycle import Review as Review
from chibo.storage.lifecycle import Transfer as Transfer
from chibo.storage.members import Member, MemberFields
from chibo.storage.orgs import Org
from chibo.usecases.access import require_read_code, scope_of
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound
from chibo.usecases.roster import (
    STATUS_LABELS,
    Actor,
    RosterInvalid,
    check_fields,
    member_for,
    name_key,
    require_cell,
)

MAX_TEXT = 200
#: A record saved with its audit entry (`_saved`).
S = TypeVar("S")

_FUTURE = N_("The {what} ({value}) is in the future; only dates up to today ({today}) count.")
_BEFORE = N_("The {what} ({value}) cannot be before the {other} ({earlier}).")
_CHOICE = N_("Unknown {what} {value}; expected one of: {choices}.")
_TEXT = N_("Give the {what} in a few words (at most {n} characters).")
_NOT_ON_ROLL = N_("{name} is not on the cell's roll (status: {status}).")
_ONE_DESTINATION = N_(
    "Give the receiving organisation either as the code of a cell of the tree or, outside it, "
    "as its name — one of the two."
)
_NO_CELL = N_("No cell has the code {code}.")
_SAME_CELL = N_("The receiving cell is the member's own cell.")
_OPEN_TRANSFER = N_(
    "{name} already has a transfer in progress (#{id}); complete or cancel it first."
)
_NO_TRANSFER = N_("No such transfer.")
_NOT_OPEN = N_("This transfer is no longer in progress.")
_WRONG_KIND = N_("This is not that kind of transfer.")
_NEEDS_MEMBER = N_(
    "This member arrives from outside the tree: record the arrival with their roster details."
)
_NOT_HERE = N_("That member is not on the receiving cell's roll.")
_HAS_EXEMPTION = N_("{name} is already exempted (since {start}); record the return first.")
_NO_EXEMPTION = N_("No such exemption.")
_ALREADY_BACK = N_("The return was already recorded on {on}.")
_NEED_END = N_("A temporary exemption needs its end date and the grassroots committee's approval.")
_NO_CONTACT = N_("No such residence contact.")
_OPEN_REVIEW = N_("A removal review of {name} is already open (#{id}, since {on}).")
_NO_REVIEW = N_("No such removal review.")
_DECIDED = N_("The committee has already decided on this review ({on}).")
_NEED_PROPOSAL = N_("Record the cell's proposal first: the competent committee decides on it.")
_NO_EVIDENCE = N_(
    "No evidence for this ground reaches a review for {name} today; record the ground the cell "
    "found ({grounds}) or open the review on the evidence the bot counts."
)
_NOT_PROBATIONARY = N_("Only a probationary member can be found not eligible for conversion.")
_ALREADY_LEFT = N_("{name}'s departure is already recorded ({on}).")
_NO_DEPARTURE = N_("No departure is recorded for {name}.")
_CARD_OFFICIAL = N_("Only official members get a party card (Party Charter; {regulation} §6.1).")
_REEDUCATION_OPEN = N_("{name}'s re-education is already recorded since {on}.")

_WHAT = {
    "trigger": N_("date the transfer began"),
    "letter": N_("date of the introduction letter"),
    "completed": N_("date of the transfer"),
    "start": N_("start date"),
    "end": N_("end date"),
    "return": N_("date of the return"),
    "resolution": N_("date of the cell resolution"),
    "approval": N_("date of the committee's approval"),
    "report": N_("date of the report upward"),
    "application": N_("date of the member's application"),
    "assigned": N_("date of the assignment"),
    "meeting": N_("date of the meeting"),
    "sent": N_("date the comments were sent"),
    "review": N_("date of the review"),
    "proposal": N_("date of the cell's proposal"),
    "decision": N_("date of the committee's decision"),
    "left": N_("date of the departure or death"),
    "notice": N_("date of the notice"),
    "reason": N_("reason"),
    "ground": N_("ground"),
    "exception": N_("exception"),
    "kind": N_("kind"),
    "workplace": N_("workplace"),
    "name": N_("full name"),
    "destination": N_("receiving organisation"),
    "origin": N_("sending organisation"),
    "decision_no": N_("decision number"),
    "proposal_kind": N_("proposal"),
    "outcome": N_("decision"),
}


# -- validation -----------------------------------------------------------------------------------


def _past(ctx: AppContext, what: str, value: date) -> None:
    if value > ctx.today():
        raise InvalidInput(
            Msg(_FUTURE, {"what": Msg(_WHAT[what]), "value": value, "today": ctx.today()})
        )


def _after(what: str, value: date, other: str, earlier: date | None) -> None:
    if earlier is not None and value < earlier:
        raise InvalidInput(
            Msg(
                _BEFORE,
                {
                    "what": Msg(_WHAT[what]),
                    "value": value,
                    "other": Msg(_WHAT[other]),
                    "earlier": earlier,
                },
            )
        )


def _choice(what: str, value: str, choices: Collection[str]) -> None:
    if value not in choices:
        raise InvalidInput(
            Msg(_CHOICE, {"what": Msg(_WHAT[what]), "value": value, "choices": ", ".join(choices)})
        )


def _text(what: str, value: str | None, *, required: bool = False) -> str | None:
    cleaned = " ".join((value or "").split())
    if (required and not cleaned) or len(cleaned) > MAX_TEXT:
        raise InvalidInput(Msg(_TEXT, {"what": Msg(_WHAT[what]), "n": MAX_TEXT}))
    return cleaned or None


def _on_roll(member: Member) -> None:
    if member.status not in ("probationary", "official", "exempt"):
        raise InvalidInput(
            Msg(
                _NOT_ON_ROLL,
                {"name": member.full_name, "status": Msg(STATUS_LABELS[member.status])},
            )
        )


def _plain(value: object) -> Any:
    """A record for the audit log: a dataclass's set fields, or the mapping given."""
    if value is None or isinstance(value, dict):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return {k: v for k, v in asdict(value).items() if v is not None}
    return value


async def _saved(
    ctx: AppContext,
    actor: Actor,
    save: Callable[[Tx, S, datetime], Awaitable[None]],
    new: S,
    entity: str,
    entity_id: object,
    action: str,
    before: object,
    after: object,
) -> S:
    """Save `new` with its audit entry in one transaction; `new` back."""
    async with ctx.db.transaction() as tx:
        await save(tx, new, ctx.now())
        await _audit(ctx, tx, actor, entity, entity_id, action, before, after)
    return new


async def _audit(
    ctx: AppContext,
    tx: Tx,
    actor: Actor,
    entity: str,
    entity_id: object,
    action: str,
    before: object,
    after: object,
) -> None:
    await audit.record(
        tx,
        at=ctx.now(),
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=_plain(before),
        after=_plain(after),
    )


async def _set_status(
    ctx: AppContext, tx: Tx, member: Member, status: str, on: date, note: str, actor: Actor
) -> None:
    """A status change kept in the member's history, audited."""
    f = replace(member.editable, status=status, status_date=on)
    await member_store.update(tx, member.id, f=f, name_key=member.name_key, at=ctx.now())
    await member_store.add_history(
        tx, member.id, status=status, status_date=on, note=note, actor=actor, at=ctx.now()
    )
    await audit.record(
        tx,
        at=ctx.now(),
        actor=actor,
        entity="member",
        entity_id=member.id,
        action="status",
        before={"status": member.status, "status_date": member.status_date},
        after={"status": status, "status_date": on, "note": note},
    )


async def _cell(ctx: AppContext, code: str) -> Org:
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    if org is None or not org.is_cell:
        raise NotFound(Msg(_NO_CELL, {"code": code}))
    return org


async def _transfer(ctx: AppContext, transfer_id: int) -> Transfer:
    async with ctx.db.read() as tx:
        t = await store.get_transfer(tx, transfer_id)
    if t is None:
        raise NotFound(Msg(_NO_TRANSFER))
    return t


async def _destination(
    ctx: AppContext, member: Member, to_org_code: str | None, to_external: str | None
) -> tuple[int | None, str | None]:
    external = _text("destination", to_external)
    if (to_org_code is None) == (external is None):
        raise InvalidInput(Msg(_ONE_DESTINATION))
    if to_org_code is None:
        return None, external
    org = await _cell(ctx, to_org_code)
    if org.id == member.org_id:
        raise InvalidInput(Msg(_SAME_CELL))
    return org.id, None


async def _no_open_transfer(ctx: AppContext, member: Member) -> None:
    async with ctx.db.read() as tx:
        found = await store.open_transfers_of(tx, member.id)
    if found:
        raise InvalidInput(Msg(_OPEN_TRANSFER, {"name": member.full_name, "id": found[0].id}))


# -- §6.1 official transfer -----------------------------------------------------------------------


async def transfer_out(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    reason: str,
    trigger_date: date,
    letter_date: date | None = None,
    to_org_code: str | None = None,
    to_external: str | None = None,
    note: str | None = None,
) -> Transfer:
    """Record an official transfer out (new job, retirement, lasting move). The member stays
    on the roll until the transfer is completed (:func:`complete_transfer`)."""
    member = await member_for(ctx, actor, member_id)
    _on_roll(member)
    _choice("reason", reason, OUT_REASONS)
    _past(ctx, "trigger", trigger_date)
    if letter_date is not None:
        _past(ctx, "letter", letter_date)
    if (problem := check_transfer_dates(trigger_date, letter_date)) is not None:
        raise InvalidInput(problem)
    to_org_id, external = await _destination(ctx, member, to_org_code, to_external)
    await _no_open_transfer(ctx, member)
    t = Transfer(
        0,
        "official",
        reason,
        member.id,
        member.full_name,
        member.birth_date,
        member.org_id,
        None,
        to_org_id,
        external,
        trigger_date,
        letter_date,
        None,
        None,
        None,
        "open",
        _text("reason", note),
    )
    async with ctx.db.transaction() as tx:
        t = replace(t, id=await store.insert_transfer(tx, t, ctx.now()))
        await _audit(ctx, tx, actor, "transfer", t.id, "create", None, t)
    return t


async def record_letter(
    ctx: AppContext, *, actor: Actor, transfer_id: int, letter_date: date
) -> Transfer:
    """The introduction letter was issued (the 30-working-day clock starts, §6.1)."""
    t = await _transfer(ctx, transfer_id)
    await _write_side(ctx, actor, t, sending=True)
    if t.kind != "official":
        raise InvalidInput(Msg(_WRONG_KIND))
    _open(t)
    _past(ctx, "letter", letter_date)
    if t.trigger_date and (problem := check_transfer_dates(t.trigger_date, letter_date)):
        raise InvalidInput(problem)
    new = replace(t, letter_date=letter_date)
    return await _saved(
        ctx,
        actor,
        store.save_transfer,
        new,
        "transfer",
        t.id,
        "letter",
        {"letter_date": t.letter_date},
        {"letter_date": letter_date},
    )


def _open(t: Transfer) -> None:
    if t.state != "open":
        raise InvalidInput(Msg(_NOT_OPEN))


async def _write_side(ctx: AppContext, actor: Actor, t: Transfer, *, sending: bool) -> None:
    """The sending cell writes its side; the receiving cell (when in the tree) receives."""
    org = t.from_org_id if sending or t.to_org_id is None else t.to_org_id
    if org is None:
        org = t.to_org_id
    assert org is not None
    await require_cell(ctx, actor, org)


async def complete_transfer(
    ctx: AppContext, *, actor: Actor, transfer_id: int, on: date
) -> Transfer:
    """The member was received (tree to tree: by the receiving cell, the member row moves with
    its history) or left for outside the tree (by the sending cell: status transferred out)."""
    t = await _transfer(ctx, transfer_id)
    if t.kind != "official":
        raise InvalidInput(Msg(_WRONG_KIND))
    if t.member_id is None:
        raise InvalidInput(Msg(_NEEDS_MEMBER))
    await _write_side(ctx, actor, t, sending=False)
    _open(t)
    _past(ctx, "completed", on)
    _after("completed", on, "trigger", t.trigger_date)
    _after("completed", on, "letter", t.letter_date)
    done = replace(t, state="completed", completed_date=on)
    async with ctx.db.transaction() as tx:
        member = await member_store.get(tx, t.member_id)
        assert member is not None
        if t.to_org_id is not None and t.from_org_id is not None:
            await store.move_member(
                tx,
                member.id,
                from_org_id=t.from_org_id,
                to_org_id=t.to_org_id,
                on=on,
                transfer_id=t.id,
                actor=actor,
                at=ctx.now(),
            )
            await member_store.add_history(
                tx,
                member.id,
                status=member.status,
                status_date=on,
                note=f"transfer #{t.id}: org {t.from_org_id} -> {t.to_org_id}",
                actor=actor,
                at=ctx.now(),
            )
            await audit.record(
                tx,
                at=ctx.now(),
                actor=actor,
                entity="member",
                entity_id=member.id,
                action="move",
                before={"org_id": t.from_org_id},
                after={"org_id": t.to_org_id, "on": on, "transfer": t.id},
            )
        else:
            await _set_status(ctx, tx, member, "transferred_out", on, f"transfer #{t.id}", actor)
        await store.save_transfer(tx, done, ctx.now())
        await _audit(
            ctx,
            tx,
            actor,
            "transfer",
            t.id,
            "complete",
            {"state": t.state},
            {"state": "completed", "completed_date": on},
        )
    return done


async def cancel_transfer(ctx: AppContext, *, actor: Actor, transfer_id: int) -> Transfer:
    t = await _transfer(ctx, transfer_id)
    await _write_side(ctx, actor, t, sending=True)
    _open(t)
    new = replace(t, state="cancelled")
    return await _saved(
        ctx,
        actor,
        store.save_transfer,
        new,
        "transfer",
        t.id,
        "cancel",
        {"state": t.state},
        {"state": "cancelled"},
    )


async def announce_arrival(
    ctx: AppContext,
    *,
    actor: Actor,
    org_id: int,
    full_name: str,
    from_external: str,
    letter_date: date,
    birth_date: date | None = None,
    reason: str = "other",
) -> Transfer:
    """A member from outside the tree is announced by an introduction letter (§6.1-6.2)."""
    await require_cell(ctx, actor, org_id)
    name = _text("name", full_name, required=True)
    origin = _text("origin", from_external, required=True)
    _choice("reason", reason, OUT_REASONS)
    _past(ctx, "letter", letter_date)
    assert name is not None
    t = Transfer(
        0,
        "official",
        reason,
        None,
        name,
        birth_date,
        None,
        origin,
        org_id,
        None,
        None,
        letter_date,
        None,
        None,
        None,
        "open",
        None,
    )
    async with ctx.db.transaction() as tx:
        t = replace(t, id=await store.insert_transfer(tx, t, ctx.now()))
        await _audit(ctx, tx, actor, "transfer", t.id, "announce", None, t)
    return t


async def receive_arrival(
    ctx: AppContext, *, actor: Actor, transfer_id: int, on: date, fields: MemberFields
) -> Member:
    """The announced member arrived: added to the roll with their details, in one step."""
    t = await _transfer(ctx, transfer_id)
    if t.member_id is not None or t.to_org_id is None:
        raise InvalidInput(Msg(_WRONG_KIND))
    await require_cell(ctx, actor, t.to_org_id)
    _open(t)
    _past(ctx, "completed", on)
    _after("completed", on, "letter", t.letter_date)
    problems = check_fields(fields, ctx.today(), ctx.catalogue)
    if problems:
        raise RosterInvalid(problems)
    async with ctx.db.transaction() as tx:
        new_id = await member_store.insert(
            tx, org_id=t.to_org_id, f=fields, name_key=name_key(fields.full_name), at=ctx.now()
        )
        await member_store.add_history(
            tx,
            new_id,
            status=fields.status,
            status_date=on,
            note=f"transfer #{t.id}",
            actor=actor,
            at=ctx.now(),
        )
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="member",
            entity_id=new_id,
            action="create",
            after={"transfer": t.id, "full_name": fields.full_name},
        )
        await store.save_transfer(
            tx, replace(t, member_id=new_id, state="completed", completed_date=on), ctx.now()
        )
        await _audit(
            ctx,
            tx,
            actor,
            "transfer",
            t.id,
            "complete",
            {"state": t.state},
            {"state": "completed", "member_id": new_id},
        )
        member = await member_store.get(tx, new_id)
    assert member is not None
    return member


async def arrival_matches(ctx: AppContext, *, actor: Actor, transfer_id: int) -> list[Member]:
    """For an announced arrival from outside: the cell's members added since the announcement
    whose folded name matches (the secretary added the member under "Party members")."""
    t = await _transfer(ctx, transfer_id)
    if t.member_id is not None or t.to_org_id is None:
        raise InvalidInput(Msg(_WRONG_KIND))
    await require_cell(ctx, actor, t.to_org_id)
    _open(t)
    async with ctx.db.read() as tx:
        ids = await store.arrival_matches(tx, t.id, name_key(t.full_name))
        found = [await member_store.get(tx, i) for i in ids]
    return [m for m in found if m is not None]


async def link_arrival(
    ctx: AppContext, *, actor: Actor, transfer_id: int, member_id: int, on: date
) -> Transfer:
    """The announced member arrived and is already on the roll: the arrival closes with them."""
    t = await _transfer(ctx, transfer_id)
    if t.member_id is not None or t.to_org_id is None:
        raise InvalidInput(Msg(_WRONG_KIND))
    await require_cell(ctx, actor, t.to_org_id)
    _open(t)
    _past(ctx, "completed", on)
    _after("completed", on, "letter", t.letter_date)
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, member_id)
    if member is None or member.org_id != t.to_org_id:
        raise NotFound(Msg(_NOT_HERE))
    if member.status not in member_store.ACTIVE_STATUSES:
        status = Msg(STATUS_LABELS[member.status])
        raise InvalidInput(Msg(_NOT_ON_ROLL, {"name": member.full_name, "status": status}))
    new = replace(t, member_id=member.id, state="completed", completed_date=on)
    return await _saved(
        ctx,
        actor,
        store.save_transfer,
        new,
        "transfer",
        t.id,
        "link",
        {"state": t.state},
        {"state": "completed", "member_id": member.id, "completed_date": on},
    )


@dataclass(frozen=True)
class ExpectedArrival:
    transfer: Transfer
    org: Org
    late: bool  # more than 3 months after the letter (§6.2)
    late_since: date | None


async def expected_arrivals(
    ctx: AppContext, *, actor: Actor, org_code: str
) -> list[ExpectedArrival]:
    """§6.2: announced arrivals not received in this subtree, the late ones marked."""
    root = await _readable(ctx, actor, org_code)
    today = ctx.today()
    async with ctx.db.read() as tx:
        ids = await org_store.subtree_ids(tx, root.id)
        orgs = {o.id: o for o in await org_store.all_orgs(tx)}
        found = await store.transfers_of(tx, ids, "open")
    out = []
    for t in found:
        if t.kind != "official" or t.to_org_id not in ids or t.letter_date is None:
            continue
        since = arrival_late_since(t.letter_date, ctx.catalogue)
        out.append(ExpectedArrival(t, orgs[t.to_org_id], since <= today, since))
    return sorted(out, key=lambda a: (not a.late, a.transfer.letter_date or today))


async def _readable(ctx: AppContext, actor: Actor, org_code: str) -> Org:
    if isinstance(actor, int):
        return await require_read_code(ctx, actor, org_code)
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, org_code)
    if org is None:
        raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": org_code}))
    return org


# -- §6.3 temporary transfer ----------------------------------------------------------------------


async def temporary_transfer(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    reason: str,
    start: date,
    end: date,
    to_org_code: str | None = None,
    to_external: str | None = None,
) -> Transfer:
    """A temporary transfer: the member stays on the home roll, is not counted in the vote
    base there nor at the temporary cell, where they attend without a vote (§6.3)."""
    member = await member_for(ctx, actor, member_id)
    _on_roll(member)
    _choice("reason", reason, TEMP_REASONS)
    if (problem := check_temporary(start, end, reason, ctx.catalogue)) is not None:
        raise InvalidInput(problem)
    to_org_id, external = await _destination(ctx, member, to_org_code, to_external)
    await _no_open_transfer(ctx, member)
    t = Transfer(
        0,
        "temporary",
        reason,
        member.id,
        member.full_name,
        member.birth_date,
        member.org_id,
        None,
        to_org_id,
        external,
        None,
        None,
        start,
        end,
        None,
        "open",
        None,
    )
    async with ctx.db.transaction() as tx:
        t = replace(t, id=await store.insert_transfer(tx, t, ctx.now()))
        await _audit(ctx, tx, actor, "transfer", t.id, "create", None, t)
    return t


async def record_return(ctx: AppContext, *, actor: Actor, transfer_id: int, on: date) -> Transfer:
    """The member is back from a temporary transfer (recorded by the home cell)."""
    t = await _transfer(ctx, transfer_id)
    await _write_side(ctx, actor, t, sending=True)
    if t.kind != "temporary":
        raise InvalidInput(Msg(_WRONG_KIND))
    _open(t)
    _past(ctx, "return", on)
    _after("return", on, "start", t.start_date)
    new = replace(t, state="completed", completed_date=on)
    return await _saved(
        ctx,
        actor,
        store.save_transfer,
        new,
        "transfer",
        t.id,
        "return",
        {"state": t.state},
        {"state": "completed", "completed_date": on},
    )


async def vote_base_on(
    ctx: AppContext, *, actor: Actor, org_id: int, on: date, present: Collection[int] | None = None
) -> VoteBase:
    """A9/E4: the vote base of the cell on ``on``, computed from the roll, temporary transfers
    and exemptions (``present``: member ids at the meeting; None = exempted members absent)."""
    await require_cell(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        return await _vote_base(tx, org_id, on, present)


async def _vote_base(tx: Tx, org_id: int, on: date, present: Collection[int] | None) -> VoteBase:
    # the roll of that day, from the status history (issue 9 §2)
    members = await member_store.of_org_on(tx, org_id, on, ["official", "exempt", "probationary"])
    ids = [m.id for m in members]
    away = await store.away_periods(tx, ids)
    exemptions = await store.exemptions_of(tx, ids)
    roll = [
        RollMember(
            m.id,
            m.status,
            tuple(e.period for e in exemptions.get(m.id, [])),
            tuple(away.get(m.id, [])),
        )
        for m in members
    ]
    return compute_vote_base(roll, await store.guests_of(tx, org_id, on), on, present)


async def guests(ctx: AppContext, *, actor: Actor, org_id: int, on: date) -> list[Member]:
    """Members of other cells here on temporary transfer: they attend, without a vote."""
    await require_cell(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        ids = await store.guests_of(tx, org_id, on)
        found = [await member_store.get(tx, i) for i in ids]
    return [m for m in found if m is not None]


# -- §6.4 exemption -------------------------------------------------------------------------------


async def exempt(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    kind: str,
    ground: str,
    resolution_date: date,
    start_date: date,
    end_date: date | None = None,
    approval_date: date | None = None,
    reported_date: date | None = None,
) -> Exemption:
    """Exemption (the member's status becomes exempt, history kept) or temporary exemption
    (under 12 months, approved by the grassroots committee; the status stays)."""
    member = await member_for(ctx, actor, member_id)
    _on_roll(member)
    _choice("kind", kind, ("exempt", "temporary"))
    _choice("ground", ground, EXEMPTION_GROUNDS)
    _past(ctx, "resolution", resolution_date)
    if kind == "temporary":
        if end_date is None or approval_date is None:
            raise InvalidInput(Msg(_NEED_END))
        if (problem := check_temporary_exemption(start_date, end_date, ctx.catalogue)) is not None:
            raise InvalidInput(problem)
        _past(ctx, "approval", approval_date)
        _after("approval", approval_date, "resolution", resolution_date)
    if reported_date is not None:
        _past(ctx, "report", reported_date)
        _after("report", reported_date, "resolution", resolution_date)
    async with ctx.db.read() as tx:
        current = [
            e
            for e in (await store.exemptions_of(tx, [member.id])).get(member.id, [])
            if e.return_date is None
        ]
    if current or member.status == "exempt":
        raise InvalidInput(
            Msg(
                _HAS_EXEMPTION,
                {
                    "name": member.full_name,
                    "start": current[0].start_date if current else member.status_date,
                },
            )
        )
    e = Exemption(
        0,
        member.id,
        kind,
        ground,
        resolution_date,
        start_date,
        end_date if kind == "temporary" else None,
        approval_date,
        reported_date,
        None,
        None,
        member.status,
    )
    async with ctx.db.transaction() as tx:
        e = replace(e, id=await store.insert_exemption(tx, e, ctx.now()))
        if kind == "exempt":
            await _set_status(ctx, tx, member, "exempt", start_date, f"exemption #{e.id}", actor)
        await _audit(ctx, tx, actor, "exemption", e.id, "create", None, e)
    return e


async def _exemption(ctx: AppContext, actor: Actor, exemption_id: int) -> tuple[Exemption, Member]:
    async with ctx.db.read() as tx:
        e = await store.get_exemption(tx, exemption_id)
    if e is None:
        raise NotFound(Msg(_NO_EXEMPTION))
    return e, await member_for(ctx, actor, e.member_id)


async def report_exemption(
    ctx: AppContext, *, actor: Actor, exemption_id: int, on: date
) -> Exemption:
    """The cell reported the exemption upward (QĐ 24/294 §7.1)."""
    e, _member = await _exemption(ctx, actor, exemption_id)
    _past(ctx, "report", on)
    _after("report", on, "resolution", e.resolution_date)
    new = replace(e, reported_date=on)
    return await _saved(
        ctx,
        actor,
        store.save_exemption,
        new,
        "exemption",
        e.id,
        "report",
        {"reported_date": e.reported_date},
        {"reported_date": on},
    )


async def end_exemption(
    ctx: AppContext, *, actor: Actor, exemption_id: int, application_date: date, return_date: date
) -> Exemption:
    """The return: the member's application and the cell's decision (§6.4)."""
    e, member = await _exemption(ctx, actor, exemption_id)
    if e.return_date is not None:
        raise InvalidInput(Msg(_ALREADY_BACK, {"on": e.return_date}))
    _past(ctx, "return", return_date)
    _after("application", application_date, "start", e.start_date)
    _after("return", return_date, "application", application_date)
    new = replace(e, application_date=application_date, return_date=return_date)
    async with ctx.db.transaction() as tx:
        await store.save_exemption(tx, new, ctx.now())
        if e.kind == "exempt" and member.status == "exempt":
            back = e.prior_status if e.prior_status != "exempt" else "official"
            await _set_status(ctx, tx, member, back, return_date, f"exemption #{e.id} ended", actor)
        await _audit(
            ctx,
            tx,
            actor,
            "exemption",
            e.id,
            "return",
            None,
            {"application_date": application_date, "return_date": return_date},
        )
    return new


# -- §6.9 residence contact (QĐ 213) --------------------------------------------------------------


async def register_residence(
    ctx: AppContext,
    *,
    actor: Actor,
    org_id: int,
    full_name: str,
    workplace: str,
    assigned_date: date,
    member_id: int | None = None,
    exception: str | None = None,
) -> Contact:
    """A working member living here, assigned to this residence cell by the commune committee.
    A recorded exception (barracks, study away) is listed but not reminded."""
    await require_cell(ctx, actor, org_id)
    name = _text("name", full_name, required=True)
    place = _text("workplace", workplace, required=True)
    _past(ctx, "assigned", assigned_date)
    if exception is not None:
        _choice("exception", exception, RESIDENCE_EXCEPTIONS)
    assert name is not None and place is not None
    c = Contact(0, org_id, member_id, name, place, assigned_date, exception, None, None)
    async with ctx.db.transaction() as tx:
        if member_id is not None and await member_store.get(tx, member_id) is None:
            raise NotFound(Msg(N_("No such member.")))
        c = replace(c, id=await store.insert_contact(tx, c, ctx.now()))
        await _audit(ctx, tx, actor, "residence", c.id, "create", None, c)
    return c


async def _contact(ctx: AppContext, actor: Actor, contact_id: int) -> Contact:
    async with ctx.db.read() as tx:
        c = await store.get_contact(tx, contact_id)
    if c is None:
        raise NotFound(Msg(_NO_CONTACT))
    await require_cell(ctx, actor, c.residence_org_id)
    return c


async def record_residence_meeting(
    ctx: AppContext, *, actor: Actor, contact_id: int, on: date
) -> Contact:
    c = await _contact(ctx, actor, contact_id)
    _past(ctx, "meeting", on)
    _after("meeting", on, "assigned", c.assigned_date)
    new = replace(c, last_meeting=max(on, c.last_meeting or on))
    return await _saved(
        ctx,
        actor,
        store.save_contact,
        new,
        "residence",
        c.id,
        "meeting",
        {"last_meeting": c.last_meeting},
        {"last_meeting": on},
    )


async def record_residence_comments(
    ctx: AppContext, *, actor: Actor, contact_id: int, year: int, on: date
) -> Contact:
    c = await _contact(ctx, actor, contact_id)
    _past(ctx, "sent", on)
    async with ctx.db.transaction() as tx:
        await store.add_comments(tx, c.id, year, on)
        await _audit(
            ctx, tx, actor, "residence", c.id, "comments", None, {"year": year, "sent_on": on}
        )
    return replace(c, comments_years=tuple(sorted({*c.comments_years, year})))


async def end_residence(ctx: AppContext, *, actor: Actor, contact_id: int, on: date) -> Contact:
    c = await _contact(ctx, actor, contact_id)
    _past(ctx, "left", on)
    new = replace(c, ended_date=on)
    return await _saved(
        ctx, actor, store.save_contact, new, "residence", c.id, "end", None, {"ended_date": on}
    )


async def residence_list(ctx: AppContext, *, actor: Actor, org_id: int) -> list[Contact]:
    """The working members living here: a separate list from the cell's own roll."""
    await require_cell(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        return await store.contacts_of(tx, [org_id])


# -- §6.5 removal review (xóa tên) ----------------------------------------------------------------


async def removal_assessment(ctx: AppContext, *, actor: Actor, member_id: int) -> list[Assessment]:
    """The §6.5 grounds that reach a warning (2) or a review (3) today, with their evidence."""
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        found = await store.evidence(tx, [member.id], ctx.today())
    return assess_all(found.get(member.id, []), ctx.today(), ctx.catalogue)


async def start_reeducation(
    ctx: AppContext, *, actor: Actor, member_id: int, on: date, note: str | None = None
) -> int:
    """§6.5(c): the cell began re-educating the member (flagged after 12 months)."""
    member = await member_for(ctx, actor, member_id)
    _on_roll(member)
    _past(ctx, "start", on)
    async with ctx.db.transaction() as tx:
        if (current := await store.open_reeducation(tx, member.id)) is not None:
            raise InvalidInput(Msg(_REEDUCATION_OPEN, {"name": member.full_name, "on": current[1]}))
        new_id = await store.start_reeducation(tx, member.id, on, _text("reason", note))
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="reeducation",
            entity_id=new_id,
            action="create",
            after={"member_id": member.id, "started_on": on},
        )
    return new_id


async def end_reeducation(ctx: AppContext, *, actor: Actor, member_id: int, on: date) -> None:
    member = await member_for(ctx, actor, member_id)
    _past(ctx, "end", on)
    async with ctx.db.transaction() as tx:
        current = await store.open_reeducation(tx, member.id)
        if current is None:
            raise NotFound(
                Msg(N_("No re-education of {name} is in progress."), {"name": member.full_name})
            )
        _after("end", on, "start", current[1])
        await store.end_reeducation(tx, current[0], on)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="reeducation",
            entity_id=current[0],
            action="end",
            after={"ended_on": on},
        )


def _evidence_record(a: Assessment) -> dict[str, object]:
    return {
        "ground": a.ground,
        "level": a.level,
        "count": a.count,
        "threshold": a.threshold,
        "window": a.window,
        "dates": [d.isoformat() for d in a.evidence],
        "source": a.source,
    }


async def open_review(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    ground: str,
    on: date,
    note: str | None = None,
) -> Review:
    """Open a removal review: the evidence the bot counts is kept with it as it stands today.
    A counted ground needs evidence at the review level; the others (card returned, political
    standard, not eligible for conversion, …) are the cell's own finding."""
    member = await member_for(ctx, actor, member_id)
    _choice("ground", ground, GROUNDS)
    _past(ctx, "review", on)
    if ground == "not_eligible" and member.status != "probationary":
        raise InvalidInput(Msg(_NOT_PROBATIONARY))
    if ground != "not_eligible":
        _on_roll(member)
    async with ctx.db.read() as tx:
        found = await store.evidence(tx, [member.id], ctx.today())
        reviews = await store.reviews_of_member(tx, member.id)
    if (current := next((v for v in reviews if v.open), None)) is not None:
        raise InvalidInput(
            Msg(_OPEN_REVIEW, {"name": member.full_name, "id": current.id, "on": current.opened_on})
        )
    assessed = assess_all(found.get(member.id, []), ctx.today(), ctx.catalogue)
    if ground in COUNTED and not any(a.ground == ground and a.level == "review" for a in assessed):
        raise InvalidInput(
            Msg(
                _NO_EVIDENCE,
                {
                    "name": member.full_name,
                    "grounds": ", ".join(g for g in GROUNDS if g not in COUNTED),
                },
            )
        )
    v = Review(
        0,
        member.id,
        member.org_id,
        ground,
        on,
        tuple(_evidence_record(a) for a in assessed),
        note=_text("reason", note),
    )
    async with ctx.db.transaction() as tx:
        v = replace(v, id=await store.insert_review(tx, v, ctx.now()))
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="removal_review",
            entity_id=v.id,
            action="open",
            after={
                "member_id": member.id,
                "ground": ground,
                "opened_on": on,
                "evidence": list(v.evidence),
            },
        )
    return v


async def _review(ctx: AppContext, actor: Actor, review_id: int) -> tuple[Review, Member]:
    async with ctx.db.read() as tx:
        v = await store.get_review(tx, review_id)
    if v is None:
        raise NotFound(Msg(_NO_REVIEW))
    return v, await member_for(ctx, actor, v.member_id)


async def record_proposal(
    ctx: AppContext, *, actor: Actor, review_id: int, on: date, proposal: str
) -> Review:
    """The cell's proposal: remove from the list, or keep."""
    v, _member = await _review(ctx, actor, review_id)
    _choice("proposal_kind", proposal, ("remove", "keep"))
    if not v.open:
        raise InvalidInput(Msg(_DECIDED, {"on": v.decision_date}))
    _past(ctx, "proposal", on)
    _after("proposal", on, "review", v.opened_on)
    new = replace(v, proposal=proposal, proposal_date=on)
    async with ctx.db.transaction() as tx:
        await store.save_review(tx, new, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="removal_review",
            entity_id=v.id,
            action="proposal",
            before={"proposal": v.proposal},
            after={"proposal": proposal, "proposal_date": on},
        )
    return new


async def record_review_decision(
    ctx: AppContext,
    *,
    actor: Actor,
    review_id: int,
    on: date,
    decision: str,
    decision_no: str | None = None,
) -> Review:
    """The competent committee's decision. "removed": the member leaves the roll from that
    date (history kept) and the cell is prompted to collect the party card."""
    v, member = await _review(ctx, actor, review_id)
    _choice("outcome", decision, ("removed", "kept"))
    if not v.open:
        raise InvalidInput(Msg(_DECIDED, {"on": v.decision_date}))
    if v.proposal_date is None:
        raise InvalidInput(Msg(_NEED_PROPOSAL))
    _past(ctx, "decision", on)
    _after("decision", on, "proposal", v.proposal_date)
    number = _text("decision_no", decision_no)
    new = replace(v, decision=decision, decision_date=on, decision_no=number)
    async with ctx.db.transaction() as tx:
        await store.save_review(tx, new, ctx.now())
        if decision == "removed":
            await _set_status(ctx, tx, member, "removed", on, f"removal review #{v.id}", actor)
            card = await store.get_card(tx, member.id) or Card(member.id)
            if member.card_no or card.decision_date is not None:
                await store.put_card(tx, replace(card, collect_from=on), ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="removal_review",
            entity_id=v.id,
            action="decision",
            after={"decision": decision, "decision_date": on, "decision_no": number},
        )
    return new


async def reviews(ctx: AppContext, *, actor: Actor, member_id: int) -> list[Review]:
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        return await store.reviews_of_member(tx, member.id)


# -- §6.10 departures and §6.7 party card ---------------------------------------------------------


async def record_departure(
    ctx: AppContext, *, actor: Actor, member_id: int, kind: str, on: date, note: str | None = None
) -> Departure:
    """A member died or left: off the counts from that date (history kept); the notice goes
    upward with the dossier within 30 working days (§6.10)."""
    member = await member_for(ctx, actor, member_id)
    _choice("kind", kind, DEPARTURE_KINDS)
    _on_roll(member)
    _past(ctx, "left", on)
    async with ctx.db.read() as tx:
        if (old := await store.get_departure(tx, member.id)) is not None:
            raise InvalidInput(Msg(_ALREADY_LEFT, {"name": member.full_name, "on": old.left_on}))
    d = Departure(member.id, member.org_id, kind, on, None, _text("reason", note))
    async with ctx.db.transaction() as tx:
        await store.put_departure(tx, d, ctx.now())
        status = "deceased" if kind == "deceased" else "removed"
        await _set_status(ctx, tx, member, status, on, f"departure: {kind}", actor)
        await _audit(ctx, tx, actor, "departure", member.id, "create", None, d)
    return d


async def record_dossier_notice(
    ctx: AppContext, *, actor: Actor, member_id: int, on: date
) -> Departure:
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        d = await store.get_departure(tx, member.id)
    if d is None:
        raise NotFound(Msg(_NO_DEPARTURE, {"name": member.full_name}))
    _past(ctx, "notice", on)
    _after("notice", on, "left", d.left_on)
    new = replace(d, notice_date=on)
    return await _saved(
        ctx,
        actor,
        store.put_departure,
        new,
        "departure",
        member.id,
        "notice",
        {"notice_date": d.notice_date},
        {"notice_date": on},
    )


async def record_card(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    requested_on: date | None = None,
    decision_date: date | None = None,
    decision_no: str | None = None,
    handed_on: date | None = None,
    collected_on: date | None = None,
) -> Card:
    """Party card steps (§6.7): requested, the card decision, handed over; collected."""
    member = await member_for(ctx, actor, member_id)
    for what, value in (
        ("proposal", requested_on),
        ("decision", decision_date),
        ("meeting", handed_on),
        ("left", collected_on),
    ):
        if value is not None:
            _past(ctx, what, value)
    if (requested_on or decision_date or handed_on) and member.status not in ("official", "exempt"):
        raise InvalidInput(
            Msg(_CARD_OFFICIAL, {"regulation": ctx.catalogue.get("regulation.name", ctx.today())})
        )
    async with ctx.db.read() as tx:
        old = await store.get_card(tx, member.id) or Card(member.id)
    new = replace(
        old,
        requested_on=requested_on or old.requested_on,
        decision_date=decision_date or old.decision_date,
        decision_no=_text("decision_no", decision_no) or old.decision_no,
        handed_on=handed_on or old.handed_on,
        collected_on=collected_on or old.collected_on,
    )
    if new.handed_on and new.decision_date:
        _after("meeting", new.handed_on, "decision", new.decision_date)
    return await _saved(
        ctx, actor, store.put_card, new, "party_card", member.id, "update", old, new
    )


# -- history and the officers' numbers ------------------------------------------------------------


@dataclass(frozen=True)
class Lifecycle:
    """One member's moves and records, for the member card."""

    member: Member
    moves: list[store.Move]
    transfers: list[Transfer]
    exemptions: list[Exemption]
    reviews: list[Review]
    history: list[member_store.StatusChange]
    departure: Departure | None = None  # died or left (§6.10): the notice upward pending or sent
    reeducation_since: date | None = None  # a re-education in progress (§6.5 c)


async def member_lifecycle(ctx: AppContext, *, actor: Actor, member_id: int) -> Lifecycle:
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        transfers = [t for t in await store.transfers_of(tx, None) if t.member_id == member.id]
        return Lifecycle(
            member,
            await store.moves(tx, member.id),
            transfers,
            (await store.exemptions_of(tx, [member.id])).get(member.id, []),
            await store.reviews_of_member(tx, member.id),
            await member_store.history(tx, member.id),
            await store.get_departure(tx, member.id),
            (r[1] if (r := await store.open_reeducation(tx, member.id)) else None),
        )


@dataclass(frozen=True)
class OrgNumbers:
    code: str
    name: str
    kind: str
    numbers: Numbers

    def as_dict(self) -> dict[str, object]:
        return {"org": self.code, "org_name": self.name, "kind": self.kind, **asdict(self.numbers)}


async def numbers(
    ctx: AppContext, *, actor: Actor, org_code: str, year: int | None = None
) -> list[OrgNumbers]:
    """Per organisation of the subtree: transfers out and in, temporary transfers, exemptions,
    reviews open and decided (completed/decided counts are for ``year``, default this year);
    a committee's row adds up its cells."""
    root = await _readable(ctx, actor, org_code)
    today = ctx.today()
    async with ctx.db.read() as tx:
        ids = await org_store.subtree_ids(tx, root.id)
        orgs = {o.id: o for o in await org_store.all_orgs(tx)}
        per_org = await store.numbers(tx, ids, year or today.year, today)
    # a province is 5,000 organisations: added up in a worker thread (issue 12)
    return await asyncio.to_thread(_added_up, root.id, ids, orgs, per_org)


def _added_up(
    root_id: int, ids: list[int], orgs: dict[int, Org], per_org: dict[int, Numbers]
) -> list[OrgNumbers]:
    """Each organisation's numbers plus those of everything below it, by code."""
    inside = set(ids)
    children: dict[int, list[int]] = {i: [] for i in ids}
    for i in ids:
        parent = orgs[i].parent_id
        if i != root_id and parent in inside:
            children[parent].append(i)
    totals: dict[int, dict[str, int]] = {}

    def total(i: int) -> dict[str, int]:
        out = dict(asdict(per_org[i]))
        for child in children[i]:
            for k, v in total(child).items():
                out[k] = out.get(k, 0) + v
        totals[i] = out
        return out

    total(root_id)
    return [
        OrgNumbers(orgs[i].code, orgs[i].name, orgs[i].kind, Numbers(**totals[i]))
        for i in sorted(ids, key=lambda i: orgs[i].code)
    ]


# -- for the chat screens -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetMember:
    member_id: int
    org_id: int


async def target_member(ctx: AppContext, *, actor: Actor, kind: str, id: int) -> TargetMember:
    """The member a transfer, exemption or review is about, if ``actor`` writes their cell
    (a transfer: the sending side, or the receiving one for an arrival; a residence contact:
    the residence cell, member id 0 when not on the tree's roll)."""
    if kind == "transfer":
        t = await _transfer(ctx, id)
        await _write_side(ctx, actor, t, sending=t.from_org_id is not None)
        org = t.from_org_id if t.from_org_id is not None else t.to_org_id
        assert org is not None
        return TargetMember(t.member_id or 0, org)
    if kind == "residence":  # a working member living here: the residence cell writes
        c = await _contact(ctx, actor, id)
        return TargetMember(c.member_id or 0, c.residence_org_id)
    if kind == "exemption":
        _e, member = await _exemption(ctx, actor, id)
    elif kind == "review":
        _v, member = await _review(ctx, actor, id)
    else:
        raise NotFound(Msg(_NO_TRANSFER))
    return TargetMember(member.id, member.org_id)


async def transfer_for(ctx: AppContext, *, actor: Actor, transfer_id: int) -> tuple[Transfer, bool]:
    """A transfer, for the sending cell's secretary (True) or the receiving one's (False)."""
    t = await _transfer(ctx, transfer_id)
    if t.from_org_id is not None and isinstance(actor, int):
        async with ctx.db.read() as tx:
            scope = await scope_of(tx, actor)
        if t.from_org_id in scope.write_cells:
            return t, True
    await _write_side(ctx, actor, t, sending=t.from_org_id is None)
    return t, t.from_org_id is not None and not isinstance(actor, int)


async def cell_by_code(ctx: AppContext, code: str) -> Org | None:
    """A cell of the tree by its code (any case), or None."""
    code = code.strip()
    if not 0 < len(code) <= 40:
        return None
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
        if org is None:
            org = next(
                (o for o in await org_store.all_orgs(tx) if o.code.lower() == code.lower()), None
            )
    return org if org is not None and org.is_cell else None


@dataclass(frozen=True)
class CellView:
    incoming: list[Transfer]  # open official transfers to this cell
    outgoing: list[Transfer]  # open transfers from this cell
    residents: list[Contact]


async def cell_view(ctx: AppContext, *, actor: Actor, org_id: int) -> CellView:
    await require_cell(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        found = await store.transfers_of(tx, [org_id], "open")
        residents = await store.contacts_of(tx, [org_id])
    incoming = [t for t in found if t.kind == "official" and t.to_org_id == org_id]
    outgoing = [t for t in found if t.from_org_id == org_id]
    return CellView(incoming, outgoing, residents)


async def open_reviews(ctx: AppContext, *, actor: Actor, org_code: str) -> list[tuple[str, Review]]:
    """The subtree's open removal reviews with the member's name (officers: read only)."""
    root = await _readable(ctx, actor, org_code)
    async with ctx.db.read() as tx:
        ids = await org_store.subtree_ids(tx, root.id)
        found = [v for v in await store.reviews_of(tx, ids) if v.open]
        out = []
        for v in found:
            member = await member_store.get(tx, v.member_id)
            out.append((member.full_name if member else "?", v))
    return out


async def pending_transfers(
    ctx: AppContext, items: Sequence[tuple[int, int | None, str]]
) -> list[Transfer | None]:
    """For each (cell id, member id or None, full name) of a reconciliation discrepancy, the
    open transfer that explains it, if any: the member's own transfer, or a transfer to or from
    that cell of a person with that name (an arrival not received yet)."""
    if not items:
        return []
    async with ctx.db.read() as tx:
        found = await store.transfers_of(tx, sorted({i[0] for i in items}), "open")
    out: list[Transfer | None] = []
    for org_id, member_id, name in items:
        key = fold(name)
        out.append(
            next(
                (
                    t
                    for t in found
                    if (member_id is not None and t.member_id == member_id)
                    or (org_id in (t.from_org_id, t.to_org_id) and fold(t.full_name) == key)
                ),
                None,
            )
        )
    return out

"""The year-end evaluation (kiểm điểm, đánh giá, xếp loại chất lượng; domain-rules §5).

- An officer opens the year's campaign for their subtree with the dates of that year's
  instruction (`open_campaign`); the nearest campaign above a cell applies to it.
- The cell (secretary or deputy) records, per member on the roll on the review date, the
  self-improvement plan, the self-assessment, residence comments (QĐ 213), the proposed level
  with its score and vote (`record_member`), its review meeting (`set_review_date`), and the
  remedy plans for the shortcomings found (`add_remedy`, `remedy_done`).
- The competent committee's level for a member (`decide_member`: the cell records the
  decision it received, or an officer above) and the cell's own level (`rate_cell`: officers
  of the committee above, E4).
- Reading: `cell_review` (one cell's year), `overview` (officers' numbers per organisation
  below, with the plans' two targets).

`actor` is a Telegram user id (checked with `usecases.access`; refusals audited) or "cli"
(trusted). Every write validates first, then writes in one transaction with an audit entry
holding the values before and after. Rules refuse only what cannot be right (a score that
contradicts its level, more votes than voters); everything else is a warning returned with
the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from chibo.rules import evaluation as rules
from chibo.rules.evaluation import LEVELS, TargetProgress
from chibo.rules.meetings import BaseMember, vote_base
from chibo.rules.messages import N_, Msg
from chibo.storage import audit
from chibo.storage import evaluation as store
from chibo.storage import meetings as meeting_store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage import users as user_store
from chibo.storage.db import Tx
from chibo.storage.evaluation import Campaign, CampaignFields, CellYear, MemberYear, Remedy, TreeOrg
from chibo.storage.members import Member
from chibo.storage.orgs import Org
from chibo.usecases import access
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound
from chibo.usecases.status import officer_root

Actor = int | str
MAX_TEXT = 500
MIN_YEAR, MAX_YEAR = 2000, 2100

_NO_ORG = N_("No organisation has the code {code}.")
_NOT_CELL = N_("{code} is not a cell (chi bộ): members are reviewed by their cell.")
_NOT_MEMBER = N_("That person is not a member of this cell.")
_NOT_ON_ROLL = N_(
    "{name} is not an official or probationary member of the cell on the review date "
    "({date}), so is not reviewed for {year}."
)
_BAD_YEAR = N_("“{value}” is not a year: write it as 2026.")
_BAD_LEVEL = N_("“{value}” is not a level: write HTXS, HTT, HT or KHT.")
_BAD_SCORE = N_("“{value}” is not a score: write a number from 0 to 100, e.g. 85 or 72.5.")
_FUTURE = N_("{what} cannot be later than today ({today}).")
_OUT_OF_YEAR = N_("{what} must fall in {year}.")
_ORDER = N_(
    "The results go up by {report_by}, which cannot be before the review deadline {review_by}."
)
_REMIND_LATE = N_("Reminders from {remind_from} would start after the review deadline {review_by}.")
_CAMPAIGN_YEAR = N_(
    "The review deadline {review_by} does not fit the review of {year}: it must fall in {year} "
    "or the first half of the next year."
)
_TOO_LONG = N_("That text is too long ({n} characters); the limit is {limit}.")
_EMPTY = N_("Write {what}.")
_VOTE_NEEDS_LEVEL = N_("Record the proposed level before its vote.")
_SCORE_NEEDS_LEVEL = N_("Record the proposed level with its score.")
_NO_OFFICER = N_("Only officers of the committee above {org} can do this.")
_GONE_REMEDY = N_("This remedy plan no longer exists.")
_REMEDY_DUE = N_("The remedy's due date {due} cannot be before the review ({held}).")

#: Fields of a member's year the cell records (`record_member`), and their types.
MEMBER_FIELDS: dict[str, type] = {
    "plan_received_on": date,
    "self_assessment_on": date,
    "works_elsewhere": bool,
    "residence_comments_on": date,
    "disciplined_on": date,
    "score": Decimal,
    "proposed_level": str,
    "vote_agree": int,
    "notes": str,
}
FIELD_LABELS = {
    "plan_received_on": N_("The date the self-improvement plan was received"),
    "self_assessment_on": N_("The date the self-assessment was received"),
    "residence_comments_on": N_("The date of the residence cell's comments"),
    "disciplined_on": N_("The date of the discipline decision"),
    "decided_on": N_("The date of the committee's decision"),
    "review_held_on": N_("The date of the review meeting"),
    "remedy_done_on": N_("The date the remedy was done"),
}


# -- parsing (CLI and chat) --------------------------------------------------------------------


def parse_year(text: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"\d{4}", value) or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise InvalidInput(Msg(_BAD_YEAR, {"value": value}))
    return int(value)


def parse_level(text: str) -> str:
    value = text.strip().upper()
    if value not in LEVELS:
        raise InvalidInput(Msg(_BAD_LEVEL, {"value": text.strip()}))
    return value


def parse_score(text: str) -> Decimal:
    value = text.strip().replace(",", ".")
    try:
        score = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(Msg(_BAD_SCORE, {"value": text.strip()})) from None
    if not score.is_finite() or not 0 <= score <= 100:
        raise InvalidInput(Msg(_BAD_SCORE, {"value": text.strip()}))
    return score


def _text(value: str | None, what: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > MAX_TEXT:
        raise InvalidInput(Msg(_TOO_LONG, {"n": len(text), "limit": MAX_TEXT}))
    return text or None


def _not_future(ctx: AppContext, day: date | None, what: str) -> None:
    if day is not None and day > ctx.today():
        raise InvalidInput(
            Msg(_FUTURE, {"what": Msg(FIELD_LABELS.get(what, what)), "today": ctx.today()})
        )


# -- access ------------------------------------------------------------------------------------


async def _deny(ctx: AppContext, actor: int, target: object, wanted: str, msg: Msg) -> Exception:
    return await access.deny(ctx, actor, wanted, target, msg)


async def _org(tx: Tx, org_id: int) -> Org:
    org = await org_store.by_id(tx, org_id)
    if org is None:
        raise NotFound(Msg(_NO_ORG, {"code": org_id}))
    return org


async def org_by_code(ctx: AppContext, code: str) -> Org:
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    if org is None:
        raise NotFound(Msg(_NO_ORG, {"code": code}))
    return org


async def require_officer(
    ctx: AppContext, actor: Actor, org_id: int, *, strictly_above: bool
) -> Org:
    """The organisation, if `actor` is an officer of it (unless `strictly_above`) or of an
    organisation above it; the CLI may act on any."""
    async with ctx.db.read() as tx:
        org = await _org(tx, org_id)
        if isinstance(actor, str):
            return org
        officer_of = {g.org_id for g in await user_store.roles_of(tx, actor) if g.role == "officer"}
        above = set(await org_store.ancestor_ids(tx, org_id))
        allowed = bool(officer_of & above) or (not strictly_above and org_id in officer_of)
    if not allowed:
        raise await _deny(ctx, actor, org_id, "officer", Msg(_NO_OFFICER, {"org": org.name}))
    return org


async def _cell(ctx: AppContext, actor: Actor, org_id: int, *, write: bool) -> Org:
    """The cell `org_id`, if a user may write it (its secretariat) or read it (also officers
    above); the CLI may do both."""
    org = await access.org_for(ctx, actor, org_id, write=write)
    if org is None:
        raise NotFound(Msg(_NO_ORG, {"code": org_id}))
    if not org.is_cell:
        raise InvalidInput(Msg(_NOT_CELL, {"code": org.code}))
    return org


async def _cell_for_write(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    return await _cell(ctx, actor, org_id, write=True)


async def _cell_for_read(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    return await _cell(ctx, actor, org_id, write=False)


# -- the campaign ------------------------------------------------------------------------------


def check_campaign(ctx: AppContext, year: int, f: CampaignFields) -> None:
    """The dates of a campaign in order, for the review of `year`."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(Msg(_BAD_YEAR, {"value": str(year)}))
    if not date(year, 1, 1) <= f.review_by <= date(year + 1, 6, 30):
        raise InvalidInput(Msg(_CAMPAIGN_YEAR, {"review_by": f.review_by, "year": year}))
    if f.report_by < f.review_by:
        raise InvalidInput(Msg(_ORDER, {"report_by": f.report_by, "review_by": f.review_by}))
    if f.remind_from is not None and f.remind_from > f.review_by:
        raise InvalidInput(
            Msg(_REMIND_LATE, {"remind_from": f.remind_from, "review_by": f.review_by})
        )


async def open_campaign(
    ctx: AppContext, actor: Actor, *, code: str, year: int, fields: CampaignFields
) -> Campaign:
    """Open (or correct) the year's campaign for the subtree of `code`."""
    org = await org_by_code(ctx, code)
    await require_officer(ctx, actor, org.id, strictly_above=False)
    f = replace(
        fields,
        instruction=_text(fields.instruction, "instruction"),
        form=_text(fields.form, "form"),
    )
    check_campaign(ctx, year, f)
    async with ctx.db.transaction() as tx:
        before = await store.campaign(tx, org.id, year)
        await store.put_campaign(tx, org_id=org.id, year=year, f=f, actor=str(actor), at=ctx.now())
        after = await store.campaign(tx, org.id, year)
        assert after is not None
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="evaluation_campaign",
            entity_id=after.id,
            action="open" if before is None else "update",
            before=None if before is None else asdict(before),
            after=asdict(after),
        )
    return after


async def campaign_for(ctx: AppContext, org_id: int, year: int) -> Campaign | None:
    async with ctx.db.read() as tx:
        return await store.campaign_for(tx, org_id, year)


# -- one cell's year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberLine:
    member: Member
    status: str | None  # on the review date
    review: MemberYear | None
    previous_level: str | None  # the final level of the year before
    kht_streak: int  # years in a row rated KHT, up to this one (final levels)
    warnings: tuple[Msg, ...] = ()

    @property
    def kht_last_year(self) -> bool:
        """Rated KHT the year before: flagged for this year's review (E5)."""
        return self.previous_level == "KHT"


@dataclass(frozen=True)
class MonthRating:
    month: int
    held_on: date | None  # the regular meeting, if any
    rating: str | None


@dataclass(frozen=True)
class CellReview:
    org: Org
    year: int
    campaign: Campaign | None
    review_day: date  # the roll is taken on this day
    cell: CellYear
    lines: list[MemberLine]  # official and probationary members on the review day
    exempt: list[MemberLine]  # exempt on the review day: listed apart
    vote_base: int  # official members on the review day (A9 base)
    months: list[MonthRating]
    remedies: list[Remedy]
    warnings: list[Msg] = field(default_factory=list)

    @property
    def pending(self) -> list[MemberLine]:
        return [x for x in self.lines if x.review is None or x.review.proposed_level is None]

    @property
    def done(self) -> bool:
        return self.cell.review_held_on is not None and not self.pending

    def counts(self, decided: bool = False) -> dict[str, int]:
        out = dict.fromkeys(LEVELS, 0)
        for x in [*self.lines, *self.exempt]:
            r = x.review
            level = None if r is None else (r.decided_level if decided else r.final_level)
            if level is not None:
                out[level] += 1
        return out


def review_day(campaign: Campaign | None, cell: CellYear, year: int) -> date:
    """The day the roll is taken: the review meeting, else the campaign's deadline, else 31/12."""
    if cell.review_held_on is not None:
        return cell.review_held_on
    return campaign.review_by if campaign is not None else date(year, 12, 31)


async def _status_on(tx: Tx, m: Member, on: date) -> str | None:
    history = [(h.status_date, h.status) for h in await member_store.history(tx, m.id)]
    return rules.status_on(history, m.status, on, m.status_date)


def _line_warnings(ctx: AppContext, m: Member, r: MemberYear | None, on: date) -> list[Msg]:
    if r is None:
        return []
    found = []
    for level in {r.proposed_level, r.decided_level} - {None}:
        w = rules.check_discipline(m.full_name, level, r.disciplined_on)
        if w is not None:
            found.append(w)
            break
    if r.proposed_level is not None and r.vote_agree is not None and r.vote_base is not None:
        vote = rules.check_vote(m.full_name, r.vote_agree, r.vote_base, on, ctx.catalogue)
        if vote.warning is not None:
            found.append(vote.warning)
    return found


async def _load_review(ctx: AppContext, tx: Tx, org: Org, year: int) -> CellReview:
    campaign = await store.campaign_for(tx, org.id, year)
    cell = await store.cell_year(tx, org.id, year)
    day = review_day(campaign, cell, year)
    members = await member_store.of_org(tx, org.id)
    statuses = {m.id: await _status_on(tx, m, day) for m in members}
    on_roll = [m for m in members if statuses[m.id] in (*rules.REVIEWED_STATUSES, rules.EXEMPT)]
    reviews = await store.member_years(tx, [m.id for m in on_roll], year)
    history = await store.final_levels(tx, [m.id for m in on_roll])
    lines: list[MemberLine] = []
    exempt: list[MemberLine] = []
    for m in on_roll:
        levels = dict(history.get(m.id, {}))
        line = MemberLine(
            m,
            statuses[m.id],
            reviews.get(m.id),
            levels.get(year - 1),
            rules.kht_streak(levels, year),
            tuple(_line_warnings(ctx, m, reviews.get(m.id), day)),
        )
        (exempt if statuses[m.id] == rules.EXEMPT else lines).append(line)
    base = vote_base(
        BaseMember(m.id, official=True, exempt=statuses[m.id] == rules.EXEMPT, present=False)
        for m in on_roll
        if statuses[m.id] in ("official", rules.EXEMPT)
    )
    meetings = await meeting_store.of_org(
        tx, org.id, since=date(year, 1, 1), until=date(year, 12, 31), kinds=("regular",)
    )
    by_month = {m.held_on.month: m for m in meetings}
    months = [
        MonthRating(
            month,
            by_month[month].held_on if month in by_month else None,
            by_month[month].rating if month in by_month else None,
        )
        for month in range(1, 13)
    ]
    view = CellReview(
        org,
        year,
        campaign,
        day,
        cell,
        lines,
        exempt,
        base,
        months,
        await store.remedies(tx, org.id, year),
    )
    warnings = []
    for decided in (False, True):
        cap = rules.check_htxs_cap(
            [lvl for lvl, n in view.counts(decided).items() for _ in range(n)], day, ctx.catalogue
        )
        if cap is not None and cap not in warnings:
            warnings.append(cap)
    view.warnings.extend(warnings)
    return view


async def cell_review(ctx: AppContext, actor: Actor, org_id: int, year: int) -> CellReview:
    """One cell's year: the roll on the review day with each member's review, the cell's
    level beside its monthly meeting ratings, the remedy plans and the warnings."""
    org = await _cell_for_read(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        return await _load_review(ctx, tx, org, year)


async def set_review_date(
    ctx: AppContext, actor: Actor, org_id: int, year: int, held_on: date
) -> CellReview:
    """Record the day the cell held its review meeting (the roll and vote base date)."""
    org = await _cell_for_write(ctx, actor, org_id)
    _not_future(ctx, held_on, "review_held_on")
    if held_on.year not in (year, year + 1):
        raise InvalidInput(
            Msg(_OUT_OF_YEAR, {"what": Msg(FIELD_LABELS["review_held_on"]), "year": year})
        )
    async with ctx.db.transaction() as tx:
        before = await store.cell_year(tx, org.id, year)
        after = replace(before, review_held_on=held_on)
        await store.put_cell_year(tx, after, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="evaluation_cell",
            entity_id=f"{org.id}:{year}",
            action="review_held",
            before=asdict(before),
            after=asdict(after),
        )
    return await cell_review(ctx, actor, org.id, year)


# -- a member's review -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    review: MemberYear
    warnings: list[Msg]


def _typed(changes: Mapping[str, object]) -> None:
    for name, value in changes.items():
        want = MEMBER_FIELDS.get(name)
        if want is None:
            raise ValueError(f"not an evaluation field: {name}")
        if value is None:
            continue
        if want is int and isinstance(value, bool):
            raise TypeError(f"{name}: expected int, got {value!r}")
        if not isinstance(value, want):
            raise TypeError(f"{name}: expected {want.__name__}, got {value!r}")


async def _member_in_cell(ctx: AppContext, tx: Tx, member_id: int) -> Member:
    member = await member_store.get(tx, member_id)
    if member is None:
        raise NotFound(Msg(_NOT_MEMBER))
    return member


def _check_member_year(ctx: AppContext, m: Member, new: MemberYear, day: date) -> list[Msg]:
    """Refusals raise InvalidInput; warnings are returned."""
    for name in (
        "plan_received_on",
        "self_assessment_on",
        "residence_comments_on",
        "disciplined_on",
        "decided_on",
    ):
        _not_future(ctx, getattr(new, name), name)
    if new.disciplined_on is not None and new.disciplined_on.year != new.year:
        raise InvalidInput(
            Msg(_OUT_OF_YEAR, {"what": Msg(FIELD_LABELS["disciplined_on"]), "year": new.year})
        )
    for level in (new.proposed_level, new.decided_level):
        if level is not None and level not in LEVELS:
            raise InvalidInput(Msg(_BAD_LEVEL, {"value": level}))
    if new.score is not None:
        if new.proposed_level is None:
            raise InvalidInput(Msg(_SCORE_NEEDS_LEVEL))
        refusal = rules.check_score(new.proposed_level, new.score, day, ctx.catalogue)
        if refusal is not None:
            raise InvalidInput(refusal)
    if new.vote_agree is not None:
        if new.proposed_level is None:
            raise InvalidInput(Msg(_VOTE_NEEDS_LEVEL))
        vote = rules.check_vote(m.full_name, new.vote_agree, new.vote_base or 0, day, ctx.catalogue)
        if vote.refusal is not None:
            raise InvalidInput(vote.refusal)
    return _line_warnings(ctx, m, new, day)


async def _write_member_year(
    ctx: AppContext,
    actor: Actor,
    member_id: int,
    year: int,
    change: Any,
    action: str,
) -> Recorded:
    """Load the member's year, apply `change(before, view, member) -> MemberYear`, check,
    write with its audit entry; warnings include the cell's HTXS cap."""
    async with ctx.db.read() as tx:
        member = await _member_in_cell(ctx, tx, member_id)
    org = (
        await require_officer(ctx, actor, member.org_id, strictly_above=True)
        if action == "decide" and isinstance(actor, int) and not await _writes(ctx, actor, member)
        else await _cell_for_write(ctx, actor, member.org_id)
    )
    async with ctx.db.transaction() as tx:
        view = await _load_review(ctx, tx, org, year)
        line = next((x for x in [*view.lines, *view.exempt] if x.member.id == member_id), None)
        if line is None:
            raise InvalidInput(
                Msg(_NOT_ON_ROLL, {"name": member.full_name, "date": view.review_day, "year": year})
            )
        before = line.review
        new: MemberYear = change(before or MemberYear(member_id, year, org.id), view, member)
        warnings = _check_member_year(ctx, member, new, view.review_day)
        others = [
            (x.review.decided_level if action == "decide" else x.review.proposed_level)
            for x in [*view.lines, *view.exempt]
            if x.review is not None and x.member.id != member_id
        ]
        mine = new.decided_level if action == "decide" else new.proposed_level
        cap = rules.check_htxs_cap([*others, mine], view.review_day, ctx.catalogue)
        if cap is not None and mine == "HTXS":
            warnings.append(cap)
        await store.put_member_year(tx, new, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="evaluation_member",
            entity_id=f"{member_id}:{year}",
            action=action,
            before=None if before is None else _audit_dict(before),
            after=_audit_dict(new),
        )
    return Recorded(new, warnings)


async def _writes(ctx: AppContext, actor: int, member: Member) -> bool:
    async with ctx.db.read() as tx:
        return member.org_id in (await access.scope_of(tx, actor)).write_cells


def _audit_dict(m: MemberYear) -> dict[str, object]:
    out = asdict(m)
    out["score"] = None if m.score is None else str(m.score)
    return out


async def record_member(
    ctx: AppContext,
    actor: Actor,
    *,
    member_id: int,
    year: int,
    changes: Mapping[str, object],
) -> Recorded:
    """Record what the cell did for a member (any of `MEMBER_FIELDS`; None clears a field).
    With a vote, the base is the cell's official members on the review day (A9)."""
    _typed(changes)
    values: dict[str, Any] = dict(changes)
    if isinstance(values.get("notes"), str):
        values["notes"] = _text(values["notes"], "notes")
    if isinstance(values.get("proposed_level"), str):
        values["proposed_level"] = parse_level(values["proposed_level"])

    def change(before: MemberYear, view: CellReview, member: Member) -> MemberYear:
        new = replace(before, **values)
        if "vote_agree" in values:
            new = replace(new, vote_base=None if new.vote_agree is None else view.vote_base)
        return new

    return await _write_member_year(ctx, actor, member_id, year, change, "record")


async def decide_member(
    ctx: AppContext,
    actor: Actor,
    *,
    member_id: int,
    year: int,
    level: str | None,
    decided_on: date | None,
) -> Recorded:
    """The level the competent committee decided (the cell records the decision it received,
    or an officer above records it); None clears it."""
    chosen = None if level is None else parse_level(level)

    def change(before: MemberYear, view: CellReview, member: Member) -> MemberYear:
        return replace(
            before, decided_level=chosen, decided_on=decided_on if chosen is not None else None
        )

    return await _write_member_year(ctx, actor, member_id, year, change, "decide")


# -- the cell's own rating (E4) ----------------------------------------------------------------


@dataclass(frozen=True)
class CellRated:
    cell: CellYear
    warnings: list[Msg]


async def rate_cell(
    ctx: AppContext,
    actor: Actor,
    *,
    org_id: int,
    year: int,
    level: str | None,
    decided_on: date,
    note: str | None = None,
) -> CellRated:
    """The cell's own level, decided by the committee above (officers above record it)."""
    org = await require_officer(ctx, actor, org_id, strictly_above=True)
    chosen = None if level is None else parse_level(level)
    _not_future(ctx, decided_on, "decided_on")
    text = _text(note, "note")
    async with ctx.db.transaction() as tx:
        before = await store.cell_year(tx, org.id, year)
        after = replace(before, level=chosen, level_decided_on=decided_on, level_note=text)
        warnings: list[Msg] = []
        if chosen is not None and org.is_cell:
            meetings = await meeting_store.of_org(
                tx, org.id, since=date(year, 1, 1), until=date(year, 12, 31), kinds=("regular",)
            )
            missing = rules.months_without_regular(
                year,
                [m.held_on for m in meetings],
                decided_on,
                await store.tracked_since(tx, org.id),
            )
            view = await _load_review(ctx, tx, org, year)
            disciplined = sum(
                1
                for x in [*view.lines, *view.exempt]
                if x.review is not None and x.review.disciplined_on is not None
            )
            warnings = rules.check_cell_rating(org.name, chosen, missing, disciplined)
        await store.put_cell_year(tx, after, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="evaluation_cell",
            entity_id=f"{org.id}:{year}",
            action="rate",
            before=asdict(before),
            after=asdict(after),
        )
    return CellRated(after, warnings)


# -- remedy plans ------------------------------------------------------------------------------


async def add_remedy(
    ctx: AppContext,
    actor: Actor,
    *,
    org_id: int,
    year: int,
    shortcoming: str,
    remedy: str,
    due_date: date,
    member_id: int | None = None,
) -> Remedy:
    """A shortcoming found at the review (the cell's, or a member's) and its remedy plan with
    a due date; reminded on the due date until marked done."""
    org = await _cell_for_write(ctx, actor, org_id)
    what = _text(shortcoming, "shortcoming")
    plan = _text(remedy, "remedy")
    if what is None:
        raise InvalidInput(Msg(_EMPTY, {"what": Msg(N_("the shortcoming"))}))
    if plan is None:
        raise InvalidInput(Msg(_EMPTY, {"what": Msg(N_("the remedy plan"))}))
    async with ctx.db.transaction() as tx:
        if member_id is not None:
            member = await member_store.get(tx, member_id)
            if member is None or member.org_id != org.id:
                raise NotFound(Msg(_NOT_MEMBER))
        cell = await store.cell_year(tx, org.id, year)
        if cell.review_held_on is not None and due_date < cell.review_held_on:
            raise InvalidInput(Msg(_REMEDY_DUE, {"due": due_date, "held": cell.review_held_on}))
        new_id = await store.add_remedy(
            tx,
            org_id=org.id,
            year=year,
            member_id=member_id,
            shortcoming=what,
            remedy=plan,
            due_date=due_date,
            actor=str(actor),
            at=ctx.now(),
        )
        found = await store.remedy(tx, new_id)
        assert found is not None
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="evaluation_remedy",
            entity_id=new_id,
            action="add",
            after=asdict(found),
        )
    return found


async def remedy_done(
    ctx: AppContext, actor: Actor, remedy_id: int, done_on: date | None
) -> Remedy:
    """Mark a remedy plan done on `done_on` (None: not done after all)."""
    async with ctx.db.read() as tx:
        found = await store.remedy(tx, remedy_id)
    if found is None:
        raise NotFound(Msg(_GONE_REMEDY))
    await _cell_for_write(ctx, actor, found.org_id)
    _not_future(ctx, done_on, "remedy_done_on")
    async with ctx.db.transaction() as tx:
        await store.set_remedy_done(tx, remedy_id, done_on)
        after = await store.remedy(tx, remedy_id)
        assert after is not None
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="evaluation_remedy",
            entity_id=remedy_id,
            action="done" if done_on else "reopen",
            before=asdict(found),
            after=asdict(after),
        )
    return after


# -- the officers' numbers ---------------------------------------------------------------------


@dataclass(frozen=True)
class OrgLine:
    """One organisation below the root (or the whole subtree, `total`)."""

    code: str
    name: str
    due: int  # official and probationary members on their cell's review day
    reviewed: int  # of them (and exempt ones rated), with a level
    decided: int  # with the committee's level
    levels: dict[str, int]  # final level (decided, else proposed) → members
    cells: int
    cell_levels: dict[str, int]  # the cells' own levels
    members_target: TargetProgress
    grassroots_target: TargetProgress
    htxs_warning: Msg | None = None

    @property
    def not_yet(self) -> int:
        return max(self.due - self.reviewed, 0)

    def share(self, level: str) -> Fraction | None:
        rated = sum(self.levels.values())
        return Fraction(self.levels.get(level, 0), rated) if rated else None

    @property
    def cells_unrated(self) -> int:
        return self.cells - sum(self.cell_levels.values())

    def as_json(self) -> dict[str, object]:
        def pct(x: Fraction | None) -> float | None:
            return None if x is None else round(float(x), 4)

        return {
            "code": self.code,
            "name": self.name,
            "members_due": self.due,
            "reviewed": self.reviewed,
            "not_yet": self.not_yet,
            "decided": self.decided,
            "levels": {k: self.levels.get(k, 0) for k in LEVELS},
            "shares": {k: pct(self.share(k)) for k in LEVELS},
            "cells": self.cells,
            "cell_levels": {k: self.cell_levels.get(k, 0) for k in LEVELS},
            "cells_unrated": self.cells_unrated,
            "members_htt_or_better": pct(self.members_target.share),
            "members_target_met": self.members_target.met,
            "grassroots": self.grassroots_target.base,
            "grassroots_htt_or_better": pct(self.grassroots_target.share),
            "grassroots_target_met": self.grassroots_target.met,
        }


@dataclass(frozen=True)
class EvaluationView:
    root: Org
    year: int
    campaign: Campaign | None
    lines: list[OrgLine]
    total: OrgLine
    ratio: Fraction  # the targets' share
    children: list[TreeOrg] = field(default_factory=list)  # the orgs of `lines`, in order

    @property
    def warnings(self) -> list[Msg]:
        return [x.htxs_warning for x in [*self.lines, self.total] if x.htxs_warning is not None]


def is_grassroots(org: TreeOrg) -> bool:
    """A grassroots party organisation (tổ chức cơ sở đảng): a committee directly under the
    top of the tree, or a cell not under a grassroots committee (the admission setting, else
    inferred as `usecases.candidates.grassroots_of` does)."""
    if org.kind == "cell":
        under = (
            org.under_grassroots
            if org.under_grassroots is not None
            else org.parent_id is not None and org.grandparent_id is not None
        )
        return not under
    return org.parent_id is not None and org.grandparent_id is None


def _line(
    ctx: AppContext,
    code: str,
    name: str,
    rolls: Sequence[store.RollRow],
    orgs: Sequence[TreeOrg],
    cell_years: Mapping[int, CellYear],
    on: date,
) -> OrgLine:
    due = [r for r in rolls if r.status in rules.REVIEWED_STATUSES]
    rated = [
        r
        for r in rolls
        if (r.decided_level or r.proposed_level)
        and r.status in (*rules.REVIEWED_STATUSES, rules.EXEMPT)
    ]
    levels = dict.fromkeys(LEVELS, 0)
    for r in rated:
        levels[r.decided_level or r.proposed_level or ""] += 1
    cells = [o for o in orgs if o.kind == "cell"]
    cell_levels = dict.fromkeys(LEVELS, 0)
    for o in cells:
        level = cell_years[o.id].level if o.id in cell_years else None
        if level is not None:
            cell_levels[level] += 1
    grassroots = [o for o in orgs if is_grassroots(o)]
    good_orgs = sum(
        1 for o in grassroots if o.id in cell_years and rules.is_good(cell_years[o.id].level)
    )
    base = len(due) + sum(1 for r in rated if r.status == rules.EXEMPT)
    good = sum(1 for r in rated if rules.is_good(r.decided_level or r.proposed_level))
    return OrgLine(
        code,
        name,
        len(due),
        len(rated),
        sum(1 for r in rated if r.decided_level),
        levels,
        len(cells),
        cell_levels,
        rules.target(good, base, on, ctx.catalogue),
        rules.target(good_orgs, len(grassroots), on, ctx.catalogue),
        rules.check_htxs_cap(
            [r.decided_level or r.proposed_level for r in rated], on, ctx.catalogue
        ),
    )


async def overview(
    ctx: AppContext, actor: Actor, *, code: str | None = None, year: int | None = None
) -> EvaluationView:
    """The officers' numbers of `year` (default: this year) per organisation below `code`."""
    root = await officer_root(ctx, actor, code=code)
    the_year = year or ctx.today().year
    async with ctx.db.read() as tx:
        campaign = await store.campaign_for(tx, root.id, the_year)
        on = campaign.review_by if campaign else date(the_year, 12, 31)
        rolls = await store.subtree_roll(tx, root.id, the_year, on)
        orgs = await store.subtree_orgs(tx, root.id)
        cell_years = await store.cell_levels(tx, root.id, the_year)
        root_tree = await _tree_org(tx, root)
    children = [o for o in orgs if o.child_id == o.id]
    lines = []
    for child in children:
        mine = [o for o in orgs if o.child_id == child.id]
        lines.append(
            _line(
                ctx,
                child.code,
                child.name,
                [r for r in rolls if r.child_id == child.id],
                mine,
                cell_years,
                on,
            )
        )
    # the root counts for the grassroots target (a commune committee is one itself)
    everything = list(orgs) if root.is_cell else [*orgs, root_tree]
    total = _line(ctx, root.code, root.name, rolls, everything, cell_years, on)
    if root.is_cell:
        total = lines[0] if lines else total
    ratio = ctx.catalogue.get_fraction("evaluation.target_ratio", on)
    return EvaluationView(root, the_year, campaign, lines, total, ratio, children)


async def _tree_org(tx: Tx, org: Org) -> TreeOrg:
    parent = await org_store.by_id(tx, org.parent_id) if org.parent_id else None
    return TreeOrg(
        org.id,
        org.code,
        org.name,
        org.kind,
        org.parent_id,
        org.id,
        parent.parent_id if parent else None,
        None,
    )


async def cell_year_list(ctx: AppContext, actor: Actor, *, code: str, year: int) -> CellReview:
    """The cell's year list for the export (a reader of the cell, or the CLI)."""
    org = await org_by_code(ctx, code)
    return await cell_review(ctx, actor, org.id, year)


# -- the chat's screens ------------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """What a user may do on a cell's review: keep its book (secretary, deputy), or decide
    as an officer of a committee above it."""

    writes: bool
    officer_above: bool


async def roles_on(ctx: AppContext, actor: int, org_id: int) -> Roles:
    """The user's roles on the cell `org_id` (no refusal: the screens choose their buttons;
    every write still checks its own access)."""
    async with ctx.db.read() as tx:
        writes = org_id in (await access.scope_of(tx, actor)).write_cells
        officer_of = {g.org_id for g in await user_store.roles_of(tx, actor) if g.role == "officer"}
        above = set(await org_store.ancestor_ids(tx, org_id)) - {org_id}
    return Roles(writes, bool(officer_of & above))


@dataclass(frozen=True)
class MemberReview:
    view: CellReview
    line: MemberLine

    @property
    def next_id(self) -> int | None:
        """The next member still without a proposed level after this one (wrapping), else
        the next on the list."""
        ids = [x.member.id for x in [*self.view.lines, *self.view.exempt]]
        pending = {x.member.id for x in self.view.pending}
        if not ids:
            return None
        start = ids.index(self.line.member.id) if self.line.member.id in ids else -1
        order = ids[start + 1 :] + ids[: start + 1]
        later = [i for i in order if i in pending and i != self.line.member.id]
        if later:
            return later[0]
        following = ids[start + 1 :]
        return following[0] if following else None


async def member_review(ctx: AppContext, actor: Actor, member_id: int, year: int) -> MemberReview:
    """One member's year with the cell's review around it (a reader of the member's cell)."""
    async with ctx.db.read() as tx:
        member = await _member_in_cell(ctx, tx, member_id)
    view = await cell_review(ctx, actor, member.org_id, year)
    line = next((x for x in [*view.lines, *view.exempt] if x.member.id == member_id), None)
    if line is None:
        raise InvalidInput(
            Msg(_NOT_ON_ROLL, {"name": member.full_name, "date": view.review_day, "year": year})
        )
    return MemberReview(view, line)


async def remedy_for_write(ctx: AppContext, actor: Actor, remedy_id: int) -> Remedy:
    """A remedy plan the actor may mark done (its cell's secretary or deputy)."""
    async with ctx.db.read() as tx:
        found = await store.remedy(tx, remedy_id)
    if found is None:
        raise NotFound(Msg(_GONE_REMEDY))
    await _cell_for_write(ctx, actor, found.org_id)
    return found

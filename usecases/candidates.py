"""Admission candidates (quần chúng ưu tú): the register, a candidate's file, closing it, and
the officers' overview. Recording the pipeline's steps is `usecases.candidate_steps`.

`actor` is a Telegram user id (checked: secretary or deputy of the candidate's cell to write,
any reader of the cell — its officers included — to read) or `"cli"` (trusted). Every write
validates first, then writes in one transaction with an audit entry holding the values before
and after.

Is the cell under a grassroots committee (step 6)? A per-cell setting (`chibo candidates
grassroots`) wins; without one it is inferred from the tree: yes when the cell's parent is a
committee that itself has a parent (e.g. chi bộ thôn → đảng ủy xã → tỉnh ủy), no when the
parent is the top of the tree (a chi bộ cơ sở directly under the committee above).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from chibo.rules import admission as rules
from chibo.rules import candidate_steps as steps
from chibo.rules.admission import CandidateCase, Finding, Paper
from chibo.rules.candidate_steps import Step, YearlyTarget
from chibo.rules.dates import age_in_full_months
from chibo.rules.messages import N_, Msg
from chibo.rules.text import check_person_name, clean_line, clean_text, fold
from chibo.storage import audit
from chibo.storage import candidates as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.candidates import ORIGINS as ORIGINS
from chibo.storage.candidates import Candidate
from chibo.storage.candidates import Details as Details
from chibo.storage.candidates import IntroducerRow as IntroducerRow
from chibo.storage.db import Tx
from chibo.storage.members import Member
from chibo.storage.orgs import Org
from chibo.usecases import access
from chibo.usecases import roster as roster_uc
from chibo.usecases.access import DENIED, require_read, scope_of
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

Actor = int | str
MAX_NAME, MAX_NOTES, MAX_REASON = 100, 1000, 500
CLOSED = ("withdrawn", "not_admitted")
#: Members who may help or introduce (official members; exempt ones are official too).
OFFICIAL = ("official", "exempt")

ORIGIN_LABELS = {
    "youth_union": N_("Youth Union member"),
    "association": N_("Member of a mass association"),
    "civil_servant": N_("Civil servant / public employee"),
    "private_worker": N_("Worker in a private enterprise"),
    "other": N_("Other"),
}
STATUS_LABELS = {
    "active": N_("Being considered"),
    "admitted": N_("Admitted"),
    "withdrawn": N_("Withdrawn"),
    "not_admitted": N_("Not admitted"),
}
GENDER_LABELS = {"male": N_("Male"), "female": N_("Female")}

_GONE = N_("This candidate's file no longer exists.")
_NOT_A_CELL = N_("Candidates belong to a cell (chi bộ); that is not one.")
_NAME = N_("Give the full name (at most {n} characters).")
_BIRTH_FUTURE = N_("The birth date {birth} is in the future.")
_BAD_GENDER = N_("Unknown gender.")
_BAD_ORIGIN = N_("Unknown origin.")
_NOTES = N_("The notes are longer than {n} characters.")
_HELPER = N_(
    "{name} is not an official party member of this cell, so cannot be assigned to "
    "help the candidate."
)
NOT_MEMBER = N_("That party member is not on this cell's roster.")
_CLOSED = N_("{name}'s file is closed ({status}); nothing more can be recorded.")
_REASON = N_("Give the reason in a few words (at most {n} characters).")
_BAD_CLOSE = N_("A file is closed as withdrawn or as not admitted.")
_CLOSE_FUTURE = N_("The date {on} is in the future.")
_DECISION_BY = N_(
    "The competent committee decides within {wd} working days of the cell "
    "resolution, by {deadline} ({source})."
)
_CEREMONY_BY = N_(
    "The admission ceremony is held within {wd} working days of receiving the "
    "decision, by {deadline} ({source}); later needs the consent of the committee "
    "directly above."
)


class CandidateRefused(InvalidInput):
    """Refused: every reason in `msgs` (the message is the first)."""

    def __init__(self, msgs: Sequence[Msg]) -> None:
        super().__init__(msgs[0])
        self.msgs = list(msgs)


def refuse(findings: Sequence[Finding]) -> None:
    refused = rules.refusals(findings)
    if refused:
        raise CandidateRefused([f.message for f in refused])


def warnings_of(findings: Sequence[Finding]) -> list[Msg]:
    return [f.message for f in findings if f.severity == "warn"]


# == access ======================================================================================


async def cell_for_write(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    org = await access.org_for(ctx, actor, org_id, write=True)
    if org is None or not org.is_cell:
        raise NotFound(Msg(_NOT_A_CELL))
    return org


async def cell_for_read(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    if isinstance(actor, int):
        return await require_read(ctx, actor, org_id)
    return await cell_for_write(ctx, actor, org_id)


async def _get(ctx: AppContext, actor: Actor, candidate_id: int) -> Candidate:
    async with ctx.db.read() as tx:
        found = await store.get(tx, candidate_id)
    if found is not None:
        return found
    if isinstance(actor, int):  # do not tell a stranger which ids exist
        async with ctx.db.transaction() as tx:
            await audit.record(
                tx,
                at=ctx.now(),
                actor=actor,
                entity="candidate",
                entity_id=candidate_id,
                action="denied",
                after={"wanted": "candidate"},
            )
        raise AccessDenied(DENIED)
    raise NotFound(Msg(_GONE))


async def for_write(ctx: AppContext, actor: Actor, candidate_id: int) -> Candidate:
    found = await _get(ctx, actor, candidate_id)
    await cell_for_write(ctx, actor, found.org_id)
    return found


async def for_read(ctx: AppContext, actor: Actor, candidate_id: int) -> Candidate:
    found = await _get(ctx, actor, candidate_id)
    await cell_for_read(ctx, actor, found.org_id)
    return found


async def can_write(ctx: AppContext, user_id: int, org_id: int) -> bool:
    async with ctx.db.read() as tx:
        return org_id in (await scope_of(tx, user_id)).write_cells


# == the grassroots setting ======================================================================


async def grassroots_of(tx: Tx, org_id: int) -> bool:
    setting = await store.under_grassroots(tx, org_id)
    if setting is not None:
        return setting
    org = await org_store.by_id(tx, org_id)
    parent = await org_store.by_id(tx, org.parent_id) if org and org.parent_id else None
    return parent is not None and parent.kind == "committee" and parent.parent_id is not None


async def under_grassroots(ctx: AppContext, org_id: int) -> bool:
    async with ctx.db.read() as tx:
        return await grassroots_of(tx, org_id)


async def set_under_grassroots(
    ctx: AppContext, *, actor: Actor, org_code: str, value: bool | None
) -> tuple[Org, bool]:
    """Record (or with None, forget) whether a cell is under a grassroots committee."""
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, org_code)
    if org is None:
        raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": org_code}))
    await cell_for_write(ctx, actor, org.id)
    async with ctx.db.transaction() as tx:
        before = await store.under_grassroots(tx, org.id)
        await store.set_under_grassroots(tx, org.id, value, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="admission_settings",
            entity_id=org.id,
            action="under_grassroots",
            before={"under_grassroots": before},
            after={"under_grassroots": value},
        )
        return org, await grassroots_of(tx, org.id)


async def case_of(tx: Tx, c: Candidate) -> CandidateCase:
    return c.case(await grassroots_of(tx, c.org_id))


# == the roster, as admission sees it ============================================================


async def official_members(ctx: AppContext, org_id: int) -> list[Member]:
    """The cell's official members (helpers and introducers are chosen among them)."""
    async with ctx.db.read() as tx:
        found = await member_store.of_org(tx, org_id, OFFICIAL)
    return sorted(found, key=roster_uc.sort_key)


# == reading =====================================================================================


@dataclass(frozen=True)
class IntroducerView:
    member: Member
    together_from: date


@dataclass(frozen=True)
class CandidateView:
    candidate: Candidate
    org: Org
    case: CandidateCase
    helpers: list[Member]
    introducers: list[IntroducerView]
    next: Step | None
    notices: list[Msg]  # warnings and deadlines as of today
    can_write: bool
    near_age_limit: bool = False  # within a year of the A1 maximum: offer the exception

    @property
    def pipeline(self) -> tuple[Step, ...]:
        return steps.steps_for(self.case.under_grassroots)


async def _introducers(tx: Tx, candidate_id: int) -> list[IntroducerView]:
    out = []
    for row in await store.introducers(tx, candidate_id):
        member = await member_store.get(tx, row.member_id)
        if member is not None:
            out.append(IntroducerView(member, row.together_from))
    return out


async def _members(tx: Tx, ids: Sequence[int]) -> list[Member]:
    found = [await member_store.get(tx, i) for i in ids]
    return sorted((m for m in found if m is not None), key=roster_uc.sort_key)


def papers(case: CandidateCase) -> list[Paper]:
    """A4: the dossier papers with a validity, as recorded."""
    dated: list[tuple[Any, date | None]] = [
        ("application", case.application_date),
        ("introducer_letter", case.introduction_date),
        ("youth_union_resolution", case.youth_union_resolution_date),
        ("trade_union_resolution", case.trade_union_resolution_date),
        ("verification", case.verification_date),
    ]
    return [Paper(kind, d) for kind, d in dated if d is not None]


def notices(ctx: AppContext, case: CandidateCase, status: str) -> list[Msg]:
    """What the secretary should know today: A1, A3, A4 before the cell meets; the A10 and
    A11 deadlines after it."""
    if status != "active":
        return []
    today, cat = ctx.today(), ctx.catalogue
    out: list[Msg] = []
    if case.cell_resolution_date is None:
        found = [
            rules.check_age(case.birth_date, today, case.over_age_exception, cat, projected=True),
            rules.check_awareness_certificate(case.course_cert_date, today, cat)
            if case.course_cert_date
            else None,
            *rules.check_papers(papers(case), today, cat),
        ]
        out += [f.message for f in found if f is not None]
    elif case.decision_date is None:
        start = case.cell_resolution_date
        rule = "admission.committee_decision.deadline_wd"
        wd = cat.get_int(rule, start)
        out.append(
            Msg(
                _DECISION_BY,
                {
                    "wd": wd,
                    "source": cat.source(rule, start),
                    "deadline": ctx.calendar.add_working_days(start, wd),
                },
            )
        )
    elif case.ceremony_date is None:
        start = case.decision_received_date or case.decision_date
        rule = "admission.ceremony.deadline_wd"
        wd = cat.get_int(rule, start)
        out.append(
            Msg(
                _CEREMONY_BY,
                {
                    "wd": wd,
                    "source": cat.source(rule, start),
                    "deadline": ctx.calendar.add_working_days(start, wd),
                },
            )
        )
    return out


async def view(ctx: AppContext, actor: Actor, candidate_id: int) -> CandidateView:
    c = await for_read(ctx, actor, candidate_id)
    async with ctx.db.read() as tx:
        org = await org_store.by_id(tx, c.org_id)
        case = await case_of(tx, c)
        helpers = await _members(tx, await store.helper_ids(tx, c.id))
        intro = await _introducers(tx, c.id)
    assert org is not None
    writable = not isinstance(actor, int) or await can_write(ctx, actor, c.org_id)
    today = ctx.today()
    limit = ctx.catalogue.get_int("admission.max_age_months", today) - 12
    near = c.over_age_exception or age_in_full_months(c.details.birth_date, today) >= limit
    return CandidateView(
        c,
        org,
        case,
        helpers,
        intro,
        steps.next_step(case) if c.status == "active" else None,
        notices(ctx, case, c.status),
        writable,
        near,
    )


@dataclass(frozen=True)
class Line:
    candidate: Candidate
    next: Step | None


@dataclass(frozen=True)
class Register:
    org: Org
    active: list[Line]  # by pipeline stage, then name
    admitted_this_year: int
    closed: int


async def register_of(ctx: AppContext, actor: Actor, org_id: int) -> Register:
    """The cell's candidates being considered, by stage, with the next step of each."""
    org = await cell_for_read(ctx, actor, org_id)
    year = ctx.today().year
    async with ctx.db.read() as tx:
        everyone = await store.of_orgs(tx, [org_id])
        grassroots = await grassroots_of(tx, org_id)
    order = {s.code: i for i, s in enumerate(steps.PIPELINE)}
    lines = [Line(c, steps.next_step(c.case(grassroots))) for c in everyone if c.status == "active"]
    lines.sort(
        key=lambda ln: (
            order[ln.next.code] if ln.next else len(order),
            _name_order(ln.candidate.full_name),
        )
    )
    admitted = sum(
        1
        for c in everyone
        if c.status == "admitted" and c.steps.decision_date and c.steps.decision_date.year == year
    )
    closed = sum(1 for c in everyone if c.status in CLOSED)
    return Register(org, lines, admitted, closed)


def _name_order(full_name: str) -> tuple[str, str]:
    """Vietnamese order: by given name (the last word), then the whole name."""
    key = fold(full_name)
    return (key.split()[-1] if key else "", key)


# == registering =================================================================================


def clean(text: str | None) -> str | None:
    value = clean_line(text or "")
    return value or None


def check_details(d: Details, today: date) -> list[Msg]:
    out: list[Msg] = []
    if not clean(d.full_name) or len(clean(d.full_name) or "") > MAX_NAME:
        out.append(Msg(_NAME, {"n": MAX_NAME}))
    elif (bad := check_person_name(d.full_name)) is not None:
        out.append(bad)
    if d.birth_date > today:
        out.append(Msg(_BIRTH_FUTURE, {"birth": d.birth_date}))
    if d.gender is not None and d.gender not in store.GENDERS:
        out.append(Msg(_BAD_GENDER))
    if d.origin not in store.ORIGINS:
        out.append(Msg(_BAD_ORIGIN))
    if d.notes and len(d.notes) > MAX_NOTES:
        out.append(Msg(_NOTES, {"n": MAX_NOTES}))
    return out


def _normalized(d: Details) -> Details:
    return replace(d, full_name=clean(d.full_name) or "", notes=clean_text(d.notes or "") or None)


async def _check_helpers(tx: Tx, org_id: int, helper_ids: Sequence[int]) -> list[Msg]:
    out = []
    for mid in helper_ids:
        m = await member_store.get(tx, mid)
        if m is None or m.org_id != org_id:
            out.append(Msg(NOT_MEMBER))
        elif m.status not in OFFICIAL:
            out.append(Msg(_HELPER, {"name": m.full_name}))
    return out


def _details_audit(d: Details, helper_ids: Sequence[int]) -> dict[str, Any]:
    return {
        "full_name": d.full_name,
        "birth_date": d.birth_date,
        "gender": d.gender,
        "origin": d.origin,
        "youth_union_member": d.youth_union_member,
        "notes": d.notes,
        "helpers": sorted(helper_ids),
    }


async def register(
    ctx: AppContext,
    *,
    actor: Actor,
    org_id: int,
    details: Details,
    helper_ids: Sequence[int] = (),
    tracked_since: date | None = None,
) -> Candidate:
    """Add a candidate to the cell's register (tracked from today unless given)."""
    await cell_for_write(ctx, actor, org_id)
    d = _normalized(details)
    problems = check_details(d, ctx.today())
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        problems += await _check_helpers(tx, org_id, helper_ids)
        if problems:
            raise CandidateRefused(problems)
        cid = await store.insert(
            tx,
            org_id=org_id,
            d=d,
            name_key=fold(d.full_name),
            tracked_since=tracked_since or ctx.today(),
            at=now,
        )
        await store.set_helpers(tx, cid, helper_ids)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="candidate",
            entity_id=cid,
            action="create",
            after={"org_id": org_id, **_details_audit(d, helper_ids)},
        )
        created = await store.get(tx, cid)
    assert created is not None
    return created


async def edit_details(
    ctx: AppContext, *, actor: Actor, candidate_id: int, details: Details, helper_ids: Sequence[int]
) -> Candidate:
    old = await for_write(ctx, actor, candidate_id)
    require_open(old)
    d = _normalized(details)
    problems = check_details(d, ctx.today())
    resolution = old.steps.cell_resolution_date
    if resolution is not None:  # A1 was checked on the old birth date
        age = rules.check_age(d.birth_date, resolution, old.over_age_exception, ctx.catalogue)
        problems += [age.message] if age and age.severity == "refuse" else []
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        problems += await _check_helpers(tx, old.org_id, helper_ids)
        if problems:
            raise CandidateRefused(problems)
        old_helpers = await store.helper_ids(tx, candidate_id)
        before = _details_audit(old.details, old_helpers)
        after = _details_audit(d, helper_ids)
        changed = [k for k in after if before[k] != after[k]]
        if changed:
            await store.update_details(tx, candidate_id, d, name_key=fold(d.full_name), at=now)
            await store.set_helpers(tx, candidate_id, helper_ids)
            await audit.record(
                tx,
                at=now,
                actor=actor,
                entity="candidate",
                entity_id=candidate_id,
                action="update",
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        new = await store.get(tx, candidate_id)
    assert new is not None
    return new


# == the file's state =========================================================================


def require_open(c: Candidate) -> None:
    if c.status != "active":
        raise InvalidInput(
            Msg(_CLOSED, {"name": c.full_name, "status": Msg(STATUS_LABELS[c.status])})
        )


async def set_exception(
    ctx: AppContext, *, actor: Actor, candidate_id: int, value: bool
) -> Candidate:
    """A1: record (or withdraw) that the provincial-level committee allows admission over 60."""
    c = await for_write(ctx, actor, candidate_id)
    require_open(c)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.set_exception(tx, candidate_id, value, now)
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="candidate",
            entity_id=candidate_id,
            action="over_age_exception",
            before={"over_age_exception": c.over_age_exception},
            after={"over_age_exception": value},
        )
        new = await store.get(tx, candidate_id)
    assert new is not None
    return new


async def close(
    ctx: AppContext,
    *,
    actor: Actor,
    candidate_id: int,
    status: str,
    reason: str,
    on: date | None = None,
) -> Candidate:
    """Close the file: the candidate withdrew, or the cell/committee did not admit them."""
    if status not in CLOSED:
        raise InvalidInput(Msg(_BAD_CLOSE))
    c = await for_write(ctx, actor, candidate_id)
    require_open(c)
    text = clean(reason)
    if not text or len(text) > MAX_REASON:
        raise InvalidInput(Msg(_REASON, {"n": MAX_REASON}))
    day = on or ctx.today()
    if day > ctx.today():
        raise InvalidInput(Msg(_CLOSE_FUTURE, {"on": day}))
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.set_status(
            tx, candidate_id, status=status, closed_date=day, reason=text, member_id=None, at=now
        )
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="candidate",
            entity_id=candidate_id,
            action="close",
            before={"status": c.status},
            after={"status": status, "closed_date": day, "reason": text},
        )
        new = await store.get(tx, candidate_id)
    assert new is not None
    return new


# == the officers' overview ======================================================================


@dataclass(frozen=True)
class CellAdmissions:
    org_id: int
    name: str
    active: int
    admitted: int


@dataclass(frozen=True)
class AdmissionsOverview:
    """Plain values for an officer's report on a subtree (the /status command uses it)."""

    org_id: int
    org_name: str
    year: int
    by_stage: dict[str, int]  # step code -> active candidates whose next step it is
    active: int
    admitted: int  # admission decisions dated this year
    members_at_start: int  # on the roll on 1 January
    target: YearlyTarget
    cells: list[CellAdmissions]


async def admissions_overview(
    ctx: AppContext, *, actor: Actor, org_id: int, year: int | None = None
) -> AdmissionsOverview:
    """Candidates by stage in the subtree, and this year's admissions against the target."""
    if isinstance(actor, int):
        org = await require_read(ctx, actor, org_id)
    else:
        async with ctx.db.read() as tx:
            found = await org_store.by_id(tx, org_id)
        if found is None:
            raise NotFound(Msg(N_("No such organisation.")))
        org = found
    year = year or ctx.today().year
    first, last = date(year, 1, 1), date(year, 12, 31)
    async with ctx.db.read() as tx:
        ids = await org_store.subtree_ids(tx, org.id)
        orgs = {o.id: o for o in await org_store.all_orgs(tx) if o.id in set(ids)}
        active = await store.of_orgs(tx, ids, ["active"])
        grassroots = {i: await grassroots_of(tx, i) for i in {c.org_id for c in active}}
        at_start = await store.members_on(tx, ids, first)
        admitted = await store.admitted_between(tx, ids, first, last)
        cells = []
        for oid in sorted((i for i in ids if orgs[i].is_cell), key=lambda i: orgs[i].code):
            cells.append(
                CellAdmissions(
                    oid,
                    orgs[oid].name,
                    sum(c.org_id == oid for c in active),
                    await store.admitted_between(tx, [oid], first, last),
                )
            )
    by_stage = {s.code: 0 for s in steps.PIPELINE}
    for c in active:
        nxt = steps.next_step(c.case(grassroots[c.org_id]))
        if nxt is not None:
            by_stage[nxt.code] += 1
    return AdmissionsOverview(
        org.id,
        org.name,
        year,
        by_stage,
        len(active),
        admitted,
        at_start,
        steps.yearly_target(at_start, year, ctx.catalogue),
        cells,
    )

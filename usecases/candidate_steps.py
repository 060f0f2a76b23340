"""The admission pipeline: record or correct one step of a candidate's file.

Each step is checked before anything is written (`rules.admission`, `rules.candidate_steps`):
the order and dates of the steps, A1 age and A3 certificate on the cell-resolution date, A9
vote, A7/A8 introducers, A4 papers (warnings). The handler can check values as they are typed
(`check_values`, `check_introducer`), then `record_step` checks everything again and writes
in one transaction, audited as `step:<code>` or, when the step was recorded before,
`correct:<code>` with the values before and after.

The ceremony (step 8) creates the probationary member through `usecases.roster.add_member`
(its validation and status history), closes the file as admitted, then carries the helpers
over with `usecases.probation.set_helper`. If a previous attempt stopped after creating the
member, the retry finds that member (same name, birth, decision and ceremony) and links it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from chibo.rules import admission as rules
from chibo.rules import candidate_steps as steps
from chibo.rules.admission import CandidateCase, Finding, Introducer
from chibo.rules.messages import N_, Msg
from chibo.storage import audit
from chibo.storage import candidates as store
from chibo.storage import members as member_store
from chibo.storage.candidates import STEP_COLUMNS, Candidate, IntroducerRow
from chibo.storage.db import Tx
from chibo.storage.members import Member, MemberFields
from chibo.usecases import probation as probation_uc
from chibo.usecases import roster as roster_uc
from chibo.usecases.candidates import (
    NOT_MEMBER,
    Actor,
    CandidateView,
    case_of,
    clean,
    for_write,
    papers,
    refuse,
    require_open,
    view,
    warnings_of,
)
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput
from chibo.usecases.roster import vote_roll as vote_roll

MAX_DECISION_NO = 40
_GONE = N_("This candidate's file no longer exists.")
_MISSING = N_("Give {what} to record this step.")
_DECISION_NO = N_(
    "Give the number of the admission decision, e.g. 125-QĐ/ĐU (at most {n} characters)."
)
_BASE_TOO_BIG = N_(
    "The vote base ({base}) cannot be larger than the cell's official members on "
    "the roster ({roll})."
)
_NO_INTRODUCER_NEEDED = N_(
    "Besides the {body} resolution, only one party member introduces the "
    "candidate (Party Charter, Art. 4)."
)
_SAME_PERSON = N_(
    "{name}, born {birth}, is already on this cell's roster: check the roster "
    "before recording the ceremony."
)
_WHAT = {
    "course_cert_date": N_("the date of the certificate"),
    "application_date": N_("the date of the application"),
    "background_date": N_("the date of the personal history form"),
    "verification_date": N_("the date the verification was concluded"),
    "introduction_date": N_("the date of the introduction"),
    "cell_resolution_date": N_("the date of the cell resolution"),
    "vote_base": N_("the number of official members in the vote base"),
    "vote_agree": N_("the number of members who agreed"),
    "grassroots_resolution_date": N_("the date of the grassroots committee resolution"),
    "decision_date": N_("the date of the admission decision"),
    "decision_no": N_("the number of the admission decision"),
    "decision_received_date": N_("the date the cell received the decision"),
    "ceremony_date": N_("the date of the admission ceremony"),
    "youth_union_resolution_date": N_("the date of the Youth Union resolution"),
    "trade_union_resolution_date": N_("the date of the trade-union resolution"),
}
#: Fields a step may leave empty.
_OPTIONAL = {
    "background_comment_date",
    "youth_union_resolution_date",
    "trade_union_resolution_date",
}
_INTS = ("vote_agree", "vote_base")


async def start_step(
    ctx: AppContext, *, actor: Actor, candidate_id: int, code: str
) -> CandidateView:
    """May `code` be recorded (or corrected) now? The candidate's view if so."""
    if code not in steps.BY_CODE:
        raise InvalidInput(Msg(_GONE))
    c = await for_write(ctx, actor, candidate_id)
    require_open(c)
    async with ctx.db.read() as tx:
        case = await case_of(tx, c)
    refusal = steps.check_can_record(case, code)
    if refusal is not None:
        raise InvalidInput(refusal)
    return await view(ctx, actor, candidate_id)


def _merged(case: CandidateCase, values: Mapping[str, object]) -> CandidateCase:
    known: dict[str, Any] = {
        k: v for k, v in values.items() if k in CandidateCase.__dataclass_fields__
    }
    return replace(case, **known)


def _typed(values: Mapping[str, object]) -> None:
    for name, value in values.items():
        if name not in STEP_COLUMNS:
            raise ValueError(f"not a step field: {name}")
        if value is None:
            continue
        want = int if name in _INTS else (str if name == "decision_no" else date)
        if not isinstance(value, want) or isinstance(value, bool):
            raise TypeError(f"{name}: expected {want.__name__}, got {value!r}")


def _findings(
    ctx: AppContext,
    code: str,
    case: CandidateCase,
    values: Mapping[str, object],
    *,
    partial: bool,
    official: int | None = None,
) -> list[Finding]:
    """Every check that applies to recording `values` for step `code` on `case`; `official`:
    the cell's official members (exempt ones included, M5) on the resolution date."""
    today, cat = ctx.today(), ctx.catalogue
    probe = (
        case
        if not partial or case.decision_no or case.decision_date is None
        else replace(case, decision_no="…")
    )
    found = list(rules.check_step_order(probe, today))
    resolution = case.cell_resolution_date
    if resolution is not None and code in ("crs", "res"):
        if code == "res":
            age = rules.check_age(case.birth_date, resolution, case.over_age_exception, cat)
            found += [age] if age else []
        cert = rules.check_awareness_certificate(case.course_cert_date, resolution, cat)
        found += [cert] if cert else []
    if code == "res" and not partial:
        agree, base = values.get("vote_agree"), values.get("vote_base")
        assert isinstance(agree, int) and isinstance(base, int) and resolution is not None
        vote = rules.check_admission_vote(agree, base, resolution, cat, official_count=official)
        found += [vote] if vote else []
        found += rules.check_papers(papers(case), resolution, cat)
    return found


def _pending_siblings(code: str, values: Mapping[str, object]) -> dict[str, date]:
    """While a step of several dates is entered, the dates not re-entered yet stand at the
    latest date entered so far: the pair is checked once both are entered, never the new
    date against the old one (issue 9 §4)."""
    entered = [v for v in values.values() if isinstance(v, date)]
    if not entered:
        return {}
    latest = max(entered)
    return {
        f: latest for f in steps.BY_CODE[code].fields if f.endswith("_date") and f not in values
    }


async def check_values(
    ctx: AppContext, *, actor: Actor, candidate_id: int, code: str, values: Mapping[str, object]
) -> list[Msg]:
    """Check the values entered so far for a step (the rest as recorded): raises
    CandidateRefused on a refusal, returns the warnings."""
    _typed(values)
    c = await for_write(ctx, actor, candidate_id)
    require_open(c)
    async with ctx.db.read() as tx:
        case = _merged(await case_of(tx, c), {**_pending_siblings(code, values), **values})
    findings = _findings(ctx, code, case, values, partial=True)
    refuse(findings)
    return warnings_of(findings)


@dataclass(frozen=True)
class Recorded:
    candidate: Candidate
    corrected: bool
    warnings: list[Msg]
    member: Member | None = None  # the probationary member (ceremony)
    helpers_not_carried: list[str] | None = None


def _required(code: str, values: Mapping[str, object]) -> None:
    missing = [
        f for f in steps.BY_CODE[code].fields if f not in _OPTIONAL and values.get(f) is None
    ]
    if missing:
        raise InvalidInput(Msg(_MISSING, {"what": Msg(_WHAT[missing[0]])}))
    if code == "dec":
        number = values.get("decision_no")
        if not isinstance(number, str) or not clean(number) or len(number) > MAX_DECISION_NO:
            raise InvalidInput(Msg(_DECISION_NO, {"n": MAX_DECISION_NO}))


async def _introducer_findings(
    tx: Tx, ctx: AppContext, case: CandidateCase, rows: Sequence[IntroducerRow]
) -> list[Finding]:
    found: list[Finding] = []
    people: list[Introducer] = []
    for row in rows:
        m = await member_store.get(tx, row.member_id)
        if m is None or m.org_id != case.org_id:
            raise InvalidInput(Msg(NOT_MEMBER))
        since = steps.official_since(m.status, m.official_date, m.ceremony_date, ctx.catalogue)
        people.append(Introducer(m.id, m.full_name, since, row.together_from))
    route = rules.introduction_route(case, ctx.catalogue)
    if route != "two_members" and len(people) > 1:
        body = N_("Youth Union") if route == "youth_union" else N_("trade union")
        found.append(Finding("refuse", "A8", Msg(_NO_INTRODUCER_NEEDED, {"body": Msg(body)})))
    found += rules.check_introducers(case, people, ctx.catalogue)
    return found


@dataclass(frozen=True)
class IntroOptions:
    """How the candidate may be introduced on a date (A7/A8)."""

    forced: str | None  # "youth_union" for a Youth Union member of youth age
    trade_union_allowed: bool  # the trade-union route may replace one introducer


async def intro_options(
    ctx: AppContext, *, actor: Actor, candidate_id: int, on: date
) -> IntroOptions:
    c = await for_write(ctx, actor, candidate_id)
    case = replace(c.case(), introduction_date=on, trade_union_resolution_date=None)
    route = rules.introduction_route(case, ctx.catalogue)
    allowed = ctx.catalogue.get("admission.introducer.trade_union_route", on) is True
    return IntroOptions("youth_union" if route == "youth_union" else None, allowed)


async def check_introducer(
    ctx: AppContext,
    *,
    actor: Actor,
    candidate_id: int,
    on: date,
    member_id: int,
    together_from: date | None,
) -> None:
    """A7 for one introducer as soon as they are chosen (official on `on`) and again once the
    time together is known (>= 12 months); raises CandidateRefused with the reasons."""
    c = await for_write(ctx, actor, candidate_id)
    async with ctx.db.read() as tx:
        m = await member_store.get(tx, member_id)
    if m is None or m.org_id != c.org_id:
        raise InvalidInput(Msg(NOT_MEMBER))
    since = steps.official_since(m.status, m.official_date, m.ceremony_date, ctx.catalogue)
    person = Introducer(m.id, m.full_name, since, together_from or date.min)
    case = replace(c.case(), introduction_date=on)
    mine = [
        f
        for f in rules.check_introducers(case, [person], ctx.catalogue)
        if f.message.params.get("introducer") == m.full_name
    ]
    refuse(mine)


def _step_values(c: Candidate, code: str) -> dict[str, object]:
    fields = steps.BY_CODE[code].fields
    if code == "intro":
        fields = (*fields, "youth_union_resolution_date", "trade_union_resolution_date")
    return {f: getattr(c.steps, f) for f in fields}


async def record_step(
    ctx: AppContext,
    *,
    actor: Actor,
    candidate_id: int,
    code: str,
    values: Mapping[str, object],
    introducers: Sequence[IntroducerRow] = (),
) -> Recorded:
    """Record (or correct) one step of the pipeline; the ceremony admits the candidate."""
    if code not in steps.BY_CODE:
        raise InvalidInput(Msg(_GONE))
    _typed(values)
    c = await for_write(ctx, actor, candidate_id)
    require_open(c)
    values = {k: (clean(v) if isinstance(v, str) else v) for k, v in values.items()}
    _required(code, values)
    if code == "intro":
        values = {
            "youth_union_resolution_date": None,
            "trade_union_resolution_date": None,
            **values,
        }
    old = _step_values(c, code)
    old_intro: list[IntroducerRow] = []
    corrected = steps.recorded(c.case(), steps.BY_CODE[code])
    async with ctx.db.read() as tx:
        case = await case_of(tx, c)
        refusal = steps.check_can_record(case, code)
        if refusal is not None:
            raise InvalidInput(refusal)
        case = _merged(case, values)
    roll = (
        await vote_roll(ctx, c.org_id, case.cell_resolution_date or ctx.today())
        if code == "res"
        else None
    )
    async with ctx.db.read() as tx:
        findings = _findings(
            ctx, code, case, values, partial=False, official=roll.roll if roll else None
        )
        if code == "intro":
            findings += await _introducer_findings(tx, ctx, case, introducers)
            old_intro = await store.introducers(tx, candidate_id)
    refuse(findings)
    if roll is not None:
        base = values["vote_base"]
        assert isinstance(base, int)
        if roll.roll and base > roll.roll:
            raise InvalidInput(Msg(_BASE_TOO_BIG, {"base": base, "roll": roll.roll}))
    if code == "cer":
        return await _admit(ctx, actor, c, case, values, corrected, warnings_of(findings))
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.set_steps(tx, candidate_id, values, now)
        before: dict[str, Any] = {k: v for k, v in old.items() if values.get(k) != v}
        after: dict[str, Any] = {k: values.get(k) for k in before}
        if code == "intro":
            await store.set_introducers(tx, candidate_id, introducers)
            was = [(r.member_id, r.together_from) for r in old_intro]
            now_ = [(r.member_id, r.together_from) for r in introducers]
            if was != now_:
                before["introducers"], after["introducers"] = was, now_
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="candidate",
            entity_id=candidate_id,
            action=f"{'correct' if corrected else 'step'}:{code}",
            before=before or None,
            after=after or None,
        )
        new = await store.get(tx, candidate_id)
    assert new is not None
    return Recorded(new, corrected, warnings_of(findings))


async def _admit(
    ctx: AppContext,
    actor: Actor,
    c: Candidate,
    case: CandidateCase,
    values: Mapping[str, object],
    corrected: bool,
    warnings: list[Msg],
) -> Recorded:
    """Step 8: the probationary member in the roster, then the candidate's file closed."""
    ceremony = values["ceremony_date"]
    assert isinstance(ceremony, date)
    f = MemberFields(
        full_name=c.full_name,
        birth_date=c.details.birth_date,
        gender=c.details.gender,
        decision_date=case.decision_date,
        ceremony_date=ceremony,
        status="probationary",
        status_date=ceremony,
    )
    try:
        member = await roster_uc.add_member(ctx, actor=actor, org_id=c.org_id, f=f)
    except roster_uc.SamePerson as exc:
        twin = exc.existing
        if not (
            twin.status == "probationary"
            and twin.decision_date == f.decision_date
            and twin.ceremony_date == ceremony
        ):
            raise InvalidInput(
                Msg(_SAME_PERSON, {"name": twin.full_name, "birth": twin.birth_date})
            ) from exc
        member = twin  # an earlier attempt created the member, then stopped: link it
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        await store.set_steps(tx, c.id, {"ceremony_date": ceremony}, now)
        await store.set_status(
            tx,
            c.id,
            status="admitted",
            closed_date=ceremony,
            reason=None,
            member_id=member.id,
            at=now,
        )
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="candidate",
            entity_id=c.id,
            action="step:cer",
            before={"status": c.status},
            after={"ceremony_date": ceremony, "status": "admitted", "member_id": member.id},
        )
        helper_ids = await store.helper_ids(tx, c.id)
    not_carried: list[str] = []
    for hid in helper_ids:
        try:
            await probation_uc.set_helper(
                ctx, actor=actor, member_id=member.id, helper_id=hid, assigned=True
            )
        except InvalidInput:
            async with ctx.db.read() as tx:
                helper = await member_store.get(tx, hid)
            not_carried.append(helper.full_name if helper else str(hid))
    async with ctx.db.read() as tx:
        new = await store.get(tx, c.id)
    assert new is not None
    return Recorded(new, corrected, warnings, member, not_carried)

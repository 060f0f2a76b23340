"""The cell's party-member roster: validation, add / edit / status, listing, import, export.

Validation problems are `Problem(field, Msg)`: the chat flow asks one field at a time and shows
the problems of that field; an import reports every problem of every row. With a Telegram
user as `actor` (an int), every use case that touches a member checks that the user may write
the member's cell (`usecases.access.require_write`); the CLI (`actor="cli"`) may write any.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from chibo.rules.candidate_steps import official_since
from chibo.rules.catalogue import REGULATION_NAME, Catalogue
from chibo.rules.dates import age_in_full_months
from chibo.rules.lifecycle import RollMember, compute_vote_base
from chibo.rules.messages import N_, Msg
from chibo.rules.probation import official_date as official_date_of
from chibo.rules.probation import probation_end
from chibo.rules.text import (
    check_person_name,
    clean_line,
    fold,
    mask_cccd,
    name_matches,
    normalize_cccd,
)
from chibo.storage import audit
from chibo.storage import lifecycle as lifecycle_store
from chibo.storage import members as store
from chibo.storage import orgs as org_store
from chibo.storage.db import Tx
from chibo.storage.members import DATE_FIELDS as DATE_FIELDS
from chibo.storage.members import FIELD_NAMES
from chibo.storage.members import STATUSES as STATUSES
from chibo.storage.members import Member as Member
from chibo.storage.members import MemberFields as MemberFields
from chibo.usecases import access, roster_io
from chibo.usecases.access import DENIED, require_write
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

PAGE_SIZE = 10
Actor = str | int

FIELD_LABELS = {
    "full_name": N_("full name"),
    "birth_date": N_("birth date"),
    "gender": N_("gender"),
    "card_no": N_("party card number"),
    "cccd": N_("number of the ID card"),
    "decision_date": N_("date of the admission decision"),
    "ceremony_date": N_("date of the admission ceremony"),
    "official_date": N_("official date"),
    "status": N_("status"),
    "status_date": N_("date of the status"),
}
STATUS_LABELS = {
    "probationary": N_("Probationary"),
    "official": N_("Official"),
    "exempt": N_("Exempt from party work and activities"),
    "transferred_out": N_("Transferred out"),
    "removed": N_("Removed from the list / expelled"),
    "deceased": N_("Deceased"),
}
GENDER_LABELS = {"male": N_("Male"), "female": N_("Female")}

_FUTURE = N_(
    "The {field} ({value}) is in the future; only dates up to today ({today}) can be recorded."
)
_CEREMONY_BEFORE_DECISION = N_(
    "The admission ceremony ({ceremony}) cannot be before the admission decision ({decision}):"
    " the cell holds the ceremony after the decision (Party Charter, Art. 4)."
)
_TOO_YOUNG = N_(
    "A party member must be at least {years} full years old when admitted (Party Charter,"
    " Art. 1; {source}): born {birth}, admitted {admitted}."
)
_OFFICIAL_NOT_END = N_(
    "The official date must be the end of probation, {end}: {months} months after the"
    " admission ceremony of {ceremony} (Party Charter, Art. 5; {regulation} §4.2.2), not"
    " {official}."
)
_PROBATION_NOT_OVER = N_(
    "Probation after the ceremony of {ceremony} ends on {end} (Party Charter, Art. 5): the"
    " member cannot be official before that day."
)
_PROBATIONARY_NEEDS_CEREMONY = N_(
    "A probationary member needs the date of the admission ceremony: the {months} months of"
    " probation are counted from it (Party Charter, Art. 5)."
)
_PROBATIONARY_NO_OFFICIAL = N_("A probationary member has no official date yet.")
_STATUS_DATE_NEEDED = N_("Give the date of the status “{status}”.")
_BEFORE_BIRTH = N_("The {field} ({value}) is before the birth date ({birth}): check both dates.")
_STATUS_DATE_BEFORE_BIRTH = N_("The date of the status ({value}) is before the birth date.")
_NAME_EMPTY = N_("The full name is empty.")
_NAME_LONG = N_("The full name is longer than {n} characters.")
_BIRTH_MISSING = N_("The birth date is missing.")
_BAD_CCCD = N_("An ID card (căn cước) number has exactly 12 digits.")
_CARD_TAKEN = N_("Party card number {card} already belongs to {name}, born {birth}.")
_CARD_TAKEN_ELSEWHERE = N_(
    "Party card number {card} is already recorded for a member of another cell."
)
_CCCD_TAKEN = N_("Citizen ID {cccd} already belongs to {name}, born {birth}.")
_CCCD_TAKEN_ELSEWHERE = N_("Citizen ID {cccd} is already recorded for a member of another cell.")
_SAME_PERSON = N_("{name}, born {birth}, is already in this cell's roster.")
_NOT_FOUND = N_("No such party member.")


@dataclass(frozen=True)
class Problem:
    """A validation problem, blaming one field."""

    field: str
    msg: Msg


class RosterInvalid(InvalidInput):
    """Refused input; `problems` lists everything wrong (the message is the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].msg)
        self.problems = problems


class SamePerson(InvalidInput):
    """A member with the same name and birth date is already in the cell: confirm first."""

    def __init__(self, existing: Member) -> None:
        super().__init__(
            Msg(_SAME_PERSON, {"name": existing.full_name, "birth": existing.birth_date})
        )
        self.existing = existing


def field_label(name: str) -> Msg:
    return Msg(FIELD_LABELS[name])


def name_key(full_name: str) -> str:
    return fold(full_name)


def clean_name(text: str) -> str:
    """A name as stored: control and format characters removed, spaces collapsed."""
    return clean_line(text)


def check_name(text: str) -> Msg | None:
    name = clean_name(text)
    if not name:
        return Msg(_NAME_EMPTY)
    if len(name) > roster_io.MAX_NAME:
        return Msg(_NAME_LONG, {"n": roster_io.MAX_NAME})
    return check_person_name(name)


def completed(f: MemberFields, today: date, catalogue: Catalogue) -> MemberFields:
    """Fill what the rules determine: an official member's official date is the end of
    probation (P8), and a status without a date takes its default date."""
    if f.status == "official" and f.official_date is None and f.ceremony_date:
        end = official_date_of(f.ceremony_date, catalogue)
        if end <= today:
            f = replace(f, official_date=end)
    if f.status_date is None:
        f = replace(f, status_date=default_status_date(f))
    return f


def default_status_date(f: MemberFields) -> date | None:
    """The date a status takes when none is given: the ceremony for a probationary member,
    the official date for an official one."""
    if f.status == "probationary":
        return f.ceremony_date
    if f.status == "official":
        return f.official_date
    return None


# -- validation ----------------------------------------------------------------------------------


def check_fields(f: MemberFields, today: date, catalogue: Catalogue) -> list[Problem]:
    """Every rule a member's record must satisfy on its own (no database)."""
    out: list[Problem] = []
    if (msg := check_name(f.full_name)) is not None:
        out.append(Problem("full_name", msg))
    if f.birth_date is None:
        out.append(Problem("birth_date", Msg(_BIRTH_MISSING)))
    for name in DATE_FIELDS:
        value = getattr(f, name)
        if value is not None and value > today:
            out.append(
                Problem(
                    name, Msg(_FUTURE, {"field": field_label(name), "value": value, "today": today})
                )
            )
    born = f.birth_date
    for name in ("decision_date", "ceremony_date", "official_date"):
        value = getattr(f, name)
        if value is not None and born is not None and value < born:
            out.append(
                Problem(
                    name,
                    Msg(_BEFORE_BIRTH, {"field": field_label(name), "value": value, "birth": born}),
                )
            )
    if f.cccd is not None and normalize_cccd(f.cccd) != f.cccd:
        out.append(Problem("cccd", Msg(_BAD_CCCD)))
    decision, ceremony = f.decision_date, f.ceremony_date
    if decision and ceremony and ceremony < decision:
        out.append(
            Problem(
                "ceremony_date",
                Msg(_CEREMONY_BEFORE_DECISION, {"ceremony": ceremony, "decision": decision}),
            )
        )
    admitted = decision or ceremony
    if admitted and f.birth_date and admitted >= f.birth_date:
        minimum = catalogue.get_int("admission.min_age_months", admitted)
        if age_in_full_months(f.birth_date, admitted) < minimum:
            out.append(
                Problem(
                    "decision_date" if decision else "ceremony_date",
                    Msg(
                        _TOO_YOUNG,
                        {
                            "years": minimum // 12,
                            "birth": f.birth_date,
                            "admitted": admitted,
                            "source": catalogue.source("admission.min_age_months", admitted),
                        },
                    ),
                )
            )
    out.extend(_status_problems(f, today, catalogue))
    return out


def _status_problems(f: MemberFields, today: date, catalogue: Catalogue) -> list[Problem]:
    out: list[Problem] = []
    ceremony = f.ceremony_date
    end = probation_end(ceremony, catalogue) if ceremony else None
    if ceremony and end and f.official_date and f.official_date != end:
        out.append(
            Problem(
                "official_date",
                Msg(
                    _OFFICIAL_NOT_END,
                    {
                        "end": end,
                        "ceremony": ceremony,
                        "official": f.official_date,
                        "months": catalogue.get_int("probation.months", ceremony),
                        "regulation": catalogue.get(REGULATION_NAME, end),
                    },
                ),
            )
        )
    if f.status == "probationary":
        if ceremony is None:
            months = catalogue.get_int("probation.months", f.status_date or today)
            out.append(
                Problem("ceremony_date", Msg(_PROBATIONARY_NEEDS_CEREMONY, {"months": months}))
            )
        if f.official_date is not None:
            out.append(Problem("official_date", Msg(_PROBATIONARY_NO_OFFICIAL)))
    elif f.status == "official" and ceremony and end and end > today:
        out.append(Problem("status", Msg(_PROBATION_NOT_OVER, {"ceremony": ceremony, "end": end})))
    if f.status_date is None:
        out.append(
            Problem(
                "status_date", Msg(_STATUS_DATE_NEEDED, {"status": Msg(STATUS_LABELS[f.status])})
            )
        )
    elif f.birth_date and f.status_date < f.birth_date:
        out.append(Problem("status_date", Msg(_STATUS_DATE_BEFORE_BIRTH, {"value": f.status_date})))
    return out


async def _unique_problems(
    tx: Tx, org_id: int, f: MemberFields, member_id: int | None
) -> list[Problem]:
    out: list[Problem] = []
    if f.card_no:
        owner = (await store.by_cards(tx, [f.card_no])).get(f.card_no)
        if owner is not None and owner.id != member_id:
            out.append(
                Problem(
                    "card_no",
                    _taken(owner, org_id, _CARD_TAKEN, _CARD_TAKEN_ELSEWHERE, card=f.card_no),
                )
            )
    if f.cccd:
        owner = (await store.by_cccds(tx, [f.cccd])).get(f.cccd)
        if owner is not None and owner.id != member_id:
            out.append(
                Problem(
                    "cccd",
                    _taken(
                        owner, org_id, _CCCD_TAKEN, _CCCD_TAKEN_ELSEWHERE, cccd=mask_cccd(f.cccd)
                    ),
                )
            )
    return out


def _taken(owner: Member, org_id: int, here: str, elsewhere: str, **params: Any) -> Msg:
    if owner.org_id != org_id:
        return Msg(elsewhere, params)
    return Msg(here, {**params, "name": owner.full_name, "birth": owner.birth_date})


async def problems(
    ctx: AppContext, org_id: int, f: MemberFields, member_id: int | None = None
) -> list[Problem]:
    """Everything wrong with `f` as the record of `member_id` (None: a new member) in a cell."""
    out = check_fields(f, ctx.today(), ctx.catalogue)
    async with ctx.db.read() as tx:
        out.extend(await _unique_problems(tx, org_id, f, member_id))
    return out


async def _same_person(
    tx: Tx, org_id: int, f: MemberFields, member_id: int | None
) -> Member | None:
    found = await store.by_person(tx, org_id, name_key(f.full_name), f.birth_date)
    return next((m for m in found if m.id != member_id), None)


# -- reading -------------------------------------------------------------------------------------


async def member_for(ctx: AppContext, actor: Actor, member_id: int) -> Member:
    """The member, if `actor` may write their cell (a Telegram user) or is the CLI."""
    async with ctx.db.read() as tx:
        member = await store.get(tx, member_id)
    if isinstance(actor, int):
        if member is None:
            async with ctx.db.transaction() as tx:
                await audit.record(
                    tx,
                    at=ctx.now(),
                    actor=actor,
                    entity="member",
                    entity_id=member_id,
                    action="denied",
                    after={"wanted": "write"},
                )
            raise AccessDenied(DENIED)
        await require_write(ctx, actor, member.org_id)
    elif member is None:
        raise NotFound(Msg(_NOT_FOUND))
    return member


async def require_cell(ctx: AppContext, actor: Actor, org_id: int) -> None:
    org = await access.org_for(ctx, actor, org_id, write=True)
    if org is None or not org.is_cell:
        raise NotFound(Msg(N_("Members belong to a cell (chi bộ); that is not one.")))


@dataclass(frozen=True)
class Page:
    items: list[Member]
    page: int
    pages: int
    total: int


def sort_key(m: Member) -> tuple[str, str]:
    """Vietnamese order: by given name (the last word), then by the whole name."""
    words = m.name_key.split()
    return (words[-1] if words else "", m.name_key)


def matches(query: str, m: Member) -> bool:
    """Name tokens in any order, without diacritics; or the end of a card or CCCD number."""
    q = query.strip()
    if q.isdigit() and len(q) >= 3:
        return bool((m.card_no and q in m.card_no) or (m.cccd and m.cccd.endswith(q)))
    return name_matches(q, m.full_name)


async def roster_page(
    ctx: AppContext, org_id: int, *, page: int = 0, query: str | None = None, former: bool = False
) -> Page:
    """One page of the cell's members: the current ones (or former ones); a query searches
    everyone."""
    async with ctx.db.read() as tx:
        everyone = await store.of_org(tx, org_id)
    if query:
        chosen = [m for m in everyone if matches(query, m)]
    else:
        wanted = set(STATUSES[3:]) if former else set(store.ACTIVE_STATUSES)
        chosen = [m for m in everyone if m.status in wanted]
    chosen.sort(key=sort_key)
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return Page(chosen[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages, len(chosen))


async def counts(ctx: AppContext, org_id: int) -> dict[str, int]:
    async with ctx.db.read() as tx:
        return await store.count_by_status(tx, org_id)


@dataclass(frozen=True)
class MemberCard:
    member: Member
    history: list[store.StatusChange]


async def member_card(ctx: AppContext, actor: Actor, member_id: int) -> MemberCard:
    member = await member_for(ctx, actor, member_id)
    async with ctx.db.read() as tx:
        return MemberCard(member, await store.history(tx, member_id))


# -- writing -------------------------------------------------------------------------------------


def _audit_values(f: MemberFields) -> dict[str, Any]:
    return {k: v for k, v in f.as_dict().items() if v is not None}


def _diff(old: MemberFields, new: MemberFields) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [n for n in FIELD_NAMES if getattr(old, n) != getattr(new, n)]
    return ({n: getattr(old, n) for n in changed}, {n: getattr(new, n) for n in changed})


def _normalized(ctx: AppContext, f: MemberFields) -> MemberFields:
    f = replace(
        f, full_name=clean_name(f.full_name), card_no=f.card_no or None, cccd=f.cccd or None
    )
    return completed(f, ctx.today(), ctx.catalogue)


async def add_member(
    ctx: AppContext, *, actor: Actor, org_id: int, f: MemberFields, same_person_ok: bool = False
) -> Member:
    """Add a member; RosterInvalid on any problem, SamePerson unless `same_person_ok`."""
    await require_cell(ctx, actor, org_id)
    f = _normalized(ctx, f)
    found = check_fields(f, ctx.today(), ctx.catalogue)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        found += await _unique_problems(tx, org_id, f, None)
        if found:
            raise RosterInvalid(found)
        if not same_person_ok and (twin := await _same_person(tx, org_id, f, None)):
            raise SamePerson(twin)
        member_id = await store.insert(
            tx, org_id=org_id, f=f, name_key=name_key(f.full_name), at=now
        )
        assert f.status_date is not None
        await store.add_history(
            tx,
            member_id,
            status=f.status,
            status_date=f.status_date,
            note=None,
            actor=actor,
            at=now,
        )
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="member",
            entity_id=member_id,
            action="create",
            after={"org_id": org_id, **_audit_values(f)},
        )
        member = await store.get(tx, member_id)
    assert member is not None
    return member


async def edit_member(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    f: MemberFields,
    note: str | None = None,
    same_person_ok: bool = False,
) -> Member:
    """Replace a member's fields (validated as a whole); a status change is kept in history."""
    old = await member_for(ctx, actor, member_id)
    f = _normalized(ctx, f)
    found = check_fields(f, ctx.today(), ctx.catalogue)
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        found += await _unique_problems(tx, old.org_id, f, member_id)
        if found:
            raise RosterInvalid(found)
        person_changed = (name_key(f.full_name), f.birth_date) != (old.name_key, old.birth_date)
        if (
            person_changed
            and not same_person_ok
            and (twin := await _same_person(tx, old.org_id, f, member_id))
        ):
            raise SamePerson(twin)
        await _write_update(tx, old, f, actor=actor, note=note, at=now)
        member = await store.get(tx, member_id)
    assert member is not None
    return member


async def _write_update(
    tx: Tx,
    old: Member,
    f: MemberFields,
    *,
    actor: Actor,
    note: str | None,
    at: datetime,
    action: str = "update",
) -> bool:
    """Store the changed fields (audited, a status change into the history)."""
    before, after = _diff(old.editable, f)
    if not after:
        return False
    await store.update(tx, old.id, f=f, name_key=name_key(f.full_name), at=at)
    if "status" in after or "status_date" in after:
        assert f.status_date is not None
        await store.add_history(
            tx, old.id, status=f.status, status_date=f.status_date, note=note, actor=actor, at=at
        )
    await audit.record(
        tx,
        at=at,
        actor=actor,
        entity="member",
        entity_id=old.id,
        action=action,
        before=before,
        after=after,
    )
    return True


async def change_status(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    status: str,
    status_date: date,
    note: str | None = None,
) -> Member:
    """A new status from a date (history kept). Conversion to official goes through
    `usecases.probation.record_decision`, which sets the official date (P8)."""
    if status not in STATUSES:
        raise InvalidInput(Msg(N_("Unknown status {status}."), {"status": status}))
    old = await member_for(ctx, actor, member_id)
    f = replace(old.editable, status=status, status_date=status_date)
    return await edit_member(
        ctx, actor=actor, member_id=member_id, f=f, note=note, same_person_ok=True
    )


# -- import --------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found and did; nothing is written unless `errors` is empty."""

    rows: int = 0
    errors: list[tuple[int, Msg]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False

    @property
    def ok(self) -> int:
        return self.rows - len({row for row, _ in self.errors})


_ROW_SAME_AS = N_("The same member as row {row}.")
_ROW_CARD_TWICE = N_("Party card number {card} is also on row {row}.")
_ROW_CCCD_TWICE = N_("Citizen ID {cccd} is also on row {row}.")
_ROW_CONFLICT = N_("The party card number belongs to {a} but the citizen ID to {b}.")
_ROW_TWIN = N_(
    "{name}, born {birth}, is already in the roster with another party card number"
    " or citizen ID. If this is another person, add them in the chat."
)


@dataclass
class _Plan:
    report: ImportReport
    creates: list[MemberFields] = field(default_factory=list)
    updates: list[tuple[Member, MemberFields]] = field(default_factory=list)


class _Planner:
    """Matches each row to a member (card, else CCCD, else name + birth date) and merges."""

    def __init__(
        self,
        org_id: int,
        cell: list[Member],
        cards: dict[str, Member],
        cccds: dict[str, Member],
        today: date,
        catalogue: Catalogue,
    ) -> None:
        self.org_id, self.today, self.catalogue = org_id, today, catalogue
        self.cards, self.cccds = cards, cccds
        self.people: dict[tuple[str, date | None], list[Member]] = {}
        for m in cell:
            self.people.setdefault((m.name_key, m.birth_date), []).append(m)
        self.claimed: dict[int, int] = {}  # member id → row
        self.seen_cards: dict[str, int] = {}
        self.seen_cccds: dict[str, int] = {}
        self.seen_people: dict[tuple[str, date], int] = {}

    def row(
        self, parsed: roster_io.ParsedRow
    ) -> tuple[Member | None, MemberFields | None, list[Msg]]:
        v = parsed.values
        if parsed.errors:
            return None, None, list(parsed.errors)
        match, errors = self._match(v)
        if errors:
            return None, None, errors
        merged = self._merge(match, v)
        errors = [p.msg for p in check_fields(merged, self.today, self.catalogue)]
        errors += self._duplicates(parsed.number, match, merged)
        return match, merged, errors

    def _match(self, v: dict[str, Any]) -> tuple[Member | None, list[Msg]]:
        by_card = self.cards.get(v["card_no"]) if "card_no" in v else None
        by_cccd = self.cccds.get(v["cccd"]) if "cccd" in v else None
        errors = []
        if by_card and by_card.org_id != self.org_id:
            errors.append(Msg(_CARD_TAKEN_ELSEWHERE, {"card": v["card_no"]}))
        if by_cccd and by_cccd.org_id != self.org_id:
            errors.append(Msg(_CCCD_TAKEN_ELSEWHERE, {"cccd": mask_cccd(v["cccd"])}))
        if by_card and by_cccd and by_card.id != by_cccd.id and not errors:
            errors.append(Msg(_ROW_CONFLICT, {"a": by_card.full_name, "b": by_cccd.full_name}))
        if errors or by_card or by_cccd:
            return by_card or by_cccd, errors
        twins = self.people.get((name_key(v["full_name"]), v["birth_date"]), [])
        for m in twins:
            if all(
                v.get(k) in (None, getattr(m, k)) or getattr(m, k) is None
                for k in ("card_no", "cccd")
            ):
                return m, []
        if twins:
            return None, [Msg(_ROW_TWIN, {"name": twins[0].full_name, "birth": v["birth_date"]})]
        return None, []

    def _merge(self, match: Member | None, v: dict[str, Any]) -> MemberFields:
        if match is None:
            status = v.get("status") or self._infer_status(v)
            base = MemberFields(full_name=v["full_name"], birth_date=v["birth_date"], status=status)
            f = replace(base, **{k: val for k, val in v.items() if k != "status"})
            return completed(f, self.today, self.catalogue)
        old = match.editable
        f = replace(old, **v)
        if f.status != old.status and "status_date" not in v:
            f = replace(f, status_date=None)
        return completed(f, self.today, self.catalogue)

    def _infer_status(self, v: dict[str, Any]) -> str:
        """No status in the file: official with an official date, probationary while the
        probation after the ceremony runs, else official (the usual case of old members)."""
        if v.get("official_date"):
            return "official"
        ceremony = v.get("ceremony_date")
        if ceremony and probation_end(ceremony, self.catalogue) > self.today:
            return "probationary"
        return "official"

    def _duplicates(self, row: int, match: Member | None, f: MemberFields) -> list[Msg]:
        errors: list[Msg] = []
        if match is not None:
            first = self.claimed.setdefault(match.id, row)
        else:
            first = self.seen_people.setdefault((name_key(f.full_name), f.birth_date), row)
        if first != row:
            return [Msg(_ROW_SAME_AS, {"row": first})]
        if f.card_no:
            owner = self.cards.get(f.card_no)
            if owner is not None and (match is None or owner.id != match.id):
                errors.append(
                    _taken(owner, self.org_id, _CARD_TAKEN, _CARD_TAKEN_ELSEWHERE, card=f.card_no)
                )
            if (card_row := self.seen_cards.get(f.card_no)) is not None:
                errors.append(Msg(_ROW_CARD_TWICE, {"card": f.card_no, "row": card_row}))
            self.seen_cards.setdefault(f.card_no, row)
        if f.cccd:
            owner = self.cccds.get(f.cccd)
            if owner is not None and (match is None or owner.id != match.id):
                errors.append(
                    _taken(
                        owner,
                        self.org_id,
                        _CCCD_TAKEN,
                        _CCCD_TAKEN_ELSEWHERE,
                        cccd=mask_cccd(f.cccd),
                    )
                )
            if (cccd_row := self.seen_cccds.get(f.cccd)) is not None:
                errors.append(Msg(_ROW_CCCD_TWICE, {"cccd": mask_cccd(f.cccd), "row": cccd_row}))
            self.seen_cccds.setdefault(f.cccd, row)
        return errors


@dataclass(frozen=True)
class _Stored:
    """What the check of an import reads: the cell's members and the members (any cell)
    holding the file's card and CCCD numbers."""

    cell: list[Member]
    cards: dict[str, Member]
    cccds: dict[str, Member]


async def _stored(tx: Tx, org_id: int, rows: list[roster_io.ParsedRow]) -> _Stored:
    values = [r.values for r in rows]
    cards = await store.by_cards(tx, (v["card_no"] for v in values if "card_no" in v))
    cccds = await store.by_cccds(tx, (v["cccd"] for v in values if "cccd" in v))
    return _Stored(await store.of_org(tx, org_id), cards, cccds)


def _plan(
    stored: _Stored,
    org_id: int,
    rows: list[roster_io.ParsedRow],
    today: date,
    catalogue: Catalogue,
) -> _Plan:
    """Check and merge every row against `stored` (pure: run in a worker thread, issue 12)."""
    planner = _Planner(org_id, stored.cell, stored.cards, stored.cccds, today, catalogue)
    plan = _Plan(ImportReport(rows=len(rows)))
    for parsed in rows:
        match, merged, errors = planner.row(parsed)
        if errors:
            plan.report.errors.extend((parsed.number, e) for e in errors)
        elif match is None:
            assert merged is not None
            plan.creates.append(merged)
        elif merged != match.editable:
            assert merged is not None
            plan.updates.append((match, merged))
        else:
            plan.report.unchanged += 1
    plan.report.created, plan.report.updated = len(plan.creates), len(plan.updates)
    return plan


async def import_rows(
    ctx: AppContext,
    *,
    actor: Actor,
    org_id: int,
    rows: list[roster_io.ParsedRow],
    dry_run: bool = False,
    source: str = "",
) -> ImportReport:
    """Check every row; write all of them (one transaction, audited) only if all are good.

    Off the event loop and off the database lock (issue 12: a 5,000-row file must not hold up
    other users): the stored members are read in a short snapshot, the rows are checked in a
    worker thread, and the write transaction first reads them again: if anything changed
    meanwhile, the rows are checked again against what is stored now, inside it."""
    await require_cell(ctx, actor, org_id)
    today, catalogue = ctx.today(), ctx.catalogue
    async with ctx.db.read() as tx:
        stored = await _stored(tx, org_id, rows)
    plan = await asyncio.to_thread(_plan, stored, org_id, rows, today, catalogue)
    if dry_run or plan.report.errors or not (plan.creates or plan.updates):
        return plan.report
    now = ctx.now()
    async with ctx.db.transaction() as tx:
        now_stored = await _stored(tx, org_id, rows)
        if now_stored != stored:  # another change came in while the rows were checked
            plan = _plan(now_stored, org_id, rows, today, catalogue)
            if plan.report.errors or not (plan.creates or plan.updates):
                return plan.report
        ids = await store.insert_many(
            tx, org_id=org_id, rows=[(f, name_key(f.full_name)) for f in plan.creates], at=now
        )
        history: list[tuple[int, str, date, str | None]] = []
        for member_id, f in zip(ids, plan.creates, strict=True):
            assert f.status_date is not None
            history.append((member_id, f.status, f.status_date, None))
        await audit.record_many(
            tx,
            at=now,
            actor=actor,
            entity="member",
            action="import_create",
            entries=(  # a generator: built in the connection's thread, off the event loop
                (member_id, None, _audit_values(f))
                for member_id, f in zip(ids, plan.creates, strict=True)
            ),
        )
        await store.add_history_many(tx, history, actor=actor, at=now)
        for old, f in plan.updates:
            await _write_update(tx, old, f, actor=actor, note=None, at=now, action="import_update")
        await audit.record(
            tx,
            at=now,
            actor=actor,
            entity="roster",
            entity_id=org_id,
            action="import",
            after={
                "source": source,
                "rows": len(rows),
                "created": plan.report.created,
                "updated": plan.report.updated,
            },
        )
        plan.report.written = True
    return plan.report


async def import_file(
    ctx: AppContext, *, actor: Actor, org_id: int, data: bytes, filename: str, dry_run: bool = False
) -> ImportReport:
    """Parse a CSV/XLSX roster file and import it (InvalidInput if the file is unusable)."""
    await require_cell(ctx, actor, org_id)
    parsed = await asyncio.to_thread(roster_io.parse_file, data, filename, ctx.today())
    return await import_rows(
        ctx, actor=actor, org_id=org_id, rows=parsed.rows, dry_run=dry_run, source=filename
    )


def _parse_rows(table: roster_io.Table, today: date) -> list[roster_io.ParsedRow]:
    return [roster_io.parse_row(r, today) for r in table.rows]


async def import_table(
    ctx: AppContext,
    *,
    actor: Actor,
    org_id: int,
    table: roster_io.Table,
    dry_run: bool = False,
    source: str = "",
) -> ImportReport:
    today = ctx.today()
    rows = await asyncio.to_thread(_parse_rows, table, today)  # 5,000 rows: off the loop
    return await import_rows(
        ctx, actor=actor, org_id=org_id, rows=rows, dry_run=dry_run, source=source
    )


# -- export --------------------------------------------------------------------------------------

EXPORT_FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    count: int


async def export_roster(ctx: AppContext, *, actor: Actor, org_id: int, fmt: str = "xlsx") -> Export:
    """The cell's whole roster (every status) in the import template."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(Msg(N_("Export format must be xlsx or csv.")))
    await require_cell(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        org = await org_store.by_id(tx, org_id)
        members = sorted(await store.of_org(tx, org_id), key=sort_key)
    assert org is not None
    rows: Iterable[MemberFields] = [m.editable for m in members]
    data = roster_io.write_xlsx(rows, org.name) if fmt == "xlsx" else roster_io.write_csv(rows)
    stamp = ctx.today().strftime("%Y%m%d")
    return Export(f"dang-vien-{org.code}-{stamp}.{fmt}", data, len(members))


# -- the vote base on a day (A9, P6) -------------------------------------------------------------


def _official_on(m: Member, on: date, ctx: AppContext) -> bool:
    since = official_since(m.status, m.official_date, m.ceremony_date, ctx.catalogue)
    return since is not None and since <= on


@dataclass(frozen=True)
class VoteRoll:
    proposed: int  # A9 base: official members, without absent exempt ones
    roll: int  # every official member on the roster (the largest possible base)


async def vote_roll(ctx: AppContext, org_id: int, on: date) -> VoteRoll:
    """The cell's vote base on the resolution date `on` (A9, P6), from the status history (a
    member transferred out or exempt since still counts as they were that day; probationary
    members never do, P2), less the official members on temporary transfer elsewhere that day
    and the exempted ones taken as absent (`rules.lifecycle.compute_vote_base`); members here
    on temporary transfer from another cell are not on this roll. `roll` counts every official
    member that day, exempt and away ones included (M5)."""
    async with ctx.db.read() as tx:
        found = await store.of_org_on(tx, org_id, on, ("official", "exempt"))
        members = [m for m in found if _official_on(m, on, ctx)]
        ids = [m.id for m in members]
        away = await lifecycle_store.away_periods(tx, ids)
        exemptions = await lifecycle_store.exemptions_of(tx, ids)
        guests = await lifecycle_store.guests_of(tx, org_id, on)
    roll = [
        RollMember(
            m.id,
            m.status,
            tuple(e.period for e in exemptions.get(m.id, [])),
            tuple(away.get(m.id, [])),
        )
        for m in members
    ]
    base = compute_vote_base(roll, guests, on)
    return VoteRoll(base.base, base.official)

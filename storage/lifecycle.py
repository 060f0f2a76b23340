"""Transfers, exemptions, residence contacts, removal reviews, departures and party cards.

The records behind domain-rules §6.1-6.5, 6.7, 6.9 and 6.10 (migration 0007), what the
lifecycle reminder rules look at (:func:`cases`), and the removal evidence sources
(:data:`_SOURCES`: the meeting book, re-educations and the dues ledger; the evaluation plugs in
through :func:`register_evidence_source`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from chibo.rules.lifecycle import Period, outside_periods
from chibo.rules.lifecycle_reminders import (
    ArrivalsCase,
    CardCase,
    DepartureCase,
    ExemptionCase,
    LifecycleCases,
    RemovalCase,
    ResidenceCase,
    TransferCase,
)
from chibo.rules.lifecycle_removal import Evidence
from chibo.storage.db import Row, Tx, from_db_date, need_date, to_db_date, to_db_instant
from chibo.storage.dues import unpaid_evidence

_DAY = timedelta(days=1)
ACTIVE = ("probationary", "official", "exempt")


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_HasId)


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _in(column: str, ids: Collection[int] | None) -> tuple[str, list[object]]:
    if ids is None:
        return "", []
    wanted = sorted(set(ids))
    return (f" AND {column} IN ({_marks(len(wanted))})", list(wanted)) if wanted else (" AND 0", [])


def _db(value: object) -> object:
    return to_db_date(value) if isinstance(value, date) else value


class _Records(Generic[R]):
    """A table that holds one frozen dataclass per row: its `id`, then every other field in a
    column of the same name (dates as ISO text: the fields named `…_date`), and the
    `created_at`/`updated_at` stamps."""

    def __init__(self, table: str, cls: type[R]) -> None:
        self.table = table
        self.make: Callable[..., R] = cls
        self.cols = tuple(f.name for f in fields(cls))[1:]  # type: ignore[arg-type]  # R: a dataclass
        self.dates = frozenset(c for c in self.cols if c.endswith("_date"))

    def from_row(self, r: Row) -> R:
        values = {c: (from_db_date(r[c]) if c in self.dates else r[c]) for c in self.cols}
        return self.make(id=r["id"], **values)

    def _values(self, record: R) -> tuple[object, ...]:
        return tuple(_db(getattr(record, c)) for c in self.cols)

    async def insert(self, tx: Tx, record: R, at: datetime) -> int:
        stamp = to_db_instant(at)
        return await tx.execute(
            f"INSERT INTO {self.table} ({', '.join(self.cols)}, created_at, updated_at)"
            f" VALUES ({_marks(len(self.cols) + 2)})",
            (*self._values(record), stamp, stamp),
        )

    async def save(self, tx: Tx, record: R, at: datetime) -> None:
        sets = ", ".join(f"{c} = ?" for c in self.cols)
        await tx.execute(
            f"UPDATE {self.table} SET {sets}, updated_at = ? WHERE id = ?",
            (*self._values(record), to_db_instant(at), record.id),
        )

    async def get(self, tx: Tx, record_id: int) -> R | None:
        row = await tx.one(f"SELECT * FROM {self.table} WHERE id = ?", (record_id,))
        return self.from_row(row) if row else None


# -- transfers (§6.1-6.3) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    id: int
    kind: str  # "official" | "temporary"
    reason: str
    member_id: int | None
    full_name: str
    birth_date: date | None
    from_org_id: int | None
    from_external: str | None
    to_org_id: int | None
    to_external: str | None
    trigger_date: date | None
    letter_date: date | None
    start_date: date | None
    end_date: date | None
    completed_date: date | None
    state: str  # "open" | "completed" | "cancelled"
    note: str | None


_TRANSFERS = _Records("transfers", Transfer)
_transfer = _TRANSFERS.from_row
insert_transfer = _TRANSFERS.insert
save_transfer = _TRANSFERS.save
get_transfer = _TRANSFERS.get


async def arrival_matches(tx: Tx, transfer_id: int, name_key: str) -> list[int]:
    """Members of the receiving cell's roll with that folded name, added since the arrival
    was announced and not yet linked to another arrival from outside."""
    rows = await tx.all(
        "SELECT m.id FROM members m JOIN transfers t ON t.id = ?"
        " WHERE m.org_id = t.to_org_id AND m.name_key = ? AND m.created_at >= t.created_at"
        " AND m.status IN ('probationary', 'official', 'exempt')"
        " AND NOT EXISTS (SELECT 1 FROM transfers x WHERE x.member_id = m.id"
        " AND x.from_org_id IS NULL AND x.to_org_id = m.org_id)"
        " ORDER BY m.id",
        (transfer_id, name_key),
    )
    return [r["id"] for r in rows]


async def open_transfers_of(tx: Tx, member_id: int) -> list[Transfer]:
    rows = await tx.all(
        "SELECT * FROM transfers WHERE member_id = ? AND state = 'open' ORDER BY id", (member_id,)
    )
    return [_transfer(r) for r in rows]


async def transfers_of(
    tx: Tx, org_ids: Collection[int] | None = None, state: str | None = None
) -> list[Transfer]:
    """Transfers from or to these organisations (all when None), oldest first."""
    sql, params = "SELECT * FROM transfers WHERE 1", list[object]()
    if org_ids is not None:
        ids = sorted(set(org_ids)) or [-1]
        sql += f" AND (from_org_id IN ({_marks(len(ids))}) OR to_org_id IN ({_marks(len(ids))}))"
        params += [*ids, *ids]
    if state is not None:
        sql += " AND state = ?"
        params.append(state)
    return [_transfer(r) for r in await tx.all(sql + " ORDER BY id", params)]


def _temp_period(t: Transfer) -> Period | None:
    if t.kind != "temporary" or t.start_date is None or t.state == "cancelled":
        return None
    return Period(t.start_date, t.completed_date - _DAY if t.completed_date else None)


async def away_periods(tx: Tx, member_ids: Collection[int]) -> dict[int, list[Period]]:
    """Temporary transfers of these members (away from their cell until they return)."""
    where, params = _in("member_id", member_ids)
    rows = await tx.all(f"SELECT * FROM transfers WHERE kind = 'temporary'{where}", params)
    out: dict[int, list[Period]] = {}
    for t in map(_transfer, rows):
        p = _temp_period(t)
        if p is not None and t.member_id is not None:
            out.setdefault(t.member_id, []).append(p)
    return out


async def guests_of(tx: Tx, org_id: int, on: date) -> list[int]:
    """Members of other cells here on temporary transfer on ``on`` (§6.3: no vote, not counted)."""
    rows = await tx.all(
        "SELECT * FROM transfers WHERE kind = 'temporary' AND to_org_id = ?", (org_id,)
    )
    return sorted(
        t.member_id
        for t in map(_transfer, rows)
        if t.member_id is not None and (p := _temp_period(t)) is not None and p.covers(on)
    )


@dataclass(frozen=True)
class Move:
    member_id: int
    from_org_id: int
    to_org_id: int
    moved_on: date
    transfer_id: int | None


async def move_member(
    tx: Tx,
    member_id: int,
    *,
    from_org_id: int,
    to_org_id: int,
    on: date,
    transfer_id: int | None,
    actor: str | int,
    at: datetime,
) -> None:
    """The member row moves to the other cell: its history, helpers and attendance stay."""
    await tx.execute(
        "UPDATE members SET org_id = ?, updated_at = ? WHERE id = ?",
        (to_org_id, to_db_instant(at), member_id),
    )
    await tx.execute(
        "INSERT INTO member_moves (member_id, from_org_id, to_org_id, moved_on, transfer_id,"
        " actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            member_id,
            from_org_id,
            to_org_id,
            to_db_date(on),
            transfer_id,
            str(actor),
            to_db_instant(at),
        ),
    )


async def moves(tx: Tx, member_id: int) -> list[Move]:
    rows = await tx.all(
        "SELECT member_id, from_org_id, to_org_id, moved_on, transfer_id FROM member_moves"
        " WHERE member_id = ? ORDER BY moved_on, id",
        (member_id,),
    )
    return [Move(r[0], r[1], r[2], need_date(r[3]), r[4]) for r in rows]


# -- exemptions (§6.4) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Exemption:
    id: int
    member_id: int
    kind: str  # "exempt" | "temporary"
    ground: str
    resolution_date: date
    start_date: date
    end_date: date | None
    approval_date: date | None
    reported_date: date | None
    application_date: date | None
    return_date: date | None
    prior_status: str

    @property
    def period(self) -> Period:
        return Period(self.start_date, self.return_date - _DAY if self.return_date else None)


_EXEMPTIONS = _Records("exemptions", Exemption)
insert_exemption = _EXEMPTIONS.insert
save_exemption = _EXEMPTIONS.save
get_exemption = _EXEMPTIONS.get


async def exemptions_of(tx: Tx, member_ids: Collection[int]) -> dict[int, list[Exemption]]:
    where, params = _in("member_id", member_ids)
    rows = await tx.all(f"SELECT * FROM exemptions WHERE 1{where} ORDER BY start_date", params)
    out: dict[int, list[Exemption]] = {}
    for e in map(_EXEMPTIONS.from_row, rows):
        out.setdefault(e.member_id, []).append(e)
    return out


# -- residence contact (QĐ 213, §6.9) ------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    id: int
    residence_org_id: int
    member_id: int | None
    full_name: str
    workplace: str
    assigned_date: date
    exception: str | None
    last_meeting: date | None
    ended_date: date | None
    comments_years: tuple[int, ...] = ()


async def insert_contact(tx: Tx, c: Contact, at: datetime) -> int:
    stamp = to_db_instant(at)
    return await tx.execute(
        "INSERT INTO residence_contacts (residence_org_id, member_id, full_name, workplace,"
        " assigned_date, exception, last_meeting, ended_date, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            c.residence_org_id,
            c.member_id,
            c.full_name,
            c.workplace,
            to_db_date(c.assigned_date),
            c.exception,
            to_db_date(c.last_meeting),
            to_db_date(c.ended_date),
            stamp,
            stamp,
        ),
    )


async def save_contact(tx: Tx, c: Contact, at: datetime) -> None:
    await tx.execute(
        "UPDATE residence_contacts SET exception = ?, last_meeting = ?, ended_date = ?,"
        " updated_at = ? WHERE id = ?",
        (
            c.exception,
            to_db_date(c.last_meeting),
            to_db_date(c.ended_date),
            to_db_instant(at),
            c.id,
        ),
    )


async def add_comments(tx: Tx, contact_id: int, year: int, sent_on: date) -> bool:
    n = await tx.changes(
        "INSERT OR IGNORE INTO residence_comments (contact_id, year, sent_on) VALUES (?, ?, ?)",
        (contact_id, year, to_db_date(sent_on)),
    )
    return n > 0


async def _contacts(tx: Tx, where: str, params: list[object]) -> list[Contact]:
    rows = await tx.all(
        f"SELECT * FROM residence_contacts WHERE 1{where} ORDER BY full_name, id", params
    )
    years: dict[int, list[int]] = {}
    ids = [r["id"] for r in rows]
    if ids:
        for r in await tx.all(
            "SELECT contact_id, year FROM residence_comments"
            f" WHERE contact_id IN ({_marks(len(ids))}) ORDER BY year",
            ids,
        ):
            years.setdefault(r[0], []).append(r[1])
    return [
        Contact(
            r["id"],
            r["residence_org_id"],
            r["member_id"],
            r["full_name"],
            r["workplace"],
            need_date(r["assigned_date"]),
            r["exception"],
            from_db_date(r["last_meeting"]),
            from_db_date(r["ended_date"]),
            tuple(years.get(r["id"], ())),
        )
        for r in rows
    ]


async def get_contact(tx: Tx, contact_id: int) -> Contact | None:
    found = await _contacts(tx, " AND id = ?", [contact_id])
    return found[0] if found else None


async def contacts_of(
    tx: Tx, org_ids: Collection[int] | None, *, current_only: bool = True
) -> list[Contact]:
    where, params = _in("residence_org_id", org_ids)
    if current_only:
        where += " AND ended_date IS NULL"
    return await _contacts(tx, where, params)


# -- removal reviews and re-education (§6.5) -----------------------------------------------------


@dataclass(frozen=True)
class Review:
    id: int
    member_id: int
    org_id: int
    ground: str
    opened_on: date
    evidence: tuple[dict[str, object], ...]
    proposal_date: date | None = None
    proposal: str | None = None  # "remove" | "keep"
    decision_date: date | None = None
    decision: str | None = None  # "removed" | "kept"
    decision_no: str | None = None
    note: str | None = None

    @property
    def open(self) -> bool:
        return self.decision is None


def _review(r: Row) -> Review:
    return Review(
        r["id"],
        r["member_id"],
        r["org_id"],
        r["ground"],
        need_date(r["opened_on"]),
        tuple(json.loads(r["evidence"])),
        from_db_date(r["proposal_date"]),
        r["proposal"],
        from_db_date(r["decision_date"]),
        r["decision"],
        r["decision_no"],
        r["note"],
    )


async def insert_review(tx: Tx, v: Review, at: datetime) -> int:
    stamp = to_db_instant(at)
    return await tx.execute(
        "INSERT INTO removal_reviews (member_id, org_id, ground, opened_on, evidence, note,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            v.member_id,
            v.org_id,
            v.ground,
            to_db_date(v.opened_on),
            json.dumps(list(v.evidence), ensure_ascii=False, sort_keys=True),
            v.note,
            stamp,
            stamp,
        ),
    )


async def save_review(tx: Tx, v: Review, at: datetime) -> None:
    await tx.execute(
        "UPDATE removal_reviews SET proposal_date = ?, proposal = ?, decision_date = ?,"
        " decision = ?, decision_no = ?, note = ?, updated_at = ? WHERE id = ?",
        (
            to_db_date(v.proposal_date),
            v.proposal,
            to_db_date(v.decision_date),
            v.decision,
            v.decision_no,
            v.note,
            to_db_instant(at),
            v.id,
        ),
    )


async def get_review(tx: Tx, review_id: int) -> Review | None:
    row = await tx.one("SELECT * FROM removal_reviews WHERE id = ?", (review_id,))
    return _review(row) if row else None


async def reviews_of_member(tx: Tx, member_id: int) -> list[Review]:
    rows = await tx.all(
        "SELECT * FROM removal_reviews WHERE member_id = ? ORDER BY opened_on, id", (member_id,)
    )
    return [_review(r) for r in rows]


async def reviews_of(tx: Tx, org_ids: Collection[int] | None) -> list[Review]:
    where, params = _in("org_id", org_ids)
    rows = await tx.all(f"SELECT * FROM removal_reviews WHERE 1{where} ORDER BY id", params)
    return [_review(r) for r in rows]


async def start_reeducation(tx: Tx, member_id: int, on: date, note: str | None) -> int:
    return await tx.execute(
        "INSERT INTO reeducations (member_id, started_on, note) VALUES (?, ?, ?)",
        (member_id, to_db_date(on), note),
    )


async def open_reeducation(tx: Tx, member_id: int) -> tuple[int, date] | None:
    row = await tx.one(
        "SELECT id, started_on FROM reeducations WHERE member_id = ? AND ended_on IS NULL"
        " ORDER BY started_on DESC LIMIT 1",
        (member_id,),
    )
    return (row[0], need_date(row[1])) if row else None


async def end_reeducation(tx: Tx, reeducation_id: int, on: date) -> None:
    await tx.execute(
        "UPDATE reeducations SET ended_on = ? WHERE id = ?", (to_db_date(on), reeducation_id)
    )


# -- departures (§6.10) and party cards (§6.7) ---------------------------------------------------


@dataclass(frozen=True)
class Departure:
    member_id: int
    org_id: int
    kind: str
    left_on: date
    notice_date: date | None
    note: str | None


async def put_departure(tx: Tx, d: Departure, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO departures (member_id, org_id, kind, left_on, notice_date, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET"
        " notice_date = excluded.notice_date, note = excluded.note",
        (
            d.member_id,
            d.org_id,
            d.kind,
            to_db_date(d.left_on),
            to_db_date(d.notice_date),
            d.note,
            to_db_instant(at),
        ),
    )


async def get_departure(tx: Tx, member_id: int) -> Departure | None:
    r = await tx.one("SELECT * FROM departures WHERE member_id = ?", (member_id,))
    if r is None:
        return None
    return Departure(
        r["member_id"],
        r["org_id"],
        r["kind"],
        need_date(r["left_on"]),
        from_db_date(r["notice_date"]),
        r["note"],
    )


@dataclass(frozen=True)
class Card:
    member_id: int
    requested_on: date | None = None
    decision_date: date | None = None
    decision_no: str | None = None
    handed_on: date | None = None
    collect_from: date | None = None
    collected_on: date | None = None


async def get_card(tx: Tx, member_id: int) -> Card | None:
    r = await tx.one("SELECT * FROM party_cards WHERE member_id = ?", (member_id,))
    if r is None:
        return None
    return Card(
        r["member_id"],
        from_db_date(r["requested_on"]),
        from_db_date(r["decision_date"]),
        r["decision_no"],
        from_db_date(r["handed_on"]),
        from_db_date(r["collect_from"]),
        from_db_date(r["collected_on"]),
    )


async def put_card(tx: Tx, c: Card, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO party_cards (member_id, requested_on, decision_date, decision_no, handed_on,"
        " collect_from, collected_on, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (member_id) DO UPDATE SET requested_on = excluded.requested_on,"
        " decision_date = excluded.decision_date, decision_no = excluded.decision_no,"
        " handed_on = excluded.handed_on, collect_from = excluded.collect_from,"
        " collected_on = excluded.collected_on, updated_at = excluded.updated_at",
        (
            c.member_id,
            to_db_date(c.requested_on),
            to_db_date(c.decision_date),
            c.decision_no,
            to_db_date(c.handed_on),
            to_db_date(c.collect_from),
            to_db_date(c.collected_on),
            to_db_instant(at),
        ),
    )


# -- removal evidence sources (§6.5) -------------------------------------------------------------

#: A source of §6.5 evidence: (tx, member ids, today) -> {member id: [Evidence]}; member ids
#: None means every member (one set-based query: the sweep asks for the whole province).
EvidenceSource = Callable[[Tx, Collection[int] | None, date], Awaitable[dict[int, list[Evidence]]]]
_SOURCES: list[EvidenceSource] = []  # the static sources are listed below their definitions


def register_evidence_source(source: EvidenceSource) -> None:
    """Add a source (the dues ledger's unpaid months, the evaluation's KHT years, …)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def evidence_sources() -> tuple[EvidenceSource, ...]:
    return tuple(_SOURCES)


async def excused_periods(tx: Tx, member_ids: Collection[int]) -> dict[int, list[Period]]:
    """Periods a member's absences do not count: exempt, temporarily exempt, away (§6.3, §6.4)."""
    out: dict[int, list[Period]] = {}
    for mid, items in (await exemptions_of(tx, member_ids)).items():
        out.setdefault(mid, []).extend(e.period for e in items)
    for mid, periods in (await away_periods(tx, member_ids)).items():
        out.setdefault(mid, []).extend(periods)
    return out


async def absence_evidence(
    tx: Tx, member_ids: Collection[int] | None, today: date
) -> dict[int, list[Evidence]]:
    """Unexcused absences from the meeting book, outside exemption and temporary-transfer
    periods."""
    where, params = _in("a.member_id", member_ids)
    rows = await tx.all(
        "SELECT a.member_id, g.held_on FROM meeting_attendance a JOIN meetings g"
        f" ON g.id = a.meeting_id WHERE a.status = 'unexcused' AND g.held_on <= ?{where}",
        (to_db_date(today), *params),
    )
    dates: dict[int, list[date]] = {}
    for r in rows:
        dates.setdefault(r[0], []).append(need_date(r[1]))
    excused = await excused_periods(tx, list(dates))
    out: dict[int, list[Evidence]] = {}
    for mid, ds in dates.items():
        kept = outside_periods(sorted(ds), excused.get(mid, ()))
        if kept:
            out[mid] = [Evidence("absences", kept)]
    return out


async def education_evidence(
    tx: Tx, member_ids: Collection[int] | None, today: date
) -> dict[int, list[Evidence]]:
    where, params = _in("member_id", member_ids)
    rows = await tx.all(
        f"SELECT member_id, started_on FROM reeducations WHERE ended_on IS NULL{where}", params
    )
    return {r[0]: [Evidence("education", (need_date(r[1]),))] for r in rows}


_SOURCES.extend((absence_evidence, education_evidence, unpaid_evidence))


async def evidence(
    tx: Tx, member_ids: Collection[int] | None, today: date
) -> dict[int, list[Evidence]]:
    """Every registered source's evidence for these members (None: for every member)."""
    out: dict[int, list[Evidence]] = {}
    for source in _SOURCES:
        for mid, items in (await source(tx, member_ids, today)).items():
            out.setdefault(mid, []).extend(items)
    return out


# -- what the reminder rules look at -------------------------------------------------------------


async def cases(
    tx: Tx, org_ids: Collection[int] | None = None, today: date = date.max
) -> LifecycleCases:
    """Everything the lifecycle reminder rules look at (``today`` bounds the evidence)."""
    transfers = await transfers_of(tx, org_ids, "open")
    t_cases = [
        TransferCase(
            t.id,
            t.kind,
            t.full_name,
            t.from_org_id,
            t.to_org_id,
            t.trigger_date,
            t.letter_date,
            t.end_date,
        )
        for t in transfers
    ]
    pending: dict[int, list[tuple[str, date]]] = {}
    for t in transfers:
        if (
            t.kind == "official"
            and t.to_org_id is not None
            and t.letter_date is not None
            and (org_ids is None or t.to_org_id in org_ids)
        ):
            pending.setdefault(t.to_org_id, []).append((t.full_name, t.letter_date))
    names = {r[0]: r[1] for r in await tx.all("SELECT id, name FROM orgs")}
    arrivals = [
        ArrivalsCase(org, names.get(org, ""), tuple(p)) for org, p in sorted(pending.items())
    ]

    where, params = _in("m.org_id", org_ids)
    rows = await tx.all(
        "SELECT e.id, e.member_id, m.org_id, m.full_name, e.end_date FROM exemptions e"
        " JOIN members m ON m.id = e.member_id WHERE e.kind = 'temporary'"
        f" AND e.return_date IS NULL AND e.end_date IS NOT NULL{where}",
        params,
    )
    exemptions = [ExemptionCase(r[0], r[1], r[2], r[3], need_date(r[4])) for r in rows]

    residence = [
        ResidenceCase(
            c.id, c.residence_org_id, c.full_name, c.assigned_date, c.last_meeting, c.comments_years
        )
        for c in await contacts_of(tx, org_ids)
        if c.exception is None
    ]

    d_where, d_params = _in("d.org_id", org_ids)
    rows = await tx.all(
        "SELECT d.member_id, d.org_id, m.full_name, d.kind, d.left_on FROM departures d"
        f" JOIN members m ON m.id = d.member_id WHERE d.notice_date IS NULL{d_where}",
        d_params,
    )
    departures = [DepartureCase(r[0], r[1], r[2], r[3], need_date(r[4])) for r in rows]

    cards: list[CardCase] = []
    rows = await tx.all(
        "SELECT m.id, m.org_id, m.full_name, m.status, m.card_no, c.committee_decision_date,"
        " p.requested_on, p.decision_date, p.handed_on, p.collect_from, p.collected_on"
        " FROM members m LEFT JOIN conversions c ON c.member_id = m.id"
        " LEFT JOIN party_cards p ON p.member_id = m.id"
        " WHERE (c.outcome = 'converted' OR p.member_id IS NOT NULL)"
        f"{where}",
        params,
    )
    for r in rows:
        converted = from_db_date(r[5])
        requested, decided, handed = from_db_date(r[6]), from_db_date(r[7]), from_db_date(r[8])
        collect_from, collected = from_db_date(r[9]), from_db_date(r[10])
        if collect_from is not None and collected is None:
            cards.append(CardCase(r[0], r[1], r[2], "collect", collect_from))
        elif r[3] != "official":
            continue
        elif decided is not None and handed is None:
            cards.append(CardCase(r[0], r[1], r[2], "handover", decided))
        elif converted is not None and requested is None and decided is None and not r[4]:
            cards.append(CardCase(r[0], r[1], r[2], "request", converted))

    active = (
        "SELECT m.id, m.org_id, m.full_name FROM members m WHERE m.status IN"
        " ('probationary', 'official') AND NOT EXISTS (SELECT 1 FROM removal_reviews v"
        " WHERE v.member_id = m.id AND v.decision IS NULL)"
    )
    if org_ids is None:
        # the whole province: each source's evidence for every member in one query, then
        # only the members with some evidence (not 100,000 ids passed to every source)
        found = await evidence(tx, None, today)
        rows = []
        ids = sorted(found)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows += await tx.all(active + f" AND m.id IN ({_marks(len(chunk))})", chunk)
        rows.sort(key=lambda r: r[0])
    else:
        rows = await tx.all(active + where, params)
        found = await evidence(tx, [r[0] for r in rows], today) if rows else {}
    removals = [RemovalCase(r[0], r[1], r[2], tuple(found[r[0]])) for r in rows if r[0] in found]
    return LifecycleCases(t_cases, arrivals, exemptions, residence, departures, cards, removals)


# -- officers' numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Numbers:
    transfers_out_open: int = 0
    transfers_out_done: int = 0
    transfers_in_expected: int = 0
    transfers_in_done: int = 0
    temporary_away: int = 0
    temporary_here: int = 0
    exempt: int = 0
    temporarily_exempt: int = 0
    reviews_open: int = 0
    reviews_decided: int = 0


async def numbers(tx: Tx, org_ids: Iterable[int], year: int, today: date) -> dict[int, Numbers]:
    ids = sorted(set(org_ids))
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}

    def bump(org: int | None, key: str) -> None:
        if org is not None and org in counts:
            counts[org][key] = counts[org].get(key, 0) + 1

    for t in await transfers_of(tx, ids):
        done_this_year = t.completed_date is not None and t.completed_date.year == year
        if t.kind == "official":
            if t.state == "open":
                bump(t.from_org_id, "transfers_out_open")
                bump(t.to_org_id, "transfers_in_expected")
            elif t.state == "completed" and done_this_year:
                bump(t.from_org_id, "transfers_out_done")
                bump(t.to_org_id, "transfers_in_done")
        elif (p := _temp_period(t)) is not None and p.covers(today):
            bump(t.from_org_id, "temporary_away")
            bump(t.to_org_id, "temporary_here")
    where, params = _in("m.org_id", ids)
    rows = await tx.all(
        "SELECT m.org_id, e.kind, e.start_date, e.return_date FROM exemptions e"
        f" JOIN members m ON m.id = e.member_id WHERE 1{where}",
        params,
    )
    for r in rows:
        start, back = need_date(r[2]), from_db_date(r[3])
        if start <= today and (back is None or today < back):
            bump(r[0], "exempt" if r[1] == "exempt" else "temporarily_exempt")
    for v in await reviews_of(tx, ids):
        if v.open:
            bump(v.org_id, "reviews_open")
        elif v.decision_date is not None and v.decision_date.year == year:
            bump(v.org_id, "reviews_decided")
    return {i: Numbers(**c) for i, c in counts.items()}

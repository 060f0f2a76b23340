"""Party members of a cell, their status history, helpers and conversion record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from chibo.rules.probation import ConversionVote
from chibo.storage.db import Row, Tx, from_db_date, need_date, to_db_date, to_db_instant

STATUSES = ("probationary", "official", "exempt", "transferred_out", "removed", "deceased")
#: Statuses of members who still belong to the cell's roll.
ACTIVE_STATUSES = ("probationary", "official", "exempt")
GENDERS = ("male", "female")
DATE_FIELDS = ("birth_date", "decision_date", "ceremony_date", "official_date", "status_date")


@dataclass(frozen=True)
class MemberFields:
    """What a secretary edits (and the roster file carries) for one member."""

    full_name: str
    birth_date: date
    gender: str | None = None
    card_no: str | None = None
    cccd: str | None = None
    decision_date: date | None = None  # ngày vào Đảng (admission decision)
    ceremony_date: date | None = None  # ngày kết nạp tại chi bộ
    official_date: date | None = None  # ngày chính thức
    status: str = "official"
    status_date: date | None = None

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELD_NAMES}


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(MemberFields))


@dataclass(frozen=True)
class Member(MemberFields):
    id: int = 0
    org_id: int = 0
    name_key: str = ""
    course_done_date: date | None = None

    @property
    def editable(self) -> MemberFields:
        return MemberFields(**{name: getattr(self, name) for name in FIELD_NAMES})


@dataclass(frozen=True)
class StatusChange:
    status: str
    status_date: date
    note: str | None
    actor: str
    recorded_at: str


@dataclass(frozen=True)
class Conversion:
    member_id: int
    cell_resolution_date: date | None = None
    vote_rounds: int = 0
    committee_decision_date: date | None = None
    committee_decision_no: str | None = None
    outcome: str | None = None  # 'converted' | 'not_eligible'
    outcome_note: str | None = None
    outcome_date: date | None = None


def _member(row: Row) -> Member:
    return Member(
        full_name=row["full_name"],
        birth_date=need_date(row["birth_date"]),
        gender=row["gender"],
        card_no=row["card_no"],
        cccd=row["cccd"],
        decision_date=from_db_date(row["decision_date"]),
        ceremony_date=from_db_date(row["ceremony_date"]),
        official_date=from_db_date(row["official_date"]),
        status=row["status"],
        status_date=from_db_date(row["status_date"]),
        id=row["id"],
        org_id=row["org_id"],
        name_key=row["name_key"],
        course_done_date=from_db_date(row["course_done_date"]),
    )


def _values(f: MemberFields) -> list[object]:
    return [
        to_db_date(v) if isinstance(v, date) else v
        for v in (getattr(f, name) for name in FIELD_NAMES)
    ]


_COLUMNS = ", ".join(FIELD_NAMES)
_SETS = ", ".join(f"{name} = ?" for name in FIELD_NAMES)


async def insert(tx: Tx, *, org_id: int, f: MemberFields, name_key: str, at: datetime) -> int:
    stamp = to_db_instant(at)
    marks = ", ".join("?" * (len(FIELD_NAMES) + 4))
    return await tx.execute(
        f"INSERT INTO members (org_id, name_key, {_COLUMNS}, created_at, updated_at)"
        f" VALUES ({marks})",
        (org_id, name_key, *_values(f), stamp, stamp),
    )


async def insert_many(
    tx: Tx, *, org_id: int, rows: list[tuple[MemberFields, str]], at: datetime
) -> list[int]:
    """Insert (fields, name_key) rows at once; their ids, in order. Inside the write transaction
    nobody else inserts, so the new rows are exactly those above the previous largest id."""
    if not rows:
        return []
    stamp = to_db_instant(at)
    last = await tx.scalar("SELECT coalesce(max(id), 0) FROM members")
    marks = ", ".join("?" * (len(FIELD_NAMES) + 4))
    await tx.executemany(
        f"INSERT INTO members (org_id, name_key, {_COLUMNS}, created_at, updated_at)"
        f" VALUES ({marks})",
        ((org_id, key, *_values(f), stamp, stamp) for f, key in rows),  # built in its thread
    )
    ids = [r[0] for r in await tx.all("SELECT id FROM members WHERE id > ? ORDER BY id", (last,))]
    if len(ids) != len(rows):
        raise RuntimeError("members inserted concurrently: ids cannot be matched")
    return ids


async def update(tx: Tx, member_id: int, *, f: MemberFields, name_key: str, at: datetime) -> None:
    await tx.execute(
        f"UPDATE members SET name_key = ?, {_SETS}, updated_at = ? WHERE id = ?",
        (name_key, *_values(f), to_db_instant(at), member_id),
    )


async def set_course(tx: Tx, member_id: int, done: date | None, at: datetime) -> None:
    await tx.execute(
        "UPDATE members SET course_done_date = ?, updated_at = ? WHERE id = ?",
        (to_db_date(done), to_db_instant(at), member_id),
    )


async def get(tx: Tx, member_id: int) -> Member | None:
    row = await tx.one("SELECT * FROM members WHERE id = ?", (member_id,))
    return _member(row) if row else None


async def of_org(tx: Tx, org_id: int, statuses: Iterable[str] | None = None) -> list[Member]:
    """The cell's members (optionally only some statuses), by name key."""
    sql, params = "SELECT * FROM members WHERE org_id = ?", list[object]([org_id])
    if statuses is not None:
        wanted = list(statuses)
        sql += f" AND status IN ({','.join('?' * len(wanted))})"
        params.extend(wanted)
    return [_member(r) for r in await tx.all(sql + " ORDER BY name_key, id", params)]


#: A member's status on the day :on: their latest status-history entry dated on or before it;
#: a member without such an entry falls back on the roster's own status when its date is on or
#: before the day (members entered before the history was kept); NULL: not on the roll yet.
STATUS_ON_SQL = (
    "coalesce((SELECT h.status FROM member_status_history h WHERE h.member_id = m.id"
    " AND h.status_date <= :on ORDER BY h.status_date DESC, h.id DESC LIMIT 1),"
    " CASE WHEN m.status_date <= :on AND NOT EXISTS (SELECT 1 FROM member_status_history h"
    "  WHERE h.member_id = m.id) THEN m.status END)"
)
_STATUS_DATE_ON_SQL = (
    "coalesce((SELECT h.status_date FROM member_status_history h WHERE h.member_id = m.id"
    " AND h.status_date <= :on ORDER BY h.status_date DESC, h.id DESC LIMIT 1), m.status_date)"
)


async def of_org_on(
    tx: Tx, org_id: int, on: date, statuses: Iterable[str] | None = None
) -> list[Member]:
    """The cell's members as they stood on `on` (by name key): `status` and `status_date` are
    those of that day (`STATUS_ON_SQL`); members not yet on the roll then are left out, and
    `statuses` keeps only members in those statuses on that day."""
    rows = await tx.all(
        f"SELECT * FROM (SELECT m.*, {STATUS_ON_SQL} AS status_on,"
        f" {_STATUS_DATE_ON_SQL} AS status_date_on FROM members m WHERE m.org_id = :org)"
        " WHERE status_on IS NOT NULL ORDER BY name_key, id",
        {"org": org_id, "on": to_db_date(on)},
    )
    wanted = None if statuses is None else set(statuses)
    out = []
    for r in rows:
        if wanted is None or r["status_on"] in wanted:
            m = _member(r)
            out.append(
                replace(m, status=r["status_on"], status_date=from_db_date(r["status_date_on"]))
            )
    return out


async def count_by_status(tx: Tx, org_id: int) -> dict[str, int]:
    rows = await tx.all(
        "SELECT status, count(*) FROM members WHERE org_id = ? GROUP BY status", (org_id,)
    )
    return {r[0]: r[1] for r in rows}


async def _by_values(tx: Tx, column: str, values: Iterable[str]) -> list[Member]:
    wanted = sorted(set(values))
    out: list[Member] = []
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows = await tx.all(
            f"SELECT * FROM members WHERE {column} IN ({','.join('?' * len(chunk))})", chunk
        )
        out.extend(_member(r) for r in rows)
    return out


async def by_cards(tx: Tx, cards: Iterable[str]) -> dict[str, Member]:
    """Members (any cell) holding these party card numbers, by card number."""
    return {m.card_no: m for m in await _by_values(tx, "card_no", cards) if m.card_no}


async def by_cccds(tx: Tx, cccds: Iterable[str]) -> dict[str, Member]:
    """Members (any cell) with these citizen-ID numbers, by number."""
    return {m.cccd: m for m in await _by_values(tx, "cccd", cccds) if m.cccd}


async def by_person(tx: Tx, org_id: int, name_key: str, birth_date: date) -> list[Member]:
    rows = await tx.all(
        "SELECT * FROM members WHERE org_id = ? AND name_key = ? AND birth_date = ? ORDER BY id",
        (org_id, name_key, to_db_date(birth_date)),
    )
    return [_member(r) for r in rows]


# -- status history ------------------------------------------------------------------------------


async def add_history(
    tx: Tx,
    member_id: int,
    *,
    status: str,
    status_date: date,
    note: str | None,
    actor: str | int,
    at: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO member_status_history (member_id, status, status_date, note, actor,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (member_id, status, to_db_date(status_date), note, str(actor), to_db_instant(at)),
    )


async def add_history_many(
    tx: Tx, rows: Iterable[tuple[int, str, date, str | None]], *, actor: str | int, at: datetime
) -> None:
    """Several (member_id, status, status_date, note) entries at once (imports)."""
    stamp = to_db_instant(at)
    await tx.executemany(
        "INSERT INTO member_status_history (member_id, status, status_date, note, actor,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        ((mid, st, to_db_date(d), note, str(actor), stamp) for mid, st, d, note in rows),
    )


async def history(tx: Tx, member_id: int) -> list[StatusChange]:
    rows = await tx.all(
        "SELECT status, status_date, note, actor, recorded_at FROM member_status_history"
        " WHERE member_id = ? ORDER BY status_date, id",
        (member_id,),
    )
    return [StatusChange(r[0], need_date(r[1]), r[2], r[3], r[4]) for r in rows]


# -- helpers (P1) --------------------------------------------------------------------------------


async def helpers_of(tx: Tx, member_id: int) -> list[Member]:
    rows = await tx.all(
        "SELECT m.* FROM member_helpers h JOIN members m ON m.id = h.helper_member_id"
        " WHERE h.member_id = ? ORDER BY m.name_key",
        (member_id,),
    )
    return [_member(r) for r in rows]


async def add_helper(tx: Tx, member_id: int, helper_id: int) -> bool:
    n = await tx.changes(
        "INSERT OR IGNORE INTO member_helpers (member_id, helper_member_id) VALUES (?, ?)",
        (member_id, helper_id),
    )
    return n > 0


async def remove_helper(tx: Tx, member_id: int, helper_id: int) -> bool:
    n = await tx.changes(
        "DELETE FROM member_helpers WHERE member_id = ? AND helper_member_id = ?",
        (member_id, helper_id),
    )
    return n > 0


# -- conversion record (P4-P8) -------------------------------------------------------------------


async def conversion(tx: Tx, member_id: int) -> Conversion | None:
    row = await tx.one("SELECT * FROM conversions WHERE member_id = ?", (member_id,))
    if row is None:
        return None
    return Conversion(
        member_id=row["member_id"],
        cell_resolution_date=from_db_date(row["cell_resolution_date"]),
        vote_rounds=row["vote_rounds"],
        committee_decision_date=from_db_date(row["committee_decision_date"]),
        committee_decision_no=row["committee_decision_no"],
        outcome=row["outcome"],
        outcome_note=row["outcome_note"],
        outcome_date=from_db_date(row["outcome_date"]),
    )


async def put_conversion(tx: Tx, c: Conversion, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO conversions (member_id, cell_resolution_date, vote_rounds,"
        " committee_decision_date, committee_decision_no, outcome, outcome_note, outcome_date,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET"
        " cell_resolution_date = excluded.cell_resolution_date,"
        " vote_rounds = excluded.vote_rounds,"
        " committee_decision_date = excluded.committee_decision_date,"
        " committee_decision_no = excluded.committee_decision_no, outcome = excluded.outcome,"
        " outcome_note = excluded.outcome_note, outcome_date = excluded.outcome_date,"
        " updated_at = excluded.updated_at",
        (
            c.member_id,
            to_db_date(c.cell_resolution_date),
            c.vote_rounds,
            to_db_date(c.committee_decision_date),
            c.committee_decision_no,
            c.outcome,
            c.outcome_note,
            to_db_date(c.outcome_date),
            to_db_instant(at),
        ),
    )


# -- the cell's conversion votes (P6) ------------------------------------------------------------


async def add_conversion_vote(
    tx: Tx, member_id: int, vote: ConversionVote, *, actor: str | int, at: datetime
) -> None:
    await tx.execute(
        "INSERT INTO conversion_votes (member_id, held_on, agree, disagree, base, actor,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            member_id,
            to_db_date(vote.held_on),
            vote.agree,
            vote.disagree,
            vote.base,
            str(actor),
            to_db_instant(at),
        ),
    )


async def conversion_votes(tx: Tx, member_id: int) -> list[ConversionVote]:
    """The cell's vote rounds on the member's conversion, oldest first."""
    rows = await tx.all(
        "SELECT held_on, agree, disagree, base FROM conversion_votes WHERE member_id = ?"
        " ORDER BY held_on, id",
        (member_id,),
    )
    return [ConversionVote(from_db_date(r[0]) or date.min, r[1], r[2], r[3]) for r in rows]

"""Admission candidates (quần chúng ưu tú): the register, the step dates, helpers, introducers.

Also the few roster figures the admission views need (members on a date, admissions in a
year), read from the roster's tables without changing them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from chibo.rules.admission import CandidateCase
from chibo.storage.db import Row, Tx, from_db_date, need_date, to_db_date, to_db_instant

STATUSES = ("active", "admitted", "withdrawn", "not_admitted")
ORIGINS = ("youth_union", "association", "civil_servant", "private_worker", "other")
GENDERS = ("male", "female")
#: Member statuses that belong to the cell's roll.
_ROLL = ("probationary", "official", "exempt")


@dataclass(frozen=True)
class Details:
    """What the secretary enters when registering a candidate."""

    full_name: str
    birth_date: date
    gender: str | None
    origin: str
    youth_union_member: bool = False
    notes: str | None = None


@dataclass(frozen=True)
class Steps:
    """The pipeline's recorded values (None = not recorded)."""

    course_cert_date: date | None = None
    application_date: date | None = None
    background_date: date | None = None
    verification_date: date | None = None
    background_comment_date: date | None = None
    introduction_date: date | None = None
    youth_union_resolution_date: date | None = None
    trade_union_resolution_date: date | None = None
    cell_resolution_date: date | None = None
    vote_agree: int | None = None
    vote_base: int | None = None
    grassroots_resolution_date: date | None = None
    decision_date: date | None = None
    decision_no: str | None = None
    decision_received_date: date | None = None
    ceremony_date: date | None = None


STEP_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Steps))
_DETAIL_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Details))


@dataclass(frozen=True)
class Candidate:
    id: int
    org_id: int
    details: Details
    steps: Steps
    tracked_since: date
    status: str
    over_age_exception: bool
    member_id: int | None
    closed_date: date | None
    close_reason: str | None

    @property
    def full_name(self) -> str:
        return self.details.full_name

    def case(self, under_grassroots: bool = True) -> CandidateCase:
        """The file as the admission rules see it."""
        s = self.steps
        return CandidateCase(
            candidate_id=self.id,
            org_id=self.org_id,
            full_name=self.full_name,
            birth_date=self.details.birth_date,
            status="active"
            if self.status == "active"
            else ("admitted" if self.status == "admitted" else "withdrawn"),
            tracked_since=self.tracked_since,
            course_cert_date=s.course_cert_date,
            application_date=s.application_date,
            background_date=s.background_date,
            verification_date=s.verification_date,
            background_comment_date=s.background_comment_date,
            introduction_date=s.introduction_date,
            cell_resolution_date=s.cell_resolution_date,
            grassroots_resolution_date=s.grassroots_resolution_date,
            decision_date=s.decision_date,
            decision_no=s.decision_no,
            decision_received_date=s.decision_received_date,
            ceremony_date=s.ceremony_date,
            under_grassroots=under_grassroots,
            youth_union_member=self.details.youth_union_member,
            youth_union_resolution_date=s.youth_union_resolution_date,
            trade_union_resolution_date=s.trade_union_resolution_date,
            over_age_exception=self.over_age_exception,
        )


@dataclass(frozen=True)
class IntroducerRow:
    member_id: int
    together_from: date


def _to_db(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return to_db_date(value)
    return value


def _steps(row: Row) -> Steps:
    values: dict[str, object] = {}
    for name in STEP_COLUMNS:
        raw = row[name]
        values[name] = (
            raw if name in ("vote_agree", "vote_base", "decision_no") else from_db_date(raw)
        )
    return Steps(**values)  # type: ignore[arg-type]


def _candidate(row: Row) -> Candidate:
    details = Details(
        full_name=row["full_name"],
        birth_date=need_date(row["birth_date"]),
        gender=row["gender"],
        origin=row["origin"],
        youth_union_member=bool(row["youth_union_member"]),
        notes=row["notes"],
    )
    tracked = from_db_date(row["tracked_since"])
    assert details.birth_date is not None and tracked is not None
    return Candidate(
        id=row["id"],
        org_id=row["org_id"],
        details=details,
        steps=_steps(row),
        tracked_since=tracked,
        status=row["status"],
        over_age_exception=bool(row["over_age_exception"]),
        member_id=row["member_id"],
        closed_date=from_db_date(row["closed_date"]),
        close_reason=row["close_reason"],
    )


def _in(column: str, ids: Collection[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    wanted = sorted(set(ids))
    if not wanted:
        return " AND 0", []
    return f" AND {column} IN ({','.join('?' * len(wanted))})", wanted


# -- the register ----------------------------------------------------------------------------


async def insert(
    tx: Tx, *, org_id: int, d: Details, name_key: str, tracked_since: date, at: datetime
) -> int:
    stamp = to_db_instant(at)
    cols = ", ".join(_DETAIL_COLUMNS)
    marks = ", ".join("?" * (len(_DETAIL_COLUMNS) + 5))
    return await tx.execute(
        f"INSERT INTO candidates (org_id, name_key, tracked_since, created_at, updated_at, {cols})"
        f" VALUES ({marks})",
        (
            org_id,
            name_key,
            to_db_date(tracked_since),
            stamp,
            stamp,
            *(_to_db(getattr(d, c)) for c in _DETAIL_COLUMNS),
        ),
    )


async def update_details(
    tx: Tx, candidate_id: int, d: Details, *, name_key: str, at: datetime
) -> None:
    sets = ", ".join(f"{c} = ?" for c in _DETAIL_COLUMNS)
    await tx.execute(
        f"UPDATE candidates SET name_key = ?, {sets}, updated_at = ? WHERE id = ?",
        (
            name_key,
            *(_to_db(getattr(d, c)) for c in _DETAIL_COLUMNS),
            to_db_instant(at),
            candidate_id,
        ),
    )


async def set_steps(tx: Tx, candidate_id: int, values: Mapping[str, object], at: datetime) -> None:
    """Write some step columns (names from `STEP_COLUMNS` only)."""
    unknown = set(values) - set(STEP_COLUMNS)
    if unknown:
        raise ValueError(f"not step columns: {sorted(unknown)}")
    if not values:
        return
    names = sorted(values)
    sets = ", ".join(f"{n} = ?" for n in names)
    await tx.execute(
        f"UPDATE candidates SET {sets}, updated_at = ? WHERE id = ?",
        (*(_to_db(values[n]) for n in names), to_db_instant(at), candidate_id),
    )


async def set_status(
    tx: Tx,
    candidate_id: int,
    *,
    status: str,
    closed_date: date | None,
    reason: str | None,
    member_id: int | None,
    at: datetime,
) -> None:
    await tx.execute(
        "UPDATE candidates SET status = ?, closed_date = ?, close_reason = ?,"
        " member_id = COALESCE(?, member_id), updated_at = ? WHERE id = ?",
        (status, to_db_date(closed_date), reason, member_id, to_db_instant(at), candidate_id),
    )


async def set_exception(tx: Tx, candidate_id: int, value: bool, at: datetime) -> None:
    await tx.execute(
        "UPDATE candidates SET over_age_exception = ?, updated_at = ? WHERE id = ?",
        (int(value), to_db_instant(at), candidate_id),
    )


async def get(tx: Tx, candidate_id: int) -> Candidate | None:
    row = await tx.one("SELECT * FROM candidates WHERE id = ?", (candidate_id,))
    return _candidate(row) if row else None


async def of_orgs(
    tx: Tx, org_ids: Collection[int] | None, statuses: Iterable[str] | None = None
) -> list[Candidate]:
    """Candidates of these organisations (all when None), by name key."""
    where, ids = _in("org_id", org_ids)
    params: list[object] = list(ids)
    if statuses is not None:
        wanted = list(statuses)
        where += f" AND status IN ({','.join('?' * len(wanted))})"
        params = [*params, *wanted]
    rows = await tx.all(f"SELECT * FROM candidates WHERE 1{where} ORDER BY name_key, id", params)
    return [_candidate(r) for r in rows]


# -- helpers and introducers --------------------------------------------------------------------


async def helper_ids(tx: Tx, candidate_id: int) -> list[int]:
    rows = await tx.all(
        "SELECT member_id FROM candidate_helpers WHERE candidate_id = ? ORDER BY member_id",
        (candidate_id,),
    )
    return [r[0] for r in rows]


async def set_helpers(tx: Tx, candidate_id: int, member_ids: Iterable[int]) -> None:
    await tx.execute("DELETE FROM candidate_helpers WHERE candidate_id = ?", (candidate_id,))
    await tx.executemany(
        "INSERT INTO candidate_helpers (candidate_id, member_id) VALUES (?, ?)",
        [(candidate_id, m) for m in sorted(set(member_ids))],
    )


async def introducers(tx: Tx, candidate_id: int) -> list[IntroducerRow]:
    rows = await tx.all(
        "SELECT member_id, together_from FROM candidate_introducers"
        " WHERE candidate_id = ? ORDER BY member_id",
        (candidate_id,),
    )
    out = []
    for r in rows:
        together = from_db_date(r[1])
        assert together is not None
        out.append(IntroducerRow(r[0], together))
    return out


async def set_introducers(tx: Tx, candidate_id: int, rows: Iterable[IntroducerRow]) -> None:
    await tx.execute("DELETE FROM candidate_introducers WHERE candidate_id = ?", (candidate_id,))
    await tx.executemany(
        "INSERT INTO candidate_introducers (candidate_id, member_id, together_from)"
        " VALUES (?, ?, ?)",
        [(candidate_id, r.member_id, to_db_date(r.together_from)) for r in rows],
    )


# -- per-cell setting ----------------------------------------------------------------------------


async def under_grassroots(tx: Tx, org_id: int) -> bool | None:
    """The recorded setting, or None when not set (then it is inferred)."""
    value = await tx.scalar(
        "SELECT under_grassroots FROM admission_settings WHERE org_id = ?", (org_id,)
    )
    return None if value is None else bool(value)


async def set_under_grassroots(tx: Tx, org_id: int, value: bool | None, at: datetime) -> None:
    if value is None:
        await tx.execute("DELETE FROM admission_settings WHERE org_id = ?", (org_id,))
        return
    await tx.execute(
        "INSERT INTO admission_settings (org_id, under_grassroots, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (org_id) DO UPDATE SET under_grassroots = excluded.under_grassroots,"
        " updated_at = excluded.updated_at",
        (org_id, int(value), to_db_instant(at)),
    )


# -- reminders -----------------------------------------------------------------------------------


async def reminder_cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[CandidateCase]:
    """A case per active candidate (A3, A10, A11, stalled files)."""
    return [c.case() for c in await of_orgs(tx, org_ids, ["active"])]


# -- roster figures (read only) ------------------------------------------------------------------


async def members_on(tx: Tx, org_ids: Collection[int], day: date) -> int:
    """Members on the roll at the start of `day`: the latest status recorded before it; a
    member with no status history before it counts if admitted (decision, ceremony or
    official date) before it."""
    where, params = _in("m.org_id", org_ids)
    marks = ",".join("?" * len(_ROLL))
    d = to_db_date(day)
    return int(
        await tx.scalar(
            "SELECT count(*) FROM members m WHERE COALESCE("
            " (SELECT h.status FROM member_status_history h WHERE h.member_id = m.id"
            "  AND h.status_date < ? ORDER BY h.status_date DESC, h.id DESC LIMIT 1),"
            " CASE WHEN COALESCE(m.decision_date, m.ceremony_date, m.official_date) < ?"
            "  THEN 'official' END)"
            f" IN ({marks}){where}",
            (d, d, *_ROLL, *params),
        )
        or 0
    )


async def admitted_between(tx: Tx, org_ids: Collection[int], first: date, last: date) -> int:
    """Admissions decided in [first, last]: members of the roster with that admission-decision
    date, plus candidates with a decision whose ceremony has not made them members yet."""
    where_m, params_m = _in("org_id", org_ids)
    where_c, params_c = _in("org_id", org_ids)
    span = (to_db_date(first), to_db_date(last))
    members = await tx.scalar(
        f"SELECT count(*) FROM members WHERE decision_date BETWEEN ? AND ?{where_m}",
        (*span, *params_m),
    )
    pending = await tx.scalar(
        "SELECT count(*) FROM candidates WHERE status = 'active' AND member_id IS NULL"
        f" AND decision_date BETWEEN ? AND ?{where_c}",
        (*span, *params_c),
    )
    return int(members or 0) + int(pending or 0)

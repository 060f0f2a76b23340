"""Cell meetings: the record, per-member attendance and the tasks the meeting assigned."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime

from chibo.rules.meeting_reminders import AbsenceCase, CellMeetingCase, TaskCase
from chibo.rules.meetings import AttendanceRecord
from chibo.storage.db import Row, Tx, from_db_date, to_db_date, to_db_instant

KINDS = ("regular", "thematic", "extraordinary")
#: Attendance statuses; `exempt` members (miễn sinh hoạt) are listed apart, never absent.
ATTENDANCE = ("present", "excused", "unexcused", "exempt")


@dataclass(frozen=True)
class MeetingFields:
    """What a secretary records about one meeting (attendance and tasks apart)."""

    held_on: date
    kind: str
    topic: str | None = None
    upper_attendee: str | None = None
    contents: str | None = None
    rating: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Meeting(MeetingFields):
    id: int = 0
    org_id: int = 0
    created_by: str = ""

    @property
    def fields(self) -> MeetingFields:
        return MeetingFields(
            self.held_on, self.kind, self.topic, self.upper_attendee, self.contents, self.rating
        )


@dataclass(frozen=True)
class Attendee:
    member_id: int
    full_name: str
    status: str


@dataclass(frozen=True)
class TaskFields:
    """A task given to a member; `id` set when it is already stored (kept on edits)."""

    member_id: int
    task: str
    due_date: date
    id: int | None = None


@dataclass(frozen=True)
class Task:
    id: int
    meeting_id: int
    org_id: int
    member_id: int
    member_name: str
    task: str
    due_date: date
    done_on: date | None
    held_on: date


@dataclass(frozen=True)
class MemberAttendance:
    """One member's attendance at one meeting of their cell."""

    member_id: int
    meeting_id: int
    held_on: date
    kind: str
    status: str


_FIELDS = ("held_on", "kind", "topic", "upper_attendee", "contents", "rating")


def _meeting(row: Row) -> Meeting:
    held = from_db_date(row["held_on"])
    assert held is not None
    return Meeting(
        held_on=held,
        kind=row["kind"],
        topic=row["topic"],
        upper_attendee=row["upper_attendee"],
        contents=row["contents"],
        rating=row["rating"],
        id=row["id"],
        org_id=row["org_id"],
        created_by=row["created_by"],
    )


def _values(f: MeetingFields) -> tuple[object, ...]:
    return (to_db_date(f.held_on), f.kind, f.topic, f.upper_attendee, f.contents, f.rating)


def _marks(n: int) -> str:
    return ",".join("?" * n)


async def insert(tx: Tx, *, org_id: int, f: MeetingFields, actor: str | int, at: datetime) -> int:
    stamp = to_db_instant(at)
    return await tx.execute(
        f"INSERT INTO meetings (org_id, {', '.join(_FIELDS)}, created_by, created_at,"
        f" updated_at) VALUES ({_marks(len(_FIELDS) + 4)})",
        (org_id, *_values(f), str(actor), stamp, stamp),
    )


async def update(tx: Tx, meeting_id: int, f: MeetingFields, at: datetime) -> None:
    sets = ", ".join(f"{name} = ?" for name in _FIELDS)
    await tx.execute(
        f"UPDATE meetings SET {sets}, updated_at = ? WHERE id = ?",
        (*_values(f), to_db_instant(at), meeting_id),
    )


async def delete(tx: Tx, meeting_id: int) -> bool:
    """Delete a meeting with its attendance and tasks."""
    return await tx.changes("DELETE FROM meetings WHERE id = ?", (meeting_id,)) > 0


async def get(tx: Tx, meeting_id: int) -> Meeting | None:
    row = await tx.one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
    return _meeting(row) if row else None


async def of_org(
    tx: Tx,
    org_id: int,
    *,
    since: date | None = None,
    until: date | None = None,
    kinds: Collection[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Meeting]:
    """The cell's meetings in [since, until], newest first."""
    sql, params = "SELECT * FROM meetings WHERE org_id = ?", list[object]([org_id])
    if since is not None:
        sql += " AND held_on >= ?"
        params.append(to_db_date(since))
    if until is not None:
        sql += " AND held_on <= ?"
        params.append(to_db_date(until))
    if kinds is not None:
        sql += f" AND kind IN ({_marks(len(kinds))})"
        params.extend(kinds)
    sql += " ORDER BY held_on DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params.extend((limit, offset))
    return [_meeting(r) for r in await tx.all(sql, params)]


async def count_of_org(tx: Tx, org_id: int) -> int:
    return int(await tx.scalar("SELECT count(*) FROM meetings WHERE org_id = ?", (org_id,)))


# -- attendance ----------------------------------------------------------------------------------


async def set_attendance(tx: Tx, meeting_id: int, statuses: Mapping[int, str]) -> None:
    """Replace the meeting's attendance (an empty mapping: not recorded)."""
    await tx.execute("DELETE FROM meeting_attendance WHERE meeting_id = ?", (meeting_id,))
    await tx.executemany(
        "INSERT INTO meeting_attendance (meeting_id, member_id, status) VALUES (?, ?, ?)",
        [(meeting_id, mid, status) for mid, status in sorted(statuses.items())],
    )


async def attendance(tx: Tx, meeting_id: int) -> list[Attendee]:
    rows = await tx.all(
        "SELECT a.member_id, m.full_name, a.status FROM meeting_attendance a"
        " JOIN members m ON m.id = a.member_id WHERE a.meeting_id = ?"
        " ORDER BY m.name_key, m.id",
        (meeting_id,),
    )
    return [Attendee(r[0], r[1], r[2]) for r in rows]


async def attendance_counts(tx: Tx, meeting_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per meeting, how many members had each status (meetings without rows are absent)."""
    ids = sorted(set(meeting_ids))
    out: dict[int, dict[str, int]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = await tx.all(
            "SELECT meeting_id, status, count(*) FROM meeting_attendance"
            f" WHERE meeting_id IN ({_marks(len(chunk))}) GROUP BY meeting_id, status",
            chunk,
        )
        for r in rows:
            out.setdefault(r[0], {})[r[1]] = r[2]
    return out


async def member_attendance(
    tx: Tx, member_ids: Collection[int], *, since: date, until: date
) -> list[MemberAttendance]:
    """Attendance of these members at meetings held in [since, until], oldest first."""
    ids = sorted(set(member_ids))
    if not ids:
        return []
    rows = await tx.all(
        "SELECT a.member_id, g.id, g.held_on, g.kind, a.status FROM meeting_attendance a"
        " JOIN meetings g ON g.id = a.meeting_id"
        f" WHERE a.member_id IN ({_marks(len(ids))}) AND g.held_on >= ? AND g.held_on <= ?"
        " ORDER BY g.held_on, g.id",
        (*ids, to_db_date(since), to_db_date(until)),
    )
    return [MemberAttendance(r[0], r[1], from_db_date(r[2]) or since, r[3], r[4]) for r in rows]


# -- tasks ---------------------------------------------------------------------------------------

_TASK_SELECT = (
    "SELECT t.id, t.meeting_id, g.org_id, t.member_id, m.full_name, t.task, t.due_date,"
    " t.done_on, g.held_on FROM meeting_tasks t JOIN meetings g ON g.id = t.meeting_id"
    " JOIN members m ON m.id = t.member_id"
)


def _task(r: Row) -> Task:
    due, held = from_db_date(r[6]), from_db_date(r[8])
    assert due is not None and held is not None
    return Task(r[0], r[1], r[2], r[3], r[4], r[5], due, from_db_date(r[7]), held)


async def set_tasks(tx: Tx, meeting_id: int, tasks: Iterable[TaskFields]) -> None:
    """Replace the meeting's tasks; a task keeping its `id` keeps its done date."""
    wanted = list(tasks)
    keep = [task.id for task in wanted if task.id is not None]
    await tx.execute(
        f"DELETE FROM meeting_tasks WHERE meeting_id = ? AND id NOT IN ({_marks(len(keep))})",
        (meeting_id, *keep),
    )
    for position, task in enumerate(wanted):
        if task.id is not None:
            await tx.execute(
                "UPDATE meeting_tasks SET member_id = ?, task = ?, due_date = ?, position = ?"
                " WHERE id = ? AND meeting_id = ?",
                (
                    task.member_id,
                    task.task,
                    to_db_date(task.due_date),
                    position,
                    task.id,
                    meeting_id,
                ),
            )
        else:
            await tx.execute(
                "INSERT INTO meeting_tasks (meeting_id, member_id, task, due_date, position)"
                " VALUES (?, ?, ?, ?, ?)",
                (meeting_id, task.member_id, task.task, to_db_date(task.due_date), position),
            )


async def tasks(tx: Tx, meeting_id: int) -> list[Task]:
    rows = await tx.all(
        f"{_TASK_SELECT} WHERE t.meeting_id = ? ORDER BY t.position, t.id", (meeting_id,)
    )
    return [_task(r) for r in rows]


async def task(tx: Tx, task_id: int) -> Task | None:
    row = await tx.one(f"{_TASK_SELECT} WHERE t.id = ?", (task_id,))
    return _task(row) if row else None


async def open_tasks(tx: Tx, org_ids: Collection[int] | None = None) -> list[Task]:
    """Tasks not marked done (every cell, or only `org_ids`), by due date."""
    where, params = _in("g.org_id", org_ids)
    rows = await tx.all(
        f"{_TASK_SELECT} WHERE t.done_on IS NULL{where} ORDER BY t.due_date, t.id", params
    )
    return [_task(r) for r in rows]


async def set_task_done(tx: Tx, task_id: int, done_on: date | None) -> None:
    await tx.execute(
        "UPDATE meeting_tasks SET done_on = ? WHERE id = ?", (to_db_date(done_on), task_id)
    )


# -- what the reminder rules look at (rules.meeting_reminders) -----------------------------------


def _in(column: str, org_ids: Collection[int] | None) -> tuple[str, list[int]]:
    if org_ids is None:
        return "", []
    ids = sorted(set(org_ids))
    return (f" AND {column} IN ({_marks(len(ids))})", ids) if ids else (" AND 0", [])


async def cell_meeting_cases(
    tx: Tx, org_ids: Collection[int] | None = None, since: date | None = None
) -> list[CellMeetingCase]:
    """Per cell: its regular and thematic meeting dates (held on or after `since`), the day
    the bot started tracking it, and its official members, exempt ones included (M5: they
    remain official members), None while it has no roster."""
    where, params = _in("o.id", org_ids)
    cells = await tx.all(
        "SELECT o.id, o.name, substr(o.created_at, 1, 10),"
        " sum(m.status IN ('official', 'exempt')), count(m.id) FROM orgs o LEFT JOIN members m"
        " ON m.org_id = o.id AND m.status IN ('probationary', 'official', 'exempt')"
        f" WHERE o.kind = 'cell'{where} GROUP BY o.id ORDER BY o.id",
        params,
    )
    sql = (
        "SELECT org_id, kind, held_on FROM meetings WHERE kind IN ('regular', 'thematic')"
        " AND held_on >= ?"
    )
    where, params = _in("org_id", org_ids)
    rows = await tx.all(sql + where + " ORDER BY held_on", (to_db_date(since or date.min), *params))
    held: dict[tuple[int, str], list[date]] = {}
    for r in rows:
        held.setdefault((r[0], r[1]), []).append(from_db_date(r[2]) or date.min)
    return [
        CellMeetingCase(
            org_id=c[0],
            org_name=c[1],
            regular_dates=tuple(held.get((c[0], "regular"), ())),
            thematic_dates=tuple(held.get((c[0], "thematic"), ())),
            since=from_db_date(c[2]),
            official_count=int(c[3] or 0) if c[4] else None,
        )
        for c in cells
    ]


async def absence_cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[AbsenceCase]:
    """Members on a cell's roll (not exempt) with their unexcused absences."""
    where, params = _in("m.org_id", org_ids)
    rows = await tx.all(
        "SELECT m.id, m.org_id, m.full_name, g.held_on FROM meeting_attendance a"
        " JOIN meetings g ON g.id = a.meeting_id JOIN members m ON m.id = a.member_id"
        " WHERE a.status = 'unexcused' AND m.status IN ('probationary', 'official')"
        f"{where} ORDER BY m.id, g.held_on",
        params,
    )
    found: dict[int, tuple[int, str, list[AttendanceRecord]]] = {}
    for r in rows:
        held = from_db_date(r[3]) or date.min
        found.setdefault(r[0], (r[1], r[2], []))[2].append(AttendanceRecord(held, "unexcused"))
    return [
        AbsenceCase(mid, org, name, tuple(records)) for mid, (org, name, records) in found.items()
    ]


async def task_cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[TaskCase]:
    """Meeting tasks not marked done."""
    return [
        TaskCase(task.id, task.org_id, task.member_name, task.task, task.due_date)
        for task in await open_tasks(tx, org_ids)
    ]

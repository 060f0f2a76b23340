"""Cell meetings: record, edit, delete (validated, audited), and read the meeting book.

`actor` is a Telegram user id (checked: secretary or deputy of the cell to write, any reader
of it to read) or `"cli"` (trusted). Every write validates first with `rules.meetings`, then
writes in one transaction with an audit entry holding the values before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, cast

from chibo.rules import meetings as rules
from chibo.rules.catalogue import Catalogue
from chibo.rules.dates import add_months, month_end
from chibo.rules.messages import N_, Msg
from chibo.rules.text import clean_line
from chibo.rules.text import clean_text as clean_free_text
from chibo.storage import audit
from chibo.storage import lifecycle as lifecycle_store
from chibo.storage import meetings as store
from chibo.storage import members as member_store
from chibo.storage import minutes as minutes_store
from chibo.storage import orgs as org_store
from chibo.storage.db import Tx
from chibo.storage.meetings import ATTENDANCE as ATTENDANCE
from chibo.storage.meetings import KINDS, Attendee, Meeting, MeetingFields, Task, TaskFields
from chibo.storage.members import Member
from chibo.storage.minutes import MinutesFields
from chibo.storage.orgs import Org
from chibo.usecases import access
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound

Actor = int | str
#: Members who are called in the roll (exempt ones are listed apart).
ROLL_STATUSES = ("probationary", "official")
EXEMPT = "exempt"
MAX_TOPIC, MAX_UPPER, MAX_CONTENTS, MAX_TASK = 300, 300, 4000, 500

KIND_LABELS = {
    "regular": N_("Regular (monthly)"),
    "thematic": N_("Thematic"),
    "extraordinary": N_("Extraordinary"),
}
GONE = Msg(N_("This meeting record no longer exists."))
TASK_GONE = Msg(N_("This task no longer exists."))


class DuplicateRegular(InvalidInput):
    """A second regular meeting in a month; `existing` is the one already recorded."""

    def __init__(self, msg: Msg, existing: Meeting) -> None:
        super().__init__(msg)
        self.existing = existing


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as entered; `attendance` None = not recorded (back-filling)."""

    fields: MeetingFields
    attendance: Mapping[int, str] | None = None
    tasks: Sequence[TaskFields] = ()
    minutes: MinutesFields | None = None  # None: keep what is stored (usecases.minutes)


@dataclass(frozen=True)
class RollCall:
    """The cell's members for the attendance checklist."""

    called: list[Member]  # probationary and official members
    exempt: list[Member]  # exempted from activities: listed apart, never absent


@dataclass(frozen=True)
class Counts:
    present: int = 0
    excused: int = 0
    unexcused: int = 0
    exempt: int = 0

    @property
    def expected(self) -> int:
        return self.present + self.excused + self.unexcused

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.present, self.expected) if self.expected else None

    @classmethod
    def of(cls, statuses: Mapping[str, int]) -> Counts:
        return cls(*(statuses.get(s, 0) for s in ATTENDANCE))


@dataclass(frozen=True)
class MeetingDetail:
    meeting: Meeting
    org: Org
    attendees: list[Attendee]
    tasks: list[Task]
    can_write: bool

    @property
    def counts(self) -> Counts:
        return Counts.of({s: sum(a.status == s for a in self.attendees) for s in ATTENDANCE})

    def by_status(self, status: str) -> list[Attendee]:
        return [a for a in self.attendees if a.status == status]


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    counts: Counts | None  # None: attendance not recorded


@dataclass(frozen=True)
class MonthLine:
    month: int
    status: str  # rules.meetings.PeriodStatus of the regular meeting
    regular: MeetingLine | None


@dataclass(frozen=True)
class YearReport:
    org: Org
    year: int
    months: list[MonthLine]
    quarters: list[rules.QuarterView]
    extraordinary: tuple[date, ...]
    rate: Fraction | None  # attendance over the year's meetings with a roll call


@dataclass(frozen=True)
class MemberHistory:
    member: Member
    since: date
    until: date
    records: list[store.MemberAttendance]
    absences: rules.AbsenceStatus
    counts: Counts = field(default_factory=Counts)


# -- access ------------------------------------------------------------------------------------


async def _require_write(ctx: AppContext, actor: Actor, org_id: int) -> None:
    if isinstance(actor, int):
        await access.require_write(ctx, actor, org_id)


async def _require_read(ctx: AppContext, actor: Actor, org_id: int) -> None:
    if isinstance(actor, int):
        await access.require_read(ctx, actor, org_id)


async def _meeting(ctx: AppContext, meeting_id: int) -> Meeting:
    async with ctx.db.read() as tx:
        meeting = await store.get(tx, meeting_id)
    if meeting is None:
        raise NotFound(GONE)
    return meeting


async def for_write(ctx: AppContext, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, if `actor` may change it (forged ids of other cells: AccessDenied)."""
    meeting = await _meeting(ctx, meeting_id)
    await _require_write(ctx, actor, meeting.org_id)
    return meeting


async def cell_for_write(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    """The cell, if `actor` may record its meetings."""
    org = await access.org_for(ctx, actor, org_id, write=True)
    if org is None or not org.is_cell:
        raise NotFound(Msg(N_("No such cell.")))
    return org


async def cell_for_read(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    """The cell, if `actor` may read its meeting book."""
    org = await access.org_for(ctx, actor, org_id, write=False)
    if org is None:
        raise NotFound(Msg(N_("No such cell.")))
    if not org.is_cell:
        raise InvalidInput(
            Msg(
                N_("{code} is not a cell (chi bộ): meetings are recorded by cells."),
                {"code": org.code},
            )
        )
    return org


async def cell_by_code(ctx: AppContext, code: str) -> Org:
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    if org is None:
        raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": code}))
    if not org.is_cell:
        raise InvalidInput(
            Msg(
                N_("{code} is not a cell (chi bộ): meetings are recorded by cells."),
                {"code": org.code},
            )
        )
    return org


# -- the roll ----------------------------------------------------------------------------------


async def roll_call(ctx: AppContext, org_id: int, on: date | None = None) -> RollCall:
    """The cell's roll on the meeting day `on` (today if None), from the status history: a
    member admitted later is not called, one exempt only since then is called. Members
    temporarily exempted that day (§6.4) are listed apart with the exempt ones; members on
    temporary transfer elsewhere that day (§6.3) attend there and are not called here."""
    day = on or ctx.today()
    async with ctx.db.read() as tx:
        members = await member_store.of_org_on(tx, org_id, day, (*ROLL_STATUSES, EXEMPT))
        ids = [m.id for m in members]
        away = await lifecycle_store.away_periods(tx, ids)
        exemptions = await lifecycle_store.exemptions_of(tx, ids)
    here = [m for m in members if not any(p.covers(day) for p in away.get(m.id, []))]

    def exempt(m: Member) -> bool:
        return m.status == EXEMPT or any(e.period.covers(day) for e in exemptions.get(m.id, []))

    return RollCall([m for m in here if not exempt(m)], [m for m in here if exempt(m)])


async def member_names(ctx: AppContext, org_id: int) -> dict[int, str]:
    """Every member of the cell ever recorded (also those who left), by id."""
    async with ctx.db.read() as tx:
        return {m.id: m.full_name for m in await member_store.of_org(tx, org_id)}


async def member_for_write(
    ctx: AppContext, actor: Actor, member_id: int, org_id: int | None = None
) -> Member:
    """A member of a cell `actor` may write (and of `org_id`, when given)."""
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, member_id)
    if member is None or (org_id is not None and member.org_id != org_id):
        raise NotFound(Msg(N_("That person is not a member of this cell.")))
    await _require_write(ctx, actor, member.org_id)
    return member


async def regular_in_month(
    ctx: AppContext, org_id: int, day: date, exclude_id: int | None = None
) -> Meeting | None:
    """The cell's regular meeting in `day`'s month, if one is recorded."""
    async with ctx.db.read() as tx:
        found = await store.of_org(
            tx, org_id, since=day.replace(day=1), until=month_end(day), kinds=("regular",)
        )
    return next((m for m in found if m.id != exclude_id), None)


# -- validation --------------------------------------------------------------------------------


def _catalogue(ctx: AppContext) -> Catalogue:
    """The rules catalogue with the configured rating levels."""
    return ctx.catalogue.with_overrides({"meeting.rating_levels": list(ctx.config.rating_levels)})


def _clean(text: str | None, limit: int, what: str) -> str | None:
    value = clean_line(text or "") if what != "contents" else clean_free_text(text or "")
    if len(value) > limit:
        raise InvalidInput(
            Msg(
                N_("That text is too long ({n} characters); the limit is {limit}."),
                {"n": len(value), "limit": limit},
            )
        )
    return value or None


def clean_text(text: str, what: str) -> str | None:
    """Typed text for a field ("topic", "upper", "contents", "task"), tidied and checked."""
    limits = {
        "topic": MAX_TOPIC,
        "upper": MAX_UPPER,
        "contents": MAX_CONTENTS,
        "task": MAX_TASK,
        "task_text": MAX_TASK,
    }
    return _clean(text, limits[what], what)


def normalise(inp: MeetingInput) -> MeetingInput:
    f = inp.fields
    fields = replace(
        f,
        topic=_clean(f.topic, MAX_TOPIC, "topic"),
        upper_attendee=_clean(f.upper_attendee, MAX_UPPER, "upper"),
        contents=_clean(f.contents, MAX_CONTENTS, "contents"),
        rating=(f.rating or None),
    )
    tasks = [replace(task, task=_clean(task.task, MAX_TASK, "task") or "") for task in inp.tasks]
    return replace(inp, fields=fields, tasks=tasks)


async def _validate(
    tx: Tx, ctx: AppContext, org_id: int, inp: MeetingInput, meeting_id: int | None = None
) -> None:
    f = inp.fields
    if f.kind not in KINDS:
        raise InvalidInput(Msg(N_("Unknown meeting kind {kind}."), {"kind": f.kind}))
    same_month = await store.of_org(
        tx, org_id, since=f.held_on.replace(day=1), until=month_end(f.held_on), kinds=("regular",)
    )
    proposed = _rule_meeting(org_id, f.held_on, f.kind, meeting_id, f.topic, f.rating)
    catalogue, today = _catalogue(ctx), ctx.today()
    check = rules.check_meeting(
        proposed,
        [_rule_meeting(m.org_id, m.held_on, m.kind, m.id) for m in same_month],
        today,
        catalogue,
    )
    if check.duplicate_of is None:
        if check.problems:
            raise InvalidInput(check.problems[0])
    else:
        others = {p.key for p in rules.check_meeting(proposed, [], today, catalogue).problems}
        problems = [p for p in check.problems if p.key not in others]
        if len(problems) < len(check.problems):
            raise InvalidInput(next(p for p in check.problems if p.key in others))
        existing = next(m for m in same_month if m.id == check.duplicate_of.meeting_id)
        raise DuplicateRegular(problems[0], existing)
    await _validate_people(tx, org_id, inp, meeting_id)


def _rule_meeting(
    org_id: int,
    held_on: date,
    kind: str,
    meeting_id: int | None = None,
    topic: str | None = None,
    rating: str | None = None,
) -> rules.Meeting:
    return rules.Meeting(org_id, held_on, cast(rules.MeetingKind, kind), meeting_id, topic, rating)


async def _validate_people(tx: Tx, org_id: int, inp: MeetingInput, meeting_id: int | None) -> None:
    day = inp.fields.held_on
    on_roll = {
        m.id for m in await member_store.of_org_on(tx, org_id, day, (*ROLL_STATUSES, EXEMPT))
    }
    if meeting_id is not None:  # members recorded then who have left since stay valid
        on_roll |= {a.member_id for a in await store.attendance(tx, meeting_id)}
        on_roll |= {task.member_id for task in await store.tasks(tx, meeting_id)}
    for member_id, status in (inp.attendance or {}).items():
        if member_id not in on_roll:
            raise InvalidInput(
                Msg(
                    N_(
                        "Member #{id} is not on this cell's roll: only the cell's"
                        " members can be marked present or absent."
                    ),
                    {"id": member_id},
                )
            )
        if status not in ATTENDANCE:
            raise InvalidInput(Msg(N_("Unknown attendance status {status}."), {"status": status}))
    for task in inp.tasks:
        if task.member_id not in on_roll:
            raise InvalidInput(
                Msg(
                    N_("Member #{id} is not on this cell's roll: tasks go to the cell's members."),
                    {"id": task.member_id},
                )
            )
        if not task.task:
            raise InvalidInput(Msg(N_("A task needs a description.")))
        if task.due_date < inp.fields.held_on:
            raise InvalidInput(
                Msg(
                    N_("A task's due date ({due}) cannot be before the meeting ({held_on})."),
                    {"due": task.due_date, "held_on": inp.fields.held_on},
                )
            )


async def check(
    ctx: AppContext, org_id: int, inp: MeetingInput, meeting_id: int | None = None
) -> MeetingInput:
    """Validate without writing (the chat flow checks before its summary); normalised input."""
    inp = normalise(inp)
    async with ctx.db.read() as tx:
        await _validate(tx, ctx, org_id, inp, meeting_id)
    return inp


# -- writes ------------------------------------------------------------------------------------


def _snapshot(
    f: MeetingFields,
    attendance: Mapping[int, str] | None,
    tasks: Sequence[TaskFields | Task],
    minutes: MinutesFields | None = None,
) -> dict[str, Any]:
    extra = {"minutes": minutes.as_dict()} if minutes is not None and not minutes.empty else {}
    return {
        **extra,
        **f.as_dict(),
        "attendance": {str(k): v for k, v in sorted((attendance or {}).items())},
        "tasks": [
            {"member_id": task.member_id, "task": task.task, "due_date": task.due_date}
            for task in tasks
        ],
    }


async def record(ctx: AppContext, *, actor: Actor, org_id: int, inp: MeetingInput) -> Meeting:
    """Store a new meeting (validated; audited)."""
    await cell_for_write(ctx, actor, org_id)
    inp = normalise(inp)
    async with ctx.db.transaction() as tx:
        await _validate(tx, ctx, org_id, inp)
        meeting_id = await store.insert(tx, org_id=org_id, f=inp.fields, actor=actor, at=ctx.now())
        await store.set_attendance(tx, meeting_id, inp.attendance or {})
        await store.set_tasks(tx, meeting_id, inp.tasks)
        await _save_minutes(tx, meeting_id, inp)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="meeting",
            entity_id=meeting_id,
            action="create",
            after={
                "org_id": org_id,
                **_snapshot(inp.fields, inp.attendance, inp.tasks, inp.minutes),
            },
        )
        meeting = await store.get(tx, meeting_id)
    assert meeting is not None
    return meeting


async def _save_minutes(tx: Tx, meeting_id: int, inp: MeetingInput) -> None:
    """The minutes' details; reasons kept only for members marked absent."""
    if inp.minutes is None:
        return
    absent = {k for k, v in (inp.attendance or {}).items() if v in ("excused", "unexcused")}
    reasons = {k: v for k, v in inp.minutes.reasons.items() if k in absent and v}
    await minutes_store.save(tx, meeting_id, replace(inp.minutes, reasons=reasons))


async def _stored_input(tx: Tx, meeting: Meeting) -> MeetingInput:
    attendees = await store.attendance(tx, meeting.id)
    tasks = await store.tasks(tx, meeting.id)
    return MeetingInput(
        meeting.fields,
        {a.member_id: a.status for a in attendees} or None,
        [TaskFields(task.member_id, task.task, task.due_date, task.id) for task in tasks],
        await minutes_store.get(tx, meeting.id),
    )


async def stored_input(ctx: AppContext, actor: Actor, meeting_id: int) -> MeetingInput:
    """A stored meeting as input, to edit it (write access required)."""
    meeting = await for_write(ctx, actor, meeting_id)
    async with ctx.db.read() as tx:
        return await _stored_input(tx, meeting)


async def edit(ctx: AppContext, *, actor: Actor, meeting_id: int, inp: MeetingInput) -> Meeting:
    """Change a meeting through the same validation; audited with before and after."""
    meeting = await for_write(ctx, actor, meeting_id)
    inp = normalise(inp)
    async with ctx.db.transaction() as tx:
        before = await _stored_input(tx, meeting)
        await _validate(tx, ctx, meeting.org_id, inp, meeting_id)
        await store.update(tx, meeting_id, inp.fields, ctx.now())
        await store.set_attendance(tx, meeting_id, inp.attendance or {})
        own = {task.id for task in before.tasks}
        await store.set_tasks(
            tx,
            meeting_id,
            [task if task.id in own else replace(task, id=None) for task in inp.tasks],
        )
        await _save_minutes(tx, meeting_id, inp)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="meeting",
            entity_id=meeting_id,
            action="update",
            before=_snapshot(before.fields, before.attendance, before.tasks, before.minutes),
            after=_snapshot(inp.fields, inp.attendance, inp.tasks, inp.minutes),
        )
        updated = await store.get(tx, meeting_id)
    assert updated is not None
    return updated


async def delete(ctx: AppContext, *, actor: Actor, meeting_id: int) -> Meeting:
    """Delete a meeting with its attendance and tasks; audited with what was deleted."""
    meeting = await for_write(ctx, actor, meeting_id)
    async with ctx.db.transaction() as tx:
        before = await _stored_input(tx, meeting)
        await store.delete(tx, meeting_id)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="meeting",
            entity_id=meeting_id,
            action="delete",
            before={
                "org_id": meeting.org_id,
                **_snapshot(before.fields, before.attendance, before.tasks, before.minutes),
            },
        )
    return meeting


async def set_task_done(ctx: AppContext, *, actor: Actor, task_id: int, done: bool = True) -> Task:
    """Mark a meeting task done (or not); its reminder stops."""
    async with ctx.db.read() as tx:
        found = await store.task(tx, task_id)
    if found is None:
        raise NotFound(TASK_GONE)
    await _require_write(ctx, actor, found.org_id)
    on = ctx.today() if done else None
    async with ctx.db.transaction() as tx:
        await store.set_task_done(tx, task_id, on)
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="meeting_task",
            entity_id=task_id,
            action="done" if done else "reopen",
            before={"done_on": found.done_on},
            after={"done_on": on},
        )
        updated = await store.task(tx, task_id)
    assert updated is not None
    return updated


# -- reading -----------------------------------------------------------------------------------


async def recent(
    ctx: AppContext, actor: Actor, org_id: int, *, limit: int = 8, offset: int = 0
) -> tuple[list[MeetingLine], int]:
    """The cell's meetings, newest first, with attendance counts; and how many in all."""
    await _require_read(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        found = await store.of_org(tx, org_id, limit=limit, offset=offset)
        counts = await store.attendance_counts(tx, [m.id for m in found])
        total = await store.count_of_org(tx, org_id)
    return [
        MeetingLine(m, Counts.of(counts[m.id]) if m.id in counts else None) for m in found
    ], total


async def detail(ctx: AppContext, actor: Actor, meeting_id: int) -> MeetingDetail:
    """Everything the meeting book records about one meeting."""
    meeting = await _meeting(ctx, meeting_id)
    await _require_read(ctx, actor, meeting.org_id)
    can_write = True
    if isinstance(actor, int):
        async with ctx.db.read() as tx:
            can_write = meeting.org_id in (await access.scope_of(tx, actor)).write_cells
    async with ctx.db.read() as tx:
        org = await org_store.by_id(tx, meeting.org_id)
        attendees = await store.attendance(tx, meeting_id)
        tasks = await store.tasks(tx, meeting_id)
    assert org is not None
    return MeetingDetail(meeting, org, attendees, tasks, can_write)


async def year_report(ctx: AppContext, actor: Actor, org_id: int, year: int) -> YearReport:
    """12 months (regular meeting held?), 4 quarters (thematic?), attendance rate, ratings."""
    await _require_read(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        org = await org_store.by_id(tx, org_id)
        found = await store.of_org(tx, org_id, since=date(year, 1, 1), until=date(year, 12, 31))
        counts = await store.attendance_counts(tx, [m.id for m in found])
    assert org is not None
    view = rules.year_view(
        [_rule_meeting(m.org_id, m.held_on, m.kind, m.id) for m in found], year, ctx.today()
    )
    lines = {
        m.id: MeetingLine(m, Counts.of(counts[m.id]) if m.id in counts else None) for m in found
    }
    regular = {
        m.held_on.month: lines[m.id]
        for m in sorted(found, key=lambda m: m.held_on)
        if m.kind == "regular"
    }
    months = [MonthLine(mv.month, mv.status, regular.get(mv.month)) for mv in view.months]
    totals = [c for c in (line.counts for line in lines.values()) if c is not None]
    present, expected = sum(c.present for c in totals), sum(c.expected for c in totals)
    rate = Fraction(present, expected) if expected else None
    return YearReport(org, year, months, list(view.quarters), view.extraordinary_dates, rate)


async def member_history(ctx: AppContext, actor: Actor, member_id: int) -> MemberHistory:
    """A member's attendance over the last 12 months, with the §6.5 absence status."""
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, member_id)
    if member is None:
        raise NotFound(Msg(N_("That person is not a member of this cell.")))
    await _require_read(ctx, actor, member.org_id)
    until = ctx.today()
    window = ctx.catalogue.get_int("attendance.unexcused.window_months", until)
    since = add_months(until, -window) + timedelta(days=1)  # the window is (−12 months, today]
    async with ctx.db.read() as tx:
        records = await store.member_attendance(tx, [member_id], since=since, until=until)
    rule_records = [
        rules.AttendanceRecord(r.held_on, cast(rules.AttendanceStatus, r.status))
        for r in records
        if r.status != EXEMPT
    ]
    counts = Counts.of({s: sum(r.status == s for r in records) for s in ATTENDANCE})
    return MemberHistory(
        member,
        since,
        until,
        records,
        rules.absence_status(rule_records, until, ctx.catalogue),
        counts,
    )


# -- drafts (the chat flow keeps its state as plain JSON) ----------------------------------------


def to_draft(inp: MeetingInput) -> dict[str, Any]:
    f = inp.fields
    return {
        "date": f.held_on.isoformat(),
        "kind": f.kind,
        "topic": f.topic,
        "upper": f.upper_attendee,
        "contents": f.contents,
        "rating": f.rating,
        "att": (
            {str(k): v for k, v in inp.attendance.items()} if inp.attendance is not None else None
        ),
        "tasks": [
            {
                "m": task.member_id,
                "text": task.task,
                "due": task.due_date.isoformat(),
                "id": task.id,
            }
            for task in inp.tasks
        ],
        **({"min": inp.minutes.as_dict()} if inp.minutes is not None else {}),
    }


def from_draft(data: Mapping[str, Any]) -> MeetingInput:
    """The input a draft holds; raises InvalidInput if a step is still missing."""
    if not data.get("date") or not data.get("kind"):
        raise InvalidInput(Msg(N_("The meeting's date and kind are still missing.")))
    try:
        fields = MeetingFields(
            held_on=date.fromisoformat(data["date"]),
            kind=str(data["kind"]),
            topic=data.get("topic"),
            upper_attendee=data.get("upper"),
            contents=data.get("contents"),
            rating=data.get("rating"),
        )
        att = data.get("att")
        attendance = {int(k): str(v) for k, v in att.items()} if att is not None else None
        tasks = [
            TaskFields(
                int(task["m"]), str(task["text"]), date.fromisoformat(task["due"]), task.get("id")
            )
            for task in data.get("tasks") or []
        ]
        minutes = None
        if "min" in data:
            raw = dict(data["min"] or {})
            reasons = {int(k): str(v) for k, v in (raw.pop("reasons", None) or {}).items()}
            minutes = MinutesFields(**raw, reasons=reasons)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(Msg(N_("This entry is damaged; please start again."))) from exc
    return MeetingInput(fields, attendance, tasks, minutes)

"""The minutes of a cell meeting (biên bản sinh hoạt chi bộ) as plain values, built from what
the meeting book logged; and the checks of the minutes' optional fields typed in the chat.

The structure follows the common templates after HD 12-HD/BTCTW (6/7/2018): heading of the
party organisation, place and date; time opened; chair and recorder; attendance (total,
present, absent with and without reason, by name; upper-level attendee); the contents in the
meeting's order (the past month, the next month's tasks, the thematic content); opinions;
conclusions and the vote on the resolution; time closed; signatures. Rendering is
`usecases.documents_docx`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from chibo.rules.messages import N_, Msg
from chibo.rules.text import fold
from chibo.storage import minutes as minutes_store
from chibo.storage import orgs as org_store
from chibo.storage.minutes import MinutesFields as MinutesFields
from chibo.usecases import meetings as meetings_uc
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound

Actor = int | str
MAX_VOTE = 10_000


@dataclass(frozen=True)
class Absent:
    name: str
    reason: str | None


@dataclass(frozen=True)
class TaskLine:
    name: str
    task: str
    due: date


@dataclass(frozen=True)
class Minutes:
    """Everything printed in the minutes; names as recorded (diacritics intact)."""

    meeting_id: int
    org_code: str
    cell_name: str
    parent_name: str | None  # the party committee above (heading line), when known
    held_on: date
    kind: str
    topic: str | None
    place: str | None
    opened_at: str | None
    closed_at: str | None
    chair: str | None
    recorder: str | None
    upper_attendee: str | None
    recorded: bool  # attendance recorded
    total: int  # members on the roll (exempt ones included)
    expected: int  # called in the roll (exempt ones not)
    present: tuple[str, ...]
    excused: tuple[Absent, ...]
    unexcused: tuple[Absent, ...]
    exempt: tuple[str, ...]
    agenda: tuple[str, ...]
    contents: str | None
    tasks: tuple[TaskLine, ...]
    opinions: str | None
    vote_for: int | None
    vote_against: int | None
    vote_abstain: int | None
    rating: str | None

    @property
    def names(self) -> set[str]:
        """Every member name the minutes print (tests: no other cell's names)."""
        return {
            *self.present,
            *(a.name for a in self.excused + self.unexcused),
            *self.exempt,
            *(t.name for t in self.tasks),
        }


async def build(ctx: AppContext, actor: Actor, meeting_id: int) -> Minutes:
    """The minutes of one meeting; `actor` must read the cell (its secretary or deputy, an
    officer above it) or be the CLI."""
    d = await meetings_uc.detail(ctx, actor, meeting_id)
    async with ctx.db.read() as tx:
        extra = await minutes_store.get(tx, meeting_id)
        parent = await org_store.by_id(tx, d.org.parent_id) if d.org.parent_id else None
    m = d.meeting

    def names(status: str) -> tuple[str, ...]:
        return tuple(sorted((a.full_name for a in d.by_status(status)), key=fold))

    def absent(status: str) -> tuple[Absent, ...]:
        found = sorted(d.by_status(status), key=lambda a: fold(a.full_name))
        return tuple(Absent(a.full_name, extra.reasons.get(a.member_id)) for a in found)

    counts = d.counts
    return Minutes(
        meeting_id=m.id,
        org_code=d.org.code,
        cell_name=d.org.name,
        parent_name=parent.name if parent else None,
        held_on=m.held_on,
        kind=m.kind,
        topic=m.topic,
        place=extra.place,
        opened_at=extra.opened_at,
        closed_at=extra.closed_at,
        chair=extra.chair,
        recorder=extra.recorder,
        upper_attendee=m.upper_attendee,
        recorded=bool(d.attendees),
        total=counts.expected + counts.exempt,
        expected=counts.expected,
        present=names("present"),
        excused=absent("excused"),
        unexcused=absent("unexcused"),
        exempt=names("exempt"),
        agenda=tuple(line for line in (extra.agenda or "").splitlines() if line.strip()),
        contents=m.contents,
        tasks=tuple(TaskLine(t.member_name, t.task, t.due_date) for t in d.tasks),
        opinions=extra.opinions,
        vote_for=extra.vote_for,
        vote_against=extra.vote_against,
        vote_abstain=extra.vote_abstain,
        rating=m.rating,
    )


async def find(ctx: AppContext, actor: Actor, org_code: str, held_on: date) -> Minutes:
    """The minutes of the cell's meeting on `held_on` (the regular one first)."""
    org = await meetings_uc.cell_by_code(ctx, org_code)
    await meetings_uc.cell_for_read(ctx, actor, org.id)
    lines, _total = await meetings_uc.recent(ctx, actor, org.id, limit=1000)
    found = sorted(
        (line.meeting for line in lines if line.meeting.held_on == held_on),
        key=lambda m: (m.kind != "regular", m.id),
    )
    if not found:
        raise NotFound(
            Msg(
                N_("No meeting of {code} is recorded on {date}."),
                {"code": org.code, "date": held_on},
            )
        )
    return await build(ctx, actor, found[0].id)


# -- typed input of the optional minutes fields ---------------------------------------------------

_TIME = re.compile(r"^\s*(\d{1,2})\s*(?:[:hgH.]\s*(\d{2})?)?\s*(?:phút)?\s*$")


def parse_time(text: str) -> str:
    """ "19:30", "19h30", "7h", "7.05" → "HH:MM"; else InvalidInput."""
    found = _TIME.match(text)
    if found:
        hour, minute = int(found[1]), int(found[2] or 0)
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise InvalidInput(
        Msg(N_("Expected a time of day such as 19:30 or 7h30, got {value}."), {"value": text})
    )


def parse_vote(text: str) -> tuple[int, int, int]:
    """ "12/0/0", "12 0 0" or "12" (for, against, abstain) → three counts; else InvalidInput."""
    parts = [p for p in re.split(r"[\s/,;-]+", text.strip()) if p]
    if 1 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
        counts = [int(p) for p in parts] + [0] * (3 - len(parts))
        if all(n <= MAX_VOTE for n in counts):
            return counts[0], counts[1], counts[2]
    raise InvalidInput(
        Msg(
            N_(
                "Expected the vote as three numbers, for/against/abstaining (for example"
                " 12/0/0), got {value}."
            ),
            {"value": text},
        )
    )

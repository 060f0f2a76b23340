"""The cell's books and lists in the committee's layouts, as plain values: the year's meeting
book (one row per meeting) and the member list as of a day. Files: `usecases.books_files`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chibo.storage import meetings as meeting_store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.members import ACTIVE_STATUSES, Member
from chibo.usecases import meetings as meetings_uc
from chibo.usecases.context import AppContext
from chibo.usecases.meetings import Counts

Actor = int | str


@dataclass(frozen=True)
class BookRow:
    held_on: date
    kind: str
    topic: str | None
    counts: Counts | None  # None: attendance not recorded
    rating: str | None


@dataclass(frozen=True)
class MeetingBook:
    org_code: str
    cell_name: str
    parent_name: str | None
    year: int
    rows: tuple[BookRow, ...]  # oldest first


@dataclass(frozen=True)
class MemberList:
    org_code: str
    cell_name: str
    parent_name: str | None
    on: date
    members: tuple[Member, ...]  # status as of `on`, by name


async def _parent_name(ctx: AppContext, parent_id: int | None) -> str | None:
    if parent_id is None:
        return None
    async with ctx.db.read() as tx:
        parent = await org_store.by_id(tx, parent_id)
    return parent.name if parent is not None else None


async def meeting_book(ctx: AppContext, actor: Actor, org_id: int, year: int) -> MeetingBook:
    org = await meetings_uc.cell_for_read(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        found = await meeting_store.of_org(
            tx, org_id, since=date(year, 1, 1), until=date(year, 12, 31)
        )
        counts = await meeting_store.attendance_counts(tx, [m.id for m in found])
    rows = tuple(
        BookRow(
            m.held_on,
            m.kind,
            m.topic,
            Counts.of(counts[m.id]) if m.id in counts else None,
            m.rating,
        )
        for m in sorted(found, key=lambda m: (m.held_on, m.id))
    )
    parent = await _parent_name(ctx, org.parent_id)
    return MeetingBook(org.code, org.name, parent, year, rows)


async def member_list(ctx: AppContext, actor: Actor, org_id: int, on: date) -> MemberList:
    """The members on the cell's roll on `on` (official, probationary, exempt that day)."""
    org = await meetings_uc.cell_for_read(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        members = await member_store.of_org_on(tx, org_id, on, ACTIVE_STATUSES)
    parent = await _parent_name(ctx, org.parent_id)
    return MemberList(org.code, org.name, parent, on, tuple(members))

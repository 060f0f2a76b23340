"""The notice of a cell's next meeting (thông báo lịch sinh hoạt chi bộ): date, time, place,
agenda and documents to read, as a plain text the secretary forwards to the cell's group.

One notice is kept per cell (the last one prepared). Until the secretary saves one for a day
still ahead, the notice is proposed: a week ahead, the agenda proposed from the book
(`usecases.agenda`). The minutes of the meeting held on the notice's day start their agenda
from it (`agenda_for`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from chibo.rules.dates import read_date
from chibo.rules.messages import N_, Msg
from chibo.rules.text import clean_line
from chibo.storage import audit
from chibo.storage import notices as store
from chibo.storage.notices import NoticeFields as NoticeFields
from chibo.usecases import agenda as agenda_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import Translator
from chibo.usecases.minutes import parse_time

Actor = int | str
DAYS_AHEAD = 7  # the proposed day when no notice is kept (a setting, not a rule)
FIELDS = ("held_on", "at_time", "place", "agenda", "documents")
MAX_PLACE = 200
MAX_LINES = 20
MAX_LINE = 300


@dataclass(frozen=True)
class Notice:
    org_id: int
    org_code: str
    cell_name: str
    fields: NoticeFields
    saved: bool  # False: proposed, not kept yet

    @property
    def agenda(self) -> tuple[str, ...]:
        return _lines(self.fields.agenda)

    @property
    def documents(self) -> tuple[str, ...]:
        return _lines(self.fields.documents)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line for line in (text or "").splitlines() if line.strip())


async def propose_agenda(
    ctx: AppContext, actor: Actor, org_id: int, day: date, _: Translator
) -> str:
    """The agenda proposed from the book for the meeting on `day`, one item a line."""
    agenda = await agenda_uc.propose(ctx, actor, org_id, day)
    return "\n".join(_.msg(item) for item in agenda.items)


async def _proposed(ctx: AppContext, actor: Actor, org_id: int, _: Translator) -> NoticeFields:
    day = ctx.today() + timedelta(days=DAYS_AHEAD)
    return NoticeFields(day, agenda=await propose_agenda(ctx, actor, org_id, day, _))


async def current(ctx: AppContext, actor: Actor, org_id: int, _: Translator) -> Notice:
    """The cell's notice: the one kept for a day still ahead (or today), else a proposal."""
    org = await meetings_uc.cell_for_write(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        kept = await store.get(tx, org_id)
    if kept is not None and kept.held_on >= ctx.today():
        return Notice(org_id, org.code, org.name, kept, True)
    return Notice(org_id, org.code, org.name, await _proposed(ctx, actor, org_id, _), False)


def check_field(name: str, text: str, today: date) -> object:
    """Typed text for one field, tidied and checked; InvalidInput saying what is expected."""
    if name == "held_on":
        found = read_date(text, today)
        if isinstance(found, Msg):
            raise InvalidInput(found)
        if found < today:
            raise InvalidInput(
                Msg(N_("The meeting day must be today or later, got {value}."), {"value": found})
            )
        return found
    if name == "at_time":
        return parse_time(text)
    if name == "place":
        value = clean_line(text)
        if not value or len(value) > MAX_PLACE:
            raise InvalidInput(
                Msg(N_("Expected a place of up to {limit} characters."), {"limit": MAX_PLACE})
            )
        return value
    if name in ("agenda", "documents"):
        lines = [clean_line(line) for line in text.splitlines()]
        lines = [line for line in lines if line]
        if not lines or len(lines) > MAX_LINES or any(len(x) > MAX_LINE for x in lines):
            raise InvalidInput(
                Msg(
                    N_("Expected one item a line: up to {n} lines of up to {limit} characters."),
                    {"n": MAX_LINES, "limit": MAX_LINE},
                )
            )
        return "\n".join(lines)
    raise InvalidInput(Msg(N_("Unknown field of the notice.")))


async def save(ctx: AppContext, actor: Actor, notice: Notice, **changes: object) -> Notice:
    """Keep the notice with `changes` (values from `check_field`), audited."""
    await meetings_uc.cell_for_write(ctx, actor, notice.org_id)
    new = replace(notice.fields, **changes)  # type: ignore[arg-type]
    async with ctx.db.transaction() as tx:
        before = await store.get(tx, notice.org_id)
        await store.put(tx, notice.org_id, new, actor=actor, at=ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="meeting_notice",
            entity_id=notice.org_id,
            action="update" if before else "create",
            before=before.as_dict() if before else None,
            after=new.as_dict(),
        )
    return replace(notice, fields=new, saved=True)


async def agenda_for(ctx: AppContext, actor: Actor, org_id: int, day: date) -> tuple[str, ...]:
    """The agenda of the notice kept for the meeting on `day` (empty when there is none)."""
    await meetings_uc.cell_for_read(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        kept = await store.get(tx, org_id)
    return _lines(kept.agenda) if kept is not None and kept.held_on == day else ()


def render_text(_: Translator, n: Notice) -> str:
    """The notice as plain text, ready to forward to the cell's group."""
    f = n.fields
    lines = [
        _("NOTICE OF THE CELL MEETING"),
        n.cell_name,
        "",
        _("Time: {time}, {date}", time=f.at_time or "……", date=f.held_on),
        _("Place: {place}", place=f.place or "……"),
    ]
    if n.agenda:
        lines += ["", _("Agenda:")]
        lines += [f"{i}. {item}" for i, item in enumerate(n.agenda, start=1)]
    if n.documents:
        lines += ["", _("Documents to read beforehand:")]
        lines += [f"- {doc}" for doc in n.documents]
    lines += [
        "",
        _(
            "Party members please attend on time; if you cannot come, tell the secretary"
            " the reason."
        ),
    ]
    return "\n".join(lines)

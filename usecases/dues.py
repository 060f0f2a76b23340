"""Party dues (§6.6): declared bases, exemptions and reductions, the monthly ledger, the month
import, the evidence of unpaid months (§6.5 a) and the officers' numbers.

`actor` is a Telegram user id (checked: secretary or deputy of the cell to write; a reader of
the organisation — officer of a committee above, or the cell itself — to read) or `"cli"`
(trusted). Every write validates first, then writes in one transaction with an audit entry.

A chat flow for the month is a few taps: :func:`month_sheet` shows who owes what, the secretary
marks the exceptions, :func:`record_month` records everyone else as paid as due.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from chibo.rules import dues as rules
from chibo.rules.dates import add_months
from chibo.rules.dues import (
    CHANNELS,
    RECORDED_GROUNDS,
    Due,
    DuesProfile,
    LedgerMonth,
    Relief,
    Window,
    first_of,
    month_key,
)
from chibo.rules.messages import N_, Msg
from chibo.rules.text import fold
from chibo.storage import audit
from chibo.storage import badges as badge_store
from chibo.storage import dues as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage.db import Tx
from chibo.storage.dues import LedgerRow
from chibo.storage.members import ACTIVE_STATUSES, Member
from chibo.storage.orgs import Org
from chibo.usecases import access, offload, roster_io
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound

Actor = int | str
MAX_AMOUNT = 100_000_000  # VND a month: anything above is a typing error
MAX_TEXT = 300

_NOT_MEMBER = N_("That person is not a member of this cell.")
_NO_ORG = N_("No organisation has the code {code}.")
_NOT_CELL = N_("{code} is not a cell (chi bộ): dues are recorded by cells.")
_BAD_MONTH = N_("“{value}” is not a month: write it as YYYY-MM, e.g. 2026-03.")
_FUTURE_MONTH = N_("{month} has not started yet: dues are recorded for this month or earlier.")


# -- access --------------------------------------------------------------------------------------


async def cell_for_write(ctx: AppContext, actor: Actor, org_id: int) -> Org:
    return await _cell_for(ctx, actor, org_id, write=True)


async def _cell_for(ctx: AppContext, actor: Actor, org_id: int, *, write: bool) -> Org:
    org = await access.org_for(ctx, actor, org_id, write=write)
    if org is None:
        raise NotFound(Msg(N_("No such cell.")))
    if not org.is_cell:
        raise InvalidInput(Msg(_NOT_CELL, {"code": org.code}))
    return org


async def org_for_read(ctx: AppContext, actor: Actor, code: str) -> Org:
    """The organisation `code`, if `actor` may read it (officer above, or the cell itself)."""
    if isinstance(actor, int):
        return await access.require_read_code(ctx, actor, code)
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    if org is None:
        raise NotFound(Msg(_NO_ORG, {"code": code}))
    return org


async def member_for_write(ctx: AppContext, actor: Actor, member_id: int) -> Member:
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, member_id)
    if member is None:
        if isinstance(actor, int):
            raise await access_denied(ctx, actor, member_id)
        raise NotFound(Msg(_NOT_MEMBER))
    await cell_for_write(ctx, actor, member.org_id)
    return member


async def access_denied(ctx: AppContext, actor: int, target: object) -> AccessDenied:
    return await access.deny(ctx, actor, "write", target)


def parse_month(ctx: AppContext, text: str) -> date:
    """A "YYYY-MM" month not after the current one (InvalidInput otherwise)."""
    month = rules.parse_month_key(text)
    if month is None:
        raise InvalidInput(Msg(_BAD_MONTH, {"value": text.strip()}))
    check_month(ctx, month)
    return month


def check_month(ctx: AppContext, month: date) -> None:
    if first_of(month) > first_of(ctx.today()):
        raise InvalidInput(Msg(_FUTURE_MONTH, {"month": month_key(month)}))


# -- declared base, exemptions, reductions --------------------------------------------------------


def _amount(value: int | None, what: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_AMOUNT:
        raise InvalidInput(
            Msg(
                N_("{what}: expected an amount in đồng from 0 to {most}; got {value}."),
                {"what": Msg(what), "most": MAX_AMOUNT, "value": value},
            )
        )
    return value


def clean_text(value: str | None, what: str, *, required: bool = False) -> str | None:
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidInput(Msg(N_("{what} is required."), {"what": Msg(what)}))
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            Msg(
                N_("{what} is too long (at most {n} characters)."),
                {"what": Msg(what), "n": MAX_TEXT},
            )
        )
    return text or None


async def set_profile(
    ctx: AppContext, *, actor: Actor, member_id: int, profile: DuesProfile
) -> DuesProfile:
    """The member's declared basis and amount, and/or the amount the cell sets."""
    member = await member_for_write(ctx, actor, member_id)
    if profile.basis is not None and profile.basis not in rules.BASES:
        raise InvalidInput(Msg(N_("Unknown dues basis {value}."), {"value": profile.basis}))
    _amount(profile.base_amount, N_("Declared base"))
    _amount(profile.cell_amount, N_("Amount set by the cell"))
    async with ctx.db.transaction() as tx:
        before = await store.profile(tx, member.id)
        await store.put_profile(tx, member.id, profile, ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="dues_profile",
            entity_id=member.id,
            action="set",
            before=vars(before),
            after=vars(profile),
        )
    return profile


_UNITS = {"trieu": 1_000_000, "tr": 1_000_000, "m": 1_000_000, "nghin": 1_000, "ngan": 1_000}
_UNITS.update({"k": 1_000, "ng": 1_000})
_TYPED = re.compile(r"(\d[\d.,\s]*?)\s*([a-z]*)")


def parse_amount(text: str) -> int | None:
    """A typed amount in đồng, forgiving: "5.000.000", "5000000đ", "5 triệu", "5tr", "5,5tr",
    "500k", "500 nghìn" (None when it is not one)."""
    t = fold(text)
    for tail in ("vnd", "dong", "d"):
        t = t.removesuffix(tail).strip()
    match = _TYPED.fullmatch(t)
    if match is None:
        return None
    number, unit = match.group(1).replace(" ", ""), match.group(2)
    if unit and unit not in _UNITS:
        return None
    scale = _UNITS.get(unit, 1)
    decimal = re.fullmatch(r"(\d+)[.,](\d{1,2})", number) if unit else None
    if decimal is not None:
        value = Fraction(f"{decimal.group(1)}.{decimal.group(2)}") * scale
    elif re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", number):
        value = Fraction(int(re.sub(r"[.,]", "", number)) * scale)
    else:
        return None
    return int(value) if value.denominator == 1 and len(str(int(value))) <= 12 else None


def profile_for(basis: str, amount: int) -> DuesProfile:
    """The profile a secretary sets in the chat: a declared salary or pension, or the amount
    the cell sets ("other")."""
    if basis == "other":
        return DuesProfile(basis="other", cell_amount=amount)
    return DuesProfile(basis=basis, base_amount=amount)


async def due_with(ctx: AppContext, actor: Actor, member_id: int, profile: DuesProfile) -> Due:
    """What the member would owe this month with `profile` (to show before it is saved)."""
    member = await member_for_write(ctx, actor, member_id)
    this = first_of(ctx.today())
    async with ctx.db.read() as tx:
        reliefs = (await store.reliefs_of(tx, [member.id])).get(member.id, [])
        gaps = (await badge_store.gaps_of_many(tx, [member.id])).get(member.id, ())
    return rules.amount_due(
        profile,
        this,
        decision_date=member.decision_date,
        gaps=gaps,
        reliefs=reliefs,
        catalogue=ctx.catalogue,
    )


async def add_exemption(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    ground: str,
    start: date,
    end: date | None,
    document: str,
) -> Relief:
    """An exemption granted on application (party age is computed, never recorded)."""
    member = await member_for_write(ctx, actor, member_id)
    if ground not in RECORDED_GROUNDS:
        raise InvalidInput(
            Msg(
                N_("An exemption ground is one of {grounds}; got {value}."),
                {"grounds": ", ".join(RECORDED_GROUNDS), "value": ground},
            )
        )
    if end is not None and first_of(end) < first_of(start):
        raise InvalidInput(Msg(N_("The exemption ends before it starts.")))
    relief = Relief(
        "exemption",
        first_of(start),
        first_of(end) if end else None,
        ground=ground,
        document=clean_text(document, N_("Decision or application"), required=True),
    )
    return await _add_relief(ctx, actor, member, relief)


async def add_reduction(
    ctx: AppContext,
    *,
    actor: Actor,
    member_id: int,
    percent: int,
    start: date,
    end: date,
    document: str,
) -> Relief:
    """A reduction decision: 30/50/70%, at most 12 months."""
    member = await member_for_write(ctx, actor, member_id)
    problem = rules.check_reduction(percent, start, end, ctx.catalogue)
    if problem is not None:
        raise InvalidInput(problem)
    relief = Relief(
        "reduction",
        first_of(start),
        first_of(end),
        percent=percent,
        document=clean_text(document, N_("Decision or application"), required=True),
    )
    return await _add_relief(ctx, actor, member, relief)


async def _add_relief(ctx: AppContext, actor: Actor, member: Member, relief: Relief) -> Relief:
    async with ctx.db.transaction() as tx:
        relief_id = await store.add_relief(tx, member.id, relief, actor=actor, at=ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="dues_relief",
            entity_id=relief_id,
            action="add",
            after={
                "member_id": member.id,
                "kind": relief.kind,
                "ground": relief.ground,
                "percent": relief.percent,
                "start": month_key(relief.start),
                "end": month_key(relief.end) if relief.end else None,
                "document": relief.document,
            },
        )
    return Relief(
        relief.kind,
        relief.start,
        relief.end,
        relief.ground,
        relief.percent,
        relief.document,
        relief_id,
    )


# -- the month -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentEntry:
    """One member's month as entered. ``paid`` None = the amount due; 0 = nothing paid
    (``reason`` given: a valid reason, not counted toward removal)."""

    paid: int | None = None
    paid_on: date | None = None
    channel: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class SheetLine:
    member: Member
    due: Due
    recorded: LedgerRow | None


@dataclass(frozen=True)
class MonthSheet:
    org: Org
    month: date
    lines: list[SheetLine]

    @property
    def recorded(self) -> bool:
        return any(line.recorded is not None for line in self.lines)


async def _dues_of(
    tx: Tx, ctx: AppContext, members: Sequence[Member], month: date
) -> dict[int, Due]:
    ids = [m.id for m in members]
    profiles = await store.profiles(tx, ids)
    reliefs = await store.reliefs_of(tx, ids)
    gaps = await badge_store.gaps_of_many(tx, ids)
    return {
        m.id: rules.amount_due(
            profiles.get(m.id, DuesProfile()),
            month,
            decision_date=m.decision_date,
            gaps=gaps.get(m.id, ()),
            reliefs=reliefs.get(m.id, ()),
            catalogue=ctx.catalogue,
        )
        for m in members
    }


async def _sheet(tx: Tx, ctx: AppContext, org: Org, month: date) -> MonthSheet:
    members = await member_store.of_org(tx, org.id, ACTIVE_STATUSES)
    dues = await _dues_of(tx, ctx, members, month)
    recorded = {r.member_id: r for r in await store.month_rows(tx, [org.id], month)}
    return MonthSheet(org, month, [SheetLine(m, dues[m.id], recorded.get(m.id)) for m in members])


async def month_sheet(ctx: AppContext, actor: Actor, org_id: int, month: date) -> MonthSheet:
    """Who owes what for the month, and what is recorded so far."""
    org = await cell_for_write(ctx, actor, org_id)
    async with ctx.db.read() as tx:
        return await _sheet(tx, ctx, org, first_of(month))


def _entry_row(
    ctx: AppContext,
    org: Org,
    line: SheetLine,
    entry: PaymentEntry | None,
    default_on: date,
    default_channel: str,
) -> tuple[LedgerRow | None, Msg | None]:
    """The ledger row for a member, or the problem with their entry."""
    due, name = line.due, line.member.full_name
    entry = entry or PaymentEntry()
    channel = entry.channel or default_channel
    if channel not in CHANNELS:
        return None, Msg(
            N_("{name}: the channel is the portal or cash; got {value}."),
            {"name": name, "value": channel},
        )
    if entry.paid is not None and not 0 <= entry.paid <= MAX_AMOUNT:
        return None, Msg(
            N_("{name}: expected an amount in đồng from 0 to {most}; got {value}."),
            {"name": name, "most": MAX_AMOUNT, "value": entry.paid},
        )
    if entry.paid is None and due.full_amount is None and not due.exempt:
        return None, Msg(
            N_(
                "{name}: no amount is set (no declared salary or pension, no amount set by the "
                "cell); enter the amount paid or set the member's dues basis first."
            ),
            {"name": name},
        )
    paid_on = entry.paid_on or default_on
    if paid_on > ctx.today():
        return None, Msg(N_("{name}: the payment date is in the future."), {"name": name})
    paid = due.amount if entry.paid is None else entry.paid
    if due.exempt:
        paid = 0 if entry.paid is None else paid
    reason = clean_text(entry.reason, N_("Reason")) if entry.reason else None
    status = rules.ledger_status(due, paid, reason)
    amount_due = due.amount if due.full_amount is not None or due.exempt else paid
    return (
        LedgerRow(
            member_id=line.member.id,
            month=due.month,
            org_id=org.id,
            due=amount_due,
            paid=paid,
            paid_on=paid_on if paid > 0 else None,
            channel=channel if paid > 0 else None,
            status=status,
            exempt_ground=due.exempt_ground,
            reduction_percent=due.reduction_percent,
            note=reason,
        ),
        None,
    )


class MonthInvalid(InvalidInput):
    """The month was not recorded; `problems` lists every problem (the message: a summary)."""

    def __init__(self, problems: list[Msg]) -> None:
        super().__init__(
            Msg(
                N_("Nothing was recorded: {count} problem(s). The first: {first}"),
                {"count": len(problems), "first": problems[0]},
            )
        )
        self.problems = problems


@dataclass(frozen=True)
class MonthRecord:
    org: Org
    month: date
    rows: list[LedgerRow]

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(rules.STATUSES, 0)
        for r in self.rows:
            out[r.status] += 1
        return out


async def record_month(
    ctx: AppContext,
    actor: Actor,
    org_id: int,
    month: date,
    exceptions: Mapping[int, PaymentEntry],
    *,
    paid_on: date | None = None,
    channel: str = "cash",
) -> MonthRecord:
    """The cell's month: everyone paid as due (on ``paid_on``, by ``channel``), except the
    members in ``exceptions``. Re-recording a month replaces it (the audit keeps the old one)."""
    org = await cell_for_write(ctx, actor, org_id)
    month = first_of(month)
    check_month(ctx, month)
    default_on = paid_on or min(ctx.today(), add_months(month, 1) - _ONE_DAY)
    async with ctx.db.read() as tx:
        sheet = await _sheet(tx, ctx, org, month)
    return await _write_month(ctx, actor, sheet, exceptions, default_on, channel)


_ONE_DAY = timedelta(days=1)


async def _write_month(
    ctx: AppContext,
    actor: Actor,
    sheet: MonthSheet,
    entries: Mapping[int, PaymentEntry],
    default_on: date,
    channel: str,
    *,
    dry_run: bool = False,
) -> MonthRecord:
    known = {line.member.id for line in sheet.lines}
    problems = [
        Msg(N_("Member #{id} is not on the roll of this cell."), {"id": mid})
        for mid in entries
        if mid not in known
    ]
    rows: list[LedgerRow] = []
    for line in sheet.lines:
        row, problem = _entry_row(
            ctx, sheet.org, line, entries.get(line.member.id), default_on, channel
        )
        if problem is not None:
            problems.append(problem)
        elif row is not None:
            rows.append(row)
    if problems:
        raise MonthInvalid(problems)
    if dry_run:
        return MonthRecord(sheet.org, sheet.month, rows)
    before = {line.member.id: line.recorded.as_audit() for line in sheet.lines if line.recorded}
    async with ctx.db.transaction() as tx:
        await store.put_rows(tx, rows, actor=actor, at=ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="dues_month",
            entity_id=f"{sheet.org.id}:{month_key(sheet.month)}",
            action="record",
            before=before or None,
            after={r.member_id: r.as_audit() for r in rows},
        )
    return MonthRecord(sheet.org, sheet.month, rows)


async def record_payment(
    ctx: AppContext, *, actor: Actor, member_id: int, month: date, entry: PaymentEntry
) -> LedgerRow:
    """One member's month (a late payment, a correction)."""
    member = await member_for_write(ctx, actor, member_id)
    org = await cell_for_write(ctx, actor, member.org_id)
    month = first_of(month)
    check_month(ctx, month)
    async with ctx.db.read() as tx:
        due = (await _dues_of(tx, ctx, [member], month))[member.id]
        old = [r for r in await store.member_rows(tx, member.id, month, month)]
    row, problem = _entry_row(ctx, org, SheetLine(member, due, None), entry, ctx.today(), "cash")
    if problem is not None or row is None:
        raise InvalidInput(problem or Msg(_NOT_MEMBER))
    async with ctx.db.transaction() as tx:
        await store.put_rows(tx, [row], actor=actor, at=ctx.now())
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="dues_payment",
            entity_id=f"{member.id}:{month_key(month)}",
            action="record",
            before=old[0].as_audit() if old else None,
            after=row.as_audit(),
        )
    return row


# -- import of a month ----------------------------------------------------------------------------

_COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "ten dang vien", "full name", "name"),
    "card_no": ("so the dang vien", "so the", "the dang vien", "card number", "card no"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "date of birth", "birth date"),
    "paid": ("so tien da nop", "da nop", "so tien", "dang phi da nop", "paid", "amount paid"),
    "paid_on": ("ngay nop", "ngay dong", "paid on", "date paid"),
    "channel": ("hinh thuc nop", "hinh thuc", "kenh nop", "channel"),
    "reason": ("ly do", "ly do chua nop", "reason", "ghi chu"),
}
_HEADER_KEYS = {alias: f for f, aliases in _COLUMNS.items() for alias in aliases}
_PORTAL = ("cong dich vu cong", "cong dvc", "dvc", "dich vu cong", "portal", "online", "truc tuyen")
_CASH = ("tien mat", "cash", "nop tai chi bo", "chi bo")
_DIGITS = re.compile(r"[\d.,\s]+")


def _channel(text: str) -> str | None:
    k = roster_io.key(text)
    if not k:
        return None
    if any(k == p or k.startswith(p) for p in _PORTAL):
        return "portal"
    if any(k == c or k.startswith(c) for c in _CASH):
        return "cash"
    return ""


def _money(text: str) -> int | None:
    t = fold(text).replace("vnd", "").replace("dong", "").replace("d", "").strip()
    if not t:
        return 0
    if not _DIGITS.fullmatch(t):
        return None
    digits = re.sub(r"[.,\s]", "", t)
    return int(digits) if digits else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _header(values: list[Any]) -> dict[int, str] | None:
    found: dict[int, str] = {}
    for i, v in enumerate(values):
        f = _HEADER_KEYS.get(roster_io.key(v)) if v not in (None, "") else None
        if f and f not in found.values():
            found[i] = f
    return found if "full_name" in found.values() and "paid" in found.values() else None


def _find(members: list[Member], cells: dict[str, str], today: date) -> Member | str:
    """The member a row names (by card number, else name and birth date, else a unique name)."""
    card = cells.get("card_no", "").replace(" ", "")
    if card:
        hit = [m for m in members if m.card_no and m.card_no.replace(" ", "") == card]
        return hit[0] if hit else "card"
    name = fold(cells.get("full_name", ""))
    same = [m for m in members if fold(m.full_name) == name]
    if cells.get("birth_date"):
        try:
            born = roster_io.parse_file_date(cells["birth_date"], today)
        except ValueError:
            return "birth"
        same = [m for m in same if m.birth_date == born]
    if len(same) == 1:
        return same[0]
    return "ambiguous" if same else "name"


async def import_month(
    ctx: AppContext,
    *,
    actor: Actor,
    org_id: int,
    month: date,
    data: bytes,
    filename: str,
    dry_run: bool = False,
) -> MonthRecord:
    """The month from a CSV/XLSX file (one row per member: name, card or birth date, amount
    paid, date, channel, reason). All or nothing: every bad row is listed; each member on the
    roll who is not exempt needs a row. ``dry_run``: check everything, write nothing (the rows
    that would be written are returned)."""
    org = await cell_for_write(ctx, actor, org_id)
    month = first_of(month)
    check_month(ctx, month)
    today = ctx.today()
    async with ctx.db.read() as tx:
        sheet = await _sheet(tx, ctx, org, month)
    members = [line.member for line in sheet.lines]
    header: dict[int, str] | None = None
    problems: list[Msg] = []
    entries: dict[int, PaymentEntry] = {}
    named: set[int] = set()  # members with a row, good or bad
    for number, values in roster_io.grid(data, filename):
        if header is None:
            header = _header(values)
            if header is None and number >= 10:
                break
            continue
        cells = {f: _cell(values[i]) for i, f in header.items() if i < len(values)}
        if not any(cells.values()):
            continue
        problem = _import_row(number, cells, members, today, entries, named)
        if problem is not None:
            problems.append(problem)
    if header is None:
        raise InvalidInput(
            Msg(
                N_(
                    "No header row found: the file needs the columns “Họ và tên” and “Số tiền "
                    "đã nộp” (and “Số thẻ đảng viên” or “Ngày sinh”, “Ngày nộp”, “Hình thức "
                    "nộp”, “Lý do”)."
                )
            )
        )
    for line in sheet.lines:
        if line.member.id not in named and not line.due.exempt:
            problems.append(Msg(N_("No row for {name}."), {"name": line.member.full_name}))
    if problems:
        raise MonthInvalid(problems)
    default_on = min(today, add_months(month, 1) - _ONE_DAY)
    return await _write_month(ctx, actor, sheet, entries, default_on, "cash", dry_run=dry_run)


def _import_row(
    number: int,
    cells: dict[str, str],
    members: list[Member],
    today: date,
    entries: dict[int, PaymentEntry],
    named: set[int],
) -> Msg | None:
    def bad(text: str, **params: object) -> Msg:
        return Msg(N_("Row {row}: {problem}"), {"row": number, "problem": Msg(text, params)})

    found = _find(members, cells, today)
    if isinstance(found, str):
        reasons = {
            "card": N_("no member of this cell has the card number {value}."),
            "birth": N_("the birth date {value} cannot be read."),
            "ambiguous": N_("several members are named {value}: add the card number."),
            "name": N_("no member of this cell is named {value}."),
        }
        value = (
            cells.get("card_no")
            if found == "card"
            else cells.get("birth_date" if found == "birth" else "full_name", "")
        )
        return bad(reasons[found], value=value)
    if found.id in named:
        return bad(N_("{name} has another row above."), name=found.full_name)
    named.add(found.id)
    paid = _money(cells.get("paid", ""))
    if paid is None or paid > MAX_AMOUNT:
        return bad(N_("the amount “{value}” is not a sum in đồng."), value=cells.get("paid", ""))
    paid_on = None
    if cells.get("paid_on"):
        try:
            paid_on = roster_io.parse_file_date(cells["paid_on"], today)
        except ValueError:
            return bad(N_("the payment date “{value}” cannot be read."), value=cells["paid_on"])
    channel = _channel(cells.get("channel", ""))
    if channel == "":
        return bad(
            N_("the channel “{value}” is neither the public-service portal nor cash."),
            value=cells.get("channel", ""),
        )
    entries[found.id] = PaymentEntry(paid, paid_on, channel, cells.get("reason") or None)
    return None


# -- evidence and reading -------------------------------------------------------------------------


async def month_sheet_for_read(
    ctx: AppContext, actor: Actor, org_id: int, month: date
) -> MonthSheet:
    """The cell's month as an officer above it (or the cell itself) may read it."""
    org = await _cell_for(ctx, actor, org_id, write=False)
    async with ctx.db.read() as tx:
        return await _sheet(tx, ctx, org, first_of(month))


@dataclass(frozen=True)
class MemberDues:
    """A member's dues as the card shows them: the months recorded (latest first), the
    exemptions and reductions, the amount due this month and the unpaid months of the year."""

    member: Member
    rows: list[LedgerRow]
    reliefs: list[Relief]
    due: Due
    unpaid: tuple[date, ...]
    profile: DuesProfile = field(default_factory=DuesProfile)


async def member_dues(
    ctx: AppContext, actor: Actor, member_id: int, *, months: int = 12
) -> MemberDues:
    """The member's dues (write access to the cell: the secretary's view of the card)."""
    member = await member_for_write(ctx, actor, member_id)
    this = first_of(ctx.today())
    since = add_months(this, -(months - 1))
    async with ctx.db.read() as tx:
        rows = await store.member_rows(tx, member.id, since, this)
        reliefs = (await store.reliefs_of(tx, [member.id])).get(member.id, [])
        due = (await _dues_of(tx, ctx, [member], this))[member.id]
        profile = await store.profile(tx, member.id)
    window = Window.rolling(this, ctx.catalogue.get_int("dues.unpaid.window_months", this))
    unpaid = rules.unpaid_months((LedgerMonth(r.month, r.status) for r in rows), window)
    return MemberDues(
        member, sorted(rows, key=lambda r: r.month, reverse=True), reliefs, due, unpaid, profile
    )


async def ledger_of(ctx: AppContext, member_id: int) -> list[LedgerMonth]:
    async with ctx.db.read() as tx:
        rows = await store.member_rows(tx, member_id)
    return [LedgerMonth(r.month, r.status) for r in rows]


async def unpaid_months(ctx: AppContext, member_id: int, window: Window) -> tuple[date, ...]:
    """Evidence for a removal review (§6.5 a): the months in ``window`` recorded unpaid without
    a valid reason (first days, in order). No access check: for use cases that checked it."""
    async with ctx.db.read() as tx:
        rows = await store.member_rows(tx, member_id, window.first, window.last)
    return rules.unpaid_months((LedgerMonth(r.month, r.status) for r in rows), window)


# -- officers' numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DuesLine:
    org: Org
    recorded: bool
    members: int = 0  # on the roll
    exempt: int = 0
    paid: int = 0  # members who paid
    unpaid: int = 0  # without a valid reason
    excused: int = 0
    amount_due: int = 0
    amount_paid: int = 0
    cell_share: int = 0  # of the amount paid, kept by the cell

    def as_json(self) -> dict[str, object]:
        return {
            "org": self.org.code,
            "org_name": self.org.name,
            "recorded": self.recorded,
            "members": self.members,
            "exempt": self.exempt,
            "paid": self.paid,
            "unpaid": self.unpaid,
            "excused": self.excused,
            "amount_due": self.amount_due,
            "amount_paid": self.amount_paid,
            "cell_share": self.cell_share,
        }


@dataclass(frozen=True)
class DuesSummary:
    root: Org
    month: date
    lines: list[DuesLine]
    total: DuesLine
    share: Fraction
    share_source: str
    share_verified: bool
    unverified_rates: bool = False
    notes: list[str] = field(default_factory=list)
    #: The amounts due of cells that have not recorded the month are computed (False: left
    #: out, as in the officers' report, which covers many months of a whole province).
    estimated: bool = True


async def summary(ctx: AppContext, actor: Actor, code: str, month: date) -> DuesSummary:
    """Paid / due / unpaid per cell under ``code`` (or the cell itself) for ``month``. Scope is
    checked on the bot's connection; the numbers (a province's members) are read and computed
    on a worker connection, off the event loop (`usecases.offload`)."""
    root = await org_for_read(ctx, actor, code)
    return await offload.run(ctx, lambda worker: _summary(worker, root, month))


async def _summary(ctx: AppContext, root: Org, month: date) -> DuesSummary:
    month = first_of(month)
    share = ctx.catalogue.get_fraction("dues.cell_share", month)
    entry = ctx.catalogue.entry("dues.cell_share", month)
    lines: list[DuesLine] = []
    unverified = False
    async with ctx.db.read() as tx:
        ids = set(await org_store.subtree_ids(tx, root.id))
        cells = [o for o in await org_store.all_orgs(tx) if o.id in ids and o.is_cell]
        rows = await store.month_rows(tx, [c.id for c in cells], month)
        by_cell: dict[int, list[LedgerRow]] = {}
        for r in rows:
            by_cell.setdefault(r.org_id, []).append(r)
        for cell in sorted(cells, key=lambda o: o.code):
            members = await member_store.of_org(tx, cell.id, ACTIVE_STATUSES)
            recorded = by_cell.get(cell.id, [])
            if recorded:
                lines.append(_line(cell, len(members), recorded, share))
                continue
            dues = await _dues_of(tx, ctx, members, month)
            unverified |= any(not d.verified for d in dues.values())
            lines.append(
                DuesLine(
                    cell,
                    False,
                    members=len(members),
                    exempt=sum(d.exempt for d in dues.values()),
                    amount_due=sum(d.amount for d in dues.values()),
                )
            )
    total = _total(root, lines)
    return DuesSummary(root, month, lines, total, share, entry.source, entry.tag == "V", unverified)


def _total(root: Org, lines: list[DuesLine]) -> DuesLine:
    return DuesLine(
        root,
        all(x.recorded for x in lines) and bool(lines),
        **{
            k: sum(getattr(x, k) for x in lines)
            for k in (
                "members",
                "exempt",
                "paid",
                "unpaid",
                "excused",
                "amount_due",
                "amount_paid",
                "cell_share",
            )
        },
    )


async def report_summaries(
    ctx: AppContext, actor: Actor, code: str, months: Sequence[date]
) -> list[DuesSummary]:
    """The party dues sheet of an officers' report: per month, what each cell under ``code``
    recorded; a cell that has not recorded a month shows its members only (the amounts due of
    a province for a year are not estimated). Scope is checked once; the rows are read on a
    worker connection, off the event loop (`usecases.offload`)."""
    root = await org_for_read(ctx, actor, code)
    return await offload.run(ctx, lambda worker: _report_summaries(worker, root, months))


async def _report_summaries(
    ctx: AppContext, root: Org, months: Sequence[date]
) -> list[DuesSummary]:
    wanted = [first_of(m) for m in months]
    async with ctx.db.read() as tx:
        ids = set(await org_store.subtree_ids(tx, root.id))
        cells = sorted(
            (o for o in await org_store.all_orgs(tx) if o.id in ids and o.is_cell),
            key=lambda o: o.code,
        )
        counts: dict[int, int] = {}
        for cell in cells:
            by_status = await member_store.count_by_status(tx, cell.id)
            counts[cell.id] = sum(by_status.get(st, 0) for st in ACTIVE_STATUSES)
        recorded = {m: await store.month_rows(tx, [c.id for c in cells], m) for m in wanted}
    out: list[DuesSummary] = []
    for month in wanted:
        share = ctx.catalogue.get_fraction("dues.cell_share", month)
        entry = ctx.catalogue.entry("dues.cell_share", month)
        by_cell: dict[int, list[LedgerRow]] = {}
        for r in recorded[month]:
            by_cell.setdefault(r.org_id, []).append(r)
        lines = [
            _line(c, counts[c.id], by_cell[c.id], share)
            if c.id in by_cell
            else DuesLine(c, False, members=counts[c.id])
            for c in cells
        ]
        out.append(
            DuesSummary(
                root,
                month,
                lines,
                _total(root, lines),
                share,
                entry.source,
                entry.tag == "V",
                estimated=False,
            )
        )
    return out


def _line(cell: Org, members: int, rows: list[LedgerRow], share: Fraction) -> DuesLine:
    paid = sum(r.paid for r in rows)
    return DuesLine(
        cell,
        True,
        members=members,
        exempt=sum(r.status == "exempt" for r in rows),
        paid=sum(r.status == "paid" for r in rows),
        unpaid=sum(r.status == "unpaid" for r in rows),
        excused=sum(r.status == "excused" for r in rows),
        amount_due=sum(r.due for r in rows),
        amount_paid=paid,
        cell_share=int(paid * share + Fraction(1, 2)),
    )

"""The reminder sweep: what is due, for whom, claimed and delivered exactly once per recipient.

`plan` computes, from the database and a date, every reminder with at least one recipient
still to reach; the CLI preview (`chibo reminders due`) and `sweep` both use it. `sweep` then,
for each (reminder key, recipient): claims the row in a transaction (see `storage.reminders`),
delivers through a channel's `Notifier`, and records `sent` or `failed`.

Ambiguous sends: when Telegram may have accepted a message but its answer was lost (read
timeout, connection reset after the request was written) the channel returns `Uncertain`;
the row is recorded `sent` with the error `uncertain: …` and never re-sent (at-most-once for
that one message: a chain's next step still comes).
Crash window: a sweep that dies after Telegram accepted a message but before `sent` was
committed leaves a `claimed` row; once older than `STALE_CLAIM` the next sweep sends it again.
That window is at-least-once on purpose: a duplicate reminder costs less than a lost one.
Everywhere else delivery is exactly-once (docs/reminders.md).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from chibo.rules.messages import N_, Msg
from chibo.rules.reminders import Reminder, due_reminders
from chibo.storage import audit, reminder_state
from chibo.storage import orgs as org_store
from chibo.storage import reminders as store
from chibo.storage import users as user_store
from chibo.storage.db import Database, Tx
from chibo.storage.orgs import Org
from chibo.storage.reminders import NewDelivery
from chibo.storage.users import WRITE_ROLES, User
from chibo.usecases import access
from chibo.usecases.access import scope_of
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied, NotFound

log = logging.getLogger(__name__)

#: A claim older than this is taken to be from a sweep that died (well above any one send).
STALE_CLAIM = timedelta(minutes=30)
SNOOZE_DAYS = 3

SEVERITY_LABELS = {
    "info": N_("Reminder"),
    "due": N_("Due"),
    "overdue": N_("Overdue"),
    "escalation": N_("Needs follow-up"),
}
SEVERITY_ICONS = {"info": "🔔", "due": "📌", "overdue": "⚠️", "escalation": "🚨"}
_TEXT = N_("{icon} {label} — {cell}\n\n{body}")
_TEXT_AGAIN = N_("{icon} {label} — {cell} (reminded again)\n\n{body}")
_GONE = Msg(N_("This reminder no longer exists."))

#: Most urgent first in a digest.
URGENCY = {"escalation": 0, "overdue": 1, "due": 2, "info": 3}
#: At most this many items in one digest message (Telegram's keyboards and 4096 characters);
#: a recipient with more gets several digests.
MAX_DIGEST = 20
#: Recipients a sweep sends to at the same time; the bot's `AIORateLimiter` paces the sends
#: to Telegram's 30 messages a second, so a Bot API answering in ~100 ms is kept busy.
SEND_CONCURRENCY = 8

#: A digest line's name for each kind of reminder (the full text, with its sources, is one
#: tap away).
KIND_TITLES = {
    "probation.prepare": N_("Prepare the conversion dossier"),
    "probation.due": N_("Conversion to official member"),
    "probation.overdue": N_("Conversion review overdue"),
    "probation.escalation": N_("Conversion review not held"),
    "probation.course": N_("New-member course not recorded"),
    "probation.committee_decision": N_("Committee decision on the conversion"),
    "probation.vote_escalation": N_("Conversion vote without a majority"),
    "probation.removal": N_("Removal from the list to follow up"),
    "meeting.missing": N_("Monthly cell meeting not recorded"),
    "meeting.missing.escalation": N_("Monthly cell meeting not recorded"),
    "meeting.thematic": N_("Thematic meeting not recorded"),
    "meeting.thematic.escalation": N_("Thematic meeting not recorded"),
    "meeting.absences": N_("Repeated absences"),
    "meeting.task": N_("Meeting task due"),
    "cell.min_members": N_("Too few members in the cell"),
    "candidate.ceremony": N_("Admission ceremony"),
    "candidate.ceremony.overdue": N_("Admission ceremony overdue"),
    "candidate.certificate": N_("Awareness-course certificate expiring"),
    "candidate.decision": N_("Admission decision awaited"),
    "candidate.stalled": N_("Candidate file stalled"),
    "reconciliation.ask": N_("Half-year member list to reconcile"),
    "reconciliation.escalation": N_("Member list not reconciled"),
    "transfer.letter": N_("Transfer letter"),
    "transfer.procedure": N_("Transfer procedure"),
    "transfer.arrivals": N_("Announced arrivals not received"),
    "transfer.temporary_end": N_("Temporary transfer ending"),
    "exemption.end": N_("Exemption ending"),
    "residence.meeting": N_("Meeting with the residence cell"),
    "residence.comments": N_("Comments to the workplace"),
    "leaving.notice": N_("Notice upward after leaving"),
    "card.request": N_("Request the party card"),
    "card.handover": N_("Hand over the party card"),
    "card.collect": N_("Collect the party card"),
    "removal.warn": N_("Removal evidence: warning"),
    "removal.review": N_("Removal to consider"),
    "dues.month": N_("Party dues of the month not recorded"),
    "dues.unpaid.warning": N_("Unpaid party dues"),
    "dues.unpaid.review": N_("Unpaid party dues: removal to consider"),
    "dues.relief.ending": N_("Dues relief ending"),
    "badge.proposal": N_("Party badge to propose"),
    "evaluation.start": N_("Year-end evaluation"),
    "evaluation.escalation": N_("Year-end evaluation late"),
    "evaluation.residence": N_("Residence comments for the evaluation"),
    "evaluation.remedy": N_("Remedy plan due"),
}
_OTHER_TITLE = N_("Reminder")
_LINE = N_("{icon} {title} — {name} ({cell}), since {due}")
_LINE_CELL = N_("{icon} {title} — {cell}, since {due}")
_LINE_NAME = N_("{icon} {title} — {name}, since {due}")
_LINE_BARE = N_("{icon} {title}, since {due}")
_HEADER = N_("🗓 Reminders for {date} ({n}), most urgent first:")
_HEADER_CELL = N_("🗓 Reminders for {date} — {cell} ({n}), most urgent first:")


# -- the channel ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    message_id: int | None = None


@dataclass(frozen=True)
class Blocked:
    """The user blocked the bot: marked inactive, not retried until they write again."""

    reason: str = "blocked"


@dataclass(frozen=True)
class RetryLater:
    """A transient failure (flood limit, network): the next sweep retries."""

    reason: str = "retry later"


@dataclass(frozen=True)
class Uncertain:
    """The request reached Telegram but its answer did not (read timeout, connection reset
    after sending): the message may well have been sent, so it is not sent again."""

    reason: str = "answer lost"


DeliveryResult = Delivered | Blocked | RetryLater | Uncertain


@dataclass(frozen=True)
class Outgoing:
    """One reminder for one user; `delivery_id` identifies it for a snooze button."""

    delivery_id: int
    user: User
    reminder: Reminder
    org: Org
    message: Msg
    again: bool = False
    #: The user is a secretary or deputy of the reminder's cell, so the cell's action buttons
    #: (which open and change its records) are for them; officers get the text only.
    in_cell: bool = True


@dataclass(frozen=True)
class Digest:
    """Everything due for one user on one day, in one message: a line per item, most urgent
    first (`items`, at most `MAX_DIGEST`); each item opens its full text, sources and buttons."""

    user: User
    today: date
    items: tuple[Outgoing, ...]


def digest_line(item: Outgoing, *, with_cell: bool = True) -> Msg:
    """One line of a digest: severity icon, what, about whom, (where,) since when."""
    r = item.reminder
    title = Msg(KIND_TITLES.get(r.kind, _OTHER_TITLE))
    icon = SEVERITY_ICONS.get(r.severity, "🔔")
    about_cell = r.subject_type == "cell" or not r.subject_name or r.subject_name == item.org.name
    params: dict[str, object] = {"icon": icon, "title": title, "due": r.due_date}
    if about_cell:
        return Msg(_LINE_CELL if with_cell else _LINE_BARE, {**params, "cell": item.org.name})
    params["name"] = r.subject_name
    return Msg(_LINE, {**params, "cell": item.org.name}) if with_cell else Msg(_LINE_NAME, params)


def digest_header(digest: Digest) -> Msg:
    """ "Reminders for <day> (n)", with the cell's name when they are all about one cell."""
    cells = {item.org.name for item in digest.items}
    params = {"date": digest.today, "n": len(digest.items)}
    if len(cells) == 1:
        return Msg(_HEADER_CELL, {**params, "cell": next(iter(cells))})
    return Msg(_HEADER, params)


def by_urgency(items: Sequence[Outgoing]) -> list[Outgoing]:
    """Most urgent first: severity, then the oldest due date, then the cell and the key."""
    return sorted(
        items,
        key=lambda i: (
            URGENCY.get(i.reminder.severity, 9),
            i.reminder.due_date,
            i.org.name,
            i.reminder.key,
        ),
    )


class Notifier(Protocol):
    """A channel (Telegram, …) that shows reminders to a user in their language: one alone,
    or several due the same day as one digest (delivered, or failed, as a whole)."""

    async def deliver(self, item: Outgoing) -> DeliveryResult: ...

    async def deliver_digest(self, digest: Digest) -> DeliveryResult: ...


# -- planning ------------------------------------------------------------------------------------

Reason = Literal["new", "retry", "stale", "snoozed"]


@dataclass(frozen=True)
class Recipient:
    user: User
    reason: Reason


@dataclass(frozen=True)
class Planned:
    """A due reminder and the recipients it has not reached yet."""

    reminder: Reminder
    org: Org
    recipients: tuple[Recipient, ...]

    def message(self, *, again: bool = False) -> Msg:
        return reminder_message(self.reminder, self.org, again=again)


@dataclass(frozen=True)
class Plan:
    today: date
    items: tuple[Planned, ...]
    held: int = 0  # recipients another live sweep is sending to right now
    #: Due reminders nobody bound can receive (no secretary/deputy/officer yet): never sent,
    #: listed by the preview so an admin sees the backlog after importing rosters.
    unbound: tuple[Planned, ...] = ()


def reminder_message(reminder: Reminder, org: Org, *, again: bool = False) -> Msg:
    """The reminder's text with a header: severity and the cell's name."""
    return Msg(
        _TEXT_AGAIN if again else _TEXT,
        {
            "icon": SEVERITY_ICONS.get(reminder.severity, "🔔"),
            "label": Msg(SEVERITY_LABELS.get(reminder.severity, SEVERITY_LABELS["info"])),
            "cell": org.name,
            "body": reminder.message,
        },
    )


async def _org_scope(tx: Tx, org_code: str | None) -> list[int] | None:
    if org_code is None:
        return None
    org = await org_store.by_code(tx, org_code)
    if org is None:
        raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": org_code}))
    return await org_store.subtree_ids(tx, org.id)


async def recipients_of(tx: Tx, reminder: Reminder) -> list[User]:
    """Bound, not blocked users who should get it: the cell's secretaries and deputies, or
    the officers of every organisation above the cell (one entry per user)."""
    cell_roles = tuple(r for r in reminder.recipients if r in WRITE_ROLES)
    upper_roles = tuple(r for r in reminder.recipients if r not in WRITE_ROLES)
    found = await user_store.holders(tx, [reminder.org_id], cell_roles) if cell_roles else []
    if upper_roles:
        above = await org_store.ancestor_ids(tx, reminder.org_id)
        found += await user_store.holders(tx, above, upper_roles)
    users = {user.tg_id: user for user, _role, _org in found if user.blocked_at is None}
    return [users[k] for k in sorted(users)]


def _reason(existing: store.Delivery | None, today: date, stale_before: datetime) -> Reason | None:
    if existing is None:
        return "new"
    if not existing.claimable(today, stale_before):
        return None
    if existing.state == "failed":
        return "retry"
    return "stale" if existing.state == "claimed" else "snoozed"


class _Audiences:
    """Who can receive a reminder, from every role holder loaded once (the same answer as
    `recipients_of`, without two queries per cell)."""

    def __init__(self, holders: list[tuple[User, str, int]], orgs: dict[int, Org]) -> None:
        self.orgs = orgs
        self.by_org: dict[int, list[tuple[User, str]]] = {}
        for user, role, org_id in holders:
            if user.blocked_at is None:
                self.by_org.setdefault(org_id, []).append((user, role))
        self.cache: dict[tuple[int, tuple[str, ...]], list[User]] = {}

    def above(self, org_id: int) -> list[int]:
        out: list[int] = []
        parent = self.orgs[org_id].parent_id if org_id in self.orgs else None
        while parent is not None and parent not in out:
            out.append(parent)
            parent = self.orgs[parent].parent_id if parent in self.orgs else None
        return out

    def of(self, reminder: Reminder) -> list[User]:
        audience = (reminder.org_id, tuple(reminder.recipients))
        found = self.cache.get(audience)
        if found is None:
            cell_roles = {r for r in reminder.recipients if r in WRITE_ROLES}
            upper_roles = {r for r in reminder.recipients if r not in WRITE_ROLES}
            users: dict[int, User] = {}
            if cell_roles:
                for user, role in self.by_org.get(reminder.org_id, ()):
                    if role in cell_roles:
                        users[user.tg_id] = user
            if upper_roles:
                for org_id in self.above(reminder.org_id):
                    for user, role in self.by_org.get(org_id, ()):
                        if role in upper_roles:
                            users[user.tg_id] = user
            found = self.cache[audience] = [users[k] for k in sorted(users)]
            if not found:
                log.info("reminder %s: nobody bound can receive it", reminder.key)
        return found


async def plan(ctx: AppContext, today: date, *, org_code: str | None = None) -> Plan:
    """Every reminder due on `today` that a sweep would still send, with its recipients
    (and, in `unbound`, those due that nobody bound can receive)."""
    stale_before = ctx.now() - STALE_CLAIM
    with _gc_paused():
        return await _plan(ctx, today, org_code, stale_before)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a plan builds its (acyclic) objects: at province
    size the collector's passes over them cost a third of the planning time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _plan(ctx: AppContext, today: date, org_code: str | None, stale_before: datetime) -> Plan:
    async with ctx.db.read() as tx:
        org_ids = await _org_scope(tx, org_code)
        state = await reminder_state.load(tx, org_ids, today=today, catalogue=ctx.catalogue)
        t1 = time.perf_counter()
        due = due_reminders(state, today, ctx.calendar, ctx.catalogue)
        log.debug("planning: the rules took %.2f s", time.perf_counter() - t1)
        del state
        orgs = {o.id: o for o in await org_store.all_orgs(tx)}
        existing = await store.by_keys(tx, (r.key for r in due))
        roles = tuple(sorted({role for r in due for role in r.recipients}))
        holders = await user_store.all_holders(tx, roles) if roles else []
    audiences = _Audiences(holders, orgs)
    items: list[Planned] = []
    unbound: list[Planned] = []
    held = 0
    for reminder in due:
        users = audiences.of(reminder)
        if not users:
            unbound.append(Planned(reminder, orgs[reminder.org_id], ()))
            continue
        pending = []
        for user in users:
            row = existing.get((reminder.key, user.tg_id))
            reason = _reason(row, today, stale_before)
            if reason is not None:
                pending.append(Recipient(user, reason))
            elif row is not None and row.state == "claimed":
                held += 1
        if pending:
            items.append(Planned(reminder, orgs[reminder.org_id], tuple(pending)))
    return Plan(today, tuple(items), held, tuple(unbound))


async def plan_off_loop(ctx: AppContext, today: date, *, org_code: str | None = None) -> Plan:
    """`plan` in a worker thread with its own connection to the database file, so the bot
    keeps answering other users while a province is planned (an in-memory database, which
    a second connection cannot see, is planned on the loop)."""
    path = str(ctx.db.path)
    if path == ":memory:" or not path:
        return await plan(ctx, today, org_code=org_code)

    async def in_thread() -> Plan:
        db = await Database.open(path, migrate=False)
        try:
            return await plan(replace(ctx, db=db), today, org_code=org_code)
        finally:
            await db.close()

    return await asyncio.to_thread(asyncio.run, in_thread())


# -- the sweep -----------------------------------------------------------------------------------


@dataclass
class SweepReport:
    today: date
    sent: list[tuple[str, int]] = field(default_factory=list)  # (key, tg_id)
    blocked: list[tuple[str, int]] = field(default_factory=list)
    retry_later: list[tuple[str, int]] = field(default_factory=list)
    uncertain: list[tuple[str, int]] = field(default_factory=list)  # maybe sent: not re-sent
    skipped: int = 0  # claimed by another sweep first
    held: int = 0  # being sent by another live sweep when this one planned
    messages: int = 0  # messages (single reminders or digests) the channel was asked to send

    @property
    def needs_follow_up(self) -> bool:
        """A retry sweep soon would help (transient failures, or another sweep's claims)."""
        return bool(self.retry_later) or self.held > 0


def _new_delivery(reminder: Reminder, user: User) -> NewDelivery:
    return NewDelivery(
        reminder.key,
        user.tg_id,
        reminder.kind,
        reminder.org_id,
        reminder.subject_type,
        reminder.subject_id,
        reminder.due_date,
        tuple(reminder.recipients),
    )


def group_by_recipient(current: Plan) -> dict[int, tuple[User, list[tuple[Planned, Recipient]]]]:
    """What each recipient is still to get from `current`: one message (or digest) each."""
    out: dict[int, tuple[User, list[tuple[Planned, Recipient]]]] = {}
    for item in current.items:
        for recipient in item.recipients:
            uid = recipient.user.tg_id
            if uid not in out:
                out[uid] = (recipient.user, [])
            out[uid][1].append((item, recipient))
    return out


async def sweep(
    ctx: AppContext,
    notifier: Notifier,
    *,
    today: date | None = None,
    org_code: str | None = None,
    concurrency: int = SEND_CONCURRENCY,
) -> SweepReport:
    """Send every pending reminder once; safe to run concurrently and to re-run.

    Each recipient gets what is due for them as one message (a digest when there are
    several), `concurrency` recipients at a time; the planning runs off the event loop."""
    day = today or ctx.today()
    current = await plan_off_loop(ctx, day, org_code=org_code)
    report = SweepReport(day, held=current.held)
    token = uuid.uuid4().hex
    gate = asyncio.Semaphore(max(concurrency, 1))
    failed = False

    async def one(user: User, entries: list[tuple[Planned, Recipient]]) -> None:
        nonlocal failed
        async with gate:
            if failed:  # a sweep that failed starts nothing new (the next sweep does it)
                return
            try:
                await _send_to(ctx, notifier, user, entries, token, report)
            except BaseException:
                failed = True
                raise

    # Not a TaskGroup: cancelling a sibling inside its transaction would leave the shared
    # connection mid-transaction; the others finish what they started, then the first
    # failure (a database fault, the process being stopped) is raised.
    outcomes = await asyncio.gather(
        *(one(user, entries) for user, entries in group_by_recipient(current).values()),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    log.info(
        "reminder sweep %s: %d sent in %d messages, %d blocked, %d to retry, %d uncertain,"
        " %d skipped",
        day,
        len(report.sent),
        report.messages,
        len(report.blocked),
        len(report.retry_later),
        len(report.uncertain),
        report.skipped,
    )
    return report


async def _send_to(
    ctx: AppContext,
    notifier: Notifier,
    user: User,
    entries: list[tuple[Planned, Recipient]],
    token: str,
    report: SweepReport,
) -> None:
    """Claim every (reminder, user) pair in one transaction, deliver them as one message (a
    digest of at most `MAX_DIGEST` items, or the reminder alone), record each pair's outcome."""
    claimed: list[Outgoing] = []
    async with ctx.db.transaction() as tx:
        cells = {
            g.org_id for g in await user_store.roles_of(tx, user.tg_id) if g.role in WRITE_ROLES
        }
        for item, recipient in entries:
            reminder = item.reminder
            delivery_id = await store.claim(
                tx,
                _new_delivery(reminder, user),
                token=token,
                now=ctx.now(),
                stale_before=ctx.now() - STALE_CLAIM,
                today=report.today,
            )
            if delivery_id is None:
                report.skipped += 1
                continue
            again = recipient.reason == "snoozed"
            claimed.append(
                Outgoing(
                    delivery_id,
                    user,
                    reminder,
                    item.org,
                    item.message(again=again),
                    again,
                    reminder.org_id in cells,
                )
            )
    ordered = by_urgency(claimed)
    for i in range(0, len(ordered), MAX_DIGEST):
        chunk = ordered[i : i + MAX_DIGEST]
        try:
            if len(chunk) == 1:
                result = await notifier.deliver(chunk[0])
            else:
                result = await notifier.deliver_digest(Digest(user, report.today, tuple(chunk)))
        except Exception as exc:  # a channel bug must not stop the other reminders
            log.exception("delivering %d reminder(s) to %s failed", len(chunk), user.tg_id)
            result = RetryLater(f"{type(exc).__name__}: {exc}")
        report.messages += 1
        await _record(ctx, user, chunk, result, token, report)
        if isinstance(result, Blocked):  # the rest cannot reach them either
            rest = ordered[i + MAX_DIGEST :]
            if rest:
                await _record(ctx, user, rest, RetryLater(result.reason), token, report)
            return


async def _record(
    ctx: AppContext,
    user: User,
    chunk: Sequence[Outgoing],
    result: DeliveryResult,
    token: str,
    report: SweepReport,
) -> None:
    """One outcome for every pair of one message (a digest is delivered, or not, whole)."""
    async with ctx.db.transaction() as tx:
        for out in chunk:
            pair = (out.reminder.key, user.tg_id)
            if isinstance(result, Delivered):
                await store.mark_sent(
                    tx, out.delivery_id, token=token, now=ctx.now(), message_id=result.message_id
                )
                report.sent.append(pair)
            elif isinstance(result, Uncertain):
                await store.mark_uncertain(
                    tx, out.delivery_id, token=token, now=ctx.now(), error=result.reason
                )
                report.uncertain.append(pair)
            elif isinstance(result, Blocked):
                await store.mark_failed(tx, out.delivery_id, token=token, error=result.reason)
                report.blocked.append(pair)
            else:
                await store.mark_failed(tx, out.delivery_id, token=token, error=result.reason)
                report.retry_later.append(pair)
        if isinstance(result, Blocked):
            await user_store.mark_blocked(tx, user.tg_id, ctx.now())
            await audit.record(
                tx,
                at=ctx.now(),
                actor=audit.SYSTEM_ACTOR,
                entity="user",
                entity_id=user.tg_id,
                action="blocked",
                after={"reminder": chunk[0].reminder.key},
            )


# -- snooze --------------------------------------------------------------------------------------


async def snooze(ctx: AppContext, *, user_id: int, delivery_id: int) -> date:
    """Send this reminder to this user once more in `SNOOZE_DAYS` days (if still due then).

    Only its recipient may snooze it, and only while they still hold a role it is meant for;
    a refusal is audited like any other.
    """
    until = ctx.today() + timedelta(days=SNOOZE_DAYS)
    async with ctx.db.transaction() as tx:
        delivery = await store.get(tx, delivery_id)
        if delivery is None:
            raise NotFound(_GONE)
        allowed = delivery.user_id == user_id and await _still_recipient(tx, user_id, delivery)
        if allowed:
            await store.snooze(tx, delivery_id, until)
            await audit.record(
                tx,
                at=ctx.now(),
                actor=user_id,
                entity="reminder",
                entity_id=delivery_id,
                action="snooze",
                after={"key": delivery.key, "until": until},
            )
        else:
            await audit.record(
                tx,
                at=ctx.now(),
                actor=user_id,
                entity="access",
                entity_id=delivery.org_id,
                action="denied",
                after={"wanted": "snooze", "reminder": delivery_id},
            )
    if not allowed:
        raise AccessDenied(_NOT_YOURS)
    return until


_NOT_YOURS = Msg(N_("This reminder was not sent to you."))
_NO_LONGER_DUE = Msg(
    N_("This reminder is no longer due: it was dealt with, or a newer reminder replaced it.")
)


async def detail(ctx: AppContext, *, user_id: int, delivery_id: int) -> Outgoing:
    """One item of a digest as it would be sent alone: its full text (with its sources) and,
    for the cell's secretaries and deputies, its actions. Only for its recipient, while they
    still hold a role it is meant for (a refusal is audited)."""
    async with ctx.db.read() as tx:
        delivery = await store.get(tx, delivery_id)
        if delivery is None:
            raise NotFound(_GONE)
        allowed = delivery.user_id == user_id and await _still_recipient(tx, user_id, delivery)
        if allowed:
            state = await reminder_state.load(tx, [delivery.org_id])
            org = await org_store.by_id(tx, delivery.org_id)
            user = await user_store.get(tx, user_id)
            grants = await user_store.roles_of(tx, user_id)
    if not allowed:
        raise await access.deny(
            ctx, user_id, "reminder", delivery.org_id, _NOT_YOURS, reminder=delivery_id
        )
    if org is None or user is None:
        raise NotFound(_GONE)
    found = None
    for day in (ctx.today(), delivery.due_date):  # still due; else as it was on its day
        due = due_reminders(state, day, ctx.calendar, ctx.catalogue)
        found = next((r for r in due if r.key == delivery.key), None)
        if found is not None:
            break
    if found is None:
        raise NotFound(_NO_LONGER_DUE)
    in_cell = any(g.org_id == found.org_id and g.role in WRITE_ROLES for g in grants)
    return Outgoing(delivery_id, user, found, org, reminder_message(found, org), False, in_cell)


async def _still_recipient(tx: Tx, user_id: int, delivery: store.Delivery) -> bool:
    scope = await scope_of(tx, user_id)
    roles: Sequence[str] = delivery.recipients
    if any(r in WRITE_ROLES for r in roles) and delivery.org_id in scope.write_cells:
        return True
    if "officer" in roles:
        above = set(await org_store.ancestor_ids(tx, delivery.org_id))
        grants = await user_store.roles_of(tx, user_id)
        return any(g.role == "officer" and g.org_id in above for g in grants)
    return False

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

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from chibo.rules.messages import N_, Msg
from chibo.rules.reminders import Reminder, due_reminders
from chibo.storage import audit, reminder_state
from chibo.storage import orgs as org_store
from chibo.storage import reminders as store
from chibo.storage import users as user_store
from chibo.storage.db import Tx
from chibo.storage.orgs import Org
from chibo.storage.reminders import NewDelivery
from chibo.storage.users import WRITE_ROLES, User
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


class Notifier(Protocol):
    """A channel (Telegram, …) that shows a reminder to a user in their language."""

    async def deliver(self, item: Outgoing) -> DeliveryResult: ...


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


async def plan(ctx: AppContext, today: date, *, org_code: str | None = None) -> Plan:
    """Every reminder due on `today` that a sweep would still send, with its recipients
    (and, in `unbound`, those due that nobody bound can receive)."""
    stale_before = ctx.now() - STALE_CLAIM
    async with ctx.db.read() as tx:
        org_ids = await _org_scope(tx, org_code)
        state = await reminder_state.load(tx, org_ids)
        due = due_reminders(state, today, ctx.calendar, ctx.catalogue)
        orgs = {o.id: o for o in await org_store.all_orgs(tx)}
        existing = await store.by_keys(tx, (r.key for r in due))
        audiences: dict[tuple[int, tuple[str, ...]], list[User]] = {}
        items: list[Planned] = []
        unbound: list[Planned] = []
        held = 0
        for reminder in due:
            audience = (reminder.org_id, tuple(reminder.recipients))
            if audience not in audiences:
                audiences[audience] = await recipients_of(tx, reminder)
                if not audiences[audience]:
                    log.info("reminder %s: nobody bound can receive it", reminder.key)
            if not audiences[audience]:
                unbound.append(Planned(reminder, orgs[reminder.org_id], ()))
                continue
            pending = []
            for user in audiences[audience]:
                row = existing.get((reminder.key, user.tg_id))
                reason = _reason(row, today, stale_before)
                if reason is not None:
                    pending.append(Recipient(user, reason))
                elif row is not None and row.state == "claimed":
                    held += 1
            if pending:
                items.append(Planned(reminder, orgs[reminder.org_id], tuple(pending)))
    return Plan(today, tuple(items), held, tuple(unbound))


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


async def sweep(
    ctx: AppContext, notifier: Notifier, *, today: date | None = None, org_code: str | None = None
) -> SweepReport:
    """Send every pending reminder once; safe to run concurrently and to re-run."""
    day = today or ctx.today()
    current = await plan(ctx, day, org_code=org_code)
    report = SweepReport(day, held=current.held)
    token = uuid.uuid4().hex
    for item in current.items:
        for recipient in item.recipients:
            await _send_one(ctx, notifier, item, recipient, token, report)
    log.info(
        "reminder sweep %s: %d sent, %d blocked, %d to retry, %d uncertain, %d skipped",
        day,
        len(report.sent),
        len(report.blocked),
        len(report.retry_later),
        len(report.uncertain),
        report.skipped,
    )
    return report


async def _send_one(
    ctx: AppContext,
    notifier: Notifier,
    item: Planned,
    recipient: Recipient,
    token: str,
    report: SweepReport,
) -> None:
    reminder, user = item.reminder, recipient.user
    async with ctx.db.transaction() as tx:
        delivery_id = await store.claim(
            tx,
            _new_delivery(reminder, user),
            token=token,
            now=ctx.now(),
            stale_before=ctx.now() - STALE_CLAIM,
            today=report.today,
        )
        in_cell = any(
            g.org_id == reminder.org_id and g.role in WRITE_ROLES
            for g in await user_store.roles_of(tx, user.tg_id)
        )
    if delivery_id is None:
        report.skipped += 1
        return
    again = recipient.reason == "snoozed"
    outgoing = Outgoing(
        delivery_id, user, reminder, item.org, item.message(again=again), again, in_cell
    )
    try:
        result = await notifier.deliver(outgoing)
    except Exception as exc:  # a channel bug must not stop the other reminders
        log.exception("delivering %s to %s failed", reminder.key, user.tg_id)
        result = RetryLater(f"{type(exc).__name__}: {exc}")
    pair = (reminder.key, user.tg_id)
    async with ctx.db.transaction() as tx:
        if isinstance(result, Delivered):
            await store.mark_sent(
                tx, delivery_id, token=token, now=ctx.now(), message_id=result.message_id
            )
            report.sent.append(pair)
        elif isinstance(result, Uncertain):
            await store.mark_uncertain(
                tx, delivery_id, token=token, now=ctx.now(), error=result.reason
            )
            report.uncertain.append(pair)
        elif isinstance(result, Blocked):
            await store.mark_failed(tx, delivery_id, token=token, error=result.reason)
            await user_store.mark_blocked(tx, user.tg_id, ctx.now())
            await audit.record(
                tx,
                at=ctx.now(),
                actor=audit.SYSTEM_ACTOR,
                entity="user",
                entity_id=user.tg_id,
                action="blocked",
                after={"reminder": reminder.key},
            )
            report.blocked.append(pair)
        else:
            await store.mark_failed(tx, delivery_id, token=token, error=result.reason)
            report.retry_later.append(pair)


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
        raise AccessDenied(Msg(N_("This reminder was not sent to you.")))
    return until


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

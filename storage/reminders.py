"""Reminder deliveries: the per-(key, recipient) claim that makes sending exactly-once.

A sweep claims a row inside a write transaction (BEGIN IMMEDIATE serialises every process on
the file) before it sends, then marks it `sent` or `failed`. A row may be claimed when it does
not exist yet, when it `failed`, when a claim is older than `stale_before` (the sweep that
held it died), or when it was `sent` and snoozed until `today` or earlier. `Delivery.claimable`
mirrors the SQL condition for read-only previews.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from chibo.storage.db import Row, Tx, from_db_date, from_db_instant, to_db_date, to_db_instant

STATES = ("claimed", "sent", "failed")
#: Prefix of `error` on a `sent` row whose send is ambiguous (the answer was lost).
UNCERTAIN = "uncertain: "
_CHUNK = 500

# The one definition of "this row may be claimed again" (parameters :stale, :today).
_CLAIMABLE = (
    "(state = 'failed'"
    " OR (state = 'claimed' AND claimed_at < :stale)"
    " OR (state = 'sent' AND snooze_until IS NOT NULL AND snooze_until <= :today))"
)


@dataclass(frozen=True)
class Delivery:
    id: int
    key: str
    user_id: int
    kind: str
    org_id: int
    subject_type: str
    subject_id: int
    due_date: date
    recipients: tuple[str, ...]
    state: str
    attempts: int
    claim_token: str
    claimed_at: datetime
    sent_at: datetime | None
    message_id: int | None
    error: str | None
    snooze_until: date | None
    snoozes: int

    @property
    def uncertain(self) -> bool:
        """Recorded as sent though Telegram's answer was lost (see `mark_uncertain`)."""
        return self.state == "sent" and (self.error or "").startswith(UNCERTAIN)

    def claimable(self, today: date, stale_before: datetime) -> bool:
        """The Python twin of `_CLAIMABLE`."""
        if self.state == "failed":
            return True
        if self.state == "claimed":
            return self.claimed_at < stale_before
        return self.snooze_until is not None and self.snooze_until <= today


@dataclass(frozen=True)
class NewDelivery:
    """What a claim records about the reminder being sent."""

    key: str
    user_id: int
    kind: str
    org_id: int
    subject_type: str
    subject_id: int
    due_date: date
    recipients: tuple[str, ...]


def _delivery(row: Row) -> Delivery:
    claimed = from_db_instant(row["claimed_at"])
    assert claimed is not None
    due = from_db_date(row["due_date"])
    assert due is not None
    return Delivery(
        row["id"],
        row["key"],
        row["user_id"],
        row["kind"],
        row["org_id"],
        row["subject_type"],
        row["subject_id"],
        due,
        tuple(row["recipients"].split(",")),
        row["state"],
        row["attempts"],
        row["claim_token"],
        claimed,
        from_db_instant(row["sent_at"]),
        row["message_id"],
        row["error"],
        from_db_date(row["snooze_until"]),
        row["snoozes"],
    )


async def by_keys(tx: Tx, keys: Iterable[str]) -> dict[tuple[str, int], Delivery]:
    """Existing rows for these reminder keys, by (key, user_id)."""
    wanted = sorted(set(keys))
    found: dict[tuple[str, int], Delivery] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in await tx.all(f"SELECT * FROM reminder_deliveries WHERE key IN ({marks})", chunk):
            d = _delivery(row)
            found[(d.key, d.user_id)] = d
    return found


async def get(tx: Tx, delivery_id: int) -> Delivery | None:
    row = await tx.one("SELECT * FROM reminder_deliveries WHERE id = ?", (delivery_id,))
    return _delivery(row) if row else None


async def all_deliveries(tx: Tx) -> list[Delivery]:
    return [_delivery(r) for r in await tx.all("SELECT * FROM reminder_deliveries ORDER BY id")]


async def claim(
    tx: Tx, new: NewDelivery, *, token: str, now: datetime, stale_before: datetime, today: date
) -> int | None:
    """Claim (key, user) for sending; the row id, or None when another sweep owns it / it is
    done. Call inside `Database.transaction()`."""
    params = {
        "key": new.key,
        "user": new.user_id,
        "kind": new.kind,
        "org": new.org_id,
        "stype": new.subject_type,
        "sid": new.subject_id,
        "due": to_db_date(new.due_date),
        "recipients": ",".join(new.recipients),
        "token": token,
        "now": to_db_instant(now),
        "stale": to_db_instant(stale_before),
        "today": to_db_date(today),
    }
    inserted = await tx.changes(
        "INSERT INTO reminder_deliveries (key, user_id, kind, org_id, subject_type, subject_id,"
        " due_date, recipients, state, claim_token, claimed_at)"
        " VALUES (:key, :user, :kind, :org, :stype, :sid, :due, :recipients, 'claimed',"
        " :token, :now) ON CONFLICT (key, user_id) DO NOTHING",
        params,
    )
    if not inserted:
        updated = await tx.changes(
            "UPDATE reminder_deliveries SET"
            " snooze_until = CASE WHEN state = 'sent' THEN NULL ELSE snooze_until END,"
            " state = 'claimed', claim_token = :token, claimed_at = :now,"
            " attempts = attempts + 1, due_date = :due, recipients = :recipients"
            f" WHERE key = :key AND user_id = :user AND {_CLAIMABLE}",
            params,
        )
        if not updated:
            return None
    found = await tx.scalar(
        "SELECT id FROM reminder_deliveries WHERE key = ? AND user_id = ?", (new.key, new.user_id)
    )
    return None if found is None else int(found)


async def mark_sent(
    tx: Tx, delivery_id: int, *, token: str, now: datetime, message_id: int | None
) -> bool:
    """Record a successful send; False if the claim was taken over meanwhile."""
    n = await tx.changes(
        "UPDATE reminder_deliveries SET state = 'sent', sent_at = ?, message_id = ?,"
        " error = NULL WHERE id = ? AND claim_token = ? AND state = 'claimed'",
        (to_db_instant(now), message_id, delivery_id, token),
    )
    return n > 0


async def mark_uncertain(
    tx: Tx, delivery_id: int, *, token: str, now: datetime, error: str
) -> bool:
    """Record a send whose answer was lost: `sent` (never claimed again, so never re-sent)
    with `error` saying so; False if the claim was taken over meanwhile."""
    n = await tx.changes(
        "UPDATE reminder_deliveries SET state = 'sent', sent_at = ?, message_id = NULL,"
        " error = ? WHERE id = ? AND claim_token = ? AND state = 'claimed'",
        (to_db_instant(now), (UNCERTAIN + error)[:500], delivery_id, token),
    )
    return n > 0


async def mark_failed(tx: Tx, delivery_id: int, *, token: str, error: str) -> bool:
    """Release a claim as failed: a later sweep retries it."""
    n = await tx.changes(
        "UPDATE reminder_deliveries SET state = 'failed', error = ?"
        " WHERE id = ? AND claim_token = ? AND state = 'claimed'",
        (error[:500], delivery_id, token),
    )
    return n > 0


async def snooze(tx: Tx, delivery_id: int, until: date) -> None:
    await tx.execute(
        "UPDATE reminder_deliveries SET snooze_until = ?, snoozes = snoozes + 1 WHERE id = ?",
        (to_db_date(until), delivery_id),
    )

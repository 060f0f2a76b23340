"""The minutes of a meeting beyond the log: place, times, chair, recorder, agenda, opinions,
the vote on the resolution, and the reasons of absent members."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from chibo.storage.db import Tx

_COLUMNS = (
    "place",
    "opened_at",
    "closed_at",
    "chair",
    "recorder",
    "agenda",
    "opinions",
    "vote_for",
    "vote_against",
    "vote_abstain",
)


@dataclass(frozen=True)
class MinutesFields:
    """Optional details of the minutes; `reasons` maps member id to the absence reason."""

    place: str | None = None
    opened_at: str | None = None  # HH:MM
    closed_at: str | None = None
    chair: str | None = None
    recorder: str | None = None
    agenda: str | None = None
    opinions: str | None = None
    vote_for: int | None = None
    vote_against: int | None = None
    vote_abstain: int | None = None
    reasons: Mapping[int, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self == MinutesFields()

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["reasons"] = {str(k): v for k, v in sorted(self.reasons.items())}
        return out


async def get(tx: Tx, meeting_id: int) -> MinutesFields:
    row = await tx.one(
        f"SELECT {', '.join(_COLUMNS)} FROM meeting_minutes WHERE meeting_id = ?", (meeting_id,)
    )
    rows = await tx.all(
        "SELECT member_id, reason FROM meeting_absence_reasons WHERE meeting_id = ?"
        " ORDER BY member_id",
        (meeting_id,),
    )
    values = {name: row[i] for i, name in enumerate(_COLUMNS)} if row else {}
    return MinutesFields(**values, reasons={r[0]: r[1] for r in rows})


async def save(tx: Tx, meeting_id: int, f: MinutesFields) -> None:
    """Replace the meeting's minutes details (all empty: none stored)."""
    await tx.execute("DELETE FROM meeting_minutes WHERE meeting_id = ?", (meeting_id,))
    await tx.execute("DELETE FROM meeting_absence_reasons WHERE meeting_id = ?", (meeting_id,))
    values = [getattr(f, name) for name in _COLUMNS]
    if any(v is not None for v in values):
        await tx.execute(
            f"INSERT INTO meeting_minutes (meeting_id, {', '.join(_COLUMNS)})"
            f" VALUES ({','.join('?' * (len(_COLUMNS) + 1))})",
            (meeting_id, *values),
        )
    await tx.executemany(
        "INSERT INTO meeting_absence_reasons (meeting_id, member_id, reason) VALUES (?, ?, ?)",
        [(meeting_id, mid, reason) for mid, reason in sorted(f.reasons.items()) if reason],
    )

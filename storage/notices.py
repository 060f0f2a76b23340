"""The notice of a cell's next meeting (one per cell: the last one prepared)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from chibo.storage.db import Tx, from_db_date, to_db_date, to_db_instant


@dataclass(frozen=True)
class NoticeFields:
    held_on: date
    at_time: str | None = None  # HH:MM
    place: str | None = None
    agenda: str | None = None  # one item a line
    documents: str | None = None  # one a line

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def get(tx: Tx, org_id: int) -> NoticeFields | None:
    row = await tx.one("SELECT * FROM meeting_notices WHERE org_id = ?", (org_id,))
    if row is None:
        return None
    held = from_db_date(row["held_on"])
    assert held is not None
    return NoticeFields(held, row["at_time"], row["place"], row["agenda"], row["documents"])


async def put(tx: Tx, org_id: int, f: NoticeFields, *, actor: str | int, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO meeting_notices"
        " (org_id, held_on, at_time, place, agenda, documents, updated_at, updated_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET"
        " held_on = excluded.held_on, at_time = excluded.at_time, place = excluded.place,"
        " agenda = excluded.agenda, documents = excluded.documents,"
        " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        (
            org_id,
            to_db_date(f.held_on),
            f.at_time,
            f.place,
            f.agenda,
            f.documents,
            to_db_instant(at),
            str(actor),
        ),
    )

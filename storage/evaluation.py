"""The year-end evaluation: campaigns, each cell's review and rating, each member's review,
the remedy plans, the officers' numbers, what the reminder rules look at, and the years rated
KHT as evidence for the removal review (§6.5 d, `storage.lifecycle.register_evidence_source`).

The roll of a cell for a year is taken on its *review date*: the day the cell recorded its
review meeting, else the campaign's review deadline, else 31/12. A member's status on that
day is their latest status-history entry dated on or before it; a member without any history
counts with their current status if it started by then (`rules.evaluation.status_on`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from chibo.rules.evaluation_reminders import EvaluationCellCase, RemedyCase
from chibo.rules.lifecycle_removal import Evidence
from chibo.storage.db import Row, Tx, from_db_date, need_date, to_db_date, to_db_instant
from chibo.storage.lifecycle import register_evidence_source
from chibo.storage.reports import CELLS

ACTIVE = ("probationary", "official", "exempt")


# -- campaigns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFields:
    review_by: date
    report_by: date
    remind_from: date | None = None
    instruction: str | None = None
    form: str | None = None


@dataclass(frozen=True)
class Campaign(CampaignFields):
    id: int = 0
    org_id: int = 0
    year: int = 0
    opened_by: str = ""

    @property
    def fields(self) -> CampaignFields:
        return CampaignFields(
            self.review_by, self.report_by, self.remind_from, self.instruction, self.form
        )


def _campaign(r: Row) -> Campaign:
    return Campaign(
        review_by=need_date(r["review_by"]),
        report_by=need_date(r["report_by"]),
        remind_from=from_db_date(r["remind_from"]),
        instruction=r["instruction"],
        form=r["form"],
        id=r["id"],
        org_id=r["org_id"],
        year=r["year"],
        opened_by=r["opened_by"],
    )


async def campaign(tx: Tx, org_id: int, year: int) -> Campaign | None:
    """The campaign opened for exactly this organisation and year."""
    row = await tx.one(
        "SELECT * FROM evaluation_campaigns WHERE org_id = ? AND year = ?", (org_id, year)
    )
    return _campaign(row) if row else None


async def campaign_for(tx: Tx, org_id: int, year: int) -> Campaign | None:
    """The campaign that applies to `org_id`: its own, else the nearest one above it."""
    row = await tx.one(
        "WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION ALL"
        " SELECT o.parent_id, up.depth + 1 FROM orgs o JOIN up ON o.id = up.id"
        " WHERE o.parent_id IS NOT NULL)"
        " SELECT k.* FROM up JOIN evaluation_campaigns k ON k.org_id = up.id AND k.year = ?"
        " ORDER BY up.depth LIMIT 1",
        (org_id, year),
    )
    return _campaign(row) if row else None


async def put_campaign(
    tx: Tx, *, org_id: int, year: int, f: CampaignFields, actor: str, at: datetime
) -> int:
    stamp = to_db_instant(at)
    await tx.execute(
        "INSERT INTO evaluation_campaigns (org_id, year, review_by, report_by, remind_from,"
        " instruction, form, opened_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, year) DO UPDATE SET"
        " review_by = excluded.review_by, report_by = excluded.report_by,"
        " remind_from = excluded.remind_from, instruction = excluded.instruction,"
        " form = excluded.form, updated_at = excluded.updated_at",
        (
            org_id,
            year,
            to_db_date(f.review_by),
            to_db_date(f.report_by),
            to_db_date(f.remind_from),
            f.instruction,
            f.form,
            actor,
            stamp,
            stamp,
        ),
    )
    found = await campaign(tx, org_id, year)
    assert found is not None
    return found.id


# -- the cell's year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellYear:
    org_id: int
    year: int
    review_held_on: date | None = None
    level: str | None = None
    level_decided_on: date | None = None
    level_note: str | None = None


async def cell_year(tx: Tx, org_id: int, year: int) -> CellYear:
    row = await tx.one(
        "SELECT * FROM evaluation_cells WHERE org_id = ? AND year = ?", (org_id, year)
    )
    if row is None:
        return CellYear(org_id, year)
    return CellYear(
        org_id,
        year,
        from_db_date(row["review_held_on"]),
        row["level"],
        from_db_date(row["level_decided_on"]),
        row["level_note"],
    )


async def put_cell_year(tx: Tx, c: CellYear, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO evaluation_cells (org_id, year, review_held_on, level, level_decided_on,"
        " level_note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (org_id, year) DO UPDATE SET review_held_on = excluded.review_held_on,"
        " level = excluded.level, level_decided_on = excluded.level_decided_on,"
        " level_note = excluded.level_note, updated_at = excluded.updated_at",
        (
            c.org_id,
            c.year,
            to_db_date(c.review_held_on),
            c.level,
            to_db_date(c.level_decided_on),
            c.level_note,
            to_db_instant(at),
        ),
    )


async def tracked_since(tx: Tx, org_id: int) -> date | None:
    """The day the bot started tracking the organisation."""
    text = await tx.scalar("SELECT substr(created_at, 1, 10) FROM orgs WHERE id = ?", (org_id,))
    return from_db_date(text)


# -- a member's year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberYear:
    member_id: int
    year: int
    org_id: int
    plan_received_on: date | None = None
    self_assessment_on: date | None = None
    works_elsewhere: bool = False
    residence_comments_on: date | None = None
    disciplined_on: date | None = None
    score: Decimal | None = None
    proposed_level: str | None = None
    vote_agree: int | None = None
    vote_base: int | None = None
    decided_level: str | None = None
    decided_on: date | None = None
    notes: str | None = None

    @property
    def final_level(self) -> str | None:
        """The committee's level, else the cell's proposal."""
        return self.decided_level or self.proposed_level


def _member_year(r: Row) -> MemberYear:
    return MemberYear(
        member_id=r["member_id"],
        year=r["year"],
        org_id=r["org_id"],
        plan_received_on=from_db_date(r["plan_received_on"]),
        self_assessment_on=from_db_date(r["self_assessment_on"]),
        works_elsewhere=bool(r["works_elsewhere"]),
        residence_comments_on=from_db_date(r["residence_comments_on"]),
        disciplined_on=from_db_date(r["disciplined_on"]),
        score=None if r["score"] is None else Decimal(r["score"]),
        proposed_level=r["proposed_level"],
        vote_agree=r["vote_agree"],
        vote_base=r["vote_base"],
        decided_level=r["decided_level"],
        decided_on=from_db_date(r["decided_on"]),
        notes=r["notes"],
    )


async def member_years(tx: Tx, member_ids: Collection[int], year: int) -> dict[int, MemberYear]:
    ids = sorted(set(member_ids))
    out: dict[int, MemberYear] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = await tx.all(
            f"SELECT * FROM evaluation_members WHERE year = ? AND member_id IN"
            f" ({','.join('?' * len(chunk))})",
            (year, *chunk),
        )
        out.update((r["member_id"], _member_year(r)) for r in rows)
    return out


async def final_levels(tx: Tx, member_ids: Collection[int]) -> dict[int, dict[int, str | None]]:
    """Per member, their final level (decided, else proposed) by year."""
    ids = sorted(set(member_ids))
    out: dict[int, dict[int, str | None]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = await tx.all(
            "SELECT member_id, year, coalesce(decided_level, proposed_level)"
            f" FROM evaluation_members WHERE member_id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for mid, year, level in rows:
            out.setdefault(mid, {})[year] = level
    return out


async def put_member_year(tx: Tx, m: MemberYear, at: datetime) -> None:
    await tx.execute(
        "INSERT INTO evaluation_members (member_id, year, org_id, plan_received_on,"
        " self_assessment_on, works_elsewhere, residence_comments_on, disciplined_on, score,"
        " proposed_level, vote_agree, vote_base, decided_level, decided_on, notes, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (member_id, year) DO UPDATE SET org_id = excluded.org_id,"
        " plan_received_on = excluded.plan_received_on,"
        " self_assessment_on = excluded.self_assessment_on,"
        " works_elsewhere = excluded.works_elsewhere,"
        " residence_comments_on = excluded.residence_comments_on,"
        " disciplined_on = excluded.disciplined_on, score = excluded.score,"
        " proposed_level = excluded.proposed_level, vote_agree = excluded.vote_agree,"
        " vote_base = excluded.vote_base, decided_level = excluded.decided_level,"
        " decided_on = excluded.decided_on, notes = excluded.notes,"
        " updated_at = excluded.updated_at",
        (
            m.member_id,
            m.year,
            m.org_id,
            to_db_date(m.plan_received_on),
            to_db_date(m.self_assessment_on),
            int(m.works_elsewhere),
            to_db_date(m.residence_comments_on),
            to_db_date(m.disciplined_on),
            None if m.score is None else str(m.score),
            m.proposed_level,
            m.vote_agree,
            m.vote_base,
            m.decided_level,
            to_db_date(m.decided_on),
            m.notes,
            to_db_instant(at),
        ),
    )


# -- remedy plans ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Remedy:
    id: int
    org_id: int
    year: int
    member_id: int | None
    member_name: str | None
    shortcoming: str
    remedy: str
    due_date: date
    done_on: date | None


_REMEDY_SELECT = (
    "SELECT r.id, r.org_id, r.year, r.member_id, m.full_name, r.shortcoming, r.remedy,"
    " r.due_date, r.done_on FROM evaluation_remedies r LEFT JOIN members m ON m.id = r.member_id"
)


def _remedy(r: Row) -> Remedy:
    return Remedy(r[0], r[1], r[2], r[3], r[4], r[5], r[6], need_date(r[7]), from_db_date(r[8]))


async def add_remedy(
    tx: Tx,
    *,
    org_id: int,
    year: int,
    member_id: int | None,
    shortcoming: str,
    remedy: str,
    due_date: date,
    actor: str,
    at: datetime,
) -> int:
    return await tx.execute(
        "INSERT INTO evaluation_remedies (org_id, year, member_id, shortcoming, remedy,"
        " due_date, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            org_id,
            year,
            member_id,
            shortcoming,
            remedy,
            to_db_date(due_date),
            actor,
            to_db_instant(at),
        ),
    )


async def remedy(tx: Tx, remedy_id: int) -> Remedy | None:
    row = await tx.one(f"{_REMEDY_SELECT} WHERE r.id = ?", (remedy_id,))
    return _remedy(row) if row else None


async def remedies(tx: Tx, org_id: int, year: int) -> list[Remedy]:
    rows = await tx.all(
        f"{_REMEDY_SELECT} WHERE r.org_id = ? AND r.year = ? ORDER BY r.due_date, r.id",
        (org_id, year),
    )
    return [_remedy(r) for r in rows]


async def set_remedy_done(tx: Tx, remedy_id: int, done_on: date | None) -> None:
    await tx.execute(
        "UPDATE evaluation_remedies SET done_on = ? WHERE id = ?", (to_db_date(done_on), remedy_id)
    )


# -- the officers' numbers ---------------------------------------------------------------------

#: A member's status on the cell's review date (`:on` is the campaign's review deadline).
_REVIEW_DAY = "coalesce(ec.review_held_on, :on)"
_STATUS_ON_REVIEW = (
    "coalesce((SELECT h.status FROM member_status_history h WHERE h.member_id = m.id"
    f" AND h.status_date <= {_REVIEW_DAY} ORDER BY h.status_date DESC, h.id DESC LIMIT 1),"
    " CASE WHEN NOT EXISTS (SELECT 1 FROM member_status_history h WHERE h.member_id = m.id)"
    f" AND m.status_date <= {_REVIEW_DAY} THEN m.status END)"
)


@dataclass(frozen=True)
class RollRow:
    cell_id: int
    child_id: int
    member_id: int
    full_name: str
    status: str | None  # on the review date
    proposed_level: str | None
    decided_level: str | None
    works_elsewhere: bool
    residence_comments_on: date | None


async def subtree_roll(tx: Tx, root_id: int, year: int, on: date) -> list[RollRow]:
    """Every member of every cell below `root_id` with their status on the cell's review date
    (`on` where the cell has not recorded one) and their levels of `year`."""
    rows = await tx.all(
        f"{CELLS} SELECT c.id, c.child, m.id, m.full_name, {_STATUS_ON_REVIEW},"
        " e.proposed_level, e.decided_level, coalesce(e.works_elsewhere, 0),"
        " e.residence_comments_on FROM cells c JOIN members m ON m.org_id = c.id"
        " LEFT JOIN evaluation_cells ec ON ec.org_id = c.id AND ec.year = :year"
        " LEFT JOIN evaluation_members e ON e.member_id = m.id AND e.year = :year"
        " ORDER BY c.id, m.name_key, m.id",
        {"root": root_id, "year": year, "on": to_db_date(on)},
    )
    return [
        RollRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), from_db_date(r[8]))
        for r in rows
    ]


async def cell_levels(tx: Tx, root_id: int, year: int) -> dict[int, CellYear]:
    """The recorded cell years (review meeting, own level) of every organisation below."""
    rows = await tx.all(
        "WITH RECURSIVE sub(id) AS (SELECT :root UNION ALL"
        " SELECT o.id FROM orgs o JOIN sub ON o.parent_id = sub.id)"
        " SELECT e.* FROM evaluation_cells e JOIN sub ON sub.id = e.org_id WHERE e.year = :year",
        {"root": root_id, "year": year},
    )
    return {
        r["org_id"]: CellYear(
            r["org_id"],
            r["year"],
            from_db_date(r["review_held_on"]),
            r["level"],
            from_db_date(r["level_decided_on"]),
            r["level_note"],
        )
        for r in rows
    }


@dataclass(frozen=True)
class TreeOrg:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    child_id: int  # the child of the root it sits under
    grandparent_id: int | None  # its parent's parent (grassroots inference)
    under_grassroots: bool | None  # the cell's admission setting, if recorded


async def subtree_orgs(tx: Tx, root_id: int) -> list[TreeOrg]:
    """Every organisation strictly below `root_id` (and the root itself when it is a cell)."""
    rows = await tx.all(
        "WITH RECURSIVE sub(id, child) AS ("
        " SELECT id, id FROM orgs WHERE parent_id = :root"
        " UNION ALL SELECT id, id FROM orgs WHERE id = :root AND kind = 'cell'"
        " UNION ALL SELECT o.id, sub.child FROM orgs o JOIN sub ON o.parent_id = sub.id)"
        " SELECT o.id, o.code, o.name, o.kind, o.parent_id, sub.child, p.parent_id,"
        " s.under_grassroots FROM sub JOIN orgs o ON o.id = sub.id"
        " LEFT JOIN orgs p ON p.id = o.parent_id"
        " LEFT JOIN admission_settings s ON s.org_id = o.id ORDER BY o.code",
        {"root": root_id},
    )
    return [
        TreeOrg(r[0], r[1], r[2], r[3], r[4], r[5], r[6], None if r[7] is None else bool(r[7]))
        for r in rows
    ]


# -- what the reminder rules look at -----------------------------------------------------------


def _in(column: str, org_ids: Collection[int] | None) -> tuple[str, list[int]]:
    if org_ids is None:
        return "", []
    ids = sorted(set(org_ids))
    return (f" AND {column} IN ({','.join('?' * len(ids))})", ids) if ids else (" AND 0", [])


async def campaign_cases(
    tx: Tx, org_ids: Collection[int] | None = None
) -> list[EvaluationCellCase]:
    """Per cell and campaign year (the two latest years with a campaign): the nearest
    campaign above it and how far its review is."""
    where, params = _in("id", org_ids)
    rows = await tx.all(
        "WITH RECURSIVE up(cell, name, id, depth) AS ("
        f" SELECT id, name, id, 0 FROM orgs WHERE kind = 'cell'{where}"
        " UNION ALL SELECT up.cell, up.name, o.parent_id, up.depth + 1 FROM up"
        " JOIN orgs o ON o.id = up.id WHERE o.parent_id IS NOT NULL)"
        " SELECT up.cell, up.name, k.* FROM up JOIN evaluation_campaigns k ON k.org_id = up.id"
        " WHERE k.year >= (SELECT max(year) FROM evaluation_campaigns) - 1"
        " ORDER BY up.cell, k.year, up.depth",
        params,
    )
    chosen: dict[tuple[int, int], tuple[str, Campaign]] = {}
    for r in rows:
        chosen.setdefault((r["cell"], r["year"]), (r["name"], _campaign(r)))
    if not chosen:
        return []
    by_day: dict[tuple[int, date], list[int]] = {}
    for (cell, year), (_name, k) in chosen.items():
        by_day.setdefault((year, k.review_by), []).append(cell)
    counts: dict[tuple[int, int], tuple[int, int, bool, list[tuple[int, str]]]] = {}
    for (year, on), cells in by_day.items():
        for i in range(0, len(cells), 500):
            chunk = cells[i : i + 500]
            found = await tx.all(
                f"SELECT m.org_id, m.id, m.full_name, {_STATUS_ON_REVIEW},"
                " e.proposed_level, coalesce(e.works_elsewhere, 0), e.residence_comments_on,"
                " ec.review_held_on FROM members m"
                " LEFT JOIN evaluation_cells ec ON ec.org_id = m.org_id AND ec.year = :year"
                " LEFT JOIN evaluation_members e ON e.member_id = m.id AND e.year = :year"
                f" WHERE m.org_id IN ({','.join(str(int(c)) for c in chunk)})"
                " ORDER BY m.org_id, m.id",
                {"year": year, "on": to_db_date(on)},
            )
            for r in found:
                due, pending, held, residence = counts.get((r[0], year), (0, 0, False, []))
                if r[3] in ("official", "probationary"):
                    due += 1
                    pending += r[4] is None
                    if r[5] and r[6] is None:
                        residence.append((r[1], r[2]))
                counts[(r[0], year)] = (due, pending, held or r[7] is not None, residence)
            held_rows = await tx.all(
                "SELECT org_id FROM evaluation_cells WHERE year = ? AND review_held_on IS NOT NULL"
                f" AND org_id IN ({','.join(str(int(c)) for c in chunk)})",
                (year,),
            )
            for (cell,) in held_rows:
                due, pending, _held, residence = counts.get((cell, year), (0, 0, False, []))
                counts[(cell, year)] = (due, pending, True, residence)
    cases = []
    for (cell, year), (name, k) in sorted(chosen.items()):
        due, pending, held, residence = counts.get((cell, year), (0, 0, False, []))
        cases.append(
            EvaluationCellCase(
                org_id=cell,
                org_name=name,
                year=year,
                review_by=k.review_by,
                report_by=k.report_by,
                remind_from=k.remind_from,
                instruction=k.instruction or "",
                due=due,
                pending=pending,
                review_held=held,
                residence_pending=tuple(residence),
            )
        )
    return cases


async def kht_evidence(
    tx: Tx, member_ids: Collection[int] | None, today: date
) -> dict[int, list[Evidence]]:
    """§6.5 d evidence for the removal review (`storage.lifecycle`): one day in each year a
    member was rated KHT (the committee's level, else the cell's proposal), the day it was
    decided (31/12 of the year when not recorded or decided the next year)."""
    sql = (
        "SELECT member_id, year, decided_on FROM evaluation_members"
        " WHERE coalesce(decided_level, proposed_level) = 'KHT'"
    )
    if member_ids is None:  # every member: one query
        rows = await tx.all(sql + " ORDER BY member_id, year")
    else:
        ids = sorted(set(member_ids))
        rows = []
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows += await tx.all(
                sql + f" AND member_id IN ({','.join('?' * len(chunk))}) ORDER BY member_id, year",
                chunk,
            )
    dates: dict[int, list[date]] = {}
    for mid, year, decided in rows:
        on = from_db_date(decided)
        end = date(year, 12, 31)
        dates.setdefault(mid, []).append(on if on is not None and on <= end else end)
    return {mid: [Evidence("kht", tuple(ds))] for mid, ds in dates.items()}


register_evidence_source(kht_evidence)


async def remedy_cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[RemedyCase]:
    """Remedy plans not marked done, with the member's (or the cell's) name."""
    where, params = _in("r.org_id", org_ids)
    rows = await tx.all(
        "SELECT r.id, r.org_id, r.year, coalesce(m.full_name, o.name), r.remedy, r.due_date"
        " FROM evaluation_remedies r JOIN orgs o ON o.id = r.org_id"
        " LEFT JOIN members m ON m.id = r.member_id"
        f" WHERE r.done_on IS NULL{where} ORDER BY r.due_date, r.id",
        params,
    )
    return [RemedyCase(r[0], r[1], r[2], r[3], r[4], need_date(r[5])) for r in rows]

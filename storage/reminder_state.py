"""Load the snapshot the reminder rules look at (`rules.reminders.ReminderState`).

One loader per reminder family; a new family adds a field to `ReminderState` and a loader
here. Every loader can be limited to a set of organisations (an org subtree).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from chibo.rules.lifecycle import outside_periods
from chibo.rules.meeting_reminders import AbsenceCase
from chibo.rules.reminders import PROBATIONARY, ProbationCase, ReminderState
from chibo.storage import badges as badge_store
from chibo.storage import candidates as candidate_store
from chibo.storage import dues as dues_store
from chibo.storage import evaluation as evaluation_store
from chibo.storage import lifecycle as lifecycle_store
from chibo.storage import meetings as meeting_store
from chibo.storage import reconciliation as reconciliation_store
from chibo.storage.db import Tx, from_db_date


def _org_filter(column: str, org_ids: Collection[int] | None) -> tuple[str, list[int]]:
    if org_ids is None:
        return "", []
    ids = sorted(set(org_ids))
    if not ids:
        return " AND 0", []
    return f" AND {column} IN ({','.join('?' * len(ids))})", ids


async def probation_cases(tx: Tx, org_ids: Collection[int] | None = None) -> list[ProbationCase]:
    """A case per probationary member with a ceremony date (P1-P7), with their conversion."""
    where, params = _org_filter("m.org_id", org_ids)
    rows = await tx.all(
        "SELECT m.id, m.org_id, m.full_name, m.ceremony_date, m.status, m.course_done_date,"
        " c.cell_resolution_date, c.committee_decision_date, c.outcome, c.outcome_date,"
        " coalesce(c.vote_rounds, 0) AS vote_rounds,"
        " (SELECT max(v.held_on) FROM conversion_votes v WHERE v.member_id = m.id) AS last_vote"
        " FROM members m LEFT JOIN conversions c ON c.member_id = m.id"
        f" WHERE m.status = ? AND m.ceremony_date IS NOT NULL{where} ORDER BY m.id",
        (PROBATIONARY, *params),
    )
    return [
        ProbationCase(
            member_id=r["id"],
            org_id=r["org_id"],
            full_name=r["full_name"],
            ceremony_date=from_db_date(r["ceremony_date"]),
            status=r["status"],
            course_done_date=from_db_date(r["course_done_date"]),
            cell_resolution_date=from_db_date(r["cell_resolution_date"]),
            committee_decision_date=from_db_date(r["committee_decision_date"]),
            outcome=r["outcome"],
            outcome_date=from_db_date(r["outcome_date"]),
            failed_votes=r["vote_rounds"],
            last_vote_date=from_db_date(r["last_vote"]),
        )
        for r in rows
    ]


async def load(tx: Tx, org_ids: Collection[int] | None = None) -> ReminderState:
    """Everything the rules need, for every organisation or only `org_ids`."""
    return ReminderState(
        probation_cases=tuple(await probation_cases(tx, org_ids)),
        cell_meeting_cases=tuple(await meeting_store.cell_meeting_cases(tx, org_ids)),
        absence_cases=tuple(await _counted_absences(tx, org_ids)),
        task_cases=tuple(await meeting_store.task_cases(tx, org_ids)),
        candidate_cases=tuple(await candidate_store.reminder_cases(tx, org_ids)),
        reconciliation_cases=tuple(await reconciliation_store.cases(tx, org_ids)),
        lifecycle_cases=await lifecycle_store.cases(tx, org_ids),
        dues_cell_cases=tuple(await dues_store.cell_cases(tx, org_ids)),
        dues_member_cases=tuple(await dues_store.member_cases(tx, org_ids)),
        badge_cases=tuple(await badge_store.cell_cases(tx, org_ids)),
        evaluation_cases=tuple(await evaluation_store.campaign_cases(tx, org_ids)),
        remedy_cases=tuple(await evaluation_store.remedy_cases(tx, org_ids)),
    )


async def _counted_absences(tx: Tx, org_ids: Collection[int] | None) -> list[AbsenceCase]:
    """Absence cases without the absences during an exemption or a temporary transfer
    (§6.3, §6.4: those members leave the absence counter for that time)."""
    found = await meeting_store.absence_cases(tx, org_ids)
    excused = await lifecycle_store.excused_periods(tx, [c.member_id for c in found])
    out = []
    for case in found:
        periods = excused.get(case.member_id)
        if periods:
            kept = set(outside_periods((r.held_on for r in case.records), periods))
            case = replace(case, records=tuple(r for r in case.records if r.held_on in kept))
        out.append(case)
    return out

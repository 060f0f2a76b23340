"""Load the snapshot the reminder rules look at (`rules.reminders.ReminderState`).

`FAMILIES` is the registered list of reminder families: each pairs a family declared in its
rules module (`ReminderFamily(name, plan)`) with the loader of its cases, ``async (tx,
org_ids) -> cases``. Every loader can be limited to a set of organisations (an org subtree).
A new family is one rules module, one loader and one entry here (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from chibo.rules.badges import BADGE_FAMILY
from chibo.rules.candidate_reminders import CANDIDATE_FAMILY
from chibo.rules.catalogue import Catalogue
from chibo.rules.dues_reminders import DUES_MEMBER_FAMILY, DUES_MONTH_FAMILY
from chibo.rules.evaluation_reminders import CAMPAIGN_FAMILY, REMEDY_FAMILY
from chibo.rules.lifecycle import outside_periods
from chibo.rules.lifecycle_reminders import LIFECYCLE_FAMILY
from chibo.rules.meeting_reminders import ABSENCE_FAMILY, MEETING_FAMILY, TASK_FAMILY, AbsenceCase
from chibo.rules.probation_reminders import PROBATION_FAMILY
from chibo.rules.reconciliation import RECONCILIATION_FAMILY
from chibo.rules.reminder_model import ReminderFamily
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


async def load(
    tx: Tx,
    org_ids: Collection[int] | None = None,
    *,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> ReminderState:
    """Everything the rules need, for every organisation or only `org_ids`. With `today` and
    `catalogue` (those the rules will plan with), a family with a `load_on` loads only the
    cases its reminders of that day can concern."""
    state: dict[ReminderFamily[Any], object] = {}
    for f in FAMILIES:
        if f.load_on is not None and today is not None and catalogue is not None:
            cases = await f.load_on(tx, org_ids, today, catalogue)
        else:
            cases = await f.load(tx, org_ids)
        state[f.family] = _frozen(cases)
    return ReminderState(state)


def _frozen(cases: object) -> object:
    """A loader's list as a tuple: the snapshot is immutable."""
    return tuple(cases) if isinstance(cases, list) else cases


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


C = TypeVar("C")


@dataclass(frozen=True)
class Registered(Generic[C]):
    """A reminder family with the loader of its cases (and, optionally, a loader of only
    the cases its reminders of a day can concern: the same reminders, fewer cases)."""

    family: ReminderFamily[C]
    load: Callable[[Tx, Collection[int] | None], Awaitable[C]]
    load_on: Callable[[Tx, Collection[int] | None, date, Catalogue], Awaitable[C]] | None = None


#: Every reminder family, in the order the sweep plans them.
FAMILIES: tuple[Registered[Any], ...] = (
    Registered(PROBATION_FAMILY, probation_cases),
    Registered(MEETING_FAMILY, meeting_store.cell_meeting_cases),
    Registered(ABSENCE_FAMILY, _counted_absences),
    Registered(TASK_FAMILY, meeting_store.task_cases),
    Registered(CANDIDATE_FAMILY, candidate_store.reminder_cases),
    Registered(RECONCILIATION_FAMILY, reconciliation_store.cases),
    Registered(LIFECYCLE_FAMILY, lifecycle_store.cases),
    Registered(DUES_MONTH_FAMILY, dues_store.cell_cases),
    Registered(DUES_MEMBER_FAMILY, dues_store.member_cases),
    Registered(BADGE_FAMILY, badge_store.cell_cases, badge_store.cell_cases_on),
    Registered(CAMPAIGN_FAMILY, evaluation_store.campaign_cases),
    Registered(REMEDY_FAMILY, evaluation_store.remedy_cases),
)

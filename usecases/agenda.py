"""The next meeting's agenda proposed from the book: what the cell must handle next.

Sources: probationary members due for the conversion review, meeting tasks falling due,
members with repeated unexcused absences (§6.5), the quarter's thematic meeting when none is
logged yet (M2), the year-end review in its season (E2, from November) and the half-year
member list to confirm (June and December; the month is a setting of this module, not
verified). Candidates at the vote step are not proposed yet. The secretary edits the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chibo.rules.dates import add_months, month_end, quarter_bounds, quarter_of
from chibo.rules.meetings import absence_status
from chibo.rules.messages import N_, Msg
from chibo.storage import meetings as meeting_store
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import probation as probation_uc
from chibo.usecases.context import AppContext

Actor = int | str
YEAR_END_FROM_MONTH = 11
HALF_YEAR_MONTHS = (6, 12)


@dataclass(frozen=True)
class Agenda:
    org_id: int
    items: tuple[Msg, ...]


async def propose(ctx: AppContext, actor: Actor, org_id: int, on: date | None = None) -> Agenda:
    """The agenda of the cell's meeting on `on` (today if None)."""
    await meetings_uc.cell_for_read(ctx, actor, org_id)
    day = on or ctx.today()
    items = [
        Msg(N_("Assessment of the past month's tasks")),
        Msg(N_("Tasks for the coming month")),
    ]
    for case in await probation_uc.cases(ctx, actor=actor, org_id=org_id):
        if case.stage in ("review_due", "overdue", "escalated") and case.end is not None:
            items.append(
                Msg(
                    N_("Consider {name}'s conversion to official member (probation ended {end})"),
                    {"name": case.member.full_name, "end": case.end},
                )
            )
    horizon = month_end(add_months(day, 1))
    async with ctx.db.read() as tx:
        tasks = await meeting_store.open_tasks(tx, [org_id])
        absences = await meeting_store.absence_cases(tx, [org_id])
        since, until = quarter_bounds(day.year, quarter_of(day))
        thematic = await meeting_store.of_org(
            tx, org_id, since=since, until=until, kinds=("thematic",)
        )
    for task in tasks:
        if task.due_date <= horizon:
            items.append(
                Msg(
                    N_("Check the task of {name}: {task} (due {due})"),
                    {"name": task.member_name, "task": task.task, "due": task.due_date},
                )
            )
    for absence in absences:
        if absence_status(absence.records, day, ctx.catalogue).level != "none":
            items.append(
                Msg(
                    N_("Repeated unexcused absences of {name}: hear and remind"),
                    {"name": absence.full_name},
                )
            )
    if not thematic:
        items.append(Msg(N_("The quarter's thematic meeting (none logged yet this quarter)")))
    if day.month >= YEAR_END_FROM_MONTH:
        items.append(Msg(N_("Year-end review and rating of party members")))
    if day.month in HALF_YEAR_MONTHS:
        items.append(Msg(N_("Confirm the cell's member list for the half-year")))
    return Agenda(org_id, tuple(items))

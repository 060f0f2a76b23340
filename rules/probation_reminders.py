"""Reminder rules for probationary members (domain-rules P1-P7; the issue's offsets win).

Four chains per probationary member with a ceremony date; each yields at most its latest
step that has come (see :func:`rules.reminder_model.latest_step`):

- conversion: "prepare the dossier" 45 and 15 days before probation ends, "due" on the end day,
  then every 7 days (step "+7d#k") while no cell resolution is recorded: *due* for the
  conversion review up to the cell's legal deadline (30 working days after the end, P5) — in
  the rules' own words, not "overdue" — and *overdue* after it, from the day after the deadline
  (step "+30wd");
- escalation (to the officers above, once): the day after the 30th working day after the end,
  i.e. once those 30 working days have fully passed without a cell resolution;
- course: new-member course not recorded at months 3, 6, 9 of probation (info), month 10 (due);
- committee: a cell resolution but no committee decision once 30 working days after the
  resolution have fully passed (overdue).

Three cell votes without 2/3 either way (P6) end them too: the case goes to the upper
committees, and the officers above get a *vote escalation* once (step "votes#3", dated the last
round). "Not eligible" (the cell proposes removing the member from the list, xóa tên, P6) ends
every one of these chains; a *removal* chain follows it up instead: on the day it was recorded and
every ``probation.removal.follow_up_days`` (30) days while the member is still listed as
probationary (the committee has not decided and the roster not been updated).

Numbers come from the catalogue in force on the event date: the ceremony date for the
probation length and the course months, the end of probation for the conversion offsets, the
resolution date for the committee's deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.messages import N_, Msg
from chibo.rules.probation import cell_deadline, first_resolution_date, probation_end
from chibo.rules.reminder_model import (
    OFFICERS,
    SECRETARIAT,
    Reminder,
    ReminderFamily,
    Severity,
    latest_step,
)
from chibo.rules.workdays import WorkCalendar

PROBATIONARY = "probationary"
NOT_ELIGIBLE = "not_eligible"
_DAY = timedelta(days=1)

_PREPARE = N_(
    "{name}'s probation ends on {end} ({months} months from the admission ceremony, Party "
    "Charter, Art. 5). Prepare the conversion dossier: the member's self-review (written after "
    "the {months} months), the helper's comments, the new-member course certificate and the "
    "comments of mass organisations and the residence. {source}: the cell must consider the "
    "conversion within {wd} working days after that day, by {deadline}."
)
_DUE = N_(
    "{name}'s {months}-month probation ends on {end} (Party Charter, Art. 5). The cell "
    "considers the conversion after it: its resolution is dated {first} or later. {source}: "
    "the cell must consider it within {wd} working days, by {deadline}."
)
_REVIEW_DUE = N_(
    "{name}'s probation ended on {end}: the cell is due to consider the conversion, deadline "
    "{deadline} ({source}: within {wd} working days after the end of probation). No cell "
    "resolution is recorded yet."
)
_REMOVAL = N_(
    "The cell found {name} not eligible for conversion and proposed on {proposed} to remove "
    "them from the list of party members (xóa tên; Party Charter, Art. 5; {regulation} "
    "§4.2.3). Follow up with the competent committee; once it decides, record the new status "
    "in the roster."
)
_VOTE_ESCALATION = N_(
    "The cell has voted {rounds} times on {name}'s conversion (the last time on {last}) without "
    "{ratio} of its official members agreeing either way (Party Charter, Art. 5; {regulation} "
    "§4.2.3): the case goes to the upper committees to decide. If converted, the member is "
    "official from {end}."
)
_OVERDUE = N_(
    "No cell resolution on {name}'s conversion is recorded; probation ended on {end}. "
    "{source}: the cell must consider the conversion within {wd} working days after the end "
    "of probation, by {deadline}. Acting late does not change the official date "
    "({regulation} §4.2.2)."
)
_ESCALATION = N_(
    "{name}'s probation ended on {end} and {wd} working days have passed (deadline "
    "{deadline}) without a cell resolution on the conversion ({source}). Please follow up "
    "with the cell. If converted, the member is still official from {end} "
    "({regulation} §4.2.2)."
)
_COURSE = N_(
    "{name} has no new-member political-theory course recorded yet (month {month} of "
    "probation). The course certificate is part of the conversion dossier ({source}); "
    "probation ends on {end}."
)
_COMMITTEE = N_(
    "The cell resolution on {name}'s conversion is dated {resolution}; {wd} working days have "
    "passed (deadline {deadline}) without the committee's decision. {source}: the competent "
    "committee decides within {wd} working days of the cell resolution, extendable by "
    "{extension}. Ask the committee above for its decision; the official date stays {end}."
)


@dataclass(frozen=True)
class ProbationCase:
    """What the reminder rules need to know about one probationary member."""

    member_id: int
    org_id: int
    full_name: str
    ceremony_date: date | None
    status: str = PROBATIONARY
    course_done_date: date | None = None
    cell_resolution_date: date | None = None
    committee_decision_date: date | None = None
    outcome: str | None = None  # the conversion record's: 'converted' | 'not_eligible'
    outcome_date: date | None = None
    failed_votes: int = 0  # the cell's vote rounds without 2/3 either way (P6)
    last_vote_date: date | None = None


def probation_reminders(
    cases: Iterable[ProbationCase],
    today: date,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """The latest due step of each probation chain of each probationary member."""
    found: list[Reminder] = []
    for case in cases:
        if case.status != PROBATIONARY or case.ceremony_date is None:
            continue
        rules = _CaseRules(case, case.ceremony_date, today, calendar, catalogue)
        if case.outcome == NOT_ELIGIBLE:
            chains: tuple[list[Reminder], ...] = (rules.removal(),)
        elif rules.votes_exhausted():
            chains = (rules.vote_escalation(),)
        else:
            chains = (rules.conversion(), rules.escalation(), rules.course(), rules.committee())
        for chain in chains:
            step = latest_step(chain, today)
            if step is not None:
                found.append(step)
    return found


class _CaseRules:
    """The steps of each chain for one case (a chain that no longer applies is empty)."""

    def __init__(
        self,
        case: ProbationCase,
        ceremony: date,
        today: date,
        calendar: WorkCalendar,
        catalogue: Catalogue,
    ) -> None:
        self.case = case
        self.ceremony = ceremony
        self.today = today
        self.calendar = calendar
        self.catalogue = catalogue
        self.end = probation_end(ceremony, catalogue)
        self.months = catalogue.get_int("probation.months", ceremony)
        wd_id = "probation.conversion.cell_deadline_wd"
        self.cell_wd = catalogue.get_int(wd_id, self.end)
        self.cell_deadline = cell_deadline(self.end, calendar, catalogue)
        self.cell_params: dict[str, object] = {
            "wd": self.cell_wd,
            "deadline": self.cell_deadline,
            "source": catalogue.source(wd_id, self.end),
            "first": first_resolution_date(self.end, catalogue),
        }

    def conversion(self) -> list[Reminder]:
        if self.case.cell_resolution_date is not None:
            return []
        cat, end, extra = self.catalogue, self.end, self.cell_params
        steps = [
            self._reminder(
                "probation.prepare", end - days * _DAY, f"-{days}d", "info", _PREPARE, extra
            )
            for days in cat.get_ints("probation.conversion.prepare_days", end)
        ]
        steps.append(self._reminder("probation.due", end, "end", "due", _DUE, extra))
        repeat = cat.get_int("probation.conversion.overdue_repeat_days", end)
        periods = (self.today - end).days // repeat
        if periods >= 1:
            when = end + periods * repeat * _DAY
            step = f"+{repeat}d#{periods}"
            if when <= self.cell_deadline:  # the cell may still act: due, not overdue (P5)
                steps.append(self._reminder("probation.due", when, step, "due", _REVIEW_DUE, extra))
            else:
                steps.append(
                    self._reminder("probation.overdue", when, step, "overdue", _OVERDUE, extra)
                )
        late = self.cell_deadline + _DAY  # the 30 working days have fully passed
        steps.append(
            self._reminder(
                "probation.overdue", late, f"+{self.cell_wd}wd", "overdue", _OVERDUE, extra
            )
        )
        return steps

    def votes_exhausted(self) -> bool:
        """P6: the cell voted as often as allowed without 2/3 either way, no resolution."""
        last = self.case.last_vote_date
        if last is None or self.case.cell_resolution_date is not None:
            return False
        limit = self.catalogue.get_int("probation.conversion.max_vote_rounds", last)
        return self.case.failed_votes >= limit

    def vote_escalation(self) -> list[Reminder]:
        last = self.case.last_vote_date
        assert last is not None
        extra = {
            "rounds": self.case.failed_votes,
            "ratio": str(self.catalogue.get_fraction("vote.min_ratio", last)),
            "regulation": self.catalogue.get(REGULATION_NAME, last),
            "last": last,
        }
        reminder = self._reminder(
            "probation.vote_escalation",
            last,
            f"votes#{self.case.failed_votes}",
            "escalation",
            _VOTE_ESCALATION,
            extra,
        )
        return [replace(reminder, recipients=OFFICERS)]

    def removal(self) -> list[Reminder]:
        proposed = self.case.outcome_date
        if proposed is None:
            return []
        every = self.catalogue.get_int("probation.removal.follow_up_days", proposed)
        extra = {"proposed": proposed, "regulation": self.catalogue.get(REGULATION_NAME, proposed)}
        steps = [self._reminder("probation.removal", proposed, "proposed", "due", _REMOVAL, extra)]
        periods = (self.today - proposed).days // every
        if periods >= 1:
            when = proposed + periods * every * _DAY
            steps.append(
                self._reminder(
                    "probation.removal", when, f"+{every}d#{periods}", "due", _REMOVAL, extra
                )
            )
        return steps

    def escalation(self) -> list[Reminder]:
        if self.case.cell_resolution_date is not None:
            return []
        when = self.cell_deadline + _DAY  # the 30 working days have fully passed
        step = f"+{self.cell_wd}wd"
        reminder = self._reminder(
            "probation.escalation", when, step, "escalation", _ESCALATION, self.cell_params
        )
        return [replace(reminder, recipients=OFFICERS)]

    def course(self) -> list[Reminder]:
        if self.case.course_done_date is not None:
            return []
        cat, ceremony = self.catalogue, self.ceremony
        source = cat.source("probation.course.reminder_months", ceremony)
        months: list[tuple[int, Severity]] = [
            (m, "info") for m in cat.get_ints("probation.course.reminder_months", ceremony)
        ]
        months.append((cat.get_int("probation.course.warn_month", ceremony), "due"))
        return [
            self._reminder(
                "probation.course",
                add_months(ceremony, month),
                f"m{month}",
                severity,
                _COURSE,
                {"month": month, "source": source},
            )
            for month, severity in months
        ]

    def committee(self) -> list[Reminder]:
        resolution = self.case.cell_resolution_date
        if resolution is None or self.case.committee_decision_date is not None:
            return []
        cat = self.catalogue
        wd_id = "probation.conversion.committee_deadline_wd"
        wd = cat.get_int(wd_id, resolution)
        deadline = self.calendar.add_working_days(resolution, wd)
        extra = {
            "resolution": resolution,
            "wd": wd,
            "deadline": deadline,
            "extension": cat.get_int("probation.conversion.committee_extension_wd", resolution),
            "source": cat.source(wd_id, resolution),
        }
        when = deadline + _DAY  # the working days have fully passed
        return [
            self._reminder(
                "probation.committee_decision", when, f"+{wd}wd", "overdue", _COMMITTEE, extra
            )
        ]

    def _reminder(
        self,
        kind: str,
        due_date: date,
        step: str,
        severity: Severity,
        message: str,
        extra: dict[str, object],
    ) -> Reminder:
        params: dict[str, object] = {
            "name": self.case.full_name,
            "end": self.end,
            "months": self.months,
            "regulation": self.catalogue.get(REGULATION_NAME, self.end),
            **extra,
        }
        return Reminder(
            kind=kind,
            org_id=self.case.org_id,
            subject_type="member",
            subject_id=self.case.member_id,
            subject_name=self.case.full_name,
            due_date=due_date,
            step=step,
            severity=severity,
            recipients=SECRETARIAT,
            params=params,
            message=Msg(message, params),
        )


PROBATION_FAMILY = ReminderFamily("probation", probation_reminders)

"""Reminder rules for admission candidates (domain-rules A3, A10, A11; the issue's offsets).

Chains per active candidate not yet admitted (``status == "active"``, no ceremony), each yielding
at most its latest step that has come (:func:`rules.reminder_model.latest_step`). A "+N wd" step
is dated the day after the N-th working day after its start, i.e. once N working days have
fully passed (as probation's "+30wd"); counting starts the day after the event (§8).

- ``candidate.decision`` (A10): cell resolution recorded, no decision: steps "+40wd" (secretary,
  deputy; due) and "+60wd" (the committee's deadline has passed: secretary, deputy and the
  officers above; overdue). Offsets ``admission.committee_decision.reminders_wd`` on the
  resolution date.
- ``candidate.ceremony`` (A11): decision recorded, no ceremony: "+15wd", "+25wd" (due) counted
  from the day the decision was received (the decision date when that is not recorded), then
  ``candidate.ceremony.overdue`` "+30wd" in the same chain: the 30 working days have passed and
  a later ceremony needs the upper committee's consent.
- ``candidate.certificate`` (A3): no cell resolution yet and the awareness-course certificate
  expires: "-90d" (due) ``admission.awareness_cert.expiry_reminder_days`` before its last valid
  day, "expired" (overdue) the day after it. Once the cell has resolved, the certificate has
  done its job (A3 applies on the cell-meeting date), so the chain stops there rather than at
  the ceremony.
- ``candidate.stalled``: no date recorded in the file for ``candidate.stalled_months`` (6)
  months since the latest one (or since the candidate was listed); step "<ISO date>+6m" names
  that latest date, so a new step starts a new occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from chibo.rules.admission import CandidateCase, certificate_expires_on, last_step_date
from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.messages import N_, Msg
from chibo.rules.reminder_model import (
    OFFICERS,
    SECRETARIAT,
    Reminder,
    ReminderFamily,
    Severity,
    latest_step,
)
from chibo.rules.workdays import WorkCalendar

_DAY = timedelta(days=1)

_DECISION = N_(
    "The cell resolution proposing to admit {name} is dated {resolution}; {elapsed} working days "
    "have passed without the admission decision being recorded. {source}: the competent "
    "committee decides within {wd} working days of the cell resolution, by {deadline} "
    "(extendable by at most {extension} working days in special cases). Ask the committee for "
    "its decision."
)
_DECISION_LATE = N_(
    "The cell resolution proposing to admit {name} is dated {resolution}; the {wd} working days "
    "the committee has to decide ended on {deadline} and no decision is recorded ({source}). "
    "Unless extended (by at most {extension} working days), the committee must explain the "
    "delay to the level above. Please follow up."
)
_CEREMONY = N_(
    "The admission decision for {name} was received on {start}; the admission ceremony is not "
    "recorded yet. {source}: the ceremony is held within {wd} working days of receiving the "
    "decision, by {deadline}."
)
_CEREMONY_OVERDUE = N_(
    "The admission ceremony for {name} is overdue: the decision was received on {start} and the "
    "{wd} working days ended on {deadline} ({source}). Holding it later needs a report to, and "
    "the consent of, the committee directly above."
)
_CERTIFICATE = N_(
    "{name}'s party-awareness course certificate (issued {issued}) is valid until {expires} "
    "({months} months, {source}). If the cell has not considered the "
    "admission by then, the candidate must retake the course."
)
_CERTIFICATE_EXPIRED = N_(
    "{name}'s party-awareness course certificate (issued {issued}) was valid until {expires} "
    "({months} months, {source}). The cell cannot consider the admission "
    "until the candidate retakes the course and has a new certificate."
)
_STALLED = N_(
    "Nothing has been recorded in {name}'s admission file since {last} ({months} months). "
    "Record the next step, or record that the candidate is no longer being considered."
)


def candidate_reminders(
    cases: Iterable[CandidateCase],
    today: date,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """The latest due step of each candidate chain."""
    found: list[Reminder] = []
    for case in cases:
        if case.status != "active" or case.ceremony_date is not None:
            continue
        for chain in (
            _decision(case, calendar, catalogue),
            _ceremony(case, calendar, catalogue),
            _certificate(case, catalogue),
            _stalled(case, catalogue),
        ):
            step = latest_step(chain, today)
            if step is not None:
                found.append(step)
    return found


def _reminder(
    case: CandidateCase,
    kind: str,
    due_date: date,
    step: str,
    severity: Severity,
    recipients: tuple[str, ...],
    message: str,
    extra: dict[str, object],
) -> Reminder:
    params: dict[str, object] = {"name": case.full_name, **extra}
    return Reminder(
        kind=kind,
        org_id=case.org_id,
        subject_type="candidate",
        subject_id=case.candidate_id,
        subject_name=case.full_name,
        due_date=due_date,
        step=step,
        severity=severity,
        recipients=recipients,
        params=params,
        message=Msg(message, params),
    )


def _decision(case: CandidateCase, calendar: WorkCalendar, catalogue: Catalogue) -> list[Reminder]:
    resolution = case.cell_resolution_date
    if resolution is None or case.decision_date is not None:
        return []
    rule = "admission.committee_decision.deadline_wd"
    wd = catalogue.get_int(rule, resolution)
    extra: dict[str, object] = {
        "resolution": resolution,
        "wd": wd,
        "deadline": calendar.add_working_days(resolution, wd),
        "extension": catalogue.get_int("admission.committee_decision.extension_wd", resolution),
        "source": catalogue.source(rule, resolution),
    }
    steps = []
    for n in catalogue.get_ints("admission.committee_decision.reminders_wd", resolution):
        when = calendar.add_working_days(resolution, n) + _DAY
        late = n >= wd
        steps.append(
            _reminder(
                case,
                "candidate.decision",
                when,
                f"+{n}wd",
                "overdue" if late else "due",
                SECRETARIAT + OFFICERS if late else SECRETARIAT,
                _DECISION_LATE if late else _DECISION,
                {**extra, "elapsed": n},
            )
        )
    return steps


def _ceremony(case: CandidateCase, calendar: WorkCalendar, catalogue: Catalogue) -> list[Reminder]:
    if case.decision_date is None:
        return []
    start = case.decision_received_date or case.decision_date
    rule = "admission.ceremony.deadline_wd"
    wd = catalogue.get_int(rule, start)
    extra: dict[str, object] = {
        "start": start,
        "wd": wd,
        "deadline": calendar.add_working_days(start, wd),
        "source": catalogue.source(rule, start),
    }
    steps = [
        _reminder(
            case,
            "candidate.ceremony",
            calendar.add_working_days(start, n) + _DAY,
            f"+{n}wd",
            "due",
            SECRETARIAT,
            _CEREMONY,
            extra,
        )
        for n in catalogue.get_ints("admission.ceremony.reminders_wd", start)
        if n < wd
    ]
    steps.append(
        _reminder(
            case,
            "candidate.ceremony.overdue",
            calendar.add_working_days(start, wd) + _DAY,
            f"+{wd}wd",
            "overdue",
            SECRETARIAT,
            _CEREMONY_OVERDUE,
            extra,
        )
    )
    return steps


def _certificate(case: CandidateCase, catalogue: Catalogue) -> list[Reminder]:
    issued = case.course_cert_date
    if issued is None or case.cell_resolution_date is not None:
        return []
    rule = "admission.awareness_cert.valid_months"
    expires = certificate_expires_on(issued, catalogue)
    days = catalogue.get_int("admission.awareness_cert.expiry_reminder_days", expires)
    extra: dict[str, object] = {
        "issued": issued,
        "expires": expires,
        "months": catalogue.get_int(rule, issued),
        "source": catalogue.source(rule, issued),
    }
    return [
        _reminder(
            case,
            "candidate.certificate",
            expires - days * _DAY,
            f"-{days}d",
            "due",
            SECRETARIAT,
            _CERTIFICATE,
            extra,
        ),
        _reminder(
            case,
            "candidate.certificate",
            expires + _DAY,
            "expired",
            "overdue",
            SECRETARIAT,
            _CERTIFICATE_EXPIRED,
            extra,
        ),
    ]


def _stalled(case: CandidateCase, catalogue: Catalogue) -> list[Reminder]:
    dates = [d for d in (last_step_date(case), case.tracked_since) if d is not None]
    if not dates:
        return []
    last = max(dates)
    months = catalogue.get_int("candidate.stalled_months", last)
    return [
        _reminder(
            case,
            "candidate.stalled",
            add_months(last, months),
            f"{last.isoformat()}+{months}m",
            "info",
            SECRETARIAT,
            _STALLED,
            {"last": last, "months": months},
        )
    ]


CANDIDATE_FAMILY = ReminderFamily("candidates", candidate_reminders)

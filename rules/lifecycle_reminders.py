"""Reminder rules for members who move, pause, work elsewhere or leave (§6.1-6.5, 6.7, 6.9, 6.10).

Chains (each yields at most its latest step that has come, :func:`latest_step`); "+N wd" is
due the day after the N-th working day after the event, so Tết pushes it back:

- ``transfer.procedure`` (sending cell): official transfer out with no introduction letter,
  ``transfer.procedure.reminders_wd`` (+30, +50 wd; due) after the trigger, then ``+60wd``
  (overdue: late — report the reason), ``transfer.procedure_wd`` (60; QĐ 294 §6.3.1).
- ``transfer.letter`` (receiving cell in the tree, else the sending cell): letter recorded, not
  received: ``+20wd`` (due), ``+30wd`` (overdue: late — report the reason), §6.3.1.
- ``transfer.temporary_end`` (home cell): ``-30d`` (info) and ``end`` (due) while no return.
- ``transfer.arrivals`` (officers above the receiving cell): on the first day of each quarter
  while letters announced before it are not received (§6.2); step "YYYY-Qn".
- ``exemption.end`` (secretary): a temporary exemption ``-30d`` (info) and ``end`` (due) while
  no return is recorded (return by application and cell decision, §6.4).
- ``residence.meeting`` (residence cell): 6 months after the assignment or the last meeting
  with the working member (QĐ 213); step = its due date. Not for recorded exceptions.
- ``residence.comments`` (residence cell): 1 November each year while that year's comments are
  not recorded; step "YYYY". Not for recorded exceptions.
- ``leaving.notice`` (secretary): member died or left, no notice upward: ``+20wd`` (due),
  ``+30wd`` (overdue), HD 01-2021 §8 (§6.10).
- ``card.request`` (secretary): converted (P8), no card requested or decided: on the decision.
- ``card.handover``: a card decision recorded, not handed over: hand it over at the next
  meeting (§6.7).
- ``card.collect``: removed from the list while holding a card: collect it.
- ``removal.warn`` / ``removal.review`` (secretary): §6.5 evidence reaching 2 / 3 (see
  :mod:`rules.lifecycle_removal`), while no review is open; the review level on absences is
  ``meeting.absences``'s (rules.meeting_reminders), so only its warning is sent here; unpaid
  dues are ``dues.unpaid.warning`` / ``dues.unpaid.review``'s (rules.dues_reminders), so none
  is sent here (the review screen still shows the months).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from chibo.rules.catalogue import DEFAULT_CATALOGUE, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months, quarter_of
from chibo.rules.lifecycle import arrival_late_since, dossier_deadline, transfer_deadlines
from chibo.rules.lifecycle_removal import Evidence, assess_all
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

_PROCEDURE = N_(
    "{name} began a transfer on {trigger} and no introduction letter is recorded yet. "
    "{source}: the transfer procedure starts within {wd} working days, by {deadline}."
)
_PROCEDURE_LATE = N_(
    "{name}'s transfer began on {trigger}; {wd} working days have passed (deadline {deadline}) "
    "without an introduction letter ({source}). Late: the member or the organisation at fault "
    "reports the reason to the competent committee."
)
_LETTER = N_(
    "{name} was introduced on {letter} and has not been received yet. {source}: the "
    "introduction letter is presented to the receiving cell committee within {wd} working "
    "days, by {deadline}."
)
_LETTER_LATE = N_(
    "{name} was introduced on {letter}; {wd} working days have passed (deadline {deadline}) and "
    "the member has not been received ({source}). Late: report the reason to the competent "
    "committee."
)
_TEMP_SOON = N_(
    "{name}'s temporary transfer ends on {end} ({regulation} §6.3.2). Prepare the return, or "
    "an extension requested at the temporary cell and reported home."
)
_TEMP_END = N_(
    "{name}'s temporary transfer ended on {end} ({regulation} §6.3.2). Record the return to the "
    "cell, or the extension."
)
_ARRIVALS = N_(
    "Quarterly check of incoming transfers ({source}): {count} member(s) announced to {org} "
    "are not received yet; over {months} months late: {late}."
)
_EXEMPT_SOON = N_(
    "{name}'s temporary exemption (tạm miễn) ends on {end} ({source}). The member returns by "
    "application and a cell decision, bringing comments from where they stayed."
)
_EXEMPT_END = N_(
    "{name}'s temporary exemption (tạm miễn) ended on {end} ({source}). Record the member's "
    "application and the cell's decision on the return."
)
_RESIDENCE_MEETING = N_(
    "Meet the working member {name}, who lives here: the residence cell meets working members "
    "every {months} months ({source}); the last contact recorded is {since}."
)
_RESIDENCE_COMMENTS = N_(
    "Send the yearly comments of the residence cell on the working member {name} for {year} to "
    "their workplace, with the local Front committee ({source}): they feed the workplace's "
    "evaluation."
)
_NOTICE = N_(
    "{name} {event} on {on}. {source}: the notice goes upward with the member's dossier within "
    "{wd} working days, by {deadline}."
)
_NOTICE_LATE = N_(
    "{name} {event} on {on}; {wd} working days have passed (deadline {deadline}) and no notice "
    "with the dossier is recorded as sent upward ({source})."
)
_DIED = N_("died")
_LEFT = N_("left the Party")
_CARD_REQUEST = N_(
    "{name} became an official member on {on}. Only official members get a party card: ask the "
    "committee above the grassroots organisation for {name}'s card ({regulation} §6.1)."
)
_CARD_HANDOVER = N_(
    "The party card decision for {name} is dated {on}. The cell hands the card over at the "
    "nearest cell meeting after the decision ({regulation} §6.1)."
)
_CARD_COLLECT = N_(
    "{name} was removed from the list on {on}. Collect the party card and send it to the "
    "committee above."
)
_REMOVAL_WARN = N_(
    "{name}: {evidence} ({count}; a review at {threshold}, {source}). Talk with the member; "
    "at {threshold} the cell considers removal from the list (xóa tên)."
)
_REMOVAL_REVIEW = N_(
    "{name}: {evidence} ({count}, {source}): a ground for the cell to consider removing the "
    "member from the list (xóa tên). Open a review with this evidence; the cell proposes and "
    "the competent committee decides — nothing happens automatically."
)
GROUND_EVIDENCE = {
    "absences": N_("skipped party activities without a valid reason in {count} months ({window})"),
    "dues": N_("did not pay party dues in {count} months ({window})"),
    "education": N_("re-education began on {since}, {count} months ago, without progress recorded"),
    "kht": N_("rated 'not completed' (KHT) {count} year(s) in a row"),
}
WINDOW_LABELS = {
    "year": N_("this calendar year"),
    "rolling": N_("the last 12 months"),
    "education": N_("since the re-education began"),
    "consecutive": N_("consecutive years"),
}


@dataclass(frozen=True)
class TransferCase:
    transfer_id: int
    kind: str  # "official" | "temporary"
    full_name: str
    from_org_id: int | None  # None: from outside the tree
    to_org_id: int | None  # None: to outside the tree
    trigger_date: date | None = None
    letter_date: date | None = None
    end_date: date | None = None
    open: bool = True


@dataclass(frozen=True)
class ArrivalsCase:
    """Per receiving cell: announced arrivals not received, as (name, letter date)."""

    org_id: int
    org_name: str
    pending: tuple[tuple[str, date], ...]


@dataclass(frozen=True)
class ExemptionCase:
    exemption_id: int
    member_id: int
    org_id: int
    full_name: str
    end_date: date  # temporary exemptions only


@dataclass(frozen=True)
class ResidenceCase:
    contact_id: int
    org_id: int  # the residence cell
    full_name: str
    assigned_date: date
    last_meeting: date | None = None
    comments_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class DepartureCase:
    member_id: int
    org_id: int
    full_name: str
    kind: str  # "deceased" | "left"
    left_on: date


@dataclass(frozen=True)
class CardCase:
    """A card step still to do: "request" (on = conversion), "handover" (on = card
    decision) or "collect" (on = removal)."""

    member_id: int
    org_id: int
    full_name: str
    step: str
    on: date


@dataclass(frozen=True)
class RemovalCase:
    member_id: int
    org_id: int
    full_name: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class LifecycleCases:
    transfers: Sequence[TransferCase] = ()
    arrivals: Sequence[ArrivalsCase] = ()
    exemptions: Sequence[ExemptionCase] = ()
    residence: Sequence[ResidenceCase] = ()
    departures: Sequence[DepartureCase] = ()
    cards: Sequence[CardCase] = ()
    removals: Sequence[RemovalCase] = ()


def _r(
    kind: str,
    org_id: int,
    subject: tuple[str, int, str],
    due: date,
    step: str,
    severity: Severity,
    text: str,
    params: dict[str, object],
    recipients: tuple[str, ...] = SECRETARIAT,
) -> Reminder:
    return Reminder(
        kind=kind,
        org_id=org_id,
        subject_type=subject[0],
        subject_id=subject[1],
        subject_name=subject[2],
        due_date=due,
        step=step,
        severity=severity,
        recipients=recipients,
        params=params,
        message=Msg(text, params),
    )


def _wd_step(start: date, wd: int, calendar: WorkCalendar) -> date:
    """The day after the wd-th working day after ``start`` (those days have fully passed)."""
    return calendar.add_working_days(start, wd) + _DAY


def transfer_reminders(
    cases: Sequence[TransferCase], today: date, calendar: WorkCalendar, catalogue: Catalogue
) -> list[Reminder]:
    found: list[Reminder] = []
    for c in cases:
        if not c.open:
            continue
        subject = ("transfer", c.transfer_id, c.full_name)
        chain: list[Reminder] = []
        if c.kind == "temporary" and c.end_date is not None and c.from_org_id is not None:
            days = catalogue.get_int("transfer.temporary.end_reminder_days", c.end_date)
            p: dict[str, object] = {
                "name": c.full_name,
                "end": c.end_date,
                "regulation": catalogue.get(REGULATION_NAME, c.end_date),
            }
            chain = [
                _r(
                    "transfer.temporary_end",
                    c.from_org_id,
                    subject,
                    c.end_date - days * _DAY,
                    f"-{days}d",
                    "info",
                    _TEMP_SOON,
                    p,
                ),
                _r(
                    "transfer.temporary_end",
                    c.from_org_id,
                    subject,
                    c.end_date,
                    "end",
                    "due",
                    _TEMP_END,
                    p,
                ),
            ]
        elif c.kind == "official" and c.trigger_date is not None:
            d = transfer_deadlines(c.trigger_date, c.letter_date, calendar, catalogue)
            if c.letter_date is None and c.from_org_id is not None:
                p = {
                    "name": c.full_name,
                    "trigger": c.trigger_date,
                    "wd": d.procedure_wd,
                    "deadline": d.procedure_deadline,
                    "source": d.procedure_source,
                }
                for wd in catalogue.get_ints("transfer.procedure.reminders_wd", c.trigger_date):
                    due = _wd_step(c.trigger_date, wd, calendar)
                    chain.append(
                        _r(
                            "transfer.procedure",
                            c.from_org_id,
                            subject,
                            due,
                            f"+{wd}wd",
                            "due",
                            _PROCEDURE,
                            p,
                        )
                    )
                chain.append(
                    _r(
                        "transfer.procedure",
                        c.from_org_id,
                        subject,
                        d.procedure_deadline + _DAY,
                        f"+{d.procedure_wd}wd",
                        "overdue",
                        _PROCEDURE_LATE,
                        p,
                    )
                )
        if c.kind == "official" and c.letter_date is not None:
            org = c.to_org_id if c.to_org_id is not None else c.from_org_id
            if org is not None:
                d = transfer_deadlines(
                    c.trigger_date or c.letter_date, c.letter_date, calendar, catalogue
                )
                assert d.letter_deadline is not None
                p = {
                    "name": c.full_name,
                    "letter": c.letter_date,
                    "wd": d.letter_wd,
                    "deadline": d.letter_deadline,
                    "source": d.letter_source,
                }
                wd = catalogue.get_int("transfer.letter.reminder_wd", c.letter_date)
                chain = [
                    _r(
                        "transfer.letter",
                        org,
                        subject,
                        _wd_step(c.letter_date, wd, calendar),
                        f"+{wd}wd",
                        "due",
                        _LETTER,
                        p,
                    ),
                    _r(
                        "transfer.letter",
                        org,
                        subject,
                        d.letter_deadline + _DAY,
                        f"+{d.letter_wd}wd",
                        "overdue",
                        _LETTER_LATE,
                        p,
                    ),
                ]
        step = latest_step(chain, today)
        if step is not None:
            found.append(step)
    return found


def arrivals_reminders(
    cases: Sequence[ArrivalsCase], today: date, catalogue: Catalogue
) -> list[Reminder]:
    q = quarter_of(today)
    first = date(today.year, 3 * q - 2, 1)
    found: list[Reminder] = []
    for c in cases:
        pending = [(n, d) for n, d in c.pending if d < first]
        if not pending:
            continue
        late = [n for n, d in pending if arrival_late_since(d, catalogue) <= first]
        p: dict[str, object] = {
            "org": c.org_name,
            "count": len(pending),
            "months": catalogue.get_int("transfer.arrival_late_months", first),
            "late": ", ".join(late) if late else "—",
            "source": catalogue.source("transfer.arrival_late_months", first),
        }
        found.append(
            _r(
                "transfer.arrivals",
                c.org_id,
                ("cell", c.org_id, c.org_name),
                first,
                f"{first.year}-Q{q}",
                "due",
                _ARRIVALS,
                p,
                OFFICERS,
            )
        )
    return found


def exemption_reminders(
    cases: Sequence[ExemptionCase], today: date, catalogue: Catalogue
) -> list[Reminder]:
    found: list[Reminder] = []
    for c in cases:
        days = catalogue.get_int("exemption.temporary.end_reminder_days", c.end_date)
        p: dict[str, object] = {
            "name": c.full_name,
            "end": c.end_date,
            "source": catalogue.source("exemption.temporary.max_months", c.end_date),
        }
        subject = ("member", c.member_id, c.full_name)
        step = latest_step(
            [
                _r(
                    "exemption.end",
                    c.org_id,
                    subject,
                    c.end_date - days * _DAY,
                    f"{c.exemption_id}:-{days}d",
                    "info",
                    _EXEMPT_SOON,
                    p,
                ),
                _r(
                    "exemption.end",
                    c.org_id,
                    subject,
                    c.end_date,
                    f"{c.exemption_id}:end",
                    "due",
                    _EXEMPT_END,
                    p,
                ),
            ],
            today,
        )
        if step is not None:
            found.append(step)
    return found


def residence_reminders(
    cases: Sequence[ResidenceCase], today: date, catalogue: Catalogue
) -> list[Reminder]:
    found: list[Reminder] = []
    for c in cases:
        subject = ("residence", c.contact_id, c.full_name)
        since = c.last_meeting or c.assigned_date
        months = catalogue.get_int("residence.meeting_interval_months", since)
        due = add_months(since, months)
        source = catalogue.source("residence.meeting_interval_months", since)
        if due <= today:
            p: dict[str, object] = {
                "name": c.full_name,
                "months": months,
                "since": since,
                "source": source,
            }
            found.append(
                _r(
                    "residence.meeting",
                    c.org_id,
                    subject,
                    due,
                    due.isoformat(),
                    "due",
                    _RESIDENCE_MEETING,
                    p,
                )
            )
        month = catalogue.get_int("residence.comments_month", today)
        year = today.year if today.month >= month else today.year - 1
        comments_due = date(year, month, 1)
        if year >= c.assigned_date.year and year not in c.comments_years and comments_due <= today:
            p = {
                "name": c.full_name,
                "year": year,
                "source": catalogue.source("residence.comments_month", comments_due),
            }
            found.append(
                _r(
                    "residence.comments",
                    c.org_id,
                    subject,
                    comments_due,
                    str(year),
                    "due",
                    _RESIDENCE_COMMENTS,
                    p,
                )
            )
    return found


def departure_reminders(
    cases: Sequence[DepartureCase], today: date, calendar: WorkCalendar, catalogue: Catalogue
) -> list[Reminder]:
    found: list[Reminder] = []
    for c in cases:
        wd, deadline, source = dossier_deadline(c.left_on, calendar, catalogue)
        first = catalogue.get_int("dossier.notice.reminder_wd", c.left_on)
        p: dict[str, object] = {
            "name": c.full_name,
            "event": Msg(_DIED if c.kind == "deceased" else _LEFT),
            "on": c.left_on,
            "wd": wd,
            "deadline": deadline,
            "source": source,
        }
        subject = ("member", c.member_id, c.full_name)
        step = latest_step(
            [
                _r(
                    "leaving.notice",
                    c.org_id,
                    subject,
                    _wd_step(c.left_on, first, calendar),
                    f"+{first}wd",
                    "due",
                    _NOTICE,
                    p,
                ),
                _r(
                    "leaving.notice",
                    c.org_id,
                    subject,
                    deadline + _DAY,
                    f"+{wd}wd",
                    "overdue",
                    _NOTICE_LATE,
                    p,
                ),
            ],
            today,
        )
        if step is not None:
            found.append(step)
    return found


_CARD_TEXT = {"request": _CARD_REQUEST, "handover": _CARD_HANDOVER, "collect": _CARD_COLLECT}


def card_reminders(cases: Sequence[CardCase], today: date, catalogue: Catalogue) -> list[Reminder]:
    return [
        _r(
            f"card.{c.step}",
            c.org_id,
            ("member", c.member_id, c.full_name),
            c.on,
            c.on.isoformat(),
            "due",
            _CARD_TEXT[c.step],
            {"name": c.full_name, "on": c.on, "regulation": catalogue.get(REGULATION_NAME, c.on)},
        )
        for c in cases
        if c.on <= today and c.step in _CARD_TEXT
    ]


def removal_reminders(
    cases: Sequence[RemovalCase], today: date, catalogue: Catalogue
) -> list[Reminder]:
    found: list[Reminder] = []
    for c in cases:
        for a in assess_all(c.evidence, today, catalogue):
            if a.ground == "absences" and a.level == "review":
                continue  # meeting.absences raises it
            if a.ground == "dues":
                continue  # dues.unpaid.warning / dues.unpaid.review raise both levels
            ev = Msg(
                GROUND_EVIDENCE[a.ground],
                {"count": a.count, "window": Msg(WINDOW_LABELS[a.window]), "since": a.evidence[0]},
            )
            p: dict[str, object] = {
                "name": c.full_name,
                "evidence": ev,
                "count": a.count,
                "threshold": a.threshold,
                "source": a.source,
            }
            review = a.level == "review"
            due = a.trigger
            if a.ground == "education":
                rule = "removal.education_months" if review else "removal.education_warn_months"
                due = add_months(a.trigger, catalogue.get_int(rule, a.trigger))
            found.append(
                _r(
                    "removal.review" if review else "removal.warn",
                    c.org_id,
                    ("member", c.member_id, c.full_name),
                    due,
                    f"{a.ground}:{a.trigger.isoformat()}:{a.level}",
                    "due" if review else "info",
                    _REMOVAL_REVIEW if review else _REMOVAL_WARN,
                    p,
                )
            )
    return found


def lifecycle_reminders(
    cases: LifecycleCases,
    today: date,
    calendar: WorkCalendar,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Reminder]:
    """Every lifecycle reminder due on ``today`` (one latest step per chain)."""
    return [
        *transfer_reminders(cases.transfers, today, calendar, catalogue),
        *arrivals_reminders(cases.arrivals, today, catalogue),
        *exemption_reminders(cases.exemptions, today, catalogue),
        *residence_reminders(cases.residence, today, catalogue),
        *departure_reminders(cases.departures, today, calendar, catalogue),
        *card_reminders(cases.cards, today, catalogue),
        *removal_reminders(cases.removals, today, catalogue),
    ]


LIFECYCLE_FAMILY = ReminderFamily("lifecycle", lifecycle_reminders)

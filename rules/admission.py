"""Admission of new members (domain-rules §2, A1-A11): checks on a candidate's file.

Every check returns :class:`Finding` values: ``refuse`` blocks recording the step, ``warn`` is
shown and recorded. Ages and certificate validity count full months (:mod:`rules.dates`: the
monthly anniversary counts on its day, clamped to the month's end).

Conventions:

- A1: on the cell-resolution date the candidate is at least ``admission.min_age_months`` (216)
  full months old and at most ``admission.max_age_months`` (720): "18 full years to 60 full
  years, counted in months". Someone born 29/02/2008 is 216 months old on 28/02/2026. Someone
  60 years and a few days old is still 720 full months old and accepted; from 721 months they
  are over 60: refused, or a warning when the file records the provincial-level exception.
- A3: the awareness-course certificate is valid ``admission.awareness_cert.valid_months`` (60)
  months: through ``add_months(issued, 60)`` inclusive. A cell resolution dated later is
  refused; from month 54 (``warn_months``) it is a warning.
- A4 paper validity is a recalled [R] rule: an expired paper is a *warning*, never a refusal.
- Step order: awareness course -> application -> background -> verification -> introduction
  -> cell resolution -> grassroots resolution (only when the cell is under a grassroots
  committee) -> decision (date and number) -> decision received -> ceremony. A step may not be
  recorded before an earlier one, nor dated before it, nor after ``today``. A5: the cell's
  comment on the background statement is dated on or after the verification.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, GUIDANCE_NAME, REGULATION_NAME, Catalogue
from chibo.rules.dates import add_months, age_in_full_months, full_months_between
from chibo.rules.messages import N_, Msg
from chibo.rules.votes import check_vote_base, required_votes

FindingSeverity = Literal["refuse", "warn"]
CandidateStatus = Literal["active", "admitted", "withdrawn"]

STEPS: tuple[str, ...] = (
    "awareness_course",
    "application",
    "background",
    "verification",
    "introduction",
    "cell_resolution",
    "grassroots_resolution",
    "decision",
    "decision_received",
    "ceremony",
)
STEP_LABELS: dict[str, str] = {
    "awareness_course": N_("the party-awareness course certificate"),
    "application": N_("the application for admission"),
    "background": N_("the background statement"),
    "verification": N_("the verification of the background"),
    "introduction": N_("the introduction"),
    "cell_resolution": N_("the cell resolution proposing admission"),
    "grassroots_resolution": N_("the grassroots committee resolution"),
    "decision": N_("the admission decision"),
    "decision_received": N_("the receipt of the admission decision"),
    "ceremony": N_("the admission ceremony"),
}


@dataclass(frozen=True)
class Finding:
    severity: FindingSeverity
    rule: str  # "A1", "A3", ..., "order"
    message: Msg


def refuse(rule: str, key: str, params: Mapping[str, object] | None = None) -> Finding:
    """A finding that refuses the record: `rule` ("A1", …, "order") and its message."""
    return Finding("refuse", rule, Msg(key, params or {}))


def warn(rule: str, key: str, params: Mapping[str, object] | None = None) -> Finding:
    """A finding recorded with a warning (the secretary may go on)."""
    return Finding("warn", rule, Msg(key, params or {}))


def refusals(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity == "refuse")


@dataclass(frozen=True)
class CandidateCase:
    """A candidate's admission file: one date per recorded step (None = not yet)."""

    candidate_id: int
    org_id: int
    full_name: str
    birth_date: date
    status: CandidateStatus = "active"
    tracked_since: date | None = None  # listed as quần chúng ưu tú
    course_cert_date: date | None = None  # awareness-course certificate issued
    application_date: date | None = None
    background_date: date | None = None
    verification_date: date | None = None
    background_comment_date: date | None = None  # the cell's comment on the background (A5)
    introduction_date: date | None = None
    cell_resolution_date: date | None = None
    grassroots_resolution_date: date | None = None
    decision_date: date | None = None
    decision_no: str | None = None
    decision_received_date: date | None = None
    ceremony_date: date | None = None
    under_grassroots: bool = True  # the cell sits under a grassroots party committee
    youth_union_member: bool = False  # Đoàn member (A8)
    youth_union_resolution_date: date | None = None  # grassroots Đoàn executive committee
    trade_union_resolution_date: date | None = None  # grassroots trade-union executive committee
    over_age_exception: bool = False  # A1: admitted over 60 by the provincial-level committee

    def step_dates(self) -> dict[str, date | None]:
        return {
            "awareness_course": self.course_cert_date,
            "application": self.application_date,
            "background": self.background_date,
            "verification": self.verification_date,
            "introduction": self.introduction_date,
            "cell_resolution": self.cell_resolution_date,
            "grassroots_resolution": self.grassroots_resolution_date,
            "decision": self.decision_date,
            "decision_received": self.decision_received_date,
            "ceremony": self.ceremony_date,
        }


def last_step_date(case: CandidateCase) -> date | None:
    """The latest date recorded in the file (steps, A5 comment, mass-organisation resolutions)."""
    dates = [
        *case.step_dates().values(),
        case.background_comment_date,
        case.youth_union_resolution_date,
        case.trade_union_resolution_date,
    ]
    return max((d for d in dates if d is not None), default=None)


def _label(step: str) -> Msg:
    return Msg(STEP_LABELS[step])


# --- A1 age ---------------------------------------------------------------------------------


def _age_today(birth: date, today: date, exception: bool, catalogue: Catalogue) -> Finding | None:
    months = age_in_full_months(birth, today)
    minimum = catalogue.get_int("admission.min_age_months", today)
    maximum = catalogue.get_int("admission.max_age_months", today)
    params = {
        "on": today,
        "birth": birth,
        "years": months // 12,
        "months": months % 12,
        "min_years": minimum // 12,
        "max_years": maximum // 12,
        "from_date": add_months(birth, minimum),
        "source": catalogue.source("admission.min_age_months", today),
    }
    if months < minimum:
        key = N_(
            "Born on {birth}, the candidate is {years} years {months} months old today ({on}):"
            " the cell can consider the admission from {from_date}, when the candidate is"
            " {min_years} full years old ({source})."
        )
        return refuse("A1", key, params)
    if months > maximum:
        key = N_(
            "Born on {birth}, the candidate is {years} years {months} months old today ({on}),"
            " over {max_years} ({source}): admission is an exception that needs the decision of"
            " the provincial-level committee (directly under the Central Committee)."
        )
        return Finding("warn" if exception else "refuse", "A1", Msg(key, params))
    return None


def check_age(
    birth_date: date,
    on: date,
    exception: bool = False,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
    *,
    projected: bool = False,
) -> Finding | None:
    """A1: 18 to 60 full years, counted in months, on the day the cell considers the case.
    `projected`: the cell has not met yet and `on` is today; the messages say so, never
    "on the day the cell considers the admission (today)"."""
    if projected:
        return _age_today(birth_date, on, exception, catalogue)
    months = age_in_full_months(birth_date, on)
    minimum = catalogue.get_int("admission.min_age_months", on)
    maximum = catalogue.get_int("admission.max_age_months", on)
    params = {
        "on": on,
        "birth": birth_date,
        "years": months // 12,
        "months": months % 12,
        "min_years": minimum // 12,
        "max_years": maximum // 12,
        "source": catalogue.source("admission.min_age_months", on),
    }
    if months < minimum:
        return refuse(
            "A1",
            N_(
                "On the day the cell considers the admission ({on}) the candidate must be at "
                "least {min_years} full years old, counted in months ({source}). Born on "
                "{birth}, the candidate is then {years} years {months} months old."
            ),
            params,
        )
    if months > maximum:
        if exception:
            return warn(
                "A1",
                N_(
                    "The candidate is {years} years {months} months old on {on}, over "
                    "{max_years} ({source}): admission is an exception that needs the "
                    "decision of the provincial-level committee (directly under the Central "
                    "Committee)."
                ),
                params,
            )
        return refuse(
            "A1",
            N_(
                "On the day the cell considers the admission ({on}) the candidate must be at "
                "most {max_years} full years old, counted in months ({source}); born on "
                "{birth}, the candidate is {years} years {months} months old. An older "
                "candidate needs the provincial-level committee's decision: record it as an "
                "exception."
            ),
            params,
        )
    return None


# --- A3 awareness-course certificate ---------------------------------------------------------


def certificate_expires_on(issued_on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> date:
    """A3: the last day the certificate is valid (``valid_months`` after issue)."""
    months = catalogue.get_int("admission.awareness_cert.valid_months", issued_on)
    return add_months(issued_on, months)


def check_awareness_certificate(
    issued_on: date | None, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Finding | None:
    """A3 on the cell-meeting date ``on``: refuse if missing or expired, warn from month 54."""
    rule = "admission.awareness_cert.valid_months"
    valid = catalogue.get_int(rule, on)
    if issued_on is None:
        return refuse(
            "A3",
            N_(
                "The cell cannot consider the admission before the candidate has the "
                "party-awareness course certificate ({source})."
            ),
            {"source": catalogue.source(rule, on)},
        )
    expires = add_months(issued_on, valid)
    params = {
        "issued": issued_on,
        "expires": expires,
        "months": valid,
        "on": on,
        "source": catalogue.source(rule, on),
    }
    if on > expires:
        return refuse(
            "A3",
            N_(
                "The party-awareness course certificate issued on {issued} was valid for "
                "{months} months, until {expires} ({source}); on {on} "
                "it has expired. The candidate must retake the course before the cell "
                "considers the admission."
            ),
            params,
        )
    warn_from = catalogue.get_int("admission.awareness_cert.warn_months", on)
    if full_months_between(issued_on, on) >= warn_from:
        return warn(
            "A3",
            N_(
                "The party-awareness course certificate issued on {issued} is valid until "
                "{expires} ({months} months, {source}). The cell must "
                "consider the admission by then, or the candidate retakes the course."
            ),
            params,
        )
    return None


# --- A4 paper validity ------------------------------------------------------------------------

PaperKind = Literal[
    "application",
    "introducer_letter",
    "youth_union_resolution",
    "trade_union_resolution",
    "comments",
    "background",
    "verification",
]
PAPER_LABELS: dict[str, str] = {
    "application": N_("The application for admission"),
    "introducer_letter": N_("The introducer's letter"),
    "youth_union_resolution": N_("The Youth Union resolution"),
    "trade_union_resolution": N_("The trade-union resolution"),
    "comments": N_("The compiled comments of mass organisations and the residence"),
    "background": N_("The background statement"),
    "verification": N_("The verification conclusion"),
}
# Papers valid from signing to the cell meeting, and those counted from the committee's conclusion.
_SIGNED_PAPERS = frozenset(
    {
        "application",
        "introducer_letter",
        "youth_union_resolution",
        "trade_union_resolution",
        "comments",
    }
)
PaperState = Literal["valid", "expiring", "expired"]


@dataclass(frozen=True)
class Paper:
    kind: PaperKind
    dated: date  # signing date; for background and verification the grassroots conclusion


@dataclass(frozen=True)
class PaperStatus:
    state: PaperState
    expires_on: date  # last valid day
    months: int


def paper_status(paper: Paper, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> PaperStatus:
    """A4: valid through ``dated + N months``; "expiring" within ``admission.paper.warn_days``."""
    if paper.kind not in PAPER_LABELS:
        raise ValueError(f"unknown paper kind {paper.kind!r}")
    rule = (
        "admission.paper.valid_months"
        if paper.kind in _SIGNED_PAPERS
        else "admission.background.valid_months"
    )
    months = catalogue.get_int(rule, paper.dated)
    expires = add_months(paper.dated, months)
    warn_days = catalogue.get_int("admission.paper.warn_days", on)
    if on > expires:
        state: PaperState = "expired"
    elif on >= expires - timedelta(days=warn_days):
        state = "expiring"
    else:
        state = "valid"
    return PaperStatus(state, expires, months)


def check_papers(
    papers: Iterable[Paper], on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> tuple[Finding, ...]:
    """A4 flags (warnings only: the validity periods are recalled, not verified)."""
    found = []
    for paper in papers:
        status = paper_status(paper, on, catalogue)
        params = {
            "paper": Msg(PAPER_LABELS[paper.kind]),
            "dated": paper.dated,
            "expires": status.expires_on,
            "months": status.months,
        }
        if status.state == "expired":
            found.append(
                warn(
                    "A4",
                    N_(
                        "{paper} dated {dated} was valid until {expires} ({months} months "
                        "under the admission guidance, as commonly applied): renew it before "
                        "the cell meeting."
                    ),
                    params,
                )
            )
        elif status.state == "expiring":
            found.append(
                warn(
                    "A4",
                    N_(
                        "{paper} dated {dated} is valid until {expires} ({months} months "
                        "under the admission guidance, as commonly applied); renew it if the "
                        "cell meets later."
                    ),
                    params,
                )
            )
    return tuple(found)


# --- A7/A8 introducers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Introducer:
    member_id: int
    full_name: str
    official_since: date | None  # None: not an official member
    together_from: date | None  # worked, studied or lived with the candidate in the same unit
    together_to: date | None = None  # None: still together


IntroductionRoute = Literal["two_members", "youth_union", "trade_union"]


def introduction_route(
    case: CandidateCase, catalogue: Catalogue = DEFAULT_CATALOGUE, on: date | None = None
) -> IntroductionRoute:
    """A8: Youth Union members of youth age go through the Đoàn; trade-union members may.

    Youth age is judged on ``on``, else the introduction date, else the cell-resolution date.
    """
    on = on or case.introduction_date or case.cell_resolution_date
    if on is None:
        raise ValueError("introduction_route needs a date: no introduction or resolution date")
    if case.youth_union_member and _youth_age(case.birth_date, on, catalogue):
        return "youth_union"
    if case.trade_union_resolution_date is not None and _trade_union_route(on, catalogue):
        return "trade_union"
    return "two_members"


def _youth_age(birth: date, on: date, catalogue: Catalogue) -> bool:
    """Youth age: up to ``admission.youth.max_age_years`` full years (until the 31st birthday)."""
    max_years = catalogue.get_int("admission.youth.max_age_years", on)
    return age_in_full_months(birth, on) < (max_years + 1) * 12


def _trade_union_route(on: date, catalogue: Catalogue) -> bool:
    value = catalogue.get("admission.introducer.trade_union_route", on)
    if not isinstance(value, bool):
        raise TypeError(
            f"rule 'admission.introducer.trade_union_route' is not true/false: {value!r}"
        )
    return value


def check_introducers(
    case: CandidateCase,
    introducers: Sequence[Introducer],
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> tuple[Finding, ...]:
    """A7/A8 on the introduction date: who may introduce, and how many are needed."""
    on = case.introduction_date
    if on is None:
        return ()
    found: list[Finding] = []
    overlap_rule = "admission.introducer.overlap_months"
    min_months = catalogue.get_int(overlap_rule, on)
    regulation = catalogue.get(REGULATION_NAME, on)
    seen: set[int] = set()
    qualified = 0
    for person in introducers:
        if person.member_id in seen:
            found.append(
                refuse(
                    "A7",
                    N_("{introducer} is listed twice as an introducer."),
                    {"introducer": person.full_name},
                )
            )
            continue
        seen.add(person.member_id)
        ok = True
        if person.official_since is None or person.official_since > on:
            ok = False
            found.append(
                refuse(
                    "A7",
                    N_(
                        "{introducer} was not an official party member on the introduction "
                        "date ({on}); an introducer must be one (Party Charter, Art. 4)."
                    ),
                    {"introducer": person.full_name, "on": on},
                )
            )
        together = 0
        if person.together_from is not None and person.together_from <= on:
            end = on if person.together_to is None else min(person.together_to, on)
            together = max(full_months_between(person.together_from, end), 0)
        if together < min_months:
            ok = False
            found.append(
                refuse(
                    "A7",
                    N_(
                        "{introducer} has worked, studied or lived with the candidate in the "
                        "same unit for {months} months before the introduction; at least "
                        "{min_months} months are needed (Party Charter, Art. 4; {regulation} "
                        "§3.2.1)."
                    ),
                    {
                        "introducer": person.full_name,
                        "months": together,
                        "min_months": min_months,
                        "regulation": regulation,
                    },
                )
            )
        qualified += ok
    route = introduction_route(case, catalogue)
    if route == "youth_union" and case.youth_union_resolution_date is None:
        found.append(
            refuse(
                "A8",
                N_(
                    "A Youth Union member of youth age (up to {max_age}) is introduced by the "
                    "resolution of the grassroots Youth Union executive committee and one "
                    "official party member (Party Charter, Art. 4): record the Youth Union "
                    "resolution."
                ),
                {"max_age": catalogue.get_int("admission.youth.max_age_years", on)},
            )
        )
    required = 1 if route != "two_members" else catalogue.get_int("admission.introducer.count", on)
    if qualified < required:
        if route == "two_members":
            msg = Msg(
                N_(
                    "{required} official party members must introduce the candidate (Party "
                    "Charter, Art. 4); {count} qualifying introducers are recorded."
                ),
                {"required": required, "count": qualified},
            )
        else:
            msg = Msg(
                N_(
                    "Besides the resolution of the grassroots {body} executive committee, one "
                    "official party member must introduce the candidate (Party Charter, Art. 4); "
                    "no qualifying introducer is recorded."
                ),
                {"body": Msg(N_("Youth Union") if route == "youth_union" else N_("trade union"))},
            )
        found.append(Finding("refuse", "A7", msg))
    return tuple(found)


# --- A9 vote ----------------------------------------------------------------------------------


def check_admission_vote(
    agree: int,
    base: int,
    on: date,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
    *,
    official_count: int | None = None,
) -> Finding | None:
    """A9 (and M5): at least 2/3 of the vote base (rules.meetings.vote_base) must agree.

    M5 counts the cell's official members on the day, exempt ones included (they remain
    official members, domain rules M5), even when absent exempt members are out of the base;
    without `official_count` the base stands for it."""
    too_small = check_vote_base(base if official_count is None else official_count, on, catalogue)
    if too_small is not None:
        return Finding("refuse", "M5", too_small)
    if not 0 <= agree <= base:
        return refuse(
            "A9",
            N_(
                "{agree} agreeing votes cannot be right: the vote base has {base} official members."
            ),
            {"agree": agree, "base": base},
        )
    needed = required_votes(base, on, catalogue)
    if agree >= needed:
        return None
    return refuse(
        "A9",
        N_(
            "A cell resolution proposing admission needs at least {ratio} of the {base} "
            "official members in the vote base, that is {required}, to agree; {agree} agreed "
            "({source})."
        ),
        {
            "source": catalogue.source("vote.min_ratio", on),
            "ratio": str(catalogue.get_fraction("vote.min_ratio", on)),
            "base": base,
            "required": needed,
            "agree": agree,
        },
    )


# --- step order ---------------------------------------------------------------------------------


def check_step_order(case: CandidateCase, today: date) -> tuple[Finding, ...]:
    """Steps in order, dates never going backwards or into the future, A5, decision number."""
    found: list[Finding] = []
    dates = case.step_dates()
    missing: str | None = None  # the first step not recorded yet
    previous: tuple[str, date] | None = None
    for step in STEPS:
        d = dates[step]
        if step == "grassroots_resolution" and not case.under_grassroots:
            if d is not None:
                found.append(
                    refuse(
                        "order",
                        N_(
                            "This cell is not under a grassroots party committee: there is "
                            "no grassroots resolution to record."
                        ),
                    )
                )
            continue
        if d is None:
            missing = missing or step
            continue
        params: dict[str, object] = {"step": _label(step), "date": d}
        if d > today:
            found.append(
                refuse("order", N_("The date of {step} ({date}) is in the future."), params)
            )
        if missing is not None:
            found.append(
                refuse(
                    "order",
                    N_(
                        "Cannot record {step} before {previous}: the admission steps follow "
                        "one another (Party Charter, Art. 4)."
                    ),
                    {**params, "previous": _label(missing)},
                )
            )
            break
        if previous is not None and d < previous[1]:
            found.append(
                refuse(
                    "order",
                    N_(
                        "The date of {step} ({date}) is before that of {previous} "
                        "({previous_date}): the admission steps follow one another."
                    ),
                    {**params, "previous": _label(previous[0]), "previous_date": previous[1]},
                )
            )
        previous = (step, d)
    if case.background_comment_date is not None and (
        case.verification_date is None or case.background_comment_date < case.verification_date
    ):
        found.append(
            refuse(
                "A5",
                N_(
                    "The cell comments on the background statement only after the "
                    "verification is concluded (Guidance {guidance} §3.4)."
                ),
                {"guidance": DEFAULT_CATALOGUE.get(GUIDANCE_NAME, case.background_comment_date)},
            )
        )
    if case.decision_date is not None and not (case.decision_no or "").strip():
        found.append(refuse("order", N_("Record the number of the admission decision.")))
    return tuple(found)

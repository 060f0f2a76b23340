"""The admission pipeline as the secretary records it: eight steps over rules.admission.STEPS.

rules.admission checks a candidate's file; this module groups its step dates into the eight
steps of the chat flow (one screen each), finds the next missing step, says when an
introducer became an official member, and computes the yearly admission target.

Steps and the file fields each records:

1. ``course``       awareness-course certificate (A3)
2. ``papers``       application and personal history (lý lịch) (A5: application first)
3. ``verification`` background verified, then the cell's comment on it (A5)
4. ``introduction`` introduction date, introducers and mass-organisation resolution (A7/A8)
5. ``resolution``   cell resolution with the vote (A1, A3, A4, A9)
6. ``grassroots``   grassroots committee resolution, only for a cell under one
7. ``decision``     admission decision: date, number, date received (A10)
8. ``ceremony``     admission ceremony (A11) -> probationary member (P1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from chibo.rules.admission import CandidateCase
from chibo.rules.catalogue import DEFAULT_CATALOGUE, GUIDANCE_NAME, Catalogue
from chibo.rules.messages import N_, Msg
from chibo.rules.probation import official_date


@dataclass(frozen=True)
class Step:
    code: str  # short, for callback data
    title: str  # msgid
    fields: tuple[str, ...]  # CandidateCase / storage fields it records


PIPELINE: tuple[Step, ...] = (
    Step("crs", N_("Party-awareness course certificate"), ("course_cert_date",)),
    Step("app", N_("Application and personal history"), ("application_date", "background_date")),
    Step("ver", N_("Background verification"), ("verification_date", "background_comment_date")),
    Step("intro", N_("Introduction"), ("introduction_date",)),
    Step(
        "res",
        N_("Cell resolution proposing admission"),
        ("cell_resolution_date", "vote_base", "vote_agree"),
    ),
    Step("gr", N_("Grassroots committee resolution"), ("grassroots_resolution_date",)),
    Step(
        "dec", N_("Admission decision"), ("decision_date", "decision_no", "decision_received_date")
    ),
    Step("cer", N_("Admission ceremony"), ("ceremony_date",)),
)
BY_CODE: dict[str, Step] = {s.code: s for s in PIPELINE}
#: The date that marks a step as recorded.
MAIN_FIELD: dict[str, str] = {s.code: s.fields[0] for s in PIPELINE}

_OUT_OF_ORDER = N_(
    "{name}'s next step is “{next}”: record it before “{step}”; the admission steps follow one "
    "another (Party Charter, Art. 4; Guidance {guidance} §3)."
)
_NO_GRASSROOTS = N_(
    "This cell is not under a grassroots party committee: there is no grassroots resolution to "
    "record."
)


def applies(step: Step, under_grassroots: bool) -> bool:
    return step.code != "gr" or under_grassroots


def steps_for(under_grassroots: bool) -> tuple[Step, ...]:
    return tuple(s for s in PIPELINE if applies(s, under_grassroots))


def recorded(case: CandidateCase, step: Step) -> bool:
    return getattr(case, MAIN_FIELD[step.code]) is not None


def next_step(case: CandidateCase) -> Step | None:
    """The first step not recorded yet (None once the ceremony is recorded)."""
    return next((s for s in steps_for(case.under_grassroots) if not recorded(case, s)), None)


def check_can_record(case: CandidateCase, code: str) -> Msg | None:
    """Refusal when `code` may not be recorded now: a step not applying to the cell, or an
    earlier step still missing. Recorded steps may always be corrected."""
    step = BY_CODE[code]
    if not applies(step, case.under_grassroots):
        return Msg(_NO_GRASSROOTS)
    if recorded(case, step):
        return None
    nxt = next_step(case)
    if nxt is not None and nxt.code != code:
        # the guidance in force when the file's latest step was taken (HD 01 before 9/6/2025)
        taken = [d for d in case.step_dates().values() if d is not None]
        on = max(taken) if taken else date.max
        params = {
            "name": case.full_name,
            "next": Msg(nxt.title),
            "step": Msg(step.title),
            "guidance": DEFAULT_CATALOGUE.get(GUIDANCE_NAME, on),
        }
        return Msg(_OUT_OF_ORDER, params)
    return None


def official_since(
    status: str,
    official: date | None,
    ceremony: date | None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> date | None:
    """When a roster member became official (A7), or None if they are not official.

    Official and exempt members count as official; the official date is the end of
    probation (P8) when only the ceremony is known, and ``date.min`` when neither is (a
    long-standing member imported without dates).
    """
    if status not in ("official", "exempt"):
        return None
    if official is not None:
        return official
    if ceremony is not None:
        return official_date(ceremony, catalogue)
    return date.min


@dataclass(frozen=True)
class YearlyTarget:
    ratio_min: Fraction
    ratio_max: Fraction
    minimum: int  # admissions needed to reach ratio_min
    maximum: int  # admissions at ratio_max (at least `minimum`)


def yearly_target(
    members_at_start: int, year: int, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> YearlyTarget:
    """Admissions planned for the year: 3-4 % of the members at its start (the seeds' plans)."""
    value = catalogue.get("admission.yearly_target_ratio", date(year, 1, 1))
    if not (
        isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, Fraction) for v in value)
    ):
        raise TypeError(f"rule 'admission.yearly_target_ratio' is not (min, max): {value!r}")
    low, high = value
    minimum = math.ceil(members_at_start * low)
    return YearlyTarget(low, high, minimum, max(minimum, math.floor(members_at_start * high)))

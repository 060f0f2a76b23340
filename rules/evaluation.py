"""The year-end evaluation of members and cells (domain-rules §5 E1-E6, §6.5 d).

Levels, best first (QĐ 366-QĐ/TW, Art. 11): Hoàn thành xuất sắc (HTXS), Hoàn thành tốt
(HTT), Hoàn thành (HT), Không hoàn thành (KHT). Where the cell scores on 100 points the
bands are HTXS >= 90, HTT 70 to under 90, HT 50 to under 70, KHT under 50
(``evaluation.score_bands``); a level that contradicts its score is refused.

Warnings, never blocks: more HTXS than ``evaluation.htxs_cap_ratio`` of those rated HTT (E3,
not verified for QĐ 366), a member disciplined during the year rated above KHT (E5), a cell
rated while one of its months has no regular meeting (Charter Art. 24). Two years in a row
rated KHT raise a removal review (xóa tên, §6.5 d) for humans to decide.

Who is reviewed (E2): official and probationary members on the review date (their status
history as of that date); exempt members (miễn công tác và sinh hoạt đảng, §6.4) are listed
apart and counted only if the cell rates them (reading of the guidance, not verified).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import month_end
from chibo.rules.meetings import month_label
from chibo.rules.messages import N_, Msg
from chibo.rules.votes import check_vote_base, required_votes

Level = Literal["HTXS", "HTT", "HT", "KHT"]
LEVELS: tuple[str, ...] = ("HTXS", "HTT", "HT", "KHT")
#: Levels that count for the targets "hoàn thành tốt nhiệm vụ trở lên".
GOOD_LEVELS: tuple[str, ...] = ("HTXS", "HTT")
LEVEL_LABELS: dict[str, str] = {
    "HTXS": N_("Excellent (HTXS)"),
    "HTT": N_("Good (HTT)"),
    "HT": N_("Completed (HT)"),
    "KHT": N_("Not completed (KHT)"),
}
#: Statuses reviewed on the review date; exempt members are listed apart.
REVIEWED_STATUSES = ("official", "probationary")
EXEMPT = "exempt"
MAX_SCORE = Decimal(100)

_SCORE_BAND = N_(
    "A score of {score} is in the band of {band}, not {level}: QĐ 366-QĐ/TW, Art. 11 scores "
    "HTXS from {htxs}, HTT from {htt} to under {htxs}, HT from {ht} to under {htt}, KHT under "
    "{ht}. Correct the score or the level."
)
_SCORE_RANGE = N_("A score is a number from 0 to 100, e.g. 85 or 72.5; got {score}.")
_CAP = N_(
    "{htxs} members rated HTXS is more than {ratio} of the {htt} rated HTT (at most {allowed}). "
    "Under QĐ 132 and Guidance 21-HD/BTCTW members rated HTXS may not exceed 20% of those "
    "rated HTT; whether QĐ 366 and Guidance 43-HD/BTCTW keep this cap is not verified. "
    "Please check with the committee above."
)
_DISCIPLINED = N_(
    "{name} was disciplined during the year ({date}) but is rated {level}. In practice a "
    "member disciplined during the year is rated Not completed (KHT) (QĐ 366-QĐ/TW; domain "
    "rule E5). Please check before confirming."
)
_MONTHS = N_(
    "{org} is rated {level} while no regular meeting is recorded for {months}. A cell holds a "
    "regular meeting every month (Party Charter, Art. 24) and the monthly meeting ratings feed "
    "the cell's yearly rating. Please check the meeting book."
)
_COLLECTIVE = N_(
    "{org} is rated HTXS while {count} of its members were disciplined during the year; QĐ "
    "366-QĐ/TW, Art. 11 requires a collective rated HTXS to have no disciplined members."
)
_VOTE_TOO_MANY = N_(
    "{agree} agreeing votes cannot be right: the vote base has {base} official members."
)
_VOTE_SHORT = N_(
    "The cell's proposal for {name} got {agree} of {base} votes, fewer than {ratio} ({required}"
    "); individual ratings are voted over the cell's official members (Guidance 43-HD/BTCTW; "
    "as for admissions, Party Charter Art. 4). Please check the count."
)


# --- E1 score bands ---------------------------------------------------------------------------


def _bands(on: date, catalogue: Catalogue) -> tuple[int, int, int]:
    htxs, htt, ht = catalogue.get_ints("evaluation.score_bands", on)
    return htxs, htt, ht


def level_of_score(score: Decimal, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> Level:
    """The band a score on 100 falls in (QĐ 366 Art. 11)."""
    htxs, htt, ht = _bands(on, catalogue)
    if score >= htxs:
        return "HTXS"
    if score >= htt:
        return "HTT"
    if score >= ht:
        return "HT"
    return "KHT"


def check_score(
    level: str, score: Decimal | None, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """A refusal when the score is out of range or contradicts the level (None: consistent)."""
    if score is None:
        return None
    if not score.is_finite() or score < 0 or score > MAX_SCORE:
        return Msg(_SCORE_RANGE, {"score": str(score)})
    band = level_of_score(score, on, catalogue)
    if band == level:
        return None
    htxs, htt, ht = _bands(on, catalogue)
    return Msg(
        _SCORE_BAND,
        {
            "score": format_score(score),
            "band": Msg(LEVEL_LABELS[band]),
            "level": Msg(LEVEL_LABELS[level]),
            "htxs": htxs,
            "htt": htt,
            "ht": ht,
        },
    )


def format_score(score: Decimal) -> str:
    """85 → "85", 72.50 → "72.5"."""
    text = f"{score:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_good(level: str | None) -> bool:
    """HTT or better (the plans' target "hoàn thành tốt nhiệm vụ trở lên")."""
    return level in GOOD_LEVELS


# --- E3 cap on HTXS ---------------------------------------------------------------------------


def htxs_allowed(htt: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> Fraction:
    return htt * catalogue.get_fraction("evaluation.htxs_cap_ratio", on)


def check_htxs_cap(
    levels: Iterable[str | None], on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """E3: a warning when HTXS exceeds the configured share of those rated HTT."""
    found = list(levels)
    htxs, htt = found.count("HTXS"), found.count("HTT")
    allowed = htxs_allowed(htt, on, catalogue)
    if htxs == 0 or htxs <= allowed:
        return None
    ratio = catalogue.get_fraction("evaluation.htxs_cap_ratio", on)
    return Msg(
        _CAP,
        {
            "htxs": htxs,
            "htt": htt,
            "ratio": f"{float(ratio) * 100:g}%",
            "allowed": int(allowed),
        },
    )


# --- E5 discipline, the vote ------------------------------------------------------------------


def check_discipline(name: str, level: str | None, disciplined_on: date | None) -> Msg | None:
    if disciplined_on is None or level is None or level == "KHT":
        return None
    return Msg(
        _DISCIPLINED, {"name": name, "date": disciplined_on, "level": Msg(LEVEL_LABELS[level])}
    )


@dataclass(frozen=True)
class VoteCheck:
    refusal: Msg | None = None
    warning: Msg | None = None


def check_vote(
    name: str, agree: int, base: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> VoteCheck:
    """E4: the vote on a member's proposed level, over the official members (A9 base)."""
    if not 0 <= agree <= base:
        return VoteCheck(refusal=Msg(_VOTE_TOO_MANY, {"agree": agree, "base": base}))
    too_small = check_vote_base(base, on, catalogue)
    if too_small is not None:
        return VoteCheck(warning=too_small)
    needed = required_votes(base, on, catalogue)
    if agree >= needed:
        return VoteCheck()
    return VoteCheck(
        warning=Msg(
            _VOTE_SHORT,
            {
                "name": name,
                "agree": agree,
                "base": base,
                "ratio": str(catalogue.get_fraction("vote.min_ratio", on)),
                "required": needed,
            },
        )
    )


# --- the cell's own rating (E4) ---------------------------------------------------------------


def months_without_regular(
    year: int, regular_dates: Iterable[date], rated_on: date, since: date | None = None
) -> list[date]:
    """First days of the months of ``year`` that ended by ``rated_on`` (all twelve when rated
    after the year) with no regular meeting; months that ended before ``since`` are skipped."""
    held = {(d.year, d.month) for d in regular_dates}
    out = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = month_end(first)
        if last > rated_on and rated_on.year == year:
            break
        if since is not None and last < since:
            continue
        if (year, month) not in held:
            out.append(first)
    return out


def check_cell_rating(
    org_name: str,
    level: str,
    missing_months: Sequence[date],
    disciplined_members: int = 0,
) -> list[Msg]:
    found = []
    if missing_months and level != "KHT":
        found.append(
            Msg(
                _MONTHS,
                {
                    "org": org_name,
                    "level": Msg(LEVEL_LABELS[level]),
                    "months": ", ".join(month_label(m) for m in missing_months),
                },
            )
        )
    if level == "HTXS" and disciplined_members:
        found.append(Msg(_COLLECTIVE, {"org": org_name, "count": disciplined_members}))
    return found


# --- E5 / §6.5 d: KHT years in a row --------------------------------------------------------


def kht_streak(levels: Mapping[int, str | None], year: int) -> int:
    """How many years in a row, ending with ``year``, the member was rated KHT."""
    n = 0
    while levels.get(year - n) == "KHT":
        n += 1
    return n


# --- who is reviewed --------------------------------------------------------------------------


def status_on(
    history: Sequence[tuple[date, str]],
    current: str,
    on: date,
    current_since: date | None = None,
) -> str | None:
    """A member's status on ``on``: their latest status-history entry dated on or before it
    (entries in recorded order); without any history, the current status if it started by
    then. None: not on the cell's roll yet."""
    if not history:
        return current if current_since is None or current_since <= on else None
    found = None
    for entry_day, status in sorted(history, key=lambda e: e[0]):
        if entry_day <= on:
            found = status
    return found


def reviewed(status: str | None) -> bool:
    return status in REVIEWED_STATUSES


# --- the plans' targets -----------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    good: int  # rated HTT or better
    base: int
    ratio: Fraction  # the target share (strictly above)

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.good, self.base) if self.base else None

    @property
    def met(self) -> bool:
        return self.share is not None and self.share > self.ratio

    @property
    def needed(self) -> int:
        """The fewest HTT-or-better needed for the share to be above the target."""
        if self.base == 0:
            return 0
        return int(self.ratio * self.base) + 1


def target(
    good: int, base: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> TargetProgress:
    return TargetProgress(good, base, catalogue.get_fraction("evaluation.target_ratio", on))

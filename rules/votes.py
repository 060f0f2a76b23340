"""Votes of the cell: the 2/3 rule (A9, P6) and the minimum cell size (M5)."""

from __future__ import annotations

import math
from datetime import date

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.messages import N_, Msg


def required_votes(base: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE) -> int:
    """Fewest agreeing votes out of ``base`` official members (at least 2/3, rounded up)."""
    if base < 0:
        raise ValueError(f"vote base must be >= 0, got {base}")
    return math.ceil(base * catalogue.get_fraction("vote.min_ratio", on))


def reaches_ratio(
    votes: int, base: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> bool:
    """True if ``votes`` out of ``base`` reach the required share (never with an empty base)."""
    return base > 0 and votes >= required_votes(base, on, catalogue)


def check_vote_base(
    official_count: int, on: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> Msg | None:
    """M5: a cell with fewer than 3 official members cannot validly vote."""
    minimum = catalogue.get_int("cell.min_official_members", on)
    if official_count >= minimum:
        return None
    return Msg(
        N_(
            "A cell needs at least {minimum} official members (Party Charter, Art. 24); this "
            "cell has {count}, so its vote on admission or conversion is not valid. The level "
            "above must reassign members or merge the cell."
        ),
        {"minimum": minimum, "count": official_count},
    )

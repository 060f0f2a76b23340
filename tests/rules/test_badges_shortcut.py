"""`due_for_award` stops at the first milestone after the award date (issue 12: province
scale); its answers are those of the full loop over every milestone."""

from __future__ import annotations

import random
from datetime import date, timedelta

from chibo.rules.badges import BadgeDue, BadgeMember, due_for_award, early_months
from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.dates import add_months
from chibo.rules.party_age import Gap, milestone_date


def reference(members: list[BadgeMember], award: date, catalogue: Catalogue) -> list[BadgeDue]:
    """The loop as it was: every milestone of every member."""
    found = []
    for member in members:
        if member.decision_date is None or member.status not in ("probationary", "official",
                                                                  "exempt"):  # fmt: skip
            continue
        best = None
        top = max(member.received, default=0)
        for years in catalogue.get_ints("badge.milestones", award):
            if years <= top:
                continue
            reached = milestone_date(member.decision_date, member.gaps, years)
            if reached <= award:
                best = BadgeDue(member, years, reached, False)
            elif years in member.early_requested:
                earliest = add_months(reached, -early_months(years, reached, catalogue))
                if earliest <= award:
                    best = BadgeDue(member, years, reached, True)
        if best is not None:
            found.append(best)
    return sorted(found, key=lambda d: (d.member.org_id, -d.milestone, d.member.full_name))


def test_the_shortcut_gives_the_full_loops_answers():
    rng = random.Random(12)
    milestones = DEFAULT_CATALOGUE.get_ints("badge.milestones", date(2027, 2, 3))
    members = []
    for i in range(3000):
        decision = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 36000))
        gaps: tuple[Gap, ...] = ()
        if rng.random() < 0.2:
            left = decision + timedelta(days=rng.randrange(100, 9000))
            gaps = (Gap(left, left + timedelta(days=rng.randrange(30, 4000))),)
        members.append(
            BadgeMember(
                i,
                i % 7,
                f"Đảng viên {i}",
                decision,
                gaps,
                received=tuple(m for m in milestones if rng.random() < 0.1),
                early_requested=tuple(m for m in milestones if rng.random() < 0.05),
                status=rng.choice(("official", "official", "probationary", "exempt", "removed")),
            )
        )
    for award in (date(2026, 2, 3), date(2026, 9, 2), date(2027, 5, 19)):
        assert due_for_award(members, award) == reference(members, award, DEFAULT_CATALOGUE)

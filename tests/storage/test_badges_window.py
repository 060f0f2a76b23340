"""The sweep loads only the members the badge reminder of the day can name (issue 12): the
same reminders as from every member, on a random small province over two years of days."""

from __future__ import annotations

import random
from datetime import date, timedelta

from chibo.rules.badges import BADGE_FAMILY, badge_reminders, badge_window, due_for_award
from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.rules.party_age import Gap
from chibo.storage import badges as store
from chibo.storage import members as member_store
from chibo.storage import orgs as org_store
from chibo.storage import reminder_state
from chibo.storage.db import Database
from chibo.storage.members import MemberFields
from tests.conftest import DEFAULT_NOW

STATUSES = ("official", "official", "probationary", "exempt", "removed")


async def random_province(db: Database, seed: int) -> None:
    rnd = random.Random(seed)
    async with db.transaction() as tx:
        cells = [
            (await org_store.insert(
                tx, code=f"C{k}", name=f"Chi bộ {k}", kind="cell", parent_id=None, at=DEFAULT_NOW
            )).id
            for k in range(4)
        ]  # fmt: skip
        for i in range(400):
            if i % 40 == 0:
                decision = date(rnd.choice((1964, 1968, 1976, 1984, 1996)), 2, 29)
            elif i % 40 == 20:  # an award date's anniversary: reaches a milestone on it
                month, day = rnd.choice(((2, 3), (5, 19), (9, 2), (11, 7)))
                decision = date(rnd.choice((1977, 1978, 1986, 1987, 1996, 1997)), month, day)
            elif i % 40 == 10:  # reaches a milestone in 2027 or 2028, asked for it early
                decision = date(rnd.choice((1977, 1978, 1987, 1988, 1997, 1998)), 6, 1)
            elif i % 97 == 0:
                decision = None
            else:
                decision = date(1930, 1, 1) + timedelta(days=rnd.randrange(35_000))
            f = MemberFields(
                f"Đảng viên {i}", date(1920, 1, 1), decision_date=decision,
                status=rnd.choice(STATUSES), status_date=date(2000, 1, 1),
            )  # fmt: skip
            mid = await member_store.insert(
                tx, org_id=rnd.choice(cells), f=f, name_key=f"dang vien {i}", at=DEFAULT_NOW
            )
            if decision is None:
                continue
            if rnd.random() < 0.15:
                left = decision + timedelta(days=rnd.randrange(1, 9000))
                gap = Gap(left, left + timedelta(days=rnd.randrange(30, 4000)))
                await store.add_gap(tx, mid, gap, "QĐ", actor="t", at=DEFAULT_NOW)
            if i % 40 == 10 and decision.year < 1990:  # holds the milestone before
                years = 45 if decision.year < 1980 else 30
                await store.add_award(
                    tx, mid, years, date(2024, 9, 2), None, False, actor="t", at=DEFAULT_NOW
                )
            elif rnd.random() < 0.4:
                years = rnd.choice((30, 40, 45, 50, 55, 60))
                award_id = await store.add_award(
                    tx, mid, years, date(2020, 9, 2), None, False, actor="t", at=DEFAULT_NOW
                )
                if rnd.random() < 0.3:
                    await store.set_returned(tx, award_id, date(2022, 1, 1))
            if i % 40 == 10 or rnd.random() < 0.05:
                years = rnd.choice((30, 40, 50, 70, 80))
                if i % 40 == 10:
                    years = 2027 - decision.year if decision.year % 2 else 2028 - decision.year
                await store.add_early_request(
                    tx, mid, years, date(2025, 1, 1), None, actor="t", at=DEFAULT_NOW
                )


def _due(cases, award):
    return [
        (d.member.member_id, d.milestone, d.early)
        for c in cases
        for d in due_for_award(c.members, award)
    ]


async def test_the_window_loads_fewer_members_and_names_the_same(db: Database):
    await random_province(db, seed=12)
    shown = fewer = 0
    async with db.read() as tx:
        every = await store.cell_cases(tx)
        day = date(2026, 1, 1)
        while day < date(2028, 1, 1):
            window = badge_window(day)
            cases = await store.cell_cases_on(tx, None, day, DEFAULT_CATALOGUE)
            assert badge_reminders(cases, day) == badge_reminders(every, day), day
            if window.award is None:
                assert cases == [] and badge_reminders(every, day) == []
            else:
                assert _due(cases, window.award) == _due(every, window.award), day
                shown += bool(badge_reminders(cases, day))
                loaded = sum(len(c.members) for c in cases)
                fewer += loaded < sum(len(c.members) for c in every)
            day += timedelta(days=3)
        state = await reminder_state.load(tx, today=day, catalogue=DEFAULT_CATALOGUE)
        assert tuple(state[BADGE_FAMILY]) == tuple(
            await store.cell_cases_on(tx, None, day, DEFAULT_CATALOGUE)
        )
    assert shown > 50 and fewer == shown

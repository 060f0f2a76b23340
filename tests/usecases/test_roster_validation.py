"""Roster validation: table-driven edge cases, duplicates, access, status history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chibo.rules.catalogue import DEFAULT_CATALOGUE
from chibo.storage import audit
from chibo.storage import members as store
from chibo.storage.members import MemberFields
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import roster
from chibo.usecases.errors import AccessDenied
from chibo.usecases.roster import RosterInvalid, SamePerson, check_fields

from .helpers import bind, demo_tree

TODAY = date(2026, 11, 23)  # the conftest clock


def official(**kw) -> MemberFields:
    base = MemberFields(
        full_name="Nguyễn Văn An",
        birth_date=date(1980, 1, 15),
        gender="male",
        decision_date=date(2005, 3, 1),
        ceremony_date=date(2005, 3, 10),
        official_date=date(2006, 3, 10),
        status="official",
        status_date=date(2006, 3, 10),
    )
    return replace(base, **kw)


def probationary(**kw) -> MemberFields:
    base = MemberFields(
        full_name="Lê Thị Hoa",
        birth_date=date(2000, 3, 15),
        gender="female",
        decision_date=date(2026, 2, 1),
        ceremony_date=date(2026, 2, 20),
        status="probationary",
        status_date=date(2026, 2, 20),
    )
    return replace(base, **kw)


CASES = [
    # (name, fields, field blamed or None when valid)
    ("valid official", official(), None),
    ("valid probationary", probationary(), None),
    ("birth in the future", official(birth_date=date(2026, 11, 24)), "birth_date"),
    (
        "decision today is fine",
        probationary(decision_date=TODAY, ceremony_date=TODAY, status_date=TODAY),
        None,
    ),
    ("ceremony tomorrow", probationary(ceremony_date=date(2026, 11, 24)), "ceremony_date"),
    (
        "official date in the future",
        official(
            ceremony_date=date(2026, 1, 10),
            decision_date=date(2026, 1, 5),
            official_date=date(2027, 1, 10),
        ),
        "official_date",
    ),
    ("ceremony before decision", probationary(ceremony_date=date(2026, 1, 31)), "ceremony_date"),
    ("ceremony on the decision day", probationary(ceremony_date=date(2026, 2, 1)), None),
    ("exactly 18 on the decision day", probationary(birth_date=date(2008, 2, 1)), None),
    ("one day short of 18", probationary(birth_date=date(2008, 2, 2)), "decision_date"),
    (
        "born 29/02: 18 on 28/02",
        probationary(
            birth_date=date(2008, 2, 29),
            decision_date=date(2026, 2, 28),
            ceremony_date=date(2026, 3, 1),
        ),
        None,
    ),
    (
        "born 29/02: not yet 18 on 27/02",
        probationary(birth_date=date(2008, 2, 29), decision_date=date(2026, 2, 27)),
        "decision_date",
    ),
    (
        "age checked on the ceremony without a decision date",
        probationary(decision_date=None, birth_date=date(2008, 2, 21)),
        "ceremony_date",
    ),
    (
        "29/02 ceremony ends on 28/02",
        official(
            decision_date=date(2024, 2, 1),
            ceremony_date=date(2024, 2, 29),
            official_date=date(2025, 2, 28),
            status_date=date(2025, 2, 28),
        ),
        None,
    ),
    (
        "29/02 ceremony: 01/03 is not the end",
        official(
            decision_date=date(2024, 2, 1),
            ceremony_date=date(2024, 2, 29),
            official_date=date(2025, 3, 1),
        ),
        "official_date",
    ),
    (
        "official date not the end of probation",
        official(official_date=date(2006, 4, 1)),
        "official_date",
    ),
    (
        "official date without a ceremony is accepted",
        official(ceremony_date=None, decision_date=None),
        None,
    ),
    ("probationary without ceremony", probationary(ceremony_date=None), "ceremony_date"),
    (
        "probationary with an official date",
        probationary(official_date=date(2027, 2, 20)),
        "official_date",
    ),
    (
        "official while probation runs",
        official(
            decision_date=date(2026, 5, 1),
            ceremony_date=date(2026, 5, 10),
            official_date=None,
            status_date=TODAY,
        ),
        "status",
    ),
    ("bad CCCD", official(cccd="12345"), "cccd"),
    ("empty name", official(full_name="  "), "full_name"),
    ("exempt needs its date", official(status="exempt", status_date=None), "status_date"),
]


@pytest.mark.parametrize(("name", "fields", "blamed"), CASES, ids=[c[0] for c in CASES])
def test_check_fields(name, fields, blamed):
    problems = check_fields(fields, TODAY, DEFAULT_CATALOGUE)
    if blamed is None:
        assert problems == []
    else:
        assert blamed in {p.field for p in problems}, problems


def test_messages_cite_the_rule():
    [p] = check_fields(probationary(birth_date=date(2008, 2, 2)), TODAY, DEFAULT_CATALOGUE)
    assert "Art. 1" in p.msg.key and p.msg.params["years"] == 18
    [p] = check_fields(official(official_date=date(2006, 4, 1)), TODAY, DEFAULT_CATALOGUE)
    assert "Art. 5" in p.msg.key and p.msg.params["end"] == date(2006, 3, 10)


@pytest.fixture
async def cell(ctx):
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    await bind(ctx, 1002, "C2", "secretary")
    return (await orgs_uc.get_org(ctx, "C1")).id


async def test_add_member_writes_history_and_audit(ctx, cell):
    member = await roster.add_member(
        ctx, actor=1001, org_id=cell, f=probationary(status_date=None, full_name=" Lê  Thị Hoa")
    )
    assert member.full_name == "Lê Thị Hoa" and member.status_date == date(2026, 2, 20)
    async with ctx.db.read() as tx:
        history = await store.history(tx, member.id)
        entries = await audit.entries(tx, entity="member", entity_id=member.id)
    assert [(h.status, h.status_date, h.actor) for h in history] == [
        ("probationary", date(2026, 2, 20), "1001")
    ]
    assert entries[0].action == "create" and entries[0].actor == "1001"


async def test_duplicates_are_refused_or_confirmed(ctx, cell):
    await roster.add_member(
        ctx, actor="cli", org_id=cell, f=official(card_no="79.000123", cccd="079080001234")
    )
    with pytest.raises(RosterInvalid) as exc:
        await roster.add_member(
            ctx,
            actor="cli",
            org_id=cell,
            f=official(full_name="Trần B", card_no="79.000123", cccd="079080001234"),
        )
    assert {p.field for p in exc.value.problems} == {"card_no", "cccd"}
    assert "********1234" in str(exc.value.problems[1].msg.params["cccd"])
    # same person (name without diacritics, same birth date): confirmation needed
    with pytest.raises(SamePerson):
        await roster.add_member(
            ctx, actor="cli", org_id=cell, f=official(full_name="NGUYEN VAN AN")
        )
    twin = await roster.add_member(
        ctx, actor="cli", org_id=cell, f=official(full_name="NGUYEN VAN AN"), same_person_ok=True
    )
    assert twin.id
    # the same card in another cell is refused without naming that member
    c2 = (await orgs_uc.get_org(ctx, "C2")).id
    with pytest.raises(RosterInvalid) as exc:
        await roster.add_member(
            ctx, actor="cli", org_id=c2, f=official(full_name="Trần Văn X", card_no="79.000123")
        )
    assert "another cell" in exc.value.msg.key


async def test_nothing_is_written_on_a_refusal(ctx, cell):
    with pytest.raises(RosterInvalid):
        await roster.add_member(
            ctx, actor=1001, org_id=cell, f=probationary(ceremony_date=date(2027, 1, 1))
        )
    assert (await roster.roster_page(ctx, cell)).total == 0


async def test_other_cells_secretary_is_refused(ctx, cell):
    member = await roster.add_member(ctx, actor=1001, org_id=cell, f=official())
    with pytest.raises(AccessDenied):
        await roster.member_card(ctx, 1002, member.id)
    with pytest.raises(AccessDenied):
        await roster.add_member(ctx, actor=1002, org_id=cell, f=probationary())
    with pytest.raises(AccessDenied):  # a member id that does not exist
        await roster.member_card(ctx, 1001, 999)
    async with ctx.db.read() as tx:
        denied = [e for e in await audit.entries(tx) if e.action == "denied"]
    assert sum((e.after or {}).get("repeats", 1) for e in denied) == 3


async def test_edit_and_change_status_keep_history(ctx, cell):
    member = await roster.add_member(ctx, actor=1001, org_id=cell, f=official())
    edited = await roster.edit_member(
        ctx, actor=1001, member_id=member.id, f=replace(member.editable, cccd="001080009999")
    )
    assert edited.cccd == "001080009999"
    moved = await roster.change_status(
        ctx,
        actor=1001,
        member_id=member.id,
        status="transferred_out",
        status_date=date(2026, 10, 1),
    )
    assert (moved.status, moved.status_date) == ("transferred_out", date(2026, 10, 1))
    card = await roster.member_card(ctx, 1001, member.id)
    assert [h.status for h in card.history] == ["official", "transferred_out"]
    page = await roster.roster_page(ctx, cell)
    former = await roster.roster_page(ctx, cell, former=True)
    assert (page.total, former.total) == (0, 1)


async def test_paging_and_search(ctx, cell):
    for i in range(23):
        await roster.add_member(
            ctx, actor="cli", org_id=cell, f=official(full_name=f"Phạm Văn {chr(65 + i) * 2} Đức")
        )
    await roster.add_member(
        ctx, actor="cli", org_id=cell, f=official(full_name="Đỗ Thị Ánh", card_no="12.345678")
    )
    first = await roster.roster_page(ctx, cell)
    last = await roster.roster_page(ctx, cell, page=9)
    assert (first.total, first.pages, len(first.items)) == (24, 3, 10)
    assert (last.page, len(last.items)) == (2, 4)
    assert first.items[0].full_name == "Đỗ Thị Ánh"  # sorted by given name: Ánh before Đức
    found = await roster.roster_page(ctx, cell, query="anh do")
    assert [m.full_name for m in found.items] == ["Đỗ Thị Ánh"]
    assert (await roster.roster_page(ctx, cell, query="duc hh")).total == 1
    assert (await roster.roster_page(ctx, cell, query="345678")).total == 1


@pytest.mark.parametrize("field", ["decision_date", "ceremony_date"])
def test_a_date_before_the_birth_date_is_a_date_order_problem_not_an_age_problem(field):
    """Issue 9 §4: 01/01/1979 for someone born 15/01/1980 is a wrong date, not 'too young'."""
    f = official(**{field: date(1979, 1, 1)})
    found = [p for p in check_fields(f, TODAY, DEFAULT_CATALOGUE) if p.field == field]
    keys = [p.msg.key for p in found]
    assert any("before the birth date" in k for k in keys), keys
    assert not any("at least {years} full years old" in k for k in keys), keys

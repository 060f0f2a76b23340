"""Probation and conversion: course, helpers, cell resolution (P5), decision (P8), not eligible."""

from __future__ import annotations

from datetime import date

import pytest

from chibo.storage import audit
from chibo.storage import members as store
from chibo.storage.members import MemberFields
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import probation, roster
from chibo.usecases.errors import AccessDenied, InvalidInput

from .helpers import bind, demo_tree

# The conftest clock: 23/11/2026.


def person(
    name: str, ceremony: date | None, status: str = "probationary", birth: date = date(1995, 6, 1)
) -> MemberFields:
    return MemberFields(
        full_name=name,
        birth_date=birth,
        decision_date=ceremony,
        ceremony_date=ceremony,
        status=status,
    )


@pytest.fixture
async def cell(ctx) -> int:
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    await bind(ctx, 1002, "C2", "secretary")
    return (await orgs_uc.get_org(ctx, "C1")).id


async def add(ctx, cell, f: MemberFields) -> int:
    return (await roster.add_member(ctx, actor=1001, org_id=cell, f=f)).id


async def test_list_sorted_by_end_with_days_left(ctx, cell):
    late = await add(ctx, cell, person("Đinh Văn Muộn", date(2025, 10, 1)))
    soon = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 12, 1)))
    later = await add(ctx, cell, person("Hà Văn Sau", date(2026, 6, 30)))
    await add(
        ctx, cell, person("Cao Văn Cũ", date(2000, 1, 1), status="official", birth=date(1970, 1, 1))
    )
    cases = await probation.cases(ctx, actor=1001, org_id=cell)
    assert [c.member.id for c in cases] == [late, soon, later]
    assert [(c.end, c.days_left) for c in cases] == [
        (date(2026, 10, 1), -53),
        (date(2026, 12, 1), 8),
        (date(2027, 6, 30), 219),
    ]
    with pytest.raises(AccessDenied):
        await probation.cases(ctx, actor=1002, org_id=cell)


async def test_resolution_before_the_end_is_refused(ctx, cell):
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 20)))
    with pytest.raises(InvalidInput) as exc:
        await probation.record_resolution(
            ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 19)
        )
    assert "Art. 5" in exc.value.msg.key and exc.value.msg.params["end"] == date(2026, 11, 20)
    # the last day of probation: "dated after the end" (P5 reading, issue 9 §3)
    with pytest.raises(InvalidInput) as exc:
        await probation.record_resolution(
            ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 20)
        )
    assert exc.value.msg.params["first"] == date(2026, 11, 21)
    conv = await probation.record_resolution(
        ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 21)
    )
    assert conv.cell_resolution_date == date(2026, 11, 21)
    with pytest.raises(InvalidInput):  # not in the future
        await probation.record_resolution(
            ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 24)
        )


@pytest.mark.parametrize("decided", [date(2026, 11, 21), date(2026, 11, 23)])
async def test_decision_makes_official_from_the_end_of_probation(ctx, cell, decided):
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 20)))
    with pytest.raises(InvalidInput, match="cell resolution"):
        await probation.record_decision(
            ctx, actor=1001, member_id=mid, decision_date=decided, decision_no="12-QĐ/ĐU"
        )
    await probation.record_resolution(
        ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 21)
    )
    member = await probation.record_decision(
        ctx, actor=1001, member_id=mid, decision_date=decided, decision_no=" 12-QĐ/ĐU "
    )
    assert (member.status, member.official_date, member.status_date) == (
        "official",
        date(2026, 11, 20),
        date(2026, 11, 20),
    )
    case = await probation.case(ctx, actor=1001, member_id=mid)
    assert case.conversion.outcome == "converted"
    assert (case.conversion.committee_decision_date, case.conversion.committee_decision_no) == (
        decided,
        "12-QĐ/ĐU",
    )
    async with ctx.db.read() as tx:
        history = await store.history(tx, mid)
        entries = await audit.entries(tx, entity="conversion", entity_id=mid)
    assert [(h.status, h.status_date, h.note) for h in history] == [
        ("probationary", date(2025, 11, 20), None),
        ("official", date(2026, 11, 20), "12-QĐ/ĐU"),
    ]
    assert [e.action for e in entries] == ["converted", "cell_resolution"]
    with pytest.raises(InvalidInput, match="not a probationary"):
        await probation.record_resolution(
            ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 22)
        )


async def test_decision_checks(ctx, cell):
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 1)))
    await probation.record_resolution(
        ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 10)
    )
    with pytest.raises(InvalidInput, match="before the cell resolution"):
        await probation.record_decision(
            ctx, actor=1001, member_id=mid, decision_date=date(2026, 11, 9), decision_no="1"
        )
    with pytest.raises(InvalidInput, match="number"):
        await probation.record_decision(
            ctx, actor=1001, member_id=mid, decision_date=date(2026, 11, 12), decision_no="  "
        )
    with pytest.raises(AccessDenied):
        await probation.record_decision(
            ctx, actor=1002, member_id=mid, decision_date=date(2026, 11, 12), decision_no="1"
        )
    assert (await probation.case(ctx, actor=1001, member_id=mid)).member.status == "probationary"


async def test_not_eligible_records_the_removal_proposal(ctx, cell):
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 1)))
    with pytest.raises(InvalidInput, match="reason"):
        await probation.record_not_eligible(ctx, actor=1001, member_id=mid, reason=" ")
    conv = await probation.record_not_eligible(
        ctx, actor=1001, member_id=mid, reason="Không tham gia sinh hoạt 6 tháng"
    )
    assert (conv.outcome, conv.outcome_note, conv.outcome_date) == (
        "not_eligible",
        "Không tham gia sinh hoạt 6 tháng",
        date(2026, 11, 23),
    )
    case = await probation.case(ctx, actor=1001, member_id=mid)
    assert case.proposed_removal and case.member.status == "probationary"
    with pytest.raises(InvalidInput, match="already proposed"):
        await probation.record_resolution(
            ctx, actor=1001, member_id=mid, resolution_date=date(2026, 11, 20)
        )


async def test_course_and_helpers(ctx, cell):
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2026, 3, 1)))
    helper = await add(
        ctx, cell, person("Cao Văn Cũ", date(2000, 1, 1), status="official", birth=date(1970, 1, 1))
    )
    other = await add(ctx, cell, person("Hà Văn Sau", date(2026, 6, 30)))
    member = await probation.record_course(ctx, actor=1001, member_id=mid, done=date(2026, 5, 5))
    assert member.course_done_date == date(2026, 5, 5)
    with pytest.raises(InvalidInput):
        await probation.record_course(ctx, actor=1001, member_id=mid, done=date(2026, 2, 1))
    helpers = await probation.set_helper(
        ctx, actor=1001, member_id=mid, helper_id=helper, assigned=True
    )
    assert [h.id for h in helpers] == [helper]
    with pytest.raises(InvalidInput, match="official"):  # a probationary member cannot help
        await probation.set_helper(ctx, actor=1001, member_id=mid, helper_id=other, assigned=True)
    with pytest.raises(InvalidInput, match="another party member"):
        await probation.set_helper(ctx, actor=1001, member_id=mid, helper_id=mid, assigned=True)
    candidates = await probation.candidates_for_helper(ctx, actor=1001, member_id=mid)
    assert [c.id for c in candidates] == [helper]
    assert (
        await probation.set_helper(ctx, actor=1001, member_id=mid, helper_id=helper, assigned=False)
        == []
    )


async def test_helper_from_another_cell_is_refused(ctx, cell):
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2026, 3, 1)))
    c2 = (await orgs_uc.get_org(ctx, "C2")).id
    stranger = (
        await roster.add_member(
            ctx,
            actor=1002,
            org_id=c2,
            f=person("Cao Văn Cũ", date(2000, 1, 1), status="official", birth=date(1970, 1, 1)),
        )
    ).id
    with pytest.raises(InvalidInput, match="same cell"):
        await probation.set_helper(
            ctx, actor=1001, member_id=mid, helper_id=stranger, assigned=True
        )


async def test_stage_in_the_rules_own_words(ctx, cell):
    """Issue 9 §3: nine days after the end the member is due for the conversion review with
    its deadline, not overdue; overdue only after the legal deadline; never once the cell
    resolution is recorded."""
    due = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 14)))
    late = await add(ctx, cell, person("Đinh Văn Muộn", date(2025, 10, 1)))
    c = await probation.case(ctx, actor=1001, member_id=due)
    assert c.end == date(2026, 11, 14) and c.days_left == -9
    assert c.deadline == ctx.calendar.add_working_days(date(2026, 11, 14), 30)
    assert c.stage == "review_due"
    c = await probation.case(ctx, actor=1001, member_id=late)
    assert c.deadline == ctx.calendar.add_working_days(date(2026, 10, 1), 30) < date(2026, 11, 23)
    assert c.stage == "overdue"
    await probation.record_resolution(
        ctx, actor=1001, member_id=late, resolution_date=date(2026, 11, 20)
    )
    c = await probation.case(ctx, actor=1001, member_id=late)
    assert c.stage == "resolved"
    later = await add(ctx, cell, person("Hà Văn Sau", date(2026, 6, 30)))
    assert (await probation.case(ctx, actor=1001, member_id=later)).stage == "probation"


async def test_not_eligible_ends_the_conversion_reminders(ctx, cell):
    """Issue 9 §3: after "not eligible" only the removal follow-up (xóa tên) remains."""
    from chibo.rules.reminders import due_reminders
    from chibo.storage import reminder_state

    m = await add(ctx, cell, person("Đinh Văn Muộn", date(2025, 10, 1)))

    async def kinds() -> set[str]:
        async with ctx.db.read() as tx:
            state = await reminder_state.load(tx, [cell])
        found = due_reminders(state, ctx.today(), ctx.calendar, ctx.catalogue)
        return {r.kind for r in found if r.subject_id == m}

    assert {"probation.overdue", "probation.escalation", "probation.course"} <= await kinds()
    await probation.record_not_eligible(ctx, actor=1001, member_id=m, reason="Vi phạm tư cách")
    assert await kinds() == {"probation.removal"}
    assert (await probation.case(ctx, actor=1001, member_id=m)).stage == "removal"


# -- P6: the cell's vote on the conversion (issue 9 §3) -----------------------------------------


async def _voting_cell(ctx, cell, officials: int = 4) -> int:
    names = ("Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười")
    for i in range(officials):
        await add(
            ctx,
            cell,
            person(
                f"Đảng viên {names[i]}", date(2000, 1, 1), status="official", birth=date(1970, 1, 1)
            ),
        )
    return await add(ctx, cell, person("Đinh Văn Muộn", date(2025, 10, 1)))


async def _kinds(ctx, cell, member_id) -> set[str]:
    from chibo.rules.reminders import due_reminders
    from chibo.storage import reminder_state

    async with ctx.db.read() as tx:
        state = await reminder_state.load(tx, [cell])
    found = due_reminders(state, ctx.today(), ctx.calendar, ctx.catalogue)
    return {r.kind for r in found if r.subject_id == member_id}


async def test_a_vote_with_two_thirds_for_is_the_cell_resolution(ctx, cell):
    m = await _voting_cell(ctx, cell)
    roll = await probation.vote_roll(ctx, actor=1001, member_id=m, held_on=date(2026, 11, 20))
    assert (roll.proposed, roll.roll) == (4, 4)
    result = await probation.record_vote(
        ctx, actor=1001, member_id=m, held_on=date(2026, 11, 20), agree=3, disagree=1, base=4
    )
    assert (result.round, result.status.outcome) == (1, "convert")
    assert result.conversion.cell_resolution_date == date(2026, 11, 20)
    assert (await probation.case(ctx, actor=1001, member_id=m)).stage == "resolved"
    # no conversion reminders: the committee's 30 working days run (the course is still due)
    assert await _kinds(ctx, cell, m) == {"probation.course"}
    async with ctx.db.read() as tx:
        [entry] = await audit.entries(tx, entity="conversion", entity_id=m)
    assert entry.action == "vote" and entry.after["agree"] == 3


async def test_a_vote_with_two_thirds_against_proposes_removal(ctx, cell):
    m = await _voting_cell(ctx, cell)
    result = await probation.record_vote(
        ctx, actor=1001, member_id=m, held_on=date(2026, 11, 20), agree=1, disagree=3, base=4
    )
    assert result.status.outcome == "remove"
    assert result.conversion.outcome == "not_eligible"
    assert await _kinds(ctx, cell, m) == {"probation.removal"}


async def test_three_undecided_rounds_go_to_the_upper_committees(ctx, cell):
    m = await _voting_cell(ctx, cell)
    for n, day in enumerate((date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)), 1):
        result = await probation.record_vote(
            ctx, actor=1001, member_id=m, held_on=day, agree=2, disagree=2, base=4
        )
        assert result.round == n and result.conversion.vote_rounds == n
    assert result.status.outcome == "escalate" and result.status.message is not None
    assert "upper committees" in result.status.message.key
    assert (await probation.case(ctx, actor=1001, member_id=m)).votes[-1].held_on == date(
        2026, 11, 16
    )
    assert (await probation.case(ctx, actor=1001, member_id=m)).stage == "escalated"
    assert await _kinds(ctx, cell, m) == {"probation.vote_escalation"}
    with pytest.raises(InvalidInput, match="upper committees"):
        await probation.record_vote(
            ctx, actor=1001, member_id=m, held_on=date(2026, 11, 20), agree=4, disagree=0, base=4
        )


@pytest.mark.parametrize(
    ("held_on", "agree", "disagree", "base", "words"),
    [
        (date(2026, 10, 1), 4, 0, 4, "after the end of probation"),  # the last day (P5)
        (date(2026, 11, 24), 4, 0, 4, "future"),
        (date(2026, 11, 20), 4, 0, 5, "cannot be larger"),
        (date(2026, 11, 20), 3, 2, 4, "cannot be right"),
        (date(2026, 11, 20), 0, 0, 0, "cannot be right"),
    ],
)
async def test_vote_checks(ctx, cell, held_on, agree, disagree, base, words):
    m = await _voting_cell(ctx, cell)
    with pytest.raises(InvalidInput) as exc:
        await probation.record_vote(
            ctx,
            actor=1001,
            member_id=m,
            held_on=held_on,
            agree=agree,
            disagree=disagree,
            base=base,
        )
    assert words in exc.value.msg.key
    assert (await probation.case(ctx, actor=1001, member_id=m)).votes == []


async def test_a_cell_of_two_official_members_cannot_vote(ctx, cell):
    m = await _voting_cell(ctx, cell, officials=2)
    with pytest.raises(InvalidInput) as exc:
        await probation.record_vote(
            ctx, actor=1001, member_id=m, held_on=date(2026, 11, 20), agree=2, disagree=0, base=2
        )
    assert "at least {minimum} official members" in exc.value.msg.key


async def test_probation_overdue_and_status_agree(ctx, cell):
    """Issue 9 §3: nine days after the end the member is due for the review — in /probation, in
    the reminders, and not in /overdue nor the /status count; after the deadline, in all."""
    from chibo.usecases import status as status_uc

    due = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 14)))
    late = await add(ctx, cell, person("Đinh Văn Muộn", date(2025, 10, 1)))
    view = await status_uc.overdue(ctx, "cli", code="C1")
    listed = {r.subject_id: r.kind for g in view.groups for r in g.items}
    assert due not in listed
    assert listed[late] in ("probation.overdue", "probation.escalation")
    [line] = (await status_uc.status(ctx, "cli", code="C1")).lines
    assert line.overdue == view.count
    assert (await probation.case(ctx, actor=1001, member_id=due)).stage == "review_due"
    assert "probation.due" in await _kinds(ctx, cell, due)


async def test_the_end_day_is_accepted_where_configured(ctx, cell, tmp_path):
    """P5 reading (issue 9 §3): `[rules] "probation.conversion.resolution_on_end_day" = true`
    accepts a cell resolution dated on the last day of probation."""
    from chibo.bot.config import load_config
    from chibo.usecases.context import AppContext

    toml = tmp_path / "c.toml"
    toml.write_text('[rules]\n"probation.conversion.resolution_on_end_day" = true\n')
    config = load_config(toml, env={"CHIBO_DB": str(tmp_path / "x.sqlite3")})
    lenient = AppContext.build(ctx.db, ctx.clock, config)
    mid = await add(ctx, cell, person("Lê Thị Sớm", date(2025, 11, 20)))
    c = await probation.case(lenient, actor=1001, member_id=mid)
    assert c.first_resolution == c.end == date(2026, 11, 20)
    conv = await probation.record_resolution(
        lenient, actor=1001, member_id=mid, resolution_date=date(2026, 11, 20)
    )
    assert conv.cell_resolution_date == date(2026, 11, 20)

"""Use cases for members who move, pause or leave (§6.1-6.5, 6.7, 6.9, 6.10): flows, scope,
audit, history, the computed vote base, the removal review and `chibo lifecycle`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chibo.bot.cli import build_parser
from chibo.rules.lifecycle_reminders import LIFECYCLE_FAMILY
from chibo.rules.meeting_reminders import ABSENCE_FAMILY
from chibo.storage import audit, reminder_state
from chibo.storage import lifecycle as lifecycle_store
from chibo.storage import meetings as meeting_store
from chibo.storage import members as member_store
from chibo.storage.meetings import MeetingFields
from chibo.storage.members import MemberFields
from chibo.usecases import lifecycle as uc
from chibo.usecases.errors import AccessDenied, InvalidInput, NotFound
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members, org_id

# The conftest clock: Monday 23/11/2026.


@pytest.fixture
async def world(ctx):
    await demo_tree(ctx)
    for tg_id, org, role in (
        (1001, "C1", "secretary"),
        (1101, "C2", "secretary"),
        (2001, "X", "officer"),
    ):
        await bind(ctx, tg_id, org, role)
    c1 = await add_members(ctx, "C1", ["An", "Bình", "Cường", "Dũng"])
    c2 = await add_members(ctx, "C2", ["Em", "Giang", "Hà"])
    return c1, c2


async def entries(ctx, entity):
    async with ctx.db.read() as tx:
        return await audit.entries(tx, entity=entity)


async def test_transfer_out_of_the_tree_leaves_the_roll_on_completion(ctx, world):
    an = world[0][0]
    t = await uc.transfer_out(
        ctx,
        actor=1001,
        member_id=an,
        reason="job",
        trigger_date=date(2026, 9, 1),
        to_external="Chi bộ Công ty ABC, Đảng ủy phường Z",
    )
    assert t.state == "open" and t.to_org_id is None
    async with ctx.db.read() as tx:
        assert (await member_store.get(tx, an)).status == "official"  # still on the roll
        state = await reminder_state.load(tx)
    kinds = [c.transfer_id for c in state[LIFECYCLE_FAMILY].transfers]
    assert kinds == [t.id]
    t = await uc.record_letter(ctx, actor=1001, transfer_id=t.id, letter_date=date(2026, 10, 1))
    done = await uc.complete_transfer(ctx, actor=1001, transfer_id=t.id, on=date(2026, 10, 5))
    assert done.state == "completed"
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, an)
        history = await member_store.history(tx, an)
    assert (member.status, member.status_date) == ("transferred_out", date(2026, 10, 5))
    assert history[-1].status == "transferred_out"
    assert [e.action for e in await entries(ctx, "transfer")] == ["complete", "letter", "create"]


async def test_transfer_validation_writes_nothing(ctx, world):
    an = world[0][0]
    with pytest.raises(InvalidInput):  # letter before the trigger
        await uc.transfer_out(
            ctx,
            actor=1001,
            member_id=an,
            reason="job",
            trigger_date=date(2026, 9, 1),
            letter_date=date(2026, 8, 1),
            to_external="X",
        )
    with pytest.raises(InvalidInput):  # both a code and a name
        await uc.transfer_out(
            ctx,
            actor=1001,
            member_id=an,
            reason="job",
            trigger_date=date(2026, 9, 1),
            to_org_code="C2",
            to_external="X",
        )
    with pytest.raises(InvalidInput):  # future
        await uc.transfer_out(
            ctx,
            actor=1001,
            member_id=an,
            reason="job",
            trigger_date=date(2026, 12, 1),
            to_external="X",
        )
    assert await entries(ctx, "transfer") == []


async def test_a_member_moved_between_two_cells_keeps_one_history(ctx, world):
    an = world[0][0]
    c1, c2 = await org_id(ctx, "C1"), await org_id(ctx, "C2")
    t = await uc.transfer_out(
        ctx,
        actor=1001,
        member_id=an,
        reason="residence",
        trigger_date=date(2026, 9, 1),
        letter_date=date(2026, 9, 10),
        to_org_code="C2",
    )
    arrivals = await uc.expected_arrivals(ctx, actor=2001, org_code="X")
    assert [(a.transfer.id, a.org.code, a.late) for a in arrivals] == [(t.id, "C2", False)]
    with pytest.raises(AccessDenied):  # the receiving cell receives
        await uc.complete_transfer(ctx, actor=1001, transfer_id=t.id, on=date(2026, 10, 1))
    await uc.complete_transfer(ctx, actor=1101, transfer_id=t.id, on=date(2026, 10, 1))
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, an)
        moves = await lifecycle_store.moves(tx, an)
        history = await member_store.history(tx, an)
        assert len(await member_store.by_person(tx, c2, member.name_key, member.birth_date)) == 1
    assert (member.id, member.org_id, member.status) == (an, c2, "official")
    assert [(m.from_org_id, m.to_org_id, m.moved_on) for m in moves] == [
        (c1, c2, date(2026, 10, 1))
    ]
    assert [h.note for h in history] == [f"transfer #{t.id}: org {c1} -> {c2}"]
    life = await uc.member_lifecycle(ctx, actor=1101, member_id=an)
    assert [t2.id for t2 in life.transfers] == [t.id]
    with pytest.raises(AccessDenied):  # no longer C1's member
        await uc.member_lifecycle(ctx, actor=1001, member_id=an)


async def test_arrival_from_outside_is_announced_then_received(ctx, world):
    c2 = await org_id(ctx, "C2")
    t = await uc.announce_arrival(
        ctx,
        actor=1101,
        org_id=c2,
        full_name="Lý Văn Mới",
        from_external="Đảng bộ tỉnh Q",
        letter_date=date(2026, 7, 1),
    )
    late = await uc.expected_arrivals(ctx, actor=2001, org_code="X")
    assert [(a.late, a.late_since) for a in late] == [(True, date(2026, 10, 1))]
    f = MemberFields(
        full_name="Lý Văn Mới",
        birth_date=date(1990, 1, 1),
        decision_date=date(2015, 1, 1),
        status="official",
        status_date=date(2026, 11, 2),
    )
    member = await uc.receive_arrival(
        ctx, actor=1101, transfer_id=t.id, on=date(2026, 11, 2), fields=f
    )
    assert member.org_id == c2
    assert await uc.expected_arrivals(ctx, actor=2001, org_code="X") == []


async def test_temporary_member_changes_the_vote_base_of_both_cells(ctx, world):
    (an, *_), _c2 = world
    c1, c2 = await org_id(ctx, "C1"), await org_id(ctx, "C2")
    assert (await uc.vote_base_on(ctx, actor=1001, org_id=c1, on=date(2026, 11, 1))).base == 4
    with pytest.raises(InvalidInput):  # a year or more is an official transfer
        await uc.temporary_transfer(
            ctx,
            actor=1001,
            member_id=an,
            reason="work",
            start=date(2026, 10, 1),
            end=date(2027, 10, 1),
            to_org_code="C2",
        )
    t = await uc.temporary_transfer(
        ctx,
        actor=1001,
        member_id=an,
        reason="work",
        start=date(2026, 10, 1),
        end=date(2027, 3, 31),
        to_org_code="C2",
    )
    home = await uc.vote_base_on(ctx, actor=1001, org_id=c1, on=date(2026, 11, 1))
    there = await uc.vote_base_on(ctx, actor=1101, org_id=c2, on=date(2026, 11, 1))
    assert (home.base, home.away) == (3, (an,))
    assert (there.base, there.guests) == (3, (an,))
    assert [m.id for m in await uc.guests(ctx, actor=1101, org_id=c2, on=date(2026, 11, 1))] == [an]
    await uc.record_return(ctx, actor=1001, transfer_id=t.id, on=date(2026, 11, 20))
    assert (await uc.vote_base_on(ctx, actor=1001, org_id=c1, on=date(2026, 11, 21))).base == 4


async def test_exemption_with_return(ctx, world):
    binh = world[0][1]
    c1 = await org_id(ctx, "C1")
    with pytest.raises(InvalidInput):  # tạm miễn needs the committee's approval and an end
        await uc.exempt(
            ctx,
            actor=1001,
            member_id=binh,
            kind="temporary",
            ground="mobile_work",
            resolution_date=date(2026, 3, 1),
            start_date=date(2026, 3, 1),
        )
    e = await uc.exempt(
        ctx,
        actor=1001,
        member_id=binh,
        kind="temporary",
        ground="mobile_work",
        resolution_date=date(2026, 3, 1),
        approval_date=date(2026, 3, 10),
        start_date=date(2026, 3, 15),
        end_date=date(2026, 12, 15),
    )
    base = await uc.vote_base_on(ctx, actor=1001, org_id=c1, on=date(2026, 11, 1))
    assert base.exempt_absent == (binh,) and base.base == 3
    async with ctx.db.read() as tx:
        state = await reminder_state.load(tx)
    assert [c.exemption_id for c in state[LIFECYCLE_FAMILY].exemptions] == [e.id]
    with pytest.raises(InvalidInput):  # already exempted
        await uc.exempt(
            ctx,
            actor=1001,
            member_id=binh,
            kind="exempt",
            ground="age_health",
            resolution_date=date(2026, 4, 1),
            start_date=date(2026, 4, 1),
        )
    back = await uc.end_exemption(
        ctx,
        actor=1001,
        exemption_id=e.id,
        application_date=date(2026, 11, 10),
        return_date=date(2026, 11, 15),
    )
    assert back.return_date == date(2026, 11, 15)
    assert (await uc.vote_base_on(ctx, actor=1001, org_id=c1, on=date(2026, 11, 20))).base == 4
    # A full exemption changes the status (history kept), and the return restores it.
    full = await uc.exempt(
        ctx,
        actor=1001,
        member_id=binh,
        kind="exempt",
        ground="age_health",
        resolution_date=date(2026, 11, 18),
        start_date=date(2026, 11, 18),
        reported_date=date(2026, 11, 20),
    )
    async with ctx.db.read() as tx:
        assert (await member_store.get(tx, binh)).status == "exempt"
    await uc.end_exemption(
        ctx,
        actor=1001,
        exemption_id=full.id,
        application_date=date(2026, 11, 21),
        return_date=date(2026, 11, 22),
    )
    async with ctx.db.read() as tx:
        assert (await member_store.get(tx, binh)).status == "official"
        statuses = [h.status for h in await member_store.history(tx, binh)]
    assert statuses[-2:] == ["exempt", "official"]
    assert {e2.action for e2 in await entries(ctx, "exemption")} == {"create", "return"}


async def _absent(ctx, org_code, member_id, days):
    cell = await org_id(ctx, org_code)
    async with ctx.db.transaction() as tx:
        for d in days:
            mid = await meeting_store.insert(
                tx, org_id=cell, f=MeetingFields(held_on=d, kind="regular"), actor="t", at=ctx.now()
            )
            await meeting_store.set_attendance(tx, mid, {member_id: "unexcused"})


async def test_removal_review_reaches_3_by_absences_and_is_decided_by_humans(ctx, world):
    cuong = world[0][2]
    await _absent(ctx, "C1", cuong, [date(2026, 6, 5), date(2026, 8, 5)])
    assert [
        (a.ground, a.level, a.count)
        for a in await uc.removal_assessment(ctx, actor=1001, member_id=cuong)
    ] == [("absences", "warn", 2)]
    with pytest.raises(InvalidInput):  # not enough evidence yet
        await uc.open_review(
            ctx, actor=1001, member_id=cuong, ground="absences", on=date(2026, 11, 20)
        )
    await _absent(ctx, "C1", cuong, [date(2026, 10, 5)])
    [a] = await uc.removal_assessment(ctx, actor=1001, member_id=cuong)
    assert (a.level, a.count, a.window) == ("review", 3, "year")
    with pytest.raises(AccessDenied):  # another cell's member cannot be reviewed
        await uc.open_review(
            ctx, actor=1101, member_id=cuong, ground="absences", on=date(2026, 11, 20)
        )
    v = await uc.open_review(
        ctx, actor=1001, member_id=cuong, ground="absences", on=date(2026, 11, 20)
    )
    assert v.evidence[0]["dates"] == ["2026-06-05", "2026-08-05", "2026-10-05"]
    async with ctx.db.read() as tx:
        state = await reminder_state.load(tx)
        assert (await member_store.get(tx, cuong)).status == "official"  # nothing automatic
    assert not state[LIFECYCLE_FAMILY].removals  # an open review silences the prompts
    with pytest.raises(InvalidInput):  # the committee decides on the cell's proposal
        await uc.record_review_decision(
            ctx, actor=1001, review_id=v.id, on=date(2026, 11, 22), decision="removed"
        )
    await uc.record_proposal(
        ctx, actor=1001, review_id=v.id, on=date(2026, 11, 21), proposal="remove"
    )
    await uc.record_card(ctx, actor=1001, member_id=cuong, decision_date=date(2020, 1, 1))
    await uc.record_review_decision(
        ctx,
        actor=1001,
        review_id=v.id,
        on=date(2026, 11, 23),
        decision="removed",
        decision_no="12-QĐ/ĐU",
    )
    async with ctx.db.read() as tx:
        member = await member_store.get(tx, cuong)
        state = await reminder_state.load(tx)
    assert (member.status, member.status_date) == ("removed", date(2026, 11, 23))
    assert [(c.step, c.member_id) for c in state[LIFECYCLE_FAMILY].cards] == [("collect", cuong)]
    assert [e.action for e in await entries(ctx, "removal_review")] == [
        "decision",
        "proposal",
        "open",
    ]


async def test_absences_while_temporarily_exempt_leave_the_counter(ctx, world):
    dung = world[0][3]
    await _absent(ctx, "C1", dung, [date(2026, 4, 5), date(2026, 5, 5), date(2026, 6, 5)])
    await uc.exempt(
        ctx,
        actor=1001,
        member_id=dung,
        kind="temporary",
        ground="mobile_work",
        resolution_date=date(2026, 3, 20),
        approval_date=date(2026, 3, 25),
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 1),
    )
    assert await uc.removal_assessment(ctx, actor=1001, member_id=dung) == []
    async with ctx.db.read() as tx:
        state = await reminder_state.load(tx)
    assert [c.records for c in state[ABSENCE_FAMILY] if c.member_id == dung] == [()]


async def test_not_eligible_probationary_goes_through_the_review(ctx, world):
    [p] = await add_members(ctx, "C1", ["Phúc"], status="probationary")
    with pytest.raises(InvalidInput):
        await uc.open_review(
            ctx, actor=1001, member_id=world[0][0], ground="not_eligible", on=date(2026, 11, 20)
        )
    v = await uc.open_review(
        ctx, actor=1001, member_id=p, ground="not_eligible", on=date(2026, 11, 20)
    )
    assert v.ground == "not_eligible" and v.open


async def test_departure_and_dossier_notice(ctx, world):
    an = world[0][0]
    c1 = await org_id(ctx, "C1")
    d = await uc.record_departure(
        ctx, actor=1001, member_id=an, kind="deceased", on=date(2026, 11, 2)
    )
    async with ctx.db.read() as tx:
        assert (await member_store.get(tx, an)).status == "deceased"
        state = await reminder_state.load(tx)
    assert [c.member_id for c in state[LIFECYCLE_FAMILY].departures] == [an]
    assert (await uc.vote_base_on(ctx, actor=1001, org_id=c1, on=date(2026, 11, 3))).base == 3
    with pytest.raises(InvalidInput):
        await uc.record_dossier_notice(ctx, actor=1001, member_id=an, on=date(2026, 11, 1))
    d = await uc.record_dossier_notice(ctx, actor=1001, member_id=an, on=date(2026, 11, 20))
    assert d.notice_date == date(2026, 11, 20)


async def test_residence_contact_list_and_exception(ctx, world):
    c1 = await org_id(ctx, "C1")
    c = await uc.register_residence(
        ctx,
        actor=1001,
        org_id=c1,
        full_name="Quang",
        workplace="Sở Tài chính",
        assigned_date=date(2026, 3, 1),
    )
    await uc.register_residence(
        ctx,
        actor=1001,
        org_id=c1,
        full_name="Sơn",
        workplace="Trung đoàn 1",
        assigned_date=date(2026, 3, 1),
        exception="barracks",
    )
    with pytest.raises(AccessDenied):
        await uc.residence_list(ctx, actor=1101, org_id=c1)
    assert [x.full_name for x in await uc.residence_list(ctx, actor=1001, org_id=c1)] == [
        "Quang",
        "Sơn",
    ]
    async with ctx.db.read() as tx:
        state = await reminder_state.load(tx)
    assert [r.contact_id for r in state[LIFECYCLE_FAMILY].residence] == [c.id]  # exception: none
    await uc.record_residence_meeting(ctx, actor=1001, contact_id=c.id, on=date(2026, 9, 1))
    c = await uc.record_residence_comments(
        ctx, actor=1001, contact_id=c.id, year=2026, on=date(2026, 11, 5)
    )
    assert c.comments_years == (2026,)


async def test_scope_refusals_are_audited(ctx, world):
    an = world[0][0]
    c1 = await org_id(ctx, "C1")
    for call in (
        uc.transfer_out(
            ctx,
            actor=1101,
            member_id=an,
            reason="job",
            trigger_date=date(2026, 9, 1),
            to_external="X",
        ),
        uc.temporary_transfer(
            ctx,
            actor=1101,
            member_id=an,
            reason="work",
            start=date(2026, 9, 1),
            end=date(2027, 1, 1),
            to_external="X",
        ),
        uc.exempt(
            ctx,
            actor=1101,
            member_id=an,
            kind="exempt",
            ground="age_health",
            resolution_date=date(2026, 9, 1),
            start_date=date(2026, 9, 1),
        ),
        uc.record_departure(ctx, actor=1101, member_id=an, kind="left", on=date(2026, 9, 1)),
        uc.vote_base_on(ctx, actor=1101, org_id=c1, on=date(2026, 9, 1)),
        uc.numbers(ctx, actor=1101, org_code="X"),
    ):
        with pytest.raises(AccessDenied):
            await call
    denied = await entries(ctx, "access")  # repeats of one refusal are aggregated
    assert {e.after["wanted"] for e in denied} == {"write", "read"}


async def test_numbers_use_case_and_cli(ctx, world, capsys):
    an, binh = world[0][0], world[0][1]
    await uc.transfer_out(
        ctx, actor=1001, member_id=an, reason="job", trigger_date=date(2026, 9, 1), to_org_code="C2"
    )
    await uc.exempt(
        ctx,
        actor=1001,
        member_id=binh,
        kind="exempt",
        ground="age_health",
        resolution_date=date(2026, 9, 1),
        start_date=date(2026, 9, 1),
    )
    rows = {r.code: r.numbers for r in await uc.numbers(ctx, actor=2001, org_code="X")}
    assert (rows["C1"].transfers_out_open, rows["C1"].exempt) == (1, 1)
    assert rows["C2"].transfers_in_expected == 1
    assert (rows["X"].transfers_out_open, rows["X"].transfers_in_expected) == (1, 1)
    args = build_parser().parse_args(["lifecycle", "--org", "X", "--json"])
    assert await args.func(args, ctx.config, translator("vi")) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["org"] for o in out] == ["C1", "C2", "X"]
    assert out[0]["transfers_out_open"] == 1 and out[0]["exempt"] == 1
    args = build_parser().parse_args(["lifecycle", "--org", "C1"])
    assert await args.func(args, ctx.config, translator("vi")) == 0
    assert "C1" in capsys.readouterr().out


async def test_unpaid_dues_months_are_review_evidence_without_a_second_reminder(ctx, world):
    from chibo.storage import dues as dues_store
    from chibo.usecases import reminders as reminders_uc

    cuong = world[0][2]
    cell = await org_id(ctx, "C1")
    months = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    async with ctx.db.transaction() as tx:
        await dues_store.put_rows(
            tx,
            [dues_store.LedgerRow(cuong, m, cell, 60_000, 0, None, None, "unpaid") for m in months]
            + [
                dues_store.LedgerRow(
                    cuong, date(2026, 7, 1), cell, 60_000, 0, None, None, "excused"
                )
            ],
            actor="t",
            at=ctx.now(),
        )
    [a] = await uc.removal_assessment(ctx, actor=1001, member_id=cuong)
    assert (a.ground, a.level, a.count, a.evidence) == ("dues", "review", 3, tuple(months))
    # the dues family already prompts at 3 months: the lifecycle family does not prompt again
    plan = await reminders_uc.plan(ctx, ctx.today())
    kinds = [p.reminder.kind for p in plan.items if p.reminder.subject_id == cuong]
    assert kinds == ["dues.unpaid.review"]
    v = await uc.open_review(ctx, actor=1001, member_id=cuong, ground="dues", on=ctx.today())
    assert v.evidence[0]["dates"] == [m.isoformat() for m in months]


async def test_arrival_from_outside_is_linked_to_the_member_added_since(ctx, world):
    c2 = await org_id(ctx, "C2")
    t = await uc.announce_arrival(
        ctx,
        actor=1101,
        org_id=c2,
        full_name="Lý Văn Mới",
        from_external="Đảng bộ tỉnh Q",
        letter_date=date(2026, 7, 1),
    )
    assert await uc.arrival_matches(ctx, actor=1101, transfer_id=t.id) == []
    [new] = await add_members(ctx, "C2", ["LY VAN MOI"])  # the folded name matches
    assert [m.id for m in await uc.arrival_matches(ctx, actor=1101, transfer_id=t.id)] == [new]
    with pytest.raises(AccessDenied):  # another cell's secretary
        await uc.link_arrival(
            ctx, actor=1001, transfer_id=t.id, member_id=new, on=date(2026, 11, 2)
        )
    with pytest.raises(AccessDenied):
        await uc.arrival_matches(ctx, actor=1001, transfer_id=t.id)
    with pytest.raises(NotFound):  # a member of another cell's roll
        await uc.link_arrival(
            ctx, actor=1101, transfer_id=t.id, member_id=world[0][0], on=date(2026, 11, 2)
        )
    with pytest.raises(InvalidInput):  # arrival before the letter
        await uc.link_arrival(ctx, actor=1101, transfer_id=t.id, member_id=new, on=date(2026, 6, 1))
    done = await uc.link_arrival(
        ctx, actor=1101, transfer_id=t.id, member_id=new, on=date(2026, 11, 2)
    )
    assert (done.state, done.member_id, done.completed_date) == (
        "completed",
        new,
        date(2026, 11, 2),
    )
    assert await uc.expected_arrivals(ctx, actor=2001, org_code="X") == []
    assert (await entries(ctx, "transfer"))[0].action == "link"
    with pytest.raises(InvalidInput):  # closed
        await uc.link_arrival(
            ctx, actor=1101, transfer_id=t.id, member_id=new, on=date(2026, 11, 2)
        )

"""The demo cell's data: official members, two probationary members whose conversion
deadlines fall around today, and the regular meetings of the last three months — so
`chibo demo` shows real lists, reminders and buttons."""

from __future__ import annotations

from datetime import date, timedelta

from chibo.rules.badges import next_award_date
from chibo.rules.dates import add_months
from chibo.rules.dues import DuesProfile
from chibo.storage.meetings import MeetingFields, TaskFields
from chibo.storage.members import MemberFields
from chibo.storage.minutes import MinutesFields
from chibo.usecases import dues as dues_uc
from chibo.usecases import meetings as meetings_uc
from chibo.usecases import probation as probation_uc
from chibo.usecases import roster as roster_uc
from chibo.usecases.context import AppContext
from chibo.usecases.orgs import get_org

_OFFICIAL = [
    ("Nguyễn Văn Bình", date(1958, 3, 12), "male", date(1985, 5, 19)),
    ("Trần Thị Hoa", date(1962, 9, 2), "female", date(1990, 2, 3)),
    ("Lê Văn Cường", date(1970, 1, 15), "male", date(1998, 11, 7)),
    ("Phạm Thị Dung", date(1975, 6, 30), "female", date(2003, 9, 2)),
    ("Hoàng Văn Em", date(1980, 12, 1), "male", date(2008, 3, 26)),
    ("Vũ Thị Giang", date(1986, 4, 20), "female", date(2012, 5, 19)),
]


async def seed_roster(ctx: AppContext) -> None:
    cell = await get_org(ctx, "CB1")
    today = ctx.today()
    helpers = []
    for name, born, gender, joined in _OFFICIAL:
        official = add_months(joined, 12)
        m = await roster_uc.add_member(
            ctx,
            actor="cli",
            org_id=cell.id,
            f=MemberFields(
                full_name=name,
                birth_date=born,
                gender=gender,
                decision_date=joined,
                ceremony_date=joined,
                official_date=official,
                status="official",
                status_date=official,
            ),
        )
        helpers.append(m)
    # probation ends in 12 days (the "prepare the dossier" reminder), and ended 9 days ago
    for name, born, gender, ends_in in (
        ("Đỗ Minh Khang", date(1999, 8, 8), "male", 12),
        ("Ngô Thị Lan", date(2001, 2, 28), "female", -9),
    ):
        ceremony = add_months(today + timedelta(days=ends_in), -12)
        m = await roster_uc.add_member(
            ctx,
            actor="cli",
            org_id=cell.id,
            f=MemberFields(
                full_name=name,
                birth_date=born,
                gender=gender,
                decision_date=ceremony,
                ceremony_date=ceremony,
                status="probationary",
                status_date=ceremony,
            ),
        )
        await probation_uc.set_helper(
            ctx, actor="cli", member_id=m.id, helper_id=helpers[-1].id, assigned=True
        )


async def seed_meetings(ctx: AppContext) -> None:
    """Regular meetings on the 5th of the three previous months; this month's is missing."""
    cell = await get_org(ctx, "CB1")
    first = ctx.today().replace(day=1)
    for back in (3, 2, 1):
        held = add_months(first, -back).replace(day=5)
        await meetings_uc.record(
            ctx,
            actor="cli",
            org_id=cell.id,
            inp=meetings_uc.MeetingInput(
                MeetingFields(
                    held_on=held,
                    kind="regular",
                    rating="Tốt",
                    contents="Kiểm điểm công tác tháng, triển khai nhiệm vụ tháng tới.",
                ),
                *(await _demo_minutes(ctx, cell.id, held) if back == 1 else ()),
            ),
        )


async def seed_lifecycle(ctx: AppContext) -> None:
    """Issue 14 for the committee: a transfer to the neighbouring cell awaiting reception, a
    temporary exemption, a removal review with the cell's proposal awaiting the decision, and a
    working member living in the village (residence contact, QĐ 213)."""
    from chibo.usecases import lifecycle as lifecycle_uc

    cell = await get_org(ctx, "CB1")
    today = ctx.today()
    members = {}
    for name in ("Hoàng Văn Em", "Trần Thị Hoa", "Lê Văn Cường"):
        found = (await roster_uc.roster_page(ctx, cell.id, query=name)).items
        members[name] = next(m.id for m in found if m.full_name == name)
    await lifecycle_uc.transfer_out(
        ctx,
        actor="cli",
        member_id=members["Hoàng Văn Em"],
        reason="residence",
        trigger_date=today - timedelta(days=20),
        letter_date=today - timedelta(days=10),
        to_org_code="CB2",
    )
    await lifecycle_uc.exempt(
        ctx,
        actor="cli",
        member_id=members["Trần Thị Hoa"],
        kind="temporary",
        ground="treatment",
        resolution_date=today - timedelta(days=40),
        start_date=today - timedelta(days=40),
        end_date=today + timedelta(days=120),
        approval_date=today - timedelta(days=35),
    )
    review = await lifecycle_uc.open_review(
        ctx,
        actor="cli",
        member_id=members["Lê Văn Cường"],
        ground="political",
        on=today - timedelta(days=6),
    )
    await lifecycle_uc.record_proposal(
        ctx, actor="cli", review_id=review.id, on=today - timedelta(days=2), proposal="remove"
    )
    # QĐ 213: a member working in the province town who lives in the village, assigned to this
    # cell by the commune committee (the residence list, its half-yearly meeting and comments).
    resident = await lifecycle_uc.register_residence(
        ctx,
        actor="cli",
        org_id=cell.id,
        full_name="Phan Văn Tài",
        workplace="Sở Nông nghiệp và Môi trường tỉnh",
        assigned_date=today - timedelta(days=30),
    )
    await lifecycle_uc.record_residence_comments(
        ctx, actor="cli", contact_id=resident.id, year=today.year, on=today - timedelta(days=3)
    )


async def seed_evaluation(ctx: AppContext) -> None:
    """This year's year-end review opened by the commune (cells review by 20 December), and
    the demo cell's first three members reviewed: papers in, a level proposed and voted, the
    committee's level for one of them."""
    from chibo.storage.evaluation import CampaignFields
    from chibo.usecases import evaluation as evaluation_uc

    today = ctx.today()
    year = today.year
    await evaluation_uc.open_campaign(
        ctx,
        "cli",
        code="XA",
        year=year,
        fields=CampaignFields(
            review_by=date(year, 12, 20),
            report_by=date(year + 1, 1, 10),
            instruction=f"Hướng dẫn 05-HD/ĐU ngày 01/11/{year}",
        ),
    )
    cell = await get_org(ctx, "CB1")
    view = await evaluation_uc.cell_review(ctx, "cli", cell.id, year)
    for line, level in zip(view.lines, ("HTT", "HTT", "HTT"), strict=False):
        await evaluation_uc.record_member(
            ctx,
            "cli",
            member_id=line.member.id,
            year=year,
            changes={
                "self_assessment_on": today,
                "plan_received_on": today,
                "proposed_level": level,
                "vote_agree": view.vote_base,
            },
        )
    if view.lines:
        await evaluation_uc.decide_member(
            ctx, "cli", member_id=view.lines[0].member.id, year=year, level="HTT", decided_on=today
        )


async def _demo_minutes(
    ctx: AppContext, org_id: int, held: date
) -> tuple[dict[int, str], list[TaskFields], MinutesFields]:
    """Last month's meeting with its attendance and minutes details (the minutes DOCX)."""
    roll = await meetings_uc.roll_call(ctx, org_id, held)
    called = roll.called
    att = {m.id: "present" for m in called} | {m.id: "exempt" for m in roll.exempt}
    reasons = {}
    if len(called) > 2:
        att[called[-1].id] = "excused"
        reasons[called[-1].id] = "Đi công tác, có báo cáo"
    chair = called[0].full_name if called else None
    recorder = called[1].full_name if len(called) > 1 else None
    minutes = MinutesFields(
        place="Nhà văn hóa thôn",
        opened_at="19:30",
        closed_at="21:15",
        chair=chair,
        recorder=recorder,
        agenda="Đánh giá kết quả thực hiện nhiệm vụ tháng qua\nPhương hướng, nhiệm vụ tháng tới",
        opinions="Các đồng chí thống nhất với dự thảo nghị quyết.",
        vote_for=sum(v == "present" for v in att.values()),
        vote_against=0,
        vote_abstain=0,
        reasons=reasons,
    )
    return att, [], minutes


async def seed_dues(ctx: AppContext) -> None:
    """Party dues of the three months before last (Phạm Thị Dung unpaid twice: a warning), and
    a member who reaches 30 years of party age by the next badge award date."""
    cell = await get_org(ctx, "CB1")
    today = ctx.today()
    award = next_award_date(today, ctx.catalogue)
    veteran = await roster_uc.add_member(
        ctx,
        actor="cli",
        org_id=cell.id,
        f=MemberFields(
            full_name="Đinh Văn Lão",
            birth_date=date(1968, 7, 27),
            gender="male",
            decision_date=add_months(award, -360),
            ceremony_date=add_months(award, -360),
            official_date=add_months(award, -348),
            status="official",
            status_date=add_months(award, -348),
        ),
    )
    page = await roster_uc.roster_page(ctx, cell.id, page=0, query=None, former=False)
    members = list(page.items)
    assert any(m.id == veteran.id for m in members)
    for m in members:
        await dues_uc.set_profile(
            ctx, actor="cli", member_id=m.id, profile=DuesProfile(cell_amount=30_000)
        )
    late = next(m for m in members if m.full_name == "Phạm Thị Dung")
    first = today.replace(day=1)
    # last month is left to record in the chat (its reminder comes from the 5th)
    for back in (4, 3, 2):
        month = add_months(first, -back)
        unpaid = {late.id: dues_uc.PaymentEntry(paid=0)} if back < 4 else {}
        await dues_uc.record_month(ctx, "cli", cell.id, month, unpaid)


async def seed_newcomers(ctx: AppContext) -> None:
    """After the dues: an arrival announced from outside the tree whose member the secretary
    already added to the roll ("Receive" offers her), still without a dues basis (the month's
    sheet says "no amount set"); and an early badge requested for the seriously ill member
    (Trần Thị Hoa, exempted for treatment), on her card."""
    from chibo.usecases import badges as badges_uc
    from chibo.usecases import lifecycle as lifecycle_uc

    cell = await get_org(ctx, "CB1")
    today = ctx.today()
    born = date(1988, 10, 10)
    await lifecycle_uc.announce_arrival(
        ctx,
        actor="cli",
        org_id=cell.id,
        full_name="Mai Thị Nga",
        from_external="Đảng ủy xã An Phú, tỉnh Nam Định",
        letter_date=today - timedelta(days=6),
        birth_date=born,
        reason="residence",
    )
    joined = date(2015, 6, 12)
    await roster_uc.add_member(
        ctx,
        actor="cli",
        org_id=cell.id,
        f=MemberFields(
            full_name="Mai Thị Nga",
            birth_date=born,
            gender="female",
            decision_date=joined,
            ceremony_date=joined,
            official_date=add_months(joined, 12),
            status="official",
            status_date=add_months(joined, 12),
        ),
    )
    ill = (await roster_uc.roster_page(ctx, cell.id, query="Trần Thị Hoa")).items
    hoa = next(m for m in ill if m.full_name == "Trần Thị Hoa")
    await badges_uc.request_early(
        ctx,
        actor="cli",
        member_id=hoa.id,
        milestone=40,
        requested_on=today - timedelta(days=4),
        document="Đơn của gia đình, giấy xác nhận của Bệnh viện Đa khoa tỉnh",
    )

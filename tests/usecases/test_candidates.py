"""Admission candidates: register, the pipeline through the use cases, access, overview.

The table-driven eligibility checks are in test_candidate_checks.py; they share the
builders here.
"""

from __future__ import annotations

from datetime import date

import pytest

from chibo.rules.dates import add_months
from chibo.storage import audit
from chibo.storage import candidates as store
from chibo.storage import members as member_store
from chibo.storage.candidates import Details, IntroducerRow
from chibo.storage.members import MemberFields
from chibo.usecases import candidate_steps as steps_uc
from chibo.usecases import candidates as uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import roster
from chibo.usecases.candidates import CandidateRefused
from chibo.usecases.context import AppContext
from chibo.usecases.errors import AccessDenied, InvalidInput

from .helpers import bind, demo_tree

TODAY = date(2026, 11, 23)  # the conftest clock
#: Roster of C1: key -> (name, status, official date / ceremony date).
ROSTER = {
    "an": ("Nguyễn Văn An", "official", date(2005, 3, 1)),
    "binh": ("Trần Thị Bình", "official", date(2010, 6, 1)),
    "cuong": ("Lê Văn Cường", "official", date(2012, 1, 1)),
    "dung": ("Phạm Thị Dung", "official", date(2015, 9, 2)),
    "em": ("Hoàng Văn Em", "exempt", date(1990, 1, 1)),
    "phuong": ("Vũ Thị Phượng", "probationary", date(2026, 3, 1)),
}
#: A complete file, step by step (dates in 2026, today is 23/11/2026).
PIPELINE = [
    ("crs", {"course_cert_date": date(2026, 1, 5)}),
    ("app", {"application_date": date(2026, 2, 2), "background_date": date(2026, 2, 3)}),
    ("ver", {"verification_date": date(2026, 3, 2), "background_comment_date": date(2026, 3, 5)}),
    ("intro", {"introduction_date": date(2026, 4, 1)}),
    ("res", {"cell_resolution_date": date(2026, 5, 5), "vote_base": 4, "vote_agree": 4}),
    ("gr", {"grassroots_resolution_date": date(2026, 5, 20)}),
    (
        "dec",
        {
            "decision_date": date(2026, 6, 10),
            "decision_no": "123-QĐ/ĐU",
            "decision_received_date": date(2026, 6, 12),
        },
    ),
    ("cer", {"ceremony_date": date(2026, 6, 25)}),
]


async def roster_c1(ctx: AppContext) -> dict[str, int]:
    """The demo tree, and C1's members (ids by key)."""
    await demo_tree(ctx)
    c1 = (await orgs_uc.get_org(ctx, "C1")).id
    ids = {}
    for key, (name, status, day) in ROSTER.items():
        if status == "probationary":
            f = MemberFields(
                full_name=name,
                birth_date=date(1995, 5, 5),
                gender="female",
                decision_date=day,
                ceremony_date=day,
                status=status,
                status_date=day,
            )
        else:
            f = MemberFields(
                full_name=name,
                birth_date=date(1970, 5, 5),
                gender="male",
                official_date=day,
                status=status,
                status_date=day,
            )
        ids[key] = (await roster.add_member(ctx, actor="cli", org_id=c1, f=f)).id
    ids["C1"] = c1
    return ids


def details(**kw) -> Details:
    base = {
        "full_name": "Đỗ Minh Khoa",
        "birth_date": date(2000, 5, 10),
        "gender": "male",
        "origin": "other",
    }
    return Details(**{**base, **kw})


def introducers(
    ids: dict[str, int], *keys: str, since: date = date(2015, 1, 1)
) -> list[IntroducerRow]:
    return [IntroducerRow(ids[k], since) for k in keys or ("an", "binh")]


async def new_candidate(ctx: AppContext, ids: dict[str, int], **kw) -> int:
    c = await uc.register(
        ctx,
        actor="cli",
        org_id=ids["C1"],
        details=details(**kw),
        helper_ids=[ids["cuong"]],
        tracked_since=date(2025, 12, 1),
    )
    return c.id


async def advance(
    ctx: AppContext,
    ids: dict[str, int],
    cid: int,
    upto: str,
    actor: int | str = "cli",
    **changes: object,
) -> steps_uc.Recorded | None:
    """Record the pipeline's steps up to and including `upto` (values overridable)."""
    done = None
    for code, values in PIPELINE:
        values = {k: changes.get(k, v) for k, v in values.items()}
        intro = introducers(ids) if code == "intro" else ()
        done = await steps_uc.record_step(
            ctx, actor=actor, candidate_id=cid, code=code, values=values, introducers=intro
        )
        if code == upto:
            break
    return done


async def test_register_list_and_view(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids, notes="  Bí thư chi đoàn  ")
    second = await new_candidate(ctx, ids, full_name="Bùi Thị Lan")
    await advance(ctx, ids, second, "crs")
    reg = await uc.register_of(ctx, "cli", ids["C1"])
    assert [(ln.candidate.full_name, ln.next and ln.next.code) for ln in reg.active] == [
        ("Đỗ Minh Khoa", "crs"),
        ("Bùi Thị Lan", "app"),
    ]
    v = await uc.view(ctx, "cli", cid)
    assert v.candidate.details.notes == "Bí thư chi đoàn"
    assert [m.full_name for m in v.helpers] == ["Lê Văn Cường"]
    assert v.case.under_grassroots  # C1 → Đảng ủy xã X → Tỉnh ủy P
    assert [s.code for s in v.pipeline] == ["crs", "app", "ver", "intro", "res", "gr", "dec", "cer"]


@pytest.mark.parametrize(("helper", "ok"), [("an", True), ("em", True), ("phuong", False)])
async def test_helpers_must_be_official_members_of_the_cell(ctx, helper, ok):
    ids = await roster_c1(ctx)
    register = uc.register(
        ctx, actor="cli", org_id=ids["C1"], details=details(), helper_ids=[ids[helper]]
    )
    if ok:
        await register
    else:
        with pytest.raises(CandidateRefused, match="not an official party member"):
            await register


async def test_the_whole_pipeline_admits_a_probationary_member(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    done = await advance(ctx, ids, cid, "cer", actor="cli")
    assert done is not None and done.member is not None
    member = await roster.member_card(ctx, "cli", done.member.id)
    m = member.member
    assert (m.status, m.decision_date, m.ceremony_date, m.org_id) == (
        "probationary",
        date(2026, 6, 10),
        date(2026, 6, 25),
        ids["C1"],
    )
    assert [h.status for h in member.history] == ["probationary"]
    async with ctx.db.read() as tx:
        helpers = await member_store.helpers_of(tx, m.id)
        c = await store.get(tx, cid)
    assert [h.full_name for h in helpers] == ["Lê Văn Cường"]  # carried over (P1)
    assert c is not None and (c.status, c.member_id) == ("admitted", m.id)
    with pytest.raises(InvalidInput, match="closed"):
        await steps_uc.record_step(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="cer",
            values={"ceremony_date": date(2026, 6, 26)},
        )


async def test_ceremony_retried_after_a_crash_links_the_member_once(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "dec")
    # an earlier attempt created the member and stopped before closing the file
    await roster.add_member(
        ctx,
        actor="cli",
        org_id=ids["C1"],
        f=MemberFields(
            full_name="Đỗ Minh Khoa",
            birth_date=date(2000, 5, 10),
            gender="male",
            decision_date=date(2026, 6, 10),
            ceremony_date=date(2026, 6, 25),
            status="probationary",
            status_date=date(2026, 6, 25),
        ),
    )
    done = await steps_uc.record_step(
        ctx, actor="cli", candidate_id=cid, code="cer", values={"ceremony_date": date(2026, 6, 25)}
    )
    async with ctx.db.read() as tx:
        same = await member_store.by_person(tx, ids["C1"], "do minh khoa", date(2000, 5, 10))
    assert done.member is not None and [m.id for m in same] == [done.member.id]


async def test_ceremony_refused_when_another_member_has_the_same_name_and_birth(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids, full_name="Nguyễn Văn An", birth_date=date(1970, 5, 5))
    with pytest.raises(InvalidInput, match="already on this cell's roster"):
        await advance(ctx, ids, cid, "cer")
    async with ctx.db.read() as tx:
        assert (await store.get(tx, cid)).status == "active"  # type: ignore[union-attr]


async def test_a_correction_is_audited_with_before_and_after(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "ver")
    done = await steps_uc.record_step(
        ctx,
        actor="cli",
        candidate_id=cid,
        code="app",
        values={"application_date": date(2026, 2, 1), "background_date": date(2026, 2, 3)},
    )
    assert done.corrected and done.candidate.steps.application_date == date(2026, 2, 1)
    async with ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="candidate", entity_id=cid, limit=1))[0]
    assert entry.action == "correct:app"
    assert entry.before == {"application_date": "2026-02-02"}
    assert entry.after == {"application_date": "2026-02-01"}


async def test_correcting_introducers_replaces_them(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "intro")
    await steps_uc.record_step(
        ctx,
        actor="cli",
        candidate_id=cid,
        code="intro",
        values={"introduction_date": date(2026, 4, 1)},
        introducers=introducers(ids, "an", "dung"),
    )
    v = await uc.view(ctx, "cli", cid)
    assert sorted(i.member.full_name for i in v.introducers) == ["Nguyễn Văn An", "Phạm Thị Dung"]
    async with ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="candidate", entity_id=cid, limit=1))[0]
    assert entry.action == "correct:intro" and "introducers" in entry.after


async def test_close_with_a_reason_then_nothing_more(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    with pytest.raises(InvalidInput, match="reason"):
        await uc.close(ctx, actor="cli", candidate_id=cid, status="withdrawn", reason="  ")
    c = await uc.close(
        ctx,
        actor="cli",
        candidate_id=cid,
        status="withdrawn",
        reason="Chuyển công tác ra tỉnh khác",
    )
    assert (c.status, c.closed_date, c.close_reason) == (
        "withdrawn",
        TODAY,
        "Chuyển công tác ra tỉnh khác",
    )
    with pytest.raises(InvalidInput, match="closed"):
        await steps_uc.start_step(ctx, actor="cli", candidate_id=cid, code="crs")


async def test_access_by_cell_and_subtree(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await bind(ctx, 11, "C1", "secretary")
    await bind(ctx, 12, "C2", "secretary")
    await bind(ctx, 21, "X", "officer")
    await bind(ctx, 22, "Y", "officer")
    await steps_uc.start_step(ctx, actor=11, candidate_id=cid, code="crs")
    with pytest.raises(AccessDenied):
        await steps_uc.start_step(ctx, actor=12, candidate_id=cid, code="crs")
    with pytest.raises(AccessDenied):
        await uc.view(ctx, 12, cid)
    assert not (await uc.view(ctx, 21, cid)).can_write  # the officer above reads only
    with pytest.raises(AccessDenied):
        await steps_uc.record_step(
            ctx,
            actor=21,
            candidate_id=cid,
            code="crs",
            values={"course_cert_date": date(2026, 1, 5)},
        )
    with pytest.raises(AccessDenied):
        await uc.view(ctx, 22, cid)
    with pytest.raises(AccessDenied):  # an id that does not exist looks the same
        await uc.view(ctx, 11, 999)
    async with ctx.db.read() as tx:
        denied = await audit.entries(tx, entity="access")
        unknown = await audit.entries(tx, entity="candidate", entity_id=999)
    assert len(denied) >= 4 and [e.action for e in unknown] == ["denied"]


async def test_grassroots_is_inferred_and_can_be_set(ctx):
    ids = await roster_c1(ctx)
    await orgs_uc.add_org(ctx, actor="cli", code="CS", name="Chi bộ cơ sở Trường", parent_code="P")
    cs = (await orgs_uc.get_org(ctx, "CS")).id
    assert await uc.under_grassroots(ctx, ids["C1"])
    assert not await uc.under_grassroots(ctx, cs)
    org, value = await uc.set_under_grassroots(ctx, actor="cli", org_code="C1", value=False)
    assert org.code == "C1" and not value and not await uc.under_grassroots(ctx, ids["C1"])
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "res")
    with pytest.raises(InvalidInput, match="not under a grassroots"):
        await steps_uc.start_step(ctx, actor="cli", candidate_id=cid, code="gr")
    v = await steps_uc.start_step(ctx, actor="cli", candidate_id=cid, code="dec")
    assert v.next is not None and v.next.code == "dec"
    await uc.set_under_grassroots(ctx, actor="cli", org_code="C1", value=None)
    assert await uc.under_grassroots(ctx, ids["C1"])


async def test_overview_counts_stages_and_the_yearly_target(ctx):
    ids = await roster_c1(ctx)
    admitted = await new_candidate(ctx, ids)
    await advance(ctx, ids, admitted, "cer")
    waiting = await new_candidate(ctx, ids, full_name="Bùi Thị Lan")
    await advance(ctx, ids, waiting, "dec")  # decided this year, ceremony to come
    fresh = await new_candidate(ctx, ids, full_name="Tạ Văn Nam")
    await advance(ctx, ids, fresh, "app")
    await new_candidate(ctx, ids, full_name="Mai Văn Sơn")
    o = await uc.admissions_overview(ctx, actor="cli", org_id=(await orgs_uc.get_org(ctx, "X")).id)
    assert o.year == 2026 and o.active == 3
    assert {k: v for k, v in o.by_stage.items() if v} == {"crs": 1, "ver": 1, "cer": 1}
    # Phượng (roster, March), the new member, and the decision awaiting its ceremony
    assert o.admitted == 3
    assert o.members_at_start == 5  # the probationary member was admitted in March
    assert (o.target.minimum, o.target.maximum) == (1, 1)  # 3-4 % of 5, rounded up
    assert [(c.name, c.active, c.admitted) for c in o.cells] == [
        ("Chi bộ thôn 1", 3, 3),
        ("Chi bộ thôn 2", 0, 0),
    ]


async def test_officer_overview_is_limited_to_the_subtree(ctx):
    ids = await roster_c1(ctx)
    await bind(ctx, 22, "Y", "officer")
    with pytest.raises(AccessDenied):
        await uc.admissions_overview(ctx, actor=22, org_id=ids["C1"])


async def test_a_late_certificate_needs_a_new_course(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    old = date(2021, 3, 1)
    await advance(ctx, ids, cid, "intro", course_cert_date=old)
    v = await uc.view(ctx, "cli", cid)
    assert any("expired" in n.key for n in v.notices)
    with pytest.raises(CandidateRefused) as refused:
        await steps_uc.check_values(
            ctx,
            actor="cli",
            candidate_id=cid,
            code="res",
            values={"cell_resolution_date": date(2026, 5, 5)},
        )
    assert [m.params["expires"] for m in refused.value.msgs] == [add_months(old, 60)]


async def test_storage_keeps_every_step_column(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "dec")
    async with ctx.db.read() as tx:
        c = await store.get(tx, cid)
        assert c is not None
        assert await store.introducers(tx, cid) == introducers(ids)
        assert await store.helper_ids(tx, cid) == [ids["cuong"]]
        cases = await store.reminder_cases(tx, [ids["C1"]])
    for _, values in PIPELINE[:-1]:
        for name, value in values.items():
            assert getattr(c.steps, name) == value
    assert [k.candidate_id for k in cases] == [cid]
    assert cases[0].decision_no == "123-QĐ/ĐU"


async def test_editing_the_birth_date_after_the_cell_resolution_rechecks_the_age(ctx):
    ids = await roster_c1(ctx)
    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "res")
    with pytest.raises(CandidateRefused, match=r"at least \{min_years\} full years"):
        await uc.edit_details(
            ctx,
            actor="cli",
            candidate_id=cid,
            details=details(birth_date=date(2008, 6, 1)),
            helper_ids=[],
        )
    c = await uc.edit_details(
        ctx,
        actor="cli",
        candidate_id=cid,
        details=details(birth_date=date(2000, 6, 1)),
        helper_ids=[],
    )
    assert c.details.birth_date == date(2000, 6, 1)
    async with ctx.db.read() as tx:
        entry = (await audit.entries(tx, entity="candidate", entity_id=cid, limit=1))[0]
    assert entry.action == "update"
    assert entry.before == {"birth_date": "2000-05-10", "helpers": [ids["cuong"]]}

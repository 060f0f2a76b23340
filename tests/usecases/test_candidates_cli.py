"""`chibo candidates …`: the grassroots setting, the register and the admissions figures."""

from __future__ import annotations

from chibo.bot.cli import build_parser
from chibo.usecases import candidates as uc
from chibo.usecases.i18n import translator

from .test_candidates import advance, new_candidate, roster_c1


async def run(ctx, capsys, *argv: str) -> str:
    args = build_parser().parse_args(["candidates", *argv])
    assert await args.func(args, ctx.config, translator("vi")) == 0
    return capsys.readouterr().out


async def test_grassroots_setting_list_and_admissions(ctx, capsys):
    ids = await roster_c1(ctx)
    assert "Chi bộ thôn 1" in await run(ctx, capsys, "grassroots", "C1", "no")
    assert not await uc.under_grassroots(ctx, ids["C1"])
    await run(ctx, capsys, "grassroots", "C1", "auto")
    assert await uc.under_grassroots(ctx, ids["C1"])

    cid = await new_candidate(ctx, ids)
    await advance(ctx, ids, cid, "app")
    out = await run(ctx, capsys, "list", "--org", "C1")
    assert f"#{cid}  Đỗ Minh Khoa  10/05/2000  Thẩm tra lý lịch" in out
    out = await run(ctx, capsys, "admissions", "--org", "X", "--year", "2026")
    assert "Chỉ tiêu năm: 1–1" in out and "3. Thẩm tra lý lịch: 1" in out

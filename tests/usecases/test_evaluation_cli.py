"""`chibo evaluation` (numbers, open, rate, export), its chart and the report workbook's sheet."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from chibo.bot.cli import build_parser, main
from chibo.usecases import evaluation as uc
from chibo.usecases import evaluation_files
from chibo.usecases.i18n import translator

from .helpers import bind, demo_tree
from .test_meeting_support import add_members

YEAR = 2026


async def cli(ctx, capsys, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(list(argv))
    code = await args.func(args, ctx.config, translator("vi"))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
async def world(ctx):
    await demo_tree(ctx)
    await bind(ctx, 1001, "C1", "secretary")
    ids = await add_members(ctx, "C1", ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    await add_members(ctx, "D1", ["Hồ Thị Lan"])
    for member_id, level in zip(ids, ("HTT", "HTT", "KHT"), strict=True):
        await uc.record_member(
            ctx, 1001, member_id=member_id, year=YEAR, changes={"proposed_level": level}
        )
    await uc.decide_member(
        ctx, 1001, member_id=ids[0], year=YEAR, level="HTXS", decided_on=date(2026, 11, 20)
    )
    return ids


async def test_open_a_campaign_then_the_numbers(ctx, world, capsys):
    code, out, _ = await cli(
        ctx,
        capsys,
        "evaluation",
        "open",
        "--org",
        "P",
        "--year",
        "2026",
        "--review-by",
        "2026-12-20",
        "--report-by",
        "2027-01-10",
        "--instruction",
        "HD 05-HD/TU",
    )
    assert code == 0 and "20/12/2026" in out and "10/01/2027" in out
    code, out, _ = await cli(ctx, capsys, "evaluation", "--org", "P", "--year", "2026", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    x, y, total = rows
    assert (x["code"], x["members_due"], x["reviewed"], x["not_yet"]) == ("X", 3, 3, 0)
    assert x["levels"] == {"HTXS": 1, "HTT": 1, "HT": 0, "KHT": 1}
    assert x["members_htt_or_better"] == round(2 / 3, 4) and not x["members_target_met"]
    assert (y["code"], y["members_due"], y["not_yet"]) == ("Y", 1, 1)
    assert total["total"] and total["members_due"] == 4
    code, out, _ = await cli(ctx, capsys, "evaluation", "--org", "P", "--year", "2026")
    assert code == 0 and "X" in out and "66.7%" in out and "20/12/2026" in out


async def test_numbers_and_chart(ctx, world, capsys, tmp_path):
    png = tmp_path / "chart.png"
    code, _out, _ = await cli(ctx, capsys, "evaluation", "--org", "X", "--chart", str(png))
    assert code == 0 and png.read_bytes().startswith(b"\x89PNG")
    view = await uc.overview(ctx, "cli", code="P", year=YEAR)
    assert evaluation_files.chart_png(view, translator("en")).startswith(b"\x89PNG")


async def test_rate_a_cell_and_export_its_year_list(ctx, world, capsys, tmp_path):
    code, out, _ = await cli(
        ctx,
        capsys,
        "evaluation",
        "rate",
        "--org",
        "C1",
        "--year",
        "2026",
        "--level",
        "HTT",
        "--date",
        "2026-11-21",
    )
    assert code == 0 and "C1" in out
    out_file = tmp_path / "ds.xlsx"
    code, out, _ = await cli(
        ctx, capsys, "evaluation", "export", "--org", "C1", "--year", "2026", "--out", str(out_file)
    )
    assert code == 0 and "3" in out
    ws = load_workbook(out_file).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [r[1] for r in rows] == ["Lê Văn Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    assert rows[1][0] == 2 and "HTT" in rows[1][2] and "HTXS" in rows[1][3]
    assert "KHT" in rows[0][2] and rows[0][3] in (None, "")
    en = load_workbook(
        io.BytesIO(
            evaluation_files.cell_list_xlsx(
                await uc.cell_year_list(ctx, "cli", code="C1", year=YEAR), translator("en")
            )
        )
    ).active
    assert [c.value for c in en[4]] == [
        "No.",
        "Full name",
        "Level proposed by the cell",
        "Level decided",
        "Notes",
    ]


async def test_report_workbook_has_the_evaluation_sheet(ctx, world, capsys, tmp_path):
    out = tmp_path / "report.xlsx"
    code, _out, _ = await cli(
        ctx, capsys, "report", "--org", "P", "--period", "2026", "--out", str(out)
    )
    assert code == 0
    wb = load_workbook(out)
    sheet = wb[wb.sheetnames[-1]]
    assert "2026" in sheet.title
    codes = [sheet.cell(row=r, column=1).value for r in range(2, 5)]
    assert codes == ["X", "Y", "P"]


def test_bad_input_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "cli.sqlite3"))
    monkeypatch.delenv("CHIBO_CONFIG", raising=False)
    assert main(["org", "add", "P", "Tỉnh ủy"]) == 0
    capsys.readouterr()
    for argv in (
        ["evaluation", "--org", "P", "--year", "26"],
        ["evaluation", "--org", "NOPE"],
        ["evaluation"],
        [
            "evaluation",
            "open",
            "--org",
            "P",
            "--year",
            "2026",
            "--review-by",
            "20/12/2026",
            "--report-by",
            "2027-01-10",
        ],
        [
            "evaluation",
            "open",
            "--org",
            "P",
            "--year",
            "2026",
            "--review-by",
            "2026-12-20",
            "--report-by",
            "2026-12-01",
        ],
    ):
        code = main(argv)
        _out, err = capsys.readouterr()
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, argv

"""The report's data, workbook and chart (usecases.status.report, report_xlsx, report_chart)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from chibo.bot.cli import build_parser
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import report_chart, report_xlsx
from chibo.usecases import status as uc
from chibo.usecases.errors import InvalidInput
from chibo.usecases.i18n import translator

from .test_status import build_world


@pytest.fixture
async def world(ctx, clock):
    await build_world(ctx, clock)
    return ctx


async def test_report_data(world):
    data = await uc.report(world, 2001, period="2026")
    assert data.root.code == "X" and (data.start, data.end) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert data.as_of == date(2026, 12, 20)
    assert data.months[0] == "2026-01" and data.months[-1] == "2026-12"
    assert data.counted_months[-1] == "2026-11" and len(data.counted_months) == 11
    c1, _c2 = data.cells
    assert c1.months["2026-11"] == 2 and c1.regular_months == 3 and c1.thematic == 1
    assert (c1.official, c1.probationary, c1.exempt, c1.admitted) == (1, 1, 1, 1)
    assert [(p.row.full_name, p.end) for p in data.probation] == [
        ("Trần Thị Bình", date(2027, 8, 10)),
        ("Vũ Văn Hùng", date(2026, 12, 20)),
    ]
    assert [t.org.code for t in data.targets] == ["C1", "C2", "X"]
    assert data.targets[-1].members_at_start == 5 and data.period.end == date(2026, 12, 31)
    assert uc.file_stem(data) == "bao-cao_X_2026"


async def test_report_periods(world):
    month = await uc.report(world, "cli", code="P", period="2026-03")
    assert month.months == ["2026-03"] and month.as_of == date(2026, 3, 31)
    assert month.targets[-1].months_counted == 1
    assert [c.months["2026-03"] for c in month.cells] == [0, 0, 0]
    for bad in ("2026-13", "26", "2026-H1", "abcd"):
        with pytest.raises(InvalidInput):
            await uc.report(world, "cli", code="P", period=bad)


async def test_workbook_in_english(world):
    data = await uc.report(world, 3001)
    wb = load_workbook(io.BytesIO(report_xlsx.build(data, translator("en"))))
    assert wb.sheetnames == [
        "Meetings",
        "Members",
        "Probation",
        "Candidates",
        "Reconciliation",
        "Discrepancies",
        "Targets",
    ]
    assert [c.value for c in wb["Members"][1]] == [
        "Cell code",
        "Cell",
        "Under",
        "Official",
        "Probationary",
        "Exempt",
        "Total",
        "Admitted in the period",
    ]
    assert wb["Members"]["D2"].value == 1
    assert wb["Reconciliation"]["E2"].value == "not confirmed"
    assert wb["Meetings"]["A2"].number_format == "General"
    assert wb["Probation"]["D2"].number_format == "DD/MM/YYYY"
    note = [r[0].value for r in wb["Targets"].iter_rows() if r[0].value][-1]
    assert note.startswith("Targets from the provincial and district plans: admit 3%–4%")


async def test_chart_small_and_aggregated(world):
    data = await uc.report(world, 3001)
    png = report_chart.heat_map(data, translator("vi"))
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    for i in range(45):
        await orgs_uc.add_org(
            world, actor="cli", code=f"K{i:02d}", name=f"Chi bộ {i}", parent_code="Y"
        )
    big = await uc.report(world, 3001)
    labels, values, _legend, shares = report_chart._matrix(big, translator("vi"))
    assert shares and labels == ["X · Đảng ủy xã X", "Y · Đảng ủy xã Y"]
    assert values[0][9] == 1.0 and values[1][0] == pytest.approx(1 / 46)
    assert report_chart.heat_map(big, translator("en")).startswith(b"\x89PNG")


async def test_cli_report_writes_the_workbook_and_the_chart(world, tmp_path, capsys):
    out = tmp_path / "out" / "bao-cao.xlsx"
    args = build_parser().parse_args(
        ["report", "--org", "P", "--period", "2026", "--out", str(out)]
    )
    assert await args.func(args, world.config, translator("vi")) == 0
    assert out.exists() and out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Sinh hoạt chi bộ"
    assert "bao-cao.png" in capsys.readouterr().out

"""`chibo roster import|export` run in-process, as a person at a terminal would."""

from __future__ import annotations

import pytest

from chibo.bot.cli import main

from .test_roster_import import GOOD


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "cli.sqlite3"))
    monkeypatch.delenv("CHIBO_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["org", "add", "XA", "Đảng ủy xã"]) == 0
    assert main(["org", "add", "CB1", "Chi bộ 1", "--parent", "XA"]) == 0
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_dry_run_then_import_then_export_round_trip(env, capsys):
    (env / "ds.csv").write_bytes(GOOD)
    capsys.readouterr()
    code, out, _ = run(capsys, "roster", "import", "ds.csv", "--org", "CB1", "--dry-run")
    assert code == 0 and "thêm mới 5" in out and "Chạy thử" in out
    code, out, _ = run(capsys, "roster", "import", "ds.csv", "--org", "CB1")
    assert code == 0 and out.strip() == "5 dòng: thêm mới 5, cập nhật 0, không đổi 0."
    code, out, _ = run(
        capsys, "roster", "export", "--org", "CB1", "--format", "xlsx", "--out", "out.xlsx"
    )
    assert code == 0 and "5 đảng viên" in out and (env / "out.xlsx").stat().st_size > 1000
    code, out, _ = run(capsys, "roster", "import", "out.xlsx", "--org", "CB1")
    assert code == 0 and "không đổi 5" in out
    code, out, _ = run(capsys, "roster", "export", "--org", "CB1", "--format", "csv")
    written = [p for p in env.iterdir() if p.suffix == ".csv" and p.name.startswith("dang-vien")]
    assert code == 0 and len(written) == 1


def test_bad_rows_exit_2_with_row_numbers(env, capsys):
    (env / "bad.csv").write_text(
        "Họ và tên,Ngày sinh\nAn,31/02/1980\n,01/01/1990\n", encoding="utf-8"
    )
    capsys.readouterr()
    code, out, err = run(capsys, "roster", "import", "bad.csv", "--org", "CB1")
    assert code == 2 and out == ""
    assert err.splitlines()[0].startswith("dòng 2: Ngày sinh: “31/02/1980”")
    assert err.splitlines()[1].startswith("dòng 3: Cột “Họ và tên” đang để trống")
    assert "chưa nhập gì" in err


def test_unusable_input_is_one_line(env, capsys):
    capsys.readouterr()
    code, _, err = run(capsys, "roster", "import", "missing.csv", "--org", "CB1")
    assert code == 2 and err.count("\n") == 1 and "missing.csv" in err
    (env / "a.csv").write_text("x\n", encoding="utf-8")
    code, _, err = run(capsys, "roster", "import", "a.csv", "--org", "NOPE")
    assert code == 2 and "NOPE" in err
    code, _, err = run(capsys, "roster", "import", "a.csv", "--org", "XA")
    assert code == 2 and "chi bộ" in err

"""The demo shows party dues and badges (issue 15): recorded months with a member unpaid twice,
and a member reaching a badge milestone by the next award date."""

from __future__ import annotations

import io

from chibo.bot.config import load_config
from chibo.bot.demo import run_demo


async def test_demo_has_dues_months_and_a_badge_candidate(tmp_path):
    script = tmp_path / "typed.txt"
    script.write_text("/dues\n/badges\n/as officer\n/dues\n/quit\n", encoding="utf-8")
    out = io.StringIO()
    assert await run_demo(load_config(env={}), script=str(script), out=out, files_dir=tmp_path) == 0
    text = out.getvalue()
    assert "Đảng phí của Chi bộ thôn Đông tháng" in text
    assert "Tất cả đã nộp đủ" in text
    # Phạm Thị Dung left two months unpaid: the warning reminder, a line of the morning digest
    # (its full text and its "Đảng phí của đảng viên" button one tap away, tests/test_demo.py)
    assert "Chưa đóng đảng phí — Phạm Thị Dung" in text
    assert "Đinh Văn Lão: 30 năm vào" in text
    assert "chưa ghi sổ" in text  # the officer's numbers: last month is still to record

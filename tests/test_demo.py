"""`chibo demo` driven by a script, as a newcomer would type it."""

import io

from bot.config import load_config
from bot.demo import run_demo


async def test_demo_script_shows_replies_and_numbered_buttons(tmp_path):
    script = tmp_path / "typed.txt"
    script.write_text("/whoami\n1\n/lang\n2\n/menu\n/quit\n", encoding="utf-8")
    out = io.StringIO()
    assert await run_demo(load_config(env={}), script=str(script), out=out) == 0
    text = out.getvalue()
    assert "Menu chính — Chi bộ thôn Đông." in text
    assert "[1]" in text and "Bí thư chi bộ — Chi bộ thôn Đông (CB1)" in text
    assert "Language set to English." in text
    assert "Main menu — Chi bộ thôn Đông." in text
    # the demo roster and today's reminder sweep: a probation reminder with its buttons
    assert "Ngô Thị Lan" in text and "Xem hồ sơ" in text and "Nhắc lại sau 3 ngày" in text

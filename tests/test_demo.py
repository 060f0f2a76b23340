"""`chibo demo` driven by a script, as a newcomer would type it, or by a test that reads the
screen before typing the next line (to find a button's label)."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Callable

from chibo.bot.config import load_config
from chibo.bot.demo import run_demo


async def test_demo_script_shows_replies_and_labelled_buttons(tmp_path):
    script = tmp_path / "typed.txt"
    script.write_text("/whoami\nb1\n/lang\n/menu\n/quit\n", encoding="utf-8")
    out = io.StringIO()
    assert await run_demo(load_config(env={}), script=str(script), out=out, files_dir=tmp_path) == 0
    text = out.getvalue()
    assert "Menu chính — Chi bộ thôn Đông." in text
    assert "[b1]" in text and "Bí thư chi bộ — Chi bộ thôn Đông (CB1)" in text
    assert "/as officer" in text and "/file" in text  # the demo's help says how
    # the demo roster and today's reminder sweep: one digest for the secretary, not a message
    # per reminder, a numbered button per item
    assert text.count("🗓 Nhắc việc ngày") == 1 and "Nhắc lại sau 3 ngày" not in text
    assert "Xét chuyển đảng chính thức — Ngô Thị Lan" in text and "] 1   [" in text


def item_button(screen: str, line: str) -> str:
    """The label of the numbered button of the digest item whose line has `line`."""
    number = re.findall(rf"^(\d+)\. .*{re.escape(line)}", screen, re.M)[-1]
    return re.findall(rf"\[(b\d+)\] {number}(?=\s|$)", screen, re.M)[-1]


async def test_a_digest_item_opens_its_full_text_sources_and_buttons(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield item_button(out.getvalue(), "Xét chuyển đảng chính thức — Ngô Thị Lan")
        yield "/quit"

    text = await play(tmp_path, typist)
    full = text.split("Bấm số để xem")[1]
    assert "Ngô Thị Lan" in full and "Quy định 294-QĐ/TW" in full  # the text, its sources
    assert "Xem hồ sơ" in full and "Đã họp xét" in full and "Nhắc lại sau 3 ngày" in full


def label(screen: str, button: str, after: int = 0) -> str:
    """The label of the last button shown (after position `after`) whose text has `button`."""
    found = re.findall(r"\[(b\d+)\] ([^\[\n]*)", screen[after:])
    labels = [lbl for lbl, text in found if button in text]
    assert labels, f"no button {button!r} on screen:\n{screen[after:]}"
    return labels[-1]


Typist = Callable[[io.StringIO], AsyncIterator[str]]


async def play(tmp_path, typist: Typist) -> str:
    out = io.StringIO()
    files = tmp_path / "files"
    code = await run_demo(load_config(env={}), out=out, lines=typist(out), files_dir=files)
    assert code == 0
    return out.getvalue()


async def test_numbers_are_answers_and_older_buttons_still_work(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        menu_lang = label(out.getvalue(), "Ngôn ngữ")  # on the first message
        yield "/whoami"
        yield "2"  # a number is sent as text, not taken as a button
        yield menu_lang  # a button of an older message
        yield label(out.getvalue(), "English")
        yield "b999"
        yield "/quit"

    text = await play(tmp_path, typist)
    assert "👤 2\n" in text and "Không có nút" not in text.split("👤 2\n")[1].split("👤")[0]
    assert "Language set to English." in text
    assert "[b999]" in text and "/say b999" in text


async def test_pop_ups_are_shown(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield item_button(out.getvalue(), "Ngô Thị Lan")
        yield label(out.getvalue(), "Nhắc lại sau 3 ngày")
        yield "/quit"

    text = await play(tmp_path, typist)
    assert re.search(r"💬 .*nhắc lại .*\d\d/\d\d/\d{4}", text)


async def test_officer_screens_and_files_both_ways(tmp_path):
    roster = tmp_path / "ds.csv"
    roster.write_text(
        "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Ngày chính thức\n"
        "Mai Văn Tùng,01/02/1990,Nam,03/02/2015,03/02/2016\n",
        encoding="utf-8",
    )

    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/as officer"
        yield "/status"
        yield "/report"
        yield "/as secretary"
        yield f"/file {roster}"
        yield f"/file {tmp_path / 'missing.xlsx'}"
        yield "/quit"

    text = await play(tmp_path, typist)
    assert "Trần Thị Hoa, cán bộ Đảng ủy xã Hòa Bình" in text
    assert "1. Chi bộ thôn Đông" in text and "2. Chi bộ thôn Tây" in text  # officer's /status
    saved = sorted(p.suffix for p in (tmp_path / "files").iterdir())
    assert saved == [".png", ".xlsx"] and "📎 đã lưu vào" in text
    assert "Tệp ds.csv: 1 dòng" in text  # the roster file reached the bot and was checked
    assert "Không đọc được tệp" in text and "missing.xlsx" in text


async def test_buttons_of_the_other_users_chat_need_a_switch(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/as officer"
        yield "/menu"
        report = label(out.getvalue(), "Báo cáo")
        yield "/as secretary"
        yield report
        yield "/quit"

    text = await play(tmp_path, typist)
    assert "chat của người dùng trình diễn kia" in text


def test_messages_for_the_other_user_wait_for_the_switch(tmp_path):
    from chibo.bot.demo import DEMO_USERS, OFFICER_ID, Terminal
    from chibo.botapi_emulator import ChatMessage
    from chibo.usecases.i18n import translator

    def bot_says(chat_id: int, message_id: int, text: str, data: str) -> ChatMessage:
        markup = {"inline_keyboard": [[{"text": "OK", "callback_data": data}]]}
        raw = {"message_id": message_id, "chat": {"id": chat_id}, "date": 0, "text": text}
        return ChatMessage(raw, from_bot=True, markup=markup)

    out = io.StringIO()
    term = Terminal(out, tmp_path, translator("vi"))
    term.show(bot_says(OFFICER_ID, 7, "Cần đôn đốc — Chi bộ thôn Đông", "x"))
    assert out.getvalue() == ""  # the secretary is typing: kept for the officer
    term.switch(DEMO_USERS["officer"])
    screen = out.getvalue()
    assert "1 tin nhắn đến trong lúc đồng chí vắng" in screen
    assert "Cần đôn đốc — Chi bộ thôn Đông" in screen and "[b1] OK" in screen
    assert term.buttons["b1"].chat_id == OFFICER_ID
    # an edit replaces the message's buttons: the old label is gone
    term.show(bot_says(OFFICER_ID, 7, "Đã xem", "y"))
    assert "b1" not in term.buttons and term.buttons["b2"].data == "y"


async def test_year_end_review_for_both_roles(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/review"
        yield "/menu"
        yield label(out.getvalue(), "Ngô Thị Lan")  # a member still to review
        yield label(out.getvalue(), "Nhận cả hai hôm nay")
        yield "/as officer"
        yield "/evaluation"
        yield "/menu"
        yield label(out.getvalue(), "Biểu đồ")
        yield "/quit"

    text = await play(tmp_path, typist)
    assert "Kiểm điểm, đánh giá, xếp loại năm" in text and "đã có mức: 3" in text
    assert "✍️ Bản tự kiểm điểm: đã nhận" in text
    assert "Đánh giá, xếp loại năm" in text and "HTT trở lên" in text
    assert any(p.suffix == ".png" for p in (tmp_path / "files").iterdir())


async def test_the_zalo_demo_shows_numbered_choices(tmp_path):
    from chibo.bot.demo_zalo import run_zalo_demo

    script = tmp_path / "typed.txt"
    script.write_text("menu\n1\nhủy\n/whoami\n9\n/quit\n", encoding="utf-8")
    out = io.StringIO()
    assert await run_zalo_demo(load_config(env={}), script=str(script), out=out) == 0
    text = out.getvalue()
    # today's reminders on Zalo: the digest's items are answered by their numbers
    assert "5. 📌 Xét chuyển đảng chính thức — Ngô Thị Lan" in text and "\n1. 1\n" not in text
    assert "Gõ số để xem toàn văn" in text and "Bấm số để xem" not in text
    assert "1. Ghi sinh hoạt chi bộ" in text and "Gõ số tương ứng để chọn." in text
    assert "Bước 1/5" in text  # "1" chose the first line of the menu
    assert "Số 9 không có trên màn hình mới nhất" in text
    assert "[b1]" not in text


async def test_the_zalo_demo_gives_files_as_links(tmp_path):
    import aiohttp

    from chibo.bot.demo_zalo import run_zalo_demo

    seen: list[str] = []

    async def typist() -> AsyncIterator[str]:
        for line in ("menu", "4"):
            yield line
        screen = out.getvalue()
        yield re.findall(r"^(\d+)\. 📤", screen, re.MULTILINE)[-1]
        link = re.findall(r"Tải tệp “[^”]+”: (http://127\.0\.0\.1:\d+/files/\S+)", out.getvalue())
        async with aiohttp.ClientSession() as http, http.get(link[-1]) as got:
            seen.append(f"{got.status} {got.content_type}")
        yield "/quit"

    out = io.StringIO()
    assert await run_zalo_demo(load_config(env={}), lines=typist(), out=out) == 0
    assert "hết hạn lúc" in out.getvalue()
    assert seen == ["200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


async def test_the_zalo_demo_has_a_zalo_only_deputy_who_can_add_telegram(tmp_path):
    from chibo.bot.demo_zalo import run_zalo_demo

    script = tmp_path / "typed.txt"
    script.write_text("/as deputy\n/whoami\ntelegram\n/quit\n", encoding="utf-8")
    out = io.StringIO()
    assert await run_zalo_demo(load_config(env={}), script=str(script), out=out) == 0
    text = out.getvalue()
    assert "—— Lê Thị Thu ——" in text
    assert "Đồng chí là Lê Thị Thu (chỉ dùng Zalo; mã người dùng -1)" in text
    assert "Phó Bí thư chi bộ — Chi bộ thôn Đông" in text and "mã Telegram -" not in text
    assert re.search(r"/link \S+", text.split("👤 telegram")[1]), text

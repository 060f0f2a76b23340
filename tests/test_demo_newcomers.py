"""The demo shows what a secretary meets with newcomers: an arrival announced from outside the
tree already added to the roll ("Receive" offers the member), that member still without a dues
basis, and an early badge requested for a seriously ill member, on her card."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

from .test_demo import label, play


def exact_label(screen: str, button: str) -> str:
    """The label of the last button whose whole text is `button`."""
    return re.findall(rf"\[(b\d+)\] {re.escape(button)}(?=   |\n)", screen)[-1]


async def test_demo_secretary_receives_an_arrival_from_outside_the_tree(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/menu"
        yield label(out.getvalue(), "Chuyển đi, chuyển đến")
        yield label(out.getvalue(), "Tiếp nhận Mai Thị Nga")
        yield "/quit"

    text = await play(tmp_path, typist)
    cell = text.split("Biến động đảng viên — Chi bộ thôn Đông")[-1]
    assert "Đảng viên sắp chuyển đến: 1" in cell
    assert "Mai Thị Nga từ Đảng ủy xã An Phú, tỉnh Nam Định; giấy giới thiệu" in cell
    receive = cell.split("là đảng viên nào trong danh sách chi bộ?")[1]
    assert "✅ Chính là Mai Thị Nga, sinh 10/10/1988" in receive


async def test_demo_dues_sheet_shows_a_member_without_a_basis(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/dues"
        yield label(out.getvalue(), "Mai Thị Nga")
        yield "/quit"

    text = await play(tmp_path, typist)
    sheet = text.split("Đảng phí của Chi bộ thôn Đông tháng")[1]
    assert "Mai Thị Nga: chưa có mức nộp" in sheet
    assert "Nguyễn Văn Bình: 30.000 đ" in sheet  # the others have their basis
    assert "⚙️ Đặt mức đóng" in sheet.split("Mai Thị Nga: chưa có mức nộp")[-1]  # set it there


async def test_demo_card_shows_the_early_badge_request(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/menu"
        yield exact_label(out.getvalue(), "Đảng viên")
        yield label(out.getvalue(), "Trần Thị Hoa")
        yield "/quit"

    text = await play(tmp_path, typist)
    card = text.split("👤 Trần Thị Hoa")[-1]
    assert "Tuổi đảng: " in card
    assert (
        "• Đề nghị tặng sớm Huy hiệu 40 năm tuổi Đảng ngày " in card
        and "(bệnh hiểm nghèo): Đơn của gia đình" in card
    )

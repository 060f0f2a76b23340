"""The demo shows issue 14 to the committee: a pending transfer, a temporary exemption and a
removal review awaiting the decision."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

from .test_demo import label, play


async def test_demo_officer_sees_transfers_exemptions_and_reviews(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/as officer"
        yield "/menu"
        yield label(out.getvalue(), "Chuyển sinh hoạt, miễn, xóa tên")
        yield "/as secretary"
        yield "/menu"
        yield label(out.getvalue(), "Chuyển đi, chuyển đến")
        yield "/quit"

    text = await play(tmp_path, typist)
    drill = text.split("Chuyển sinh hoạt, miễn sinh hoạt và xem xét xóa tên")[1]
    assert (
        "Chi bộ thôn Đông: chuyển đi (đang làm) 1 · chuyển đến (chờ nhận) 1 · tạm miễn 1 ·" in drill
    )  # the arrival from outside the tree (tests/test_demo_newcomers.py)
    assert "Chi bộ thôn Tây:" in drill
    assert "Lê Văn Cường" in drill and "xóa tên khỏi danh sách" in drill
    assert "Đang chuyển đi: 1" in text and "Hoàng Văn Em" in text

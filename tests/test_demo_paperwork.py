"""The demo shows the minutes: last month's meeting has its minutes details, and the DOCX the
bot sends is saved with the demo's files."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

from docx import Document

from .test_demo import label, play


async def test_the_demo_shows_the_minutes(tmp_path):
    async def typist(out: io.StringIO) -> AsyncIterator[str]:
        yield "/meetings"
        screen = out.getvalue()
        yield re.findall(r"\[(b\d+)\] [^\[\n]*· Thường kỳ", screen)[0]  # the newest
        yield label(out.getvalue(), "Biên bản (DOCX)")
        yield "/quit"

    text = await play(tmp_path, typist)
    [saved] = list((tmp_path / "files").iterdir())
    assert saved.suffix == ".docx" and "📎 đã lưu vào" in text
    body = "\n".join(p.text for p in Document(str(saved)).paragraphs)
    assert "Nhà văn hóa thôn" in body and "Đi công tác, có báo cáo" in body

"""Files on Zalo through the bot's own web endpoint (`bot.web_files`): a file the handlers send
becomes a short-lived download link; a roster import gets a single-use upload link whose file
comes back into the chat as if it had been sent there."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from openpyxl import Workbook, load_workbook
from telegram.ext import Application

from chibo.bot.channels import build_zalo_application, connect
from chibo.bot.web_files import FileShelf, serving_files
from chibo.botapi_emulator.zalo import ZaloEmulator
from chibo.usecases import channels as channels_uc
from chibo.usecases import users as users_uc
from chibo.usecases.config import WebConfig, ZaloConfig
from chibo.usecases.context import AppContext

from ..usecases.test_meeting_support import add_members
from .conftest import World
from .test_roster import HEADER, ROWS, roster_of
from .test_zalo import bind_on_zalo, choice_number, free_port, zalo_by_webhook
from .test_zalo import zemu as zemu  # the fixture

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/(?:files|upload)/([A-Za-z0-9_-]{43}))")


@pytest.fixture
async def zweb(zemu: ZaloEmulator, ctx: AppContext, bot: Application) -> AsyncIterator[Application]:
    """The Zalo Application with `[web]` configured, its file server on 127.0.0.1."""
    from chibo.bot.app import running

    port = free_port()
    web = WebConfig(public_url=f"http://127.0.0.1:{port}", port=port, link_minutes=15)
    app = build_zalo_application(ctx, ZaloConfig(token=zemu.token, base_url=zemu.base_url), web=web)
    connect({"telegram": bot, "zalo": app})
    untrack = zemu.track(app.update_queue.join)
    try:
        async with (
            serving_files(app.bot_data["web_files"], listen="127.0.0.1", port=port),
            running(app, poll_timeout=0.2),
        ):
            yield app
    finally:
        untrack()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def links(text: str) -> list[tuple[str, str]]:
    return LINK.findall(text)


async def test_an_export_on_zalo_is_a_short_lived_link(
    zemu, zweb, world: World, http, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An", "Trần Thị Bình"])
    menu = await lan.ask("menu")
    roster = await lan.ask(choice_number(menu, "Đảng viên"))
    exported = await lan.ask(choice_number(roster, "📤"))
    assert "Zalo không gửi được tệp" not in exported
    [(url, token)] = links(exported)
    assert re.search(r"Tải tệp “dang-vien-C1-[^”]+\.xlsx”: http", exported), exported
    assert re.search(r"hết hạn lúc \d\d:\d\d \d\d/\d\d/\d{4}\)", exported), exported
    assert all(len(m["text"]) <= 2000 for m in zemu.calls_to("sendMessage"))

    async with http.get(url) as got:
        assert got.status == 200
        assert got.content_type == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        disposition = got.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="dang-vien-C1-')
        assert "filename*=UTF-8''dang-vien-C1-" in disposition
        assert got.headers["Cache-Control"] == "no-store"
        body = await got.read()
    rows = load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)
    names = {value for row in rows for value in row}
    assert {"Nguyễn Văn An", "Trần Thị Bình"} <= names
    async with http.get(url) as again:  # until it expires, as often as needed
        assert again.status == 200 and await again.read() == body

    wrong = url[: -len(token)] + token[::-1]
    async with http.get(wrong) as missing:
        assert missing.status == 404
    async with http.get(url.replace("/files/", "/upload/")) as elsewhere:
        assert elsewhere.status == 404  # a download token opens nothing else

    world.ctx.clock.advance(minutes=15)
    async with http.get(url) as gone:
        assert gone.status == 410 and "hết hạn" in await gone.text()
    shelf: FileShelf = zweb.bot_data["web_files"]
    shelf.cleanup()
    assert shelf.held == 0  # the bytes are gone, the link still says so
    async with http.get(url) as gone:
        assert gone.status == 410

    logged = caplog.text
    assert "download for user" in logged and "dang-vien-C1-" in logged
    assert token not in logged


async def test_a_download_link_ends_with_the_role_of_who_asked(zemu, zweb, world: World, http):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An"])
    menu = await lan.ask("menu")
    roster = await lan.ask(choice_number(menu, "Đảng viên"))
    [(url, _token)] = links(await lan.ask(choice_number(roster, "📤")))
    async with http.get(url) as got:
        assert got.status == 200
    uid = await channels_uc.zalo_user(world.ctx, "z-lan", "z-lan")
    await users_uc.remove_user(world.ctx, actor="cli", tg_id=uid)
    async with http.get(url) as refused:  # the secretary was removed: her link ends too
        assert refused.status == 403 and "không còn" in await refused.text()


async def test_an_officer_on_zalo_gets_the_report_and_chart_as_links(
    zemu, zweb, world: World, http
):
    minh = await bind_on_zalo(world, zemu, "z-minh", "X", "officer")
    await add_members(world.ctx, "C1", ["Nguyễn Văn An"])
    answer = await minh.ask("/report")
    found = links(answer)
    assert len(found) == 2, answer
    assert "Báo cáo của" in answer and ".xlsx”" in answer and ".png”" in answer
    (xlsx_url, _), (png_url, _) = found
    async with http.get(xlsx_url) as got:
        assert got.status == 200
        workbook = load_workbook(io.BytesIO(await got.read()))
    assert workbook.sheetnames
    async with http.get(png_url) as got:
        assert got.status == 200 and got.content_type == "image/png"
        assert got.headers["Content-Disposition"].startswith("inline;")
        assert (await got.read()).startswith(b"\x89PNG")


def roster_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    for line in [HEADER, *ROWS]:
        ws.append(line.split(";"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def upload(http: aiohttp.ClientSession, url: str, name: str, data: bytes) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    async with http.post(url, data=form) as answer:
        return answer.status, await answer.text()


async def test_a_roster_import_on_zalo_by_an_upload_link(zemu, zweb, world: World, http):
    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    menu = await lan.ask("menu")
    roster = await lan.ask(choice_number(menu, "Đảng viên"))
    howto = await lan.ask(choice_number(roster, "📥"))
    [(url, token)] = links(howto)
    assert "/upload/" in url and "hết hạn lúc" in howto, howto

    async with http.get(url) as page:
        assert page.status == 200
        form = await page.text()
    assert '<form method="post" enctype="multipart/form-data">' in form
    assert "Chi bộ thôn 1" in form and "<script" not in form

    status, text = await upload(http, url, "danh-sach.txt", b"hello")
    assert status == 400 and "Excel" in text  # not a roster file: the link stays usable
    status, text = await upload(http, url, "danh-sách.xlsx", roster_xlsx())
    assert status == 200 and "danh-sách.xlsx" in text
    preview = "\n".join(m.text for m in await lan.settle())
    assert "tất cả đều đúng" in preview and "Thêm mới: 3" in preview, preview
    assert await roster_of(world) == {}  # nothing before confirming
    done = await lan.ask(choice_number(preview, "Nhập vào danh sách"))
    assert "Đã nhập tệp danh-sách.xlsx: 3 dòng." in done, done
    assert set(await roster_of(world)) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}

    status, text = await upload(http, url, "danh-sach.xlsx", roster_xlsx())
    assert status == 410  # single use
    async with http.get(url[: -len(token)] + "x" * 43) as missing:
        assert missing.status == 404


async def test_an_upload_link_is_checked_again_and_expires(
    zemu, zweb, world: World, http, monkeypatch
):
    from chibo.bot import web_files
    from chibo.usecases import channels as channels_uc

    lan = await bind_on_zalo(world, zemu, "z-lan", "C1", "secretary")
    roster = await lan.ask("menu")
    roster = await lan.ask(choice_number(roster, "Đảng viên"))
    [(url, _)] = links(await lan.ask(choice_number(roster, "📥")))
    monkeypatch.setattr(web_files, "MAX_UPLOAD_BYTES", 1000)  # the Telegram path's cap, smaller
    status, text = await upload(http, url, "danh-sach.xlsx", roster_xlsx())
    assert status == 413 and "quá lớn" in text
    monkeypatch.undo()
    world.ctx.clock.advance(minutes=16)
    status, _text = await upload(http, url, "danh-sach.xlsx", roster_xlsx())
    assert status == 410 and await roster_of(world) == {}

    world.ctx.clock.advance(minutes=-16)
    shelf: FileShelf = zweb.bot_data["web_files"]
    user_id = await channels_uc.zalo_user(world.ctx, "z-lan", "z-lan")
    d1 = await _org_id(world, "D1")
    forged, _when = shelf.upload_link(user_id, d1, "Chi bộ thôn Đông", "vi")
    status, text = await upload(http, forged, "danh-sach.xlsx", roster_xlsx())
    assert status == 403 and "Không được phép" in text and await roster_of(world, "D1") == {}
    assert lan.pending() == []


async def _org_id(world: World, code: str) -> int:
    from chibo.usecases import orgs as orgs_uc

    return (await orgs_uc.get_org(world.ctx, code)).id


def test_the_file_name_travels_in_utf8():
    from chibo.bot.web_files import content_disposition

    header = content_disposition('Báo cáo "Quý 4".xlsx')
    assert header == (
        'attachment; filename="B_o c_o _Qu_ 4_.xlsx";'
        " filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22Qu%C3%BD%204%22.xlsx"
    )


async def test_the_zalo_webhook_and_the_file_links_can_share_one_server(zemu, ctx, world, http):
    from aiohttp import web

    from chibo.bot.channels import webhook_app

    web_config = WebConfig(public_url="https://bot.example", port=8444)
    app = build_zalo_application(
        ctx, ZaloConfig(token=zemu.token, base_url=zemu.base_url), web=web_config
    )
    shelf: FileShelf = app.bot_data["web_files"]
    await world.secretary(1001, "C1")  # the files go to people with a role
    made = shelf.put("a.csv", b"x;y\n", "text/csv", user_id=1001, locale="en")
    assert made is not None and made[0].startswith("https://bot.example/files/")
    runner = web.AppRunner(webhook_app(app, "s3cret-token-42", files=shelf), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with http.get(base + made[0].removeprefix("https://bot.example")) as got:
            assert got.status == 200 and await got.read() == b"x;y\n"
            assert got.headers["Content-Disposition"].startswith("attachment;")
        async with http.post(base + "/zalo", json={}) as forged:
            assert forged.status == 403
    finally:
        await runner.cleanup()


async def test_run_serves_the_file_links_when_web_is_configured(zemu, ctx, http):
    """`chibo run` with `[web]` on the Zalo webhook's address: one server serves both."""
    from dataclasses import replace

    from chibo.bot.channels import build_channels, running_channels

    port = free_port()
    zalo = zalo_by_webhook(zemu, port)
    config = replace(
        ctx.config, zalo=zalo, web=WebConfig(public_url="https://bot.example", port=port)
    )
    ctx.config = config
    primary = build_channels(ctx, config)
    async with running_channels(primary):
        async with http.get(f"http://127.0.0.1:{port}/files/{'x' * 43}") as missing:
            assert missing.status == 404 and "Không có đường dẫn này" in await missing.text()
        assert zemu.webhook_url == f"http://127.0.0.1:{port}/zalo"

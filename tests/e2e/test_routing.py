"""Buttons are untrusted input: every callback action is declared with its argument types, and
anything else — forged, malformed, of another cell — ends in "this button has expired" or a
refusal, never in an exception, silence, or another cell's data."""

from __future__ import annotations

import logging
import random
from types import SimpleNamespace

import pytest
from telegram.ext import Application

from chibo.bot.app import build_application, default_features, running
from chibo.botapi_emulator import BotApiEmulator, UserDriver
from chibo.handlers.common import ChiboContext, Req
from chibo.handlers.registry import Registry, registry_of
from chibo.handlers.routing import INT, Route
from chibo.storage import orgs as org_store

from .. import faults
from ..usecases.test_reminders_support import add_member
from .conftest import World

EXPIRED_VI = "Nút này đã hết hiệu lực"
SECRET = "Bí Mật Thôn Hai"  # a member of cell C2: the C1 secretary must never see it

# From the issue: each of these raised in its handler (`assert data is not None`, a bad date).
MALFORMED = [
    "cell::f::6::5",
    "rc:open:a$b",
    "of:s:1%",
    "roster:list:x y",
    "prob:view:@",
    "of:upp:1:20261340",
    "lang:set:xx",
    "menu",
    "roster:view",
    "roster:view:1:2",
    "mt:yr:1:99999",
    "cd:exc:1:7",
    "rem:snooze:-1",
    ":",
    "nothing:here",
]


async def _secretary_with_menu(world: World) -> tuple[UserDriver, int]:
    lan = await world.secretary(1001, "C1")
    await lan.send("/menu")
    menu = await lan.next_reply()
    return lan, menu.message_id


async def _press(user: UserDriver, message_id: int, data: str) -> str:
    press = await user.press_data(message_id, data)
    answer = await press.wait_answer()
    return answer.text or ""


async def test_malformed_data_with_a_known_prefix_says_the_button_expired(
    emu: BotApiEmulator, world: World, caplog
):
    caplog.set_level(logging.ERROR)
    lan, menu = await _secretary_with_menu(world)
    for data in MALFORMED:
        text = await _press(lan, menu, data)
        assert EXPIRED_VI in text, (data, text)
    await emu.wait_idle()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def _arguments(rng: random.Random, pool: list[str], arity: int) -> list[str]:
    n = rng.choice([0, arity - 1, arity, arity, arity, arity + 1])
    return [rng.choice(pool) for _ in range(max(n, 0))]


def _garbage(rng: random.Random) -> str:
    alphabet = "abcXYZ019_.-:$% @/\\'\"đ🙂\n"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))


@pytest.mark.faults
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("secretary", "C1", "C2"), ("officer", "X", "D1")],  # D1 is under commune Y, not X
)
async def test_every_declared_action_survives_random_and_malformed_arguments(
    emu: BotApiEmulator, world: World, bot: Application, caplog, role, own, other
):
    caplog.set_level(logging.ERROR)
    other_member = await add_member(world.ctx.db, other, SECRET)
    await add_member(world.ctx.db, "C1", "Nguyễn Văn An")
    async with world.ctx.db.read() as tx:
        other_cell = await org_store.by_code(tx, other)
    assert other_cell is not None
    lan = await world.bound(1001, own, role)
    await lan.send("/menu")
    menu = (await lan.next_reply()).message_id
    pool = [
        "0",
        "1",
        "2",
        "7",
        "30",
        "end",
        "vi",
        "csv",
        "wd",
        "tw",
        "pick",
        "name",
        "sub",
        "save",
        "d",
        "20260101",
        "20261340",
        "999999999999",
        "0000000000000",
        "x.y",
        "A_b-c",
        str(other_cell.id),
        str(other_member),
    ]
    routes = registry_of(bot).routes
    assert len(routes) > 60  # every feature declared its actions
    rng = random.Random(20261129)
    presses = 0
    for (feature, action), route in sorted(routes.items()):
        datas = [
            ":".join([feature, action, *_arguments(rng, pool, len(route.args))]) for _ in range(5)
        ]
        datas.append(f"{feature}:{action}:{_garbage(rng)}")
        datas.append(f"{feature}:{_garbage(rng)}")
        for data in datas:
            if len(data.encode()) > 64:
                data = data.encode()[:64].decode(errors="ignore")
            await _press(lan, menu, data)  # answered, whatever it was
            presses += 1
    await emu.wait_idle(timeout=30)
    assert presses >= 7 * len(routes)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    shown = [m.text or m.caption or "" for m in lan.transcript()]
    shown += [p.answer.text or "" for p in emu.world.presses.values() if p.answer is not None]
    leaks = [t for t in shown if SECRET in t]
    faults.add(tests=1, inputs=presses, tracebacks=len(errors), leaks=len(leaks))
    assert errors == [], sorted({f"{r.exc_info[1]!r}" for r in errors if r.exc_info})
    assert not leaks


# -- declaring routes --------------------------------------------------------------------------


async def _echo(req: Req, n: int) -> None:
    await req.notify(f"echo {n + 1}")


ECHO = SimpleNamespace(
    register=lambda app: registry_of(app).add_routes("echo", {"n": Route(_echo, INT)})
)


async def test_declared_arguments_arrive_converted_and_bad_ones_never_arrive(
    emu: BotApiEmulator, world: World, bot: Application
):
    lan, menu = await _secretary_with_menu(world)
    await bot.updater.stop()
    await bot.stop()
    app = build_application(
        world.ctx,
        token=emu.token,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        modules=[*default_features(), ECHO],
    )
    emu.track_application(app)
    async with running(app):
        assert await _press(lan, menu, "echo:n:41") == "echo 42"
        for bad in ("echo:n", "echo:n:x", "echo:n:1:2", "echo:m:1"):
            assert EXPIRED_VI in await _press(lan, menu, bad), bad


def test_argument_types():
    from datetime import date

    from chibo.handlers.routing import DAY, TOKEN, choice, int_in, opt

    route = Route(_echo, INT, DAY, choice("a", "b"), opt(int_in(0, 1)))
    assert route.values(("7", "20260228", "a")) == [7, date(2026, 2, 28), "a", None]
    assert route.values(("7", "20260228", "b", "1")) == [7, date(2026, 2, 28), "b", 1]
    for bad in (
        ("7", "20261340", "a"),  # no 40th of the 13th month
        ("7", "20260229", "a"),  # not a leap year
        ("x", "20260228", "a"),
        ("7", "20260228", "c"),
        ("7", "20260228", "a", "2"),
        ("7", "20260228"),
        ("7", "20260228", "a", "1", "1"),
        ("1234567890123", "20260228", "a"),
    ):
        assert route.values(bad) is None, bad
    assert Route(_echo, TOKEN).values(("any-word",)) == ["any-word"]
    with pytest.raises(ValueError, match="optional arguments must come last"):
        Route(_echo, opt(INT), INT)


def test_an_action_is_declared_once():
    reg = Registry()
    reg.add_routes("x", {"a": Route(_echo, INT)})
    with pytest.raises(ValueError, match="x:a declared twice"):
        reg.add_routes("x", {"a": Route(_echo)})


async def test_each_application_has_its_own_registry(ctx, emu: BotApiEmulator):
    first = build_application(ctx, token=emu.token, base_url=emu.base_url)
    second = build_application(ctx, token=emu.token, base_url=emu.base_url)
    one, two = registry_of(first), registry_of(second)
    assert one is not two
    assert one.menu == two.menu and len(one.commands) == len(two.commands) > 5
    assert set(one.routes) == set(two.routes)
    assert len(one.menu) == len(set(one.menu))  # a second build doubles nothing


# -- the context ---------------------------------------------------------------------------------


async def test_handlers_get_the_typed_chibo_context(
    emu: BotApiEmulator, world: World, bot: Application
):
    seen: list[object] = []

    async def probe(req: Req) -> None:
        context = req.context
        seen.append(context)
        assert isinstance(context, ChiboContext)
        assert context.app_ctx is world.ctx
        assert context.profile is req.profile and context.translator is req._
        assert context.registry is req.registry
        await req.notify("ok")

    lan, menu = await _secretary_with_menu(world)
    registry_of(bot).add_routes("probe", {"p": Route(probe)})
    assert await _press(lan, menu, "probe:p") == "ok"
    assert len(seen) == 1


# -- failures after a press ----------------------------------------------------------------------


async def _explode(req: Req) -> None:
    raise RuntimeError("database exploded")


async def _explode_after_a_toast(req: Req) -> None:
    await req.notify("working…")
    raise RuntimeError("database exploded")


BOOM = SimpleNamespace(
    register=lambda app: registry_of(app).add_routes(
        "boom", {"now": Route(_explode), "later": Route(_explode_after_a_toast)}
    )
)


async def _boom_app(emu: BotApiEmulator, world: World, old: Application) -> Application:
    await old.updater.stop()
    await old.stop()
    app = build_application(
        world.ctx,
        token=emu.token,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        modules=[*default_features(), BOOM],
    )
    emu.track_application(app)
    return app


async def test_a_failure_after_a_press_reaches_the_user_once(
    emu: BotApiEmulator, world: World, bot: Application
):
    lan = await world.secretary(1001, "C1", language_code="en")
    await lan.send("/menu")
    menu = (await lan.next_reply()).message_id
    app = await _boom_app(emu, world, bot)
    async with running(app):
        answer = await (await lan.press_data(menu, "boom:now")).wait_answer()
        assert (answer.text or "").startswith("Sorry, something went wrong")
        assert answer.show_alert
        await emu.wait_idle()
        assert lan.pending_replies() == []  # once: the alert, no message besides

        await lan.press_data(menu, "boom:later")  # answered with a toast, then failed
        await emu.wait_idle()
        (apology,) = lan.pending_replies()
        assert apology.text.startswith("Sorry, something went wrong")


async def test_start_up_work_runs_in_the_post_init_hook(emu: BotApiEmulator, world: World, bot):
    from chibo.bot.app import on_shutdown, on_startup

    assert bot.post_init is on_startup and bot.post_shutdown is on_shutdown
    # running() ran it: the command list is published and the daily sweep scheduled
    assert emu.my_commands(language_code="vi")
    assert bot.job_queue is not None and bot.job_queue.get_jobs_by_name("reminders.daily")

"""Shared fixtures: a fresh database per test, a settable clock, the application context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chibo.bot.config import Config, load_config
from chibo.storage.db import Database
from chibo.usecases.clock import FixedClock
from chibo.usecases.context import AppContext

from . import faults

#: 10:00 in Hà Nội on Monday 23/11/2026.
DEFAULT_NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"CHIBO_DB": str(tmp_path / "chibo.sqlite3")})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DEFAULT_NOW)


@pytest.fixture
async def db(config: Config) -> AsyncIterator[Database]:
    database = await Database.open(config.db_path)
    yield database
    await database.close()


@pytest.fixture
def ctx(db: Database, clock: FixedClock, config: Config) -> AppContext:
    return AppContext.build(db, clock, config)


@pytest.fixture(autouse=True)
def _count_fault_tests(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("faults") is not None:
        faults.add(tests=1)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if faults.FIGURES:
        terminalreporter.write_sep("-", faults.summary_line())

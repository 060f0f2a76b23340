"""What every use case needs: the database, the clock, settings and the rule tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from chibo.rules.catalogue import DEFAULT_CATALOGUE, Catalogue
from chibo.rules.workdays import WorkCalendar
from chibo.storage.db import Database
from chibo.usecases.clock import Clock, local_today

if TYPE_CHECKING:
    from chibo.usecases.config import Config


@dataclass
class AppContext:
    db: Database
    clock: Clock
    config: Config
    calendar: WorkCalendar
    catalogue: Catalogue

    @classmethod
    def build(cls, db: Database, clock: Clock, config: Config) -> AppContext:
        """The context for `config`: its calendar, and the catalogue with the settings that
        override rule defaults ([meetings] first, then explicit [rules] entries)."""
        return cls(
            db=db,
            clock=clock,
            config=config,
            calendar=WorkCalendar.from_config(config.calendar),
            catalogue=catalogue_for(config),
        )

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return local_today(self.clock, self.config.timezone)


def catalogue_for(config: Config) -> Catalogue:
    """The rules catalogue with the configuration's values ([meetings], then [rules])."""
    overrides: dict[str, object] = {
        "meeting.monthly.remind_day": config.meeting_remind_day,
        "meeting.rating_levels": list(config.rating_levels),
        **config.rule_overrides,
    }
    return DEFAULT_CATALOGUE.with_overrides(overrides)

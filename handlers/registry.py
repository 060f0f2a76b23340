"""Menu buttons and bot commands that feature modules contribute, by audience.

Audiences: `all` (any bound user), `cell` (secretaries and deputies), `officer`.
"""

from __future__ import annotations

from dataclasses import dataclass

from usecases.users import Profile

AUDIENCES = ("all", "cell", "officer")


@dataclass(frozen=True)
class MenuEntry:
    label: str  # msgid, marked with N_ at the registration site
    data: str  # callback data the button sends
    audience: str
    order: int = 100


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str  # msgid, marked with N_
    audience: str
    order: int = 100


MENU: list[MenuEntry] = []
COMMANDS: list[CommandSpec] = []


def add_menu(entry: MenuEntry) -> None:
    if entry not in MENU:
        MENU.append(entry)


def add_command(spec: CommandSpec) -> None:
    if all(c.name != spec.name for c in COMMANDS):
        COMMANDS.append(spec)


def audiences_of(profile: Profile) -> set[str]:
    out = {"all"} if profile.bound else set()
    if profile.cells:
        out.add("cell")
    if profile.officer_orgs:
        out.add("officer")
    return out


def menu_for(profile: Profile) -> list[MenuEntry]:
    aud = audiences_of(profile)
    return sorted((e for e in MENU if e.audience in aud), key=lambda e: e.order)


def commands_for(audiences: set[str]) -> list[CommandSpec]:
    return sorted((c for c in COMMANDS if c.audience in audiences), key=lambda c: c.order)

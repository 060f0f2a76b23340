"""What the features contribute, per Application: menu buttons, bot commands, callback routes,
text and file flows, and the buttons under reminders.

Each feature's `register(app)` fills the `Registry` of that Application (`registry_of(app)`,
kept in `app.bot_data`); nothing is registered at import time, so two Applications in one
process (a restart in the tests, the demo) never share or double their entries.

Audiences: `all` (any bound user), `cell` (secretaries and deputies), `officer`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chibo.usecases.users import Profile

if TYPE_CHECKING:
    from chibo.handlers.common import Req
    from chibo.handlers.routing import Route
    from chibo.rules.reminders import Reminder
    from chibo.usecases.drafts import Draft
    from chibo.usecases.i18n import Translator

AUDIENCES = ("all", "cell", "officer")
KEY = "chibo.registry"


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


Flow = Callable[["Req", "Draft"], Awaitable[None]]
FileAcceptor = Callable[["Req"], Awaitable[bool]]
ReminderActions = Callable[["Translator", "Reminder"], list[tuple[str, str]]]


@dataclass
class Registry:
    """Everything the features registered with one Application."""

    menu: list[MenuEntry] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    text_flows: dict[str, Flow] = field(default_factory=dict)
    file_flows: dict[str, Flow] = field(default_factory=dict)
    # Files accepted even without a draft (e.g. a roster upload from the menu), in order.
    default_file_flows: list[FileAcceptor] = field(default_factory=list)
    reminder_actions: dict[str, ReminderActions] = field(default_factory=dict)
    # Draft kinds kept while another flow is open: (what it is, a msgid; how to show it again).
    resumable: dict[str, tuple[str, Flow | None]] = field(default_factory=dict)

    def add_menu(self, entry: MenuEntry) -> None:
        if entry not in self.menu:
            self.menu.append(entry)

    def add_command(self, spec: CommandSpec) -> None:
        if all(c.name != spec.name for c in self.commands):
            self.commands.append(spec)

    def add_routes(self, feature: str, routes: Mapping[str, Route]) -> None:
        """Declare a feature's callback actions (`feature:action:args`), once each."""
        for action, route in routes.items():
            key = (feature, action)
            if key in self.routes:
                raise ValueError(f"callback action {feature}:{action} declared twice")
            self.routes[key] = route

    def add_text_flow(self, kind: str, flow: Flow) -> None:
        self.text_flows[kind] = flow

    def add_file_flow(self, kind: str, flow: Flow) -> None:
        self.file_flows[kind] = flow

    def add_default_file_flow(self, accept: FileAcceptor) -> None:
        if accept not in self.default_file_flows:
            self.default_file_flows.append(accept)

    def add_resumable(self, kind: str, what: str, resume: Flow | None = None) -> None:
        """Name a draft kind ("meeting entry") for the "kept" notice, and how to show its
        screen again (None: only "Discard" is offered)."""
        self.resumable[kind] = (what, resume)

    def add_reminder_actions(self, family: str, actions: ReminderActions) -> None:
        """Buttons for the reminders whose kind starts with `family.`."""
        self.reminder_actions[family] = actions

    def menu_for(self, profile: Profile) -> list[MenuEntry]:
        aud = audiences_of(profile)
        return sorted((e for e in self.menu if e.audience in aud), key=lambda e: e.order)

    def commands_for(self, audiences: set[str]) -> list[CommandSpec]:
        return sorted((c for c in self.commands if c.audience in audiences), key=lambda c: c.order)


def registry_of(app: Any) -> Registry:
    """The Registry of an Application (created on first use)."""
    data = app.bot_data
    reg: Registry | None = data.get(KEY)
    if reg is None:
        reg = data[KEY] = Registry()
    return reg


def audiences_of(profile: Profile) -> set[str]:
    out = {"all"} if profile.bound else set()
    if profile.cells:
        out.add("cell")
    if profile.officer_orgs:
        out.add("officer")
    return out

"""The `chibo` command line: run the bot, manage the database, organisations, invites, users.

Output goes through gettext in the configured default language; errors are one line on
stderr with exit status 2 (bad input) or 1 (failure), never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from chibo.bot import cli_i18n, cli_labels, features, logsafety
from chibo.bot.config import Config, parse_duration
from chibo.rules.messages import N_
from chibo.storage.db import Database, DatabaseFault, SchemaTooNewError
from chibo.storage.orgs import ORG_KINDS
from chibo.storage.users import ROLES
from chibo.usecases import dbfaults, installation
from chibo.usecases import invites as invites_uc
from chibo.usecases import orgs as orgs_uc
from chibo.usecases import users as users_uc
from chibo.usecases.clock import SystemClock
from chibo.usecases.context import AppContext
from chibo.usecases.errors import UseCaseError
from chibo.usecases.i18n import DEFAULT_LOCALE, Translator, translator

log = logging.getLogger("chibo")
CLI_ACTOR = "cli"

Command = Callable[[argparse.Namespace, Config, Translator], Awaitable[int]]
KIND_LABELS = {"committee": N_("committee"), "cell": N_("cell")}


class CliError(Exception):
    """A one-line error for the terminal."""


@contextlib.asynccontextmanager
async def open_context(config: Config) -> AsyncIterator[AppContext]:
    try:
        db = await Database.open(config.db_path)
    except SchemaTooNewError as exc:
        raise CliError(str(exc)) from exc
    try:
        yield AppContext.build(db, SystemClock(), config)
    finally:
        await db.close()


# -- commands ----------------------------------------------------------------------------------


async def cmd_run(args: argparse.Namespace, config: Config, _: Translator) -> int:
    if not config.telegram.token and not config.zalo.token:
        raise CliError(
            _(
                "no Telegram bot token: create a bot with @BotFather (send /newbot at"
                " https://t.me/BotFather) and put its token in CHIBO_TELEGRAM_TOKEN or"
                " in [telegram] token of the config file."
            )
        )
    from chibo.bot.cli_backup import run_lock

    with run_lock(config, _):  # `chibo restore` refuses while the bot runs
        return await _run_bot(config, _)


async def _run_bot(config: Config, _: Translator | None = None) -> int:
    from chibo.bot.app import serve
    from chibo.bot.channels import build_channels, running_channels

    async with open_context(config) as ctx:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        # every configured channel ([telegram], [zalo]) in this one process
        await serve(lambda: build_channels(ctx, config), stop, run=running_channels, _=_)
    return 0


async def cmd_db_upgrade(args: argparse.Namespace, config: Config, _: Translator) -> int:
    try:
        db = await Database.open(config.db_path, migrate=False, initialise_empty=True)
    except SchemaTooNewError as exc:
        raise CliError(str(exc)) from exc
    try:
        applied = await db.upgrade()
        version = await db.schema_version()
    finally:
        await db.close()
    if applied:
        print(
            _(
                "Database {path} upgraded to version {version}.",
                path=config.db_path,
                version=version,
            )
        )
    else:
        print(
            _(
                "Database {path} is up to date (version {version}).",
                path=config.db_path,
                version=version,
            )
        )
    return 0


async def cmd_org_add(args: argparse.Namespace, config: Config, _: Translator) -> int:
    async with open_context(config) as ctx:
        org = await orgs_uc.add_org(
            ctx,
            actor=CLI_ACTOR,
            code=args.code,
            name=args.name,
            parent_code=args.parent,
            kind=args.kind,
        )
    print(
        _(
            "Added {kind} {code}: {name}.",
            kind=_(KIND_LABELS[org.kind]),
            code=org.code,
            name=org.name,
        )
    )
    return 0


async def cmd_org_list(args: argparse.Namespace, config: Config, _: Translator) -> int:
    async with open_context(config) as ctx:
        rows = await orgs_uc.tree(ctx, args.root)
    if not rows:
        print(_("No organisations yet. Add one with: chibo org add CODE NAME"))
        return 0
    for row in rows:
        marker = _("(cell)") if row.org.is_cell else ""
        print(f"{'  ' * row.depth}{row.org.code}  {row.org.name} {marker}".rstrip())
    return 0


async def cmd_invite_create(args: argparse.Namespace, config: Config, _: Translator) -> int:
    try:
        expires = parse_duration(args.expires) if args.expires else None
    except ValueError as exc:
        raise CliError(_("--expires: expected a duration like 7d, 12h or 30m.")) from exc
    async with open_context(config) as ctx:
        created = await invites_uc.create_invite(
            ctx, actor=CLI_ACTOR, org_code=args.org, role=args.role, expires_in=expires
        )
        username = await installation.bot_username(ctx)
    username = config.telegram.username or username or "<bot_username>"
    print(
        _(
            "Invite for {role} of {org} ({code}), valid until {until}, usable once.",
            role=cli_labels.role_name(_, args.role),
            org=created.org.name,
            code=created.org.code,
            until=_.instant(created.expires_at, config.timezone),
        )
    )
    link = f"https://t.me/{username}?start={created.code}"
    print(_("Deep link: {link}", link=link))
    print(_("Or send to the bot: /start {code}", code=created.code))
    print(created.code)
    return 0


async def cmd_invite_list(args: argparse.Namespace, config: Config, _: Translator) -> int:
    async with open_context(config) as ctx:
        rows = await invites_uc.list_invites(ctx)
    if not rows:
        print(_("No invites."))
    for inv, state in rows:
        print(
            f"#{inv.id}  {inv.hint}…  {inv.org_code}  {cli_labels.role_name(_, inv.role)}"
            f"  {cli_labels.invite_state(_, state)}  "
            f"{_.instant(inv.expires_at, config.timezone)}"
            + (f"  → {inv.used_by}" if inv.used_by else "")
        )
    return 0


async def cmd_invite_revoke(args: argparse.Namespace, config: Config, _: Translator) -> int:
    async with open_context(config) as ctx:
        await invites_uc.revoke_invite(ctx, actor=CLI_ACTOR, invite_id=args.id)
    print(_("Invite #{id} revoked.", id=args.id))
    return 0


async def cmd_user_list(args: argparse.Namespace, config: Config, _: Translator) -> int:
    async with open_context(config) as ctx:
        rows = await users_uc.list_users(ctx)
    if not rows:
        print(_("No bound users."))
    for user, grants in rows:
        roles = ", ".join(f"{cli_labels.role_name(_, g.role)}@{g.org_code}" for g in grants)
        name = user.full_name + (f" (@{user.username})" if user.username else "")
        print(f"{user.tg_id}  {name}  {roles}")
    return 0


async def cmd_user_remove(args: argparse.Namespace, config: Config, _: Translator) -> int:
    async with open_context(config) as ctx:
        grants = await users_uc.remove_user(ctx, actor=CLI_ACTOR, tg_id=args.tg_id)
    print(
        _("User {id} unbound from {n} role(s); their access ended.", id=args.tg_id, n=len(grants))
    )
    return 0


async def cmd_demo(args: argparse.Namespace, config: Config, _: Translator) -> int:
    from chibo.bot.demo import run_demo

    if args.channel == "zalo":
        from chibo.bot.demo_zalo import run_zalo_demo

        return await run_zalo_demo(config, script=args.script)
    return await run_demo(
        config, script=args.script, files_dir=Path(args.files) if args.files else None
    )


# -- parser ------------------------------------------------------------------------------------


def build_parser(_: Translator | None = None) -> argparse.ArgumentParser:
    """The parser; with a translator, every help text in its language."""
    p = argparse.ArgumentParser(prog="chibo", description="Trợ lý Chi bộ")
    p.add_argument("--config", help=N_("configuration file (else CHIBO_CONFIG, else defaults)"))
    p.add_argument("-v", "--verbose", action="store_true", help=N_("log more"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help=N_("run the bot on the configured channels")).set_defaults(
        func=cmd_run
    )
    demo = sub.add_parser("demo", help=N_("offline demo in the terminal (no token, no network)"))
    demo.add_argument("--script", help=argparse.SUPPRESS)
    demo.add_argument(
        "--files", help=N_("folder for the files the bot sends (default: a new temporary one)")
    )
    demo.add_argument(
        "--channel",
        choices=("telegram", "zalo"),
        default="telegram",
        help=N_("show the chat as this messenger does (zalo: text and numbered choices)"),
    )
    demo.set_defaults(func=cmd_demo)

    db = sub.add_parser("db", help=N_("database")).add_subparsers(dest="db_cmd", required=True)
    db.add_parser("upgrade", help=N_("apply migrations")).set_defaults(func=cmd_db_upgrade)

    org = sub.add_parser("org", help=N_("organisations")).add_subparsers(
        dest="org_cmd", required=True
    )
    add = org.add_parser("add", help=N_("add an organisation"))
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--parent", help=N_("code of the organisation above"))
    add.add_argument(
        "--kind",
        choices=ORG_KINDS,
        help=N_("default: committee without --parent, cell with --parent"),
    )
    add.set_defaults(func=cmd_org_add)
    lst = org.add_parser("list", help=N_("the organisation tree"))
    lst.add_argument("--root", help=N_("only this subtree"))
    lst.set_defaults(func=cmd_org_list)

    inv = sub.add_parser("invite", help=N_("invite codes")).add_subparsers(
        dest="inv_cmd", required=True
    )
    create = inv.add_parser("create", help=N_("create a single-use invite code"))
    create.add_argument("--org", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--expires", help=N_("lifetime such as 7d, 12h, 30m (default 7d)"))
    create.set_defaults(func=cmd_invite_create)
    inv.add_parser("list", help=N_("all invites")).set_defaults(func=cmd_invite_list)
    rev = inv.add_parser("revoke", help=N_("revoke an unused invite"))
    rev.add_argument("id", type=int)
    rev.set_defaults(func=cmd_invite_revoke)

    usr = sub.add_parser("user", help=N_("bound users")).add_subparsers(
        dest="user_cmd", required=True
    )
    usr.add_parser("list", help=N_("users and their roles")).set_defaults(func=cmd_user_list)
    rm = usr.add_parser("remove", help=N_("unbind a user (access ends at once)"))
    rm.add_argument("tg_id", type=int)
    rm.set_defaults(func=cmd_user_remove)

    for module in features.CLI_MODULES:
        module.add_commands(sub)
    return cli_i18n.localise(p, _) if _ is not None else p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    config, config_error = cli_i18n.early_config(argv)
    if config is not None:
        _ = translator(config.default_locale)
    else:
        _ = translator((config_error and config_error.locale) or DEFAULT_LOCALE)
    with cli_i18n.speaking(_):
        args = build_parser(_).parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "run":
        logging.getLogger().setLevel(logging.INFO)
        logging.getLogger("httpx").setLevel(logging.WARNING)
    if config is None:
        assert config_error is not None
        print(f"chibo: {_.msg(config_error.msg)}", file=sys.stderr)
        return 2
    # no token or webhook secret in any log line (httpx URLs carry the tokens)
    logsafety.install(
        config.telegram.token,
        config.zalo.token,
        config.telegram_webhook.webhook_secret,
        config.zalo.webhook_secret,
    )
    try:
        return int(asyncio.run(args.func(args, config, _)))
    except UseCaseError as exc:
        print(f"chibo: {_.msg(exc.msg)}", file=sys.stderr)
        return 2
    except CliError as exc:
        print(f"chibo: {exc}", file=sys.stderr)
        return 2
    except (DatabaseFault, sqlite3.Error) as exc:
        print(f"chibo: {dbfaults.explain(exc, config.db_path, _)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())

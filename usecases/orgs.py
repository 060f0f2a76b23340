"""Organisation tree: add organisations, list the tree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chibo.rules.messages import N_, Msg
from chibo.rules.text import clean_line
from chibo.storage import audit
from chibo.storage import orgs as org_store
from chibo.storage.orgs import ORG_KINDS, Org
from chibo.usecases.context import AppContext
from chibo.usecases.errors import InvalidInput, NotFound

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


@dataclass(frozen=True)
class TreeRow:
    depth: int
    org: Org


#: Names that say the organisation is a party committee (đảng bộ / đảng ủy), not a cell.
_COMMITTEE_NAME = re.compile(r"^(đảng bộ|đảng ủy|đảng uỷ|tỉnh ủy|tỉnh uỷ|huyện ủy|huyện uỷ)\b")


def default_kind(name: str, parent_code: str | None) -> str:
    """A committee at the top or when its name says so ("Đảng ủy xã …"), else a cell."""
    if not parent_code or _COMMITTEE_NAME.match(unicodedata.normalize("NFC", name).lower()):
        return "committee"
    return "cell"


async def add_org(
    ctx: AppContext,
    *,
    actor: str,
    code: str,
    name: str,
    parent_code: str | None = None,
    kind: str | None = None,
) -> Org:
    """Add an organisation. Kind defaults to `committee` at the top, `cell` under a parent."""
    code, name = code.strip(), clean_line(name)
    if not _CODE.match(code):
        raise InvalidInput(
            Msg(
                N_(
                    "An organisation code is 1–32 letters, digits, '.', '_' or '-',"
                    " starting with a letter or digit; got {code}."
                ),
                {"code": code},
            )
        )
    if not name:
        raise InvalidInput(Msg(N_("The organisation needs a name.")))
    kind = kind or default_kind(name, parent_code)
    if kind not in ORG_KINDS:
        raise InvalidInput(Msg(N_("Kind must be committee or cell; got {kind}."), {"kind": kind}))
    async with ctx.db.transaction() as tx:
        if await org_store.by_code(tx, code):
            raise InvalidInput(Msg(N_("The code {code} is already used."), {"code": code}))
        parent_id = None
        if parent_code:
            parent = await org_store.by_code(tx, parent_code)
            if parent is None:
                raise NotFound(
                    Msg(N_("No organisation has the code {code}."), {"code": parent_code})
                )
            if parent.is_cell:
                raise InvalidInput(
                    Msg(
                        N_(
                            "{code} is a cell (chi bộ): a cell has no organisations under it."
                            " A party committee (đảng bộ, đảng ủy) is added with --kind"
                            " committee, or by a name starting with “Đảng bộ” or “Đảng ủy”."
                        ),
                        {"code": parent.code},
                    )
                )
            parent_id = parent.id
        org = await org_store.insert(
            tx, code=code, name=name, kind=kind, parent_id=parent_id, at=ctx.now()
        )
        await audit.record(
            tx,
            at=ctx.now(),
            actor=actor,
            entity="org",
            entity_id=org.id,
            action="create",
            after={"code": code, "name": name, "kind": kind, "parent": parent_code},
        )
    return org


async def get_org(ctx: AppContext, code: str) -> Org:
    async with ctx.db.read() as tx:
        org = await org_store.by_code(tx, code)
    if org is None:
        raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": code}))
    return org


async def tree(ctx: AppContext, root_code: str | None = None) -> list[TreeRow]:
    """Depth-first listing of the whole tree (or the subtree under `root_code`)."""
    async with ctx.db.read() as tx:
        all_orgs = await org_store.all_orgs(tx)
    children: dict[int | None, list[Org]] = {}
    for org in all_orgs:
        children.setdefault(org.parent_id, []).append(org)
    if root_code:
        root = next((o for o in all_orgs if o.code.lower() == root_code.lower()), None)
        if root is None:
            raise NotFound(Msg(N_("No organisation has the code {code}."), {"code": root_code}))
        starts = [root]
    else:
        starts = children.get(None, [])
    rows: list[TreeRow] = []
    stack = [(0, o) for o in reversed(starts)]
    while stack:
        depth, org = stack.pop()
        rows.append(TreeRow(depth, org))
        stack.extend((depth + 1, c) for c in reversed(children.get(org.id, [])))
    return rows

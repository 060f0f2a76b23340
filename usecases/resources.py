"""Locate the files that ship beside the code: `config.toml` and `locales/`.

A wheel carries them in `usecases/_data/` (see `[tool.hatch.build.targets.wheel.force-include]`);
in a source checkout (or an editable install) they sit at the repository root, recognised by its
`pyproject.toml` — never a stray file in site-packages.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """Path of a shipped resource (`config.toml`, `locales`): the wheel's, else the checkout's."""
    shipped = _HERE / "_data" / name
    if shipped.exists():
        return shipped
    checkout = _HERE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).exists():
        return checkout / name
    raise FileNotFoundError(f"shipped resource {name!r} not found next to {_HERE}")

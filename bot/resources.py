"""Locate the files that ship beside the code: `config.toml` and `locales/`.

In a source checkout (or an editable install) they sit at the repository root; a wheel
carries them in `bot/_data/` (see `[tool.hatch.build.targets.wheel.force-include]`).
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """Path of a shipped resource (`config.toml`, `locales`), checkout first."""
    for candidate in (_HERE.parent / name, _HERE / "_data" / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"shipped resource {name!r} not found next to {_HERE}")

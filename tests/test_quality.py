"""Lint is part of the suite, so CI fails on it like on a test."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_type_checker_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layer_contract_holds():
    """pyproject's [tool.importlinter] contracts: bot > handlers > usecases > storage > rules,
    nothing below handlers imports a messenger, rules import no I/O, handlers reach storage only
    through the use cases."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_sql_outside_storage():
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    offenders = []
    for package in ("rules", "usecases", "handlers", "bot"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(f'"{k}' in text or f"'{k}" in text for k in keywords):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_rules_are_pure():
    # imports are the layer contract's (import-linter); what it cannot see: the clock and files
    banned = ("datetime.now", "date.today", "open(")
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "rules").rglob("*.py")
        if any(b in p.read_text(encoding="utf-8") for b in banned)
    ]
    assert offenders == []


def test_ci_runs_the_readme_test_command_from_the_lock_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(
        line.strip() for line in readme.splitlines() if line.strip().endswith(".venv/bin/pytest")
    )
    assert "-r requirements-dev.lock" in command
    assert command in ci


def test_the_lock_files_pin_every_dependency_with_hashes():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for lock, deps in (
        ("requirements.lock", project["dependencies"]),
        (
            "requirements-dev.lock",
            project["dependencies"] + project["optional-dependencies"]["dev"],
        ),
    ):
        text = (ROOT / lock).read_text(encoding="utf-8").lower()
        for dep in deps:
            name = Requirement(dep).name.lower()
            assert f"\n{name}==" in text or text.startswith(f"{name}=="), (lock, name)
        assert "--hash=sha256:" in text


def test_gettext_keywords_cannot_collide_with_ordinary_names():
    from chibo.bot.i18n import KEYWORDS

    assert set(KEYWORDS) <= {"_", "N_", "_n", "gettext", "ngettext"}


PACKAGES = ("bot", "handlers", "storage", "rules", "usecases", "botapi_emulator")


def test_the_code_imports_its_packages_under_the_chibo_namespace():
    """`import rules` would also work in a checkout (its root is on sys.path) but load a second
    copy of the module beside `chibo.rules`, and fail where chibo is installed as a wheel."""
    import re

    old = re.compile(rf"^\s*(from|import) ({'|'.join(PACKAGES)})(\.|\s|$)", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in (*PACKAGES, "tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if old.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_wheel_ships_one_namespace():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["chibo"]
    assert all(target.startswith("chibo/") for target in wheel["force-include"].values())
    for name in PACKAGES:
        link = ROOT / "chibo" / name
        assert link.is_symlink() and link.resolve() == (ROOT / name).resolve()


def test_no_generic_top_level_name_belongs_to_chibo():
    from importlib.metadata import packages_distributions

    owned = {name for name, dists in packages_distributions().items() if "chibo" in dists}
    assert owned.isdisjoint(PACKAGES), owned

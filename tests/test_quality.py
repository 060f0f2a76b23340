"""Lint is part of the suite, so CI fails on it like on a test."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_below_handlers_knows_telegram():
    offenders = []
    for package in ("rules", "storage", "usecases"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "import telegram" in text or "from telegram" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


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
    banned = ("datetime.now", "date.today", "import aiosqlite", "import sqlite3", "open(")
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "rules").rglob("*.py")
        if any(b in p.read_text(encoding="utf-8") for b in banned)
    ]
    assert offenders == []

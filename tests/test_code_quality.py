"""The code passes the project's linter as configured in pyproject.toml ([tool.ruff]): pyflakes' errors,
pycodestyle's errors, bugbear's likely bugs and sorted imports, across the package, the tests and the benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing_to_report():
    try:
        import ruff  # noqa: F401  (the package ships the binary; `python -m ruff` runs it)
    except ImportError:
        if not shutil.which("ruff"):
            pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "simulator", "tests",
                             "bench"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr

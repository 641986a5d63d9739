"""The registry of problem codes (simulator/problem_codes.py): every code the program can put before a problem is
registered with its meaning and listed in docs/authoring.md, and nothing is registered that is never used."""

from __future__ import annotations

import re
from pathlib import Path

from simulator.lint import LINT_CODES
from simulator.problem_codes import CODES

ROOT = Path(__file__).resolve().parent.parent
CODE_LITERAL = re.compile(r"""["']([ADJMPRSTX]\d{3})["']""")


def codes_in_the_sources() -> set[str]:
    found = set()
    for path in (ROOT / "simulator").rglob("*.py"):
        if path.name != "problem_codes.py":
            found |= set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_code_the_program_emits_is_registered():
    assert codes_in_the_sources() - set(CODES) == set()


def test_every_registered_code_is_emitted_somewhere():
    assert set(CODES) - codes_in_the_sources() == set()


def test_the_authors_guide_lists_every_registered_code_with_its_meaning():
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert [line for line in guide.splitlines() if re.match(r"\| `[ADJMPRSTX]\d{3}` \|", line)] == [
        f"| `{code}` | {meaning} |" for code, meaning in CODES.items()]


def test_a_code_is_a_letter_and_three_digits_in_every_registry():
    assert all(re.fullmatch(r"[ADJMPRSTX]\d{3}", code) for code in CODES)
    assert all(re.fullmatch(r"L\d{3}", code) for code in LINT_CODES)  # lint's own, documented as tests/test_lint.py checks

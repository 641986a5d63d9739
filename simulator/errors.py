"""Problems found in a user's file, with coordinates, and the errors that carry them.

Lines and columns are counted from 1, as editors show them. PyYAML's 0-based marks are
converted in exactly one place: `Position.from_mark`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Position(NamedTuple):  # a tuple: created for every value of every file read, so it must be cheap
    line: int = 1
    column: int = 1

    @classmethod
    def from_mark(cls, mark) -> "Position":
        return cls(mark.line + 1, mark.column + 1)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where, a stable code, a sentence an instructor understands, a hint."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def format(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"
        if self.severity is Severity.WARNING:
            head = f"{self.file}:{self.line}:{self.column}: {self.code} (warning) {self.message}"
        return head + (f"\n    hint: {self.hint}" if self.hint else "")

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


class PlateauError(Exception):
    """Base of every error a user may see; the CLI turns it into a message, never a traceback."""


class ScenarioError(PlateauError):
    """A file (scenario, rubric, providers, answers, transcript) has one or more problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def display_path(path: Path | str) -> str:
    """The path as the user should read it: relative to the working directory when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)

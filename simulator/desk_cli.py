"""Subcommands of the instructor's desk (results, cohort reports, exports)."""

from __future__ import annotations


def register(add) -> None:
    """No desk command yet."""

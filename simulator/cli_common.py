"""What the `plateau` commands share: exit codes, the terminal, error lines, new session ids and files.

Kept small and free of heavy imports: every command, the parser and the extension modules (author_cli,
desk_cli, handin) import from here, and `plateau play` starts by importing it.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _console(*, plain: bool = False, **kwargs):
    """The terminal. Plain mode writes no escape codes at all (screen readers, logs)."""
    from rich.console import Console
    if plain:
        kwargs.update(color_system=None, emoji=False)
    return Console(highlight=False, markup=False, **kwargs)  # texts come from people: '[/b]' stays text


def new_session_id() -> str:
    """Twelve random hexadecimal digits (os.urandom: the uuid module costs start-up time)."""
    return os.urandom(6).hex()


def _err(message: str) -> None:
    from simulator.i18n import detect_lang, t
    print(t("err.prefix", detect_lang()) + message, file=sys.stderr)


def _transcript_path(scenario_id: str, session_id: str) -> Path:
    from simulator.catalog import home
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return home() / "sessions" / f"{stamp}-{scenario_id}-{session_id}.jsonl"


def _asker(args):
    from simulator.player import PlainAsker, PromptAsker
    return PlainAsker().ask if args.plain else PromptAsker().ask

"""Asking the trainee a question: prompt-toolkit's line with completion, arrow keys and a countdown, or plain lines.

The player hands an `Ask` to an asker and gets the line typed back; a time limit that runs out raises `TimedOut`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

__all__ = ["Ask", "PlainAsker", "PromptAsker", "TimedOut", "completer_for"]


class TimedOut(Exception):
    """The decision time ran out before the trainee answered (timed mode)."""


@dataclass
class Ask:
    """One question to the trainee."""

    message: str
    words: list[str] = field(default_factory=list)   # completion
    choices: int = 0                                  # number of options, for the arrow keys
    seconds: float | None = None                      # time limit (timed mode)
    status: str = ""                                  # status line text
    colon: str = ":"                                  # what ends the question in plain mode (' :' in French)


def completer_for(ask: Ask) -> WordCompleter | None:
    """Tab completion of the commands, field names and provider ids offered with a question."""
    return WordCompleter(ask.words, ignore_case=True, sentence=True) if ask.words else None


class PromptAsker:
    """Reads a line with prompt-toolkit: completion, arrow keys over the options, a countdown."""

    def __init__(self, session: PromptSession[str] | None = None, clock: Callable[[], float] = time.monotonic):
        self._session = session
        self.clock = clock

    def ask(self, ask: Ask) -> str:
        if self._session is None:
            self._session = PromptSession()
        completer = completer_for(ask)
        bindings = KeyBindings()
        if ask.choices:
            @bindings.add("down")
            def _down(event: KeyPressEvent) -> None:
                buffer = event.app.current_buffer
                current = int(buffer.text) if buffer.text.isdigit() else 0
                buffer.text = str(current % ask.choices + 1)
                buffer.cursor_position = len(buffer.text)

            @bindings.add("up")
            def _up(event: KeyPressEvent) -> None:
                buffer = event.app.current_buffer
                current = int(buffer.text) if buffer.text.isdigit() else 1
                buffer.text = str((current - 2) % ask.choices + 1)
                buffer.cursor_position = len(buffer.text)
        started = self.clock()
        limit = ask.seconds if ask.seconds is not None else float("inf")  # left() is asked only with a limit

        def left() -> float:
            return limit - (self.clock() - started)

        def toolbar() -> str:
            if ask.seconds is None:
                return ask.status
            return f"⏱ {max(0, int(left()) + 1):>3} s   {ask.status}"

        def start_timer() -> None:
            app = get_app()

            async def watch() -> None:
                while left() > 0:
                    await asyncio.sleep(0.1)
                if app.future is not None and not app.future.done():  # not answered meanwhile
                    app.exit(exception=TimedOut())

            app.create_background_task(watch())

        # Set on the session rather than passed: prompt() keeps the previous question's toolbar and
        # completer when given None, which left a frozen countdown under the next question.
        session = self._session
        session.completer = completer
        session.key_bindings = bindings
        session.bottom_toolbar = toolbar if (ask.status or ask.seconds) else None
        session.refresh_interval = 0.5 if ask.seconds else 0
        session.reserve_space_for_menu = 0  # no blank lines pushing the caller's last words off an 80x24 screen
        return session.prompt(ask.message + " › ", pre_run=start_timer if ask.seconds is not None else None)


class PlainAsker:
    """For --plain: one line at a time from standard input, friendly to screen readers and logs.

    A time limit cannot interrupt a plain read; an answer that comes after the limit counts as
    a silence (the caller waited), which the player turns into the engine's silence action.
    """

    def __init__(self, stream: TextIO | None = None, out: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stdin
        self.out = out or sys.stdout
        self.clock = clock

    def ask(self, ask: Ask) -> str:
        if ask.seconds is not None:
            self.out.write(f"({ask.seconds:.0f} s · {ask.status})\n")  # words and numbers, no clock glyph
        self.out.write(f"{ask.message}{ask.colon} ")
        self.out.flush()
        started = self.clock()
        line = self.stream.readline()
        if not line:
            raise EOFError
        if ask.seconds is not None and self.clock() - started > ask.seconds:
            raise TimedOut()
        return line.rstrip("\n")

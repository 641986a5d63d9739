"""The limits a condition or text runs within, the errors that say so, and the measure of values.

`ExpressionError` (X001) and `LimitError` (X003) are what simulator.expressions raises; `LIMITS` says each
limit in plain words with a hint for the author. One evaluation's budget of steps and call depth lives in
a context variable; `_sized` and `_measure` check every value a condition or text makes against the limits.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import Any, Iterable

from jinja2.utils import Namespace

from simulator.errors import PlateauError


class ExpressionError(PlateauError, ValueError):
    """A condition or text template cannot be compiled or run; `.hint` says what to do.

    When running one failed, `.expression` is the Condition or Template, `.context` the values it was
    given and `.cause` the error beneath, so tools can say where it is written and why it failed."""

    code = "X001"

    def __init__(self, message: str, hint: str = "", *, expression: Any = None, context: dict | None = None,
                 cause: BaseException | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.expression = expression
        self.context = context or {}
        self.cause = cause


# --- Limits: what one condition or text may ask of the machine. The longest bundled text has 723
# characters; no bundled condition or text loops, calls a macro or nests deeper than 11 levels.

MAX_TEXT = 10_000      # characters of a text made (and of a text with placeholders as written); values in a list
MAX_DIGITS = 100       # digits of a number
MAX_STEPS = 20_000     # work of one evaluation: a loop turn costs the size of what it repeats, a list its size
MAX_CALL_DEPTH = 20    # macros (or recursive loops) running inside one another
MAX_NESTING = 30       # brackets, operators and blocks inside one another; lists inside lists
_MAX_BITS = math.ceil(MAX_DIGITS * math.log2(10))  # a number of this many bits may have MAX_DIGITS + 1 digits

_SHORTER = "A scenario text is a few sentences: look for a text or a list repeated with '*', or built up in a loop."
_SIMPLER = ("Write it as simpler parts: remove the brackets that are not needed, or split it into several "
            "conditions or variants.")
# reason -> (what goes wrong, said after "cannot be worked out: " or "cannot be filled in: "; how to fix it)
LIMITS: dict[str, tuple[str, str]] = {
    "text": (f"it would make a text longer than {MAX_TEXT:,} characters", _SHORTER),
    "items": (f"it would make a list or mapping of more than {MAX_TEXT:,} values and characters", _SHORTER),
    "range": (f"it asks for a range of more than {MAX_TEXT:,} numbers",
              "Loop over the call's own short lists, such as 'booked', or over a small range()."),
    "number": (f"it would make a number with more than {MAX_DIGITS} digits",
               "Conditions and texts work with small numbers (stress, minutes, eta): look for '**' or '*' "
               "applied to large numbers."),
    "steps": ("it would take too long: its loops and calls repeat too many times",
              "Loop over the call's own short lists, such as 'booked', not over a large range(); a loop inside a "
              "loop multiplies the turns, and so does a macro that calls itself twice."),
    "calls": (f"a macro or a loop calls itself more than {MAX_CALL_DEPTH} levels deep",
              f"A macro that calls itself needs a case where it stops, well before {MAX_CALL_DEPTH} levels; a "
              "scenario text seldom needs a macro: write the text out."),
    "values": (f"it would put lists inside lists more than {MAX_NESTING} levels deep", _SIMPLER),
    "nesting": (f"it is nested more than {MAX_NESTING} levels deep (brackets, operators or blocks inside one "
                "another)", _SIMPLER),
    "long": (f"it is longer than {MAX_TEXT:,} characters",
             "Split it into several texts or variants."),
    "digits": (f"it holds a number written with more than {MAX_DIGITS} digits",
               "Conditions and texts work with small numbers (stress, minutes, eta): write a smaller one."),
}


class LimitError(ExpressionError):
    """A condition or text goes beyond one of the limits above. `.reason` says which, in plain words.

    When the condition or text knows where it is written (`where`, 'call.yaml:72:19'), the error reads as
    the loader's problems do, for the author who meets it in play: `.message` is the sentence alone."""

    code = "X003"

    def __init__(self, reason: str, hint: str = "", *, where: str = "", **kwargs):
        super().__init__(reason, hint, **kwargs)
        self.reason = reason
        self.where = where
        if where:
            self.args = (f"{where}: {self.code} {reason}\n    hint: {hint}",)

    @classmethod
    def of(cls, key: str) -> "LimitError":
        return cls(*LIMITS[key])

    def about(self, subject: str, where: str = "", **kwargs) -> "LimitError":
        """The same limit, said of one condition or text: "the text '...' cannot be filled in: it would ..."."""
        error = LimitError(f"{subject}: {self.reason}.", self.hint, where=where, **kwargs)
        error.reason = self.reason
        return error


def limit_hint(message: str) -> str | None:
    """The hint of the limit a message says was gone beyond, or None: for tools that get only the message."""
    for reason, hint in LIMITS.values():
        if message.rstrip(".").endswith(reason):
            return hint
    return None


def _subject(source: str, is_text: bool) -> str:
    source = source.strip()
    shown = source if len(source) <= 60 else source[:57] + "..."
    return f"the text '{shown}' cannot be filled in" if is_text else f"the condition '{shown}' cannot be worked out"


class _Budget:
    """What one evaluation may still do, and the sizes of the lists it has measured."""

    __slots__ = ("steps", "depth", "sizes")

    def __init__(self):
        self.steps = MAX_STEPS
        self.depth = 0
        self.sizes: dict[int, tuple[Any, int, int]] | None = None  # id -> (value kept alive, weight, depth)

    def spend(self, steps: int = 1) -> None:
        self.steps -= steps
        if self.steps < 0:
            raise LimitError.of("steps")


_BUDGET: ContextVar[_Budget | None] = ContextVar("plateau_budget", default=None)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    return budget if budget is not None else _Budget()  # outside an evaluation (constant folding): no sharing


# --- Sizes. Every value a condition or text makes is measured where it is made (operators, literals,
# filters, calls, `~`, output), so every value it holds is within the limits and anything that walks one
# (printing it, comparing it) is bounded too.

_CONTAINERS = (list, tuple, dict)


def _sized(value: Any) -> Any:
    """`value`, once checked to be within the limits; common small values cost a type check."""
    kind = type(value)
    if kind is str:
        if len(value) > MAX_TEXT:
            raise LimitError.of("text")
    elif kind is int:
        if value.bit_length() > _MAX_BITS - 4 and len(str(abs(value))) > MAX_DIGITS:
            raise LimitError.of("number")
    elif kind in _CONTAINERS or isinstance(value, Namespace):
        _measure(value)
    elif isinstance(value, (str, bytes)):  # Markup, bytes from encode()
        if len(value) > MAX_TEXT:
            raise LimitError.of("text")
    return value


def _measure(value: Any) -> tuple[int, int]:
    """(weight, depth) of a value: characters, numbers and items, lists counted as often as they appear.

    Each list met for the first time costs its length in steps: sorting or copying a large list over and
    over in a loop runs out of steps as a large loop does; a list of lists already met costs only its own."""
    budget = _budget()
    if budget.sizes is None:
        budget.sizes = {}
    weight, depth = _weigh(value, budget, 0)
    if weight > MAX_TEXT:
        raise LimitError.of("items")
    return weight, depth


def _weigh(value: Any, budget: _Budget, level: int) -> tuple[int, int]:
    kind = type(value)
    if kind is str or kind is bytes or isinstance(value, (str, bytes)):
        return len(value), 0
    if kind is int:
        _sized(value)
        return 1, 0
    namespace = isinstance(value, Namespace)
    if not (kind in _CONTAINERS or namespace):
        return 1, 0
    key, sizes = id(value), budget.sizes
    known = sizes.get(key)
    if known is not None:
        return known[1], known[2]
    if level >= MAX_NESTING:
        raise LimitError.of("values")
    budget.spend(len(value._Namespace__attrs) if namespace else len(value))  # noqa: SLF001
    sizes[key] = (value, 1, 0)  # while it is measured: a list inside itself counts once
    items: Iterable = value
    if namespace:
        items = value._Namespace__attrs.values()  # noqa: SLF001 - what a namespace holds
    elif kind is dict:
        items = (part for pair in value.items() for part in pair)
    weight, depth = 1, 0
    for item in items:
        w, d = _weigh(item, budget, level + 1)
        weight += w
        depth = max(depth, d + 1)
        if weight > MAX_TEXT:
            raise LimitError.of("items")
        if depth > MAX_NESTING:
            raise LimitError.of("values")
    if namespace:  # a namespace changes when assigned to: measured again each time
        del sizes[key]
    else:
        sizes[key] = (value, weight, depth)
    return weight, depth


def _length(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes)) else len(str(value))

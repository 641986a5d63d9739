"""Conditions and text interpolation, run only in Jinja2's sandbox, within limits.

A scenario author writes `stress >= 70 and not located` or `Il arrive dans {{ eta }} minutes`.
Both are compiled once by the loader through a `SandboxedEnvironment`; a scenario can never
reach Python internals (`''.__class__` raises a SecurityError at run time and the loader
refuses any name or attribute starting with an underscore before that).

A scenario can no more exhaust the machine than reach its internals: every condition and text
runs within the limits of simulator.expression_limits (the size of what it makes, of its numbers,
how long it runs, how deep it nests). The sandbox's operator interception (`intercepted_binops`)
checks `*`, `**`, `%` and the others before they run; loops, `~`, literals, filters and calls are checked the same way.
What goes beyond a limit raises `LimitError` (code X003) with a sentence and a hint for the
author, in milliseconds, instead of running for minutes or filling the memory.

The language is split along its seams: simulator.expression_limits (the limits, the errors, the measure
of values), simulator.expression_sandbox (the bounded Jinja2 sandbox), simulator.expression_tree (simple
conditions as checked closures) and simulator.expression_checks (what the loader checks before anything
runs). This module puts them together as `Condition`, `Template`, `compile_condition` and
`compile_template`, and re-exports the names other modules import from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from jinja2 import TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError

from simulator.expression_checks import Names, _names_of, _parse_condition, _static_checks
from simulator.expression_limits import (
    _BUDGET,
    LIMITS,
    MAX_CALL_DEPTH,
    MAX_DIGITS,
    MAX_NESTING,
    MAX_STEPS,
    MAX_TEXT,
    ExpressionError,
    LimitError,
    _Budget,
    _subject,
    limit_hint,
)
from simulator.expression_sandbox import _ENV, _evaluate, _expression, _template
from simulator.expression_tree import _checked

# What other modules, tests and benchmarks import from here (the private names: tests and tools that look inside).
__all__ = [
    "Condition", "Template", "Names", "compile_condition", "compile_template",
    "ExpressionError", "LimitError", "LIMITS", "limit_hint",
    "MAX_TEXT", "MAX_DIGITS", "MAX_STEPS", "MAX_CALL_DEPTH", "MAX_NESTING",
    "_ENV", "_checked", "_evaluate", "_expression", "_template", "_names_of", "_parse_condition", "_static_checks",
]


def _whole(context: Mapping[str, Any]) -> dict[str, Any]:
    """Every name of a context that works names out as they are read (the engine's), as a plain dict."""
    full = getattr(context, "full", None)
    return full() if full is not None else dict(context)


@dataclass(frozen=True)
class Condition:
    """A checked condition such as `stress >= 70 and not located`, compiled on first use."""

    source: str
    names: Names = field(compare=False)
    where: str = field(compare=False, default="")  # 'call.yaml:95:19', set by the loader
    bounded: bool = field(compare=False, default=False)  # reads and compares only: no limit can be reached

    def __call__(self, context: dict[str, Any]) -> bool:
        try:
            fast = _checked(self.source)
            if fast is not None:
                return bool(fast(context))
            token = _BUDGET.set(_Budget())
            try:
                return bool(_expression(self.source)(**_whole(context)))
            finally:
                _BUDGET.reset(token)
        except LimitError as exc:
            raise exc.about(_subject(self.source, False), self.where, expression=self, context=_whole(context),
                            cause=exc) from None
        except RecursionError:
            exc = LimitError.of("nesting")
            raise exc.about(_subject(self.source, False), self.where, expression=self, context=_whole(context),
                            cause=exc) from None
        except (SecurityError, UndefinedError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise ExpressionError(f"the condition '{self.source}' failed: {exc}", expression=self, context=_whole(context),
                                  cause=exc) from None


@dataclass(frozen=True)
class Template:
    """A checked text with `{{ }}` placeholders, compiled on first use; plain texts skip Jinja entirely."""

    source: str
    names: Names = field(compare=False)
    plain: bool = field(compare=False, default=True)
    where: str = field(compare=False, default="")  # 'call.yaml:72:19', set by the loader
    bounded: bool = field(compare=False, default=False)  # shows names and constants only: no limit can be reached

    def render(self, context: dict[str, Any]) -> str:
        if self.plain:
            return self.source
        token = _BUDGET.set(_Budget())
        try:
            return _template(self.source).render(**_whole(context))
        except LimitError as exc:
            raise exc.about(_subject(self.source, True), self.where, expression=self, context=_whole(context),
                            cause=exc) from None
        except RecursionError:
            exc = LimitError.of("nesting")
            raise exc.about(_subject(self.source, True), self.where, expression=self, context=_whole(context),
                            cause=exc) from None
        except (SecurityError, UndefinedError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise ExpressionError(f"the text '{self.source[:60]}' could not be filled in: {exc}", expression=self,
                                  context=_whole(context), cause=exc) from None
        finally:
            _BUDGET.reset(token)


def compile_condition(source: str) -> Condition:
    """Compile a condition; raise ExpressionError with a plain message if it is malformed or beyond the limits."""
    text = str(source).strip()
    if not text:
        raise ExpressionError("the condition is empty.", "Write a condition such as 'stress >= 70', or remove 'when'.")
    try:
        names, bounded = _static_checks(text, False)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"the condition '{text}' is not valid: {exc.message}.",
                              "Conditions look like 'stress >= 70 and not located'; text values go between quotes.") from None
    return Condition(text, names, bounded=bounded)


def compile_template(source: str) -> Template:
    """Compile a text that may contain `{{ name }}` placeholders."""
    text = str(source)
    if "{{" not in text and "{%" not in text:
        return Template(text, Names())
    try:
        names, bounded = _static_checks(text, True)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"the text has a malformed placeholder: {exc.message}.",
                              "Placeholders look like '{{ eta }}'; check that every '{{' has its '}}'.") from None
    return Template(text, names, plain=False, bounded=bounded)

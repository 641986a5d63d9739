"""What the loader checks in a condition or text before anything runs.

The names it reads (refusing Python internals), the size of what is written, how deep it nests, what
its parts made only of constants come to, and whether it only reads and compares values (`_static_checks`).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.parser import Parser

from simulator.expression_limits import MAX_DIGITS, MAX_NESTING, MAX_TEXT, ExpressionError, LimitError, _sized, _subject
from simulator.expression_sandbox import _BINOPS, _ENV, _evaluate, _expression, _join_values, _template


@dataclass(frozen=True)
class Names:
    """What an expression refers to: bare names and `known.X` / `file.X` attributes."""

    names: frozenset[str] = frozenset()
    attributes: frozenset[tuple[str, str]] = frozenset()


def _refuse_internals(ast: nodes.Node) -> None:
    """Refuse, before anything runs, the ways a template could name Python internals."""
    for node in ast.find_all(nodes.Filter):
        if node.name in ("attr", "map") and any(isinstance(a, nodes.Const) and "_" in str(a.value)[:1]
                                                 for a in node.args):
            raise ExpressionError(f"the filter '{node.name}' cannot reach names starting with '_'.",
                                  "Use the flags, facts and variables listed in the authoring guide.")
        if node.name == "attr":
            raise ExpressionError("the filter 'attr' is not available in scenarios.",
                                  "Write 'dispatched.name' rather than 'dispatched|attr(\"name\")'.")
    for node in ast.find_all(nodes.Const):
        if isinstance(node.value, str) and "__" in node.value:
            raise ExpressionError("a text with '__' cannot be used inside a placeholder or condition.",
                                  "Use the flags, facts and variables listed in the authoring guide.")


def _names_of(ast: nodes.Node) -> Names:
    _refuse_internals(ast)
    attributes = set()
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name):
            attributes.add((node.node.name, node.attr))
        if node.attr.startswith("_"):
            raise ExpressionError(f"'{node.attr}' cannot be used: names starting with '_' are reserved.",
                                  "Use the flags, facts and variables listed in the authoring guide.")
    if any(not isinstance(n, nodes.Output) for n in ast.find_all(nodes.Stmt)):
        # Statements ({% for %}, {% set %}...) declare names of their own: Jinja's analysis sorts them out.
        names = set(meta.find_undeclared_variables(ast))
    else:  # placeholders and conditions only: every name read must come from the call (and no code is generated)
        names = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
    for name in names:
        if name.startswith("_"):
            raise ExpressionError(f"'{name}' cannot be used: names starting with '_' are reserved.",
                                  "Use the flags, facts and variables listed in the authoring guide.")
    return Names(frozenset(names), frozenset(attributes))


# --- What the loader checks before anything runs: the size of what is written, how deep it nests, and
# what its parts made only of constants come to ('a' * 10**9 needs no call to be refused).

_LONG_NUMBER = re.compile(r"[0-9a-fA-F_]{%d,}" % (MAX_DIGITS + 1))


def _check_source(text: str, state: str | None) -> None:
    """Before parsing: Jinja's parser recurses once per bracket, and reads any number it is given."""
    if len(text) > MAX_TEXT:
        raise LimitError.of("long")
    if sum(map(text.count, "([{")) <= MAX_NESTING and not _LONG_NUMBER.search(text):
        return
    depth = 0
    for _, token, value in _ENV.lexer.tokeniter(text, None, None, state):
        if token == "operator" and value in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise LimitError.of("nesting")
        elif token == "operator" and value in ")]}":
            depth -= 1
        elif token == "integer" and len(value.replace("_", "")) > MAX_DIGITS:
            raise LimitError.of("digits")


def _check_depth(ast: nodes.Node) -> None:
    """After parsing: `a + a + ... + a` and `x|e|e|...` nest without brackets; every later walk recurses."""
    todo = [(ast, 0)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_NESTING:
            raise LimitError.of("nesting")
        todo.extend((child, depth + 1) for child in node.iter_child_nodes())


_FOLDED = {nodes.Add: "+", nodes.Sub: "-", nodes.Mul: "*", nodes.Div: "/", nodes.FloorDiv: "//", nodes.Pow: "**",
           nodes.Mod: "%"}
_NOT_CONSTANT = object()


def _fold(node: nodes.Node) -> Any:
    """The value of a part made only of constants and operators, worked out within the limits (LimitError
    when it goes beyond them); _NOT_CONSTANT for any other part, whose constant parts are checked the same way."""
    if isinstance(node, nodes.Const):
        return _sized(node.value)
    symbol = _FOLDED.get(type(node))
    if symbol is not None:
        left, right = _fold(node.left), _fold(node.right)
        if left is _NOT_CONSTANT or right is _NOT_CONSTANT:
            return _NOT_CONSTANT
        return _attempt(_BINOPS[symbol], left, right)
    if isinstance(node, (nodes.Neg, nodes.Pos)):
        value = _fold(node.node)
        return _NOT_CONSTANT if value is _NOT_CONSTANT else _attempt(operator.neg if isinstance(node, nodes.Neg)
                                                                     else operator.pos, value)
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Concat)) and getattr(node, "ctx", "load") == "load":
        parts = [_fold(item) for item in (node.nodes if isinstance(node, nodes.Concat) else node.items)]
        if any(part is _NOT_CONSTANT for part in parts):
            return _NOT_CONSTANT
        if isinstance(node, nodes.Concat):
            return _attempt(_join_values, tuple(parts))
        return _sized(parts if isinstance(node, nodes.List) else tuple(parts))
    for child in node.iter_child_nodes():
        _fold(child)
    return _NOT_CONSTANT


def _attempt(function: Callable, *args: Any) -> Any:
    try:
        return function(*args)
    except LimitError:
        raise
    except Exception:  # noqa: BLE001 - an ordinary failure ('a' + 1) is the engine's to report, on the path that meets it
        return _NOT_CONSTANT


_RUNS = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.Call, nodes.Filter, nodes.FilterBlock)


def _check_constant_run(ast: nodes.Node, names: Names, run: Callable[[], Any]) -> None:
    """A condition or text that reads nothing from the call does at load what it would do in every call:
    loops, macros and filters on constants are run now, within the limits."""
    if names.names or not any(True for _ in ast.find_all(_RUNS)):
        return
    try:
        _evaluate(run)
    except LimitError:
        raise
    except Exception:  # noqa: BLE001 - ordinary failures stay the engine's and lint's to report
        pass


# What reads values and compares them, and nothing else: no limit can be reached, whatever the values.
_READS = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const,
          nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.CondExpr, nodes.If,
          nodes.Test)


def _reads_only(ast: nodes.Node) -> bool:
    todo = [ast]
    while todo:
        node = todo.pop()
        if type(node) not in _READS:
            return False
        todo.extend(node.iter_child_nodes())
    return True


@lru_cache(maxsize=4096)  # the same condition is often written many times ('stress > 75')
def _static_checks(text: str, is_text: bool) -> tuple[Names, bool]:
    """Parse `text` and check it against the limits: its names and whether it only reads values, or the
    ExpressionError to report."""
    parse = (lambda: _ENV.parse(text)) if is_text else (lambda: _parse_condition(text))
    try:
        _check_source(text, None if is_text else "variable")
        ast = parse()
        _check_depth(ast)
        names = _names_of(ast)
        _fold(ast)
        _check_constant_run(ast, names, (lambda: _template(text).render()) if is_text else (lambda: _expression(text)()))
    except LimitError as exc:
        raise exc.about(_subject(text, is_text)) from None
    except RecursionError:
        raise LimitError.of("nesting").about(_subject(text, is_text)) from None
    return names, _reads_only(ast)


def _parse_condition(text: str) -> nodes.Template:
    # The same parse as compile_expression's, so what passes here compiles later.
    parser = Parser(_ENV, text, state="variable")
    expression = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("unexpected '" + str(parser.stream.current.value) + "'", parser.stream.current.lineno)
    wrapped = nodes.Template([nodes.Output([expression])], lineno=1)
    wrapped.set_environment(_ENV)
    return wrapped


"""Conditions and text interpolation, run only in Jinja2's sandbox.

A scenario author writes `stress >= 70 and not located` or `Il arrive dans {{ eta }} minutes`.
Both are compiled once by the loader through a `SandboxedEnvironment`; a scenario can never
reach Python internals (`''.__class__` raises a SecurityError at run time and the loader
refuses any name or attribute starting with an underscore before that).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from simulator.errors import PlateauError

def _shown(value: Any) -> Any:
    """What a placeholder shows: nothing for a value not known yet ({{ eta }} before a dispatch), never 'None'."""
    return "" if value is None else value


_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=_shown)


class ExpressionError(PlateauError, ValueError):
    """A condition or text template cannot be compiled or run; `.hint` says what to do.

    When running one failed, `.expression` is the Condition or Template, `.context` the values it was
    given and `.cause` the error beneath, so tools can say where it is written and why it failed."""

    def __init__(self, message: str, hint: str = "", *, expression: Any = None, context: dict | None = None,
                 cause: BaseException | None = None):
        super().__init__(message)
        self.hint = hint
        self.expression = expression
        self.context = context or {}
        self.cause = cause


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


@lru_cache(maxsize=None)
def _expression(source: str) -> Callable[..., Any]:
    # Code generation is the costly part of compiling: done on first use, once per distinct source.
    return _ENV.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=None)
def _template(source: str):
    return _ENV.from_string(source)


# --- A checked expression tree: conditions made only of names, constants, attributes, comparisons and
# arithmetic are turned into Python closures (no code generation, no eval of author text). Attribute and
# item access go through the sandbox's own getattr/getitem, so the sandbox still decides what is
# reachable. Anything else (filters, tests, calls, powers...) runs through Jinja's sandbox as before.

_COMPARE = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gteq": operator.ge, "lt": operator.lt,
            "lteq": operator.le, "in": lambda a, b: a in b, "notin": lambda a, b: a not in b}
_BINARY = {nodes.Add: operator.add, nodes.Sub: operator.sub, nodes.Mul: operator.mul, nodes.Div: operator.truediv,
           nodes.FloorDiv: operator.floordiv, nodes.Mod: operator.mod}


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Unsupported(Exception):
    """A node the checked tree does not translate: the whole condition runs through Jinja instead."""


def _tree(node: nodes.Node) -> Callable[[dict], Any]:
    if isinstance(node, nodes.Const):
        value = node.value
        return lambda ctx: value
    if isinstance(node, nodes.Name) and node.ctx == "load":
        name = node.name

        def load(ctx):
            try:
                return ctx[name]
            except KeyError:
                raise UndefinedError(f"'{name}' is undefined") from None
        return load
    if isinstance(node, nodes.Getattr):
        obj, attr = _tree(node.node), node.attr
        plain_key = attr not in _DICT_ATTRIBUTES

        def get(ctx):
            owner = obj(ctx)
            # `known.location` on a plain dict: the item, as the sandbox would find it after no attribute.
            if plain_key and type(owner) is dict and attr in owner:
                return owner[attr]
            value = _ENV.getattr(owner, attr)
            if isinstance(value, Undefined):
                raise UndefinedError(f"'{attr}' is undefined")
            return value
        return get
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Node) and not isinstance(node.arg, nodes.Slice):
        obj, key = _tree(node.node), _tree(node.arg)

        def item(ctx):
            value = _ENV.getitem(obj(ctx), key(ctx))
            if isinstance(value, Undefined):
                raise UndefinedError("an item is undefined")
            return value
        return item
    if isinstance(node, nodes.And):
        left, right = _tree(node.left), _tree(node.right)
        return lambda ctx: left(ctx) and right(ctx)
    if isinstance(node, nodes.Or):
        left, right = _tree(node.left), _tree(node.right)
        return lambda ctx: left(ctx) or right(ctx)
    if isinstance(node, nodes.Not):
        inner = _tree(node.node)
        return lambda ctx: not inner(ctx)
    if isinstance(node, nodes.Neg):
        inner = _tree(node.node)
        return lambda ctx: -inner(ctx)
    if isinstance(node, nodes.Pos):
        inner = _tree(node.node)
        return lambda ctx: +inner(ctx)
    if type(node) in _BINARY:
        op, left, right = _BINARY[type(node)], _tree(node.left), _tree(node.right)
        return lambda ctx: op(left(ctx), right(ctx))
    if isinstance(node, nodes.Compare):
        first = _tree(node.expr)
        rest = [(_COMPARE[o.op], _tree(o.expr)) for o in node.ops if o.op in _COMPARE]
        if len(rest) != len(node.ops):
            raise _Unsupported(node)

        def compare(ctx):
            left = first(ctx)
            for op, expr in rest:
                right = expr(ctx)
                if not op(left, right):
                    return False
                left = right
            return True
        return compare
    if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
        test, then, other = _tree(node.test), _tree(node.expr1), _tree(node.expr2)
        return lambda ctx: then(ctx) if test(ctx) else other(ctx)
    if isinstance(node, (nodes.List, nodes.Tuple)):
        items = [_tree(i) for i in node.items]
        kind = list if isinstance(node, nodes.List) else tuple
        return lambda ctx: kind(i(ctx) for i in items)
    raise _Unsupported(node)


@lru_cache(maxsize=None)
def _checked(source: str) -> Callable[[dict], Any] | None:
    """The condition as a checked tree, or None when it uses what only Jinja runs."""
    try:
        return _tree(Parser(_ENV, source, state="variable").parse_expression())
    except _Unsupported:
        return None


def _whole(context: Mapping[str, Any]) -> dict[str, Any]:
    """Every name of a context that works names out as they are read (the engine's), as a plain dict."""
    full = getattr(context, "full", None)
    return full() if full is not None else dict(context)


@dataclass(frozen=True)
class Condition:
    """A checked condition such as `stress >= 70 and not located`, compiled on first use."""

    source: str
    names: Names = field(compare=False)

    def __call__(self, context: dict[str, Any]) -> bool:
        try:
            fast = _checked(self.source)
            if fast is not None:
                return bool(fast(context))
            return bool(_expression(self.source)(**_whole(context)))
        except (SecurityError, UndefinedError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise ExpressionError(f"the condition '{self.source}' failed: {exc}", expression=self, context=_whole(context),
                                  cause=exc) from None


@dataclass(frozen=True)
class Template:
    """A checked text with `{{ }}` placeholders, compiled on first use; plain texts skip Jinja entirely."""

    source: str
    names: Names = field(compare=False)
    plain: bool = field(compare=False, default=True)

    def render(self, context: dict[str, Any]) -> str:
        if self.plain:
            return self.source
        try:
            return _template(self.source).render(**_whole(context))
        except (SecurityError, UndefinedError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise ExpressionError(f"the text '{self.source[:60]}' could not be filled in: {exc}", expression=self,
                                  context=_whole(context), cause=exc) from None


def compile_condition(source: str) -> Condition:
    """Compile a condition; raise ExpressionError with a plain message if it is malformed."""
    text = str(source).strip()
    if not text:
        raise ExpressionError("the condition is empty.", "Write a condition such as 'stress >= 70', or remove 'when'.")
    try:
        # The same parse as compile_expression's, so what passes here compiles later.
        parser = Parser(_ENV, text, state="variable")
        expression = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError("unexpected '" + str(parser.stream.current.value) + "'", parser.stream.current.lineno)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"the condition '{text}' is not valid: {exc.message}.",
                              "Conditions look like 'stress >= 70 and not located'; text values go between quotes.") from None
    wrapped = nodes.Template([nodes.Output([expression])], lineno=1)
    wrapped.set_environment(_ENV)
    return Condition(text, _names_of(wrapped))


def compile_template(source: str) -> Template:
    """Compile a text that may contain `{{ name }}` placeholders."""
    text = str(source)
    if "{{" not in text and "{%" not in text:
        return Template(text, Names())
    try:
        ast = _ENV.parse(text)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"the text has a malformed placeholder: {exc.message}.",
                              "Placeholders look like '{{ eta }}'; check that every '{{' has its '}}'.") from None
    return Template(text, _names_of(ast), plain=False)

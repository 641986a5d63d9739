"""A checked expression tree: simple conditions run as Python closures instead of Jinja-generated code.

Conditions made only of names, constants, attributes, items, comparisons, `and`/`or`/`not` and bounded
arithmetic are translated once (`_checked`); anything else returns None and runs through the sandbox.
"""

from __future__ import annotations

import operator
from functools import lru_cache
from typing import Any, Callable

from jinja2 import Undefined, nodes
from jinja2.exceptions import UndefinedError
from jinja2.parser import Parser

from simulator.expression_limits import _sized
from simulator.expression_sandbox import _ENV, _divide, _floor_divide, _minus, _modulo, _plus, _times

# --- A checked expression tree: conditions made only of names, constants, attributes, comparisons and
# arithmetic are turned into Python closures (no code generation, no eval of author text). Attribute and
# item access go through the sandbox's own getattr/getitem, so the sandbox still decides what is
# reachable. Anything else (filters, tests, calls, powers...) runs through Jinja's sandbox as before.

_COMPARE = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gteq": operator.ge, "lt": operator.lt,
            "lteq": operator.le, "in": lambda a, b: a in b, "notin": lambda a, b: a not in b}
# The sandbox's bounded operators ('**' is left to Jinja's sandbox, as before).
_BINARY = {nodes.Add: _plus, nodes.Sub: _minus, nodes.Mul: _times, nodes.Div: _divide, nodes.FloorDiv: _floor_divide,
           nodes.Mod: _modulo}


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
        return lambda ctx: _sized(kind(i(ctx) for i in items))
    raise _Unsupported(node)


@lru_cache(maxsize=None)
def _checked(source: str) -> Callable[[dict], Any] | None:
    """The condition as a checked tree, or None when it uses what only Jinja runs."""
    try:
        return _tree(Parser(_ENV, source, state="variable").parse_expression())
    except _Unsupported:
        return None

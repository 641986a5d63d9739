"""Jinja2's immutable sandbox, bounded: operators, methods, filters, loops, calls and output within the limits.

The checked operators (`_BINOPS`), the checks of string methods and filters whose result could be huge,
the code generator that measures `~` and literals, and `_ENV`, the one sandboxed environment every
condition and text is compiled in (`_expression`, `_template`), each evaluation with its own budget.
"""

from __future__ import annotations

import functools
import re
import string
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

from simulator.expression_limits import (
    _BUDGET,
    _CONTAINERS,
    _MAX_BITS,
    MAX_CALL_DEPTH,
    MAX_DIGITS,
    MAX_TEXT,
    LimitError,
    _Budget,
    _budget,
    _length,
    _measure,
    _sized,
)

# --- Operators, checked before they run where their result could be huge (`'a' * 10**9`, `10**(10**7)`),
# after otherwise. The same functions serve Jinja's sandbox and the checked tree (simulator.expression_tree).

def _plus(a, b):
    return _sized(a + b)


def _minus(a, b):
    return _sized(a - b)


def _times(a, b):
    if isinstance(b, int) and not isinstance(a, (int, float)):
        a, b = b, a
    if isinstance(a, int) and not isinstance(b, (int, float, bool)) and a > 1 and hasattr(b, "__len__"):
        # a text or a list repeated: its size times the count, before anything is made
        size = len(b) if isinstance(b, (str, bytes)) else _measure(b)[0] if isinstance(b, _CONTAINERS) else len(b)
        if size * a > MAX_TEXT:
            raise LimitError.of("text" if isinstance(b, (str, bytes)) else "items")
    return _sized(a * b)


def _power(a, b):
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if (abs(a).bit_length() - 1) * b > _MAX_BITS:  # a lower bound of the result's size
            raise LimitError.of("number")
    return _sized(a ** b)


def _modulo(a, b):
    if isinstance(a, str):
        _check_printf(a, b)
    return _sized(a % b)


def _divide(a, b):
    return a / b


def _floor_divide(a, b):
    return a // b


_BINOPS = {"+": _plus, "-": _minus, "*": _times, "/": _divide, "//": _floor_divide, "**": _power, "%": _modulo}

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_printf(template: str, arguments: Any) -> None:
    """`'%9999999d' % 1`: the widths and precisions a format asks for, before Python makes the text."""
    asked, star = 0, False
    fields = _PRINTF.findall(template)
    for width, precision in fields:
        for number in (width, precision):
            if number == "*":
                star = True
            elif number:
                asked += int(number)
    values = arguments if isinstance(arguments, tuple) else (arguments,)
    if star and any(isinstance(v, int) and abs(v) > MAX_TEXT for v in values):
        raise LimitError.of("text")
    # each field may show any of the values ('%(a)s%(a)s...' % {'a': long}): counted for each field
    if asked + len(template) + len(fields) * _measure(values)[0] > MAX_TEXT:
        raise LimitError.of("text")


def _check_format(template: str, args: tuple, kwargs: dict) -> None:
    """`'{:>999999999}'.format(1)`: the same for str.format's field widths."""
    asked, fields = 0, 0
    try:
        for _, name, spec, _ in string.Formatter().parse(template):
            fields += name is not None
            asked += sum(int(n) for n in re.findall(r"\d+", spec or ""))
    except ValueError:
        return  # malformed: Python says so when it runs
    if any(isinstance(v, int) and abs(v) > MAX_TEXT for v in (*args, *kwargs.values())):
        raise LimitError.of("text")  # a width given as an argument ('{:>{}}')
    # each field may show any of the values ('{0}{0}{0}...'.format(long)): counted for each field
    if asked + len(template) + fields * _measure((args, kwargs))[0] > MAX_TEXT:
        raise LimitError.of("text")


def _check_width(width: Any, base: int = 0) -> None:
    if isinstance(width, int) and base + width > MAX_TEXT:
        raise LimitError.of("text")


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if not isinstance(text, (str, bytes)) or not isinstance(old, (str, bytes)) or not isinstance(new, (str, bytes)):
        return
    times = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * max(len(new) - len(old), 0) > MAX_TEXT:
        raise LimitError.of("text")


def _check_join(separator: Any, items: list) -> None:
    total = len(str(separator)) * max(len(items) - 1, 0)
    for item in items:
        total += _length(item) if isinstance(item, (str, bytes, int, float)) else _measure(item)[0]
        if total > MAX_TEXT:
            raise LimitError.of("text")


# Methods of texts (and bytes) whose result can be much larger than the text: checked before they run.
def _check_method(method: Any, args: tuple, kwargs: dict) -> None:
    name = getattr(method, "__name__", "")
    owner = getattr(getattr(method, "__wrapped__", method), "__self__", None)  # the sandbox wraps str.format
    if isinstance(owner, (str, bytes)):
        if name in ("ljust", "rjust", "center", "zfill"):
            _check_width(args[0] if args else kwargs.get("width"))
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(size, int) and len(owner) + owner.count("\t" if isinstance(owner, str) else b"\t") * size > MAX_TEXT:
                raise LimitError.of("text")
        elif name == "replace" and len(args) >= 2:
            _check_replace(owner, *args[:3])
        elif name == "join" and args:
            _check_join(owner, list(args[0]) if not isinstance(args[0], (str, bytes)) else [args[0]])
        elif name == "format":
            _check_format(owner, args, kwargs)
        elif name == "format_map" and args and isinstance(args[0], Mapping):
            _check_format(owner, (), dict(args[0]))
        elif name == "translate" and args and isinstance(args[0], Mapping):
            longest = max((_length(v) for v in args[0].values() if v is not None), default=1)
            if len(owner) * longest > MAX_TEXT:
                raise LimitError.of("text")
    elif isinstance(owner, int) and name == "to_bytes":
        _check_width(args[0] if args else kwargs.get("length", 1))


# Filters whose result can be much larger than what they are given: value, args, kwargs -> checked.
def _filter_center(value, width=80, *_, **__):
    _check_width(width)


def _filter_indent(value, width=4, *_, **__):
    lines = str(value).count("\n") + 1
    _check_width(lines * (width if isinstance(width, int) else len(str(width))), len(str(value)))


def _filter_wordwrap(value, width=79, break_long_words=True, wrapstring=None, *_, **kwargs):
    text = str(value)
    wrap = kwargs.get("wrapstring", wrapstring)
    breaks = len(text) // max(width if isinstance(width, int) else 1, 1) + text.count(" ") + 1
    _check_width(breaks * len(str(wrap if wrap is not None else "\n")), len(text))


def _filter_format(value, *args, **kwargs):
    _check_printf(str(value), kwargs or args)


def _filter_replace(value, old="", new="", count=None, *_, **__):
    _check_replace(str(value), str(old), str(new), -1 if count is None else count)


def _filter_tojson(value, indent=None, *_, **__):
    if isinstance(indent, int):
        weight, depth = _measure(value)
        _check_width(weight * (1 + indent * (depth + 1)))


def _filter_urlize(value, trim_url_limit=None, nofollow=False, target=None, rel=None, *_, **__):
    extra = len(str(target or "")) + len(str(rel or "")) + 40
    _check_width((len(str(value)) // 4 + 1) * extra, len(str(value)))


def _filter_count(value, count=1, *_, **__):
    if isinstance(count, int) and count > MAX_TEXT:
        raise LimitError.of("items")


def _filter_round(value, precision=0, *_, **__):
    if isinstance(precision, int) and abs(precision) > MAX_DIGITS * 4:
        raise LimitError.of("number")


_FILTER_CHECKS: dict[str, Callable] = {
    "center": _filter_center, "indent": _filter_indent, "wordwrap": _filter_wordwrap, "format": _filter_format,
    "replace": _filter_replace, "tojson": _filter_tojson, "urlize": _filter_urlize, "round": _filter_round,
    "batch": _filter_count, "slice": _filter_count,
}


def _bounded_filter(name: str, function: Callable) -> Callable:
    """A filter that checks its arguments when it could make something huge, and its result."""
    check = _FILTER_CHECKS.get(name)
    skip = 0 if _PassArg.from_obj(function) is None else 1  # environment or context first, then the value
    materialize = name == "join"

    @functools.wraps(function)
    def bounded(*args, **kwargs):
        if materialize and len(args) > skip and not isinstance(args[skip], (str, bytes)):
            items = list(args[skip])
            _check_join(args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", ""), items)
            args = (*args[:skip], items, *args[skip + 1:])
        elif check is not None and len(args) > skip:
            check(*args[skip:], **kwargs)
        return _sized(function(*args, **kwargs))

    return bounded


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        size = len(numbers)
    except OverflowError:  # more numbers than an index can count
        size = MAX_TEXT + 1
    if size > MAX_TEXT:
        raise LimitError.of("range")
    return numbers


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    from jinja2.utils import generate_lorem_ipsum
    if isinstance(n, int) and isinstance(max, int) and n * max * 8 > MAX_TEXT:
        raise LimitError.of("text")
    return generate_lorem_ipsum(n, html, min, max)


def _turns(iterable: Any) -> Iterable:
    """A loop's items, each a step (the turn itself spends what it repeats: see `_Bounded._generate`)."""
    budget = _budget()
    for item in iterable:
        budget.spend()
        yield item


def _spend(steps: int) -> None:
    _budget().spend(steps)


def _join(pieces: Iterable[str]) -> str:
    """What a text (or a block of it) says, stopped as soon as it is longer than the limit."""
    out, total = [], 0
    append = out.append
    for piece in pieces:
        total += len(piece)
        if total > MAX_TEXT:
            raise LimitError.of("text")
        append(piece)
    return "".join(out)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _literal(value: list | tuple | dict) -> Any:
    """A list, tuple or mapping as written (`[eta, 5]`): a few plain values are counted at once."""
    if type(value) is dict or len(value) > 64:
        return _sized(value)
    weight = len(value)
    for item in value:
        kind = type(item)
        if kind is str:
            weight += len(item)
        elif kind not in _SCALARS:
            return _sized(value)
    if weight > MAX_TEXT:
        raise LimitError.of("items")
    return value


def _join_values(values: tuple) -> str:
    """`a ~ b`: each part shown as text, within the limit."""
    return _join(value if type(value) is str else str(_sized(value)) for value in values)


def _shown(value: Any) -> Any:
    """What a placeholder shows: nothing for a value not known yet ({{ eta }} before a dispatch), never 'None'."""
    return "" if value is None else _sized(value)


class _Generator(CodeGenerator):
    """Jinja's code generator, with `~` and the list, tuple and mapping literals measured as they are made."""

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.join_values((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")

    def _literal(self, visit, node, frame) -> None:
        self.write("environment.literal(")
        visit(node, frame)
        self.write(")")

    def visit_List(self, node: nodes.List, frame) -> None:
        self._literal(super().visit_List, node, frame)

    def visit_Dict(self, node: nodes.Dict, frame) -> None:
        self._literal(super().visit_Dict, node, frame)

    def visit_Tuple(self, node: nodes.Tuple, frame) -> None:
        if node.ctx == "load":
            self._literal(super().visit_Tuple, node, frame)
        else:  # names assigned to ({% for a, b in ... %}): nothing is made
            super().visit_Tuple(node, frame)


def _size_of(node: nodes.Node) -> int:
    """How many nodes a part of a template has: what one turn of a loop over it costs."""
    count, todo = 0, [node]
    while todo:
        current = todo.pop()
        count += 1
        todo.extend(current.iter_child_nodes())
    return count


class _Bounded(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every operator, loop, call, filter and output checked against the limits."""

    intercepted_binops = frozenset(_BINOPS)
    code_generator_class = _Generator
    concat = staticmethod(_join)
    join_values = staticmethod(_join_values)
    literal = staticmethod(_literal)
    turns = staticmethod(_turns)
    spend = staticmethod(_spend)

    def __init__(self, **options):
        super().__init__(**options)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.globals.update(range=_range, lipsum=_lipsum)
        self.binop_table = dict(_BINOPS)

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        return _BINOPS[operator](left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        if __obj is _spend or __obj is _turns:  # the checks `_generate` adds, not the author's calls
            return __obj(*args)
        budget = _budget()
        budget.spend()
        if isinstance(__obj, LoopContext) and args:  # a recursive loop going one level down
            args = (_turns(args[0]), *args[1:])
        _check_method(__obj, args, kwargs)
        budget.depth += 1
        try:
            if budget.depth > MAX_CALL_DEPTH:
                raise LimitError.of("calls")
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        return _sized(result)

    def _generate(self, source: nodes.Template, name, filename, defer_init: bool = False):
        # What runs again and again (a loop's turn, a macro's or a block's body) first spends its own size in
        # steps: the work of one evaluation is bounded whatever repeats it. A loop's items are counted too
        # (`turns`), for those a test such as `if x` skips.
        for part in list(source.find_all((nodes.For, nodes.Macro, nodes.CallBlock, nodes.Block))):
            cost = max(sum(_size_of(n) for n in part.body), 1)
            spend = nodes.ExprStmt(self._environment_call("spend", nodes.Const(cost), part.lineno), lineno=part.lineno)
            part.body = [spend, *part.body]
            if isinstance(part, nodes.For):
                part.iter = self._environment_call("turns", part.iter, part.lineno)
        source.set_environment(self)
        return super()._generate(source, name, filename, defer_init)

    @staticmethod
    def _environment_call(name: str, argument: nodes.Expr, lineno: int) -> nodes.Call:
        return nodes.Call(nodes.EnvironmentAttribute(name), [argument], [], None, None, lineno=lineno)


_ENV = _Bounded(undefined=StrictUndefined, autoescape=False, finalize=_shown)


def _evaluate(run: Callable[[], Any]) -> Any:
    """`run()` with a fresh budget: the limits hold for each evaluation on its own."""
    token = _BUDGET.set(_Budget())
    try:
        return run()
    except RecursionError:  # the interpreter's own stack: what nests so deep cannot be a scenario's need
        raise LimitError.of("nesting") from None
    finally:
        _BUDGET.reset(token)


@lru_cache(maxsize=None)
def _expression(source: str) -> Callable[..., Any]:
    # Code generation is the costly part of compiling: done on first use, once per distinct source.
    return _ENV.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=None)
def _template(source: str):
    return _ENV.from_string(source)


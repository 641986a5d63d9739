"""Conditions and text interpolation, run only in Jinja2's sandbox, within limits.

A scenario author writes `stress >= 70 and not located` or `Il arrive dans {{ eta }} minutes`.
Both are compiled once by the loader through a `SandboxedEnvironment`; a scenario can never
reach Python internals (`''.__class__` raises a SecurityError at run time and the loader
refuses any name or attribute starting with an underscore before that).

A scenario can no more exhaust the machine than reach its internals: every condition and text
runs within the limits below (the size of what it makes, of its numbers, how long it runs, how
deep it nests). The sandbox's operator interception (`intercepted_binops`) checks `*`, `**`, `%`
and the others before they run; loops, `~`, literals, filters and calls are checked the same way.
What goes beyond a limit raises `LimitError` (code X003) with a sentence and a hint for the
author, in milliseconds, instead of running for minutes or filling the memory.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import string
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, meta, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.parser import Parser
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, _PassArg

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


# --- Operators, checked before they run where their result could be huge (`'a' * 10**9`, `10**(10**7)`),
# after otherwise. The same functions serve Jinja's sandbox and the checked tree below.

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

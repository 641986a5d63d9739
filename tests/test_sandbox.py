"""Scenario conditions and texts run only in Jinja2's sandbox: no way to Python internals."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.expressions import ExpressionError, compile_condition, compile_template
from simulator.loader import parse_scenario
from tests.conftest import scenario_text

ATTACKS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ caller.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ caller|attr('__class__') }}",
    "{{ caller|attr('upper') }}",
    "{{ caller['__class__'] }}",
    "{{ self._TemplateReference__context }}",
    "{{ namespace.__init__ }}",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_template_reaching_internals_is_refused_before_it_runs(attack):
    with pytest.raises(ExpressionError):
        compile_template(attack)


@pytest.mark.parametrize("attack", [a[3:-3] for a in ATTACKS if a.startswith("{{ ")])
def test_a_condition_reaching_internals_is_refused_before_it_runs(attack):
    with pytest.raises(ExpressionError):
        compile_condition(attack)


def test_the_refusal_in_a_scenario_is_positioned(lib):
    text = scenario_text(**{'nl: "Uw nummerplaat?"': "nl: \"{{ ''.__class__.__mro__ }}\""})
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "call.yaml", lib.rubrics, lib.directory)
    problem = caught.value.problems[0]
    assert (problem.code, problem.line, problem.column) == ("X001", 67, 46)
    assert problem.message == "'__mro__' cannot be used: names starting with '_' are reserved."


def test_a_method_call_on_a_plain_value_is_blocked_at_run_time():
    condition = compile_condition("caller.mro()")
    with pytest.raises(ExpressionError):
        condition({"caller": "Nadia"})


def test_ordinary_conditions_and_texts_work():
    assert compile_condition("stress >= 70 and not located and 'offroad' in needs")(
        {"stress": 80, "located": False, "needs": ["offroad"]})
    assert compile_template("{{ provider }} arrive dans {{ eta }} minutes.").render(
        {"provider": "Dépannage X", "eta": 25}) == "Dépannage X arrive dans 25 minutes."


def test_a_placeholder_with_no_value_yet_shows_nothing_rather_than_a_programmers_word():
    text = compile_template("Le dépanneur arrive dans {{ eta }} minutes.")
    assert text.render({"eta": None}) == "Le dépanneur arrive dans  minutes."
    assert text.render({"eta": 12}) == "Le dépanneur arrive dans 12 minutes."


@pytest.mark.parametrize("source, names", [
    ("{{ provider }} arrive dans {{ eta }} minutes.", {"provider", "eta"}),
    ("{% for b in booked %}{{ b.name }} {% endfor %}", {"booked"}),  # the loop's own name is not asked of the call
    ("{% set late = eta > 30 %}{{ 'tard' if late else caller }}", {"eta", "caller"}),
])
def test_a_text_names_exactly_what_the_call_must_provide(source, names):
    assert compile_template(source).names.names == names


def test_a_condition_names_its_flags_and_variables():
    assert compile_condition("dispatched and eta > 20 or not known.plate").names.names == {"dispatched", "eta", "known"}


def _outcome(function, context):
    try:
        return ("value", bool(function(context)))
    except Exception as exc:  # noqa: BLE001 - both ways must fail alike
        return ("error", type(exc).__name__)


def test_the_checked_tree_decides_every_bundled_condition_as_jinja_does():
    """Conditions made of names, comparisons and arithmetic skip Jinja's per-call context; on every
    condition of every bundled scenario, in the states random calls reach, both give the same answer."""
    import random

    from simulator.catalog import bundled_scenarios, open_scenario
    from simulator.engine import Session, Status
    from simulator.expressions import _checked, _expression

    compared = 0
    for path in bundled_scenarios():
        scenario, lib = open_scenario(path.stem)
        conditions = {o.when.source for c in scenario.cases.values() for n in c.nodes.values() for o in n.options if o.when}
        conditions |= {e.when.source for c in scenario.cases.values() for e in c.events if e.when}
        rng = random.Random(7)
        for _ in range(15):
            session = Session(scenario, lib.directory)
            session.apply({"type": "start", "lang": "fr"})
            while not session.ended and session.state.turn < 80:
                context = session.context()
                for source in conditions:
                    fast = _checked(source)
                    if fast is not None:
                        assert _outcome(fast, context) == _outcome(lambda c, source=source: _expression(source)(**c), context), source
                        compared += 1
                st = session.state
                if st.status is Status.AWAITING_INPUT:
                    session.apply({"type": "input", "value": "x"})
                elif st.status is Status.AWAITING_PROVIDER:
                    ids = [p.id for p in session.directory.of_kind(st.pending["kind"])]
                    session.apply({"type": "provider", "id": rng.choice(ids)})
                else:
                    session.apply({"type": "choose", "option": rng.choice(session.options()).id})
    assert compared > 10_000


# ------------------------------------------------------------------ limits (issue 18)
# A condition or text can no more exhaust the machine than reach its internals: what goes beyond a
# limit is refused with a sentence for the author, at load when it reads nothing from the call, when it
# runs otherwise.

from simulator.expressions import LimitError  # noqa: E402

TOO_LONG = "it would make a text longer than 10,000 characters."
TOO_MANY = "it would make a list or mapping of more than 10,000 values and characters."
TOO_BIG = "it would make a number with more than 100 digits."
TOO_SLOW = "it would take too long: its loops and calls repeat too many times."
TOO_DEEP = "a macro or a loop calls itself more than 20 levels deep."
NESTED = "it is nested more than 30 levels deep (brackets, operators or blocks inside one another)."
LONG = "x" * 9_000  # within the limit on its own; amplified, beyond it
CALL = {"caller": "Nadia Lambert", "stress": 50, "long": LONG, "safe": True, "booked": []}


def refusal(source: str, context: dict | None = None, *, condition: bool = False) -> str:
    """The sentence of the LimitError that compiling `source`, or else running it with `context`, raises."""
    with pytest.raises(LimitError) as caught:
        compiled = compile_condition(source) if condition else compile_template(source)
        compiled(context or CALL) if condition else compiled.render(context or CALL)
    return caught.value.message


def said(source: str) -> str:
    """The start of a refusal, as the author reads it: which text, and that it cannot be filled in."""
    shown = source if len(source) <= 60 else source[:57] + "..."
    return f"the text '{shown}' cannot be filled in: "


@pytest.mark.parametrize("source, reason", [
    ("{{ 'a'*10**9 }}", TOO_LONG),
    ("{{ caller * 100000000 }}", TOO_LONG),
    ("{{ '%0999999999d' % 1 }}", TOO_LONG),
    ("{{ '{:>999999999}'.format(1) }}", TOO_LONG),
    ("{{ ('{0}' * 1000).format(long) }}", TOO_LONG),
    ("{{ 'a'|center(10**9) }}", TOO_LONG),
    ("{{ 'a'.ljust(10**9) }}", TOO_LONG),
    ("{{ long.replace('x', long) }}", TOO_LONG),
    ("{{ long|indent(9000) }}", TOO_LONG),
    ("{{ range(9000)|map('string')|join(long) }}", TOO_LONG),
    ("{{ (1).to_bytes(10**9, 'big') }}", TOO_LONG),
    ("{{ lipsum(10**9) }}", TOO_LONG),
    ("{{ long ~ long }}", TOO_LONG),
    ("{% set ns = namespace(s='a') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}", TOO_LONG),
    ("{% set x %}{% for i in range(2000) %}{{ caller }}{% endfor %}{% endset %}{{ x }}", TOO_LONG),
    ("{% for i in range(5000) %}{{ caller }}{% endfor %}", TOO_LONG),
], ids=lambda v: v[:40] if v.startswith("{") else None)
def test_a_text_that_would_be_too_long_is_refused_before_it_fills_the_memory(source, reason):
    assert refusal(source) == said(source) + reason


@pytest.mark.parametrize("source", [
    "{{ [long] * 1000 }}",
    "{{ {}.fromkeys(range(9000), long) }}",
    "{{ [1]|batch(10**9, 'x')|list }}",
    "{% set ns = namespace(x=[1], y=[1]) %}{% for i in range(60) %}{% set ns.x = [ns.x, ns.x] %}"
    "{% set ns.y = [ns.y, ns.y] %}{% endfor %}{{ ns.x == ns.y }}",
])
def test_a_list_that_would_be_too_large_is_refused_even_when_it_repeats_one_list(source):
    """The doubling list is 60 small lists deep in memory but 2**60 values once printed or compared."""
    assert refusal(source) == said(source) + TOO_MANY


@pytest.mark.parametrize("source", ["{{ 10**(10**7) }}", "{{ 10**100 * 10**100 }}", "{{ 5|round(-10**9) }}",
                                    "{{ stress ** stress ** stress }}"])
def test_a_number_that_would_be_too_big_is_refused_before_it_is_worked_out(source):
    assert refusal(source) == said(source) + TOO_BIG


def test_a_condition_with_a_number_too_big_says_which_condition():
    assert refusal("safe and 10**(10**10) > 1", condition=True) == (
        "the condition 'safe and 10**(10**10) > 1' cannot be worked out: " + TOO_BIG)


def test_a_condition_with_the_call_s_values_too_big_is_refused_when_it_runs():
    condition = compile_condition("stress ** stress ** stress > 1")
    with pytest.raises(LimitError) as caught:
        condition({"stress": 50})
    assert caught.value.message == "the condition 'stress ** stress ** stress > 1' cannot be worked out: " + TOO_BIG


@pytest.mark.parametrize("source", [
    "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}x",
    "{% for a in long %}{% for b in long %}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(19) }}",
    "{% for i in range(5000) %}{% if long|list|sort == long|list %}{% endif %}{% endfor %}",
])
def test_loops_and_calls_that_would_run_for_minutes_are_stopped(source):
    assert refusal(source) == said(source) + TOO_SLOW


def test_a_range_too_large_to_loop_over_is_refused():
    source = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}x"
    assert refusal(source) == said(source) + "it asks for a range of more than 10,000 numbers."


@pytest.mark.parametrize("source", [
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{% for x in [1, 2] recursive %}{{ loop([1, 2]) }}{% endfor %}",
    "{% block b %}{{ self.b() }}{% endblock %}",
])
def test_a_macro_or_loop_calling_itself_without_end_is_stopped_before_the_stack_overflows(source):
    assert refusal(source) == said(source) + TOO_DEEP


@pytest.mark.parametrize("source", [
    "{{ " + "(" * 80 + "caller" + ")" * 80 + " }}",
    "{{ " + " + ".join(["stress"] * 1000) + " }}",
    "{{ caller" + "|e" * 2000 + " }}",
    "{{ " + "not " * 2000 + "safe }}",
    "{% if safe %}" * 200 + "{% endif %}" * 200,
])
def test_a_text_nested_too_deep_is_refused_when_it_is_compiled(source):
    with pytest.raises(LimitError) as caught:
        compile_template(source)
    assert caught.value.message == said(source) + NESTED


def test_eighty_nested_parentheses_in_a_condition_are_refused_when_it_is_compiled():
    source = "(" * 80 + "safe" + ")" * 80
    with pytest.raises(LimitError) as caught:
        compile_condition(source)
    assert caught.value.message == "the condition '" + "(" * 57 + "...' cannot be worked out: " + NESTED


def test_lists_inside_lists_too_deep_are_refused_before_printing_them_overflows_the_stack():
    source = "{% set ns = namespace(x=1) %}{% for i in range(40) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"
    assert refusal(source) == said(source) + "it would put lists inside lists more than 30 levels deep."


def test_a_number_written_with_thousands_of_digits_is_refused_when_it_is_compiled():
    source = "{{ " + "9" * 5000 + " }}"
    with pytest.raises(LimitError) as caught:
        compile_template(source)
    assert caught.value.message == said(source) + "it holds a number written with more than 100 digits."


def test_a_text_with_placeholders_longer_than_the_limit_as_written_is_refused():
    source = "{{ caller }} " + "x" * 10_000
    with pytest.raises(LimitError) as caught:
        compile_template(source)
    assert caught.value.message == said(source) + "it is longer than 10,000 characters."


def test_each_refusal_has_the_code_x003_and_a_hint():
    with pytest.raises(LimitError) as caught:
        compile_template("{{ 'a'*10**9 }}")
    assert caught.value.code == "X003"
    assert caught.value.hint == ("A scenario text is a few sentences: look for a text or a list repeated with '*', "
                                 "or built up in a loop.")


def test_a_refusal_in_play_says_where_the_text_is_written():
    from dataclasses import replace

    text = replace(compile_template("{{ caller * 100000000 }}"), where="call.yaml:72:19")
    with pytest.raises(LimitError) as caught:
        text.render(CALL)
    assert str(caught.value) == (
        "call.yaml:72:19: X003 the text '{{ caller * 100000000 }}' cannot be filled in: " + TOO_LONG + "\n"
        "    hint: A scenario text is a few sentences: look for a text or a list repeated with '*', or built up in a loop.")


def test_texts_within_the_limits_are_filled_in_as_before():
    source = ("{% for b in booked %}{{ b.name }} ({{ b.eta }} min){{ ', ' if not loop.last }}{% endfor %}, "
              "{{ [ (eta + 4 - minutes) | round | int, 5 ] | max }} min, {{ caller ~ '!' }} {{ '%02d' % stress }}")
    context = {"booked": [{"name": "Hotel A", "eta": 20}, {"name": "Taxi B", "eta": 5}], "eta": 25, "minutes": 3.5,
               "caller": "Nadia", "stress": 7}
    assert compile_template(source).render(context) == "Hotel A (20 min), Taxi B (5 min), 26 min, Nadia! 07"


def _result(function, context):
    """('value', what it gives) or ('error', the name of the error Jinja raised, beneath any ExpressionError)."""
    try:
        return ("value", function(context))
    except ExpressionError as exc:
        return ("error", type(exc.cause).__name__)
    except Exception as exc:  # noqa: BLE001 - both ways must fail alike
        return ("error", type(exc).__name__)


def test_the_limits_change_nothing_in_the_bundled_texts_and_conditions():
    """Every text and condition of every bundled scenario, in the states random calls reach: the bounded
    sandbox gives what the plain immutable sandbox gives, the same text, the same answer, the same failure."""
    import functools
    import random

    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from simulator.catalog import bundled_scenarios, open_scenario
    from simulator.engine import Session, Status
    from simulator.expressions import Template
    from simulator.loader import expressions_of

    plain = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                          finalize=lambda v: "" if v is None else v)

    @functools.lru_cache(maxsize=None)
    def unbounded(source: str, is_text: bool):
        if is_text:
            template = plain.from_string(source)
            return lambda c: template.render(**c)
        expression = plain.compile_expression(source, undefined_to_none=False)
        return lambda c: bool(expression(**c))

    compared = 0
    for path in bundled_scenarios():
        scenario, lib = open_scenario(path.stem)
        pieces = [(cid, piece, unbounded(piece.source, isinstance(piece, Template)))
                  for cid, _, piece in expressions_of(scenario)]
        rng = random.Random(11)
        for _ in range(3):
            session = Session(scenario, lib.directory)
            session.apply({"type": "start", "lang": "fr"})
            while not session.ended and session.state.turn < 80:
                for cid, piece, reference in pieces:
                    context = session.context(cid).full()
                    bounded = piece.render if isinstance(piece, Template) else piece
                    assert _result(bounded, context) == _result(reference, context), piece.source
                    compared += 1
                st = session.state
                if st.status is Status.AWAITING_INPUT:
                    session.apply({"type": "input", "value": "x"})
                elif st.status is Status.AWAITING_PROVIDER:
                    ids = [p.id for p in session.directory.of_kind(st.pending["kind"])]
                    session.apply({"type": "provider", "id": rng.choice(ids)})
                else:
                    session.apply({"type": "choose", "option": rng.choice(session.options()).id})
    assert compared > 10_000

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
                        assert _outcome(fast, context) == _outcome(lambda c: _expression(source)(**c), context), source
                        compared += 1
                st = session.state
                if st.status is Status.AWAITING_INPUT:
                    session.apply({"type": "input", "value": "x"})
                elif st.status is Status.AWAITING_PROVIDER:
                    ids = [p.id for p in lib.directory.of_kind(st.pending["kind"])]
                    session.apply({"type": "provider", "id": rng.choice(ids)})
                else:
                    session.apply({"type": "choose", "option": rng.choice(session.options()).id})
    assert compared > 10_000

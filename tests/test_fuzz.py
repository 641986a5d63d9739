"""Mutated scenario and rubric files either load or give positioned problems; nothing else, ever."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.catalog import RUBRICS, bundled_scenarios, library
from simulator.errors import ScenarioError
from simulator.loader import build_rubric, parse_scenario
from simulator.yamlsource import parse_yaml
from tests.conftest import E411, TWO_CALLS

SOURCES = [E411, TWO_CALLS, *bundled_scenarios()]
RUBRIC_SOURCES = sorted(RUBRICS.glob("*.yaml"))
LIB = library()


TEXTS: dict = {}


def _text(path) -> str:
    """Each file is read once: the strategy must not depend on files changing under it."""
    if path not in TEXTS:
        TEXTS[path] = path.read_text(encoding="utf-8")
    return TEXTS[path]


@st.composite
def mutated(draw, paths):
    path = draw(st.sampled_from(paths))
    lines = _text(path).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "truncate", "unicode", "retype", "key"]))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i][2:]
        elif kind == "truncate":
            lines = lines[:i] + [lines[i][: draw(st.integers(0, len(lines[i])))]]
        elif kind == "unicode":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(min_size=1, max_size=4)) + lines[i][at:]
        elif kind == "retype" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = key + ": " + draw(st.sampled_from(["[1, 2]", "{a: b}", "42", "-3.5", "true", "null", "''", "~"]))
        elif kind == "key" and ":" in lines[i]:
            key, rest = lines[i].split(":", 1)
            lines[i] = key + draw(st.sampled_from(["x", "_", "s", "-"])) + ":" + rest
    return path, "\n".join(lines)


def _loads_or_positioned(load, text):
    try:
        load(text)
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry problems"
        for problem in exc.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.code and problem.message


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(SOURCES))
def test_a_mutated_scenario_loads_or_reports_positioned_problems(case):
    path, text = case
    _loads_or_positioned(lambda t: parse_scenario(t, path.name, LIB.rubrics, LIB.directory), text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(RUBRIC_SOURCES))
def test_a_mutated_rubric_loads_or_reports_positioned_problems(case):
    path, text = case
    _loads_or_positioned(lambda t: build_rubric(parse_yaml(t, path.name)), text)

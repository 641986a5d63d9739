"""Quality gates for every bundled scenario: what a trainee meets must be sound.

For each scenario: lint --strict is clean; the model call passes with 90 or more; a random
exploration (1,000 calls) finds no call that passes while missing a critical step; every
ending is reached (by that exploration or by a recorded call: tests/scenarios/ID/ has a file
for each ending random calls seldom reach); the recorded best and bad calls give their exact
results; no text is left untranslated or as a placeholder.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from simulator import model as m
from simulator.answers import load_answers
from simulator.catalog import bundled_scenarios, open_scenario
from simulator.engine import Session
from simulator.explore import explore_random
from simulator.lint import lint_paths
from simulator.scoring import score_actions

RECORDED = Path(__file__).parent / "scenarios"
# Random calls explored for each scenario. The gameability gate (tests/test_gameability.py) plays 2,000 more,
# scored, on another sampler; 1,000 here keep the two content checks near 2 CPU-minutes for eleven calls.
EXPLORED_CALLS = 1000
IDS = [p.stem for p in bundled_scenarios()]
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum)\b|\[(fr|nl|en)\]|\?\?\?", re.IGNORECASE)


@lru_cache(maxsize=None)
def opened(sid):
    return open_scenario(sid, check_model=True)


@lru_cache(maxsize=None)
def exploration(sid):
    scenario, lib = opened(sid)
    return explore_random(scenario, lib.rubrics[scenario.rubric_id], lib.directory, runs=EXPLORED_CALLS, seed=1)


def play(sid, actions):
    scenario, lib = opened(sid)
    session = Session(scenario, lib.directory)
    for action in actions:
        session.apply(action)
    return session, score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, actions)


def recorded_paths(sid) -> dict[str, list[dict]]:
    folder = RECORDED / sid
    return {p.stem: [a for a, _ in load_answers(p)] for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def test_there_are_at_least_five_scenarios():
    assert len(IDS) >= 5


@pytest.mark.parametrize("sid", IDS)
def test_lint_strict_is_clean(sid):
    problems, _ = lint_paths([bundled_scenarios()[IDS.index(sid)]])
    assert [p.format() for p in problems] == []


@pytest.mark.parametrize("sid", IDS)
def test_the_model_call_passes_with_90_or_more(sid):
    scenario, _ = opened(sid)
    model = list(scenario.model) or recorded_paths(sid).get("best")
    assert model, f"{sid} has neither a model call nor a recorded best call"
    session, score = play(sid, model)
    assert session.ended and score.passed and score.overall >= 90, (score.overall, score.critical_failures)


@pytest.mark.parametrize("sid", IDS)
def test_no_call_passes_while_missing_a_critical_step_and_none_gets_stuck(sid):
    result = exploration(sid)
    assert [(p.code, p.message) for p in result.problems] == []  # passes_without_critical, dead_end, stuck...


@pytest.mark.parametrize("sid", IDS)
def test_every_ending_is_reached(sid):
    scenario, _ = opened(sid)
    reached = set(exploration(sid).endings)
    for actions in recorded_paths(sid).values():
        session, _ = play(sid, actions)
        reached.update(cs.ending for cs in session.state.cases.values() if cs.ending)
    assert reached == set(scenario.endings)


@pytest.mark.parametrize("sid", IDS)
def test_recorded_best_and_bad_calls_give_their_exact_results(sid):
    expected_file = RECORDED / sid / "expected.json"
    if not expected_file.exists():
        pytest.skip(f"{sid} has no recorded expectations (tests/scenarios/{sid}/expected.json)")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    paths = recorded_paths(sid)
    for name, want in expected.items():
        session, score = play(sid, paths[name])
        assert {"ending": session.state.ending, "overall": score.overall, "passed": score.passed} == want, name


def all_texts(scenario: m.Scenario):
    yield "title", scenario.title
    yield "summary", scenario.summary
    yield "briefing", scenario.briefing
    for ending in scenario.endings.values():
        yield f"ending {ending.id}", ending.title
        yield f"ending {ending.id}", ending.debrief
    for case in scenario.cases.values():
        for node in case.nodes.values():
            for variant in node.say.variants if node.say else ():
                yield f"node {node.id}", variant.text
            for option in node.options:
                yield f"option {option.id}", option.text
                for variant in option.reply.variants if option.reply else ():
                    yield f"reply {option.id}", variant.text
                if option.debrief:
                    yield f"debrief {option.id}", option.debrief


@pytest.mark.parametrize("sid", IDS)
def test_every_text_is_translated_and_no_placeholder_is_left(sid):
    scenario, _ = opened(sid)
    untranslated, placeholders = [], []
    for where, text in all_texts(scenario):
        sources = {lang: t.source.strip() for lang, t in text.values.items()}
        if len(set(sources.values())) < len(sources) and len(min(sources.values(), key=len)) > 12:
            untranslated.append(where)
        placeholders += [f"{where} ({lang})" for lang, s in sources.items() if PLACEHOLDER.search(s)]
    assert (untranslated, placeholders) == ([], [])


def test_the_readme_and_the_trainees_guide_list_every_bundled_call_with_its_level_and_minutes():
    root = Path(__file__).resolve().parent.parent
    for guide in (root / "README.md", root / "docs" / "trainees.md"):
        rows = re.findall(r"^\| `([a-z0-9-]+)` \| .+ \| (★+) \| (\d+) \|$", guide.read_text(encoding="utf-8"), re.M)
        listed = {sid: (len(stars), int(minutes)) for sid, stars, minutes in rows}
        assert listed == {sid: (opened(sid)[0].difficulty, opened(sid)[0].minutes) for sid in IDS}, guide.name

"""plateau paths: every path played through the engine and scoring, equivalent states merged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.engine import Session, Status
from simulator.explore import Finding, explore, explore_random, moves
from simulator.loader import load_scenario, parse_scenario
from simulator.scoring import score_actions
from tests.conftest import E411
from tests.test_cli import plateau

ROOT = Path(__file__).parent.parent
PATHS = ROOT / "tests" / "fixtures" / "paths"
BRANCHES = PATHS / "branches.yaml"
SKIPS = PATHS / "skips-critical.yaml"
DELAY = PATHS / "delay-before-dispatch.yaml"


def load(path, lib):
    return load_scenario(path, lib.rubrics, lib.directory)


def every_path(scenario, lib, silence=False):
    """Plain enumeration without merging: (path, score) for every complete path. Only for small scenarios."""
    out = []
    todo = [[]]
    while todo:
        actions = todo.pop()
        session = Session(scenario, lib.directory)
        for action in actions:
            session.apply(action)
        if session.state.status is Status.ENDED:
            out.append((actions, score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, actions)))
            continue
        switched = bool(actions) and actions[-1]["type"] == "switch"
        todo.extend(actions + [a] for a in moves(scenario, session, "both", switched, silence))
    return out


def test_a_small_call_has_its_eight_paths_and_exact_score_range(lib):
    result = explore(load(BRANCHES, lib), lib.rubrics["roadside"], lib.directory)
    assert (result.complete, result.paths, result.states, result.endings) == (True, 8, 20, {"done": 4, "left": 4})
    assert (result.score_min, result.score_max, result.passes) == (42.6, 96.1, 1)
    assert result.best == [{"type": "start", "lang": "nl"}, "greet", "check", "locate", "send"]
    assert result.worst == [{"type": "start", "lang": "nl"}, "hurry", "skip", "locate", "hang-up"]
    assert result.criteria["calm"] == {"min": 11.5, "max": 25.0, "out_of": 25.0}
    assert result.problems == []


@pytest.mark.parametrize("fixture, silence", [(BRANCHES, False), (BRANCHES, True), (E411, False)])
def test_merging_states_gives_what_plain_enumeration_gives(lib, fixture, silence):
    scenario = load(fixture, lib)
    plain = every_path(scenario, lib, silence)
    merged = explore(scenario, lib.rubrics["roadside"], lib.directory, silence=silence)
    scores = [s.overall for _, s in plain]
    assert merged.paths == len(plain)
    assert (merged.score_min, merged.score_max) == (min(scores), max(scores))
    assert merged.passes == sum(1 for _, s in plain if s.passed)
    endings = {}
    for _, s in plain:
        endings[s.ending] = endings.get(s.ending, 0) + 1
    assert merged.endings == endings
    for cid in merged.criteria:
        values = [s.criteria[cid].score for _, s in plain if s.criteria[cid].applies]
        assert (merged.criteria[cid]["min"], merged.criteria[cid]["max"]) == (min(values), max(values))
    assert merged.states < merged.paths or merged.paths < 20


def test_a_call_that_passes_without_a_critical_step_is_a_problem(lib):
    result = explore(load(SKIPS, lib), lib.rubrics["roadside"], lib.directory)
    assert [(p.code, p.message, p.path) for p in result.problems] == [
        ("passes_without_critical", "a call can pass without the critical step 'safety_check' in case 'eva'.",
         ({"type": "start", "lang": "nl"}, "greet", "go-on", "locate", "send"))]


def chain(depth: int) -> str:
    """A call of `depth` nodes in a row, each with two ways to say the same thing: 2**depth paths."""
    nodes = []
    for i in range(depth):
        nxt = f"goto: n{i + 1}" if i + 1 < depth else "end: done"
        nodes.append(f"""      n{i}:
        options:
          - {{id: a{i}, text: {{fr: Oui {i}, nl: Ja {i}, en: Yes {i}}}, {nxt}}}
          - {{id: b{i}, text: {{fr: D'accord {i}, nl: Akkoord {i}, en: Agreed {i}}}, {nxt}}}""")
    return """id: chain
version: 1
title: {fr: Chaîne, nl: Keten, en: Chain}
summary: {fr: Chaîne., nl: Keten., en: Chain.}
briefing: {fr: Chaîne., nl: Keten., en: Chain.}
difficulty: 1
minutes: 5
rubric: roadside
clock_start: 2026-03-12T08:10
endings:
  done: {outcome: resolved, title: {fr: Fini, nl: Klaar, en: Done}, debrief: {fr: Bien., nl: Goed., en: Good.}}
  gone: {outcome: hung_up, title: {fr: Parti, nl: Weg, en: Gone}, debrief: {fr: Non., nl: Nee., en: No.}}
cases:
  eva:
    reference: DOS-1
    caller: {name: Eva, languages: [nl], stress: 40, hang_up_ending: gone}
    truth: {}
    start: n0
    nodes:
""" + "\n".join(nodes) + "\n"


def test_cost_follows_states_not_paths(lib):
    scenario = parse_scenario(chain(40), "chain.yaml", lib.rubrics, lib.directory)
    result = explore(scenario, lib.rubrics["roadside"], lib.directory)
    assert result.paths == 2 ** 40
    assert (result.states, result.transitions) == (42, 81)
    assert result.endings == {"done": 2 ** 40}


def test_random_calls_are_reproducible_from_their_seed(lib):
    scenario = load(E411, lib)
    one = explore_random(scenario, lib.rubrics["roadside"], lib.directory, runs=30, seed=7)
    two = explore_random(scenario, lib.rubrics["roadside"], lib.directory, runs=30, seed=7)
    assert one.as_dict() == two.as_dict()
    assert sum(one.endings.values()) == 30
    assert 1 <= one.paths <= 30
    full = explore(scenario, lib.rubrics["roadside"], lib.directory)
    assert full.score_min <= one.score_min <= one.score_max <= full.score_max


def test_a_budget_too_small_says_the_exploration_is_incomplete(lib):
    result = explore(load(E411, lib), lib.rubrics["roadside"], lib.directory, max_states=10)
    assert (result.complete, result.out_of_states, result.states) == (False, True, 10)


DELAY_FINDING = Finding(
    "condition_failed",
    "the condition 'eta > 10' cannot be worked out when no provider has been dispatched yet: eta is empty.",
    ({"type": "start", "lang": "nl"}, "greet", "check"), "eva", "where",
    ("cases", "eva", "nodes", "where", "options", 0, "when"), "Test 'dispatched' first: 'dispatched and eta > 10'.")


def test_a_failing_condition_stops_the_paths_that_reach_it_and_every_other_path_is_followed(lib):
    result = explore(load(DELAY, lib), lib.rubrics["roadside"], lib.directory)
    assert (result.complete, result.paths, result.stopped, result.endings) == (True, 2, 4, {"left": 2})
    assert result.problems == [DELAY_FINDING]


def test_every_random_call_asked_for_is_played_and_those_a_problem_stops_are_counted(lib):
    result = explore_random(load(DELAY, lib), lib.rubrics["roadside"], lib.directory, runs=1000, seed=1)
    assert (result.calls, sum(result.endings.values()), result.stopped) == (1000, 355, 645)
    assert [(p.code, p.message, p.at) for p in result.problems] == [
        (DELAY_FINDING.code, DELAY_FINDING.message, DELAY_FINDING.at)]


# ------------------------------------------------------------------ the command


def test_json_report_has_the_documented_keys():
    result = plateau("paths", str(BRANCHES), "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert {"paths", "states", "endings", "score", "best", "worst", "problems"} <= set(report)
    assert (report["paths"], report["states"], report["endings"], report["score"]) == (
        8, 20, {"done": 4, "left": 4}, {"min": 42.6, "max": 96.1})


def test_text_report_for_instructors():
    result = plateau("paths", "tests/fixtures/paths/branches.yaml", cwd=ROOT)
    assert result.stdout == (
        "paths-branches: every path followed (20 states, 19 moves tried)\n"
        "paths: 8\n"
        "endings: done 4, left 4\n"
        "score: min 42.6, max 96.1 (pass mark 70); 1 path passes\n"
        "criteria: calm 11.5-25/25, procedure 10-27.3/30, timing 3.3-10/10, language 5-5/5\n"
        "best call (96.1, passes, done): start nl, greet, check, locate, send\n"
        "worst call (42.6, fails, left): start nl, hurry, skip, locate, hang-up\n"
        "problems: none\n")


def test_problems_make_the_command_exit_1():
    result = plateau("paths", str(SKIPS))
    assert result.returncode == 1
    assert ("  passes_without_critical: a call can pass without the critical step 'safety_check' in case 'eva'. "
            "After: start nl, greet, go-on, locate, send.") in result.stdout.splitlines()


def test_best_and_worst_calls_replay_with_play_answers(tmp_path):
    best, worst = tmp_path / "best.yaml", tmp_path / "worst.yaml"
    report = json.loads(plateau("paths", str(E411), "--json", "--save-best", str(best), "--save-worst", str(worst)).stdout)
    for path, key in ((best, "best_score"), (worst, "worst_score")):
        played = plateau("play", str(E411), "--answers", str(path), "--json", "--transcript", str(tmp_path / f"{key}.jsonl"))
        assert played.returncode == 0, played.stderr
        final = json.loads(played.stdout)
        assert (final["ending"], final["score"]["overall"]) == (report[key]["ending"], report[key]["overall"])


def test_random_mode_from_the_command_line():
    result = plateau("paths", str(E411), "--random", "20", "--seed", "3", "--json")
    report = json.loads(result.stdout)
    assert (report["mode"], sum(report["endings"].values())) == ("random", 20)


def test_a_run_cut_short_says_so_and_suggests_random_calls():
    result = plateau("paths", "tests/fixtures/e411-flat-tyre.yaml", "--max-states", "10", cwd=ROOT)
    assert result.stdout.splitlines()[:3] == [
        "e411-flat-tyre: stopped before every path was followed (10 states, 9 moves tried)",
        "limit: --max-states 10 reached; raise it, or sample the paths with --random 1000",
        "paths: 1 followed to an ending"]


DELAY_PROBLEM = [
    "problems:",
    "  condition_failed (line 67): the condition 'eta > 10' cannot be worked out when no provider has been "
    "dispatched yet: eta is empty. After: start nl, greet, check.",
    "    hint: Test 'dispatched' first: 'dispatched and eta > 10'."]


def test_a_failing_condition_is_reported_with_its_line_and_every_other_path_followed():
    result = plateau("paths", "tests/fixtures/paths/delay-before-dispatch.yaml", cwd=ROOT)
    lines = result.stdout.splitlines()
    assert (result.returncode, lines[:3], lines[-3:]) == (1, [
        "paths-delay: every path followed (6 states, 9 moves tried)",
        "paths: 2 reach an ending, 4 stop at a problem (see the problems)",
        "endings: left 2"], DELAY_PROBLEM)


def test_random_calls_stopped_by_a_problem_are_counted_and_fail_the_command_too():
    result = plateau("paths", "tests/fixtures/paths/delay-before-dispatch.yaml", "--random", "1000", "--seed", "1",
                     cwd=ROOT)
    lines = result.stdout.splitlines()
    assert (result.returncode, lines[:4]) == (1, [
        "paths-delay: 1,000 random calls (5 states, 3,000 moves tried)",
        "calls: 355 reach an ending, 645 stop at a problem (see the problems)",
        "paths: 2 distinct",
        "endings: left 355"])
    assert lines[-2].startswith("  condition_failed (line 67): the condition 'eta > 10' cannot be worked out when no "
                                "provider has been dispatched yet: eta is empty. After: start nl, ")


def test_a_scenario_far_too_large_is_not_started():
    result = plateau("paths", "tests/fixtures/e411-flat-tyre.yaml", "--max-states", "0", cwd=ROOT)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("plateau: e411-flat-tyre has too many paths to follow every one (at least 8 states, more "
                             "than 0): sample it with random calls instead, for example 'plateau paths "
                             "tests/fixtures/e411-flat-tyre.yaml --random 1000 --seed 1'.\n")

"""The gameability gate: no naive way of playing passes a bundled call.

Pressing the same number at every prompt (k = 1..4, over 20 shuffle seeds), always taking the
longest or the shortest sentence (measured in French, Dutch and English), or answering at random
(2,000 calls): the fixed strategies never pass, and random calls pass under 2% of the time.
"""

from __future__ import annotations

import random
from functools import lru_cache

import pytest

from simulator.catalog import bundled_scenarios, open_scenario
from simulator.strategies import always, at_random, by_length, play

IDS = [p.stem for p in bundled_scenarios()]
SEEDS = range(1, 21)
RANDOM_CALLS = 2000


@lru_cache(maxsize=None)
def opened(sid):
    scenario, lib = open_scenario(sid, check_model=False)
    return scenario, lib.rubrics[scenario.rubric_id], lib.directory


@pytest.mark.parametrize("sid", IDS)
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_always_the_same_number_never_passes(sid, k):
    scenario, rubric, directory = opened(sid)
    passed = {seed: played.score.overall for seed in SEEDS
              if (played := play(scenario, rubric, directory, always(k), seed=seed)).score.passed}
    assert passed == {}


@pytest.mark.parametrize("sid", IDS)
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("longest", [True, False], ids=["longest", "shortest"])
def test_always_the_longest_or_shortest_sentence_never_passes(sid, lang, longest):
    scenario, rubric, directory = opened(sid)
    played = play(scenario, rubric, directory, by_length(lang, longest), seed=1, lang=lang)
    assert not played.score.passed, played.score.overall


@pytest.mark.parametrize("sid", IDS)
def test_random_calls_pass_under_two_percent(sid):
    scenario, rubric, directory = opened(sid)
    rng = random.Random(20261204)
    passes = sum(play(scenario, rubric, directory, at_random(rng), seed=rng.randrange(1, 2**31)).score.passed
                 for _ in range(RANDOM_CALLS))
    assert passes / RANDOM_CALLS < 0.02, f"{passes} of {RANDOM_CALLS} random calls passed"

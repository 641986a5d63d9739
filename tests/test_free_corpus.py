"""How well typed sentences are read, on the held-out corpus (tests/free/corpus): sentences typed as trainees type
them, written apart from the scenarios' phrasings, for the Dour, Namur and Zaventem calls in French, Dutch and
English. bench/bench_understand.py prints the same figures; these tests keep them from going back.

The goals are at least 90% read right first and under 2% taken at once for something else, in every call and
language. The second holds everywhere and is asserted as such. The first is not reached in every cell yet
(docs/performance.md, "Free-text answers"): each cell is held at the figure it reaches today, so a change that
reads worse fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.catalog import open_scenario
from simulator.understand import read_corpus
from simulator.yamlsource import load_yaml

CORPUS = Path(__file__).parent / "free" / "corpus"

# The share of sentences whose best reading is the one meant, as measured when the corpus was first read
# (rounded down to the sentence): a floor, not a goal.
TOP_1_TODAY = {
    ("dour-festival", "fr"): 0.903, ("dour-festival", "nl"): 0.840, ("dour-festival", "en"): 0.896,
    ("namur-breakdown", "fr"): 0.833, ("namur-breakdown", "nl"): 0.875, ("namur-breakdown", "en"): 0.885,
    ("zaventem-allergy", "fr"): 0.900, ("zaventem-allergy", "nl"): 0.875, ("zaventem-allergy", "en"): 0.858,
}
CELLS = sorted(TOP_1_TODAY)


def tally(scenario_id: str, lang: str):
    scenario, _ = open_scenario(scenario_id)
    return read_corpus(scenario, load_yaml(CORPUS / f"{scenario_id}.{lang}.yaml").data, lang)


@pytest.fixture(scope="module", params=CELLS, ids=[f"{s}.{lang}" for s, lang in CELLS])
def cell(request):
    return request.param, tally(*request.param)


def test_the_corpus_covers_the_three_calls_in_the_three_languages():
    assert {tuple(p.stem.rsplit(".", 1)) for p in CORPUS.glob("*.yaml")} == set(TOP_1_TODAY)


def test_fewer_than_two_sentences_in_a_hundred_are_taken_at_once_for_something_else(cell):
    _, read = cell
    assert read.share(read.wrong) < 0.02


def test_the_best_reading_is_the_one_meant_at_least_as_often_as_today(cell):
    key, read = cell
    assert read.share(read.first) >= TOP_1_TODAY[key] - 0.0005


def test_most_sentences_are_understood_at_once_or_offered_as_one_of_two(cell):
    _, read = cell
    assert read.share(read.missed) < 0.10

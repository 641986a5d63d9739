"""The candidate's profile sets what they believe beside what the calls measured."""

from __future__ import annotations

import pytest

from simulator.assess import QUALITIES, likert_to_percent, profile


@pytest.mark.parametrize("answer, percent", [(1, 0.0), (3, 50.0), (5, 100.0), (9, 100.0), (0, 0.0)])
def test_likert_answers_map_to_percent(answer, percent):
    assert likert_to_percent(answer) == percent


def test_profile_gives_a_verdict_per_quality():
    answers = {"composure": 5, "empathy": 4, "languages": 2, "multitasking": 5, "procedure": 3, "schedule": 4}
    measured = {"composure": 82.0, "empathy": 75.0, "languages": 90.0, "multitasking": 45.0, "procedure": 55.0,
                "schedule": None}
    result = {r.quality: (r.believed, r.measured, r.verdict) for r in profile(answers, measured)}
    assert result == {
        "composure": (100.0, 82.0, "strength"),
        "empathy": (75.0, 75.0, "strength"),
        "languages": (25.0, 90.0, "underestimated"),
        "multitasking": (100.0, 45.0, "overestimated"),
        "procedure": (50.0, 55.0, "to_practise"),
        "schedule": (75.0, None, "self_reported"),
    }


def test_profile_lists_the_six_qualities_of_the_job_in_order():
    assert [r.quality for r in profile({}, {})] == list(QUALITIES)


def test_empathy_counts_only_the_decisions_where_the_tones_on_offer_differ():
    from simulator.assess import empathy_of
    from simulator.model import Tone
    decisions = [
        (Tone.REASSURING, (Tone.REASSURING, Tone.CURT)),   # the warmest: 1
        (Tone.NEUTRAL, (Tone.NEUTRAL, Tone.REASSURING)),   # neutral where reassurance was on offer: 0.5
        (Tone.CURT, (Tone.CURT, Tone.NEUTRAL)),            # curt where a neutral reply was on offer: 0
        (Tone.NEUTRAL, (Tone.NEUTRAL, Tone.NEUTRAL)),      # nothing to choose between: left out
    ]
    assert empathy_of(decisions) == 50.0
    assert empathy_of([(Tone.NEUTRAL, (Tone.NEUTRAL,))]) is None

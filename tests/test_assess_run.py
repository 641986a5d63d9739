"""`plateau assess` from the first question to the profile, typed as a candidate would."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from simulator.answers import load_answers
from simulator.assess import ASSESS_SCENARIOS
from simulator.cli import render_profile, run_assessment

RECORDED = Path(__file__).parent / "scenarios"
COMMAND = {"fr": {"speak": "/langue", "switch": "/appel"}, "en": {"speak": "/speak", "switch": "/call"},
           "nl": {"speak": "/taal", "switch": "/oproep"}}


def typed(action: dict, lang: str) -> str:
    """What a candidate types at the prompt for an action of an answers file."""
    kind = action["type"]
    if kind == "choose":
        return action["option"]
    if kind == "input":
        return action["value"]
    if kind == "provider":
        return action["id"]
    if kind == "speak":
        return f"{COMMAND[lang]['speak']} {action['lang']}"
    if kind == "switch":
        return f"{COMMAND[lang]['switch']} {action['case']}"
    raise AssertionError(kind)


def keystrokes(lang: str, likert: list[str], path_name: str) -> list[str]:
    out = list(likert)
    for sid in ASSESS_SCENARIOS:
        actions = [a for a, _ in load_answers(RECORDED / sid / f"{path_name}.yaml")]
        out += [typed(a, lang) for a in actions if a["type"] != "start"]
    return out


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_candidate_who_plays_the_model_calls_gets_a_profile_in_their_language(lang):
    answers = iter(keystrokes(lang, ["4", "5", "2", "4", "3", "5"], "best"))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    results, scores = run_assessment(lang, console, lambda question: next(answers), "Candidate", seed=20260314)
    # The call starts in the candidate's interface language: a French floor answers in French first.
    assert all(s.passed and s.overall >= 90 for s in scores.values())
    if lang == "fr":
        assert {sid: s.overall for sid, s in scores.items()} == {sid: 100.0 for sid in ASSESS_SCENARIOS}
    profile = {r.quality: (r.believed, r.measured, r.verdict) for r in results}
    assert profile["procedure"] == (50.0, 100.0, "strength")
    # The model calls are warm wherever warmth was on offer, though they put procedure first at some steps.
    assert profile["empathy"] == (100.0, 76.2, "strength")
    assert profile["schedule"] == (100.0, None, "self_reported")
    if lang == "fr":  # every answer in the callers' languages
        assert profile["languages"] == (25.0, 100.0, "underestimated")
    render_profile(results, lang, console)
    screen = console.export_text()
    title = {"fr": "Votre profil", "nl": "Uw profiel", "en": "Your profile"}[lang]
    assert title in screen


def test_a_careless_candidate_is_told_what_to_practise():
    answers = iter(keystrokes("en", ["5", "5", "5", "5", "5", "5"], "bad"))
    console = Console(file=io.StringIO(), width=100, record=True, color_system=None)
    results, scores = run_assessment("en", console, lambda question: next(answers), "", seed=20260314)
    assert all(not s.passed for s in scores.values())
    verdicts = {r.quality: r.verdict for r in results}
    assert verdicts["procedure"] == "overestimated"
    render_profile(results, "en", console)
    assert "Learn the order: safety, call-back number" in console.export_text()


def test_a_stopped_assessment_says_nothing_is_kept_and_is_not_what_resume_continues(tmp_path):
    import os
    import subprocess
    import sys
    env = {**os.environ, "PLATEAU_HOME": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "200"}
    typed = "\n".join(["4", "5", "2", "4", "3", "5", "1", "/quit"]) + "\n"  # the questions, one answer, then stop
    result = subprocess.run([sys.executable, "-m", "simulator", "assess", "--plain", "--lang", "en", "--trainee", "Sam"],
                            input=typed, capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)
    assert result.returncode == 0
    assert result.stdout.endswith("Self-assessment stopped: nothing is kept. Start again whenever you like with: "
                                  "plateau assess\n")
    resumed = subprocess.run([sys.executable, "-m", "simulator", "resume", "--plain"], capture_output=True, text=True,
                             encoding="utf-8", env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert (resumed.returncode, resumed.stderr) == (
        1, "plateau: there is no unfinished session to resume. Start one with 'plateau play SCENARIO'.\n")


def test_the_assessment_calls_show_their_options_in_the_order_of_the_seed_given(tmp_path):
    import os
    import subprocess
    import sys

    from simulator.transcript import read_transcript
    env = {**os.environ, "PLATEAU_HOME": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "200"}
    typed = "\n".join(["4", "5", "2", "4", "3", "5", "1", "/quit"]) + "\n"  # the questions, option 1, then stop
    result = subprocess.run([sys.executable, "-m", "simulator", "assess", "--plain", "--lang", "en", "--seed", "4"],
                            input=typed, capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    (call,) = (tmp_path / "sessions").glob("*-namur-breakdown-*.jsonl")
    transcript = read_transcript(call)
    assert transcript.header["seed"] == 4
    # The file offers greet, greet-short, member-first; seed 4 shows member-first first.
    assert transcript.actions == [{"type": "start", "lang": "en"}, {"type": "choose", "option": "member-first"}]

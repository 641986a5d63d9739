"""The Dour festival call, scored end to end: the figures a trainee's debrief rests on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.answers import load_answers
from simulator.catalog import open_scenario
from simulator.engine import Session
from simulator.report import Debrief, render_html, render_markdown
from simulator.scoring import score_actions

PATHS = Path(__file__).parent / "scenarios" / "dour-festival"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def dour():
    return open_scenario("dour-festival")


def answers(name):
    return [action for action, _ in load_answers(PATHS / f"{name}.yaml")]


def played(dour, name):
    scenario, lib = dour
    actions = answers(name)
    session = Session(scenario, lib.directory)
    for action in actions:
        session.apply(action)
    return session, score_actions(scenario, lib.rubrics["roadside"], lib.directory, actions)


@pytest.mark.parametrize("name, ending, overall, passed", [
    ("best", "resolved", 100.0, True),
    ("closed", "closed-early", 98.5, True),
    ("recover", "resolved", 90.0, True),
    ("curt", "resolved", 93.6, True),
    ("no-safety-check", "resolved", 49.0, False),
    ("unsafe", "unsafe", 42.2, False),
    ("unsafe2", "unsafe", 49.0, False),
    ("stranded", "stranded", 49.0, False),
    ("hungup", "hung-up", 6.5, False),
])
def test_each_recorded_path_reaches_its_ending_with_its_score(dour, name, ending, overall, passed):
    session, score = played(dour, name)
    assert (session.state.ending, score.overall, score.passed) == (ending, overall, passed)


def test_the_model_call_passes_with_full_marks_on_every_criterion(dour):
    _, score = played(dour, "best")
    assert {cid: c.percent for cid, c in score.criteria.items()} == {
        "calm": 100.0, "procedure": 100.0, "provider": 100.0, "case_file": 100.0, "timing": 100.0, "language": 100.0}
    assert score.compliance == "high_compliance"


def test_skipping_the_safety_check_fails_whatever_else_is_done(dour):
    _, score = played(dour, "no-safety-check")
    assert score.critical_failures == [{"case": "camille", "step": "safety_check", "reason": "missed",
                                        "label": {"fr": "Vérifier la sécurité", "nl": "Veiligheid nagaan", "en": "Check safety"}}]
    assert score.criteria["provider"].percent == 100.0  # a perfect dispatch does not save the call
    assert score.overall == 49.0 and not score.passed


def test_a_curt_call_loses_calm_points_with_the_turns_named(dour):
    _, score = played(dour, "curt")
    calm = score.criteria["calm"]
    assert calm.percent == 68.0
    lost = [(e.turn, round(e.points, 1), e.what["en"]) for e in calm.evidence if e.points < 0]
    assert lost == [
        (5, -2.4, "A curt reply: “Madam, calm down, otherwise we won't get anywhere.”"),
        (15, -4.0, "A alarming reply: “Honestly, not even remembering where you parked... And without knowing "
                   "where the car is, this could take hours, you know.”"),
    ]


def test_the_nearer_tow_truck_without_offroad_is_unsuitable(dour):
    _, score = played(dour, "recover")
    provider = score.criteria["provider"]
    assert provider.extra["verdicts"] == ["unsuitable", "best"]
    first = provider.evidence[0]
    assert first.what["fr"] == "Choix inadapté : Élouges Auto Secours."
    assert first.extra["ranking"][0]["id"] == "hai-borinage-depannage-4x4"
    elouges = next(r for r in first.extra["ranking"] if r["id"] == "hai-elouges-auto-secours")
    assert (elouges["missing"], elouges["suitable"]) == (["offroad"], False)
    assert provider.percent == 50.0


def test_the_markdown_debrief_matches_the_golden_file(dour):
    scenario, _ = dour
    _, score = played(dour, "curt")
    text = render_markdown(Debrief("fr", scenario, score, "Amélie Dupont", "2026-07-03T21:40:00+00:00"))
    golden = GOLDEN / "dour-curt.fr.md"
    if os.environ.get("PLATEAU_UPDATE_GOLDEN"):  # after a deliberate change: regenerate, review the diff, commit
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_html_debrief_escapes_what_the_trainee_typed(dour):
    scenario, lib = dour
    actions = answers("best")
    i = actions.index({"type": "input", "value": "GH-512-KL"})
    actions[i] = {"type": "input", "value": "<script>alert('x')</script>"}
    score = score_actions(scenario, lib.rubrics["roadside"], lib.directory, actions)
    html = render_html(Debrief("en", scenario, score, "<img src=x onerror=alert(1)>", ""))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html

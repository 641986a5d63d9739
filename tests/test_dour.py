"""The Dour festival call, scored end to end: the figures a trainee's debrief rests on."""

from __future__ import annotations

import os
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from simulator.answers import load_answers
from simulator.catalog import open_scenario
from simulator.engine import Session
from simulator.report import Debrief, render_html, render_markdown
from simulator.scoring import score_actions

PATHS = Path(__file__).parent / "scenarios" / "dour-festival"
GOLDEN = Path(__file__).parent / "golden"
BRUSSELS_SUMMER = timezone(timedelta(hours=2))  # the golden file must not depend on the machine's time zone


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
    ("closed", "closed-early", 94.9, True),
    ("recover", "resolved", 92.5, True),
    ("curt", "resolved", 92.0, True),
    ("no-safety-check", "resolved", 49.0, False),
    ("unsafe", "unsafe", 43.5, False),
    ("unsafe2", "unsafe", 49.0, False),
    ("stranded", "stranded", 49.0, False),
    ("hungup", "hung-up", 5.5, False),
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
        (5, -3.0, "Reply in a tone that is curt: “Madam, calm down, otherwise we won't get anywhere.”"),
        (15, -5.0, "Reply in a tone that is alarming: “Honestly, not even remembering where you parked... And without knowing "
                   "where the car is, this could take hours, you know.”"),
    ]


def test_better_than_a_curt_line_is_a_warm_line_offered_at_that_moment(dour):
    _, score = played(dour, "curt")
    better = {e.turn: e.better and e.better["en"] for e in score.criteria["calm"].evidence if e.points < 0}
    # "Calm down" performs no step: the better line is the reassuring one on offer then, not any step's line.
    assert better[5] == ("Now let's find your car together. Which car park are you in? The name or number is on "
                         "the ticket and on the signs at the entrance.")


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
    text = render_markdown(Debrief("fr", scenario, score, "Amélie Dupont", "2026-07-03T21:40:00+00:00", BRUSSELS_SUMMER))
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


def terminal(debrief, console=None, **options) -> list[str]:
    """The terminal debrief as lines, without colours, at a width no line of the call reaches."""
    import io

    from rich.console import Console

    from simulator.report import render_terminal
    buffer = io.StringIO()
    render_terminal(debrief, console(buffer) if console else Console(file=buffer, width=400, color_system=None), **options)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def test_a_call_in_the_callers_weak_language_is_explained_in_the_terminal(dour):
    scenario, lib = dour
    actions = answers("best")
    # The whole call in English, which Camille understands poorly: the start action's language is the
    # interface's and no longer changes what the trainee speaks, so the trainee switches with /speak.
    actions[1:1] = [{"type": "speak", "lang": "en"}]
    score = score_actions(scenario, lib.rubrics["roadside"], lib.directory, actions)
    lines = terminal(Debrief("en", scenario, score))
    start = lines.index("Language (1.8/5)")
    assert lines[start:start + 6] == [
        "Language (1.8/5)",
        "  − [turn 3, 0 min] 21 answer(s) in English, which Camille Verhaeghe understands poorly.",
        "    Expected: Switch to French from the start (/speak).",
        "  − [turn 23, 13 min] 2 exchange(s) with Borinage Dépannage 4x4 in a language other than theirs (French).",
        "    Expected: Speak to the provider in their language (/speak), then switch back to the caller's.",
        "Why it matters"]


def test_a_step_never_done_explains_the_lost_timing_points(dour):
    scenario, _ = dour
    _, score = played(dour, "no-safety-check")
    lines = terminal(Debrief("en", scenario, score))
    start = lines.index("Timing (8/10)")
    assert lines[start:start + 3] == ["Timing (8/10)", "  · Check safety never done (target 3 min).", "Why it matters"]


def test_a_step_done_late_is_shown_when_nothing_else_explains_the_loss():
    from simulator.report import explaining
    from simulator.scoring import Evidence
    on_time = Evidence("timing", 5.0, {"en": "Check safety at 1 min (target 3 min)."})
    late = Evidence("timing", 2.5, {"en": "Dispatch a provider at 20 min: too late (target 15 min)."})
    assert explaining("timing", [on_time, late], lost_points=True) == [on_time, late]
    assert explaining("timing", [on_time, on_time], lost_points=False) == []


def test_plain_mode_draws_the_debrief_without_a_box_character(tmp_path):
    import subprocess
    import sys
    env = {**os.environ, "PLATEAU_HOME": str(tmp_path), "COLUMNS": "100", "PLATEAU_LANG": "en"}
    played = subprocess.run([sys.executable, "-m", "simulator", "play", "dour-festival", "--plain", "--trainee", "Sam",
                             "--answers", str(PATHS / "best.yaml")], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=60, stdin=subprocess.DEVNULL)
    lines = [line.rstrip() for line in played.stdout.splitlines()]
    lines = lines[lines.index("Debrief: Flat battery at the Dour festival"):]
    assert not [line for line in lines if any("\u2500" <= ch <= "\u257f" for ch in line)]
    assert lines[:2] == ["Debrief: Flat battery at the Dour festival", "Score: 100/100  PASSED  (Compliance: High compliance)"]
    assert lines[lines.index("Criterion         Points  Level"):][:7] == [
        "Criterion         Points  Level",
        "Calm and empathy   25/25  Excellent",
        "Procedure          30/30  Excellent",
        "Provider choice    15/15  Excellent",
        "Case file          15/15  Excellent",
        "Timing             10/10  Excellent",
        "Language             5/5  Excellent"]


def test_plain_can_be_asked_for_whatever_the_console(dour):
    from rich.console import Console
    scenario, _ = dour
    _, score = played(dour, "best")
    lines = terminal(Debrief("en", scenario, score), console=lambda file: Console(file=file, width=100), plain=True)
    assert lines[0] == "Debrief: Flat battery at the Dour festival"
    assert not [line for line in lines if any("\u2500" <= ch <= "\u257f" for ch in line)]


@pytest.mark.parametrize("lang, line", [
    ("fr", "- [tour 5] «\u00a0Madame, calmez-vous, sinon on ne va pas s'en sortir.\u00a0»\u00a0: «\u00a0Calmez-vous\u00a0» ne "
           "calme personne\u00a0: reformulez, dites ce que vous faites pour elle et donnez une consigne simple."),
    ("nl", "- [beurt 5] “Mevrouw, kalmeer, anders komen we er niet uit.”: 'Kalmeer' kalmeert niemand: herformuleer, "
           "zeg wat u voor haar doet en geef één eenvoudige instructie."),
    ("en", "- [turn 5] “Madam, calm down, otherwise we won't get anywhere.”: 'Calm down' calms nobody: rephrase, say what "
           "you are doing for her and give one simple instruction."),
])
def test_a_reply_is_quoted_as_the_language_quotes(dour, lang, line):
    scenario, _ = dour
    _, score = played(dour, "curt")
    assert line in render_markdown(Debrief(lang, scenario, score)).splitlines()


def test_a_nested_quote_in_french_uses_english_marks_inside_guillemets():
    from simulator.report import quote
    assert quote("J'appelle Camille : « Le dépanneur arrive. »", "fr") == \
        "«\u00a0J'appelle Camille\u00a0: “Le dépanneur arrive.”\u00a0»"


def test_the_html_debrief_quotes_in_french_with_guillemets(dour):
    scenario, _ = dour
    _, score = played(dour, "curt")
    html = render_html(Debrief("fr", scenario, score))
    assert ("<li><span class=\"meta\">[tour 5]</span> «\u00a0Madame, calmez-vous, sinon on ne va pas s&#39;en sortir.\u00a0»"
            "\u00a0: «\u00a0Calmez-vous\u00a0» ne calme personne\u00a0: ") in html


@pytest.mark.parametrize("lang, first", [
    ("fr", "    - Borinage Dépannage 4x4\u00a0: 6 km, 13 min, partenaire, 145\u00a0€"),
    ("nl", "    - Borinage Dépannage 4x4: 6 km, 13 min, partner, €\u00a0145"),
    ("en", "    - Borinage Dépannage 4x4: 6 km, 13 min, partner, €145"),
])
def test_a_provider_ranking_is_written_as_the_language_writes_it(dour, lang, first):
    scenario, _ = dour
    _, score = played(dour, "recover")
    lines = render_markdown(Debrief(lang, scenario, score)).splitlines()
    ranking = lines.index(first)
    assert lines[ranking - 1] in ("  - Classement\u00a0:", "  - Rangschikking:", "  - Ranking:")


@pytest.mark.parametrize("lang, shown", [("fr", "30/11/2026 08:01"), ("nl", "30/11/2026 08:01"), ("en", "30 Nov 2026 08:01")])
def test_the_start_of_a_call_is_a_date_and_time_a_person_reads(lang, shown):
    from simulator.formatting import moment
    assert moment("2026-11-30T07:01:59+00:00", lang, timezone(timedelta(hours=1))) == shown


@pytest.fixture
def brussels_clock(monkeypatch):
    """The computer's clock in Belgian time (a POSIX rule: no time zone database needed)."""
    import time
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_start_of_a_call_is_shown_in_the_computers_local_time(dour, brussels_clock):
    scenario, _ = dour
    _, score = played(dour, "best")
    assert Debrief("fr", scenario, score, "Zoë Lambert", "2026-11-30T07:01:59+00:00").header == \
        "Stagiaire : Zoë Lambert · 30/11/2026 08:01"


def test_the_markdown_puts_the_trainee_and_the_score_in_separate_paragraphs(dour):
    scenario, _ = dour
    _, score = played(dour, "best")
    lines = render_markdown(Debrief("en", scenario, score, "Zoë Lambert", "2026-11-30T07:01:59+00:00",
                                    timezone(timedelta(hours=1)))).splitlines()
    assert lines[2:5] == ["Trainee: Zoë Lambert · 30 Nov 2026 08:01", "", "**Score: 100/100** · PASSED · Compliance: High compliance"]


def test_the_ranking_kept_with_the_score_is_written_in_each_language(dour):
    _, score = played(dour, "recover")
    ranking = next(e.detail for e in score.criteria["provider"].evidence if e.detail)
    assert ranking["fr"].startswith("Borinage Dépannage 4x4 : 6 km, 13 min, partenaire, 145\u00a0€")
    assert ranking["nl"].startswith("Borinage Dépannage 4x4: 6 km, 13 min, partner, €\u00a0145")

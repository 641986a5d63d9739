"""Debriefs that tell the truth: they say only what happened in this call, name who each line is
about when several callers ring, say why a call did not pass, and name the option that would have
done a missed step at the moment it was on offer. The calls are the expert-graded ones."""

from __future__ import annotations

import io
from functools import lru_cache

from rich.console import Console

from simulator.catalog import open_scenario
from simulator.report import Debrief, render_terminal
from simulator.scoring import score_actions
from simulator.yamlsource import load_yaml
from tests.test_graded import GRADED, actions_of


@lru_cache(maxsize=None)
def graded(sid: str, name: str):
    call = next(c for c in load_yaml(GRADED / f"{sid}.yaml").data if c["name"] == name)
    scenario, lib = open_scenario(sid)
    return scenario, score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, actions_of(call))


def screen(sid: str, name: str, lang: str) -> str:
    scenario, score = graded(sid, name)
    console = Console(record=True, width=80, file=io.StringIO())
    render_terminal(Debrief(lang, scenario, score), console, plain=True)
    return console.export_text()


def test_the_same_ending_is_told_differently_when_the_call_was_different():
    _, model = graded("dour-festival", "model call")
    _, late = graded("dour-festival", "asks the car park before moving them off the lane")
    assert (model.ending, late.ending) == ("resolved", "resolved")
    assert model.ending_debrief["en"] != late.ending_debrief["en"]
    assert "The group stayed safe" in model.ending_debrief["en"]
    assert "The group stayed safe" not in late.ending_debrief["en"]


def test_a_call_that_fails_on_its_case_file_says_so_in_the_trainees_language():
    text = screen("dour-festival", "case file left empty", "fr")
    assert "NON RÉUSSI" in text
    assert "Non réussi à cause de\u00a0: Dossier sous le minimum (0\u00a0% pour 50\u00a0% demandés)" in text


def test_a_missed_step_names_what_could_have_been_said_and_when():
    _, score = graded("dour-festival", "no follow-up call")
    missed = next(e for e in score.criteria["procedure"].evidence if e.extra.get("missed") and e.extra["step"] == "follow_up")
    assert missed.better["en"].startswith("At turn ")
    assert "you could have said: “I call Camille" in missed.better["en"]


def test_every_line_of_a_debrief_with_several_callers_names_its_caller_and_case():
    scenario, score = graded("antwerp-ring-jam", "no follow-up")
    text = screen("antwerp-ring-jam", "no follow-up", "en")
    for case in scenario.cases.values():
        assert f"Outcome ({case.caller.name}, {case.reference}):" in text
    lost = [line for line in text.splitlines() if line.startswith("  − [")]
    assert lost and all(any(f"[{c.caller.name}, {c.reference}" in line for c in scenario.cases.values()) for line in lost)


def test_a_provider_answers_in_its_own_language_and_speaking_another_to_it_is_named():
    from simulator.engine import Session

    scenario, lib = open_scenario("namur-breakdown")
    model = list(scenario.model)
    first_switch = next(i for i, a in enumerate(model) if a.get("type") == "speak")
    actions = model[:first_switch] + model[first_switch + 1:]  # briefs the 101 police in Dutch, not French
    session = Session(scenario, lib.directory)
    said = []
    for action in actions:
        said += [e for e in session.apply(action) if e["type"] == "said" and e["speaker"] == "provider"]
    assert said and {e["lang"] for e in said} == {"fr"}  # the Walloon police and garage answer in French
    score = score_actions(scenario, lib.rubrics["roadside"], lib.directory, actions)
    named = [e.what["en"] for e in score.criteria["language"].evidence if e.points < 0]
    assert len(named) == 1 and "in a language other than theirs (French)" in named[0]

"""The order options are shown in carries no information: shuffled per session, seeded, the same
on resume, and an answers file may name what is on screen by its number for a given seed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from itertools import takewhile

import pytest

from simulator.answers import load_answers
from simulator.catalog import open_scenario
from simulator.engine import Session
from simulator.errors import ScenarioError
from simulator.order import NotShown, displayed_options, option_at, provider_at, provider_rows, resolve_number
from simulator.transcript import TranscriptWriter, display_seed, read_transcript
from tests.conftest import E411, play
from tests.test_cli import GOOD_ANSWERS, plateau

# Dour's second node, in the file's order (the model answer, safety-check, written first).
INTAKE = ["safety-check", "safety-curt", "drink-check", "callback", "ask-member", "member-curt", "calm-down-curt",
          "ask-where", "where-curt"]


@pytest.fixture(scope="module")
def dour():
    return open_scenario("dour-festival")


def at_intake(dour) -> Session:
    """Dour's call after the greeting: Camille waits at the node 'intake'."""
    scenario, lib = dour
    session = Session(scenario, lib.directory)
    session.apply({"type": "start", "lang": "fr"})
    session.apply({"type": "choose", "option": "greet"})
    return session


def shown_ids(session: Session, seed: int | None) -> list[str]:
    return [o.id for o in displayed_options(session, seed)]


# ------------------------------------------------------------------ the order itself


def test_without_a_seed_the_options_keep_the_files_order(dour):
    assert shown_ids(at_intake(dour), None) == INTAKE


def test_two_seeds_show_dours_second_node_in_two_different_orders(dour):
    session = at_intake(dour)
    assert shown_ids(session, 1) == ["safety-curt", "ask-where", "drink-check", "callback", "member-curt",
                                     "where-curt", "calm-down-curt", "ask-member", "safety-check"]
    assert shown_ids(session, 2) == ["member-curt", "safety-curt", "ask-where", "calm-down-curt", "where-curt",
                                     "ask-member", "callback", "drink-check", "safety-check"]


def test_the_same_seed_always_gives_the_same_order(dour):
    assert shown_ids(at_intake(dour), 1) == shown_ids(at_intake(dour), 1)


def test_over_twenty_seeds_the_model_answer_of_dours_first_node_is_not_always_first(dour):
    scenario, lib = dour
    session = Session(scenario, lib.directory)
    session.apply({"type": "start", "lang": "fr"})
    assert [o.id for o in session.options()] == ["greet", "greet-brief", "member-first"]  # the file: model first
    places = Counter(shown_ids(session, seed).index("greet") + 1 for seed in range(1, 21))
    assert places == {1: 6, 2: 8, 3: 6}


def test_an_option_offered_later_keeps_the_others_in_their_order(dour):
    session = at_intake(dour)
    before = shown_ids(session, 1)
    session.apply({"type": "choose", "option": "drink-check"})  # chosen: no longer offered
    assert shown_ids(session, 1) == [i for i in before if i != "drink-check"]


# ------------------------------------------------------------------ a number on screen -> an id


def test_a_number_names_the_option_shown_there_for_the_seed(dour):
    session = at_intake(dour)
    assert [option_at(session, 1, k) for k in (1, 9)] == ["safety-curt", "safety-check"]
    assert [option_at(session, 2, k) for k in (1, 9)] == ["member-curt", "safety-check"]
    assert option_at(session, None, 1) == "safety-check"


@pytest.mark.parametrize("number", [0, 10])
def test_a_number_nothing_has_on_screen_says_which_numbers_there_are(dour, number):
    with pytest.raises(NotShown) as raised:
        option_at(at_intake(dour), 1, number)
    assert str(raised.value) == f"there is no option number {number} on screen now: the options are numbered 1 to 9."


def test_a_provider_number_is_the_row_of_the_directory_the_player_lists(e411, lib):
    session, _ = play(e411, lib, ["greet", "behind-rail", "where", "note-plate", {"type": "input", "value": "1ABC234"},
                                  "send-tow"])
    rows = [h.provider.id for h in provider_rows(session, "tow")]
    assert rows[:3] == ["fix-wavre-depannage", "r0-garage-wezembeek", "nam-depannage-warisoulx"]
    assert [provider_at(session, k) for k in (1, 3)] == ["fix-wavre-depannage", "nam-depannage-warisoulx"]
    with pytest.raises(NotShown, match=f"there is no provider number 99 on screen now: the providers are numbered "
                                       f"1 to {len(rows)}."):
        provider_at(session, 99)


def test_resolving_numbers_gives_the_action_a_transcript_stores(dour):
    session = at_intake(dour)
    assert resolve_number(session, 1, {"type": "choose", "number": 9}) == {"type": "choose", "option": "safety-check"}
    assert resolve_number(session, 1, {"type": "choose", "option": "callback"}) == {"type": "choose",
                                                                                     "option": "callback"}
    # Not waiting for a provider: the number is dropped and the engine says what it waits for.
    assert resolve_number(session, 1, {"type": "provider", "number": 1}) == {"type": "provider"}


# ------------------------------------------------------------------ answers files


def test_an_answers_file_names_an_option_by_id_or_by_number(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("- {type: start, lang: fr}\n- greet\n- 4\n- {type: choose, number: 2}\n"
                    "- {type: provider, number: 1}\n", encoding="utf-8")
    assert [action for action, _ in load_answers(path)] == [
        {"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"}, {"type": "choose", "number": 4},
        {"type": "choose", "number": 2}, {"type": "provider", "number": 1}]


@pytest.mark.parametrize("line, message, hint", [
    ("- {type: input, number: 2}", "a 'input' action has no number.",
     "Only 'choose' and 'provider' actions may name what is on screen by its number."),
    ("- {type: choose, number: 0}", "the number 0 is not a place on screen.",
     "Give a whole number from 1, as shown on screen ('number: 2')."),
    ("- {type: choose, number: two}", "the number 'two' is not a place on screen.",
     "Give a whole number from 1, as shown on screen ('number: 2')."),
    ("- {type: choose, option: greet, number: 1}", "this answer gives both 'option' and 'number'.",
     "Keep one of them: 'option' or 'number'."),
])
def test_a_number_that_cannot_be_a_place_on_screen_is_refused_at_its_line(tmp_path, line, message, hint):
    path = tmp_path / "answers.yaml"
    path.write_text(f"- {{type: start, lang: fr}}\n{line}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_answers(path)
    assert [(p.line, p.column, p.code, p.message, p.hint) for p in raised.value.problems] == [
        (2, 3, "A001", message, hint)]


# The model call of the E411 fixture as an instructor writes it for seed 1234, reading the numbers off the
# screen: safety shows stay-in-car, note-plate, where, behind-rail; then send-tow, stay-in-car, note-plate, where...
BY_NUMBER_1234 = """\
- {type: start, lang: fr}
- 1
- 4
- 4
- 3
- {type: input, value: 1ABC234}
- 1
- {type: provider, number: 1}
- {type: choose, number: 1}
"""


def test_answers_by_number_with_their_seed_play_the_same_call_as_answers_by_id(tmp_path):
    by_id, by_number = tmp_path / "by-id.yaml", tmp_path / "by-number.yaml"
    by_id.write_text(GOOD_ANSWERS, encoding="utf-8")
    by_number.write_text(BY_NUMBER_1234, encoding="utf-8")
    for answers, transcript in ((by_id, "id.jsonl"), (by_number, "number.jsonl")):
        result = plateau("play", str(E411), "--answers", str(answers), "--seed", "1234", "--json",
                         "--transcript", str(tmp_path / transcript))
        assert result.returncode == 0, result.stderr
    played_by_id, played_by_number = read_transcript(tmp_path / "id.jsonl"), read_transcript(tmp_path / "number.jsonl")
    assert played_by_number.actions == played_by_id.actions == [
        {"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
        {"type": "choose", "option": "behind-rail"}, {"type": "choose", "option": "where"},
        {"type": "choose", "option": "note-plate"}, {"type": "input", "value": "1ABC234"},
        {"type": "choose", "option": "send-tow"}, {"type": "provider", "id": "fix-wavre-depannage"},
        {"type": "choose", "option": "give-eta"}]
    assert played_by_number.header["seed"] == 1234


def test_a_number_out_of_range_is_reported_at_its_line_with_the_numbers_on_screen(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("- {type: start, lang: fr}\n- 1\n- 5\n", encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--seed", "1234", "--json",
                     "--transcript", str(tmp_path / "t.jsonl"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{answers}:3:3: A002 there is no option number 5 on screen now: the options are numbered 1 to 4.\n"
        "    hint: Numbers count what is shown on screen, in the order drawn for this session (seed 1234); play the "
        "file with the same --seed, or name the option by its id.\n")


def test_a_provider_number_out_of_range_is_reported_at_its_line(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(BY_NUMBER_1234.replace("{type: provider, number: 1}", "{type: provider, number: 99}"),
                       encoding="utf-8")
    result = plateau("play", str(E411), "--answers", str(answers), "--seed", "1234", "--json",
                     "--transcript", str(tmp_path / "t.jsonl"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{answers}:8:3: A002 there is no provider number 99 on screen now: the providers "
                                    "are numbered 1 to ")


@pytest.mark.parametrize("seed", ["0", "-3", "abc", "2147483648"])
def test_a_seed_is_a_whole_number_in_range(seed):
    result = plateau("play", str(E411), "--seed", seed)
    assert result.returncode == 2
    assert f"argument --seed: a seed is a whole number from 1 to 2147483647, not '{seed}'" in result.stderr


# ------------------------------------------------------------------ play, resume: the header carries the seed


def typed(*args, stdin: str, home):
    """plateau in plain mode, reading the trainee's lines from `stdin`; wide enough that no option wraps."""
    env = {**os.environ, "PLATEAU_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "simulator", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=60)


def options_shown(screen: str) -> list[list[str]]:
    """Every list of numbered options on an English screen, in the order they were shown."""
    return [[line.rstrip() for line in takewhile(lambda line: re.match(r"\d+\. ", line), block.splitlines())]
            for block in screen.split("What do you do?\n")[1:]]


def lines_for(session: Session, ids: list[str]) -> list[str]:
    texts = {o.id: o.text.render(session.case_state.speaking, session.context()) for o in session.options()}
    return [f"{k}. {texts[i]}" for k, i in enumerate(ids, 1)]


def test_a_resumed_call_shows_the_same_numbers_as_when_it_was_played(dour, tmp_path):
    home = tmp_path / "home"
    first = typed("play", "dour-festival", "--plain", "--lang", "en", "--trainee", "Sam", "--seed", "1",
                  stdin="1\n/quit\n", home=home)  # seed 1 shows the greeting first at the opening
    assert first.returncode == 0, first.stderr
    (saved,) = (home / "sessions").glob("*.jsonl")
    assert display_seed(read_transcript(saved).header) == 1

    resumed = typed("resume", "--plain", stdin="9\n/quit\n", home=home)  # 9: the model answer, last for seed 1

    assert resumed.returncode == 0, resumed.stderr
    expected = lines_for(at_intake(dour), ["safety-curt", "ask-where", "drink-check", "callback", "member-curt",
                                           "where-curt", "calm-down-curt", "ask-member", "safety-check"])
    assert options_shown(first.stdout)[1] == expected  # [0]: the opening, where 1 was typed
    assert options_shown(resumed.stdout)[0] == expected
    assert read_transcript(saved).actions == [{"type": "start", "lang": "en"}, {"type": "choose", "option": "greet"},
                                              {"type": "choose", "option": "safety-check"}]


def test_a_call_recorded_before_the_shuffle_resumes_in_the_files_order_and_says_so(dour, tmp_path):
    scenario, lib = dour
    home = tmp_path / "home"
    path = home / "sessions" / "20260301-101500-dour-festival-0a1b2c3d4e5f.jsonl"
    header = {"session": "0a1b2c3d4e5f", "scenario": scenario.id, "scenario_version": scenario.version,
              "content_hash": scenario.content_hash, "scenario_file": str(scenario.source), "rubric": scenario.rubric_id,
              "trainee": "Sam", "lang": "fr", "mode": "practice", "started": "2026-03-01T10:15:00+00:00"}  # no seed
    writer = TranscriptWriter(path, header)
    session = Session(scenario, lib.directory)
    for action in ({"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"}):
        writer.append(action, session.apply(action))
    writer.close()

    resumed = typed("resume", "--plain", stdin="1\n/quitter\n", home=home)

    assert resumed.returncode == 0, resumed.stderr
    assert ("Cet appel a été commencé avant que les options ne soient mélangées : elles restent dans l'ordre du "
            "fichier, avec les numéros que vous aviez.") in resumed.stdout
    assert read_transcript(path).actions[-1] == {"type": "choose", "option": "safety-check"}  # 1: first in the file


def test_each_new_call_draws_its_own_seed_into_its_header(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    seeds = []
    for n in range(3):
        result = plateau("play", str(E411), "--answers", str(answers), "--json",
                         "--transcript", str(tmp_path / f"{n}.jsonl"))
        assert result.returncode == 0, result.stderr
        seeds.append(read_transcript(tmp_path / f"{n}.jsonl").header["seed"])
    assert all(isinstance(s, int) and 1 <= s <= 2**31 - 1 for s in seeds)
    assert len(set(seeds)) == 3

"""Free-text mode (`plateau play --free`): the trainee types what they would say, in the caller's language."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from simulator.engine import Session
from simulator.player import Player, PromptAsker, Quit
from simulator.scoring import score_actions
from simulator.transcript import TranscriptWriter, read_transcript
from tests.conftest import E411
from tests.test_cli import plateau


@pytest.fixture
def pipe():
    with create_pipe_input() as inp:
        yield inp


def free_player(scenario, lib, pipe, tmp_path, lang="fr"):
    console = Console(file=io.StringIO(), width=80, record=True, color_system=None, legacy_windows=False)
    writer = TranscriptWriter(tmp_path / "call.jsonl", {"session": "t", "scenario": scenario.id,
                                                        "content_hash": scenario.content_hash, "free": True})
    asker = PromptAsker(PromptSession(input=pipe, output=DummyOutput()))
    player = Player(Session(scenario, lib.directory), lib, writer, lang=lang, seed=None, console=console, ask=asker.ask,
                    free=True)
    return player, console


def test_the_options_are_not_shown_until_the_trainee_asks_with_a_question_mark(e411, lib, pipe, tmp_path):
    player, console = free_player(e411, lib, pipe, tmp_path)
    pipe.send_text("?\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    screen = console.export_text()
    first_prompt, after_question_mark = screen.split("Tapez ce que vous diriez.")
    assert "1. Bonjour, je suis là pour vous aider." not in first_prompt
    assert "1. Bonjour, je suis là pour vous aider." in after_question_mark


def test_a_typed_sentence_understood_is_said_and_recorded_as_a_free_answer(e411, lib, pipe, tmp_path):
    player, console = free_player(e411, lib, pipe, tmp_path)
    pipe.send_text("bonjour je suis la pour vous aider\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    assert "Vous (compris) : Bonjour, je suis là pour vous aider." in console.export_text()
    assert read_transcript(tmp_path / "call.jsonl").actions[1] == {
        "type": "choose", "option": "greet", "said": "bonjour je suis la pour vous aider", "free": True}


def test_a_number_typed_after_the_list_is_recorded_as_a_prompted_answer(e411, lib, pipe, tmp_path):
    player, _ = free_player(e411, lib, pipe, tmp_path)
    pipe.send_text("?\n1\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    assert read_transcript(tmp_path / "call.jsonl").actions[1] == {"type": "choose", "option": "greet"}


def test_a_sentence_nobody_understands_makes_the_caller_ask_again_at_a_small_cost(e411, lib, pipe, tmp_path):
    player, console = free_player(e411, lib, pipe, tmp_path)
    pipe.send_text("azerty qsdf\n/quitter\n")
    with pytest.raises(Quit):
        player.run()
    assert "Nadia Lambert : Pardon ? Je ne comprends pas ce que vous voulez dire." in console.export_text()
    state = player.session.state
    assert (state.clock, state.cases["nadia"].stress) == (10, 50 + 3)  # ten seconds, three points of stress
    assert read_transcript(tmp_path / "call.jsonl").actions[1] == {"type": "unclear", "said": "azerty qsdf"}


def test_the_debrief_counts_the_answers_given_in_the_trainees_own_words(e411, lib):
    actions = [{"type": "start", "lang": "fr"},
               {"type": "choose", "option": "greet", "said": "bonjour je vais vous aider", "free": True},
               {"type": "choose", "option": "behind-rail"}]
    assert score_actions(e411, lib.rubrics[e411.rubric_id], lib.directory, actions).free_answers == (1, 2)


def test_an_answers_file_of_typed_sentences_plays_through_the_same_reading(tmp_path):
    answers = tmp_path / "free.yaml"
    answers.write_text("- {type: start, lang: fr}\n"
                       "- say: \"bonjour, je suis la pour vous aider\"\n"
                       "- say: \"mettez votre gilet et passez derriere la glissiere\"\n", encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    result = plateau("play", str(E411), "--answers", str(answers), "--trainee", "Amélie Dupont", "--json",
                     "--transcript", str(transcript), env_home=tmp_path / "home")
    assert result.returncode == 1  # the file stops before the end of the call
    assert [a.get("option") for a in read_transcript(transcript).actions] == [None, "greet", "behind-rail"]
    assert all(a.get("free") for a in read_transcript(transcript).actions[1:])


def test_understand_shows_the_reading_and_the_words_that_matched(tmp_path):
    result = plateau("understand", str(E411), "--node", "safety", "--lang", "fr", "gilet", "et", "derriere",
                     "la", "glissiere", "svp")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "understood as 'behind-rail'"
    assert lines[1].split()[1:] == ["behind-rail", "words:", "gilet,", "derriere,", "glissiere"]


def test_understand_lists_the_sentences_of_an_answers_file_read_otherwise_than_meant(tmp_path):
    answers = tmp_path / "free.yaml"
    answers.write_text("- {type: start, lang: fr}\n"
                       "- {say: \"bonjour je suis la pour vous aider\", means: greet}\n"
                       "- {say: \"restez dans la voiture\", means: behind-rail}\n", encoding="utf-8")
    result = plateau("understand", str(E411), "--answers", str(answers))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"✓ {answers}:2 [opening] 'bonjour je suis la pour vous aider' -> greet",
        f"✗ {answers}:3 [safety] 'restez dans la voiture' -> stay-in-car (meant behind-rail)",
        "1 sentence(s) not understood at once as meant."]

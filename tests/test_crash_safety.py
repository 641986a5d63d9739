"""A call survives a killed process: what was acknowledged on screen is on disk, and resume continues."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from simulator.transcript import read_transcript
from tests.conftest import E411

pexpect = pytest.importorskip("pexpect", reason="pexpect drives a pseudo-terminal (POSIX only)")


def spawn(*args, home):
    env = {**os.environ, "PLATEAU_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "100", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(sys.executable, ["-m", "simulator", *args], env=env, encoding="utf-8", timeout=30,
                         dimensions=(40, 100))


def actions_in(path):
    return [json.loads(line)["action"] for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]


def test_sigkill_mid_call_loses_no_acknowledged_action_and_resume_finishes_it(tmp_path):
    transcript = tmp_path / "call.jsonl"
    child = spawn("play", str(E411), "--seed", "60", "--plain", "--lang", "fr", "--trainee", "Amélie", "--transcript", str(transcript),
                  home=tmp_path / "home")
    child.expect("Votre choix")
    child.sendline("1")
    child.expect("Vous : Bonjour, je suis là pour vous aider.")
    child.expect("Votre choix")
    child.sendline("1")
    child.expect("Vous : Gilet, puis derrière la glissière.")
    child.kill(signal.SIGKILL)
    child.wait()
    assert actions_in(transcript) == [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
                                      {"type": "choose", "option": "behind-rail"}]

    resumed = spawn("resume", str(transcript), "--plain", home=tmp_path / "home")
    resumed.expect("Reprise de l'appel \\(3 actions déjà faites\\).")
    for answer in ["1", "1", "1ABC234", "1"]:
        resumed.expect("Votre choix|Encodez|Choisissez")
        resumed.sendline(answer)
    resumed.expect("Choisissez un prestataire")
    resumed.sendline("fix-wavre-depannage")
    resumed.expect("Votre choix")
    resumed.sendline("1")
    resumed.expect("RÉUSSI")
    resumed.expect(pexpect.EOF)
    assert actions_in(transcript)[-1] == {"type": "choose", "option": "give-eta"}


def test_the_dour_call_plays_to_its_debrief_in_a_real_terminal(tmp_path):
    """The full-screen player (prompt-toolkit, Rich) in a pseudo-terminal, typed as a trainee would."""
    from simulator.answers import load_answers

    best = [action for action, _ in load_answers(E411.parent.parent / "scenarios" / "dour-festival" / "best.yaml")]
    child = spawn("play", "dour-festival", "--lang", "fr", "--trainee", "Amélie", home=tmp_path / "home")
    for action in best[1:]:
        child.expect("›")
        typed = {"choose": action.get("option"), "input": action.get("value"), "provider": action.get("id")}[action["type"]]
        child.sendline(typed)
    child.expect("RÉUSSI")
    child.expect("rejouer")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


E411_ANSWERS = ["1", "1", "1", "1", "1ABC234", "1", "fix-wavre-depannage", "1"]
E411_ACTIONS = [{"type": "choose", "option": "greet"}, {"type": "choose", "option": "behind-rail"},
                {"type": "choose", "option": "where"}, {"type": "choose", "option": "note-plate"},
                {"type": "input", "value": "1ABC234"}, {"type": "choose", "option": "send-tow"},
                {"type": "provider", "id": "fix-wavre-depannage"}, {"type": "choose", "option": "give-eta"}]
PROMPTS = "Votre choix|Encodez|Choisissez"


@pytest.mark.parametrize("killed_after", [1, 3, 4, 5, 6, 7])
def test_killed_at_any_point_the_call_resumes_with_nothing_lost(tmp_path, killed_after):
    transcript = tmp_path / "call.jsonl"
    child = spawn("play", str(E411), "--seed", "60", "--plain", "--lang", "fr", "--trainee", "Amélie", "--transcript", str(transcript),
                  home=tmp_path / "home")
    for answer in E411_ANSWERS[:killed_after]:
        child.expect(PROMPTS)
        child.sendline(answer)
    child.expect(PROMPTS)  # the screen has acknowledged the last answer and asks for the next
    child.kill(signal.SIGKILL)
    child.wait()
    assert actions_in(transcript) == [{"type": "start", "lang": "fr"}] + E411_ACTIONS[:killed_after]

    resumed = spawn("resume", str(transcript), "--plain", home=tmp_path / "home")
    for answer in E411_ANSWERS[killed_after:]:
        resumed.expect(PROMPTS)
        resumed.sendline(answer)
    resumed.expect("RÉUSSI")
    resumed.expect(pexpect.EOF)
    assert actions_in(transcript) == [{"type": "start", "lang": "fr"}] + E411_ACTIONS


def test_resume_without_a_name_takes_the_latest_unfinished_call_and_mends_a_torn_line(tmp_path):
    home = tmp_path / "home"
    child = spawn("play", str(E411), "--seed", "60", "--plain", "--lang", "fr", "--trainee", "Amélie", home=home)
    child.expect(PROMPTS)
    child.sendline("1")
    child.expect(PROMPTS)
    child.kill(signal.SIGKILL)
    child.wait()
    (saved,) = (home / "sessions").glob("*.jsonl")
    with open(saved, "a", encoding="utf-8") as f:
        f.write('{"type": "turn", "n": 2, "act')  # as if the machine died while writing
    listing = subprocess.run([sys.executable, "-m", "simulator", "sessions", "--json"], capture_output=True, text=True,
                             env={**os.environ, "PLATEAU_HOME": str(home)}, timeout=60)
    assert [(s["scenario"], s["trainee"], s["turns"], s["ended"]) for s in json.loads(listing.stdout)] == [
        ("e411-flat-tyre", "Amélie", 2, False)]
    resumed = spawn("resume", "--plain", home=home)
    resumed.expect("the last line was cut off")
    resumed.expect("Reprise de l'appel \\(2 actions déjà faites\\).")
    for answer in E411_ANSWERS[1:]:
        resumed.expect(PROMPTS)
        resumed.sendline(answer)
    resumed.expect("RÉUSSI")
    resumed.expect(pexpect.EOF)
    assert actions_in(saved) == [{"type": "start", "lang": "fr"}] + E411_ACTIONS


def test_a_call_open_in_one_window_cannot_be_resumed_in_a_second_one(tmp_path):
    transcript = tmp_path / "call.jsonl"
    first = spawn("play", str(E411), "--seed", "60", "--plain", "--lang", "fr", "--trainee", "Amélie", "--transcript", str(transcript),
                  home=tmp_path / "home")
    first.expect("Votre choix")
    first.sendline("1")
    first.expect("Vous : Bonjour, je suis là pour vous aider.")
    first.expect("Votre choix")

    second = spawn("resume", str(transcript), "--plain", home=tmp_path / "home")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 1
    assert "is open in another Plateau window. Go on with it there, or close that window and try again." in second.before

    first.sendline("1")  # the first window goes on, alone in its file
    first.expect("Vous : Gilet, puis derrière la glissière.")
    first.expect("Votre choix")
    first.sendline("/quitter")
    first.expect(pexpect.EOF)
    assert actions_in(transcript) == [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
                                      {"type": "choose", "option": "behind-rail"}]
    assert read_transcript(transcript).tampered is False


def test_a_name_remembered_on_this_computer_is_said_before_the_call(tmp_path):
    home = tmp_path / "home"
    first = spawn("play", str(E411), "--seed", "60", "--plain", "--lang", "fr", home=home)
    first.expect("Votre nom")
    first.sendline("Zoë Vandenbroucke-Ngô")
    first.expect("Votre choix")
    first.sendline("/quitter")
    first.expect(pexpect.EOF)

    second = spawn("play", str(E411), "--seed", "60", "--plain", "--lang", "fr", home=home)
    second.expect("Appel enregistré au nom de Zoë Vandenbroucke-Ngô \\(un autre nom : --trainee NOM\\).")
    second.expect("Votre choix")
    second.sendline("/quitter")
    second.expect(pexpect.EOF)


def test_a_call_always_belongs_to_someone_an_empty_name_is_asked_again_and_none_plays_nothing(tmp_path):
    child = spawn("play", str(E411), "--plain", "--lang", "fr", home=tmp_path)
    child.expect("Votre nom")
    child.sendline("")
    child.expect("Votre nom")  # asked again: an empty name is no name
    child.sendeof()
    child.expect("pas de nom, pas d'appel")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert not (tmp_path / "sessions").exists()  # nothing was played, nothing is kept under no one's name

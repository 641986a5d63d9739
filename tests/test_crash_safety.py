"""A call survives a killed process: what was acknowledged on screen is on disk, and resume continues."""

from __future__ import annotations

import json
import os
import signal
import sys

import pytest

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
    child = spawn("play", str(E411), "--plain", "--lang", "fr", "--trainee", "Amélie", "--transcript", str(transcript),
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

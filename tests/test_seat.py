"""The trainee's seat: Plateau played in a real 80x24 terminal, read back as the trainee sees it.

A pseudo-terminal (pexpect) runs `plateau play` exactly as a trainee would; a terminal emulator
(pyte) keeps the 80x24 screen those bytes draw, so the tests assert what is on screen at the
moment of a decision, not what scrolled past.
"""

from __future__ import annotations

import os
import re
import sys

import pytest

from simulator.answers import load_answers
from tests.conftest import E411

pexpect = pytest.importorskip("pexpect", reason="pexpect drives a pseudo-terminal (POSIX only)")
pyte = pytest.importorskip("pyte", reason="pyte keeps the screen a terminal would show")

ROWS, COLUMNS = 24, 80
DOUR_BEST = E411.parent.parent / "scenarios" / "dour-festival" / "best.yaml"
BOX_AND_BLOCKS = re.compile("[\u2500-\u259f]")  # box drawing and block elements: what a screen reader stumbles on


class Seat:
    """A trainee at an 80x24 terminal: what they type, and the screen they see."""

    def __init__(self, *args: str, home):
        env = {**os.environ, "PLATEAU_HOME": str(home), "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1",
               "LINES": str(ROWS), "COLUMNS": str(COLUMNS), "TERM": "xterm"}
        self.child = pexpect.spawn(sys.executable, ["-m", "simulator", *args], env=env, encoding="utf-8", timeout=30,
                                   dimensions=(ROWS, COLUMNS))
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.output = ""

    def wait_for(self, pattern: str) -> None:
        self.child.expect(pattern)
        seen = self.child.before + self.child.after
        self.output += seen
        self.stream.feed(seen)

    def type(self, text: str) -> None:
        self.child.sendline(text)

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]


def dour_until_the_directory(seat: Seat, prompt: str) -> None:
    """The Dour model call, typed option by option up to the directory at the dispatch of the tow truck."""
    best = [action for action, _ in load_answers(DOUR_BEST)]
    for action in best[1:]:
        seat.wait_for(prompt)
        if action["type"] == "provider":
            if "Choisissez un prestataire" not in seat.child.after:
                seat.wait_for("Choisissez un prestataire")
            return
        seat.type({"choose": action.get("option"), "input": action.get("value")}[action["type"]])
    raise AssertionError("the model call has no dispatch")


def test_at_80x24_the_directory_fits_one_screen_with_the_callers_last_words_and_the_prompt(tmp_path):
    seat = Seat("play", "dour-festival", "--lang", "fr", "--trainee", "Amélie", "--seed", "7", home=tmp_path)
    dour_until_the_directory(seat, "›")
    screen = seat.lines()
    heading = next(i for i, line in enumerate(screen) if line.startswith("Annuaire : dépanneuse, les plus proches"))
    rows = [line for line in screen[heading:] if re.match(r"\s*\d+ [★ ] ", line)]
    assert len(rows) >= 5 and all(len(line) <= COLUMNS for line in screen)
    assert "Borinage Dépannage 4x4" in "\n".join(rows)  # the one the case needs, on screen with its number
    assert any(line.startswith(("Camille Verhaeghe :", "Pour rappel : Camille Verhaeghe :")) for line in screen)
    assert any(line.startswith("… et ") and "« tout »" in line for line in screen)
    assert any(line.startswith("Choisissez un prestataire") for line in screen[heading:])  # the prompt, below them all


def test_at_80x24_in_plain_mode_the_directory_is_one_provider_a_line_in_words(tmp_path):
    seat = Seat("play", "dour-festival", "--lang", "fr", "--trainee", "Amélie", "--seed", "7", "--plain", home=tmp_path)
    dour_until_the_directory(seat, "Votre choix|Encodez|Choisissez un prestataire")
    screen = seat.lines()
    heading = next(i for i, line in enumerate(screen) if line.startswith("Annuaire : dépanneuse, les plus proches"))
    assert any(line.startswith("2. Borinage Dépannage 4x4, Boussu. 6 km. 13 min. Partenaire. 145") for line in screen)
    assert any(line.startswith(("Camille Verhaeghe :", "Pour rappel : Camille Verhaeghe :")) for line in screen)
    assert heading < len(screen) - 2
    assert not BOX_AND_BLOCKS.search(seat.output)


def test_a_whole_call_in_plain_mode_prints_no_box_drawing_or_block_character(tmp_path):
    seat = Seat("play", "dour-festival", "--lang", "nl", "--trainee", "Joris", "--seed", "7", "--plain", home=tmp_path)
    best = [action for action, _ in load_answers(DOUR_BEST)]
    for action in best[1:]:
        seat.wait_for("Uw keuze|Vul |Kies een hulpverlener")
        seat.type({"choose": action.get("option"), "input": action.get("value"),
                   "provider": action.get("id")}[action["type"]])
    seat.wait_for("GESLAAGD")
    seat.wait_for("Enter om te stoppen")
    seat.type("")
    seat.child.expect(pexpect.EOF)
    seat.output += seat.child.before
    assert re.search(r"Stress: \d+ op\s+100,\s+(rustig|gespannen|erg gestrest|paniek)", seat.output)  # numbers and words
    assert not BOX_AND_BLOCKS.search(seat.output)

"""The README's screens are the real screen: the free-text capture is replayed in an 80-column pseudo-terminal
and must read, line for line, as the README shows it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives a pseudo-terminal (POSIX only)")
pyte = pytest.importorskip("pyte", reason="pyte keeps the screen a terminal would show")

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = 80
PROMPT = "Que dites-vous ? (? : les options) › "
PICK = "Vous voulez dire (1 ou 2, Entrée pour reformuler) › "


def readme_block(heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    return re.search(r"```\n(.*?)\n```", section, re.S).group(1).splitlines()


def what_was_typed(block: list[str]) -> list[tuple[str, bool]]:
    """The trainee's answers in a captured block (a long one is folded at the 80th column), each with whether
    Plateau then offered two readings to pick from (the next line is "1. ...") rather than an answer."""
    typed: list[list] = []
    wrapped = False
    for line in block:
        if wrapped:
            typed[-1][0] += line
        elif line.startswith((PROMPT, PICK)):
            typed.append([line.split(" › ", 1)[1], False])
        else:
            typed[-1][1] = typed[-1][1] or line.startswith("1. ") if typed else False
            continue
        wrapped = len(line) == COLUMNS  # the answer goes on on the next line
    return [(answer, two) for answer, two in typed]

def test_the_readme_free_text_screen_is_what_the_terminal_shows(tmp_path):
    block = readme_block("### In your own words: `--free`")
    env = {**os.environ, "PLATEAU_HOME": str(tmp_path), "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1",
           "LINES": "24", "COLUMNS": str(COLUMNS), "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "simulator", "play", "dour-festival", "--lang", "fr", "--free",
                                           "--seed", "7", "--trainee", "Amélie Dupont"],
                          env=env, encoding="utf-8", timeout=30, dimensions=(24, COLUMNS))
    screen = pyte.HistoryScreen(COLUMNS, 24, history=400)
    stream = pyte.Stream(screen)
    seen = []

    def wait(pattern: str) -> None:
        child.expect(pattern)
        seen.append(child.before + child.after)

    prompt, pick = re.escape(PROMPT.rstrip()), re.escape(PICK.rstrip())
    wait(prompt)
    for answer, offered_two in what_was_typed(block):
        child.send(answer + "\r")
        if offered_two:
            wait(pick)
        else:
            wait("Camille Verhaeghe :")
            wait(prompt)
    child.terminate(force=True)
    stream.feed("".join(seen))
    lines = ["".join(row[x].data for x in range(COLUMNS)).rstrip() for row in screen.history.top]
    lines += [row.rstrip() for row in screen.display]
    start = lines.index(block[0])
    assert lines[start:start + len(block)] == block

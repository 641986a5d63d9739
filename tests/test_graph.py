"""plateau graph: the dialogue as Mermaid or DOT text, compared with golden files; SVG through Graphviz."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from simulator.graph import to_dot, to_mermaid
from tests.conftest import E411
from tests.test_cli import plateau

GOLDEN = Path(__file__).parent / "golden" / "graph"


@pytest.mark.parametrize("render, golden", [(to_mermaid, "e411-flat-tyre.mmd"), (to_dot, "e411-flat-tyre.dot")])
def test_e411_graph_matches_its_golden_file(e411, lib, render, golden):
    assert render(e411, lib.rubrics["roadside"]) == (GOLDEN / golden).read_text(encoding="utf-8")


def test_two_calls_are_two_subgraphs(two_calls, lib):
    assert to_mermaid(two_calls, lib.rubrics["roadside"]) == (GOLDEN / "two-calls.mmd").read_text(encoding="utf-8")


def test_critical_steps_endings_and_timed_events_are_marked(e411, lib):
    text = to_mermaid(e411, lib.rubrics["roadside"])
    assert '  nadia_safety ==>|"send-tow [dispatch★]"| nadia_wait' in text.splitlines()
    assert '  nadia_safety -->|"stay-in-car [safety_advice]"| E_unsafe' in text.splitlines()
    assert '    ev_nadia_truck_passes{{"truck-passes · at 2 min · when not safe"}}:::event' in text.splitlines()
    dot = to_dot(e411, lib.rubrics["roadside"])
    assert ('  nadia_safety -> nadia_wait [label="send-tow [dispatch★]", color="#cc0000", penwidth=2];'
            in dot.splitlines())


def test_the_command_prints_mermaid_by_default():
    result = plateau("graph", str(E411))
    assert result.returncode == 0
    assert result.stdout == (GOLDEN / "e411-flat-tyre.mmd").read_text(encoding="utf-8")


def test_text_formats_are_written_to_a_file(tmp_path):
    out = tmp_path / "g.dot"
    result = plateau("graph", str(E411), "--format", "dot", "-o", str(out))
    assert result.returncode == 0
    assert out.read_text(encoding="utf-8") == (GOLDEN / "e411-flat-tyre.dot").read_text(encoding="utf-8")


def test_svg_without_graphviz_says_what_to_install(tmp_path):
    env_path = os.environ.get("PATH", "")
    os.environ["PATH"] = str(tmp_path)  # a PATH with no 'dot' on it, seen by the subprocess
    try:
        result = plateau("graph", str(E411), "-o", str(tmp_path / "g.svg"))
    finally:
        os.environ["PATH"] = env_path
    assert result.returncode == 1
    assert result.stderr.startswith("plateau: drawing g.svg needs Graphviz's 'dot' program, which is not installed. "
                                    "Install Graphviz (Debian/Ubuntu: 'apt install graphviz'")
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_with_graphviz(tmp_path):
    out = tmp_path / "g.svg"
    result = plateau("graph", str(E411), "-o", str(out))
    assert result.returncode == 0
    svg = out.read_text(encoding="utf-8")
    assert "<svg" in svg and "[dispatch★]" in svg

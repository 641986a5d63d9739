"""The HTML debrief, opened in a real browser, runs no script a trainee or an author slipped in."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from simulator.answers import load_answers
from simulator.catalog import open_scenario
from simulator.report import Debrief, render_html
from simulator.scoring import score_actions
from tests.conftest import FIXTURES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
PAYLOADS = ["<script>document.title='PWNED'</script>",
            "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">",
            "\"><svg onload=\"document.body.setAttribute('data-pwned','2')\">"]


def hostile_debrief() -> str:
    scenario, lib = open_scenario("dour-festival")
    actions = [a for a, _ in load_answers(FIXTURES.parent / "scenarios" / "dour-festival" / "best.yaml")]
    actions[actions.index({"type": "input", "value": "GH-512-KL"})] = {"type": "input", "value": PAYLOADS[0]}
    actions.insert(3, {"type": "note", "text": PAYLOADS[1]})
    actions.insert(4, {"type": "record", "field": "problem", "value": PAYLOADS[2]})
    score = score_actions(scenario, lib.rubrics["roadside"], lib.directory, actions)
    return render_html(Debrief("fr", scenario, score, PAYLOADS[1] + PAYLOADS[2], "2026-07-03"))


def test_payloads_typed_by_the_trainee_are_escaped_in_the_html():
    html = hostile_debrief()
    for payload in PAYLOADS:
        assert payload not in html
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_no_script_runs_when_the_debrief_is_opened_in_chromium(tmp_path):
    page = tmp_path / "debrief.html"
    page.write_text(hostile_debrief(), encoding="utf-8")
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000", "--dump-dom",
                             page.as_uri()], capture_output=True, text=True, timeout=120)
    dom = result.stdout
    assert "<title>Débriefing&nbsp;: Batterie à plat au festival de Dour</title>" in dom
    assert "PWNED" not in dom.split("</title>")[0]
    assert "data-pwned" not in dom.split("<body")[1].split(">")[0]
    assert "Vos notes" in dom

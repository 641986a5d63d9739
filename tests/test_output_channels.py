"""What people and files wrote reaches screens, pages and diagrams as text: escape sequences and HTML do nothing."""

from __future__ import annotations

import json
import shutil

from tests.conftest import E411, FIXTURES
from tests.test_cli import GOOD_ANSWERS, plateau

RETITLE_AND_CLEAR = "\x1b]0;pwned\x07\x1b[2J"


def _e411_with(tmp_path, old: str, new: str):
    """The E411 call with one of its texts rewritten, beside its providers."""
    folder = tmp_path / "scenario"
    shutil.copytree(FIXTURES / "providers", folder / "providers")
    text = E411.read_text(encoding="utf-8")
    assert old in text
    (folder / E411.name).write_text(text.replace(old, new), encoding="utf-8")
    return folder / E411.name


def _played(tmp_path, scenario=E411, trainee="Amélie Dupont", *extra):
    answers = tmp_path / "answers.yaml"
    answers.write_text(GOOD_ANSWERS, encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    result = plateau("play", str(scenario), "--answers", str(answers), "--trainee", trainee, "--transcript",
                     str(transcript), "--lang", "fr", *extra, env_home=tmp_path / "home")
    return result, transcript


def test_escape_sequences_in_a_trainees_name_are_shown_as_signs_in_the_results(tmp_path):
    _played(tmp_path, trainee=f"Amélie{RETITLE_AND_CLEAR}")
    listing = plateau("results", "--json", env_home=tmp_path / "home")
    assert [r["trainee"] for r in json.loads(listing.stdout)] == ["Amélie␛]0;pwned␇␛[2J"]
    table = plateau("results", env_home=tmp_path / "home", columns=120)
    assert "\x1b" not in table.stdout and "Amélie␛]0;pwned␇␛[2J" in table.stdout


def test_escape_sequences_in_a_scenario_text_reach_the_screen_as_signs(tmp_path):
    scenario = _e411_with(tmp_path, 'fr: "Je fais quoi ?"', 'fr: "Je fais quoi ?\\e]0;pwned\\a\\e[2J"')
    result, _ = _played(tmp_path, scenario)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "Je fais quoi ?␛]0;pwned␇␛[2J" in result.stdout


def test_html_in_a_trainees_name_is_shown_not_run_in_the_markdown_debrief(tmp_path):
    _, transcript = _played(tmp_path, trainee="<script>alert('x')</script> & co")
    report = plateau("report", str(transcript), "--format", "md", env_home=tmp_path / "home")
    assert report.returncode == 0, report.stderr
    assert "<script>" not in report.stdout
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; co" in report.stdout


def test_html_in_a_callers_name_is_written_as_mermaid_entity_codes_in_the_diagram(tmp_path):
    scenario = _e411_with(tmp_path, "name: Nadia Lambert", 'name: "Nadia <img src=x onerror=alert(1)> Lambert"')
    graph = plateau("graph", str(scenario), "--format", "mermaid")
    assert graph.returncode == 0, graph.stderr
    assert "<img" not in graph.stdout
    assert 'nadia: Nadia #lt;img src=x onerror=alert(1)#gt; Lambert"]' in graph.stdout


def test_a_github_annotation_escapes_the_file_name_so_it_cannot_end_the_command_early():
    from simulator.author_cli import format_github
    from simulator.errors import Problem
    problem = Problem("calls/a,b:c\n::error file=x.yaml.yaml", 3, 5, "S001", "unknown key 'tekst'.", "Write 'text'.")
    assert format_github(problem) == ("::error file=calls/a%2Cb%3Ac%0A%3A%3Aerror file=x.yaml.yaml,line=3,col=5,"
                                      "title=S001::S001 unknown key 'tekst'. Write 'text'.")

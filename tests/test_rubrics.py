"""Rubric files: mistakes are positioned like scenario mistakes."""

from __future__ import annotations

import pytest

from simulator.catalog import RUBRICS
from simulator.errors import ScenarioError
from simulator.loader import build_rubric
from simulator.yamlsource import parse_yaml

ROADSIDE = (RUBRICS / "roadside.yaml").read_text(encoding="utf-8")


def problems(**replacements):
    text = ROADSIDE
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    with pytest.raises(ScenarioError) as caught:
        build_rubric(parse_yaml(text, "roadside.yaml"))
    return [(p.code, p.line, p.column, p.message) for p in caught.value.problems]


def test_the_bundled_rubrics_load():
    for path in RUBRICS.glob("*.yaml"):
        assert build_rubric(parse_yaml(path.read_text(encoding="utf-8"), path.name)).protocol


def test_unknown_criterion():
    assert problems(**{"  calm:\n": "  calmness:\n"})[0] == (
        "R010", 54, 3, "there is no criterion 'calmness'.")


def test_weight_that_is_not_a_number():
    assert problems(**{"    weight: 25": "    weight: twenty"})[0] == (
        "S003", 56, 13, "weight must be a number, not a text.")


def test_overlapping_compliance_bands():
    assert problems(**{"partial: 60": "partial: 80"}) == [
        ("S005", 25, 12, "the bands overlap: 'partial' starts at 80, not below 'compliant' (75).")]


def test_compliance_bands_that_leave_a_gap():
    assert problems(**{"non_compliant: 0": "non_compliant: 10"}) == [
        ("S005", 27, 18, "the bands leave a gap: scores below 10 have no level.")]


def test_a_step_the_protocol_does_not_define():
    assert problems(**{"before: [identify, dispatch]\n": "before: [identfy, dispatch]\n"}) == [
        ("R002", 96, 14, "the step 'identfy' is not in this protocol.")]


def test_a_timing_target_for_an_unknown_step():
    assert problems(**{"locate: 10 min": "locating: 10 min"}) == [
        ("R002", 79, 9, "the step 'locating' is not in this protocol.")]


def test_the_guide_shows_each_bundled_rubric_as_its_file_says():
    from pathlib import Path

    from simulator.catalog import library
    from simulator.rubricdoc import render_markdown

    guide = (Path(__file__).parent.parent / "docs" / "rubrics.md").read_text(encoding="utf-8")
    rubrics = library().rubrics
    assert [rid for rid in sorted(rubrics) if render_markdown(rubrics[rid]) not in guide] == []


def test_the_rubric_command_prints_the_pass_rule_and_the_order_rules():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "simulator", "rubric", "roadside"], capture_output=True, text=True,
                         encoding="utf-8")
    assert out.returncode == 0
    assert "procedure compliance high_compliance or compliant" in out.stdout
    assert "  locate before dispatch: critical\n" in out.stdout
    assert "  case_file    15, at least 50%\n" in out.stdout

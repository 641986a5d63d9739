"""plateau lint: every code found at its exact line and column, in text, JSON and GitHub formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator import model as m
from simulator.catalog import library
from simulator.lint import LINT_CODES, check_scenario, lint_paths
from simulator.loader import build_scenario
from simulator.yamlsource import load_yaml
from tests.test_cli import plateau

ROOT = Path(__file__).parent.parent
LINT = ROOT / "tests" / "fixtures" / "lint"
REL = "tests/fixtures/lint"  # as the command shows it, run from the repository
DOCS = ROOT / "docs" / "authoring.md"


def found(name: str, code: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every problem with `code` in a lint fixture."""
    problems, _ = lint_paths([LINT / name])
    return [(p.line, p.column, p.message) for p in problems if p.code == code]


def test_unreachable_node_is_pointed_at_by_its_name():
    assert found("L001.yaml", "L001") == [
        (42, 7, "the node 'orphan' cannot be reached: no option or event of case 'eva' leads to it.")]


def test_endings_never_named_and_never_reached():
    assert found("L002.yaml", "L002") == [
        (20, 3, "no option, node or event ends the call with 'towed'."),
        (24, 3, "no path of the call ends with 'escalated': the options and events that end it are never reached "
                "or never offered.")]


def test_an_option_whose_condition_never_holds():
    assert found("L003.yaml", "L003") == [
        (43, 19, "the option 'calm-down' is never offered on any path (its condition 'stress > 90' never holds there).")]


def test_a_loop_with_no_way_out_is_reported_once_at_its_first_node():
    assert found("L004.yaml", "L004") == [
        (45, 7, "the nodes 'loop-a', 'loop-b' form a loop with no way out: no option or event there ends the call.")]


def test_a_translation_copied_from_another_language():
    assert found("L005.yaml", "L005") == [
        (32, 63, "the nl text is the same as the fr text: \"Êtes-vous en sécurité sur place ?\".")]


def test_short_identical_texts_such_as_names_are_not_translations_to_make():
    assert found("base.yaml", "L005") == []  # "Eva Janssens", "E40" are the same everywhere


def test_rubric_steps_no_option_performs_are_warnings_at_the_rubric_line():
    steps = [re.search(r"step '(\w+)'", msg)[1] for line, col, msg in found("L006.yaml", "L006") if (line, col) == (9, 9)]
    assert steps == ["callback_number", "confirm_eta", "follow_up", "greet", "identify", "qualify", "record",
                     "safety_advice"]


def test_critical_steps_no_option_performs_and_no_path_reaches():
    assert found("L007.yaml", "L007") == [
        (21, 3, "no option of case 'eva' performs the critical step 'locate': a call could pass without it."),
        (52, 19, "no path of case 'eva' performs the critical step 'dispatch': the options that do are never offered.")]


def test_two_options_saying_the_same_at_one_node():
    assert found("L008.yaml", "L008") == [
        (43, 82, "the options 'locate' and 'locate-again' at node 'where' say the same in en: the trainee cannot "
                 "tell them apart.")]


def test_a_path_where_the_call_gets_stuck_names_the_answers_that_lead_there():
    assert found("L009.yaml", "L009") == [
        (35, 7, "the call can get stuck at node 'where': the scenario offers nothing to do at node 'where' of case "
                "'eva' (after: safe, chat).")]


def test_a_dispatch_with_no_provider_of_its_kind(lib):
    doc = load_yaml(LINT / "L010.yaml")
    scenario = build_scenario(doc, "", lib.rubrics, lib.directory)
    problems, _ = check_scenario(scenario, doc, lib.rubrics["roadside"], m.Directory())
    assert [(p.line, p.column, p.message) for p in problems if p.code == "L010"] == [
        (48, 44, "the directory has no provider of kind 'tow': the trainee could not choose one.")]


def test_an_event_whose_condition_never_holds():
    assert found("L011.yaml", "L011") == [(28, 9, "the event 'panic' never happens on any path.")]


def test_a_condition_that_fails_on_a_path_stops_the_never_checks():
    problems, notes = lint_paths([LINT / "L012.yaml"])
    assert [(p.line, p.column, p.code) for p in problems if p.code != "L006"] == [(35, 7, "L012")]
    assert problems[-1].message == ("the condition 'eta > 10' failed: '>' not supported between instances of "
                                    "'NoneType' and 'int' (after: safe).")
    assert notes == []


@pytest.mark.parametrize("code", sorted(LINT_CODES))
def test_every_code_has_a_fixture_and_a_documented_example(code):
    assert (LINT / f"{code}.yaml").is_file()
    docs = DOCS.read_text(encoding="utf-8")
    assert f"### {code} " in docs, f"docs/authoring.md has no section for {code}"


def test_severities_are_the_documented_ones():
    errors = sorted(c for c, (severity, _) in LINT_CODES.items() if severity.value == "error")
    assert errors == ["L004", "L007", "L009", "L010", "L012"]


def test_loader_errors_keep_their_codes(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((LINT / "base.yaml").read_text(encoding="utf-8").replace("goto: where", "goto: wehre"), encoding="utf-8")
    problems, _ = lint_paths([bad])
    assert [(p.line, p.column, p.code, p.hint) for p in problems if p.severity.value == "error"] == [
        (34, 19, "R001", "Did you mean 'where'? Possible values: hello, send, where.")]


# ------------------------------------------------------------------ the command


def test_text_output_and_exit_code_1_on_errors():
    result = plateau("lint", f"{REL}/L004.yaml", cwd=ROOT)
    assert result.returncode == 1
    assert (f"{REL}/L004.yaml:45:7: L004 the nodes 'loop-a', 'loop-b' form a loop with no way out: no option or "
            "event there ends the call.\n    hint: Give one of these nodes an option with 'end: ENDING', or a 'goto' "
            "to a node that leads to an ending.\n") in result.stdout


def test_warnings_alone_exit_0_unless_strict():
    assert plateau("lint", str(LINT / "L003.yaml")).returncode == 0
    assert plateau("lint", "--strict", str(LINT / "L003.yaml")).returncode == 1


def test_json_output_is_a_list_of_positioned_problems():
    result = plateau("lint", "--format", "json", f"{REL}/L008.yaml", cwd=ROOT)
    problems = json.loads(result.stdout)
    assert {tuple(p) for p in problems} == {("file", "line", "column", "code", "severity", "message", "hint")}
    assert [p for p in problems if p["code"] == "L008"] == [{
        "file": f"{REL}/L008.yaml", "line": 43, "column": 82, "code": "L008", "severity": "warning",
        "message": "the options 'locate' and 'locate-again' at node 'where' say the same in en: the trainee cannot "
                   "tell them apart.",
        "hint": "Reword one of them so that each choice says what it does."}]


def test_github_output_annotates_the_line():
    result = plateau("lint", "--format", "github", f"{REL}/L001.yaml", cwd=ROOT)
    assert (f"::warning file={REL}/L001.yaml,line=42,col=7,title=L001::L001 the node 'orphan' cannot be reached: "
            "no option or event of case 'eva' leads to it. Add 'goto: orphan' to the option that should lead here, "
            "or remove the node.") in result.stdout.splitlines()


def test_a_folder_is_searched_for_yaml_files():
    problems, _ = lint_paths([LINT])
    assert {Path(p.file).name for p in problems} == {f"{c}.yaml" for c in LINT_CODES} | {"base.yaml"}


def test_a_missing_path_is_a_clean_error():
    result = plateau("lint", "no-such-file.yaml")
    assert (result.returncode, result.stderr) == (1, "plateau: there is no file or folder 'no-such-file.yaml'.\n")


def test_a_scenario_too_large_to_follow_is_checked_statically_with_a_note(tmp_path):
    problems, notes = lint_paths([LINT / "L003.yaml"], max_states=3)
    assert [p.code for p in problems if p.code != "L006"] == []
    assert len(notes) == 1 and notes[0].message.startswith("the checks that follow every path (L002, L003, L007, "
                                                           "L009, L011, L012) were skipped")


@pytest.mark.parametrize("command", ["lint", "paths", "graph", "schema", "new"])
def test_every_authoring_command_has_help_with_an_example_and_is_documented(command):
    result = plateau(command, "--help")
    assert result.returncode == 0
    assert "Example:\n  plateau " + command in result.stdout
    assert f"plateau {command}" in DOCS.read_text(encoding="utf-8")

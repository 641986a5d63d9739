"""plateau lint: every code found at its exact line and column, in text, JSON and GitHub formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator import model as m
from simulator.lint import LINT_CODES, NOTE_CODES, Note, check_scenario, lint_paths
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


def test_two_options_a_free_text_answer_cannot_tell_apart():
    assert found("L015.yaml", "L015") == [
        (39, 62, "in free-text mode, a trainee who types the English words of 'locate' at node 'where' could be "
                 "understood as 'locate-again': the two say nearly the same.")]


def test_options_never_offered_together_are_not_compared_for_free_text(tmp_path):
    text = (LINT / "L015.yaml").read_text(encoding="utf-8")
    text = text.replace("          - id: locate\n", "          - id: locate\n            when: not located\n")
    text = text.replace("          - id: locate-again\n", "          - id: locate-again\n            when: located\n")
    path = tmp_path / "L015-exclusive.yaml"
    path.write_text(text, encoding="utf-8")
    assert found(path, "L015") == []


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


def test_a_condition_that_fails_is_pointed_at_and_explained():
    problems, _ = lint_paths([LINT / "L012.yaml"])
    assert [(p.line, p.column, p.code, p.message, p.hint) for p in problems if p.code != "L006"] == [
        (39, 19, "L012", "the condition 'eta > 10' cannot be worked out when no provider has been dispatched yet: "
                         "eta is empty (after: safe).",
         "Test 'dispatched' first: 'dispatched and eta > 10'.")]


def test_a_condition_added_to_the_scaffold_before_any_dispatch_is_pointed_at_by_its_when():
    assert found("scaffold-L012.yaml", "L012") == [
        (145, 19, "the condition 'eta > 10' cannot be worked out when no provider has been dispatched yet: eta is "
                  "empty (after: greet, safety-check).")]


def test_the_fix_suggested_for_a_condition_guards_only_the_part_that_reads_eta(tmp_path):
    bad = tmp_path / "bad.yaml"
    source = (LINT / "L012.yaml").read_text(encoding="utf-8")
    bad.write_text(source.replace("when: eta > 10", "when: stress > 60 or eta > 10"), encoding="utf-8")
    problems, _ = lint_paths([bad])
    assert [p.hint for p in problems if p.code == "L012"] == [
        "Test 'dispatched' first: 'stress > 60 or (dispatched and eta > 10)'."]


def with_text(tmp_path, text: str) -> Path:
    """base.yaml with the question asked at node 'where' (the caller speaks Dutch) replaced."""
    path = tmp_path / "texts.yaml"
    path.write_text((LINT / "base.yaml").read_text(encoding="utf-8").replace(
        "text: {fr: Où êtes-vous ?, nl: Waar bent u?, en: Where are you?}", text), encoding="utf-8")
    return path


def test_a_text_that_reads_the_provider_before_any_dispatch_is_pointed_at_in_its_language(tmp_path):
    path = with_text(tmp_path, "text: {fr: \"{{ dispatched.name }} arrive.\", "
                               "nl: \"{{ dispatched.name }} komt eraan.\", en: \"{{ dispatched.name }} is coming.\"}")
    problems, _ = lint_paths([path])
    assert [(p.line, p.column, p.message, p.hint) for p in problems if p.code == "L012"] == [
        (39, 61, "the text '{{ dispatched.name }} komt eraan.' cannot be filled in when no provider has been "
                 "dispatched yet: dispatched is empty (after: safe, locate).",
         "Use it only once a provider is dispatched (in a line or an option with 'when: dispatched'), or leave the "
         "placeholder out.")]


def test_a_placeholder_that_names_nothing_gets_a_hint_about_names_not_conditions(tmp_path):
    path = with_text(tmp_path, "text: {fr: \"Merci, {{ caller.name }}.\", nl: \"Dank u, {{ caller.name }}.\", "
                               "en: \"Thank you, {{ caller.name }}.\"}")
    problems, _ = lint_paths([path])
    assert [(p.line, p.column, p.message, p.hint) for p in problems if p.code == "L012"] == [
        (39, 57, "the text 'Dank u, {{ caller.name }}.' cannot be filled in: 'caller' has no 'name' (after: safe, "
                 "locate).",
         "Use the variables listed in docs/authoring.md under 'Texts and languages' ({{ caller }}, {{ eta }}, "
         "{{ provider }}, {{ time }}, {{ stress }}) or a flag of the case.")]


def test_a_condition_that_fails_leaves_the_never_checks_undone_and_says_so(monkeypatch):
    monkeypatch.chdir(ROOT)  # files are named as the command shows them, from the repository
    _, notes = lint_paths([LINT / "L012.yaml"])
    assert notes == [Note(
        f"{REL}/L012.yaml", 1, 1, "L000",
        "the checks that say something never happens on any path (L001, L002, L003, L007, L011) were not done: a "
        "condition or text fails on some path (L012), and the call cannot go on beyond it.",
        "Fix the L012 error, then lint again.")]


def test_a_step_given_away_by_the_length_of_its_option_is_pointed_at_in_the_first_language():
    assert found("L013.yaml", "L013") == [
        (39, 24, "at node 'where', the option 'locate' (step 'locate') is more than 1.8 times as long as any other in "
                 "French (69 characters, against 12 for 'later'): its length alone gives the answer away.")]


def test_an_option_that_costs_nothing_off_the_model_call_is_pointed_at():
    assert found("L014.yaml", "L014") == [
        (43, 17, "the option 'later' is not in the model call, yet it performs no step, breaks nothing and costs no "
                 "time or stress: a trainee who picks it is never told whether it was right.")]


LOCATE = """\
          - id: locate
            text: {fr: Où êtes-vous ?, nl: Waar bent u?, en: Where are you?}
            step: locate
            goto: send
"""


def with_where_options(tmp_path, options: str) -> Path:
    """base.yaml with the options of node 'where' replaced."""
    path = tmp_path / "where.yaml"
    base = (LINT / "base.yaml").read_text(encoding="utf-8")
    assert LOCATE in base
    path.write_text(base.replace(LOCATE, options), encoding="utf-8")
    return path


def test_an_option_written_with_more_care_than_the_others_is_a_giveaway_in_any_language(tmp_path):
    path = with_where_options(tmp_path, """\
          - id: locate
            text: {fr: Où êtes-vous ?, nl: "Waar staat u precies: op welke snelweg, in welke richting?", en: Where are you?}
            step: locate
            goto: send
          - id: panic
            text: {fr: C'est grave !, nl: Dat is erg!, en: That is bad!}
            tone: alarming
            goto: send
""")
    problems, _ = lint_paths([path])
    assert [(p.line, p.column, p.code, p.severity.value, p.message, p.hint) for p in problems if p.code == "L013"] == [
        (39, 44, "L013", "warning",  # the Dutch text of the option
         "at node 'where', the option 'locate' (step 'locate') is more than 1.8 times as long as any other in Dutch "
         "(58 characters, against 11 for 'panic'): its length alone gives the answer away.",
         "Shorten it, or give the other options the same level of detail.")]


AS_DETAILED = """\
          - id: locate
            text: {fr: "Où êtes-vous exactement : quelle autoroute, quel sens ?", nl: "Waar staat u precies: welke snelweg, welke richting?", en: "Where exactly are you: which motorway, which direction?"}
            step: locate
            goto: send
          - id: member-first
            text: {fr: "D'abord votre numéro de membre, il est sur votre carte.", nl: "Eerst uw lidnummer, dat staat op uw kaart.", en: "Your member number first, it is on your card."}
            goto: send
"""
LONG_WITHOUT_STEP = """\
          - id: locate
            text: {fr: Où êtes-vous ?, nl: Waar bent u?, en: Where are you?}
            step: locate
            goto: send
          - id: chat
            text: {fr: "Ne vous inquiétez pas, on a l'habitude, racontez-moi tout depuis le début.", nl: "Maak u geen zorgen, we zijn het gewoon, vertel me alles van bij het begin.", en: "Do not worry, we are used to this, tell me everything from the start."}
            goto: send
"""


@pytest.mark.parametrize("options", [AS_DETAILED, LONG_WITHOUT_STEP], ids=["as-detailed", "long-one-performs-no-step"])
def test_options_written_with_the_same_care_or_a_long_one_that_performs_no_step_are_not_giveaways(tmp_path, options):
    problems, _ = lint_paths([with_where_options(tmp_path, options)])
    assert [p for p in problems if p.code == "L013"] == []


@pytest.mark.parametrize("code", sorted(LINT_CODES) + sorted(NOTE_CODES))
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
    problems, notes = lint_paths([LINT])
    assert {Path(p.file).name for p in problems} == {f"{c}.yaml" for c in LINT_CODES} | {
        "base.yaml", "scaffold-L003.yaml", "scaffold-L012.yaml"}
    assert {Path(n.file).name for n in notes} == {"L000.yaml", "L012.yaml", "scaffold-L012.yaml"}


def test_a_missing_path_is_a_clean_error():
    result = plateau("lint", "no-such-file.yaml")
    assert (result.returncode, result.stderr) == (1, "plateau: there is no file or folder 'no-such-file.yaml'.\n")


def test_a_scenario_too_large_to_follow_is_checked_statically_with_a_note():
    problems, notes = lint_paths([LINT / "L003.yaml"], max_states=3)
    assert [p.code for p in problems if p.code != "L006"] == []
    assert [(n.line, n.column, n.code, n.message) for n in notes] == [
        (1, 1, "L000", "the checks that follow every path (L001, L002, L003, L007, L009, L011, L012) were not done: "
                       "the call has too many paths to follow within 3 states.")]


# ------------------------------------------------------------------ how many paths lint follows


def test_the_scaffold_with_one_more_question_is_followed_on_every_path():
    assert found("scaffold-L003.yaml", "L003") == [
        (145, 19, "the option 'calm-down' is never offered on any path (its condition 'stress > 90' never holds "
                  "there).")]
    assert lint_paths([LINT / "scaffold-L003.yaml"])[1] == []


def test_the_default_of_max_states_is_the_budget_lint_uses():
    from simulator import author_cli, lint
    assert author_cli.LINT_STATES == lint.LINT_STATES == 20_000


NOTE_L000 = ("the checks that follow every path (L001, L002, L003, L007, L009, L011, L012) were not done: the call "
             "has too many paths to follow within 20,000 states.")
HINT_L000 = (f"Sample its paths with 'plateau paths {REL}/L000.yaml --random 1000 --seed 1', or raise --max-states "
             "if you can wait (about 3 s for each 10,000 states).")


def test_a_call_clearly_too_large_is_not_started(monkeypatch):
    def follow(*args, **kwargs):
        raise AssertionError("lint followed the paths of a call it should have skipped at once")

    monkeypatch.setattr("simulator.explore.explore", follow)
    monkeypatch.chdir(ROOT)
    problems, notes = lint_paths([LINT / "L000.yaml"])
    assert (problems, notes) == ([], [Note(f"{REL}/L000.yaml", 1, 1, "L000", NOTE_L000, HINT_L000)])


def test_the_note_is_a_line_of_the_text_output_and_strict_still_passes():
    result = plateau("lint", "--strict", f"{REL}/L000.yaml", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"{REL}/L000.yaml:1:1: L000 (note) {NOTE_L000}\n    hint: {HINT_L000}\n", "")


def test_the_note_is_a_finding_of_the_json_output():
    result = plateau("lint", "--strict", "--format", "json", f"{REL}/L000.yaml", cwd=ROOT)
    assert result.returncode == 0
    assert json.loads(result.stdout) == [{"file": f"{REL}/L000.yaml", "line": 1, "column": 1, "code": "L000",
                                          "severity": "note", "message": NOTE_L000, "hint": HINT_L000}]


def test_the_note_is_a_notice_of_the_github_output():
    result = plateau("lint", "--strict", "--format", "github", f"{REL}/L000.yaml", cwd=ROOT)
    assert (result.returncode, result.stdout) == (
        0, f"::notice file={REL}/L000.yaml,line=1,col=1,title=L000::L000 {NOTE_L000} {HINT_L000}\n")


@pytest.mark.parametrize("command", ["lint", "paths", "graph", "schema", "new"])
def test_every_authoring_command_has_help_with_an_example_and_is_documented(command):
    result = plateau(command, "--help")
    assert result.returncode == 0
    assert "Example:\n  plateau " + command in result.stdout
    assert f"plateau {command}" in DOCS.read_text(encoding="utf-8")


# ------------------------------------------------------------------ limits (X003, issue 18)


def e411_with(tmp_path, old: str, new: str) -> Path:
    from tests.conftest import scenario_text

    path = tmp_path / "call.yaml"
    path.write_text(scenario_text(**{old: new}), encoding="utf-8")
    return path


TOO_LONG_HINT = "A scenario text is a few sentences: look for a text or a list repeated with '*', or built up in a loop."


def test_a_text_beyond_the_limits_with_the_values_a_call_starts_with_is_reported_at_its_line(tmp_path):
    """The loader cannot tell (the text reads the caller's name); lint runs every text once and can."""
    path = e411_with(tmp_path, 'say: {fr: "Je fais quoi ?"', 'say: {fr: "{{ caller * 100000000 }}"')
    problems, _ = lint_paths([path])
    assert [(p.line, p.column, p.severity.value, p.message, p.hint) for p in problems if p.code == "X003"] == [
        (72, 19, "error", "the text '{{ caller * 100000000 }}' cannot be filled in: it would make a text longer than "
                          "10,000 characters.", TOO_LONG_HINT)]


def test_a_text_beyond_the_limits_that_no_path_reaches_is_reported_all_the_same(tmp_path):
    path = e411_with(tmp_path, "      wait:\n", "      orphan:\n        say: {fr: \"{{ caller * 100000000 }}\", "
                     "nl: \"...\", en: \"...\"}\n        end: resolved\n      wait:\n")
    problems, _ = lint_paths([path])
    assert [(p.line, p.column) for p in problems if p.code == "X003"] == [(106, 19)]


def test_a_scenario_beyond_the_limits_is_not_followed_path_by_path(tmp_path):
    path = e411_with(tmp_path, 'say: {fr: "Je fais quoi ?"', 'say: {fr: "{{ caller * 100000000 }}"')
    _, notes = lint_paths([path])
    assert [(n.code, n.message, n.hint) for n in notes] == [(
        "L000", "the checks that follow every path (L001, L002, L003, L007, L009, L011, L012) were not done: a "
                "condition or text goes beyond the limits (X003).", "Fix the X003 error, then lint again.")]


def test_a_condition_beyond_the_limits_only_on_some_path_is_reported_with_the_answers_that_lead_there(tmp_path):
    path = e411_with(tmp_path, "when: safe\n", "when: safe and stress ** stress ** stress > 1\n")
    problems, _ = lint_paths([path])
    assert [(p.line, p.column, p.message, p.hint) for p in problems if p.code == "X003"] == [(
        95, 19, "the condition 'safe and stress ** stress ** stress > 1' cannot be worked out: it would make a number "
                "with more than 100 digits (after: greet, behind-rail).",
        "Conditions and texts work with small numbers (stress, minutes, eta): look for '**' or '*' applied to large "
        "numbers.")]
    assert [p for p in problems if p.code == "L012"] == []

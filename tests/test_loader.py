"""The loader reports every authoring mistake as file:line:column: CODE message, with a hint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.checking import content_hash
from simulator.errors import ScenarioError
from simulator.loader import build_rubric, load_directory, parse_duration, parse_scenario
from simulator.yamlsource import load_yaml, parse_yaml
from tests.conftest import scenario_text

ROOT = Path(__file__).parent.parent


def problems_of(text, lib):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "call.yaml", lib.rubrics, lib.directory)
    return caught.value.problems


def check(lib, replacements, code, line, column, message):
    """The scenario with `replacements` fails with exactly this problem (the first of its code)."""
    problems = problems_of(scenario_text(**replacements), lib)
    first = next(p for p in problems if p.code == code)
    assert (first.code, first.line, first.column, first.message) == (code, line, column, message)
    assert first.hint


CASES = {
    "unknown key with a did-you-mean": (
        {"            tone: curt\n": "            tnoe: curt\n"}, "S001", 69, 13, "unknown key 'tnoe' in the option."),
    "missing required key": (
        {"minutes: 5\n": ""}, "S002", 2, 1, "the scenario has no 'minutes'."),
    "wrong type": (
        {"difficulty: 1\n": "difficulty: easy\n"}, "S003", 13, 13, "difficulty must be a whole number, not a text."),
    "value out of range": (
        {"difficulty: 1\n": "difficulty: 9\n"}, "S004", 13, 13, "difficulty must be between 1 and 5, not 9."),
    "unknown tone": (
        {"tone: curt": "tone: rude"}, "S004", 69, 19, "tone cannot be 'rude'."),
    "option pointing to an unknown node": (
        {"            goto: wait\n": "            goto: waiting\n"}, "R001", 99, 19, "there is no node 'waiting' in this case."),
    "unknown procedure step": (
        {"step: safety_check": "step: safety"}, "R002", 76, 19, "the step 'safety' is not in the 'roadside' rubric's protocol."),
    "unknown fact revealed": (
        {"reveal: [location]": "reveal: [locaton]"}, "R003", 84, 22, "there is no fact 'locaton' in this case's truth."),
    "unknown ending": (
        {"end: unsafe": "end: danger"}, "R004", 104, 18, "there is no ending 'danger'."),
    "unknown rubric": (
        {"rubric: roadside": "rubric: roadsid"}, "R005", 15, 9, "there is no rubric 'roadsid'."),
    "unknown flag in a condition": (
        {"when: safe\n": "when: saf\n"}, "R007", 95, 19, "'saf' is neither a flag set in this case nor a known variable."),
    "malformed duration": (
        {"minutes: 1\n": "minutes: 1 minute\n"}, "D001", 79, 22, "minutes '1 minute' is not a duration."),
    "malformed clock start": (
        {"clock_start: 2026-03-12T08:10": "clock_start: tomorrow 8am"}, "D002", 16, 14,
        "clock_start 'tomorrow 8am' is not a date and time."),
    "invalid condition expression": (
        {"when: stress >= 70": "when: stress >= = 70"}, "X001", 57, 19,
        "the condition 'stress >= = 70' is not valid: unexpected '='."),
    "condition reaching Python internals": (
        {"when: not safe": "when: safe.__class__"}, "X001", 116, 15,
        "'__class__' cannot be used: names starting with '_' are reserved."),
    "missing translation": (
        {', en: "Your plate?"}': '}'}, "T001", 67, 19, "the text of option 'plate-first' has no en translation."),
    "unknown language": (
        {'en: "Your plate?"': 'de: "Ihr Kennzeichen?"'}, "T002", 67, 65, "unknown language 'de' in the text of option 'plate-first'."),
    "text split by a comma": (
        {'"Gilet, puis derrière la glissière."': 'Gilet, puis derrière la glissière.'}, "T003", 75, 31,
        "a comma cuts the text of option 'behind-rail' in two."),
    "duplicate option id": (
        {"- id: where": "- id: behind-rail"}, "R008", 81, 17, "the option id 'behind-rail' is used twice in this case."),
    # Values YAML can write but no call can use (issue 18): each refused at its line, never a crash.
    "minutes that never end": (
        {"minutes: 1\n": "minutes: .inf\n"}, "D001", 79, 22, "minutes '.inf' is not a duration."),
    "minutes that are not a number": (
        {"minutes: 1\n": "minutes: .nan\n"}, "D001", 79, 22, "minutes '.nan' is not a duration."),
    "minutes longer than a day": (
        {"minutes: 1\n": "minutes: 100000\n"}, "D003", 79, 22, "minutes '100000' is longer than a day (1,440 minutes)."),
    "hours longer than a day": (
        {"minutes: 1\n": "minutes: 99999999999999h\n"}, "D003", 79, 22,
        "minutes '99999999999999h' is longer than a day (1,440 minutes)."),
    "an event at the largest number there is": (
        {"at: 2 min": "at: 1.0e+308"}, "D003", 115, 13, "at '1e+308' is longer than a day (1,440 minutes)."),
    "a clock start in the year 9999": (
        {"clock_start: 2026-03-12T08:10": "clock_start: 9999-12-31T23:59"}, "D003", 16, 14,
        "clock_start '9999-12-31T23:59' is not between the years 1900 and 2100."),
    "a clock start in the year 1": (
        {"clock_start: 2026-03-12T08:10": "clock_start: 0001-01-01T00:00"}, "D003", 16, 14,
        "clock_start '0001-01-01T00:00' is not between the years 1900 and 2100."),
    "a tolerance that is not a number": (
        {"tolerance_km: 0.5": "tolerance_km: .nan"}, "S004", 49, 23,
        "tolerance_km must be a number between 0 and 100, not .nan."),
    "a text beyond the limits": (
        {'say: {fr: "Je fais quoi ?"': "say: {fr: \"{{ 'a'*10**9 }}\""}, "X003", 72, 19,
        "the text '{{ 'a'*10**9 }}' cannot be filled in: it would make a text longer than 10,000 characters."),
    "a condition nested beyond the limits": (
        {"when: safe\n": "when: " + "(" * 80 + "safe" + ")" * 80 + "\n"}, "X003", 95, 19,
        "the condition '" + "(" * 57 + "...' cannot be worked out: it is nested more than 30 levels deep (brackets, "
        "operators or blocks inside one another)."),
}


@pytest.mark.parametrize("replacements, code, line, column, message", CASES.values(), ids=CASES.keys())
def test_loader_error_is_positioned(lib, replacements, code, line, column, message):
    check(lib, replacements, code, line, column, message)


def test_did_you_mean_hint_for_unknown_key(lib):
    problems = problems_of(scenario_text(**{"            tone: curt\n": "            tnoe: curt\n"}), lib)
    assert problems[0].hint == "Did you mean 'tone'?"


def test_every_problem_of_a_file_is_reported_at_once(lib):
    text = scenario_text(**{"goto: wait": "goto: waiting", "step: safety_check": "step: safety",
                            "difficulty: 1\n": "difficulty: 9\n"})
    codes = [(p.code, p.line) for p in problems_of(text, lib)]
    assert codes == [("S004", 13), ("R002", 76), ("R001", 99)]


def test_problem_formats_as_file_line_column_code_message_and_hint(lib):
    problem = problems_of(scenario_text(**{"goto: wait": "goto: waiting"}), lib)[0]
    assert problem.format() == ("call.yaml:99:19: R001 there is no node 'waiting' in this case.\n"
                                "    hint: Did you mean 'wait'? Possible values: opening, safety, wait.")


@pytest.mark.parametrize("text, seconds", [(5, 300), (0.5, 30), ("30s", 30), ("2 min", 120), ("1h30", 5400),
                                           ("1h", 3600), ("1,5 min", 90), ("5m", 300)])
def test_duration_forms(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-3", "5 mins", "", "1 h 30 s", True])
def test_malformed_durations_are_refused(text):
    assert parse_duration(text) is None


def test_node_without_option_or_end_is_reported(lib):
    broken = scenario_text(**{"      wait:\n": "      limbo:\n        say: {fr: \"...\", nl: \"...\", en: \"...\"}\n      wait:\n"})
    problems = problems_of(broken, lib)
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("R009", 105, 7, "the node 'limbo' has no option and no end: the call would be stuck there.")]


def model_problems_of(text, lib):
    """The problems of a scenario whose model call is played (simulator.modelcall), as lint plays it."""
    from simulator.modelcall import parse_checked
    with pytest.raises(ScenarioError) as caught:
        parse_checked(text, "call.yaml", lib.rubrics, lib.directory)
    return caught.value.problems


def test_the_loader_reads_a_model_call_without_playing_it(lib):
    text = scenario_text(**{"clock_start: 2026-03-12T08:10\n": "clock_start: 2026-03-12T08:10\nmodel:\n  - greet\n  - send-tow\n"})
    scenario = parse_scenario(text, "call.yaml", lib.rubrics, lib.directory)
    assert scenario.model == ({"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
                              {"type": "choose", "option": "send-tow"})


def test_a_model_call_that_cannot_be_played_is_reported_at_its_step(lib):
    text = scenario_text(**{"clock_start: 2026-03-12T08:10\n": "clock_start: 2026-03-12T08:10\nmodel:\n  - greet\n  - send-tow\n"})
    problems = model_problems_of(text, lib)
    assert [(p.code, p.line, p.column) for p in problems] == [("M001", 19, 5)]
    assert problems[0].message.startswith("the model call cannot go on here: the option 'send-tow' is not offered now.")


def test_a_model_call_that_stops_early_is_reported(lib):
    text = scenario_text(**{"clock_start: 2026-03-12T08:10\n": "clock_start: 2026-03-12T08:10\nmodel:\n  - greet\n"})
    assert [(p.code, p.line, p.message) for p in model_problems_of(text, lib)] == [
        ("M002", 18, "the model call stops before the call ends.")]


def test_a_model_call_that_plays_to_an_ending_is_kept(lib):
    model = "model:\n  - greet\n  - behind-rail\n  - send-tow\n  - {type: provider, id: fix-wavre-depannage}\n  - give-eta\n"
    text = scenario_text(**{"clock_start: 2026-03-12T08:10\n": "clock_start: 2026-03-12T08:10\n" + model})
    from simulator.modelcall import parse_checked
    scenario = parse_checked(text, "call.yaml", lib.rubrics, lib.directory)
    assert scenario.model[0] == {"type": "start", "lang": "fr"}
    assert len(scenario.model) == 6


def test_a_misspelt_placeholder_in_an_option_text_is_reported_in_its_language(lib):
    check(lib, {'nl: "{{ provider }} is er binnen {{ eta }} minuten."': 'nl: "{{ provider }} is er binnen {{ etaa }} minuten."'},
          "R007", 109, 77, "'etaa' is neither a flag set in this case nor a known variable.")


def test_a_misspelt_placeholder_in_the_silence_line_is_reported(lib):
    check(lib, {'silence: {fr: "Allô ? Vous êtes là ?"': 'silence: {fr: "Allô {{ agnet }} ? Vous êtes là ?"'},
          "R007", 39, 21, "'agnet' is neither a flag set in this case nor a known variable.")


def test_a_placeholder_in_a_text_shown_outside_the_call_is_refused_alone(lib):
    problems = problems_of(scenario_text(**{'en: "Well done."': 'en: "Well done, {{ provider }} is on the way."'}), lib)
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [
        (21, 57, "X002", "the en text of the debrief of ending 'resolved' has a '{{ }}' placeholder, but it is shown "
                         "outside the call, where nothing fills it in.")]


# ------------------------------------------------------------------ characters YAML refuses, and ranges


@pytest.mark.parametrize("character, described", [
    ("\v", "an invisible control character (vertical tab, U+000B)"),
    ("\x1b", "an invisible control character (escape, U+001B)"),
    ("\x01", "an invisible control character (U+0001)"),
    ("\ufffe", "a character (U+FFFE)"),
])
def test_a_character_yaml_refuses_is_reported_at_its_own_line_and_column(tmp_path, character, described):
    """Line 100 of the fixture, after accented letters earlier in the file (the C parser counts bytes)."""
    lines = scenario_text().split("\n")
    lines[99] = lines[99] + character
    path = tmp_path / "call.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.code) == (100, 28, "P001")
    assert problem.message == f"the YAML cannot be read here: it holds {described} that YAML does not allow."


def test_a_rubric_deadline_that_never_comes_is_refused_at_its_line():
    text = (ROOT / "rubrics" / "roadside.yaml").read_text(encoding="utf-8")
    deadline = re.search(r"(?m)(?<= )within: .+$", text)[0]
    with pytest.raises(ScenarioError) as caught:
        build_rubric(parse_yaml(text.replace(deadline, "within: .inf", 1), "r.yaml"))
    line = text[:text.index(deadline)].count("\n") + 1
    assert [(p.code, p.line, p.message) for p in caught.value.problems] == [(
        "D001", line, "within '.inf' is not a duration.")]


def test_a_provider_cost_that_is_not_a_number_is_refused_at_its_line(tmp_path):
    provider = "  - {id: tow-a, name: A, kind: tow, place: Wavre, coordinates: [50.7, 4.6], cost: .nan}"
    path = tmp_path / "providers.yaml"
    path.write_text(f"providers:\n{provider}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_directory([path])
    assert [(p.code, p.line, p.column, p.message) for p in caught.value.problems] == [
        ("S004", 2, provider.index(".nan") + 1, "cost must be a number between 0 and 1000000, not .nan.")]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_a_number_that_is_not_finite_is_not_a_duration(value):
    assert parse_duration(value) is None


def test_a_model_call_meeting_a_text_beyond_the_limits_reports_the_text_not_the_step(lib):
    model = "model:\n  - greet\n  - behind-rail\n"
    text = scenario_text(**{"clock_start: 2026-03-12T08:10\n": "clock_start: 2026-03-12T08:10\n" + model,
                            'say: {fr: "Je fais quoi ?"': 'say: {fr: "{{ caller * 100000000 }}"'})
    assert [(p.code, p.line, p.column, p.message) for p in model_problems_of(text, lib)] == [(
        "X003", 75, 19, "the text '{{ caller * 100000000 }}' cannot be filled in: it would make a text longer than "
                        "10,000 characters.")]


GREET = '''            text: {fr: "Bonjour, je suis là pour vous aider.", nl: "Goeiedag, ik help u graag.", en: "Hello, I am here to help you."}
            step: greet
'''


def test_phrasings_for_free_text_are_kept_by_language(lib):
    says = GREET + '''            says:
              fr: ["bonjour, je vous écoute", "bonjour, assistance"]
              en: "hello, how can I help?"
'''
    scenario = parse_scenario(scenario_text(**{GREET: says}), "call.yaml", lib.rubrics, lib.directory)
    greet = next(o for o in scenario.cases["nadia"].nodes["opening"].options if o.id == "greet")
    assert greet.phrasings("fr") == ("bonjour, je vous écoute", "bonjour, assistance")
    assert greet.phrasings("en") == ("hello, how can I help?",)
    assert greet.phrasings("nl") == ()


@pytest.mark.parametrize("says, code, line, column, message", [
    ("says: [bonjour]", "S003", 64, 19, "'says' must list phrasings by language, not a list (lines starting with '-')."),
    ("says: {de: [hallo]}", "T002", 64, 20, "unknown language 'de' in 'says'."),
    ("says: {fr: [bonjour, 12]}", "S003", 64, 34, "each fr phrasing must be a sentence, not a whole number."),
    ("says: {fr: ['bonjour {{ caller }}']}", "X002", 64, 25,
     "the fr phrasing 'bonjour {{ caller }}' has a placeholder; phrasings are read as typed."),
])
def test_a_malformed_phrasing_is_reported_at_its_place(lib, says, code, line, column, message):
    check(lib, {GREET: GREET + "            " + says + "\n"}, code, line, column, message)


def test_a_model_call_names_options_not_their_place_on_screen(lib):
    problems = problems_of(scenario_text(**{"version: 1\n": "version: 1\nmodel:\n  - 2\n"}), lib)
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("S003", 5, 5, "each step of the model call must be an option id or an action.")]


# ------------------------------------------------------------------ the shape, from the JSON Schema (simulator.shape)
# Each JSON Schema keyword an error can come from is told as the loader tells problems, at its line and column.

SHAPE_CASES = {
    "additionalProperties: an unknown key, at the key": (
        {"            tone: curt\n": "            tnoe: curt\n"}, "S001", 69, 13, "unknown key 'tnoe' in the option."),
    "required: a missing key, at its object": (
        {"minutes: 5\n": ""}, "S002", 2, 1, "the scenario has no 'minutes'."),
    "type": (
        {"            tone: curt\n": "            tone: curt\n            hold: maybe\n"}, "S003", 70, 19,
        "hold must be true or false, not a text."),
    "anyOf of types": (
        {"set: [safe]": "set: 5"}, "S003", 78, 18, "set must be a text or a list (lines starting with '-'), not a whole number."),
    "enum": (
        {"tone: curt": "tone: 3"}, "S004", 69, 19, "tone cannot be '3'."),
    "minimum": (
        {"difficulty: 1\n": "difficulty: 0\n"}, "S004", 13, 13, "difficulty must be between 1 and 5, not 0."),
    "maximum": (
        {"difficulty: 1\n": "difficulty: 9\n"}, "S004", 13, 13, "difficulty must be between 1 and 5, not 9."),
    "pattern": (
        {"- id: greet": "- id: Greet Them"}, "S004", 61, 17, "the option id 'Greet Them' is not a valid name."),
    "propertyNames: a name written as a key, at the key": (
        {"      wait:\n": "      Wait Here:\n"}, "S004", 105, 7, "the node name 'Wait Here' is not a valid name."),
}


@pytest.mark.parametrize("replacements, code, line, column, message", SHAPE_CASES.values(), ids=SHAPE_CASES.keys())
def test_a_shape_error_found_by_the_schema_is_positioned_and_worded(lib, replacements, code, line, column, message):
    check(lib, replacements, code, line, column, message)


def test_a_list_too_short_for_the_schema_is_worded_with_its_count():
    from simulator.shape import problems

    found = problems({"providers": [{"id": "x", "name": "X", "kind": "tow", "place": "Dour", "coordinates": [50.4]}]},
                     "providers")
    assert found == [(("providers", 0, "coordinates"), "S004", "coordinates must have at least 2 items.",
                      "[latitude, longitude], for example [50.3961, 3.7779].", False)]


def test_a_value_of_no_allowed_form_lists_the_forms():
    from simulator.shape import problems

    [(path, code, message, _, _)] = problems({"providers": [{"id": "x", "name": "X", "kind": "tow", "place": "Dour",
                                                             "coordinates": [50.4, 3.7], "hours": 24}]}, "providers")
    assert (path, code, message) == (("providers", 0, "hours"), "S003",
                                     "hours must be a text or a list (lines starting with '-'), not a whole number.")


def test_a_rubric_key_out_of_place_gets_a_did_you_mean():
    text = (ROOT / "rubrics" / "roadside.yaml").read_text(encoding="utf-8").replace("pass_mark:", "pas_mark:", 1)
    with pytest.raises(ScenarioError) as caught:
        build_rubric(parse_yaml(text, "r.yaml"))
    unknown = next(p for p in caught.value.problems if p.code == "S001")
    assert (unknown.message, unknown.hint) == ("unknown key 'pas_mark' in the rubric.", "Did you mean 'pass_mark'?")


# ------------------------------------------------------------------ validated once: the cache of shapes that passed


def cached():
    from simulator.shape import cache_path

    return json.loads(cache_path().read_text(encoding="utf-8"))["validated"]


def test_an_unchanged_file_is_validated_once(tmp_path, lib, monkeypatch):
    from simulator import shape
    from simulator.loader import load_scenario

    path = tmp_path / "call.yaml"
    path.write_text(scenario_text(), encoding="utf-8")
    load_scenario(path, lib.rubrics, lib.directory)
    assert [key.rsplit(":", 1)[1] for key in cached()] == [content_hash(path.read_bytes())]
    shape.forget()  # as a new `plateau play` would: what passed is read back from the file
    monkeypatch.setattr(shape, "problems", lambda *args: pytest.fail("validated again"))
    assert load_scenario(path, lib.rubrics, lib.directory).id == "e411-flat-tyre"
    path.write_text(scenario_text(**{"difficulty: 1\n": "difficulty: 2\n"}), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="validated again"):
        load_scenario(path, lib.rubrics, lib.directory)


def test_a_file_with_shape_errors_is_not_remembered(lib):
    from simulator.shape import cache_path

    problems_of(scenario_text(**{"difficulty: 1\n": "difficulty: 9\n"}), lib)
    assert not cache_path().exists()
    problems_of(scenario_text(**{"difficulty: 1\n": "difficulty: 9\n"}), lib)  # and so is checked again
    assert not cache_path().exists()


@pytest.mark.parametrize("garbage", [b"\x00\xff not json", b'{"validated": 12}', b"[1, 2]", b""])
def test_a_corrupt_cache_is_ignored_and_rewritten(lib, garbage):
    from simulator import shape

    shape.cache_path().parent.mkdir(parents=True, exist_ok=True)
    shape.cache_path().write_bytes(garbage)
    shape.forget()
    scenario = parse_scenario(scenario_text(), "call.yaml", lib.rubrics, lib.directory)
    assert cached() == [f"scenario:{shape._schema_hash('scenario')}:{scenario.content_hash}"]
    assert [p.code for p in problems_of(scenario_text(**{"tone: curt": "tone: 3"}), lib)] == ["S004"]


def test_a_cache_that_cannot_be_written_only_costs_time(lib, plateau_home):
    plateau_home.mkdir(parents=True, exist_ok=True)
    (plateau_home / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert parse_scenario(scenario_text(), "call.yaml", lib.rubrics, lib.directory).id == "e411-flat-tyre"

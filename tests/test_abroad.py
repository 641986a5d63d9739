"""What calls abroad and on the night shift need of the engine, each capability played in a small scenario of its
own (tests/fixtures/abroad/): a directory of the call's own, bookings with their own needs and place, outbound
calls that may go unanswered, calls that ring on a condition, variants drawn per call, and lines said in a
fourth language."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from simulator.catalog import library
from simulator.engine import CaseStatus, IllegalAction, Session
from simulator.errors import ScenarioError
from simulator.explore import explore
from simulator.loader import load_scenario, parse_scenario
from simulator.order import draw_variants
from simulator.scoring import score_actions
from simulator.transcript import read_transcript
from tests.test_cli import plateau

ABROAD = Path(__file__).parent / "fixtures" / "abroad"


@lru_cache(maxsize=None)
def opened(name: str):
    path = ABROAD / f"{name}.yaml"
    lib = library(path)
    scenario = load_scenario(path, lib.rubrics, lib.directory)
    return scenario, lib


def played(name: str, actions: list[dict]):
    scenario, lib = opened(name)
    session = Session(scenario, lib.directory)
    events = [e for action in actions for e in session.apply(action)]
    return session, events, score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, actions)


def provider_evidence(score):
    return [(e.extra["verdict"], [r["id"] for r in e.extra["ranking"]]) for e in score.criteria["provider"].evidence]


# ------------------------------------------------------------------ a directory of the call's own


def test_a_scenario_that_names_its_directory_files_lists_only_their_providers():
    scenario, lib = opened("booking-needs")
    session = Session(scenario, lib.directory)
    assert scenario.directory == ("girona-test",)
    assert {p.source for p in session.directory.providers} == {"girona-test"}
    assert len(session.directory.providers) == 5
    assert any(p.source == "hainaut" for p in lib.directory.providers)  # the whole library is still there


def test_a_provider_of_another_directory_file_cannot_be_booked():
    session, _, _ = played("booking-needs", [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "tow"}])
    with pytest.raises(IllegalAction):
        session.apply({"type": "provider", "id": "depannage-haut-pays"})


def test_naming_a_directory_file_that_does_not_exist_is_an_error_at_its_line():
    text = (ABROAD / "booking-needs.yaml").read_text(encoding="utf-8").replace("[girona-test]", "[girona-tset]")
    lib = library(ABROAD / "booking-needs.yaml")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "booking-needs.yaml", lib.rubrics, lib.directory)
    [problem] = caught.value.problems
    line = text.splitlines().index("directory: [girona-tset]") + 1
    assert (problem.code, problem.line, problem.column) == ("R006", line, 13)
    assert "there is no directory file 'girona-tset'" in problem.message and "girona-test" in problem.hint


# ------------------------------------------------------------------ bookings with their own needs and place


def test_a_booking_is_ranked_for_its_own_needs_from_its_own_place():
    """The hotel is for the husband near the hospital in Girona: a family room, near the hospital. The tow
    truck is for the car on the coast: the case's flatbed, near the car."""
    start, tow, book = {"type": "start", "lang": "fr"}, {"type": "choose", "option": "tow"}, \
        {"type": "choose", "option": "book-hotel"}
    _, _, score = played("booking-needs", [start, tow, {"type": "provider", "id": "fix-grua-costa"}, book,
                                           {"type": "provider", "id": "fix-hotel-trueta"}])
    assert provider_evidence(score) == [
        ("best", ["fix-grua-costa", "fix-grua-girona"]),
        ("best", ["fix-hotel-trueta", "fix-hotel-platja", "fix-hotel-estacio"])]
    assert score.criteria["provider"].percent == 100


def test_a_hotel_without_the_family_room_it_needs_is_unsuitable_and_one_on_the_coast_is_only_acceptable():
    start, tow, book = {"type": "start", "lang": "fr"}, {"type": "choose", "option": "tow"}, \
        {"type": "choose", "option": "book-hotel"}
    costa = [start, tow, {"type": "provider", "id": "fix-grua-costa"}, book]
    _, _, bare = played("booking-needs", costa + [{"type": "provider", "id": "fix-hotel-estacio"}])
    _, _, coast = played("booking-needs", costa + [{"type": "provider", "id": "fix-hotel-platja"}])
    assert [v for v, _ in provider_evidence(bare)] == ["best", "unsuitable"]
    assert [v for v, _ in provider_evidence(coast)] == ["best", "acceptable"]


def test_the_eta_of_a_booking_is_measured_from_the_place_it_is_wanted():
    session, events, _ = played("booking-needs", [
        {"type": "start", "lang": "fr"}, {"type": "choose", "option": "tow"}, {"type": "provider", "id": "fix-grua-costa"},
        {"type": "choose", "option": "book-hotel"}, {"type": "provider", "id": "fix-hotel-trueta"}])
    booked = next(e for e in events if e["type"] == "booked")
    dispatched = next(e for e in events if e["type"] == "dispatched")
    assert booked["km"] < 1 and dispatched["km"] < 1  # each next to its own place, 30 km apart


# ------------------------------------------------------------------ outbound calls


def test_a_call_nobody_answers_costs_its_minutes_does_nothing_and_is_offered_again():
    session, events, _ = played("outbound-call", [{"type": "start", "lang": "fr"},
                                                  {"type": "choose", "option": "call-ward"}])
    assert [e["type"] for e in events if e["type"] in ("no_answer", "acted", "node")] == ["node", "no_answer"]
    said = [e["text"]["fr"] for e in events if e["type"] == "said" and e["source"].startswith("no_answer")]
    assert said == ["(tono de llamada) (Ça sonne dans le vide.)"]
    assert session.state.clock == 120
    assert session.case_state.node == "hello" and "called" not in session.case_state.flags
    assert [o.id for o in session.options()] == ["call-ward", "wait"]


def test_a_call_answered_goes_on_with_the_one_called_and_says_who_was_reached():
    actions = [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "call-ward"},
               {"type": "choose", "option": "wait"}, {"type": "choose", "option": "wait"},
               {"type": "choose", "option": "call-ward"}]
    session, events, _ = played("outbound-call", actions)
    reached = [e for e in events if e["type"] == "acted"]
    assert reached == [{"type": "acted", "case": "marc", "clock": 840, "action": "call", "to": "hospital"}]
    assert session.case_state.node == "ward" and session.case_state.calls == ["hospital"]
    assert [o.id for o in session.options()] == ["thanks"]  # its condition reads `calls` and `called`
    heard = [e for e in events if e["type"] == "said" and e["source"] == "node:ward"]
    assert heard[0]["speaker"] == "hospital"


def test_what_is_said_to_another_party_in_a_language_they_speak_is_scored_as_for_a_provider():
    reach = [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "wait"}, {"type": "choose", "option": "wait"},
             {"type": "choose", "option": "call-ward"}]
    _, _, in_french = played("outbound-call", [*reach, {"type": "choose", "option": "thanks"}])
    session, events, in_english = played("outbound-call", [*reach, {"type": "speak", "lang": "en"},
                                                            {"type": "choose", "option": "thanks"}])
    assert in_english.criteria["language"].percent == 100
    assert in_french.criteria["language"].percent == 75  # three answers to the caller in French, one to the ward
    [evidence] = [e for e in in_french.criteria["language"].evidence if e.points < 0]
    assert evidence.what["fr"] == "1 échange(s) avec Hôpital dans une autre langue que la sienne (anglais)."
    assert evidence.expected["fr"] == ("Leur parler dans une langue qu'ils comprennent (/langue), puis revenir à "
                                       "celle de l'appelant.")


def test_another_party_answers_in_the_first_of_their_languages_the_agent_can_speak():
    _, events, _ = played("outbound-call", [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "wait"},
                                            {"type": "choose", "option": "wait"},
                                            {"type": "choose", "option": "call-ward"}])
    said = next(e for e in events if e["type"] == "said" and e["source"] == "node:ward")
    assert said["lang"] == "en"


def test_an_unanswered_call_does_not_count_as_the_step_it_would_perform():
    _, _, tried = played("outbound-call", [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "call-ward"}])
    assert "follow_up" not in {s.step for s in tried.steps if s.performed}


def test_the_player_says_nobody_picked_up_after_the_ringing():
    result = plateau("play", str(ABROAD / "outbound-call.yaml"), "--lang", "fr", "--plain", "--answers",
                     str(ABROAD / "outbound-call.answers.yaml"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    ringing = lines.index("Système : (tono de llamada) (Ça sonne dans le vide.)")
    assert lines[ringing + 1] == "Personne ne décroche. Vous pourrez réessayer plus tard."
    assert "Hôpital : Traumatología, ¿dígame? (Traumatologie, j'écoute ?)" in lines
    assert "En ligne : Hôpital." in lines


# ------------------------------------------------------------------ calls that ring on a condition


def test_a_call_on_a_condition_rings_once_it_holds_in_another_call_and_not_before_its_time():
    session, events, score = played("rings-when", [{"type": "start", "lang": "fr"},
                                                   {"type": "choose", "option": "ask-doctor"}])
    assert [(e["type"], e["case"], e["clock"]) for e in events if e["type"] in ("ringing", "answered")] == [
        ("answered", "marc", 0), ("ringing", "doctor", 180), ("answered", "doctor", 180)]
    assert session.state.active == "doctor" and not session.ended
    session.apply({"type": "choose", "option": "thank-doctor"})
    assert session.ended


def test_a_flag_an_event_sets_rings_the_call_in_the_same_action():
    session, events, _ = played("rings-when", [{"type": "start", "lang": "fr"}])
    events = session.apply({"type": "choose", "option": "hold-on"})
    assert [(e["type"], e.get("event")) for e in events if e["type"] in ("event", "ringing")] == [
        ("event", "pager"), ("ringing", None)]


def test_a_call_reads_what_another_call_did_through_cases():
    session, _, _ = played("rings-when", [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "ask-doctor"}])
    assert session.context("doctor")["cases"]["marc"] == {"flags": ["doctor_asked"], "ending": "done"}
    assert [o.id for o in session.options()] == ["thank-doctor"]  # when: 'doctor_asked' in cases.marc.flags


def test_a_call_whose_condition_never_held_does_not_ring_and_is_not_scored():
    session, events, score = played("rings-when", [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "bye"}])
    assert session.ended and session.state.cases["doctor"].status is CaseStatus.WAITING
    assert not any(e["type"] == "ringing" for e in events)
    assert {s.case for s in score.steps} == {"marc"}


def test_a_line_said_abroad_is_glossed_in_the_trainees_language_whatever_language_is_spoken():
    result = plateau("play", str(ABROAD / "rings-when.yaml"), "--lang", "nl", "--plain", "--answers",
                     str(ABROAD / "rings-when.answers.yaml"))
    assert result.returncode == 0, result.stderr
    assert "Behandelende arts: Soy el doctor Puig, de traumatología. (Met dokter Puig, van traumatologie.)" \
        in result.stdout.splitlines()


def test_a_doctor_abroad_who_speaks_spanish_and_english_is_answered_in_english():
    session, events, _ = played("rings-when", [{"type": "start", "lang": "fr"},
                                               {"type": "choose", "option": "ask-doctor"}])
    assert session.state.cases["doctor"].speaking == "en"
    said = next(e for e in events if e["type"] == "said" and e["case"] == "doctor")
    assert (said["speaker"], said["lang"], said["said_in"]) == ("doctor", "en", "es")
    assert said["text"]["en"] == "Soy el doctor Puig, de traumatología. (This is Dr Puig, orthopaedics.)"


# ------------------------------------------------------------------ variants


def test_without_variants_named_a_call_plays_the_first_value_of_each():
    session, events, _ = played("variants", [{"type": "start", "lang": "fr"}])
    assert session.state.variants == {"member": "a", "severity": "stable"}
    assert next(e for e in events if e["type"] == "said")["text"]["fr"] == "Mon numéro : 3021 4478 09."
    assert "stable" in session.case_state.flags


def test_a_variant_changes_what_the_caller_says_and_what_the_case_file_must_hold():
    actions = [{"type": "start", "lang": "fr", "variants": {"member": "b", "severity": "unstable"}},
               {"type": "choose", "option": "record-member"}, {"type": "input", "value": "3021 5512 40"},
               {"type": "choose", "option": "medical"}]
    session, events, score = played("variants", actions)
    said = [e["text"]["fr"] for e in events if e["type"] == "said"]
    assert said == ["Mon numéro : 3021 5512 40.", "Elle respire mal."]
    assert session.state.ending == "rushed"
    assert score.criteria["case_file"].percent == 100
    _, _, wrong = played("variants", [{**actions[0], "variants": {"member": "a", "severity": "unstable"}}, *actions[1:]])
    assert wrong.criteria["case_file"].percent == 0  # b's number typed in a call that drew a


def test_a_variant_the_scenario_does_not_have_is_refused():
    scenario, lib = opened("variants")
    with pytest.raises(IllegalAction) as caught:
        Session(scenario, lib.directory).apply({"type": "start", "lang": "fr", "variants": {"member": "c"}})
    assert "no variant 'member: c'" in str(caught.value) and "member: a, b" in str(caught.value)


def test_the_variants_drawn_follow_the_seed_and_every_value_comes_up():
    scenario, _ = opened("variants")
    draws = [draw_variants(scenario, seed) for seed in range(1, 41)]
    assert draws == [draw_variants(scenario, seed) for seed in range(1, 41)]
    assert {d["member"] for d in draws} == {"a", "b"} and {d["severity"] for d in draws} == {"stable", "unstable"}
    assert draw_variants(scenario, 7, {"member": "b"})["member"] == "b"


def test_plateau_play_keeps_the_variant_asked_for_in_the_transcript(tmp_path):
    transcript = tmp_path / "call.jsonl"
    result = plateau("play", str(ABROAD / "variants.yaml"), "--lang", "fr", "--plain", "--variant", "member=b",
                     "--variant", "severity=unstable", "--answers", str(ABROAD / "variants.answers.yaml"),
                     "--transcript", str(transcript), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ending"] == "rushed"
    assert read_transcript(transcript).actions[0]["variants"] == {"member": "b", "severity": "unstable"}


def test_plateau_play_refuses_a_variant_it_does_not_have_in_the_trainees_language():
    result = plateau("play", str(ABROAD / "variants.yaml"), "--lang", "fr", "--variant", "member=z")
    assert result.returncode != 0
    assert "L'appel n'a pas de variante « member=z ». Ses variantes : member=a|b; severity=stable|unstable." \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_the_explorer_follows_every_combination_of_variants():
    scenario, lib = opened("variants")
    result = explore(scenario, lib.rubrics[scenario.rubric_id], lib.directory, scoring=False)
    assert result.complete and set(result.endings) == {"done", "rushed"}


# ------------------------------------------------------------------ lines said in a fourth language


def test_a_line_said_abroad_is_shown_as_said_with_its_gloss_in_the_language_spoken():
    scenario, _ = opened("outbound-call")
    line = scenario.cases["marc"].nodes["ward"].say.variants[0].text
    assert line.said_in == "es"
    assert line.render_all() == {"fr": "Traumatología, ¿dígame? (Traumatologie, j'écoute ?)",
                                 "nl": "Traumatología, ¿dígame? (Traumatologie, zegt u het maar?)",
                                 "en": "Traumatología, ¿dígame? (Orthopaedics, how can I help?)"}


def test_a_line_said_abroad_with_a_french_version_beside_it_is_an_error_that_says_where_the_gloss_goes():
    text = (ABROAD / "outbound-call.yaml").read_text(encoding="utf-8").replace(
        '          es: "Traumatología, ¿dígame?"\n', '          es: "Traumatología, ¿dígame?"\n          fr: "Allô ?"\n')
    lib = library(ABROAD / "outbound-call.yaml")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "outbound-call.yaml", lib.rubrics, lib.directory)
    problems = [(p.code, p.line, p.message, p.hint) for p in caught.value.problems]
    line = text.splitlines().index('          fr: "Allô ?"') + 1
    assert problems == [("T002", line, "what is said at 'ward' is said in 'es': its fr version is a gloss.",
                         "Put the fr, nl and en versions under 'gloss:', beside 'es:'.")]


@pytest.mark.parametrize("source, old, new, code, message", [
    ("outbound-call", "action: {type: call, to: hospital,", "action: {type: call,", "S002", "a call action needs 'to'"),
    ("booking-needs", "near: hospital}", "near: hospitl}", "R003", "'hospitl' is not a location of this case"),
    ("rings-when", "rings_when: doctor_asked", "rings_when: doctor_askd", "R007", "'doctor_askd' is neither a flag"),
    ("rings-when", "languages: [es, en]", "languages: [es]", "S004", "the caller speaks none of the trainee's languages"),
], ids=["call-without-to", "near-not-a-place", "rings-on-unknown-flag", "caller-without-fr-nl-en"])
def test_a_mistake_in_a_new_key_is_reported_at_its_line_in_plain_words(source, old, new, code, message):
    text = (ABROAD / f"{source}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    lib = library(ABROAD / f"{source}.yaml")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.replace(old, new), f"{source}.yaml", lib.rubrics, lib.directory)
    found = [p for p in caught.value.problems if p.code == code]
    assert found and message in found[0].message, [p.format() for p in caught.value.problems]
    assert found[0].line == text[:text.index(old)].count("\n") + 1 and found[0].hint

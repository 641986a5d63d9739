"""The engine is a pure state machine: actions in, events out, one serialisable state."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.engine import IllegalAction, Session, State, Status
from simulator.providers import distance_km
from tests.conftest import play


def types(events):
    return [e["type"] for e in events]


def test_start_answers_the_call_and_says_the_opening_line(e411, lib):
    session = Session(e411, lib.directory)
    events = session.apply({"type": "start", "lang": "fr"})
    assert types(events) == ["answered", "node", "said"]
    assert events[2]["text"]["fr"] == "Bonjour, j'ai crevé sur l'autoroute."
    assert session.state.status is Status.AWAITING_CHOICE
    assert [o.id for o in session.options()] == ["greet", "plate-first"]


def test_choosing_before_start_is_refused_with_what_is_possible(e411, lib):
    session = Session(e411, lib.directory)
    with pytest.raises(IllegalAction) as caught:
        session.apply({"type": "choose", "option": "greet"})
    assert str(caught.value) == "cannot choose an option now (the session is ready). Possible now: start (pick up the call)."


def test_an_option_not_offered_names_the_valid_ones(e411, lib):
    session, _ = play(e411, lib, [])
    with pytest.raises(IllegalAction) as caught:
        session.apply({"type": "choose", "option": "send-tow"})
    assert caught.value.possible[0] == "choose (one of: greet, plate-first)"


def test_reassuring_tone_lowers_stress_and_curt_tone_raises_it(e411, lib):
    calm, events = play(e411, lib, ["greet"])
    assert [e for e in events if e["type"] == "stress"][0] == {
        "type": "stress", "case": "nadia", "clock": 0, "before": 50, "after": 42, "reason": "tone"}
    curt, _ = play(e411, lib, ["plate-first"])
    assert curt.case_state.stress == 58


def test_each_choice_advances_the_clock_by_its_minutes(e411, lib):
    session, _ = play(e411, lib, ["greet", "behind-rail"])
    assert session.state.clock == 30 + 60
    assert session.now().strftime("%H:%M") == "08:11"


def test_options_are_offered_once_and_conditions_gate_them(e411, lib):
    session, _ = play(e411, lib, ["greet"])
    assert [o.id for o in session.options()] == ["behind-rail", "where", "note-plate", "stay-in-car"]
    session.apply({"type": "choose", "option": "behind-rail"})
    assert [o.id for o in session.options()] == ["where", "note-plate", "send-tow", "stay-in-car"]


def test_a_timed_event_fires_when_due_and_its_condition_holds(e411, lib):
    session, _ = play(e411, lib, ["greet", "where", {"type": "silence"}])
    assert session.state.clock == 90
    events = session.apply({"type": "silence"})
    assert session.state.clock == 120
    fired = [e for e in events if e["type"] == "said" and e["source"] == "event:truck-passes"]
    assert fired[0]["text"]["en"] == "A lorry just brushed past me!"


def test_the_event_does_not_fire_once_the_caller_is_safe(e411, lib):
    session, _ = play(e411, lib, ["greet", "behind-rail", "where"])
    for _ in range(6):
        assert "event" not in types(session.apply({"type": "silence"}))


def test_silence_raises_stress_and_the_caller_says_their_silence_line(e411, lib):
    session, events = play(e411, lib, ["greet", {"type": "silence"}])
    said = [e for e in events if e["type"] == "said"]
    assert said[0]["text"]["fr"] == "Allô ? Vous êtes là ?"
    assert session.case_state.stress == 52


def test_a_stressed_caller_withholds_precise_facts(e411, lib):
    session, events = play(e411, lib, ["plate-first", {"type": "silence"}, {"type": "silence"}, "where"])
    assert session.case_state.stress > 75
    assert "withheld" in types(events)
    assert "location" not in session.case_state.known
    assert [e["text"]["fr"] for e in events if e.get("source") == "reply:where"] == ["Je ne sais pas !"]


def test_the_caller_hangs_up_at_the_limit(e411, lib):
    session, _ = play(e411, lib, ["plate-first"] + [{"type": "silence"}] * 2)
    assert not session.ended
    events = session.apply({"type": "silence"})  # 88, then the lorry event adds 20
    assert session.ended
    assert [e for e in events if e["type"] == "hung_up"] == [
        {"type": "hung_up", "case": "nadia", "clock": 120, "stress": 100}]
    assert session.state.ending == "hung-up"


def test_record_action_waits_for_the_typed_value(e411, lib):
    session, events = play(e411, lib, ["greet", "note-plate"])
    assert events[-1] == {"type": "prompt", "case": "nadia", "clock": 60, "input": "field", "field": "plate"}
    assert session.state.status is Status.AWAITING_INPUT
    session.apply({"type": "input", "value": " 1-abc-234 "})
    assert session.case_state.file == {"plate": "1-abc-234"}
    assert session.state.status is Status.AWAITING_CHOICE


def test_dispatch_computes_the_eta_from_the_real_distance(e411, lib):
    session, events = play(e411, lib, ["greet", "behind-rail", "send-tow", {"type": "provider", "id": "hf-depannage-fagnard"}])
    dispatched = next(e for e in events if e["type"] == "dispatched")
    provider = lib.directory.get("hf-depannage-fagnard")
    km = distance_km(provider.coordinates, (50.6958, 4.6326)) * 1.3
    assert dispatched["km"] == round(km, 1)
    assert dispatched["eta"] == math.ceil(5 + km / provider.speed_kmh * 60)
    said = next(e for e in events if e["type"] == "said")
    assert said["text"]["en"] == "When is it coming?"


def test_a_provider_of_the_wrong_kind_is_refused(e411, lib):
    session, _ = play(e411, lib, ["greet", "behind-rail", "send-tow"])
    with pytest.raises(IllegalAction) as caught:
        session.apply({"type": "provider", "id": "bru-hotel-runway-diegem"})
    assert str(caught.value).startswith("'bru-hotel-runway-diegem' is not a provider of kind tow.")


def test_the_interpolated_eta_reaches_the_trainee_text(e411, lib):
    session, events = play(e411, lib, ["greet", "behind-rail", "send-tow", {"type": "provider", "id": "hf-depannage-fagnard"},
                                       "give-eta"])
    assert events[0]["text"] == "Dépannage Fagnard et Fils arrive dans 176 minutes."
    assert session.state.ending == "resolved"
    assert types(events)[-2:] == ["case_ended", "session_ended"]


def test_the_interface_language_never_changes_what_the_trainee_speaks(e411, lib):
    session, _ = play(e411, lib, ["greet"], lang="nl")
    assert (session.case_state.speaking, session.case_state.stress) == ("fr", 50 - 8)


def test_speaking_a_language_the_caller_does_not_speak_raises_stress(e411, lib):
    session, _ = play(e411, lib, [{"type": "speak", "lang": "nl"}, "greet"])
    assert session.case_state.stress == 50 + 5 - 8


def test_a_weak_language_stresses_the_caller_and_is_said_once(e411, lib):
    from dataclasses import replace
    case = e411.cases["driver"] if "driver" in e411.cases else next(iter(e411.cases.values()))
    from simulator.expressions import compile_template
    from simulator.model import Text
    line = Text({lang: compile_template("Sorry, my English is not so good...") for lang in ("fr", "nl", "en")})
    caller = replace(case.caller, languages=("fr", "en"), weak_languages=("en",), weak_line=line)
    weak = replace(e411, cases={case.id: replace(case, caller=caller)})
    session, events = play(weak, lib, [{"type": "speak", "lang": "en"}, "greet"])
    said = [e["source"] for e in events if e["type"] == "said"]
    assert session.case_state.stress == 50 + 3 - 8
    assert said.count("weak_language") == 1


def test_state_round_trips_through_json(e411, lib):
    session, _ = play(e411, lib, ["greet", "behind-rail", "note-plate"])
    data = json.loads(json.dumps(session.snapshot()))
    restored = Session.restore(e411, data, lib.directory)
    assert restored.snapshot() == session.snapshot()
    assert restored.apply({"type": "input", "value": "1ABC234"}) == session.apply({"type": "input", "value": "1ABC234"})


def test_a_state_from_a_newer_version_is_refused(e411, lib):
    session, _ = play(e411, lib, [])
    data = session.snapshot() | {"version": 99}
    with pytest.raises(Exception) as caught:
        State.from_dict(data)
    assert "format 99" in str(caught.value)


def test_concurrent_cases_share_one_clock_and_the_next_call_is_answered(two_calls, lib):
    session, events = play(two_calls, lib, ["a-help"], lang="nl")
    assert types(events) == ["chose", "stress", "ringing", "case_ended", "switched", "answered", "node", "said"]
    assert session.state.active == "bert"
    assert session.state.clock == 120


def test_a_caller_on_hold_gets_more_stressed(two_calls, lib):
    session, _ = play(two_calls, lib, [], lang="nl")
    session.apply({"type": "silence"})  # 30 s: Bert's phone has not rung yet
    session.apply({"type": "silence"})  # 60 s: it rings
    session.apply({"type": "silence"})  # 90 s on the clock, 30 s of it with Bert waiting
    assert session.state.cases["bert"].stress == 65.0
    session.apply({"type": "switch", "case": "bert"})
    assert session.state.active == "bert"


def test_the_session_ends_with_the_most_severe_case_ending(two_calls, lib):
    session, _ = play(two_calls, lib, ["a-help"] + [{"type": "silence"}] * 4, lang="nl")
    assert {cid: cs.ending for cid, cs in session.state.cases.items()} == {"anna": "done", "bert": "gone"}
    assert session.ended
    assert session.state.ending == "gone"  # a caller who hung up outweighs one who was helped


def random_actions(session, draw, events=None):
    """Legal actions chosen by hypothesis until the call ends (or 40 steps); `events` receives what each caused."""
    actions = []
    for _ in range(40):
        if session.ended:
            break
        st_ = session.state.status
        if st_ is Status.AWAITING_INPUT:
            action = {"type": "input", "value": draw(st.sampled_from(["1-ABC-234", "1ABC234", "borne 23.4"]))}
        elif st_ is Status.AWAITING_PROVIDER:
            ids = [p.id for p in session.directory.of_kind(session.state.pending["kind"])]
            action = {"type": "provider", "id": draw(st.sampled_from(ids))}
        else:
            choices = [{"type": "choose", "option": o.id} for o in session.options()] + [{"type": "silence"}]
            if len(session.state.cases) > 1:
                choices += [{"type": "switch", "case": c} for c, s in session.state.cases.items()
                            if c != session.state.active and s.status.value in ("ringing", "live")]
            action = draw(st.sampled_from(choices))
        caused = session.apply(action)
        if events is not None:
            events.append(caused)
        actions.append(action)
    return actions


@settings(max_examples=60, deadline=None)
@given(data=st.data(), which=st.sampled_from(["e411", "two_calls"]))
def test_replaying_random_legal_actions_gives_identical_events(data, which, e411, two_calls, lib):
    scenario = e411 if which == "e411" else two_calls
    first = Session(scenario, lib.directory)
    first_events = [first.apply({"type": "start", "lang": "fr"})]
    actions = random_actions(first, data.draw, first_events)
    second = Session(scenario, lib.directory)
    second_events = [second.apply({"type": "start", "lang": "fr"})]
    # Replay through JSON, as a transcript would: the events, as stored, are the same, action by action.
    for action in json.loads(json.dumps(actions)):
        second_events.append(second.apply(action))
    assert json.loads(json.dumps(second_events)) == json.loads(json.dumps(first_events))
    assert len(second_events) == len(actions) + 1
    assert second.snapshot() == first.snapshot()


def test_conditions_see_what_was_booked(e411, lib):
    session, _ = play(e411, lib, ["greet"])
    assert session.context()["booked"] == []
    session.case_state.booked.append({"id": "fix-wavre-depannage", "kind": "tow", "name": "Dépannage de la Dyle"})
    from simulator.expressions import compile_condition
    assert compile_condition("booked and booked[-1].kind == 'tow'")(session.context())


def test_a_frozen_context_keeps_the_values_of_its_moment_while_the_call_goes_on(e411, lib):
    session = Session(e411, lib.directory)
    session.apply({"type": "start", "lang": "fr"})
    before = session.context().frozen(["stress", "minutes", "safe"])
    session.apply({"type": "silence"})
    assert before == {"stress": 50, "minutes": 0.0, "safe": False}
    assert session.context()["stress"] == 60 and session.context()["minutes"] == 0.5


def test_a_choice_keeps_the_values_its_texts_read_when_it_was_made(e411, lib):
    from simulator.scoring import replay_record
    actions = [{"type": "start", "lang": "fr"}, {"type": "choose", "option": "greet"},
               {"type": "choose", "option": "behind-rail"}, {"type": "choose", "option": "send-tow"},
               {"type": "provider", "id": "fix-wavre-depannage"}, {"type": "choose", "option": "give-eta"}]
    _, records = replay_record(e411, lib.directory, actions)
    last = records["nadia"].turns[-1] if "nadia" in records else next(iter(records.values())).turns[-1]
    assert type(last.context) is dict and set(last.context) == {"provider", "eta"}
    assert last.render(last.option.text)["fr"] == f"{last.context['provider']} arrive dans {last.context['eta']} minutes."

"""The pure engine that runs a call: `Session.apply(action) -> events`.

It reads no file, no clock and no keyboard, and has no randomness. Every front-end (the
interactive player, an answers file, tests, the path explorer) drives the same Session.
All that changes lives in one `State`, which saves to a versioned JSON-ready dict; replaying
the same actions on a fresh Session gives the same events.

Actions are plain dicts, as stored in transcripts and answers files:

    {"type": "start", "lang": "fr"}          pick up the phone (lang: the interface's; the trainee speaks the caller's first language)
    {"type": "start", "lang": "fr", "variants": {"severity": "unstable"}}   ...with the scenario's variants drawn
    {"type": "choose", "option": "greet"}    say or do an option of the current node
    {"type": "input", "value": "GH-512-KL"}  the value a record action asked for
    {"type": "provider", "id": "tow-x"}      the provider a dispatch or booking asked for
    {"type": "record", "field": "plate", "value": "..."}  edit the case file at any time
    {"type": "speak", "lang": "nl"}          switch the language spoken to the caller
    {"type": "switch", "case": "b"}          take another call of a multi-case scenario
    {"type": "silence"}                      the agent said nothing in time
    {"type": "unclear", "said": "..."}       a free-text answer nobody could make sense of: the caller asks again
    {"type": "note", "text": "..."}          a private note in the case file

Events are plain dicts too, `{"type": ..., "case": ..., "clock": ..., ...}`; simulator.events describes
each kind (`EventType`, one TypedDict per event and per action).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from simulator import model as m
from simulator.engine_context import Context, final_summary
from simulator.errors import PlateauError
from simulator.events import (
    ActedEvent,
    ActionData,
    ChooseAction,
    Event,
    EventType,
    InputAction,
    NoteAction,
    ProviderAction,
    ProviderInfo,
    RecordAction,
    SaidEvent,
    SilenceAction,
    SpeakAction,
    StartAction,
    SwitchAction,
    UnclearAction,
)
from simulator.providers import eta_minutes, road_km
from simulator.session_queries import SessionQueries
from simulator.session_state import (
    MIN_COMPATIBLE_STATE_VERSION,
    STATE_VERSION,
    CaseState,
    CaseStatus,
    Pending,
    State,
    Status,
)

__all__ = ["MIN_COMPATIBLE_STATE_VERSION", "STATE_VERSION", "CaseState", "CaseStatus", "Context", "IllegalAction",
           "Pending", "ScenarioDeadEnd", "Session", "State", "Status", "final_summary"]

SILENCE_STRESS = 10
WRONG_LANGUAGE_STRESS = 5
WEAK_LANGUAGE_STRESS = 3
RECORD_SECONDS = 15
SWITCH_SECONDS = 10
UNCLEAR_SECONDS = 10  # "sorry, what?": the caller asks again...
UNCLEAR_STRESS = 3    # ...a little more worried than before
PROVIDER_SECONDS = 60
MAX_EVENT_ROUNDS = 1000


class IllegalAction(PlateauError):
    """An action the session cannot take now; `.possible` lists what it could take."""

    def __init__(self, message: str, possible: list[str], *, waiting: str | None = None):
        self.possible = possible
        self.waiting = waiting  # when refused because the session waits for something else: its status
        super().__init__(f"{message} Possible now: {'; '.join(possible) if possible else 'nothing, the call is over'}.")


class ScenarioDeadEnd(PlateauError):
    """The scenario left the trainee with nothing to do (a fault `plateau lint` reports)."""


class Session(SessionQueries):
    """One call (or several at once) being played."""

    def __init__(self, scenario: m.Scenario, directory: m.Directory | None = None, state: State | None = None):
        self.scenario = scenario
        # A scenario that names its directory files (`directory:`) sees their providers only.
        self.directory = (directory or m.Directory()).only(scenario.directory)
        if state is None:
            first = next(iter(scenario.cases))
            state = State(scenario.id, scenario.content_hash,
                          {cid: CaseState(case.start, float(case.caller.stress)) for cid, case in scenario.cases.items()},
                          active=first)
        self.state: State = state
        self._flags = _all_flags(scenario)

    @classmethod
    def restore(cls, scenario: m.Scenario, data: Mapping[str, Any], directory: m.Directory | None = None) -> "Session":
        state = State.from_dict(data)
        if state.scenario != scenario.id:
            raise PlateauError(f"this saved call is for the scenario '{state.scenario}', not '{scenario.id}'.")
        return cls(scenario, directory, state)

    def snapshot(self) -> dict[str, Any]:
        return self.state.to_dict()

    # ------------------------------------------------------------------ actions

    def apply(self, action: ActionData) -> list[Event]:
        """Apply one action and return the events it caused. Raises IllegalAction if not possible now.

        `action` comes as an answers file or a transcript holds it and is checked here: a well-formed one is a
        simulator.events.Action."""
        kind = action.get("type") if isinstance(action, dict) else None
        if not isinstance(kind, str):
            raise IllegalAction("an action must be a mapping with a 'type'.", self.possible())
        # `_do_<type>` reads its own kind of action (simulator.events), checking what it reads.
        handler: Callable[[ActionData], None] | None = getattr(self, "_do_" + kind, None)
        if handler is None:
            raise IllegalAction(f"there is no action '{kind}'.", self.possible())
        self._events: list[Event] = []
        self._acting = True
        try:
            handler(action)
        except BaseException:
            self._offered = None  # an action refused half-way may have changed the state
            raise
        finally:
            self._acting = False
        self.state.turn += 1
        return self._events

    def _require(self, *statuses: Status, what: str) -> None:
        if self.state.status not in statuses:
            raise IllegalAction(f"cannot {what} now (the session is {self.state.status.value}).", self.possible(),
                                waiting=self.state.status.value)

    def _do_start(self, action: StartAction) -> None:
        """Pick up the phone. `lang` is the interface language, kept in the transcript: it never changes
        what the trainee says, who starts in each caller's first language."""
        self._require(Status.READY, what="start")
        lang = action.get("lang", "en")
        if lang not in m.LANGS:
            raise IllegalAction(f"unknown language '{lang}'.", [f"start with lang {', '.join(m.LANGS)}"])
        self.state.variants = self._variants(action.get("variants"))
        for cid, cs in self.state.cases.items():
            cs.speaking = self.scenario.cases[cid].caller.first_language
            for alternative in self._drawn(cid):
                for flag in alternative.set:
                    self._flag(cs, flag)
        self._ring_due()
        self.state.status = Status.AWAITING_CHOICE
        first = min((c for c in self.scenario.cases.values() if c.rings_when is None), key=lambda c: c.rings_at_seconds)
        if first.rings_at_seconds > 0:
            self._advance(first.rings_at_seconds)
        self._answer(first.id)
        self._fire_due()
        self._settle()

    def _variants(self, asked: object) -> dict[str, str]:
        """Every variant dimension's value for this call: as the start action says, else the first."""
        asked = asked if isinstance(asked, dict) else {}
        dimensions = self.scenario.variant_dimensions
        for dimension, value in asked.items():
            values = dimensions.get(dimension)
            if values is None or value not in [a.id for a in values]:
                raise IllegalAction(f"the scenario has no variant '{dimension}: {value}'.",
                                    [f"{d}: {', '.join(a.id for a in vs)}" for d, vs in dimensions.items()])
        return {d: str(asked.get(d, values[0].id)) for d, values in dimensions.items()}

    def _do_choose(self, action: ChooseAction) -> None:
        self._require(Status.AWAITING_CHOICE, what="choose an option")
        cid = action.get("case", self.state.active)
        if cid != self.state.active:
            raise IllegalAction(f"the case '{cid}' is not the one on the line.", self.possible())
        offered = {o.id: o for o in self._offered_before_acting()}
        option_id: str | None = action.get("option")  # None in an action without an option
        option = offered.get(option_id) if option_id is not None else None
        if option is None:
            raise IllegalAction(f"the option '{action.get('option')}' is not offered now.", self.possible())
        case, cs = self.case, self.case_state
        if option.action is not None and option.action.type is m.ActionType.CALL and option.action.answers is not None \
                and not option.action.answers(self.context()):
            self._no_answer(cid, option)
            return
        cs.chosen.append(option.id)
        # Said to the caller, unless the node is another party's (a provider, the medical team, a colleague).
        to_caller = case.nodes[cs.node].speaker in (m.Speaker.CALLER, m.Speaker.SYSTEM)
        self._emit({"type": EventType.CHOSE, "case": cid, "clock": self.state.clock, "option": option.id,
                    "node": cs.node, "step": option.step, "tone": option.tone.value, "lang": cs.speaking,
                    "text": option.text.render(cs.speaking, self.context())})
        if to_caller and not case.caller.speaks(cs.speaking):
            self._stress(cid, WRONG_LANGUAGE_STRESS, "language")
        elif to_caller and cs.speaking in case.caller.weak_languages:
            if case.caller.weak_line is not None and "weak_language" not in cs.flags:
                self._say(cid, m.Speaker.CALLER, case.caller.weak_line, "weak_language")
            self._flag(cs, "weak_language")
            self._stress(cid, WEAK_LANGUAGE_STRESS, "language")
        self._stress(cid, option.stress_delta, "tone")
        self._flags_effects(cs, option.effects)
        self._reveal(cid, option.effects.reveal)
        self._advance(option.effects.seconds)
        if option.action is not None:
            if option.action.needs_input:
                self._await(option, option.action)
                return
            self._simple_action(cid, option.action)
        self._conclude(cid, option)

    def _no_answer(self, cid: str, option: m.Option) -> None:
        """An outbound call nobody picks up: its time passes, the tone is heard, and it can be tried again."""
        cs = self.state.cases[cid]
        self._emit({"type": EventType.CHOSE, "case": cid, "clock": self.state.clock, "option": option.id,
                    "node": cs.node, "step": option.step, "tone": option.tone.value, "lang": cs.speaking,
                    "text": option.text.render(cs.speaking, self.context())})
        assert option.action is not None and option.action.to is not None, "a call names who it calls (S002)"
        self._say_lines(cid, m.Speaker.SYSTEM, option.no_answer, "no_answer:" + option.id)
        self._emit({"type": EventType.NO_ANSWER, "case": cid, "clock": self.state.clock, "option": option.id,
                    "to": option.action.to})
        self._advance(option.effects.seconds)
        self._after()

    def _do_input(self, action: InputAction) -> None:
        self._require(Status.AWAITING_INPUT, what="type a value")
        value: object = action.get("value")
        if not isinstance(value, str):
            raise IllegalAction("the input value must be a text.", self.possible())
        pending = self._pending()
        field_id = pending["field"]
        assert field_id is not None, "a record action names its field (the loader checks it)"
        cs = self.state.cases[pending["case"]]
        cs.file[field_id] = value.strip()
        self._flag(cs, "recorded")
        self._emit({"type": EventType.RECORDED, "case": self.state.active, "clock": self.state.clock,
                    "field": field_id, "value": value.strip()})
        self._advance(RECORD_SECONDS)
        self._resume_pending()

    def _do_provider(self, action: ProviderAction) -> None:
        self._require(Status.AWAITING_PROVIDER, what="choose a provider")
        pending = self._pending()
        provider = self.directory.get(str(action.get("id")))
        if provider is None or provider.kind != pending["kind"]:
            raise IllegalAction(f"'{action.get('id')}' is not a provider of kind {pending['kind']}.", self.possible())
        cid = pending["case"]
        cs = self.state.cases[cid]
        # Measured from where this booking is wanted (`near`), else the case's location.
        target = self.request(cid, pending["option"]).near or provider.coordinates
        eta = eta_minutes(provider, target, self.traffic)
        km = round(road_km(provider, target), 1)
        info: ProviderInfo = {"id": provider.id, "name": provider.name, "kind": provider.kind,
                              "capabilities": sorted(provider.capabilities), "eta": eta, "km": km,
                              "at": round(self.state.clock / 60, 2), "open": provider.is_open(self.now())}
        if pending["action"] == m.ActionType.DISPATCH.value:
            cs.dispatched = info
            self._flag(cs, "dispatched")
            self._emit({"type": EventType.DISPATCHED, "case": self.state.active, "clock": self.state.clock, **info})
        else:
            cs.booked.append(info)
            self._flag(cs, "booked")
            self._emit({"type": EventType.BOOKED, "case": self.state.active, "clock": self.state.clock, **info})
        self._advance(PROVIDER_SECONDS)
        self._resume_pending()

    def _do_record(self, action: RecordAction) -> None:
        self._require(Status.AWAITING_CHOICE, what="edit the case file")
        field_id: object = action.get("field")
        value: object = action.get("value")
        if not isinstance(field_id, str) or field_id not in self.case.truth or not isinstance(value, str):
            raise IllegalAction(f"the case file has no field '{field_id}'.", [f"record (field: {', '.join(self.case.truth)})"])
        self.case_state.file[field_id] = value.strip()
        self._flag(self.case_state, "recorded")
        self._emit({"type": EventType.RECORDED, "case": self.state.active, "clock": self.state.clock,
                    "field": field_id, "value": value.strip()})
        self._advance(RECORD_SECONDS)
        self._after()

    def _do_speak(self, action: SpeakAction) -> None:
        self._require(Status.AWAITING_CHOICE, what="change language")
        lang: object = action.get("lang")
        if not isinstance(lang, str) or lang not in m.LANGS:
            raise IllegalAction(f"unknown language '{lang}'.", [f"speak ({', '.join(m.LANGS)})"])
        self.case_state.speaking = lang
        self._emit({"type": EventType.SPOKE, "case": self.state.active, "clock": self.state.clock, "lang": lang})

    def _do_silence(self, action: SilenceAction) -> None:
        self._require(Status.AWAITING_CHOICE, what="stay silent")
        cid = self.state.active
        caller = self.case.caller
        self._emit({"type": EventType.SILENCE, "case": cid, "clock": self.state.clock})
        if caller.silence is not None:
            self._say(cid, m.Speaker.CALLER, caller.silence, "silence")
        self._stress(cid, SILENCE_STRESS, "silence")
        self._advance(self.scenario.decision_seconds)
        self._after()

    def _do_unclear(self, action: UnclearAction) -> None:
        """The agent said something the caller could not make sense of (a free-text answer that matches no
        option): the caller asks again, a little time is lost and a little worry added."""
        self._require(Status.AWAITING_CHOICE, what="speak")
        cid = self.state.active
        cs, caller = self.case_state, self.case.caller
        self._emit({"type": EventType.UNCLEAR, "case": cid, "clock": self.state.clock,
                    "lang": cs.speaking if caller.fluent(cs.speaking) else caller.first_language})
        self._stress(cid, UNCLEAR_STRESS, "unclear")
        self._advance(UNCLEAR_SECONDS)
        self._after()

    def _do_note(self, action: NoteAction) -> None:
        if self.state.status is Status.READY or self.state.status is Status.ENDED:
            raise IllegalAction("notes are taken during the call.", self.possible())
        text: object = action.get("text")
        if not isinstance(text, str):
            raise IllegalAction("a note must be a text.", self.possible())
        self.case_state.notes.append(text)
        self._emit({"type": EventType.NOTE, "case": self.state.active, "clock": self.state.clock, "text": text})

    def _do_switch(self, action: SwitchAction) -> None:
        self._require(Status.AWAITING_CHOICE, what="switch calls")
        cid: str | None = action.get("case")  # None in an action without a case
        cs = self.state.cases.get(cid) if cid is not None else None
        if cid is None or cs is None or cid == self.state.active or cs.status not in (CaseStatus.RINGING, CaseStatus.LIVE):
            raise IllegalAction(f"cannot switch to '{cid}'.", self.possible())
        self._advance(SWITCH_SECONDS)
        self._leave(self.state.active)
        self.state.active = cid
        cs.waiting_since = None
        self._emit({"type": EventType.SWITCHED, "case": cid, "clock": self.state.clock, "to": cid})
        if cs.status is CaseStatus.RINGING:
            self._answer(cid)
        self._fire_due()
        self._settle()

    # ------------------------------------------------------------------ internals

    def _emit(self, event: Event) -> None:
        """Note an event of the action being applied: `type`, `case` and `clock` first, as transcripts hold them."""
        self._events.append(event)

    def _say(self, cid: str, speaker: m.Speaker, text: m.Text, source: str, variant: int = 0) -> None:
        case, cs = self.scenario.cases[cid], self.state.cases[cid]
        if speaker is m.Speaker.CALLER:
            # A caller answers in the language spoken to them when it is one of their own, else in their first.
            lang = cs.speaking if case.caller.fluent(cs.speaking) else case.caller.first_language
        elif speaker is m.Speaker.PROVIDER and (spoken := self.provider_languages(cid)):
            # A provider answers in its own language when the agent does not speak one of its languages.
            lang = cs.speaking if cs.speaking in spoken else spoken[0]
        elif (node := case.nodes[cs.node]).speaker is speaker and node.understood:
            # Another party whose languages the node gives answers in one of them.
            lang = cs.speaking if cs.speaking in node.understood else node.understood[0]
        else:
            lang = cs.speaking
        said: SaidEvent = {"type": EventType.SAID, "case": cid, "clock": self.state.clock, "speaker": speaker.value,
                           "source": source, "variant": variant, "lang": lang, "text": text.render_all(self.context(cid))}
        if text.said_in is not None:
            said["said_in"] = text.said_in  # said in a fourth language: the words as said, a gloss in each language
        self._emit(said)

    def _say_lines(self, cid: str, speaker: m.Speaker, lines: m.Lines | None, source: str) -> None:
        if lines is None:
            return
        picked = lines.pick(self.context(cid))
        if picked is not None:
            self._say(cid, speaker, picked[1], source, picked[0])

    def _stress(self, cid: str, delta: float, reason: str) -> None:
        cs = self.state.cases[cid]
        before = cs.stress
        cs.stress = min(100.0, max(0.0, round(before + delta, 2)))
        if round(cs.stress) != round(before) or (delta and cs.stress != before):
            self._emit({"type": EventType.STRESS, "case": cid, "clock": self.state.clock, "before": round(before),
                        "after": round(cs.stress), "reason": reason})

    def _flag(self, cs: CaseState, flag: str) -> None:
        if flag not in cs.flags:
            cs.flags.append(flag)

    def _flags_effects(self, cs: CaseState, effects: m.Effects) -> None:
        for flag in effects.set:
            self._flag(cs, flag)
        cs.flags = [f for f in cs.flags if f not in effects.unset]

    def _reveal(self, cid: str, facts: tuple[str, ...]) -> None:
        case, cs = self.scenario.cases[cid], self.state.cases[cid]
        for fact in facts:
            if fact in cs.known:
                continue
            if cs.stress > case.caller.vague_above:
                self._emit({"type": EventType.WITHHELD, "case": cid, "clock": self.state.clock, "fact": fact})
            else:
                cs.known.append(fact)
                self._emit({"type": EventType.REVEALED, "case": cid, "clock": self.state.clock, "fact": fact})

    def _advance(self, seconds: int) -> None:
        """Move the shared clock; callers on hold get more stressed, waiting calls ring."""
        if seconds <= 0:
            return
        start = self.state.clock
        self.state.clock += int(seconds)
        for cid, cs in self.state.cases.items():
            if cid == self.state.active or cs.status not in (CaseStatus.LIVE, CaseStatus.RINGING):
                continue
            on_hold = self.scenario.cases[cid].caller.on_hold
            if on_hold:
                self._stress(cid, on_hold * (self.state.clock - start) / 60, "on_hold")
        self._ring_due()

    def _rings_now(self, case: m.Case) -> bool:
        """A call on a condition rings once it holds in a case already on the line (or over)."""
        if case.rings_when is None:
            return True
        if self.state.status is Status.READY:
            return False
        return any(case.rings_when(self.context(cid)) for cid, cs in self.state.cases.items()
                   if cid != case.id and cs.status in (CaseStatus.LIVE, CaseStatus.ENDED))

    def _ring_due(self) -> None:
        for cid, case in self.scenario.cases.items():
            cs = self.state.cases[cid]
            if cs.status is CaseStatus.WAITING and case.rings_at_seconds <= self.state.clock and self._rings_now(case):
                cs.status = CaseStatus.RINGING
                cs.waiting_since = case.rings_at_seconds if case.rings_when is None else self.state.clock
                if self.state.status is not Status.READY:
                    self._emit({"type": EventType.RINGING, "case": cid, "clock": self.state.clock,
                                "reference": case.reference})

    def _leave(self, cid: str) -> None:
        """The agent leaves a call for another: a live one waits on hold from now."""
        cs = self.state.cases[cid]
        if cs.status is CaseStatus.LIVE:
            cs.waiting_since = self.state.clock

    def _answer(self, cid: str) -> None:
        cs = self.state.cases[cid]
        cs.waiting_since = None
        cs.status = CaseStatus.LIVE
        self.state.active = cid
        self._emit({"type": EventType.ANSWERED, "case": cid, "clock": self.state.clock,
                    "reference": self.scenario.cases[cid].reference})
        self._enter(cid, self.scenario.cases[cid].start)

    def _enter(self, cid: str, node_id: str) -> None:
        cs = self.state.cases[cid]
        cs.node = node_id
        node = self.scenario.cases[cid].nodes[node_id]
        self._emit({"type": EventType.NODE, "case": cid, "clock": self.state.clock, "node": node_id})
        self._say_lines(cid, node.speaker, node.say, "node:" + node_id)
        if node.end is not None:
            self._end_case(cid, node.end)

    def _await(self, option: m.Option, act: m.Action) -> None:
        """Wait for what the option's action `act` needs: a value typed or a provider chosen."""
        cid = self.state.active
        self.state.pending = {"case": cid, "option": option.id, "action": act.type.value,
                              "field": act.field, "kind": act.kind}
        if act.type is m.ActionType.RECORD:
            self.state.status = Status.AWAITING_INPUT
            self._emit({"type": EventType.PROMPT, "case": cid, "clock": self.state.clock, "input": "field",
                        "field": act.field})
        else:
            self.state.status = Status.AWAITING_PROVIDER
            self._emit({"type": EventType.PROMPT, "case": cid, "clock": self.state.clock, "input": "provider",
                        "kind": act.kind})

    def _resume_pending(self) -> None:
        pending, self.state.pending = self._pending(), None
        self.state.status = Status.AWAITING_CHOICE
        found = self.scenario.cases[pending["case"]].option(pending["option"])
        assert found is not None, "the option waited on is one of the case's"
        _, option = found
        self._conclude(pending["case"], option)

    def _simple_action(self, cid: str, action: m.Action) -> None:
        cs = self.state.cases[cid]
        self._flag(cs, m.ACTION_FLAGS[action.type])
        event: ActedEvent = {"type": EventType.ACTED, "case": cid, "clock": self.state.clock,
                             "action": action.type.value}
        if action.to:
            event["to"] = action.to
        if action.type is m.ActionType.CALL_PROVIDER and cs.dispatched:
            event["provider"] = cs.dispatched["id"]
        if action.type is m.ActionType.CALL and action.to is not None and action.to not in cs.calls:
            cs.calls.append(action.to)
        self._emit(event)

    def _conclude(self, cid: str, option: m.Option) -> None:
        """What follows a choice once its action (if any) is complete: reply, next node, end."""
        speaker = self.scenario.cases[cid].nodes[self.state.cases[cid].node].speaker
        self._say_lines(cid, speaker, option.reply, "reply:" + option.id)
        if option.end is not None:
            self._end_case(cid, option.end)
        elif option.goto is not None:
            self._enter(cid, option.goto)
        self._after()

    def _after(self) -> None:
        """Once an action is done: hang-ups, due events, and what the session waits for next."""
        self._ring_due()
        self._check_hang_up()
        self._fire_due()
        self._ring_due()  # a flag an event has just set may ring a call at once
        self._settle()

    def _check_hang_up(self) -> None:
        for cid, cs in self.state.cases.items():
            caller = self.scenario.cases[cid].caller
            if cs.status in (CaseStatus.LIVE, CaseStatus.RINGING) and cs.stress >= caller.hangs_up_at:
                self._emit({"type": EventType.HUNG_UP, "case": cid, "clock": self.state.clock,
                            "stress": round(cs.stress)})
                # The loader refuses a caller who can hang up without a hang-up ending (S002).
                assert caller.hang_up_ending is not None, f"the caller of case '{cid}' has no hang-up ending"
                self._end_case(cid, caller.hang_up_ending)

    def _fire_due(self) -> None:
        for _ in range(MAX_EVENT_ROUNDS):
            fired = False
            for cid, case in self.scenario.cases.items():
                cs = self.state.cases[cid]
                if cs.status is not CaseStatus.LIVE:
                    continue
                for event in case.events:
                    if cs.status is not CaseStatus.LIVE:
                        break
                    if event.id in cs.fired:
                        continue
                    if event.at_seconds is not None and self.state.clock < case.rings_at_seconds + event.at_seconds:
                        continue
                    if event.when is not None and not event.when(self.context(cid)):
                        continue
                    self._fire(cid, event)
                    fired = True
            if not fired:
                return
            self._check_hang_up()

    def _fire(self, cid: str, event: m.Event) -> None:
        cs = self.state.cases[cid]
        cs.fired.append(event.id)
        self._emit({"type": EventType.EVENT, "case": cid, "clock": self.state.clock, "event": event.id})
        self._say_lines(cid, event.speaker, event.say, "event:" + event.id)
        if event.effects.stress:
            self._stress(cid, event.effects.stress, "event:" + event.id)
        self._flags_effects(cs, event.effects)
        self._reveal(cid, event.effects.reveal)
        if event.end is not None:
            self._end_case(cid, event.end)
        elif event.goto is not None:
            if self.state.pending and self.state.pending["case"] == cid:
                self.state.pending, self.state.status = None, Status.AWAITING_CHOICE
            self._enter(cid, event.goto)

    def _end_case(self, cid: str, ending_id: str) -> None:
        cs = self.state.cases[cid]
        if cs.status is CaseStatus.ENDED:
            return
        cs.status, cs.ending = CaseStatus.ENDED, ending_id
        ending = self.scenario.endings[ending_id]
        self._emit({"type": EventType.CASE_ENDED, "case": cid, "clock": self.state.clock, "ending": ending_id,
                    "outcome": ending.outcome.value})
        if self.state.pending and self.state.pending["case"] == cid:
            self.state.pending, self.state.status = None, Status.AWAITING_CHOICE

    def _settle(self) -> None:
        """After an action: stay on a live call, move to another, wait for the next to ring, or end."""
        st = self.state
        if st.status is Status.ENDED or st.pending is not None:
            return
        for _ in range(4 * len(st.cases) + 4):
            if st.cases[st.active].status is CaseStatus.LIVE:
                if not self.options():
                    raise ScenarioDeadEnd(f"the scenario offers nothing to do at node '{self.case_state.node}' "
                                          f"of case '{st.active}'.")
                return
            nxt = next((cid for cid, cs in st.cases.items() if cs.status is CaseStatus.LIVE), None) or \
                next((cid for cid, cs in st.cases.items() if cs.status is CaseStatus.RINGING), None)
            if nxt is not None:
                self._leave(st.active)
                st.active = nxt
                st.cases[nxt].waiting_since = None
                self._emit({"type": EventType.SWITCHED, "case": nxt, "clock": self.state.clock, "to": nxt})
                if st.cases[nxt].status is CaseStatus.RINGING:
                    self._answer(nxt)
                self._check_hang_up()
                self._fire_due()
                continue
            # Calls still to ring: on the clock, or on a condition that already holds (a condition that does
            # not hold now never will, with every call over: that call is not part of this session).
            waiting = [c for cid, c in self.scenario.cases.items()
                       if st.cases[cid].status is CaseStatus.WAITING and self._rings_now(c)]
            if waiting:
                self._advance(max(min(c.rings_at_seconds for c in waiting) - st.clock, 0))
                self._ring_due()
                continue
            self._end_session()
            return

    def _end_session(self) -> None:
        st = self.state
        endings = [self.scenario.endings[cs.ending] for cs in st.cases.values() if cs.ending]
        worst = min(endings, key=lambda e: m.OUTCOME_SEVERITY.index(e.outcome))
        st.status, st.ending = Status.ENDED, worst.id
        self._emit({"type": EventType.SESSION_ENDED, "case": st.active, "clock": st.clock, "ending": worst.id,
                    "outcome": worst.outcome.value})


def _all_flags(scenario: m.Scenario) -> set[str]:
    flags = set(m.ACTION_FLAGS.values()) | {"weak_language"}
    for case in scenario.cases.values():
        flags |= case.flag_names
    return flags

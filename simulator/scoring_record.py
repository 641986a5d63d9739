"""What happened in a call, as scoring needs it: the call replayed, each choice with its context.

The transcript's actions are applied to a fresh engine Session; for each case a CaseRecord notes the
turns (what was offered and chosen, in which language, to whom), silences, stress, the first time each
step was performed, the steps broken, the providers chosen, calls to 112 and whether the caller hung up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from simulator import model as m
from simulator.engine import Session, Status
from simulator.events import ActionData, Event, EventType, ProviderInfo
from simulator.scoring_card import Localised


class ProviderChoice(ProviderInfo):
    """A dispatched or booked event (simulator.events) with the number of the turn that chose the provider and the
    option whose dispatch or booking asked for it (its own needs and place)."""

    type: Literal[EventType.DISPATCHED, EventType.BOOKED]
    case: str
    clock: int
    turn: int
    option: str | None


@dataclass
class Turn:
    """One choice of the trainee with its context, rebuilt by replaying."""

    number: int
    case: str
    clock: float
    option: m.Option
    node: str
    lang: str
    offered: list[m.Option]
    done_before: set[str]
    context: m.RenderContext = field(default_factory=dict, repr=False)  # what texts could refer to at that moment
    to_provider: bool = False  # said to the provider (a node whose speaker is the provider), not to the caller
    provider_langs: tuple[str, ...] = ()  # the languages of the provider dealt with then, when known
    to_other: bool = False  # said to the medical team or a colleague: their language is the floor's, never scored
    free: bool = False  # typed in the trainee's own words (free-text mode) and understood as this option
    provider_name: str = ""  # the provider dealt with then (to_provider), as the directory names it
    other_langs: tuple[str, ...] = ()  # said to another party whose node gives their languages (to_other)
    speaker: str = ""  # who the agent spoke to at that node (a model.Speaker value)

    def render(self, text: m.Text) -> Localised:
        return text.render_all(self.context)


@dataclass
class CaseRecord:
    turns: list[Turn] = field(default_factory=list)
    silences: list[tuple[int, float]] = field(default_factory=list)
    stress: list[float] = field(default_factory=list)
    steps: dict[str, tuple[int, float]] = field(default_factory=dict)  # first time each step was performed
    broken: list[tuple[Turn, str]] = field(default_factory=list)
    providers: list[ProviderChoice] = field(default_factory=list)  # dispatched/booked events with their turn
    hung_up: bool = False
    emergency: list[tuple[int, float]] = field(default_factory=list)  # (turn, minute) of each call to 112


def replay_record(scenario: m.Scenario, directory: m.Directory,
                  actions: Iterable[ActionData]) -> tuple[Session, dict[str, CaseRecord]]:
    session = Session(scenario, directory)
    records = new_records(scenario)
    for number, action in enumerate(actions, 1):
        record_action(session, records, number, action)
    return session, records


def _names_read(options: list[m.Option]) -> set[str]:
    """The names the texts and debriefs of `options` fill in (none for plain texts)."""
    names: set[str] = set()
    for option in options:
        for text in (option.text, option.debrief):
            for template in text.values.values() if text else ():
                if not template.plain:
                    names |= template.names.names
    return names


def new_records(scenario: m.Scenario) -> dict[str, CaseRecord]:
    """Empty records, one per case, before the first action."""
    return {cid: CaseRecord(stress=[float(c.caller.stress)]) for cid, c in scenario.cases.items()}


def record_action(session: Session, records: Mapping[str, CaseRecord], number: int, action: ActionData,
                  offered: list[m.Option] | None = None) -> list[Event]:
    """Apply action number `number` to the session and note in `records` what scoring needs of it.

    `offered` is what `session.options()` returns now, when the caller already has it."""
    if offered is None:
        offered = session.options() if session.state.status is Status.AWAITING_CHOICE else []
    active = session.state.active
    clock = session.state.clock / 60
    node = session.case_state.node
    lang = session.case_state.speaking
    choosing = action.get("type") == "choose"
    # The values the offered texts read, as they are now: a debrief renders them long after.
    context: m.RenderContext = session.context().frozen(_names_read(offered)) if choosing else {}
    speaker = session.case.nodes[node].speaker if choosing else None
    to_provider = speaker is m.Speaker.PROVIDER
    to_other = speaker in m.OTHER_PARTIES
    other_langs = session.case.nodes[node].understood if to_other else ()
    provider_langs = session.provider_languages(active) if to_provider else ()
    dealt_with = session.provider_dealt_with(active) if to_provider else None
    # A provider chosen for a dispatch or booking: which option asked for it (its own needs and place).
    asked_by = session.state.pending["option"] if action.get("type") == "provider" and session.state.pending else None
    events = session.apply(action)
    rec = records[active]
    if choosing and any(e["type"] == EventType.NO_ANSWER for e in events):
        pass  # a call nobody picked up: time lost, nothing done
    elif choosing:
        option = next(o for o in offered if o.id == action["option"])
        turn = Turn(number, active, clock, option, node, lang, offered, set(rec.steps), context, to_provider, provider_langs,
                    to_other, bool(action.get("free")), dealt_with["name"] if dealt_with else "",
                    other_langs, speaker.value if speaker else "")
        rec.turns.append(turn)
        for step in option.steps:
            if step not in rec.steps:
                rec.steps[step] = (number, clock)
        for step in option.breaks:
            rec.broken.append((turn, step))
    elif action.get("type") == "silence":
        rec.silences.append((number, clock))
    for event in events:
        cid = event.get("case", active)
        if event["type"] == EventType.STRESS:
            records[cid].stress.append(float(event["after"]))
        elif event["type"] == EventType.DISPATCHED or event["type"] == EventType.BOOKED:
            records[cid].providers.append({**event, "turn": number, "option": asked_by})
        elif event["type"] == EventType.HUNG_UP:
            records[cid].hung_up = True
        elif event["type"] == EventType.ACTED and event.get("action") == m.ActionType.CALL_112.value:
            records[cid].emergency.append((number, event["clock"] / 60))
    return events

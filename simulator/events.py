"""The events the engine emits and the actions it accepts, as types.

At run time events and actions are plain dicts, as transcripts store them: the `TypedDict`s below
only describe them, for the type checker and for the reader. An event's "type" is an `EventType`,
a `StrEnum`: it equals its text (`event["type"] == "said"`), hashes as its text and is written as
its text in JSON, so transcripts and the code that reads them see exactly the strings they always saw.

Every event has its `type`, the `case` it is about (the call on the line when it is about none in
particular) and the shared `clock` in seconds since the first call rang; the engine writes these three
first, then the event's own keys in the order they are listed below.

This module imports nothing of the simulator: the model, the engine and scoring can all use it.
"""

# No `from __future__ import annotations` here: the TypedDicts' required and optional keys are read at run
# time (tests/test_typing.py), which needs their annotations evaluated.
from collections.abc import Mapping
from enum import StrEnum
from typing import Literal, NotRequired, TypedDict


class EventType(StrEnum):
    """What happened, as the "type" of an event."""

    ANSWERED = "answered"          # a ringing call was picked up
    NODE = "node"                  # the case reached a node of the scenario
    SAID = "said"                  # the caller (or a provider, a colleague...) said something
    CHOSE = "chose"                # the agent said or did an option
    STRESS = "stress"              # the caller's stress changed
    REVEALED = "revealed"          # the caller told a fact
    WITHHELD = "withheld"          # the caller, too stressed, did not tell a fact
    PROMPT = "prompt"              # the session waits for a typed value or a provider
    RECORDED = "recorded"          # a case-file field was written
    DISPATCHED = "dispatched"      # a provider was sent
    BOOKED = "booked"              # a provider was booked
    ACTED = "acted"                # an action without input (a transfer, a call to 112, a call answered...)
    NO_ANSWER = "no_answer"        # the agent called someone who did not pick up
    SPOKE = "spoke"                # the agent switched the language spoken to the caller
    SILENCE = "silence"            # the agent said nothing in time
    UNCLEAR = "unclear"            # the caller could not make sense of a free-text answer
    NOTE = "note"                  # a private note in the case file
    RINGING = "ringing"            # another call began to ring
    SWITCHED = "switched"          # the agent moved to another call
    EVENT = "event"                # a timed or conditional event of the scenario fired
    HUNG_UP = "hung_up"            # the caller hung up
    CASE_ENDED = "case_ended"      # one call ended
    SESSION_ENDED = "session_ended"  # every call ended: the session is over


class ProviderInfo(TypedDict):
    """A provider dispatched or booked, as the case state keeps it and the event tells it."""

    id: str
    name: str
    kind: str
    capabilities: list[str]
    eta: int         # minutes until on site
    km: float        # road distance, one decimal
    at: float        # minutes on the clock when chosen
    open: bool       # open at that moment


class _Base(TypedDict):
    case: str
    clock: int  # seconds since the first call rang


class AnsweredEvent(_Base):
    type: Literal[EventType.ANSWERED]
    reference: str


class NodeEvent(_Base):
    type: Literal[EventType.NODE]
    node: str


class SaidEvent(_Base):
    type: Literal[EventType.SAID]
    speaker: str  # a model.Speaker value
    source: str   # "node:<id>", "reply:<option>", "event:<id>", "silence", "weak_language"
    variant: int  # which of the lines' variants
    lang: str     # the language it is said in
    text: dict[str, str]  # in every language
    said_in: NotRequired[str]  # a line said in it, es, pt, de or th: its words, then a gloss in each language


class ChoseEvent(_Base):
    type: Literal[EventType.CHOSE]
    option: str
    node: str
    step: str | None
    tone: str  # a model.Tone value
    lang: str
    text: str  # in the language spoken


class StressEvent(_Base):
    type: Literal[EventType.STRESS]
    before: int
    after: int
    reason: str  # "tone", "language", "silence", "unclear", "on_hold", "event:<id>"


class RevealedEvent(_Base):
    type: Literal[EventType.REVEALED]
    fact: str


class WithheldEvent(_Base):
    type: Literal[EventType.WITHHELD]
    fact: str


class PromptEvent(_Base):
    type: Literal[EventType.PROMPT]
    input: Literal["field", "provider"]
    field: NotRequired[str | None]  # when input is "field"
    kind: NotRequired[str | None]   # when input is "provider"


class RecordedEvent(_Base):
    type: Literal[EventType.RECORDED]
    field: str
    value: str


class DispatchedEvent(_Base, ProviderInfo):
    type: Literal[EventType.DISPATCHED]


class BookedEvent(_Base, ProviderInfo):
    type: Literal[EventType.BOOKED]


class ActedEvent(_Base):
    type: Literal[EventType.ACTED]
    action: str  # a model.ActionType value
    to: NotRequired[str]        # a transfer's target, or who a call reached
    provider: NotRequired[str]  # calling the provider dispatched: its id


class NoAnswerEvent(_Base):
    type: Literal[EventType.NO_ANSWER]
    option: str  # the option that made the call (offered again)
    to: str      # who was called


class SpokeEvent(_Base):
    type: Literal[EventType.SPOKE]
    lang: str


class SilenceEvent(_Base):
    type: Literal[EventType.SILENCE]


class UnclearEvent(_Base):
    type: Literal[EventType.UNCLEAR]
    lang: str  # the language the caller asks again in


class NoteEvent(_Base):
    type: Literal[EventType.NOTE]
    text: str


class RingingEvent(_Base):
    type: Literal[EventType.RINGING]
    reference: str


class SwitchedEvent(_Base):
    type: Literal[EventType.SWITCHED]
    to: str


class FiredEvent(_Base):
    """A scenario event (model.Event) fired: `event` is its id."""

    type: Literal[EventType.EVENT]
    event: str


class HungUpEvent(_Base):
    type: Literal[EventType.HUNG_UP]
    stress: int


class CaseEndedEvent(_Base):
    type: Literal[EventType.CASE_ENDED]
    ending: str
    outcome: str  # a model.Outcome value


class SessionEndedEvent(_Base):
    type: Literal[EventType.SESSION_ENDED]
    ending: str
    outcome: str


Event = (AnsweredEvent | NodeEvent | SaidEvent | ChoseEvent | StressEvent | RevealedEvent | WithheldEvent
         | PromptEvent | RecordedEvent | DispatchedEvent | BookedEvent | ActedEvent | NoAnswerEvent | SpokeEvent
         | SilenceEvent
         | UnclearEvent | NoteEvent | RingingEvent | SwitchedEvent | FiredEvent | HungUpEvent | CaseEndedEvent
         | SessionEndedEvent)


# ------------------------------------------------------------------ actions
#
# What the engine accepts (`Session.apply`), as answers files and transcripts hold it. The engine checks
# what it reads: these describe well-formed actions; an action read from a file may be anything.


class StartAction(TypedDict):
    """Pick up the phone; `lang` is the interface's (the trainee speaks the caller's first language)."""

    type: Literal["start"]
    lang: NotRequired[str]
    variants: NotRequired[dict[str, str]]  # the scenario's variants drawn for this call: dimension -> value


class ChooseAction(TypedDict):
    """Say or do an option of the current node."""

    type: Literal["choose"]
    option: str
    case: NotRequired[str]   # the case on the line, when said
    said: NotRequired[str]   # free-text mode: what the trainee typed...
    free: NotRequired[bool]  # ...understood as this option


class InputAction(TypedDict):
    """The value a record action asked for."""

    type: Literal["input"]
    value: str


class ProviderAction(TypedDict):
    """The provider a dispatch or booking asked for."""

    type: Literal["provider"]
    id: str


class RecordAction(TypedDict):
    """Edit the case file at any time."""

    type: Literal["record"]
    field: str
    value: str


class SpeakAction(TypedDict):
    """Switch the language spoken to the caller."""

    type: Literal["speak"]
    lang: str


class SwitchAction(TypedDict):
    """Take another call of a multi-case scenario."""

    type: Literal["switch"]
    case: str


class SilenceAction(TypedDict):
    """The agent said nothing in time."""

    type: Literal["silence"]


class UnclearAction(TypedDict):
    """A free-text answer nobody could make sense of: the caller asks again."""

    type: Literal["unclear"]
    said: NotRequired[str]


class NoteAction(TypedDict):
    """A private note in the case file."""

    type: Literal["note"]
    text: str


Action = (StartAction | ChooseAction | InputAction | ProviderAction | RecordAction | SpeakAction | SwitchAction
          | SilenceAction | UnclearAction | NoteAction)

# The type of each action, as `Action` lists them (the engine has a `_do_<type>` for each).
ACTION_TYPES: tuple[str, ...] = ("start", "choose", "input", "provider", "record", "speak", "switch", "silence",
                                 "unclear", "note")

# An action as an answers file, a transcript or a front-end hands it to the engine: a well-formed one is one of
# the `Action`s above; the engine checks what it reads (engine.IllegalAction when it cannot take it).
ActionData = Mapping[str, object]

"""The immutable model of scenarios, rubrics and the provider directory.

Built once by the loader, never mutated. Everything that changes during a call lives in
`engine.State`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Mapping

from simulator.criteria import CRITERIA as CRITERIA  # noqa: F401  (m.CRITERIA)
from simulator.expressions import Condition, Template
from simulator.languages import LANGS as LANGS  # noqa: F401  (m.LANGS: one place for the list of languages)
from simulator.safe import printable

# What a condition or a text reads: the engine's Context (a dict that works names out as they are read), a
# turn's frozen copy of it, or {} for a text without placeholders. A dict, as simulator.expressions reads it.
RenderContext = dict[str, Any]

# Where something is written in its source file: keys and list indexes, ("cases", "main", "nodes", "start").
Origin = tuple[str | int, ...]


class Tone(str, Enum):
    REASSURING = "reassuring"
    EMPATHETIC = "empathetic"
    NEUTRAL = "neutral"
    CURT = "curt"
    ALARMING = "alarming"


# Stress change of a reply when the option does not set its own.
TONE_STRESS: dict[Tone, int] = {
    Tone.REASSURING: -8,
    Tone.EMPATHETIC: -6,
    Tone.NEUTRAL: 0,
    Tone.CURT: 8,
    Tone.ALARMING: 15,
}


class Outcome(str, Enum):
    RESOLVED = "resolved"
    ESCALATED = "escalated"
    HUNG_UP = "hung_up"
    UNSAFE = "unsafe"
    FAILED = "failed"


# Worst first: the ending of a multi-case session is its most severe case ending.
OUTCOME_SEVERITY = [Outcome.UNSAFE, Outcome.FAILED, Outcome.HUNG_UP, Outcome.ESCALATED, Outcome.RESOLVED]


class ActionType(str, Enum):
    RECORD = "record"
    DISPATCH = "dispatch"
    BOOK = "book"
    CALL_PROVIDER = "call_provider"
    TRANSFER = "transfer"
    CALL_112 = "call_112"
    CALL = "call"  # the agent calls someone (a hospital, the family...), who may not answer


# Flag set by each action once performed.
ACTION_FLAGS: dict[ActionType, str] = {
    ActionType.RECORD: "recorded",
    ActionType.DISPATCH: "dispatched",
    ActionType.BOOK: "booked",
    ActionType.CALL_PROVIDER: "called_provider",
    ActionType.TRANSFER: "transferred",
    ActionType.CALL_112: "called_112",
    ActionType.CALL: "called",
}


class FactKind(str, Enum):
    TEXT = "text"
    MEMBER = "member"
    PLATE = "plate"
    PHONE = "phone"
    LOCATION = "location"
    NUMBER = "number"


class Speaker(str, Enum):
    CALLER = "caller"
    PROVIDER = "provider"
    COLLEAGUE = "colleague"
    MEDICAL = "medical"
    SYSTEM = "system"
    DOCTOR = "doctor"      # the treating doctor
    HOSPITAL = "hospital"  # a ward, a billing office, an international desk
    FAMILY = "family"
    EMBASSY = "embassy"
    POLICE = "police"


# Who the agent talks to at a node: anyone but the caller (and the system's own lines) is "another party",
# spoken to in the agent's language choice without costing the caller anything.
OTHER_PARTIES = frozenset({Speaker.COLLEAGUE, Speaker.MEDICAL, Speaker.DOCTOR, Speaker.HOSPITAL, Speaker.FAMILY,
                           Speaker.EMBASSY, Speaker.POLICE})


PROVIDER_KINDS = ("tow", "garage", "ambulance", "emergency", "hospital", "doctor", "taxi", "hotel",
                  "consulate", "travel", "funds", "rental", "repatriation", "medical_team")
TRANSFER_TARGETS = ("medical", "police", "colleague")


# Languages a line may be said in by someone abroad (a doctor in Girona, a carabiniere), shown as said.
FOREIGN_LANGS = ("it", "es", "pt", "de", "th")


@dataclass(frozen=True)
class Text:
    """One text in every language: {"fr": ..., "nl": ..., "en": ...}.

    A line said in a fourth language (`said_in`, one of FOREIGN_LANGS) keeps its words in `original` and
    its optional gloss in `values`: it is shown as said, the gloss in brackets after it."""

    values: Mapping[str, Template]
    said_in: str | None = None
    original: Template | None = None

    def render(self, lang: str, context: RenderContext | None = None) -> str:
        context = context if context is not None else {}
        if self.original is not None:
            said = printable(self.original.render(context))
            gloss = self.values.get(lang)
            return f"{said} ({printable(gloss.render(context))})" if gloss is not None else said
        template = self.values.get(lang) or self.values.get("en") or next(iter(self.values.values()))
        return printable(template.render(context))

    def render_all(self, context: RenderContext | None = None) -> dict[str, str]:
        context = context if context is not None else {}
        if self.original is not None:
            return {lang: self.render(lang, context) for lang in LANGS}
        return {lang: printable(t.render(context)) for lang, t in self.values.items()}

    def __getitem__(self, lang: str) -> str:
        return self.render(lang)


@dataclass(frozen=True)
class Variant:
    when: Condition | None
    text: Text


@dataclass(frozen=True)
class Lines:
    """What someone says: the first variant whose condition holds."""

    variants: tuple[Variant, ...]

    def pick(self, context: RenderContext) -> tuple[int, Text] | None:
        for index, variant in enumerate(self.variants):
            if variant.when is None or variant.when(context):
                return index, variant.text
        return None


@dataclass(frozen=True)
class Fact:
    id: str
    value: Any
    kind: FactKind
    label: Text
    coordinates: tuple[float, float] | None = None
    tolerance_km: float = 0.5
    accept: tuple[str, ...] = ()


@dataclass(frozen=True)
class Caller:
    name: str
    languages: tuple[str, ...]  # preferred first; the trainee starts speaking the first one
    stress: int
    vague_above: int = 75
    hangs_up_at: int = 100
    hang_up_ending: str | None = None
    silence: Text | None = None
    on_hold: float = 2.0
    weak_languages: tuple[str, ...] = ()  # understood only poorly: each answer in one stresses the caller
    weak_line: Text | None = None  # what the caller says the first time they are answered in a weak language

    @property
    def first_language(self) -> str:
        """The first of the caller's languages the trainee can speak (fr, nl, en): the call starts in it."""
        return next((lang for lang in self.languages if lang in LANGS), "en")

    def speaks(self, lang: str) -> bool:
        return lang in self.languages

    def fluent(self, lang: str) -> bool:
        """One of the caller's own languages (answering in it never costs)."""
        return lang in self.languages and lang not in self.weak_languages


@dataclass(frozen=True)
class Effects:
    stress: int | None = None
    seconds: int = 30
    set: tuple[str, ...] = ()
    unset: tuple[str, ...] = ()
    reveal: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    type: ActionType
    field: str | None = None
    kind: str | None = None
    to: str | None = None
    # A dispatch or booking: what this provider must be able to do (None: a dispatch takes the case's
    # `needs`, a booking needs nothing beyond its kind) and the location fact it is measured from.
    needs: tuple[str, ...] | None = None
    near: str | None = None
    # An outbound call (`call`): when the one called answers (None: always).
    answers: Condition | None = None

    @property
    def needs_input(self) -> bool:
        return self.type in (ActionType.RECORD, ActionType.DISPATCH, ActionType.BOOK)


class DeviationLevel(str, Enum):
    """How serious a deviation from the protocol is, as in dispatch case review."""

    CRITICAL = "critical"
    MAJOR = "major"
    MODERATE = "moderate"
    MINOR = "minor"


@dataclass(frozen=True)
class Deviation:
    """What a wrong option breaks: a procedure step, at a level (None: the rubric's default for that step)."""

    step: str
    level: DeviationLevel | None = None


@dataclass(frozen=True)
class Option:
    id: str
    text: Text
    step: str | None  # the first of `steps`, for tools that show one
    tone: Tone
    effects: Effects
    when: Condition | None = None
    reply: Lines | None = None
    action: Action | None = None
    goto: str | None = None
    end: str | None = None
    repeatable: bool = False
    debrief: Text | None = None
    breaks: tuple[str, ...] = ()  # procedure steps this choice goes against
    origin: Origin = ()  # path in the source file, for tools that point back at it
    steps: tuple[str, ...] = ()  # every procedure step this choice performs (a behaviour may show several)
    deviations: tuple[Deviation, ...] = ()  # `breaks` with their levels
    hold: bool = False  # says "please hold, another call": the player takes the next waiting call at once
    # Example phrasings for free-text answers (`says:`), by language: ("fr", ("...", ...)), ...
    says: tuple[tuple[str, tuple[str, ...]], ...] = ()
    no_answer: Lines | None = None  # an outbound call nobody picks up: what is heard instead

    def phrasings(self, lang: str) -> tuple[str, ...]:
        return next((texts for code, texts in self.says if code == lang), ())

    @property
    def stress_delta(self) -> int:
        return self.effects.stress if self.effects.stress is not None else TONE_STRESS[self.tone]


@dataclass(frozen=True)
class Node:
    id: str
    speaker: Speaker
    say: Lines | None
    options: tuple[Option, ...]
    end: str | None = None
    origin: Origin = ()
    # Another party's node (a doctor, a hospital...): the languages they speak, first the one they answer in when
    # the agent speaks none of them. Empty: their language is never scored.
    languages: tuple[str, ...] = ()

    @property
    def understood(self) -> tuple[str, ...]:
        """Of the languages spoken at this node, those the agent can speak (fr, nl, en)."""
        return tuple(lang for lang in self.languages if lang in LANGS)


@dataclass(frozen=True)
class Event:
    id: str
    at_seconds: int | None
    when: Condition | None
    speaker: Speaker
    say: Lines | None
    effects: Effects
    goto: str | None = None
    end: str | None = None
    origin: Origin = ()


@dataclass(frozen=True)
class Case:
    id: str
    reference: str
    rings_at_seconds: int
    caller: Caller
    truth: Mapping[str, Fact]
    needs: tuple[str, ...]
    start: str
    nodes: Mapping[str, Node]
    events: tuple[Event, ...]
    # The rubric's order rules at this caller's level, where the scenario says otherwise
    # (safety before paperwork is critical on a hard shoulder, moderate for a caller already safe indoors).
    orders: Mapping[tuple[str, str], "Order"] = field(default_factory=dict)
    situation: Text | None = None  # a few words shown beside the call while it waits (several calls at once)
    rings_when: Condition | None = None  # a call that rings when this holds in another case (not before rings_at)
    # Facts drawn per session: dimensions, each with its possible values (the first is the default).
    variants: tuple[tuple[str, tuple["Alternative", ...]], ...] = ()

    @property
    def location(self) -> Fact | None:
        """The fact whose coordinates providers are sent to."""
        return next((f for f in self.truth.values() if f.kind is FactKind.LOCATION and f.coordinates), None)

    @property
    def flag_names(self) -> set[str]:
        """Every flag this case's options, events and variants set or clear."""
        flags: set[str] = set()
        for node in self.nodes.values():
            for option in node.options:
                flags.update(option.effects.set, option.effects.unset)
        for event in self.events:
            flags.update(event.effects.set, event.effects.unset)
        for _, values in self.variants:
            for alternative in values:
                flags.update(alternative.set)
        return flags

    def request(self, action: Action | None, truth: Mapping[str, Fact] | None = None) -> "Request":
        """What a dispatch or booking asks of a provider: the capabilities it must have, and where it is
        measured from. A booking (a hotel, a flight) has its own needs; the case's `needs` are a dispatch's.
        `truth`: the facts as this call drew them (variants), the case's own by default."""
        facts = truth if truth is not None else self.truth
        if action is None:
            needs: tuple[str, ...] = self.needs
        elif action.needs is not None:
            needs = action.needs
        else:
            needs = self.needs if action.type is ActionType.DISPATCH else ()
        if action is not None and action.near:
            place = facts.get(action.near)
        else:
            place = next((f for f in facts.values() if f.kind is FactKind.LOCATION and f.coordinates), None)
        return Request(needs, place.coordinates if place is not None and place.coordinates else None)

    def option(self, option_id: str) -> tuple[Node, Option] | None:
        for node in self.nodes.values():
            for option in node.options:
                if option.id == option_id:
                    return node, option
        return None


@dataclass(frozen=True)
class Alternative:
    """One value of a case's variant dimension: the flags it sets, the facts it changes, the providers it delays."""

    id: str
    set: tuple[str, ...] = ()
    facts: Mapping[str, Fact] = field(default_factory=dict)
    traffic: Mapping[str, "Traffic"] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """What one dispatch or booking needs (capabilities) and the coordinates it is measured from."""

    needs: tuple[str, ...]
    near: tuple[float, float] | None


@dataclass(frozen=True)
class Ending:
    id: str
    outcome: Outcome
    title: Text
    debrief: Text  # the text without conditions (shown when no variant's condition holds)
    variants: Lines | None = None  # debrief texts by what happened in the call (`when` on the case's state)

    def debrief_for(self, context: RenderContext | None) -> Text:
        if self.variants is not None and context is not None:
            picked = self.variants.pick(context)
            if picked is not None:
                return picked[1]
        return self.debrief


@dataclass(frozen=True)
class Traffic:
    factor: float = 1.0
    delay_seconds: int = 0


@dataclass(frozen=True)
class Scenario:
    id: str
    version: int
    title: Text
    summary: Text
    briefing: Text
    difficulty: int
    minutes: int
    rubric_id: str
    clock_start: datetime
    decision_seconds: int
    traffic: Mapping[str, Traffic]
    endings: Mapping[str, Ending]
    cases: Mapping[str, Case]
    source: str = ""
    content_hash: str = ""
    # The model call, as answers (actions as the file holds them, see simulator.events); shown after the debrief.
    model: tuple[dict[str, Any], ...] = ()
    think_seconds: int = 10  # timed mode: time to think, on top of reading what is on screen
    directory: tuple[str, ...] = ()  # the directory files this call uses (none named: every bundled one)

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGS

    @property
    def variant_dimensions(self) -> dict[str, tuple["Alternative", ...]]:
        """Every variant of the scenario's cases with its values, the default first (names are unique: S004)."""
        return {dimension: values for case in self.cases.values() for dimension, values in case.variants}


@dataclass(frozen=True)
class Hours:
    """Opening hours: days of the week (0 = Monday) and a time span in minutes since midnight."""

    days: frozenset[int]
    start: int
    end: int  # may be smaller than start: open over midnight

    def is_open(self, moment: datetime) -> bool:
        minute = moment.hour * 60 + moment.minute
        day = moment.weekday()
        if self.start <= self.end:
            return day in self.days and self.start <= minute < self.end
        # Over midnight: the evening part belongs to `day`, the morning part to the day before.
        return (day in self.days and minute >= self.start) or ((day - 1) % 7 in self.days and minute < self.end)


ALWAYS_OPEN = (Hours(frozenset(range(7)), 0, 24 * 60),)


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    kind: str
    place: str
    coordinates: tuple[float, float]
    capabilities: frozenset[str]
    hours: tuple[Hours, ...]
    languages: tuple[str, ...]
    partner: bool
    cost: int
    speed_kmh: float = 50.0
    phone: str = ""
    hours_text: str = "24/7"
    note: Text | None = None  # what an agent should know, in fr/nl/en ("near the Kennedytunnel left-bank portal")
    source: str = ""  # the directory file it comes from (its name without .yaml), for scenarios that choose theirs

    def is_open(self, moment: datetime) -> bool:
        return any(h.is_open(moment) for h in self.hours)


@dataclass(frozen=True)
class Directory:
    providers: tuple[Provider, ...] = ()

    def get(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def of_kind(self, kind: str) -> tuple[Provider, ...]:
        return tuple(p for p in self.providers if p.kind == kind)

    def only(self, sources: tuple[str, ...]) -> "Directory":
        """The providers of these directory files (a scenario's `directory:`); all of them when none is named."""
        if not sources:
            return self
        return Directory(tuple(p for p in self.providers if p.source in sources))


@dataclass(frozen=True)
class Level:
    min: float
    name: Text
    description: Text


@dataclass(frozen=True)
class Step:
    id: str
    label: Text
    critical: bool = False
    within_seconds: int | None = None
    before: tuple[str, ...] = ()
    weight: float = 1.0
    why: Text | None = None
    optional: bool = False  # scored only in calls that offer it (a takeover after the motorway); lint does not ask for it


@dataclass(frozen=True)
class Order:
    """`first` must be done before `then`; doing `then` while `first` is still undone is a deviation."""

    first: str
    then: str
    level: DeviationLevel


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: float
    settings: Mapping[str, Any]
    levels: tuple[Level, ...]
    minimum: float | None = None  # below this percentage the call cannot pass, whatever the total


# Procedure points (out of 100) each level of deviation costs when a rubric does not say.
DEFAULT_DEVIATION_COSTS = {"major": 15.0, "moderate": 8.0, "minor": 3.0}


@dataclass(frozen=True)
class Rubric:
    id: str
    title: Text
    pass_mark: float
    critical_cap: float
    compliance: tuple[tuple[str, float], ...]  # (level, min %), best first
    criteria: Mapping[str, Criterion]
    protocol: Mapping[str, Step]
    source: str = ""
    content_hash: str = ""
    orders: tuple[Order, ...] = ()
    # Procedure points (out of 100) each deviation level costs; a critical deviation fails the call.
    deviation_costs: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DEVIATION_COSTS))
    # Compliance levels that pass (with no critical failure and the pass mark reached).
    passing_compliance: tuple[str, ...] = ("high_compliance", "compliant")

    def default_level(self, step_id: str) -> DeviationLevel:
        """The level of breaking a step when the option does not say: critical for a critical step."""
        step = self.protocol.get(step_id)
        return DeviationLevel.CRITICAL if step is not None and step.critical else DeviationLevel.MAJOR


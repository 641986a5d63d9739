"""The scorecard: evidence items, each criterion's result and the whole score, as scoring hands them out.

Every text in it is given in every interface language (`Localised`), so a debrief can be shown in
any of them without scoring the call again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NotRequired, TypedDict

from simulator import model as m
from simulator.formatting import number
from simulator.i18n import t

Localised = dict[str, str]

# What fills in an interface string: a scenario's Text or a Localised text (each language its own), a number
# (a float written the language's way), or a word or id as it is.
Fill = m.Text | Localised | float | str


def _all(key: str, **values: Fill) -> Localised:
    """An interface string in every language, values rendered per language when they are Texts."""
    out: Localised = {}
    for lang in m.LANGS:
        rendered = {k: (v.render(lang) if isinstance(v, m.Text) else v.get(lang, "") if isinstance(v, dict)
                        else number(v, lang) if isinstance(v, float) else v)
                    for k, v in values.items()}
        out[lang] = t(key, lang, **rendered)
    return out


class RankedProvider(TypedDict):
    """A provider of a kind as ranked for a case (scoring_criteria.rank_providers), best first."""

    id: str
    name: str
    km: float
    eta: int
    open: bool
    missing: list[str]   # capabilities the case needs that it lacks
    partner: bool
    cost: int
    capabilities: list[str]
    suitable: bool       # lacks nothing and is open
    utility: float       # minutes to the scene, plus what no contract and the cost are worth


class EvidenceExtra(TypedDict, total=False):
    """What an evidence item adds, by criterion (written into its `as_dict` as it is)."""

    step: str            # procedure: the step...
    missed: bool         # ...never done,
    late: bool           # ...done late,
    then: str            # ...or done after `then`, against the rubric's order,
    deviation: str       # ...at this DeviationLevel
    verdict: Literal["best", "acceptable", "unsuitable"]  # provider
    ranking: list[RankedProvider]                         # provider: the best few and the one chosen
    wait: float | None   # timing: minutes until help was on site (None: never)


class CriterionExtra(TypedDict, total=False):
    """What a criterion's result adds (written into its `as_dict` as it is)."""

    compliance: str       # procedure: the compliance level
    verdicts: list[str]   # provider: each choice's verdict


class CriticalFailure(TypedDict):
    """Why a call failed whatever else it did well: a critical step missed, broken or out of order, a bad ending."""

    case: str
    step: str | None     # None for an ending
    label: Localised
    reason: str          # missed, order, broken, or the ending's outcome + "_ending" (unsafe_ending...)
    turn: NotRequired[int]


class DebriefNote(TypedDict):
    """The scenario's debrief note on a choice the trainee made."""

    turn: int
    case: str
    clock: float
    option: str
    text: Localised
    note: Localised


class Reason(TypedDict):
    """Why the call did not pass: unfinished, critical, compliance, minimum or pass_mark."""

    reason: str
    level: NotRequired[str]       # compliance: the level reached...
    needed: NotRequired[str]      # ...and the lowest that passes
    criterion: NotRequired[str]   # minimum: the criterion below its minimum...
    percent: NotRequired[float]   # ...its percentage...
    minimum: NotRequired[float]   # ...and the minimum


class CaseEnding(TypedDict):
    """How one call of the scenario ended, with the debrief that fits it."""

    case: str
    ending: str
    outcome: str
    title: Localised
    debrief: Localised


@dataclass
class Evidence:
    criterion: str
    points: float
    what: Localised
    expected: Localised | None = None
    turn: int | None = None
    clock: float | None = None
    case: str | None = None
    better: Localised | None = None
    extra: EvidenceExtra = field(default_factory=lambda: EvidenceExtra())
    detail: Localised | None = None

    def as_dict(self) -> dict[str, object]:
        return {"criterion": self.criterion, "turn": self.turn, "clock": self.clock, "case": self.case,
                "points": round(self.points, 1), "what": self.what, "expected": self.expected, "better": self.better,
                "detail": self.detail, **self.extra}


@dataclass
class CriterionResult:
    id: str
    weight: float
    percent: float
    level: m.Level | None
    evidence: list[Evidence] = field(default_factory=list)
    applies: bool = True
    extra: CriterionExtra = field(default_factory=lambda: CriterionExtra())

    @property
    def score(self) -> float:
        return round(self.weight * self.percent / 100, 1)

    def as_dict(self) -> dict[str, object]:
        return {"score": self.score, "max": self.weight, "percent": round(self.percent, 1),
                "level": self.level.name.render_all() if self.level else None, "applies": self.applies,
                "evidence": [e.as_dict() for e in self.evidence], **self.extra}


@dataclass(frozen=True)
class StepOutcome:
    """A procedure step of the rubric that a case called for, and what became of it, as scoring counted it:
    the results store and the desk copy it rather than work it out again."""

    case: str
    step: str
    critical: bool
    performed: bool
    broken: bool           # an option went against it
    late: bool             # done after the time the rubric allows
    out_of_order: bool     # done before a step the protocol wants first
    turn: int | None       # when it was done (or first broken)
    minutes: float | None  # simulated minutes since the case rang, when done


@dataclass
class Score:
    scenario: str
    rubric: str
    overall: float
    passed: bool
    pass_mark: float
    critical_failures: list[CriticalFailure]
    compliance: str
    ending: str | None
    outcome: str | None
    criteria: dict[str, CriterionResult]
    notes: list[DebriefNote] = field(default_factory=list)  # the scenario's debrief notes on choices made
    trainee_notes: list[str] = field(default_factory=list)  # what the trainee wrote in the case file
    reasons: list[Reason] = field(default_factory=list)  # why the call did not pass ([] when it passed)
    ending_debrief: Localised | None = None  # the ending's debrief as it fits this call
    case_endings: list[CaseEnding] = field(default_factory=list)  # each caller's ending, for several calls at once
    free_answers: tuple[int, int] = (0, 0)  # (choices typed in the trainee's own words, choices in all)
    steps: tuple[StepOutcome, ...] = ()  # each procedure step the call called for, and what became of it

    def as_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario, "rubric": self.rubric, "overall": self.overall, "passed": self.passed,
                "pass_mark": self.pass_mark, "critical_failures": self.critical_failures,
                "compliance": self.compliance, "ending": self.ending, "outcome": self.outcome,
                "criteria": {cid: c.as_dict() for cid, c in self.criteria.items()}, "notes": self.notes,
                "trainee_notes": self.trainee_notes, "reasons": self.reasons, "ending_debrief": self.ending_debrief,
                "case_endings": self.case_endings,
                "free_answers": {"free": self.free_answers[0], "choices": self.free_answers[1]}}


def provider_line(r: RankedProvider, lang: str) -> str:
    """One provider of a ranking as the debrief and the stored evidence say it:
    `Borinage Dépannage 4x4 : 6 km, 13 min, partenaire, 145 €`, what it lacks in the trainee's words."""
    from simulator.formatting import half_up, price
    from simulator.i18n import capability_label
    parts = [f"{number(half_up(r['km']), lang)} km", t("min", lang, n=r["eta"])]
    if r.get("partner"):
        parts.append(t("ev.partner", lang))
    if r.get("missing"):
        parts.append(t("ev.missing", lang, what=", ".join(capability_label(c, lang) for c in r["missing"])))
    if not r.get("open", True):
        parts.append(t("ev.closed", lang))
    parts.append(price(r["cost"], lang))
    return f"{r['name']}{t('debrief.colon', lang)} {', '.join(parts)}"


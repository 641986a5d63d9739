"""The scorecard: evidence items, each criterion's result and the whole score, as scoring hands them out.

Every text in it is given in every interface language (`Localised`), so a debrief can be shown in
any of them without scoring the call again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator import model as m
from simulator.i18n import num, t

Localised = dict[str, str]


def _all(key: str, **values) -> Localised:
    """An interface string in every language, values rendered per language when they are Texts."""
    out = {}
    for lang in m.LANGS:
        rendered = {k: (v.render(lang) if isinstance(v, m.Text) else v.get(lang, "") if isinstance(v, dict)
                        else num(v, lang) if isinstance(v, float) else v)
                    for k, v in values.items()}
        out[lang] = t(key, lang, **rendered)
    return out


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
    extra: dict = field(default_factory=dict)
    detail: Localised | None = None

    def as_dict(self) -> dict:
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
    extra: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(self.weight * self.percent / 100, 1)

    def as_dict(self) -> dict:
        return {"score": self.score, "max": self.weight, "percent": round(self.percent, 1),
                "level": self.level.name.render_all() if self.level else None, "applies": self.applies,
                "evidence": [e.as_dict() for e in self.evidence], **self.extra}


@dataclass
class Score:
    scenario: str
    rubric: str
    overall: float
    passed: bool
    pass_mark: float
    critical_failures: list[dict]
    compliance: str
    ending: str | None
    outcome: str | None
    criteria: dict[str, CriterionResult]
    notes: list[dict] = field(default_factory=list)  # the scenario's debrief notes on choices made
    trainee_notes: list[str] = field(default_factory=list)  # what the trainee wrote in the case file
    reasons: list[dict] = field(default_factory=list)  # why the call did not pass ([] when it passed)
    ending_debrief: Localised | None = None  # the ending's debrief as it fits this call
    case_endings: list[dict] = field(default_factory=list)  # each caller's ending, for several calls at once
    free_answers: tuple[int, int] = (0, 0)  # (choices typed in the trainee's own words, choices in all)

    def as_dict(self) -> dict:
        return {"scenario": self.scenario, "rubric": self.rubric, "overall": self.overall, "passed": self.passed,
                "pass_mark": self.pass_mark, "critical_failures": self.critical_failures,
                "compliance": self.compliance, "ending": self.ending, "outcome": self.outcome,
                "criteria": {cid: c.as_dict() for cid, c in self.criteria.items()}, "notes": self.notes,
                "trainee_notes": self.trainee_notes, "reasons": self.reasons, "ending_debrief": self.ending_debrief,
                "case_endings": self.case_endings,
                "free_answers": {"free": self.free_answers[0], "choices": self.free_answers[1]}}

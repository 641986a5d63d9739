"""Candidate self-assessment: a short questionnaire, two short calls, and a profile that sets
what the candidate believes beside what the calls measured, quality by quality.

The measures come from scoring only (the same criteria a trainee's debrief uses); the profile
is a pure function of the answers and the scores, so it is tested without playing.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import model as m
from simulator.i18n import Table, t
from simulator.scoring import Score

ASSESS_SCENARIOS = ("namur-breakdown", "brussels-ring-two-calls")
QUALITIES = ("composure", "empathy", "languages", "multitasking", "procedure", "schedule")
# A quality no call can measure: only what the candidate says counts.
SELF_REPORTED = ("schedule",)

VERDICT_IDS = ("strength", "underestimated", "overestimated", "to_practise", "self_reported")

# The words are the catalog's messages (simulator/locale): assess.question.QUALITY (the questionnaire),
# assess.quality.QUALITY (its name), assess.advice.QUALITY, assess.verdict.VERDICT and assess.KEY.
QUESTIONS = Table("assess.question.", QUALITIES)
NAMES = Table("assess.quality.", QUALITIES)
ADVICE = Table("assess.advice.", QUALITIES)
VERDICTS = Table("assess.verdict.", VERDICT_IDS)


@dataclass(frozen=True)
class QualityResult:
    quality: str
    believed: float           # 0-100, from the questionnaire
    measured: float | None    # 0-100, from the calls; None when no call measures it
    verdict: str              # "strength", "overestimated", "underestimated", "to_practise", "self_reported"


def likert_to_percent(answer: int) -> float:
    """1 (not at all) .. 5 (fully) as 0 .. 100."""
    return (max(1, min(5, answer)) - 1) * 25.0


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# How warm a tone is, for the empathy measure.
WARMTH = {m.Tone.ALARMING: 0, m.Tone.CURT: 0, m.Tone.NEUTRAL: 1, m.Tone.REASSURING: 2, m.Tone.EMPATHETIC: 2}


def tone_decisions(scenario: m.Scenario, directory: m.Directory, actions: list[dict]) -> list[tuple[m.Tone, tuple[m.Tone, ...]]]:
    """For each option chosen in a call: its tone, and the tones of every option offered with it."""
    from simulator.engine import Session
    session = Session(scenario, directory)
    out = []
    for action in actions:
        if action.get("type") == "choose":
            offered = {o.id: o.tone for o in session.options()}
            if action.get("option") in offered:
                out.append((offered[action["option"]], tuple(offered.values())))
        session.apply(action)
    return out


def empathy_of(decisions: list[tuple[m.Tone, tuple[m.Tone, ...]]]) -> float | None:
    """How warm the candidate chose to be where a warmer or a harsher reply was on offer, 0-100.

    Each decision whose options differ in warmth counts: the warmest reply offered scores 1, a
    neutral one where a reassuring one was offered 0.5, a curt or alarming one 0. A decision
    where every option has the same tone says nothing of empathy and is left out."""
    marks = []
    for chosen, offered in decisions:
        warmest, coldest = max(WARMTH[t] for t in offered), min(WARMTH[t] for t in offered)
        if warmest > coldest:
            marks.append(WARMTH[chosen] / warmest)
    return 100 * sum(marks) / len(marks) if marks else None


def measures(scores: dict[str, Score], decisions: list[tuple[m.Tone, tuple[m.Tone, ...]]]) -> dict[str, float | None]:
    """What the two calls say of each quality, from their scores and the tones the candidate chose."""
    calm = _mean([s.criteria["calm"].percent for s in scores.values() if s.criteria["calm"].applies])
    empathy = empathy_of(decisions)
    languages = _mean([s.criteria["language"].percent for s in scores.values() if s.criteria["language"].applies])
    procedure = _mean([s.criteria["procedure"].percent for s in scores.values() if s.criteria["procedure"].applies])
    multi = scores.get(ASSESS_SCENARIOS[1])
    multitasking = None
    if multi is not None:
        parts = [multi.criteria[c].percent for c in ("procedure", "timing") if multi.criteria[c].applies]
        multitasking = _mean(parts)
        if multitasking is not None and multi.outcome in ("hung_up", "unsafe"):
            multitasking = min(multitasking, 40.0)
    return {"composure": calm, "empathy": empathy, "languages": languages, "multitasking": multitasking,
            "procedure": procedure, "schedule": None}


def profile(answers: dict[str, int], measured: dict[str, float | None]) -> list[QualityResult]:
    """Quality by quality: what the candidate believes beside what was measured, and a verdict."""
    out = []
    for quality in QUALITIES:
        believed = likert_to_percent(answers.get(quality, 3))
        got = measured.get(quality)
        if quality in SELF_REPORTED or got is None:
            verdict = "self_reported"
        elif got >= 70 and believed >= 50:
            verdict = "strength"
        elif got >= 70:
            verdict = "underestimated"
        elif believed - got >= 25:
            verdict = "overestimated"
        else:
            verdict = "to_practise"
        out.append(QualityResult(quality, believed, None if got is None else round(got, 1), verdict))
    return out


def word(key: str, lang: str, **values) -> str:
    return t("assess." + key, lang, **values)

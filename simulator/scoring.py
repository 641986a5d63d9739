"""Scoring: a pure function of (scenario, rubric, directory, actions) -> Score with evidence.

The transcript's actions are replayed on a fresh engine Session, so the score never trusts
recorded events and always knows which options were offered at each turn (to name the best
one where points were lost). Every point given or taken is an Evidence item: which turn, the
simulated time, what happened, what was expected, how many points.

Overall = weighted mean of the criteria that apply, out of 100 (criteria that do not apply
to a scenario are left out, as in call-centre scorecards). A missed or broken critical step,
or an unsafe ending, caps the overall score at the rubric's critical_cap, below the pass
mark, whatever else the call did well (as in dispatch case review).

The work is shared out: `scoring_record` replays the call, `scoring_criteria` scores each criterion
(`scoring_fields` reads the case file), `scoring_card` holds what comes out. This module puts the
criteria together into the overall score and the verdict; every name is importable from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from simulator import model as m
from simulator.engine import CaseStatus, Session
from simulator.events import ActionData
from simulator.scoring_card import (
    CaseEnding,
    CriterionResult,
    CriticalFailure,
    DebriefNote,
    Evidence,
    Localised,
    Reason,
    Score,
    StepOutcome,
)
from simulator.scoring_criteria import (
    EMERGENCY_MINUTES,
    GOOD_TONES,
    HELP_KINDS,
    WEAK_LANGUAGE_PERCENT,
    level_for,
    rank_providers,
    score_calm,
    score_case_file,
    score_language,
    score_procedure,
    score_provider,
    score_timing,
)
from simulator.scoring_fields import field_matches, normalise, same_phone
from simulator.scoring_record import CaseRecord, Turn, new_records, record_action, replay_record

__all__ = [
    "EMERGENCY_MINUTES", "FAILING_OUTCOMES", "GOOD_TONES", "HELP_KINDS", "WEAK_LANGUAGE_PERCENT",
    "CaseRecord", "CriterionResult", "Evidence", "Localised", "Score", "StepOutcome", "Turn",
    "field_matches", "level_for", "new_records", "normalise", "rank_providers", "record_action", "replay_record",
    "same_phone", "score_actions", "score_calm", "score_case_file", "score_language", "score_procedure",
    "score_provider", "score_records", "score_timing",
]

# A call that ends like this fails, whatever else it did well.
FAILING_OUTCOMES = (m.Outcome.UNSAFE, m.Outcome.FAILED, m.Outcome.HUNG_UP)


def score_actions(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, actions: Iterable[ActionData]) -> Score:
    session, records = replay_record(scenario, directory, actions)
    return score_records(scenario, rubric, directory, session, records)


def _case_endings(scenario: m.Scenario, session: Session) -> list[CaseEnding]:
    """How each call of the scenario ended, with the debrief that fits it (several callers: one each)."""
    out: list[CaseEnding] = []
    for cid, cs in session.state.cases.items():
        if cs.ending:
            ending = scenario.endings[cs.ending]
            context = session.context(cid)
            out.append({"case": cid, "ending": ending.id, "outcome": ending.outcome.value,
                        "title": ending.title.render_all(), "debrief": ending.debrief_for(context).render_all(context)})
    return out


def score_records(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, session: Session,
                  records: Mapping[str, CaseRecord]) -> Score:
    """The score of a session whose actions were noted in `records` (by `record_action`).

    A call passes when it ended, with no critical failure, a procedure compliance the rubric lets
    pass (at least "Compliant"), every criterion at or above its minimum, and the pass mark reached.
    A call that fails for another reason than a critical failure shows at most the pass mark minus
    one: the number never says more than the verdict."""
    # A call that rings on a condition that never held was not part of this session: nothing to score.
    records = {cid: rec for cid, rec in records.items()
               if scenario.cases[cid].rings_when is None or session.state.cases[cid].status is not CaseStatus.WAITING}
    results: dict[str, CriterionResult] = {}
    critical: list[CriticalFailure] = []
    steps: list[StepOutcome] = []
    for cid, criterion in rubric.criteria.items():
        if cid == "procedure":
            results[cid], critical, steps = score_procedure(scenario, rubric, criterion, records, session)
        elif cid == "provider":
            results[cid] = score_provider(scenario, rubric, criterion, records, session, directory)
        else:
            results[cid] = {"calm": score_calm, "case_file": score_case_file, "timing": score_timing,
                            "language": score_language}[cid](scenario, rubric, criterion, records, session)
    for cid, cs in session.state.cases.items():
        if cs.ending and scenario.endings[cs.ending].outcome in FAILING_OUTCOMES:
            critical.append({"case": cid, "step": None, "label": scenario.endings[cs.ending].title.render_all(),
                             "reason": scenario.endings[cs.ending].outcome.value + "_ending"})
    applying = [r for r in results.values() if r.applies]
    total_weight = sum(r.weight for r in applying)
    overall = sum(r.weight * r.percent for r in applying) / total_weight if total_weight else 0.0
    compliance = results["procedure"].extra.get("compliance", "non_compliant") if "procedure" in results else ""
    reasons: list[Reason] = []
    if not session.ended:
        reasons.append({"reason": "unfinished"})
    if critical:
        reasons.append({"reason": "critical"})
    if "procedure" in results and results["procedure"].applies and compliance not in rubric.passing_compliance:
        reasons.append({"reason": "compliance", "level": compliance, "needed": rubric.passing_compliance[-1]})
    for cid, criterion in rubric.criteria.items():
        result = results.get(cid)
        if criterion.minimum is not None and result is not None and result.applies and result.percent < criterion.minimum:
            reasons.append({"reason": "minimum", "criterion": cid, "percent": round(result.percent, 1),
                            "minimum": criterion.minimum})
    if critical or not session.ended:
        overall = min(overall, rubric.critical_cap)
    elif reasons:
        overall = min(overall, rubric.pass_mark - 1)
    overall = round(overall, 1)
    if not reasons and overall < rubric.pass_mark:
        reasons.append({"reason": "pass_mark"})
    ending = session.state.ending
    notes: list[DebriefNote] = [
        {"turn": turn.number, "case": cid, "clock": round(turn.clock, 1), "option": turn.option.id,
         "text": turn.render(turn.option.text), "note": turn.render(turn.option.debrief)}
        for cid, rec in records.items() for turn in rec.turns if turn.option.debrief is not None]
    score = Score(scenario.id, rubric.id, overall, not reasons, rubric.pass_mark, critical, compliance,
                  ending, scenario.endings[ending].outcome.value if ending else None, results,
                  sorted(notes, key=lambda n: n["turn"]), [n for cs in session.state.cases.values() for n in cs.notes])
    score.reasons = reasons
    score.case_endings = _case_endings(scenario, session)
    turns = [turn for rec in records.values() for turn in rec.turns]
    score.free_answers = (sum(1 for turn in turns if turn.free), len(turns))
    score.steps = tuple(steps)
    # The session's ending told as it fits the case that ended so (the most severe, for several calls).
    score.ending_debrief = next((e["debrief"] for e in score.case_endings if e["ending"] == ending), None)
    return score

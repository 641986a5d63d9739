"""The criteria of a rubric, one function each: calm, procedure, provider, case file, timing, language.

Each reads the replayed call (`scoring_record`) and returns a CriterionResult whose evidence says, turn
by turn, where points were given or taken and what a senior agent would have said instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from simulator import model as m
from simulator.engine import Session
from simulator.events import EventType
from simulator.expressions import compile_template
from simulator.i18n import t
from simulator.providers import search
from simulator.scoring_card import (
    CriterionResult,
    CriticalFailure,
    Evidence,
    Localised,
    RankedProvider,
    StepOutcome,
    _all,
    provider_line,
)
from simulator.scoring_fields import field_matches
from simulator.scoring_record import CaseRecord, Turn

Records = Mapping[str, CaseRecord]  # the replayed call, one record per case

GOOD_TONES = (m.Tone.REASSURING, m.Tone.EMPATHETIC)
# Providers that bring help to the scene (a taxi home or a hotel is not the help a caller waits for).
HELP_KINDS = ("tow", "garage", "ambulance", "emergency", "doctor")
# Minutes within which help sent through 112 is counted on site: F.A.S.T. tow trucks are contracted to
# arrive within 20 minutes on Flemish motorways (shared/CONTENT.md), the target used for any 112 call.
EMERGENCY_MINUTES = 20


def _scale(evidence: list[Evidence], factor: float) -> None:
    """Express evidence points in the criterion's own points (out of its weight)."""
    for e in evidence:
        e.points *= factor


def level_for(levels: tuple[m.Level, ...], percent: float) -> m.Level | None:
    return next((lv for lv in levels if percent >= lv.min), levels[-1] if levels else None)


def _below_top(levels: tuple[m.Level, ...], percent: float) -> float:
    """A share that cannot carry the best level word (a call with a fault is not 'Excellent')."""
    return min(percent, levels[0].min - 1) if len(levels) > 1 else percent


def _warmth(o: m.Option) -> int:
    return -m.TONE_STRESS[o.tone]


def _performing(offered: list[m.Option], step_id: str) -> m.Option | None:
    """The option offered at that moment that would have performed the step, breaking nothing: warmest first."""
    doing = [o for o in offered if step_id in o.steps and not o.breaks]
    return max(doing, key=_warmth) if doing else None


def _best_option(offered: list[m.Option], rubric: m.Rubric, done: set[str], performable: set[str]) -> m.Option | None:
    """What a senior agent would have picked among the options offered at that point."""
    def too_early(step_id: str) -> bool:
        """A step that the protocol wants after another step not done yet (dispatching before locating)."""
        return any(order.then == step_id and order.first not in done and order.first in performable
                   for order in rubric.orders)

    def value(o: m.Option) -> tuple[bool, float, bool, int]:
        fresh = [rubric.protocol[s] for s in o.steps if s in rubric.protocol and s not in done and not too_early(s)]
        return (any(s.critical for s in fresh), sum(s.weight for s in fresh), o.tone in GOOD_TONES, _warmth(o))
    good = [o for o in offered if not o.breaks]
    return max(good, key=value) if good else None


def _first_chance(rec: CaseRecord, step_id: str) -> tuple[Turn, m.Option] | None:
    """The first moment an option that performs the step was on offer (for a step never done)."""
    for turn in rec.turns:
        option = _performing(turn.offered, step_id)
        if option is not None:
            return turn, option
    return None


def score_calm(scenario: m.Scenario, rubric: m.Rubric, criterion: m.Criterion, records: Records,
               session: Session) -> CriterionResult:
    s = criterion.settings
    penalties: dict[m.Tone, float] = {m.Tone.CURT: s.get("curt_penalty", 12), m.Tone.ALARMING: s.get("alarming_penalty", 20)}
    silence_penalty: float = s.get("silence_penalty", 8)
    bonus_drop: float = s.get("calm_bonus_drop", 20)
    evidence: list[Evidence] = []
    percents: list[float] = []
    for cid, rec in records.items():
        if not rec.turns and not rec.silences:
            continue
        case = scenario.cases[cid]
        start, end = rec.stress[0], session.state.cases[cid].stress
        drop = start - end
        pct = 70 + 30 * max(0.0, min(1.0, drop / bonus_drop)) if bonus_drop else 70
        faults = 0
        evidence.append(Evidence("calm", 0, _all("ev.stress_trajectory", start=round(start), end=round(end),
                                                     peak=round(max(rec.stress))), case=cid))
        for turn in rec.turns:
            if turn.option.tone in penalties:
                lost = penalties[turn.option.tone]
                pct -= lost
                faults += 1
                # The same move said warmly, when there was one; otherwise what a senior agent would have said then.
                same = [o for o in turn.offered if o is not turn.option and turn.option.steps
                        and set(o.steps) >= set(turn.option.steps) and not o.breaks and _warmth(o) > _warmth(turn.option)]
                better = max(same, key=_warmth) if same else \
                    _best_option([o for o in turn.offered if o.tone in GOOD_TONES] or turn.offered, rubric,
                                 turn.done_before, _performable_steps(scenario.cases[cid]))
                evidence.append(Evidence("calm", -lost, _all("ev.tone", tone=_tone_words(turn.option.tone), text=turn.render(turn.option.text)),
                                         _all("ev.tone_expected"), turn.number, round(turn.clock, 1), cid,
                                         turn.render(better.text) if better else None))
        for number, clock in rec.silences:
            pct -= silence_penalty
            faults += 1
            evidence.append(Evidence("calm", -silence_penalty, _all("ev.silence"), _all("ev.silence_expected"),
                                     number, round(clock, 1), cid))
        if rec.hung_up:
            pct = 0
            evidence.append(Evidence("calm", 0, _all("ev.hung_up", name=case.caller.name), case=cid))
        elif max(rec.stress) > case.caller.vague_above and max(rec.stress) > start:
            pct -= 10
            faults += 1
            evidence.append(Evidence("calm", -10, _all("ev.panic", name=case.caller.name), _all("ev.panic_expected"), case=cid))
        pct = max(0.0, min(100.0, pct))
        percents.append(_below_top(criterion.levels, pct) if faults else pct)
    applies = bool(percents)
    pct = sum(percents) / len(percents) if percents else 0
    _scale(evidence, criterion.weight / 100 / max(len(percents), 1))
    return CriterionResult("calm", criterion.weight, pct, level_for(criterion.levels, pct), evidence, applies)


def _tone_words(tone: m.Tone) -> Localised:
    return {lang: t("tone." + tone.value, lang) for lang in m.LANGS}


class _CaseOptions(NamedTuple):
    steps: set[str]          # every step an option performs
    kinds: set[str | None]   # the kinds of provider the case can dispatch or book
    fields: list[str]        # the case-file fields its record actions ask for


_CASE_OPTIONS: dict[int, tuple[m.Case, _CaseOptions]] = {}


def _case_options(case: m.Case) -> _CaseOptions:
    """What scoring reads from all the options of a case, worked out once per case: the path
    explorer scores thousands of calls of one scenario, some with 100,000 nodes."""
    hit = _CASE_OPTIONS.get(id(case))
    if hit is not None and hit[0] is case:
        return hit[1]
    options = [o for n in case.nodes.values() for o in n.options]
    found = _CaseOptions(
        steps={s for o in options for s in o.steps},
        kinds={o.action.kind for o in options
               if o.action and o.action.type in (m.ActionType.DISPATCH, m.ActionType.BOOK)},
        # A record action always names its field (the loader refuses one that does not).
        fields=[o.action.field for o in options
                if o.action and o.action.type is m.ActionType.RECORD and o.action.field is not None])
    if len(_CASE_OPTIONS) > 256:
        _CASE_OPTIONS.clear()
    _CASE_OPTIONS[id(case)] = (case, found)
    return found


def _performable_steps(case: m.Case) -> set[str]:
    return _case_options(case).steps


def _level_words(level: m.DeviationLevel) -> Localised:
    return {lang: t("deviation." + level.value, lang) for lang in m.LANGS}


def score_procedure(scenario: m.Scenario, rubric: m.Rubric, criterion: m.Criterion, records: Records,
                    session: Session) -> tuple[CriterionResult, list[CriticalFailure], list[StepOutcome]]:
    """Steps done (their weights), minus deviations: options that break a step at their level, and steps
    done before the steps the protocol wants first. A critical deviation or a missed critical step is a
    critical failure. Also what became of each step the call called for, as counted here."""
    step_evidence: list[Evidence] = []
    deviation_evidence: list[Evidence] = []
    critical: list[CriticalFailure] = []
    outcomes: list[StepOutcome] = []
    earned = possible = deducted = 0.0
    costs = rubric.deviation_costs
    for cid, rec in records.items():
        case = scenario.cases[cid]
        applicable = _performable_steps(case)
        turns = {turn.number: turn for turn in rec.turns}
        for step in rubric.protocol.values():
            if step.id not in applicable:
                continue
            possible += step.weight
            done = rec.steps.get(step.id)
            why = step.why.render_all() if step.why else None
            if done is None:
                chance = _first_chance(rec, step.id)
                better = None
                if chance is not None:
                    turn, option = chance
                    better = _all("ev.missed_chance", turn=turn.number, clock=round(turn.clock, 1), text=turn.render(option.text))
                step_evidence.append(Evidence("procedure", -step.weight, _all("ev.step_missed", step=step.label),
                                              why or _all("ev.step_expected", step=step.label), None, None, cid, better,
                                              {"step": step.id, "missed": True}))
                if step.critical and not (session.state.cases[cid].ending and rec.hung_up and not rec.turns):
                    critical.append({"case": cid, "step": step.id, "label": step.label.render_all(), "reason": "missed"})
                continue
            number, clock = done
            points = step.weight
            since = clock - case.rings_at_seconds / 60
            if step.within_seconds is not None and since * 60 > step.within_seconds:
                points -= step.weight / 2
                step_evidence.append(Evidence("procedure", -step.weight / 2,
                                              _all("ev.step_late", step=step.label, at=round(since, 1), within=round(step.within_seconds / 60, 1)),
                                              why, number, round(clock, 1), cid, None, {"step": step.id, "late": True}))
            else:
                step_evidence.append(Evidence("procedure", step.weight, _all("ev.step_done", step=step.label), None,
                                              number, round(clock, 1), cid, None, {"step": step.id}))
            earned += max(points, 0.0)
        out_of_order: set[str] = set()
        for order in rubric.orders:
            if order.first not in applicable or order.then not in applicable or order.then not in rec.steps:
                continue
            order = case.orders.get((order.first, order.then), order)  # this caller's own level, if the scenario says
            then_turn = rec.steps[order.then][0]
            first = rec.steps.get(order.first)
            if first is not None and first[0] <= then_turn:
                continue
            if first is None and rubric.protocol[order.first].critical:
                continue  # a critical step never done is already a critical failure, said once, as missed
            out_of_order.add(order.then)
            at_turn = turns.get(then_turn)
            first_step, then_step = rubric.protocol[order.first], rubric.protocol[order.then]
            doing = _performing(at_turn.offered, order.first) if at_turn else None
            entry = Evidence("procedure", 0, _all("ev.order", level=_level_words(order.level), then=then_step.label, first=first_step.label),
                             first_step.why.render_all() if first_step.why else _all("ev.order_expected", first=first_step.label),
                             then_turn, round(at_turn.clock, 1) if at_turn else None, cid,
                             at_turn.render(doing.text) if doing and at_turn else None,
                             {"step": order.first, "then": order.then, "deviation": order.level.value})
            if order.level is m.DeviationLevel.CRITICAL:
                critical.append({"case": cid, "step": order.first, "label": first_step.label.render_all(),
                                 "reason": "order", "turn": then_turn})
            else:
                entry.points = -costs.get(order.level.value, 0.0)
                deducted += costs.get(order.level.value, 0.0)
            deviation_evidence.append(entry)
        for turn, step_id in rec.broken:
            deviation = next((d for d in turn.option.deviations if d.step == step_id), m.Deviation(step_id))
            level = deviation.level or rubric.default_level(step_id)
            broken_step = rubric.protocol.get(step_id)
            label = broken_step.label if broken_step else m.Text({lang: compile_template(step_id) for lang in m.LANGS})
            instead = _performing(turn.offered, step_id) or \
                _best_option(turn.offered, rubric, turn.done_before, applicable)
            entry = Evidence("procedure", 0, _all("ev.deviation", level=_level_words(level), step=label, text=turn.render(turn.option.text)),
                             turn.render(turn.option.debrief) if turn.option.debrief else
                             (broken_step.why.render_all() if broken_step and broken_step.why
                              else _all("ev.step_expected", step=label)),
                             turn.number, round(turn.clock, 1), cid, turn.render(instead.text) if instead else None,
                             {"step": step_id, "deviation": level.value})
            if level is m.DeviationLevel.CRITICAL:
                critical.append({"case": cid, "step": step_id, "label": label.render_all(), "reason": "broken",
                                 "turn": turn.number})
            else:
                entry.points = -costs.get(level.value, 0.0)
                deducted += costs.get(level.value, 0.0)
            deviation_evidence.append(entry)
        for step in rubric.protocol.values():
            if step.id in applicable:
                outcomes.append(_step_outcome(cid, case, step, rec, step.id in out_of_order))
    pct = max(0.0, 100 * earned / possible - deducted) if possible else 0
    _scale(step_evidence, criterion.weight / possible if possible else 0)
    _scale(deviation_evidence, criterion.weight / 100)
    evidence = sorted(step_evidence + deviation_evidence,
                      key=lambda e: (e.turn is None, e.turn or 0, e.points >= 0))
    seen: set[tuple[str, str | None]] = set()
    unique: list[CriticalFailure] = []
    for failure in critical:  # each (case, step) once, the first time it is found
        if (failure["case"], failure["step"]) not in seen:
            seen.add((failure["case"], failure["step"]))
            unique.append(failure)
    critical = unique
    if critical:
        # As in dispatch case review: a critical deviation makes the call non-compliant, whatever was done well.
        pct = min(pct, rubric.critical_cap)
        compliance = "non_compliant"
    else:
        compliance = next((lvl for lvl, low in rubric.compliance if pct >= low), "non_compliant")
    result = CriterionResult("procedure", criterion.weight, pct, level_for(criterion.levels, pct), evidence, possible > 0,
                             {"compliance": compliance})
    return result, critical, outcomes


def _step_outcome(cid: str, case: m.Case, step: m.Step, rec: CaseRecord, out_of_order: bool) -> StepOutcome:
    """What became of `step` in this case: done (when, late or not), broken, done before its turn."""
    done = rec.steps.get(step.id)
    broken = [turn.number for turn, s in rec.broken if s == step.id]
    if done is None:
        return StepOutcome(cid, step.id, step.critical, False, bool(broken), False, False,
                           broken[0] if broken else None, None)
    since = done[1] - case.rings_at_seconds / 60
    late = step.within_seconds is not None and since * 60 > step.within_seconds
    return StepOutcome(cid, step.id, step.critical, True, bool(broken), late, out_of_order, done[0], round(since, 2))


def rank_providers(scenario: m.Scenario, case: m.Case, directory: m.Directory, kind: str,
                   at: datetime, request: m.Request | None = None,
                   traffic: Mapping[str, m.Traffic] | None = None) -> list[RankedProvider]:
    """Every provider of a kind, ranked for the case: suitable first, then by a time-equivalent cost.

    A provider is unsuitable when it lacks a capability the dispatch or booking needs (`request`: by default
    the case's needs, from its location) or is closed at that hour. Suitable ones are ranked by minutes to the scene, plus 15 minutes for a provider
    without a contract, plus one minute per 20 euros of call-out cost.
    """
    request = request if request is not None else case.request(None)
    hits = search(directory, kind=kind, near=request.near, at=at, needs=request.needs,
                  traffic=scenario.traffic if traffic is None else traffic)
    ranked: list[RankedProvider] = []
    for hit in hits:
        suitable = not hit.missing and hit.open
        utility = hit.eta + (0 if hit.provider.partner else 15) + hit.provider.cost / 20
        ranked.append({"id": hit.provider.id, "name": hit.provider.name, "km": round(hit.km, 1), "eta": hit.eta,
                       "open": hit.open, "missing": list(hit.missing), "partner": hit.provider.partner,
                       "cost": hit.provider.cost, "capabilities": sorted(hit.provider.capabilities),
                       "suitable": suitable, "utility": round(utility, 1)})
    ranked.sort(key=lambda r: (not r["suitable"], r["utility"], r["id"]))
    return ranked


def score_provider(scenario: m.Scenario, rubric: m.Rubric, criterion: m.Criterion, records: Records,
                   session: Session, directory: m.Directory) -> CriterionResult:
    evidence: list[Evidence] = []
    percents: list[float] = []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        kinds = _case_options(case).kinds
        if not kinds:
            continue
        if not rec.providers:
            percents.append(0.0)
            evidence.append(Evidence("provider", 0, _all("ev.no_provider"), _all("ev.no_provider_expected"), case=cid))
            continue
        for chosen in rec.providers:
            at = scenario.clock_start + timedelta(seconds=chosen["clock"])
            ranked = rank_providers(scenario, case, session.directory, chosen["kind"], at,
                                    session.request(cid, chosen["option"]), session.traffic)
            best = ranked[0] if ranked else None
            mine = next((r for r in ranked if r["id"] == chosen["id"]), None)
            if mine is None or best is None:
                continue
            verdict: Literal["best", "acceptable", "unsuitable"]
            if not mine["suitable"]:
                verdict, pct = "unsuitable", 0.0
            elif mine["id"] == best["id"]:
                verdict, pct = "best", 100.0
            elif mine["utility"] - best["utility"] <= 20:
                verdict, pct = "acceptable", 60.0
            else:
                verdict, pct = "acceptable", 40.0
            percents.append(pct)
            top = ranked[:4] if mine in ranked[:4] else ranked[:3] + [mine]
            ranking = {lang: "; ".join(provider_line(r, lang) for r in top) for lang in m.LANGS}
            what = _all("ev.provider_" + verdict, name=mine["name"])
            expected = None if verdict == "best" else _all("ev.provider_best", name=best["name"])
            evidence.append(Evidence("provider", pct / 100 - 1 if pct < 100 else 1.0, what, expected, chosen["turn"],
                                     round(chosen["clock"] / 60, 1), cid, None, {"verdict": verdict, "ranking": top},
                                     ranking))
    pct = sum(percents) / len(percents) if percents else 0
    _scale(evidence, criterion.weight / max(len(percents), 1))
    result = CriterionResult("provider", criterion.weight, pct, level_for(criterion.levels, pct), evidence, bool(percents))
    result.extra = {"verdicts": [e.extra["verdict"] for e in evidence if "verdict" in e.extra]}
    return result


def score_case_file(scenario: m.Scenario, rubric: m.Rubric, criterion: m.Criterion, records: Records,
                    session: Session) -> CriterionResult:
    evidence: list[Evidence] = []
    earned = possible = 0
    for cid in records:
        case = scenario.cases[cid]
        fields = _case_options(case).fields
        typed = session.state.cases[cid].file
        for fid in dict.fromkeys(fields):
            fact = session.fact(cid, fid)
            possible += 1
            value = typed.get(fid, "")
            if field_matches(fact, value):
                earned += 1
                evidence.append(Evidence("case_file", 1, _all("ev.field_ok", field=fact.label, value=value), case=cid))
            elif not value:
                evidence.append(Evidence("case_file", -1, _all("ev.field_missing", field=fact.label),
                                         _all("ev.field_expected", value=str(fact.value)), case=cid))
            else:
                evidence.append(Evidence("case_file", -1, _all("ev.field_wrong", field=fact.label, value=value),
                                         _all("ev.field_expected", value=str(fact.value)), case=cid))
    pct = 100 * earned / possible if possible else 0
    _scale(evidence, criterion.weight / possible if possible else 0)
    return CriterionResult("case_file", criterion.weight, pct, level_for(criterion.levels, pct), evidence, possible > 0)


def score_timing(scenario: m.Scenario, rubric: m.Rubric, criterion: m.Criterion, records: Records,
                 session: Session) -> CriterionResult:
    """What the caller lives: how long until help is on site (dispatch time plus the provider's confirmed
    arrival) against `help_within`, counted twice, and the rubric's step targets."""
    from simulator.durations import parse_duration
    step_targets: Mapping[str, object] = criterion.settings.get("targets") or {}
    targets = {step: parse_duration(v) for step, v in step_targets.items()}
    help_within = parse_duration(criterion.settings.get("help_within")) if criterion.settings.get("help_within") else None
    evidence: list[Evidence] = []
    percents: list[float] = []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        applicable = _performable_steps(case)
        if help_within and _sends_help(case):
            target_min = help_within / 60
            ring = case.rings_at_seconds / 60
            # Help on its way: a call to 112 (on site within EMERGENCY_MINUTES), or the last help provider
            # dispatched (the one that actually comes), whichever is there first.
            ways = [(minute - ring, minute - ring + EMERGENCY_MINUTES, turn, minute) for turn, minute in rec.emergency]
            sent = [p for p in rec.providers if p["type"] == EventType.DISPATCHED and p["kind"] in HELP_KINDS]
            if sent:
                last = sent[-1]
                ways.append((last["clock"] / 60 - ring, last["clock"] / 60 - ring + last["eta"], last["turn"], last["clock"] / 60))
            if not ways:
                percents += [0, 0]
                evidence.append(Evidence("timing", 0, _all("ev.help_never", target=round(target_min)), case=cid,
                                         extra={"wait": None}))
            else:
                at, arrive, turn_number, minute = min(ways, key=lambda w: w[1])
                pct = 100.0 if arrive <= target_min else max(0.0, 100 * (2 - arrive / target_min))
                percents += [pct, pct]
                evidence.append(Evidence("timing", 2 * pct / 100 - 2 if pct < 100 else 2.0,
                                         _all("ev.help_wait", at=round(at, 1), arrive=round(arrive), target=round(target_min)),
                                         None, turn_number, round(minute, 1), cid, extra={"wait": round(arrive, 1)}))
        for step_id, target in targets.items():
            if step_id not in applicable or target is None:
                continue
            step = rubric.protocol[step_id]
            done = rec.steps.get(step_id)
            target_min = target / 60
            if done is None:
                percents.append(0)
                evidence.append(Evidence("timing", 0, _all("ev.time_never", step=step.label, target=round(target_min, 1)), case=cid))
                continue
            since = done[1] - case.rings_at_seconds / 60
            pct = 100 if since <= target_min else 50 if since <= 2 * target_min else 0
            percents.append(pct)
            key = "ev.time_ok" if pct == 100 else "ev.time_late"
            evidence.append(Evidence("timing", pct / 100 - 1 if pct < 100 else 1.0,
                                     _all(key, step=step.label, at=round(since, 1), target=round(target_min, 1)),
                                     None, done[0], round(done[1], 1), cid))
    pct = sum(percents) / len(percents) if percents else 0
    _scale(evidence, criterion.weight / max(len(percents), 1))
    return CriterionResult("timing", criterion.weight, pct, level_for(criterion.levels, pct), evidence, bool(percents))


WEAK_LANGUAGE_PERCENT = 40


def _sends_help(case: m.Case) -> bool:
    """Whether help can be sent in this case at all (a help provider to dispatch, or 112 to call)."""
    return any(o.action and ((o.action.type is m.ActionType.DISPATCH and o.action.kind in HELP_KINDS)
                             or o.action.type is m.ActionType.CALL_112)
               for n in case.nodes.values() for o in n.options)


def score_language(scenario: m.Scenario, rubric: m.Rubric, criterion: m.Criterion, records: Records,
                   session: Session) -> CriterionResult:
    """Each answer in a language its listener speaks as their own counts fully; in a caller's weak
    language it counts WEAK_LANGUAGE_PERCENT; in a language they do not speak, nothing. Said to a
    provider, the provider's directory languages decide; said to another party (a doctor, a hospital),
    the languages its node gives, if it gives any."""
    evidence: list[Evidence] = []
    points: list[float] = []
    for cid, rec in records.items():
        caller = scenario.cases[cid].caller
        wrong: list[Turn] = []
        weak: list[Turn] = []
        provider_wrong: list[Turn] = []
        other_wrong: list[Turn] = []
        for turn in rec.turns:
            if turn.to_other:
                # Another party (a doctor, a hospital): scored only where the node says what they speak.
                if turn.other_langs:
                    points.append(100 if turn.lang in turn.other_langs else 0)
                    if turn.lang not in turn.other_langs:
                        other_wrong.append(turn)
                continue
            if turn.to_provider and turn.provider_langs:
                ok = turn.lang in turn.provider_langs
                points.append(100 if ok else 0)
                if not ok:
                    provider_wrong.append(turn)
            elif caller.fluent(turn.lang):
                points.append(100)
            elif turn.lang in caller.languages:
                points.append(WEAK_LANGUAGE_PERCENT)
                weak.append(turn)
            else:
                points.append(0)
                wrong.append(turn)
        preferred = {lang: t("lang." + caller.first_language, lang) for lang in m.LANGS}
        if wrong:
            evidence.append(Evidence("language", -len(wrong), _all("ev.lang_wrong", n=len(wrong), name=caller.name, language=preferred),
                                     _all("ev.lang_expected", language=preferred), wrong[0].number, round(wrong[0].clock, 1), cid))
        if weak:
            spoken = {lang: t("lang." + weak[0].lang, lang) for lang in m.LANGS}
            evidence.append(Evidence("language", -len(weak) * (100 - WEAK_LANGUAGE_PERCENT) / 100,
                                     _all("ev.lang_weak", n=len(weak), name=caller.name, language=spoken),
                                     _all("ev.lang_expected", language=preferred), weak[0].number, round(weak[0].clock, 1), cid))
        if provider_wrong:
            first = provider_wrong[0]
            name = first.provider_name or t("speaker.provider", "en")
            theirs = {lang: ", ".join(t("lang." + x, lang) for x in first.provider_langs) for lang in m.LANGS}
            evidence.append(Evidence("language", -len(provider_wrong),
                                     _all("ev.lang_provider", n=len(provider_wrong), name=name, language=theirs),
                                     _all("ev.lang_provider_expected"), first.number, round(first.clock, 1), cid))
        if other_wrong:
            first = other_wrong[0]
            party = {lang: t("speaker." + first.speaker, lang) for lang in m.LANGS}
            theirs = {lang: ", ".join(t("lang." + x, lang) for x in first.other_langs) for lang in m.LANGS}
            evidence.append(Evidence("language", -len(other_wrong),
                                     _all("ev.lang_provider", n=len(other_wrong), name=party, language=theirs),
                                     _all("ev.lang_other_expected"), first.number, round(first.clock, 1), cid))
        if rec.turns and not (wrong or weak or provider_wrong or other_wrong):
            evidence.append(Evidence("language", 0, _all("ev.lang_ok", name=caller.name, language=preferred), case=cid))
    pct = sum(points) / len(points) if points else 0
    if pct < 100:
        pct = _below_top(criterion.levels, pct)  # an answer someone could not follow is never "Excellent"
    _scale(evidence, criterion.weight / max(len(points), 1))
    return CriterionResult("language", criterion.weight, pct, level_for(criterion.levels, pct), evidence, bool(points))

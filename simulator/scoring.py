"""Scoring: a pure function of (scenario, rubric, directory, actions) -> Score with evidence.

The transcript's actions are replayed on a fresh engine Session, so the score never trusts
recorded events and always knows which options were offered at each turn (to name the best
one where points were lost). Every point given or taken is an Evidence item: which turn, the
simulated time, what happened, what was expected, how many points.

Overall = weighted mean of the criteria that apply, out of 100 (criteria that do not apply
to a scenario are left out, as in call-centre scorecards). A missed or broken critical step,
or an unsafe ending, caps the overall score at the rubric's critical_cap, below the pass
mark, whatever else the call did well (as in dispatch case review).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from dataclasses import dataclass, field
from typing import Any

from simulator import model as m
from simulator.engine import Session, Status
from simulator.expressions import compile_template
from simulator.i18n import num, t
from simulator.providers import distance_km, search

Localised = dict[str, str]

GOOD_TONES = (m.Tone.REASSURING, m.Tone.EMPATHETIC)
# Providers that bring help to the scene (a taxi home or a hotel is not the help a caller waits for).
HELP_KINDS = ("tow", "garage", "ambulance", "emergency", "doctor")
# Minutes within which help sent through 112 is counted on site: F.A.S.T. tow trucks are contracted to
# arrive within 20 minutes on Flemish motorways (shared/CONTENT.md), the target used for any 112 call.
EMERGENCY_MINUTES = 20
# A call that ends like this fails, whatever else it did well.
FAILING_OUTCOMES = (m.Outcome.UNSAFE, m.Outcome.FAILED, m.Outcome.HUNG_UP)


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


# ------------------------------------------------------------------ what happened


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
    context: dict = field(default_factory=dict, repr=False)  # what texts could refer to at that moment
    to_provider: bool = False  # said to the provider (a node whose speaker is the provider), not to the caller
    provider_langs: tuple[str, ...] = ()  # the languages of the provider dealt with then, when known
    to_other: bool = False  # said to the medical team or a colleague: their language is the floor's, never scored
    free: bool = False  # typed in the trainee's own words (free-text mode) and understood as this option

    def render(self, text: m.Text) -> Localised:
        return text.render_all(self.context)


@dataclass
class CaseRecord:
    turns: list[Turn] = field(default_factory=list)
    silences: list[tuple[int, float]] = field(default_factory=list)
    stress: list[float] = field(default_factory=list)
    steps: dict[str, tuple[int, float]] = field(default_factory=dict)  # first time each step was performed
    broken: list[tuple[Turn, str]] = field(default_factory=list)
    providers: list[dict] = field(default_factory=list)  # dispatched/booked events with their turn
    hung_up: bool = False
    emergency: list[tuple[int, float]] = field(default_factory=list)  # (turn, minute) of each call to 112


def replay_record(scenario: m.Scenario, directory: m.Directory, actions: list[dict]) -> tuple[Session, dict[str, CaseRecord]]:
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


def record_action(session: Session, records: dict[str, CaseRecord], number: int, action: dict,
                  offered: list[m.Option] | None = None) -> list[dict]:
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
    context = session.context().frozen(_names_read(offered)) if choosing else {}
    speaker = session.case.nodes[node].speaker if choosing else None
    to_provider = speaker is m.Speaker.PROVIDER
    to_other = speaker in (m.Speaker.MEDICAL, m.Speaker.COLLEAGUE)
    provider_langs = session.provider_languages(active) if to_provider else ()
    events = session.apply(action)
    rec = records[active]
    if choosing:
        option = next(o for o in offered if o.id == action["option"])
        turn = Turn(number, active, clock, option, node, lang, offered, set(rec.steps), context, to_provider, provider_langs,
                    to_other, bool(action.get("free")))
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
        if event["type"] == "stress":
            records[cid].stress.append(float(event["after"]))
        elif event["type"] in ("dispatched", "booked"):
            records[cid].providers.append({**event, "turn": number})
        elif event["type"] == "hung_up":
            records[cid].hung_up = True
        elif event["type"] == "acted" and event.get("action") == m.ActionType.CALL_112.value:
            records[cid].emergency.append((number, event["clock"] / 60))
    return events


# ------------------------------------------------------------------ criteria


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

    def value(o: m.Option):
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


def score_calm(scenario, rubric, criterion, records, session) -> CriterionResult:
    s = criterion.settings
    penalties = {m.Tone.CURT: s.get("curt_penalty", 12), m.Tone.ALARMING: s.get("alarming_penalty", 20)}
    silence_penalty = s.get("silence_penalty", 8)
    bonus_drop = s.get("calm_bonus_drop", 20)
    evidence = []
    percents = []
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


_CASE_OPTIONS: dict[int, tuple[m.Case, dict]] = {}


def _case_options(case: m.Case) -> dict:
    """What scoring reads from all the options of a case, worked out once per case: the path
    explorer scores thousands of calls of one scenario, some with 100,000 nodes."""
    hit = _CASE_OPTIONS.get(id(case))
    if hit is not None and hit[0] is case:
        return hit[1]
    options = [o for n in case.nodes.values() for o in n.options]
    found = {"steps": {s for o in options for s in o.steps},
             "kinds": {o.action.kind for o in options
                       if o.action and o.action.type in (m.ActionType.DISPATCH, m.ActionType.BOOK)},
             "fields": [o.action.field for o in options if o.action and o.action.type is m.ActionType.RECORD]}
    if len(_CASE_OPTIONS) > 256:
        _CASE_OPTIONS.clear()
    _CASE_OPTIONS[id(case)] = (case, found)
    return found


def _performable_steps(case: m.Case) -> set[str]:
    return _case_options(case)["steps"]


def _level_words(level: m.DeviationLevel) -> Localised:
    return {lang: t("deviation." + level.value, lang) for lang in m.LANGS}


def score_procedure(scenario, rubric, criterion, records, session) -> tuple[CriterionResult, list[dict]]:
    """Steps done (their weights), minus deviations: options that break a step at their level, and steps
    done before the steps the protocol wants first. A critical deviation or a missed critical step is a
    critical failure."""
    step_evidence, deviation_evidence, critical = [], [], []
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
            turn = turns.get(then_turn)
            first_step, then_step = rubric.protocol[order.first], rubric.protocol[order.then]
            option = _performing(turn.offered, order.first) if turn else None
            entry = Evidence("procedure", 0, _all("ev.order", level=_level_words(order.level), then=then_step.label, first=first_step.label),
                             first_step.why.render_all() if first_step.why else _all("ev.order_expected", first=first_step.label),
                             then_turn, round(turn.clock, 1) if turn else None, cid,
                             turn.render(option.text) if option and turn else None,
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
            step = rubric.protocol.get(step_id)
            label = step.label if step else m.Text({lang: compile_template(step_id) for lang in m.LANGS})
            option = _performing(turn.offered, step_id) or \
                _best_option(turn.offered, rubric, turn.done_before, applicable)
            entry = Evidence("procedure", 0, _all("ev.deviation", level=_level_words(level), step=label, text=turn.render(turn.option.text)),
                             turn.render(turn.option.debrief) if turn.option.debrief else
                             (step.why.render_all() if step and step.why else _all("ev.step_expected", step=label)),
                             turn.number, round(turn.clock, 1), cid, turn.render(option.text) if option else None,
                             {"step": step_id, "deviation": level.value})
            if level is m.DeviationLevel.CRITICAL:
                critical.append({"case": cid, "step": step_id, "label": label.render_all(), "reason": "broken",
                                 "turn": turn.number})
            else:
                entry.points = -costs.get(level.value, 0.0)
                deducted += costs.get(level.value, 0.0)
            deviation_evidence.append(entry)
    pct = max(0.0, 100 * earned / possible - deducted) if possible else 0
    _scale(step_evidence, criterion.weight / possible if possible else 0)
    _scale(deviation_evidence, criterion.weight / 100)
    evidence = sorted(step_evidence + deviation_evidence,
                      key=lambda e: (e.turn is None, e.turn or 0, e.points >= 0))
    seen: set = set()
    critical = [f for f in critical if (f["case"], f["step"]) not in seen and not seen.add((f["case"], f["step"]))]
    if critical:
        # As in dispatch case review: a critical deviation makes the call non-compliant, whatever was done well.
        pct = min(pct, rubric.critical_cap)
        compliance = "non_compliant"
    else:
        compliance = next((lvl for lvl, low in rubric.compliance if pct >= low), "non_compliant")
    result = CriterionResult("procedure", criterion.weight, pct, level_for(criterion.levels, pct), evidence, possible > 0,
                             {"compliance": compliance})
    return result, critical


def rank_providers(scenario: m.Scenario, case: m.Case, directory: m.Directory, kind: str, at) -> list[dict]:
    """Every provider of a kind, ranked for the case: suitable first, then by a time-equivalent cost.

    A provider is unsuitable when it lacks a capability the case needs or is closed at that
    hour. Suitable ones are ranked by minutes to the scene, plus 15 minutes for a provider
    without a contract, plus one minute per 20 euros of call-out cost.
    """
    target = case.location.coordinates if case.location else None
    hits = search(directory, kind=kind, near=target, at=at, needs=case.needs, traffic=scenario.traffic)
    ranked = []
    for hit in hits:
        suitable = not hit.missing and hit.open
        utility = hit.eta + (0 if hit.provider.partner else 15) + hit.provider.cost / 20
        ranked.append({"id": hit.provider.id, "name": hit.provider.name, "km": round(hit.km, 1), "eta": hit.eta,
                       "open": hit.open, "missing": list(hit.missing), "partner": hit.provider.partner,
                       "cost": hit.provider.cost, "capabilities": sorted(hit.provider.capabilities),
                       "suitable": suitable, "utility": round(utility, 1)})
    ranked.sort(key=lambda r: (not r["suitable"], r["utility"], r["id"]))
    return ranked


def _provider_line(r: dict, lang: str) -> str:
    from simulator.i18n import capability_label
    parts = [f"{r['name']}{t('debrief.colon', lang)} {r['km']:.0f} km, {r['eta']} min"]
    if r["partner"]:
        parts.append(t("ev.partner", lang))
    if r["missing"]:
        parts.append(t("ev.missing", lang, what=", ".join(capability_label(c, lang) for c in r["missing"])))
    if not r["open"]:
        parts.append(t("ev.closed", lang))
    parts.append(t("providers.cost_value", lang, cost=r["cost"]))
    return ", ".join(parts)


def score_provider(scenario, rubric, criterion, records, session, directory) -> CriterionResult:
    evidence, percents = [], []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        kinds = _case_options(case)["kinds"]
        if not kinds:
            continue
        if not rec.providers:
            percents.append(0.0)
            evidence.append(Evidence("provider", 0, _all("ev.no_provider"), _all("ev.no_provider_expected"), case=cid))
            continue
        for chosen in rec.providers:
            at = scenario.clock_start + timedelta(seconds=chosen["clock"])
            ranked = rank_providers(scenario, case, directory, chosen["kind"], at)
            best = ranked[0] if ranked else None
            mine = next((r for r in ranked if r["id"] == chosen["id"]), None)
            if mine is None or best is None:
                continue
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
            ranking = {lang: "; ".join(_provider_line(r, lang) for r in top) for lang in m.LANGS}
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


def normalise(text: Any) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]", "", text)


_COORDS = re.compile(r"(-?\d{1,2}[.,]\d+)\s*[,; ]\s*(-?\d{1,3}[.,]\d+)")


def same_phone(typed: str, truth: str) -> bool:
    """The same phone number in any usual notation: '02 345 67 89' and '+32 2 345 67 89' (a Brussels landline),
    '06 12 48 37 95', '+33 6 12 48 37 95' and '0033 612 483 795' (a French mobile). The truth is read in Belgium
    unless it gives its country; what was typed is read in the truth's country (Google's phonenumbers)."""
    import phonenumbers
    try:
        wanted = phonenumbers.parse(truth, "BE")
        got = phonenumbers.parse(typed, phonenumbers.region_code_for_number(wanted) or "BE")
    except phonenumbers.NumberParseException:
        digits, want = re.sub(r"\D", "", typed), re.sub(r"\D", "", truth)
        return bool(want) and digits == want
    return (got.country_code, got.national_number, bool(got.italian_leading_zero)) == \
        (wanted.country_code, wanted.national_number, bool(wanted.italian_leading_zero))


def field_matches(fact: m.Fact, typed: str) -> bool:
    """Does what the trainee typed say the same as the truth, for this kind of fact?"""
    if not typed.strip():
        return False
    if fact.kind is m.FactKind.LOCATION:
        match = _COORDS.search(typed)
        if match and fact.coordinates:
            lat, lon = (float(g.replace(",", ".")) for g in match.groups())
            return distance_km((lat, lon), fact.coordinates) <= fact.tolerance_km
        wanted = [normalise(a) for a in fact.accept] or [normalise(fact.value)]
        return any(w and w in normalise(typed) for w in wanted)
    if fact.kind is m.FactKind.PHONE:
        return same_phone(typed, str(fact.value))
    if fact.kind is m.FactKind.MEMBER:
        digits = re.sub(r"\D", "", typed)
        truth = re.sub(r"\D", "", str(fact.value))
        return digits == truth and bool(truth) or normalise(typed) == normalise(fact.value)
    if fact.kind is m.FactKind.NUMBER:
        digits = re.findall(r"\d+", typed)
        return bool(digits) and int(digits[0]) == int(fact.value)
    if fact.accept:
        return any(normalise(a) in normalise(typed) for a in fact.accept)
    return normalise(typed) == normalise(fact.value)


def score_case_file(scenario, rubric, criterion, records, session) -> CriterionResult:
    evidence, earned, possible = [], 0, 0
    for cid, case in scenario.cases.items():
        fields = _case_options(case)["fields"]
        typed = session.state.cases[cid].file
        for fid in dict.fromkeys(fields):
            fact = case.truth[fid]
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


def score_timing(scenario, rubric, criterion, records, session) -> CriterionResult:
    """What the caller lives: how long until help is on site (dispatch time plus the provider's confirmed
    arrival) against `help_within`, counted twice, and the rubric's step targets."""
    from simulator.durations import parse_duration
    targets = {step: parse_duration(v) for step, v in (criterion.settings.get("targets") or {}).items()}
    help_within = parse_duration(criterion.settings.get("help_within")) if criterion.settings.get("help_within") else None
    evidence, percents = [], []
    for cid, rec in records.items():
        case = scenario.cases[cid]
        applicable = _performable_steps(case)
        if help_within and _sends_help(case):
            target_min = help_within / 60
            ring = case.rings_at_seconds / 60
            # Help on its way: a call to 112 (on site within EMERGENCY_MINUTES), or the last help provider
            # dispatched (the one that actually comes), whichever is there first.
            ways = [(minute - ring, minute - ring + EMERGENCY_MINUTES, turn, minute) for turn, minute in rec.emergency]
            sent = [p for p in rec.providers if p["type"] == "dispatched" and p["kind"] in HELP_KINDS]
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


def score_language(scenario, rubric, criterion, records, session) -> CriterionResult:
    """Each answer in a language its listener speaks as their own counts fully; in a caller's weak
    language it counts WEAK_LANGUAGE_PERCENT; in a language they do not speak, nothing. Said to a
    provider, the provider's directory languages decide."""
    evidence, points = [], []
    for cid, rec in records.items():
        caller = scenario.cases[cid].caller
        wrong, weak, provider_wrong = [], [], []
        for turn in rec.turns:
            if turn.to_other:
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
        preferred = {lang: t("lang." + caller.languages[0], lang) for lang in m.LANGS}
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
            name = (session.state.cases[cid].dispatched or {}).get("name") or t("speaker.provider", "en")
            theirs = {lang: ", ".join(t("lang." + x, lang) for x in first.provider_langs) for lang in m.LANGS}
            evidence.append(Evidence("language", -len(provider_wrong),
                                     _all("ev.lang_provider", n=len(provider_wrong), name=name, language=theirs),
                                     _all("ev.lang_provider_expected"), first.number, round(first.clock, 1), cid))
        if rec.turns and not (wrong or weak or provider_wrong):
            evidence.append(Evidence("language", 0, _all("ev.lang_ok", name=caller.name, language=preferred), case=cid))
    pct = sum(points) / len(points) if points else 0
    if pct < 100:
        pct = _below_top(criterion.levels, pct)  # an answer someone could not follow is never "Excellent"
    _scale(evidence, criterion.weight / max(len(points), 1))
    return CriterionResult("language", criterion.weight, pct, level_for(criterion.levels, pct), evidence, bool(points))


# ------------------------------------------------------------------ the whole score


def score_actions(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, actions: list[dict]) -> Score:
    session, records = replay_record(scenario, directory, actions)
    return score_records(scenario, rubric, directory, session, records)


def _case_endings(scenario: m.Scenario, session: Session) -> list[dict]:
    """How each call of the scenario ended, with the debrief that fits it (several callers: one each)."""
    out = []
    for cid, cs in session.state.cases.items():
        if cs.ending:
            ending = scenario.endings[cs.ending]
            context = session.context(cid)
            out.append({"case": cid, "ending": ending.id, "outcome": ending.outcome.value,
                        "title": ending.title.render_all(), "debrief": ending.debrief_for(context).render_all(context)})
    return out


def score_records(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, session: Session,
                  records: dict[str, CaseRecord]) -> Score:
    """The score of a session whose actions were noted in `records` (by `record_action`).

    A call passes when it ended, with no critical failure, a procedure compliance the rubric lets
    pass (at least "Compliant"), every criterion at or above its minimum, and the pass mark reached.
    A call that fails for another reason than a critical failure shows at most the pass mark minus
    one: the number never says more than the verdict."""
    results: dict[str, CriterionResult] = {}
    critical: list[dict] = []
    for cid, criterion in rubric.criteria.items():
        if cid == "procedure":
            results[cid], critical = score_procedure(scenario, rubric, criterion, records, session)
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
    reasons: list[dict] = []
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
    notes = [{"turn": turn.number, "case": cid, "clock": round(turn.clock, 1), "option": turn.option.id,
              "text": turn.render(turn.option.text), "note": turn.render(turn.option.debrief)}
             for cid, rec in records.items() for turn in rec.turns if turn.option.debrief is not None]
    score = Score(scenario.id, rubric.id, overall, not reasons, rubric.pass_mark, critical, compliance,
                  ending, scenario.endings[ending].outcome.value if ending else None, results,
                  sorted(notes, key=lambda n: n["turn"]), [n for cs in session.state.cases.values() for n in cs.notes])
    score.reasons = reasons
    score.case_endings = _case_endings(scenario, session)
    turns = [turn for rec in records.values() for turn in rec.turns]
    score.free_answers = (sum(1 for turn in turns if turn.free), len(turns))
    # The session's ending told as it fits the case that ended so (the most severe, for several calls).
    score.ending_debrief = next((e["debrief"] for e in score.case_endings if e["ending"] == ending), None)
    return score

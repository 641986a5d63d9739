"""Load scenario files into the model, reporting every problem at once.

Each problem is `file:line:column: CODE message` with a hint. The positions of semantic
problems found after parsing (a `goto` to a node that does not exist) come from the
Document's path-to-position map, so they still point at the right line.

The work is shared out: `simulator.checking` reads values and collects the problems,
`simulator.cross_references` checks that the names a case uses exist, `simulator.rubric_loader`
loads rubrics and `simulator.directory_loader` the provider files. Their public names are
importable from here too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterable

from simulator import model as m
from simulator.checking import (
    _ID,
    DEVIATION_LEVELS,
    MAX_DURATION_SECONDS,
    MAX_PROBLEMS,
    TYPE_NAMES,
    VARIANT_KEYS,
    Checker,
    TooManyProblems,
    _choices_hint,
    _type_name,
    content_hash,
    suggest,
)
from simulator.cross_references import BUILTIN_NAMES, check_ending_names, check_references
from simulator.directory_loader import PROVIDER_KEYS, load_directory
from simulator.durations import DURATION as _DURATION
from simulator.durations import parse_duration
from simulator.errors import ScenarioError, Severity
from simulator.expressions import Condition, Template
from simulator.rubric_loader import (
    COMPLIANCE_LEVELS,
    CRITERIA,
    CRITERION_KEYS,
    CRITERION_SETTINGS,
    LEVEL_KEYS,
    ORDER_KEYS,
    RUBRIC_KEYS,
    STEP_KEYS,
    build_rubric,
    load_rubric,
)
from simulator.shorthand import expand
from simulator.yamlsource import Document, load_yaml, parse_yaml

__all__ = [
    "ACTION_KEYS", "BREAK_KEYS", "BUILTIN_NAMES", "CALLER_KEYS", "CASE_KEYS", "CASE_ORDER_KEYS", "CLOCK_YEARS",
    "COMPLIANCE_LEVELS", "CRITERIA", "CRITERION_KEYS", "CRITERION_SETTINGS", "DEVIATION_LEVELS", "ENDING_KEYS",
    "EVENT_KEYS", "FACT_KEYS", "LEVEL_KEYS", "MAX_DURATION_SECONDS", "MAX_PROBLEMS", "NODE_KEYS", "OPTION_KEYS",
    "ORDER_KEYS", "PROVIDER_KEYS", "RUBRIC_KEYS", "SCENARIO_KEYS", "STEP_KEYS", "TRAFFIC_KEYS", "TYPE_NAMES",
    "VARIANT_KEYS", "_DURATION", "_ID", "Checker", "TooManyProblems", "build_rubric", "build_scenario",
    "content_hash", "expressions_of", "load_directory", "load_rubric", "load_scenario", "parse_duration",
    "parse_scenario", "suggest",
]

# --- Keys each object accepts: name -> required. One place, used by the loader and the schema
# (the rubric's tables are in simulator.rubric_loader, the provider's in simulator.directory_loader).

SCENARIO_KEYS = {"id": True, "version": True, "title": True, "summary": True, "briefing": True,
                 "difficulty": True, "minutes": True, "rubric": True, "clock_start": True,
                 "decision_seconds": False, "think_seconds": False, "traffic": False, "endings": True, "cases": True, "model": False}
ENDING_KEYS = {"outcome": True, "title": True, "debrief": True}
CASE_KEYS = {"reference": True, "rings_at": False, "caller": True, "truth": True, "needs": False,
             "start": True, "nodes": True, "events": False, "orders": False, "situation": False}
CASE_ORDER_KEYS = {"first": True, "then": True, "level": True}
CALLER_KEYS = {"name": True, "languages": True, "stress": True, "vague_above": False, "hangs_up_at": False,
               "hang_up_ending": False, "silence": False, "on_hold": False, "weak_languages": False,
               "weak_line": False}
FACT_KEYS = {"value": True, "kind": False, "label": True, "coordinates": False, "tolerance_km": False,
             "accept": False}
NODE_KEYS = {"speaker": False, "say": False, "options": False, "end": False}
OPTION_KEYS = {"id": True, "text": True, "step": False, "tone": False, "stress": False, "minutes": False,
               "when": False, "set": False, "unset": False, "reveal": False, "reply": False, "action": False,
               "goto": False, "end": False, "repeatable": False, "debrief": False, "breaks": False, "hold": False,
               "says": False}
ACTION_KEYS = {"type": True, "field": False, "kind": False, "to": False}
EVENT_KEYS = {"id": True, "at": False, "when": False, "speaker": False, "say": False, "stress": False,
              "set": False, "unset": False, "reveal": False, "goto": False, "end": False}
TRAFFIC_KEYS = {"factor": False, "delay": False}
BREAK_KEYS = {"step": True, "level": False}

# A range the schema cannot state as a type: a call happens in years a clock can count on.
CLOCK_YEARS = (1900, 2100)


def load_scenario(path: Path | str, rubrics: dict[str, m.Rubric] | None = None,
                  directory: m.Directory | None = None) -> m.Scenario:
    """Load a scenario file; raise ScenarioError listing every problem in it.

    The model call is read, not played: `simulator.modelcall` plays it through the engine, which
    sits above the loader (lint and the tests do; the player and the results do not need to).
    """
    path = Path(path)
    doc = load_yaml(path)
    return build_scenario(doc, content_hash(path.read_bytes()), rubrics, directory)


def parse_scenario(text: str, name: str = "scenario.yaml", rubrics=None, directory=None) -> m.Scenario:
    """Load a scenario from text (tests, tools)."""
    return build_scenario(parse_yaml(text, name), content_hash(text.encode("utf-8")), rubrics, directory)


def build_scenario(doc: Document, digest: str, rubrics: dict[str, m.Rubric] | None = None,
                   directory: m.Directory | None = None) -> m.Scenario:
    c = Checker(doc)
    try:
        return _build_scenario(c, doc, digest, rubrics, directory)
    except TooManyProblems:
        raise c.too_many() from None


def _build_scenario(c: Checker, doc: Document, digest: str, rubrics, directory) -> m.Scenario:
    root = c.mapping((), doc.data, SCENARIO_KEYS, "the scenario")
    if not root:
        raise ScenarioError(c.problems or [doc.problem((), "S003", "the file is empty.", "Start from the example in docs/authoring.md.")])
    sid = c.ident(("id",), root.get("id"), "the scenario id") if "id" in root else None
    version = c.number(("version",), root.get("version"), "version", 1, 10_000, whole=True) if "version" in root else None
    texts = {k: c.text((k,), root[k], k) for k in ("title", "summary", "briefing") if k in root}
    difficulty = c.number(("difficulty",), root["difficulty"], "difficulty", 1, 5, whole=True) if "difficulty" in root else None
    minutes = c.number(("minutes",), root["minutes"], "minutes", 1, 240, whole=True) if "minutes" in root else None
    decision = c.number(("decision_seconds",), root.get("decision_seconds", 30), "decision_seconds", 5, 600, whole=True)
    think = c.number(("think_seconds",), root.get("think_seconds", 10), "think_seconds", 0, 300, whole=True)
    rubric_id = root.get("rubric")
    rubric = None
    if "rubric" in root and c.typed(("rubric",), rubric_id, str, "rubric") is not None and rubrics is not None:
        rubric = rubrics.get(rubric_id)
        if rubric is None:
            c.error(("rubric",), "R005", f"there is no rubric '{rubric_id}'.", _choices_hint(rubric_id, rubrics))
    clock_start = None
    if "clock_start" in root:
        try:
            clock_start = datetime.fromisoformat(str(root["clock_start"]).replace(" ", "T"))
        except ValueError:
            c.error(("clock_start",), "D002", f"clock_start '{root['clock_start']}' is not a date and time.",
                    "Write it as 2026-07-03T23:40 (local time where the call happens).")
        else:
            if not CLOCK_YEARS[0] <= clock_start.year <= CLOCK_YEARS[1]:
                c.error(("clock_start",), "D003", f"clock_start '{root['clock_start']}' is not between the years "
                        f"{CLOCK_YEARS[0]} and {CLOCK_YEARS[1]}.",
                        "Write the date and time the call happens, such as 2026-07-03T23:40.")
                clock_start = None
    traffic = _traffic(c, root.get("traffic"), directory)
    endings = _endings(c, root.get("endings"))
    cases: dict[str, m.Case] = {}
    raw_cases = root.get("cases") if "cases" in root else {}
    if not isinstance(raw_cases, dict) or ("cases" in root and not raw_cases):
        c.error(("cases",), "S003", "cases must be a mapping with at least one case.",
                "Add one case under 'cases:', named after the caller (see docs/authoring.md).")
        raw_cases = {}
    for case_id, raw in (raw_cases or {}).items():
        if c.ident(("cases", case_id), case_id, "the case name") is None:
            continue
        case = _case(c, ("cases", case_id), case_id, raw, endings, rubric, directory)
        if case is not None:
            cases[case_id] = case
    check_ending_names(c, endings, cases)
    model = _model_actions(c, root.get("model"))
    if raw_cases and not cases and not c.problems:
        c.error(("cases",), "S002", "the scenario has no playable case.", "Check each case's caller, truth and nodes.")
    if c.problems and any(p.severity is Severity.ERROR for p in c.problems):
        raise ScenarioError(c.problems)
    scenario = m.Scenario(
        id=sid, version=version, title=texts["title"], summary=texts["summary"], briefing=texts["briefing"],
        difficulty=difficulty, minutes=minutes, rubric_id=rubric_id, clock_start=clock_start,
        decision_seconds=decision, think_seconds=think if think is not None else 10, traffic=traffic, endings=endings, cases=cases, source=doc.name,
        content_hash=digest, model=model,
    )
    return scenario


def _model_actions(c: Checker, raw) -> tuple[dict, ...]:
    """The model call: the answers a senior agent would give, in the answers-file form."""
    out = []
    for i, item in enumerate(c.list_of(("model",), raw, "model")):
        item = expand(item)
        # Numbers (a place on screen) and typed sentences depend on the session: the model call names options.
        if item is None or "number" in item or item["type"] == "say":
            c.error(("model", i), "S003", "each step of the model call must be an option id or an action.",
                    "Write '- greet' or '- {type: input, value: GH-512-KL}'.")
            continue
        out.append({k: (str(v) if k == "value" else v) for k, v in item.items()})
    if out and out[0]["type"] != "start":
        out.insert(0, {"type": "start", "lang": "fr"})
    return tuple(out)


def expressions_of(scenario: m.Scenario, doc: Document | None = None) -> Iterable[tuple[str, tuple, Condition | Template]]:
    """Every condition and text of a scenario that Jinja may run: (case id, where it is written, it).

    Endings belong to no case: theirs come with the first case's id. `doc`, when given, tells a list of
    variants from a single text written as one (so the path is exact)."""
    first = next(iter(scenario.cases), "")

    def text(cid: str, path: tuple, value: m.Text | None):
        for lang, template in value.values.items() if value else ():
            if not template.plain:
                yield cid, path + (lang,), template

    def lines(cid: str, path: tuple, value: m.Lines | None):
        if value is None:
            return
        listed = (doc.positions.get(path + (0,)) is not None if doc is not None
                  else len(value.variants) > 1 or any(v.when is not None for v in value.variants))
        for i, variant in enumerate(value.variants):
            if variant.when is not None:
                yield cid, path + (i, "when"), variant.when
            yield from text(cid, path + (i, "text") if listed else path, variant.text)

    for eid, ending in scenario.endings.items():
        yield from lines(first, ("endings", eid, "debrief"), ending.variants)
    for cid, case in scenario.cases.items():
        yield from text(cid, ("cases", cid, "caller", "silence"), case.caller.silence)
        yield from text(cid, ("cases", cid, "caller", "weak_line"), case.caller.weak_line)
        for node in case.nodes.values():
            yield from lines(cid, node.origin + ("say",), node.say)
            for option in node.options:
                if option.when is not None:
                    yield cid, option.origin + ("when",), option.when
                yield from text(cid, option.origin + ("text",), option.text)
                yield from text(cid, option.origin + ("debrief",), option.debrief)
                yield from lines(cid, option.origin + ("reply",), option.reply)
        for event in case.events:
            if event.when is not None:
                yield cid, event.origin + ("when",), event.when
            yield from lines(cid, event.origin + ("say",), event.say)


def _traffic(c: Checker, raw, directory) -> dict[str, m.Traffic]:
    out = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        c.error(("traffic",), "S003", "traffic must be a mapping of provider ids.", "See 'Traffic' in docs/authoring.md.")
        return out
    for pid, item in raw.items():
        path = ("traffic", pid)
        if directory is not None and pid != "*" and directory.get(pid) is None:
            c.error(path, "R006", f"there is no provider '{pid}' in the directory.",
                    _choices_hint(str(pid), [p.id for p in directory.providers]), key=True)
        item = c.mapping(path, item, TRAFFIC_KEYS, f"the traffic of '{pid}'")
        factor = c.number(path + ("factor",), item.get("factor", 1.0), "factor", 0.1, 10, default=1.0)
        delay = c.duration(path + ("delay",), item["delay"], "delay") if "delay" in item else 0
        out[str(pid)] = m.Traffic(float(factor), delay or 0)
    return out


def _endings(c: Checker, raw) -> dict[str, m.Ending]:
    out = {}
    if raw is None:
        return out
    if not isinstance(raw, dict) or not raw:
        c.error(("endings",), "S003", "endings must be a mapping with at least one ending.", "See 'Endings' in docs/authoring.md.")
        return out
    for eid, item in raw.items():
        path = ("endings", eid)
        if c.ident(path, eid, "the ending name") is None:
            continue
        item = c.mapping(path, item, ENDING_KEYS, f"the ending '{eid}'")
        outcome = c.choice(path + ("outcome",), item.get("outcome"), [o.value for o in m.Outcome], "outcome") if "outcome" in item else None
        title = c.text(path + ("title",), item["title"], f"the title of ending '{eid}'") if "title" in item else None
        debrief, variants = None, None
        if isinstance(item.get("debrief"), list):
            variants = c.lines(path + ("debrief",), item["debrief"], f"the debrief of ending '{eid}'", in_call=False)
            plain = [v for v in variants.variants if v.when is None] if variants else []
            if variants and not plain:
                c.error(path + ("debrief",), "S002", f"every debrief of ending '{eid}' has a condition: when none holds, "
                        "there is nothing to say.", "Add a last variant without 'when:', said when no other fits.")
            debrief = plain[0].text if plain else None
        elif "debrief" in item:
            debrief = c.text(path + ("debrief",), item["debrief"], f"the debrief of ending '{eid}'")
        if outcome and title and debrief:
            out[eid] = m.Ending(eid, m.Outcome(outcome), title, debrief, variants)
    return out


def _effects(c: Checker, path: tuple, raw: dict, default_seconds: int) -> m.Effects:
    stress = c.number(path + ("stress",), raw["stress"], "stress", -100, 100, whole=True) if "stress" in raw else None
    seconds = default_seconds
    if "minutes" in raw:
        seconds = c.duration(path + ("minutes",), raw["minutes"], "minutes")
        seconds = default_seconds if seconds is None else seconds
    return m.Effects(stress=stress, seconds=seconds,
                     set=c.strings(path + ("set",), raw.get("set"), "set"),
                     unset=c.strings(path + ("unset",), raw.get("unset"), "unset"),
                     reveal=c.strings(path + ("reveal",), raw.get("reveal"), "reveal"))


def _case(c: Checker, path: tuple, case_id: str, raw, endings, rubric, directory) -> m.Case | None:
    raw = c.mapping(path, raw, CASE_KEYS, f"the case '{case_id}'")
    if not raw:
        return None
    caller = _caller(c, path + ("caller",), raw.get("caller"), endings) if "caller" in raw else None
    truth = _truth(c, path + ("truth",), raw.get("truth")) if "truth" in raw else {}
    rings = c.duration(path + ("rings_at",), raw["rings_at"], "rings_at") if "rings_at" in raw else 0
    needs = c.strings(path + ("needs",), raw.get("needs"), "needs")
    reference = c.typed(path + ("reference",), raw["reference"], (str, int), "the case reference", default="") \
        if "reference" in raw else ""
    nodes: dict[str, m.Node] = {}
    raw_nodes = raw.get("nodes")
    if "nodes" in raw and (not isinstance(raw_nodes, dict) or not raw_nodes):
        c.error(path + ("nodes",), "S003", "nodes must be a mapping with at least one node.", "See 'Nodes' in docs/authoring.md.")
        raw_nodes = {}
    option_ids: dict[str, tuple] = {}
    for node_id, item in (raw_nodes or {}).items():
        npath = path + ("nodes", node_id)
        if c.ident(npath, node_id, "the node name") is None:
            continue
        node = _node(c, npath, node_id, item, option_ids)
        if node is not None:
            nodes[node_id] = node
    events = tuple(e for e in (_event(c, path + ("events", i), item)
                               for i, item in enumerate(c.list_of(path + ("events",), raw.get("events"), "events"))) if e)
    check_references(c, path, raw, nodes, events, truth, endings, rubric, caller, raw_nodes or {})
    orders = _case_orders(c, path + ("orders",), raw.get("orders"), rubric)
    situation = c.text(path + ("situation",), raw["situation"], f"the situation of case '{case_id}'") \
        if "situation" in raw else None
    if caller is None:
        return None
    return m.Case(id=case_id, reference=reference, rings_at_seconds=rings or 0, caller=caller, truth=truth,
                  needs=needs, start=str(raw.get("start")), nodes=nodes, events=events, orders=orders,
                  situation=situation)


def _case_orders(c: Checker, path, raw, rubric) -> dict[tuple[str, str], m.Order]:
    """A case's own levels for the rubric's order rules: `- {first: safety_check, then: identify, level: moderate}`."""
    out = {}
    for i, item in enumerate(c.list_of(path, raw, "orders")):
        item = c.mapping(path + (i,), item, CASE_ORDER_KEYS, "an order rule")
        if not all(isinstance(item.get(k), str) for k in CASE_ORDER_KEYS):
            continue
        level = c.deviation_level(path + (i, "level"), item["level"])
        known = {(o.first, o.then) for o in rubric.orders} if rubric is not None else None
        if known is not None and (item["first"], item["then"]) not in known:
            rules = ", ".join(f"{a} before {b}" for a, b in sorted(known))
            c.error(path + (i,), "R002", f"the '{rubric.id}' rubric has no rule '{item['first']} before {item['then']}'.",
                    f"A case can only change the level of a rule of its rubric: {rules}.")
            continue
        if level is not None:
            out[(item["first"], item["then"])] = m.Order(item["first"], item["then"], level)
    return out


def _caller(c: Checker, path, raw, endings) -> m.Caller | None:
    raw = c.mapping(path, raw, CALLER_KEYS, "the caller")
    if not raw:
        return None
    langs = c.strings(path + ("languages",), raw.get("languages"), "languages")
    if "languages" in raw and not langs:
        c.error(path + ("languages",), "S002", "the caller speaks no language.", "Write the caller's languages, preferred first: [fr, en].")
    for i, lang in enumerate(langs):
        if lang not in m.LANGS:
            c.error(path + ("languages", i), "T002", f"unknown language '{lang}'.", _choices_hint(lang, m.LANGS))
    stress = c.number(path + ("stress",), raw.get("stress"), "the caller's stress", 0, 100, whole=True, default=0) if "stress" in raw else 0
    vague = c.number(path + ("vague_above",), raw.get("vague_above", 75), "vague_above", 0, 100, whole=True, default=75)
    hang = c.number(path + ("hangs_up_at",), raw.get("hangs_up_at", 100), "hangs_up_at", 1, 100, whole=True, default=100)
    hang_end = c.ref(path, raw, "hang_up_ending")
    if hang_end is not None and hang_end not in endings:
        c.error(path + ("hang_up_ending",), "R004", f"there is no ending '{hang_end}'.", _choices_hint(str(hang_end), endings))
    silence = c.text(path + ("silence",), raw["silence"], "the caller's silence line", in_call=True) if "silence" in raw else None
    on_hold = c.number(path + ("on_hold",), raw.get("on_hold", 2), "on_hold", 0, 50, default=2)
    name = c.typed(path + ("name",), raw.get("name"), str, "the caller's name", default="")
    weak = c.strings(path + ("weak_languages",), raw.get("weak_languages"), "weak_languages")
    for i, lang in enumerate(weak):
        if lang not in langs:
            c.error(path + ("weak_languages", i), "S004", f"'{lang}' is a weak language but not one the caller speaks.",
                    f"Add it to 'languages' too (after the caller's own): [{', '.join((*langs, lang))}].")
    weak_line = c.text(path + ("weak_line",), raw["weak_line"], "the caller's weak-language line", in_call=True) \
        if "weak_line" in raw else None
    if not langs or not name:
        return None
    return m.Caller(name, langs, stress, vague, hang, hang_end, silence, float(on_hold), weak, weak_line)


def _truth(c: Checker, path, raw) -> dict[str, m.Fact]:
    out = {}
    if not isinstance(raw, dict):
        c.error(path, "S003", "truth must be a mapping of facts.", "See 'Truth' in docs/authoring.md.")
        return out
    for fid, item in raw.items():
        fpath = path + (fid,)
        if c.ident(fpath, fid, "the fact name") is None:
            continue
        item = c.mapping(fpath, item, FACT_KEYS, f"the fact '{fid}'")
        if not item:
            continue
        kind = c.choice(fpath + ("kind",), item.get("kind", "text"), [k.value for k in m.FactKind], "kind", "text")
        label = c.text(fpath + ("label",), item["label"], f"the label of '{fid}'") if "label" in item else None
        coords = c.coordinates(fpath + ("coordinates",), item["coordinates"], "coordinates") if "coordinates" in item else None
        if kind == "location" and "coordinates" not in item:
            c.error(fpath, "S002", f"the location '{fid}' has no coordinates.", "Add 'coordinates: [latitude, longitude]'.")
        tol = c.number(fpath + ("tolerance_km",), item.get("tolerance_km", 0.5), "tolerance_km", 0, 100, default=0.5)
        accept = c.strings(fpath + ("accept",), item.get("accept"), "accept")
        if "value" in item and (item["value"] is None or str(item["value"]).strip() == ""):
            c.error(fpath + ("value",), "S002", f"the fact '{fid}' has no value.", "Write the true value the trainee must find.")
            continue
        if label is not None and "value" in item:
            out[fid] = m.Fact(fid, item["value"], m.FactKind(kind or "text"), label, coords, float(tol), accept)
    return out


def _node(c: Checker, path, node_id, raw, option_ids) -> m.Node | None:
    raw = c.mapping(path, raw, NODE_KEYS, f"the node '{node_id}'")
    if not isinstance(raw, dict):
        return None
    speaker = c.choice(path + ("speaker",), raw.get("speaker", "caller"), [s.value for s in m.Speaker], "speaker", "caller")
    say = c.lines(path + ("say",), raw["say"], f"what is said at '{node_id}'") if "say" in raw else None
    options = []
    for i, item in enumerate(c.list_of(path + ("options",), raw.get("options"), "options")):
        option = _option(c, path + ("options", i), item)
        if option is None:
            continue
        if option.id in option_ids:
            c.error(path + ("options", i, "id"), "R008", f"the option id '{option.id}' is used twice in this case.",
                    "Give each option its own id: it names the choice in transcripts and answers files.")
        option_ids[option.id] = path + ("options", i)
        options.append(option)
    return m.Node(node_id, m.Speaker(speaker or "caller"), say, tuple(options), c.ref(path, raw, "end"), path)


def _option(c: Checker, path, raw) -> m.Option | None:
    raw = c.mapping(path, raw, OPTION_KEYS, "the option")
    if not raw:
        return None
    oid = c.ident(path + ("id",), raw.get("id"), "the option id") if "id" in raw else None
    text = c.text(path + ("text",), raw["text"], f"the text of option '{oid}'", in_call=True) if "text" in raw else None
    tone = c.choice(path + ("tone",), raw.get("tone", "neutral"), [t.value for t in m.Tone], "tone", "neutral")
    effects = _effects(c, path, raw, 30)
    when = c.condition(path + ("when",), raw["when"]) if "when" in raw else None
    reply = c.lines(path + ("reply",), raw["reply"], f"the reply to '{oid}'") if "reply" in raw else None
    debrief = c.text(path + ("debrief",), raw["debrief"], f"the debrief of '{oid}'", in_call=True) if "debrief" in raw else None
    repeatable = c.typed(path + ("repeatable",), raw.get("repeatable", False), bool, "repeatable", default=False)
    hold = c.typed(path + ("hold",), raw.get("hold", False), bool, "hold", default=False)
    action = _action(c, path + ("action",), raw["action"]) if "action" in raw else None
    if "goto" in raw and "end" in raw:
        c.error(path + ("end",), "S004", "an option cannot have both 'goto' and 'end'.", "Keep 'end' to finish the call, or 'goto' to go on.", key=True)
    if oid is None or text is None:
        return None
    steps = c.strings(path + ("step",), raw.get("step"), "step")
    deviations = _breaks(c, path + ("breaks",), raw.get("breaks"))
    says = _says(c, path + ("says",), raw["says"]) if "says" in raw else ()
    return m.Option(oid, text, steps[0] if steps else None, m.Tone(tone or "neutral"), effects, when,
                    reply, action, c.ref(path, raw, "goto"), c.ref(path, raw, "end"), bool(repeatable), debrief,
                    tuple(d.step for d in deviations), path, steps, deviations, bool(hold), says)


def _says(c: Checker, path, raw) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Other ways a trainee may say an option in free-text mode, by language: {fr: [...], nl: [...], en: [...]}.
    Any language may be left out; each phrasing is plain words, read as typed, never shown."""
    if not isinstance(raw, dict):
        c.error(path, "S003", f"'says' must list phrasings by language, not {_type_name(raw)}.",
                "Write 'fr:', 'nl:' and 'en:' lines under 'says:', each with a list of sentences.")
        return ()
    out = []
    for lang, value in raw.items():
        if lang not in m.LANGS:
            c.error(path + (lang,), "T002", f"unknown language '{lang}' in 'says'.",
                    _choices_hint(str(lang), m.LANGS), key=True)
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            c.error(path + (lang,), "S003", f"the {lang} phrasings must be a list of sentences, not {_type_name(value)}.",
                    "Write each sentence on its own line starting with '- '.")
            continue
        kept = []
        for i, item in enumerate(items):
            where = path + (lang,) if isinstance(value, str) else path + (lang, i)
            if not isinstance(item, str) or not item.strip():
                c.error(where, "S003", f"each {lang} phrasing must be a sentence, not {_type_name(item)}.",
                        "Write the sentence as a trainee would type it.")
            elif "{{" in item or "{%" in item:
                c.error(where, "X002", f"the {lang} phrasing '{item}' has a placeholder; phrasings are read as typed.",
                        "Write the words a trainee would type, without '{{ }}'.")
            else:
                kept.append(item.strip())
        if kept:
            out.append((lang, tuple(kept)))
    return tuple(out)


def _breaks(c: Checker, path, raw) -> tuple[m.Deviation, ...]:
    """`breaks: [confirm_eta]` or `breaks: [{step: confirm_eta, level: major}]`."""
    out = []
    for i, item in enumerate([raw] if isinstance(raw, (str, dict)) else c.list_of(path, raw, "breaks")):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, dict):
            item = c.mapping(p, item, BREAK_KEYS, "what the option breaks")
            if "step" in item and isinstance(item["step"], str):
                out.append(m.Deviation(item["step"], c.deviation_level(p + ("level",), item["level"]) if "level" in item else None))
        elif isinstance(item, str):
            out.append(m.Deviation(item))
        else:
            c.error(p, "S003", "each item of breaks must be a step, or a mapping with 'step' and 'level'.",
                    "Write [confirm_eta] or [{step: confirm_eta, level: major}].")
    return tuple(out)


def _action(c: Checker, path, raw) -> m.Action | None:
    raw = c.mapping(path, raw, ACTION_KEYS, "the action")
    if "type" not in raw:
        return None
    kind = c.choice(path + ("type",), raw["type"], [a.value for a in m.ActionType], "the action type")
    if kind is None:
        return None
    kind = m.ActionType(kind)
    if kind is m.ActionType.RECORD and "field" not in raw:
        c.error(path, "S002", "a record action needs the 'field' the trainee types.", "Add 'field: plate' (a fact of the case).")
    if kind in (m.ActionType.DISPATCH, m.ActionType.BOOK):
        if "kind" not in raw:
            c.error(path, "S002", f"a {kind.value} action needs the 'kind' of provider.", "Add 'kind: tow' (or taxi, hotel, ...).")
        else:
            c.choice(path + ("kind",), raw["kind"], m.PROVIDER_KINDS, "the provider kind")
    if kind is m.ActionType.TRANSFER:
        c.choice(path + ("to",), raw.get("to", "medical"), m.TRANSFER_TARGETS, "the transfer target")
    return m.Action(kind, c.ref(path, raw, "field"), c.ref(path, raw, "kind"),
                    (c.ref(path, raw, "to") or "medical") if kind is m.ActionType.TRANSFER else None)


def _event(c: Checker, path, raw) -> m.Event | None:
    raw = c.mapping(path, raw, EVENT_KEYS, "the event")
    if not raw:
        return None
    eid = c.ident(path + ("id",), raw.get("id"), "the event id") if "id" in raw else None
    at = c.duration(path + ("at",), raw["at"], "at") if "at" in raw else None
    when = c.condition(path + ("when",), raw["when"]) if "when" in raw else None
    if "at" not in raw and "when" not in raw:
        c.error(path, "S002", "the event has neither 'at' nor 'when'.", "Say when it happens: 'at: 25 min' or 'when: dispatched'.")
    speaker = c.choice(path + ("speaker",), raw.get("speaker", "caller"), [s.value for s in m.Speaker], "speaker", "caller")
    say = c.lines(path + ("say",), raw["say"], f"what is said at event '{eid}'") if "say" in raw else None
    effects = _effects(c, path, raw, 0)
    if eid is None:
        return None
    return m.Event(eid, at, when, m.Speaker(speaker or "caller"), say, effects, c.ref(path, raw, "goto"),
                   c.ref(path, raw, "end"), path)

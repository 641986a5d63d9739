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

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from simulator import model as m
from simulator.checking import (
    _ID,
    DEVIATION_LEVELS,
    MAX_DURATION_SECONDS,
    MAX_PROBLEMS,
    TYPE_NAMES,
    Checker,
    TooManyProblems,
    _choices_hint,
    _type_name,
    content_hash,
    deviation_level,
    flag,
    identifier,
    items,
    number,
    obj,
    strings,
    suggest,
    word,
)
from simulator.cross_references import BUILTIN_NAMES, check_ending_names, check_references
from simulator.directory_loader import load_directory
from simulator.durations import DURATION as _DURATION
from simulator.durations import parse_duration
from simulator.errors import ScenarioError, Severity
from simulator.expressions import Condition, Template
from simulator.rubric_loader import COMPLIANCE_LEVELS, CRITERIA, CRITERION_SETTINGS, build_rubric, load_rubric
from simulator.shape import check_shape
from simulator.shorthand import expand
from simulator.yamlsource import Document, load_yaml, parse_yaml

__all__ = [
    "BUILTIN_NAMES", "CLOCK_YEARS", "COMPLIANCE_LEVELS", "CRITERIA", "CRITERION_SETTINGS", "DEVIATION_LEVELS",
    "MAX_DURATION_SECONDS", "MAX_PROBLEMS", "TYPE_NAMES", "_DURATION", "_ID", "Checker", "TooManyProblems",
    "build_rubric", "build_scenario", "content_hash", "expressions_of", "load_directory", "load_rubric",
    "load_scenario", "parse_duration", "parse_scenario", "suggest",
]

# Which keys each object has, and the type, choices and range of each value, are stated once, in
# simulator/schema/scenario.schema.json (checked by simulator.shape). The loader reads the values
# and checks what a schema cannot say: names that must exist, durations, conditions and texts, and
# rules between keys.

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
        check_shape(c, "scenario", digest)
        return _build_scenario(c, doc, digest, rubrics, directory)
    except TooManyProblems:
        raise c.too_many() from None


def _build_scenario(c: Checker, doc: Document, digest: str, rubrics, directory) -> m.Scenario:
    root = obj(doc.data)
    if not root:
        raise ScenarioError(c.settle() or [doc.problem((), "S003", "the file is empty.", "Start from the example in docs/authoring.md.")])
    sid = identifier(root.get("id"))
    version = number(root.get("version"), whole=True)
    texts = {k: c.text((k,), root[k], k) for k in ("title", "summary", "briefing") if k in root}
    difficulty = number(root.get("difficulty"), whole=True)
    minutes = number(root.get("minutes"), whole=True)
    decision = number(root.get("decision_seconds", 30), 30, whole=True)
    think = number(root.get("think_seconds", 10), 10, whole=True)
    rubric_id = root.get("rubric")
    rubric = None
    if isinstance(rubric_id, str) and rubrics is not None:
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
    sources = _directory_files(c, root.get("directory"), directory)
    if directory is not None:
        directory = directory.only(sources)
    traffic = _traffic(c, root.get("traffic"), directory)
    endings = _endings(c, root.get("endings"))
    cases: dict[str, m.Case] = {}
    raw_cases = obj(root.get("cases"))
    for case_id, raw in raw_cases.items():
        if identifier(case_id) is None:
            continue
        case = _case(c, ("cases", case_id), case_id, raw, endings, rubric, directory)
        if case is not None:
            cases[case_id] = case
    check_ending_names(c, endings, cases)
    _check_rings(c, cases)
    model = _model_actions(c, root.get("model"))
    if raw_cases and not cases and not c.problems:
        c.error(("cases",), "S002", "the scenario has no playable case.", "Check each case's caller, truth and nodes.")
    if c.settle() and any(p.severity is Severity.ERROR for p in c.problems):
        raise ScenarioError(c.problems)
    scenario = m.Scenario(
        id=sid, version=version, title=texts["title"], summary=texts["summary"], briefing=texts["briefing"],
        difficulty=difficulty, minutes=minutes, rubric_id=rubric_id, clock_start=clock_start,
        decision_seconds=decision, think_seconds=think if think is not None else 10, traffic=traffic, endings=endings, cases=cases, source=doc.name,
        content_hash=digest, model=model, directory=sources,
    )
    return scenario


def _model_actions(c: Checker, raw) -> tuple[dict, ...]:
    """The model call: the answers a senior agent would give, in the answers-file form."""
    out = []
    for i, item in enumerate(items(raw)):
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


def _directory_files(c: Checker, raw, directory) -> tuple[str, ...]:
    """The directory files a scenario names (`directory: [costa-brava]`), each checked to exist."""
    names = strings(raw)
    known = sorted({p.source for p in directory.providers}) if directory is not None else None
    for i, name in enumerate(names):
        if known is not None and name not in known:
            c.error(("directory", i) if isinstance(raw, list) else ("directory",), "R006",
                    f"there is no directory file '{name}' (scenarios/providers/{name}.yaml, or providers/ beside the "
                    "scenario).", _choices_hint(name, known))
    return names


def _traffic(c: Checker, raw, directory, where: tuple = ("traffic",)) -> dict[str, m.Traffic]:
    out = {}
    for pid, item in obj(raw).items():
        path = where + (pid,)
        if directory is not None and pid != "*" and directory.get(pid) is None:
            c.error(path, "R006", f"there is no provider '{pid}' in the directory.",
                    _choices_hint(str(pid), [p.id for p in directory.providers]), key=True)
        item = obj(item)
        factor = number(item.get("factor", 1.0), 1.0)
        delay = c.duration(path + ("delay",), item["delay"], "delay") if "delay" in item else 0
        out[str(pid)] = m.Traffic(float(factor), delay or 0)
    return out


def _endings(c: Checker, raw) -> dict[str, m.Ending]:
    out = {}
    for eid, item in obj(raw).items():
        path = ("endings", eid)
        if identifier(eid) is None:
            continue
        item = obj(item)
        outcome = word(item.get("outcome"), [o.value for o in m.Outcome])
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
    stress = number(raw.get("stress"), whole=True)
    seconds = default_seconds
    if "minutes" in raw:
        seconds = c.duration(path + ("minutes",), raw["minutes"], "minutes")
        seconds = default_seconds if seconds is None else seconds
    return m.Effects(stress=stress, seconds=seconds,
                     set=strings(raw.get("set")), unset=strings(raw.get("unset")), reveal=strings(raw.get("reveal")))


def _case(c: Checker, path: tuple, case_id: str, raw, endings, rubric, directory) -> m.Case | None:
    raw = obj(raw)
    if not raw:
        return None
    caller = _caller(c, path + ("caller",), raw.get("caller"), endings) if "caller" in raw else None
    truth = _truth(c, path + ("truth",), raw.get("truth")) if "truth" in raw else {}
    rings = c.duration(path + ("rings_at",), raw["rings_at"], "rings_at") if "rings_at" in raw else 0
    rings_when = c.condition(path + ("rings_when",), raw["rings_when"]) if "rings_when" in raw else None
    needs = strings(raw.get("needs"))
    written = raw.get("reference", "")
    reference: Any = written if isinstance(written, (str, int)) and not isinstance(written, bool) else ""
    nodes: dict[str, m.Node] = {}
    raw_nodes = obj(raw.get("nodes"))
    option_ids: dict[str, tuple] = {}
    for node_id, item in raw_nodes.items():
        npath = path + ("nodes", node_id)
        if identifier(node_id) is None:
            continue
        node = _node(c, npath, node_id, item, option_ids)
        if node is not None:
            nodes[node_id] = node
    events = tuple(e for e in (_event(c, path + ("events", i), item)
                               for i, item in enumerate(items(raw.get("events")))) if e)
    variants = _variants(c, path + ("variants",), raw.get("variants"), truth, directory)
    drawn_flags = {flag for _, values in variants for alternative in values for flag in alternative.set}
    check_references(c, path, raw, nodes, events, truth, endings, rubric, caller, raw_nodes, drawn_flags)
    orders = _case_orders(c, path + ("orders",), raw.get("orders"), rubric)
    situation = c.text(path + ("situation",), raw["situation"], f"the situation of case '{case_id}'") \
        if "situation" in raw else None
    if caller is None:
        return None
    return m.Case(id=case_id, reference=reference, rings_at_seconds=rings or 0, caller=caller, truth=truth,
                  needs=needs, start=str(raw.get("start")), nodes=nodes, events=events, orders=orders,
                  situation=situation, rings_when=rings_when, variants=variants)


def _check_rings(c: Checker, cases: dict[str, m.Case]) -> None:
    """A call that rings on a condition reads the other calls' flags; one call at least rings on the clock;
    variant dimensions are named once in the scenario (a start action names them without their case)."""
    names = set(BUILTIN_NAMES) | {flag for case in cases.values() for flag in case.flag_names}
    for cid, case in cases.items():
        for name in sorted(case.rings_when.names.names if case.rings_when is not None else ()):
            if name not in names:
                c.error(("cases", cid, "rings_when"), "R007", f"'{name}' is neither a flag set in this scenario nor a "
                        "known variable.", suggest(name, names) or "Flags exist once an option or event sets them.")
    if cases and all(case.rings_when is not None for case in cases.values()):
        c.error(("cases",), "S004", "every call rings on a condition, so none rings first.",
                "Give the first call no 'rings_when': it rings when the session starts (or at 'rings_at').", key=True)
    seen: dict[str, str] = {}
    for cid, case in cases.items():
        for dimension, _ in case.variants:
            if dimension in seen:
                c.error(("cases", cid, "variants", dimension), "S004", f"the variant '{dimension}' is already a "
                        f"variant of case '{seen[dimension]}'.", "Give each variant its own name in the scenario.",
                        key=True)
            seen[dimension] = cid


def _variants(c: Checker, path, raw, truth, directory) -> tuple[tuple[str, tuple[m.Alternative, ...]], ...]:
    """A case's variants: `{dimension: [{id, set, facts, traffic}, ...]}`, the first value of each the default."""
    out = []
    for dimension, values in obj(raw).items():
        alternatives = []
        for i, item in enumerate(items(values)):
            item, at = obj(item), path + (dimension, i)
            aid = identifier(item.get("id"))
            facts = {}
            for fid, value in obj(item.get("facts")).items():
                fact = truth.get(fid)
                if fact is None:
                    c.error(at + ("facts", fid), "R003", f"there is no fact '{fid}' in this case's truth to vary.",
                            _choices_hint(str(fid), truth), key=True)
                    continue
                facts[fid] = _varied_fact(c, at + ("facts", fid), fact, value)
            traffic = _traffic(c, item.get("traffic"), directory, at + ("traffic",))
            if aid is not None:
                alternatives.append(m.Alternative(aid, strings(item.get("set")), facts, traffic))
        if alternatives:
            out.append((str(dimension), tuple(alternatives)))
    return tuple(out)


def _varied_fact(c: Checker, path, fact: m.Fact, value) -> m.Fact:
    """A fact as a variant has it: a new value, or for a place `{value, coordinates, accept}`."""
    if not isinstance(value, dict):
        return dataclasses.replace(fact, value=value)
    coords = c.coordinates(path + ("coordinates",), value["coordinates"], "coordinates") \
        if "coordinates" in value else fact.coordinates
    return dataclasses.replace(fact, value=value.get("value", fact.value), coordinates=coords,
                               accept=strings(value["accept"]) if "accept" in value else fact.accept)


def _case_orders(c: Checker, path, raw, rubric) -> dict[tuple[str, str], m.Order]:
    """A case's own levels for the rubric's order rules: `- {first: safety_check, then: identify, level: moderate}`."""
    out = {}
    for i, item in enumerate(items(raw)):
        item = obj(item)
        if not all(isinstance(item.get(k), str) for k in ("first", "then", "level")):
            continue
        level = deviation_level(item["level"])
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
    raw = obj(raw)
    if not raw:
        return None
    langs = tuple(lang for lang in strings(raw.get("languages")) if lang in m.LANGS or lang in m.FOREIGN_LANGS)
    if "languages" in raw and not strings(raw.get("languages")):
        c.error(path + ("languages",), "S002", "the caller speaks no language.", "Write the caller's languages, preferred first: [fr, en].")
    elif langs and not any(lang in m.LANGS for lang in langs):
        c.error(path + ("languages",), "S004", "the caller speaks none of the trainee's languages (fr, nl, en).",
                f"Add the one the trainee can talk to them in: [{', '.join(langs)}, en].")
    stress = number(raw.get("stress", 0), 0, whole=True)
    vague = number(raw.get("vague_above", 75), 75, whole=True)
    hang = number(raw.get("hangs_up_at", 100), 100, whole=True)
    hang_end = c.ref(path, raw, "hang_up_ending")
    if hang_end is not None and hang_end not in endings:
        c.error(path + ("hang_up_ending",), "R004", f"there is no ending '{hang_end}'.", _choices_hint(str(hang_end), endings))
    silence = c.text(path + ("silence",), raw["silence"], "the caller's silence line", in_call=True) if "silence" in raw else None
    on_hold = number(raw.get("on_hold", 2), 2)
    caller_name = word(raw.get("name"), default="")
    weak = strings(raw.get("weak_languages"))
    for i, lang in enumerate(weak):
        if lang not in langs:
            c.error(path + ("weak_languages", i), "S004", f"'{lang}' is a weak language but not one the caller speaks.",
                    f"Add it to 'languages' too (after the caller's own): [{', '.join((*langs, lang))}].")
    weak_line = c.text(path + ("weak_line",), raw["weak_line"], "the caller's weak-language line", in_call=True) \
        if "weak_line" in raw else None
    if not langs or not caller_name:
        return None
    return m.Caller(caller_name, langs, stress, vague, hang, hang_end, silence, float(on_hold), weak, weak_line)


def _truth(c: Checker, path, raw) -> dict[str, m.Fact]:
    out = {}
    for fid, item in obj(raw).items():
        fpath = path + (fid,)
        item = obj(item)
        if identifier(fid) is None or not item:
            continue
        kind = word(item.get("kind", "text"), [k.value for k in m.FactKind], "text")
        label = c.text(fpath + ("label",), item["label"], f"the label of '{fid}'") if "label" in item else None
        coords = c.coordinates(fpath + ("coordinates",), item["coordinates"], "coordinates") if "coordinates" in item else None
        if kind == "location" and "coordinates" not in item:
            c.error(fpath, "S002", f"the location '{fid}' has no coordinates.", "Add 'coordinates: [latitude, longitude]'.")
        tol = number(item.get("tolerance_km", 0.5), 0.5)
        accept = strings(item.get("accept"))
        if "value" in item and (item["value"] is None or str(item["value"]).strip() == ""):
            c.error(fpath + ("value",), "S002", f"the fact '{fid}' has no value.", "Write the true value the trainee must find.")
            continue
        if label is not None and "value" in item:
            out[fid] = m.Fact(fid, item["value"], m.FactKind(kind or "text"), label, coords, float(tol), accept)
    return out


def _node(c: Checker, path, node_id, raw, option_ids) -> m.Node | None:
    if not isinstance(raw, dict):
        return None
    speaker = word(raw.get("speaker", "caller"), [s.value for s in m.Speaker], "caller")
    say = c.lines(path + ("say",), raw["say"], f"what is said at '{node_id}'") if "say" in raw else None
    options = []
    for i, item in enumerate(items(raw.get("options"))):
        option = _option(c, path + ("options", i), item)
        if option is None:
            continue
        if option.id in option_ids:
            c.error(path + ("options", i, "id"), "R008", f"the option id '{option.id}' is used twice in this case.",
                    "Give each option its own id: it names the choice in transcripts and answers files.")
        option_ids[option.id] = path + ("options", i)
        options.append(option)
    languages = strings(raw.get("languages"))
    if languages and speaker in ("caller", "provider", "system"):
        c.error(path + ("languages",), "S004", f"'languages' says what another party speaks, not the {speaker}.",
                "The caller's languages go under 'caller:', a provider's in the directory; remove this line.",
                key=True)
    elif languages and not any(lang in m.LANGS for lang in languages):
        c.error(path + ("languages",), "S004", "the party at this node speaks none of the trainee's languages "
                "(fr, nl, en).", f"Add the one the trainee can use with them: [{', '.join(languages)}, en].")
    return m.Node(node_id, m.Speaker(speaker or "caller"), say, tuple(options), c.ref(path, raw, "end"), path,
                  languages)


def _option(c: Checker, path, raw) -> m.Option | None:
    raw = obj(raw)
    if not raw:
        return None
    oid = identifier(raw.get("id"))
    text = c.text(path + ("text",), raw["text"], f"the text of option '{oid}'", in_call=True) if "text" in raw else None
    tone = word(raw.get("tone", "neutral"), [t.value for t in m.Tone], "neutral")
    effects = _effects(c, path, raw, 30)
    when = c.condition(path + ("when",), raw["when"]) if "when" in raw else None
    reply = c.lines(path + ("reply",), raw["reply"], f"the reply to '{oid}'") if "reply" in raw else None
    debrief = c.text(path + ("debrief",), raw["debrief"], f"the debrief of '{oid}'", in_call=True) if "debrief" in raw else None
    repeatable = flag(raw.get("repeatable"))
    hold = flag(raw.get("hold"))
    action = _action(c, path + ("action",), raw["action"]) if "action" in raw else None
    if "goto" in raw and "end" in raw:
        c.error(path + ("end",), "S004", "an option cannot have both 'goto' and 'end'.", "Keep 'end' to finish the call, or 'goto' to go on.", key=True)
    if oid is None or text is None:
        return None
    steps = strings(raw.get("step"))
    deviations = _breaks(c, path + ("breaks",), raw.get("breaks"))
    says = _says(c, path + ("says",), raw["says"]) if "says" in raw else ()
    no_answer = c.lines(path + ("no_answer",), raw["no_answer"], f"what is heard when nobody answers '{oid}'") \
        if "no_answer" in raw else None
    if no_answer is not None and (action is None or action.type is not m.ActionType.CALL):
        c.error(path + ("no_answer",), "S004", "'no_answer' is what is heard when a call is not picked up, but this "
                "option makes no call.", "Add 'action: {type: call, to: hospital}', or remove 'no_answer'.", key=True)
    return m.Option(oid, text, steps[0] if steps else None, m.Tone(tone or "neutral"), effects, when,
                    reply, action, c.ref(path, raw, "goto"), c.ref(path, raw, "end"), bool(repeatable), debrief,
                    tuple(d.step for d in deviations), path, steps, deviations, bool(hold), says, no_answer)


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
    for item in [raw] if isinstance(raw, (str, dict)) else items(raw):
        if isinstance(item, dict) and isinstance(item.get("step"), str):
            out.append(m.Deviation(item["step"], deviation_level(item.get("level"))))
        elif isinstance(item, str):
            out.append(m.Deviation(item))
    return tuple(out)


def _action(c: Checker, path, raw) -> m.Action | None:
    raw = obj(raw)
    kind = word(raw.get("type"), [a.value for a in m.ActionType])
    if kind is None:
        return None
    kind = m.ActionType(kind)
    if kind is m.ActionType.RECORD and "field" not in raw:
        c.error(path, "S002", "a record action needs the 'field' the trainee types.", "Add 'field: plate' (a fact of the case).")
    if kind in (m.ActionType.DISPATCH, m.ActionType.BOOK):
        if "kind" not in raw:
            c.error(path, "S002", f"a {kind.value} action needs the 'kind' of provider.", "Add 'kind: tow' (or taxi, hotel, ...).")
    if kind is m.ActionType.CALL and "to" not in raw:
        c.error(path, "S002", "a call action needs 'to': who is called.", "Add 'to: hospital' (or family, embassy, ...).")
    providing = kind in (m.ActionType.DISPATCH, m.ActionType.BOOK)
    for key in ("needs", "near"):
        if key in raw and not providing:
            c.error(path + (key,), "S004", f"'{key}' belongs to a dispatch or a booking, not to a {kind.value} action.",
                    f"Remove '{key}', or make the action a 'dispatch' or a 'book'.", key=True)
    if "answers" in raw and kind is not m.ActionType.CALL:
        c.error(path + ("answers",), "S004", f"'answers' says when a called person picks up, not a {kind.value} action.",
                "Remove 'answers', or make the action a 'call'.", key=True)
    to = c.ref(path, raw, "to")
    return m.Action(kind, c.ref(path, raw, "field"), c.ref(path, raw, "kind"),
                    (to or "medical") if kind is m.ActionType.TRANSFER else to if kind is m.ActionType.CALL else None,
                    strings(raw["needs"]) if providing and "needs" in raw else None,
                    c.ref(path, raw, "near") if providing else None,
                    c.condition(path + ("answers",), raw["answers"]) if kind is m.ActionType.CALL and "answers" in raw
                    else None)


def _event(c: Checker, path, raw) -> m.Event | None:
    raw = obj(raw)
    if not raw:
        return None
    eid = identifier(raw.get("id"))
    at = c.duration(path + ("at",), raw["at"], "at") if "at" in raw else None
    when = c.condition(path + ("when",), raw["when"]) if "when" in raw else None
    if "at" not in raw and "when" not in raw:
        c.error(path, "S002", "the event has neither 'at' nor 'when'.", "Say when it happens: 'at: 25 min' or 'when: dispatched'.")
    speaker = word(raw.get("speaker", "caller"), [s.value for s in m.Speaker], "caller")
    say = c.lines(path + ("say",), raw["say"], f"what is said at event '{eid}'") if "say" in raw else None
    effects = _effects(c, path, raw, 0)
    if eid is None:
        return None
    return m.Event(eid, at, when, m.Speaker(speaker or "caller"), say, effects, c.ref(path, raw, "goto"),
                   c.ref(path, raw, "end"), path)

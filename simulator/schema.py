"""JSON Schema for scenario, rubric and provider files, generated from the loader's key tables.

Which keys an object has, and which are required, come from the loader's tables
(SCENARIO_KEYS, OPTION_KEYS, ...), so the schema cannot drift from what the loader
accepts; this module adds only the type of each key (TYPES) and a sentence for editors to
show on hover. The generated files are shipped in simulator/schema/ for VS Code's YAML
extension (`# yaml-language-server: $schema=...`) and printed by `plateau schema`.

`validate` checks a value against these schemas without any extra library: it knows the
keywords used here (draft-07), which is all the tests need to prove the loader and the
schema agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from simulator import loader as L
from simulator import model as m

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
DRAFT = "http://json-schema.org/draft-07/schema#"

IDENT = {"type": "string", "pattern": L._ID.pattern}
# The loader's duration grammar without its group names (Python and JavaScript name groups differently).
DURATION_PATTERN = re.sub(r"\(\?P<\w+>", "(", L._DURATION.pattern)
DURATION = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": DURATION_PATTERN}],
            "description": "Minutes as a number (5, 0.5) or a text: '30s', '2 min', '1h30'."}
TEXT = {"$ref": "#/definitions/text"}
LINES = {"anyOf": [TEXT, {"type": "array", "items": {"$ref": "#/definitions/variant"}}]}
CONDITION = {"type": ["string", "boolean"], "description": "A condition such as 'stress >= 70 and not located'."}
STRINGS = {"anyOf": [{"type": ["string", "null"]}, {"type": "array", "items": {"type": ["string", "integer"]}}]}
LANG_LIST = {"anyOf": [{"enum": list(m.LANGS)}, {"type": "array", "items": {"enum": list(m.LANGS)}}]}
COORDINATES = {"type": "array", "minItems": 2, "maxItems": 2,
               "items": [{"type": "number", "minimum": -90, "maximum": 90},
                         {"type": "number", "minimum": -180, "maximum": 180}],
               "description": "[latitude, longitude], for example [50.3961, 3.7779]."}
SCALAR = {"type": ["string", "number"]}
LEVEL = {"enum": ["critical", "major", "moderate", "minor"]}
STEP_OR_LEVELLED = {"anyOf": [{"type": "string"},
                              {"type": "object", "required": ["step"], "additionalProperties": False,
                               "properties": {"step": {"type": "string"}, "level": LEVEL}}]}
STEPS_WITH_LEVELS = {"anyOf": [STEP_OR_LEVELLED, {"type": "array", "items": STEP_OR_LEVELLED}]}


def _int(lo, hi, description=""):
    out = {"type": "integer", "minimum": lo, "maximum": hi}
    return {**out, "description": description} if description else out


def _num(lo, hi, description=""):
    out = {"type": "number", "minimum": lo, "maximum": hi}
    return {**out, "description": description} if description else out


def _enum(values, description=""):
    out = {"enum": list(values)}
    return {**out, "description": description} if description else out


def _map_of(ref: str, description: str, at_least_one: bool = True) -> dict:
    out = {"type": "object", "propertyNames": IDENT, "additionalProperties": {"$ref": f"#/definitions/{ref}"},
           "description": description}
    return {**out, "minProperties": 1} if at_least_one else out


def _list_of(ref: str, description: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/definitions/{ref}"}, "description": description}


def _d(schema: dict, description: str) -> dict:
    return {**schema, "description": description}


def _settings(criterion: str) -> dict:
    """The settings a criterion understands, from the loader's CRITERION_SETTINGS."""
    known = getattr(L, "CRITERION_SETTINGS", {}).get(criterion, {})
    kinds = {"number": _num(0, 100), "duration": DURATION, "targets": {"type": "object", "additionalProperties": DURATION,
                                                 "description": "Step -> time within which it should be done."}}
    return {"type": "object", "properties": {k: kinds[v] for k, v in known.items()}, "additionalProperties": False}


# The type of every key of every table: (table, definition name) -> key -> schema.
TYPES: dict[str, tuple[dict, dict[str, dict]]] = {
    "scenario": (L.SCENARIO_KEYS, {
        "id": _d(IDENT, "Short name used on the command line: lowercase letters, digits and '-'."),
        "version": _int(1, 10_000, "A whole number; raise it when you change the call's logic."),
        "title": TEXT, "summary": TEXT, "briefing": _d(TEXT, "Read by the trainee before the call."),
        "difficulty": _int(1, 5, "1 (first week) to 5 (senior agent)."),
        "minutes": _int(1, 240, "How long the call takes a trainee, roughly."),
        "rubric": {"type": "string", "description": "The rubric that scores the call: roadside, medical."},
        "clock_start": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}",
                        "description": "Local date and time when the phone rings: 2026-07-03T23:40."},
        "decision_seconds": _int(5, 600, "Simulated seconds a silence lasts: what the caller waits when the "
                                 "trainee says nothing in time (default 30)."),
        "think_seconds": _int(0, 300, "Timed mode: seconds to think on top of the time to read what is on "
                              "screen (default 10)."),
        "traffic": {"type": "object", "additionalProperties": {"$ref": "#/definitions/traffic"},
                    "description": "Delays for providers: '*' for all, or a provider id."},
        "endings": _map_of("ending", "How the call can end."),
        "cases": _map_of("case", "The call(s): one entry per caller."),
        "model": {"type": "array", "description": "The model call: the answers a senior agent would give "
                  "(option ids, or actions such as {type: input, value: GH-512-KL}).",
                  "items": {"anyOf": [{"type": "string"},
                                      {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}]}},
    }),
    "ending": (L.ENDING_KEYS, {
        "outcome": _enum([o.value for o in m.Outcome], "resolved, escalated, hung_up, unsafe or failed."),
        "title": TEXT,
        "debrief": _d(LINES, "What the debrief says of this ending: a text, or variants by what happened "
                      "(the first whose 'when' holds; the last has no 'when')."),
    }),
    "case": (L.CASE_KEYS, {
        "reference": _d(SCALAR, "The case number shown to the trainee."),
        "rings_at": _d(DURATION, "When this call comes in (default 0)."),
        "caller": {"$ref": "#/definitions/caller"},
        "truth": _map_of("fact", "The facts the trainee must find out.", at_least_one=False),
        "needs": _d(STRINGS, "Capabilities the right provider must have: [battery, offroad]."),
        "situation": _d(TEXT, "A few words shown beside this call while it waits, once answered "
                        "(several calls at once): 'van broken down on the R1 hard shoulder'."),
        "start": {"type": "string", "description": "The first node."},
        "nodes": _map_of("node", "What is said, and the trainee's options at that point."),
        "events": _list_of("event", "What happens on the clock."),
        "orders": {"type": "array", "description": "This caller's own levels for the rubric's order rules.",
                   "items": {"type": "object", "required": ["first", "then", "level"], "additionalProperties": False,
                             "properties": {"first": {"type": "string"}, "then": {"type": "string"}, "level": LEVEL}}},
    }),
    "caller": (L.CALLER_KEYS, {
        "name": {"type": "string"},
        "languages": _d(LANG_LIST, "Languages the caller speaks, preferred first: [nl, en]."),
        "stress": _int(0, 100, "Stress at the start, 0 (calm) to 100 (panic)."),
        "vague_above": _int(0, 100, "Above this stress the caller no longer gives precise facts (default 75)."),
        "hangs_up_at": _int(1, 100, "At this stress the caller hangs up (default 100)."),
        "hang_up_ending": {"type": "string", "description": "The ending reached when the caller hangs up."},
        "silence": _d(TEXT, "What the caller says when the agent stays silent."),
        "on_hold": _num(0, 50, "Stress added per simulated minute while on hold (default 2)."),
        "weak_languages": _d(LANG_LIST, "Languages the caller understands only poorly (also in 'languages')."),
        "weak_line": _d(TEXT, "What the caller says the first time they are answered in a weak language."),
    }),
    "fact": (L.FACT_KEYS, {
        "value": {"description": "The true value."},
        "kind": _enum([k.value for k in m.FactKind], "How a typed value is compared with the truth."),
        "label": TEXT, "coordinates": COORDINATES,
        "tolerance_km": _num(0, 100, "How far typed coordinates may be (default 0.5)."),
        "accept": _d(STRINGS, "Texts that count as the right location."),
    }),
    "node": (L.NODE_KEYS, {
        "speaker": _enum([s.value for s in m.Speaker], "Who speaks (default caller)."),
        "say": _d(LINES, "A text, or a list of variants: the first whose 'when' holds is said."),
        "options": _list_of("option", "What the trainee can say or do here."),
        "end": {"type": "string", "description": "Reaching this node ends the case with this ending."},
    }),
    "option": (L.OPTION_KEYS, {
        "id": _d(IDENT, "Unique within the case; used in transcripts and answers files."),
        "text": _d(TEXT, "What the trainee says (or does)."),
        "step": _d(STRINGS, "The procedure step(s) it performs, from the rubric: one, or a list for a behaviour "
                   "that shows several."),
        "tone": _enum([t.value for t in m.Tone], "The tone of the reply (default neutral)."),
        "stress": _int(-100, 100, "Stress change; without it the tone decides."),
        "minutes": _d(DURATION, "Simulated time it takes (default 30s)."),
        "when": _d(CONDITION, "Condition to be offered."),
        "set": _d(STRINGS, "Flags to set."), "unset": _d(STRINGS, "Flags to clear."),
        "reveal": _d(STRINGS, "Facts the caller gives in answer."),
        "reply": _d(LINES, "What the caller answers."),
        "action": {"$ref": "#/definitions/action"},
        "goto": {"type": "string", "description": "Next node (default: stay on this node)."},
        "end": {"type": "string", "description": "The ending reached."},
        "repeatable": {"type": "boolean", "description": "Offer it again after it was chosen."},
        "hold": {"type": "boolean", "description": "The agent puts this caller on hold to take another call: "
                 "the player switches to the next waiting call at once."},
        "debrief": _d(TEXT, "Shown in the debrief: why this choice was good or bad."),
        "says": {"type": "object", "additionalProperties": False,
                 "properties": {lang: {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
                                for lang in m.LANGS},
                 "description": "Free-text mode: other ways a trainee may say it, by language (fr:, nl:, en:), "
                                "each a list of sentences."},
        "breaks": _d(STEPS_WITH_LEVELS, "Procedure steps this choice goes against, with the level of the "
                     "deviation: [confirm_eta] or [{step: confirm_eta, level: major}]."),
    }),
    "action": (L.ACTION_KEYS, {
        "type": _enum([a.value for a in m.ActionType]),
        "field": {"type": "string", "description": "The fact the trainee types (record)."},
        "kind": _enum(m.PROVIDER_KINDS, "The kind of provider (dispatch, book)."),
        "to": _enum(m.TRANSFER_TARGETS, "Who the call is transferred to."),
    }),
    "event": (L.EVENT_KEYS, {
        "id": IDENT, "at": _d(DURATION, "Since the call started."), "when": CONDITION,
        "speaker": _enum([s.value for s in m.Speaker]), "say": LINES, "stress": _int(-100, 100),
        "set": STRINGS, "unset": STRINGS, "reveal": STRINGS,
        "goto": {"type": "string"}, "end": {"type": "string"},
    }),
    "variant": (L.VARIANT_KEYS, {"when": CONDITION, "text": TEXT}),
    "traffic": (L.TRAFFIC_KEYS, {"factor": _num(0.1, 10, "Travel time multiplier."),
                                 "delay": _d(DURATION, "Added to the arrival time.")}),
    "rubric": (L.RUBRIC_KEYS, {
        "id": IDENT, "title": TEXT,
        "pass_mark": _num(0, 100, "The overall score needed to pass."),
        "critical_cap": _num(0, 100, "The overall score is capped here when a critical step is missed."),
        "compliance": {"type": "object", "properties": {lv: _num(0, 100) for lv in L.COMPLIANCE_LEVELS},
                       "required": list(L.COMPLIANCE_LEVELS), "additionalProperties": False,
                       "description": "Lowest procedure score of each compliance level."},
        "levels": _list_of("level", "Level descriptors, best first."),
        "criteria": {"type": "object", "properties": {c: {"allOf": [{"$ref": "#/definitions/criterion"},
                                                                     {"properties": {"settings": _settings(c)}}]}
                                                      for c in L.CRITERIA},
                     "additionalProperties": False, "description": "Weights and settings of the criteria."},
        "protocol": _list_of("step", "The procedure steps, in order."),
        "deviations": {"type": "object", "additionalProperties": False,
                       "properties": {lv: _num(0, 100) for lv in ("major", "moderate", "minor")},
                       "description": "Procedure points each level of deviation costs (critical always fails)."},
        "passing_compliance": _d({"anyOf": [_enum(L.COMPLIANCE_LEVELS), {"type": "array", "items": _enum(L.COMPLIANCE_LEVELS)}]},
                                 "Compliance levels that can pass (default high_compliance, compliant)."),
    }),
    "level": (L.LEVEL_KEYS, {"min": _num(0, 100), "name": TEXT, "description": TEXT}),
    "criterion": (L.CRITERION_KEYS, {"weight": _num(0, 100), "levels": _list_of("level", "Own level descriptors."),
                                     "settings": {"type": "object"},
                                     "minimum": _num(0, 100, "Below this percentage the call cannot pass.")}),
    "step": (L.STEP_KEYS, {
        "id": IDENT, "label": TEXT, "critical": {"type": "boolean", "description": "Missing it fails the call."},
        "within": _d(DURATION, "Deadline since the call started."),
        "before": _d(STEPS_WITH_LEVELS, "Steps that must come after this one, with the level of doing them first."),
        "requires": _d(STEPS_WITH_LEVELS, "Steps that must come before this one, with the level of skipping ahead."),
        "weight": _num(0, 100), "why": TEXT,
        "optional": {"type": "boolean", "description": "Scored only in calls that offer it; lint does not ask for it."},
    }),
    "provider": (L.PROVIDER_KEYS, {
        "id": IDENT, "name": SCALAR, "kind": _enum(m.PROVIDER_KINDS), "place": SCALAR, "coordinates": COORDINATES,
        "capabilities": STRINGS,
        "hours": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                  "description": "'24/7' or ['Mon-Fri 07:00-19:00', 'Sat 08:00-12:00']."},
        "languages": STRINGS, "partner": {"type": "boolean", "description": "Under contract with us."},
        "cost": _num(0, 1_000_000, "Call-out cost in euro."), "speed_kmh": _num(5, 200), "phone": SCALAR,
        "note": _d(TEXT, "What an agent should know about this provider, in fr, nl and en."),
    }),
}

# Rules a key table cannot say.
def _when(key: str, values: list, then_required: str) -> dict:
    """'If key is one of values, then_required is required', in draft-07 words that every validator knows."""
    return {"anyOf": [{"not": {"required": [key], "properties": {key: {"enum": values}}}}, {"required": [then_required]}]}


EXTRA: dict[str, dict] = {
    "option": {"not": {"required": ["goto", "end"]}},
    "event": {"anyOf": [{"required": ["at"]}, {"required": ["when"]}]},
    "fact": _when("kind", ["location"], "coordinates"),
    "action": {"allOf": [_when("type", ["record"], "field"), _when("type", ["dispatch", "book"], "kind")]},
}
# Keys the loader requires although its table says optional: the caller can always hang up (hangs_up_at <= 100).
ALSO_REQUIRED: dict[str, list[str]] = {"caller": ["hang_up_ending"]}

ROOTS = {"scenario": "scenario", "rubric": "rubric", "providers": None}
SCHEMAS = ("scenario", "rubric", "providers")


def _definition(name: str) -> dict:
    table, types = TYPES[name]
    missing = [k for k in table if k not in types]
    if missing:
        raise KeyError(f"simulator/schema.py gives no type for {name} keys: {', '.join(missing)}")
    out = {"type": "object", "properties": {k: types[k] for k in table},
           "required": [k for k, required in table.items() if required] + ALSO_REQUIRED.get(name, []),
           "additionalProperties": False}
    return {**out, **EXTRA.get(name, {})}


_TEXT_DEF = {"type": "object", "description": "A text in French, Dutch and English.",
             "properties": {lang: {"anyOf": [{"type": "string", "pattern": r"\S"}, {"type": "number"}]} for lang in m.LANGS},
             "required": list(m.LANGS), "additionalProperties": False}


def build(kind: str) -> dict:
    """The JSON Schema of one kind of file: scenario, rubric or providers."""
    names = {"scenario": ["scenario", "ending", "case", "caller", "fact", "node", "option", "action", "event",
                          "variant", "traffic"],
             "rubric": ["rubric", "level", "criterion", "step"],
             "providers": ["provider"]}[kind]
    definitions = {"text": _TEXT_DEF, **{n: _definition(n) for n in names}}
    titles = {"scenario": "Plateau scenario", "rubric": "Plateau rubric", "providers": "Plateau provider directory"}
    head = {"$schema": DRAFT, "$id": f"https://plateau.invalid/schema/{kind}.schema.json", "title": titles[kind]}
    if kind == "providers":
        root = {"type": "object", "properties": {"providers": {"type": "array", "items": {"$ref": "#/definitions/provider"}}},
                "required": ["providers"], "additionalProperties": False}
    else:
        root = {"$ref": f"#/definitions/{kind}"}
    return {**head, **root, "definitions": definitions}


def schema_text(kind: str) -> str:
    return json.dumps(build(kind), ensure_ascii=False, indent=2) + "\n"


def shipped_path(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


# ------------------------------------------------------------------ validation

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def validate(value: Any, schema: dict) -> list[tuple[tuple, str]]:
    """Every (path, message) where `value` breaks `schema`; [] when it conforms."""
    errors: list[tuple[tuple, str]] = []
    _check(value, schema, schema, (), errors)
    return errors


def _resolve(root: dict, ref: str) -> dict:
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _check(value, schema: dict, root: dict, path: tuple, errors: list) -> None:
    if "$ref" in schema:
        _check(value, _resolve(root, schema["$ref"]), root, path, errors)
        return
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[k](value) for k in kinds):
            errors.append((path, f"expected {' or '.join(kinds)}"))
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append((path, f"not one of {schema['enum']}"))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append((path, f"does not match {schema['pattern']}"))
        if len(value) < schema.get("minLength", 0):
            errors.append((path, "too short"))
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append((path, f"below {schema['minimum']}"))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append((path, f"above {schema['maximum']}"))
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append((path, f"'{key}' is required"))
        props = schema.get("properties", {})
        for key, item in value.items():
            if "propertyNames" in schema:
                _check(key, schema["propertyNames"], root, path + (key,), errors)
            if key in props:
                _check(item, props[key], root, path + (key,), errors)
            elif schema.get("additionalProperties") is False:
                errors.append((path + (key,), "unknown key"))
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(item, schema["additionalProperties"], root, path + (key,), errors)
        if len(value) < schema.get("minProperties", 0):
            errors.append((path, "too few keys"))
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, list):
            for i, (item, sub) in enumerate(zip(value, items)):
                _check(item, sub, root, path + (i,), errors)
        elif isinstance(items, dict):
            for i, item in enumerate(value):
                _check(item, items, root, path + (i,), errors)
        if len(value) < schema.get("minItems", 0):
            errors.append((path, "too few items"))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((path, "too many items"))
    if "anyOf" in schema:
        if all(_sub_errors(value, s, root, path) for s in schema["anyOf"]):
            errors.append((path, "matches none of the allowed forms"))
    for sub in schema.get("allOf", ()):
        _check(value, sub, root, path, errors)
    if "not" in schema and not _sub_errors(value, schema["not"], root, path):
        errors.append((path, "has a form that is not allowed"))


def _sub_errors(value, schema, root, path) -> list:
    errors: list = []
    _check(value, schema, root, path, errors)
    return errors

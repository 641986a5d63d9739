"""Load scenario, rubric and provider files into the model, reporting every problem at once.

Each problem is `file:line:column: CODE message` with a hint. The positions of semantic
problems found after parsing (a `goto` to a node that does not exist) come from the
Document's path-to-position map, so they still point at the right line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from simulator import model as m
from simulator.durations import DURATION as _DURATION, parse_duration  # noqa: F401  (parse_duration: part of the loader's API)
from simulator.errors import Problem, ScenarioError, Severity
from simulator.expressions import (Condition, ExpressionError, Template, compile_condition,
                                   compile_template)
from simulator.yamlsource import Document, load_yaml, parse_yaml

# --- Keys each object accepts: name -> required. One place, used by the loader and the schema.

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
VARIANT_KEYS = {"when": False, "text": True}
TRAFFIC_KEYS = {"factor": False, "delay": False}
PROVIDER_KEYS = {"id": True, "name": True, "kind": True, "place": True, "coordinates": True,
                 "capabilities": False, "hours": False, "languages": False, "partner": False, "cost": False,
                 "speed_kmh": False, "phone": False, "note": False}
RUBRIC_KEYS = {"id": True, "title": True, "pass_mark": True, "critical_cap": False, "compliance": True,
               "levels": True, "criteria": True, "protocol": True, "deviations": False, "passing_compliance": False}
LEVEL_KEYS = {"min": True, "name": True, "description": True}
CRITERION_KEYS = {"weight": True, "levels": False, "settings": False, "minimum": False}
STEP_KEYS = {"id": True, "label": True, "critical": False, "within": False, "before": False, "requires": False,
             "weight": False, "why": False, "optional": False}
ORDER_KEYS = {"step": True, "level": False}
BREAK_KEYS = {"step": True, "level": False}
DEVIATION_LEVELS = tuple(level.value for level in m.DeviationLevel)

CRITERIA = ("calm", "procedure", "provider", "case_file", "timing", "language")
COMPLIANCE_LEVELS = ("high_compliance", "compliant", "partial", "low", "non_compliant")

# Names a condition or text may use besides the flags the scenario sets.
BUILTIN_NAMES = {"stress", "minutes", "time", "known", "file", "dispatched", "eta", "lang", "caller",
                 "provider", "reference", "booked", "weak_language"} | set(m.ACTION_FLAGS.values())

# Ranges the schema cannot state as a type: a duration (an option's minutes, an event's time, a deadline)
# lasts at most a day, and a call happens in years a clock can count on from there.
MAX_DURATION_SECONDS = 24 * 3600
CLOCK_YEARS = (1900, 2100)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HOURS = re.compile(r"^(?:(?P<d1>Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:-(?P<d2>Mon|Tue|Wed|Thu|Fri|Sat|Sun))?\s+)?(?P<a>\d{1,2}):(?P<am>\d{2})-(?P<b>\d{1,2}):(?P<bm>\d{2})$")
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

TYPE_NAMES = {str: "a text", int: "a whole number", float: "a number", bool: "true or false",
              dict: "a mapping (keys with ':')", list: "a list (lines starting with '-')"}


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def suggest(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint, or '' when nothing is close."""
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'?" if close else ""


def _choices_hint(word: str, choices: Iterable[str]) -> str:
    choices = sorted(choices)
    guess = suggest(word, choices)
    listed = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    return (guess + " " if guess else "") + f"Possible values: {listed}."


MAX_PROBLEMS = 200


class TooManyProblems(Exception):
    """Raised inside a Checker once MAX_PROBLEMS are found: past that, a file is not worth reading on."""


class Checker:
    """Collects problems while reading a Document; never stops at the first one (up to MAX_PROBLEMS)."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, path, code: str, message: str, hint: str = "", *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(tuple(path), code, message, hint, key=key))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems()

    def too_many(self) -> ScenarioError:
        first = self.problems[0]
        return ScenarioError(self.problems + [Problem(
            first.file, first.line, first.column, "P008",
            f"there are more than {MAX_PROBLEMS} problems in this file; reading stopped there.",
            "Fix the first problems, or check that this is really a scenario file.")])

    def where(self, path: tuple) -> str:
        """'file:line:column' of the value at `path`, as problems show it."""
        position = self.doc.at(path)
        return f"{self.doc.name}:{position.line}:{position.column}"

    def warn(self, path, code: str, message: str, hint: str = "", *, key: bool = False) -> None:
        p = self.doc.problem(tuple(path), code, message, hint, key=key)
        self.problems.append(Problem(p.file, p.line, p.column, p.code, p.message, p.hint, Severity.WARNING))

    # --- shapes

    def mapping(self, path: tuple, value: Any, keys: dict[str, bool], what: str) -> dict:
        if not isinstance(value, dict):
            self.error(path, "S003", f"{what} must be {TYPE_NAMES[dict]}, not {_type_name(value)}.",
                       "Write it as 'key: value' lines, indented under its name.")
            return {}
        for key in value:
            if key not in keys:
                guess = suggest(key, keys)
                self.error(path + (key,), "S001", f"unknown key '{key}' in {what}.",
                           guess or f"Keys allowed here: {', '.join(keys)}.", key=True)
        for key, required in keys.items():
            if required and key not in value:
                self.error(path, "S002", f"{what} has no '{key}'.", f"Add a '{key}:' line to {what}.", key=bool(path))
        return value

    def typed(self, path: tuple, value: Any, kind: type | tuple, what: str, default=None):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            names = " or ".join(TYPE_NAMES[k] for k in kinds if not (k is int and float in kinds))
            self.error(path, "S003", f"{what} must be {names}, not {_type_name(value)}.",
                       "Check the value after the ':'.")
            return default
        return value

    def number(self, path, value, what, lo=None, hi=None, default=None, whole=False):
        v = self.typed(path, value, int if whole else (int, float), what, default)
        if v is default:
            return default
        if isinstance(v, float) and not math.isfinite(v):  # .inf and .nan pass every comparison test below
            self.error(path, "S004", f"{what} must be a number between {lo} and {hi}, not {_yaml_number(v)}.",
                       f"Use a value from {lo} to {hi}.")
            return default
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            self.error(path, "S004", f"{what} must be between {lo} and {hi}, not {v}.", f"Use a value from {lo} to {hi}.")
            return default
        return v

    def choice(self, path, value, choices: Iterable[str], what: str, default=None):
        choices = list(choices)
        if value is None:
            self.error(path, "S002", f"{what} is empty.", _choices_hint("", choices))
            return default
        if not isinstance(value, str) or value not in choices:
            self.error(path, "S004", f"{what} cannot be '{value}'.", _choices_hint(str(value), choices))
            return default
        return value

    def ref(self, path, raw: dict, key: str) -> str | None:
        """A reference by name (goto, end, start...): a plain word, or None when absent or malformed."""
        if key not in raw or raw[key] is None:
            return None
        value = raw[key]
        if not isinstance(value, str):
            self.error(path + (key,), "S003", f"'{key}' must name one thing, not {_type_name(value)}.",
                       f"Write a single name after '{key}:'.")
            return None
        return value

    def ident(self, path, value, what: str) -> str | None:
        if value is None:
            self.error(path, "S002", f"{what} is empty.", "Write a name: lowercase letters, digits, '-' and '_'.")
            return None
        if not isinstance(value, str) or not _ID.match(value):
            self.error(path, "S004", f"{what} '{value}' is not a valid name.",
                       "Use lowercase letters, digits, '-' and '_', starting with a letter or digit.")
            return None
        return value

    def strings(self, path, value, what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, "S003", f"{what} must be a list, not {_type_name(value)}.", "Write it as [a, b].")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                self.error(path + (i,), "S003", f"each item of {what} must be a text.", "Write it as [a, b].")
            else:
                out.append(str(item))
        return tuple(out)

    # --- values with a grammar

    def text(self, path: tuple, value: Any, what: str, *, in_call: bool = False) -> m.Text | None:
        """A text in fr, nl and en. `in_call`: said or shown during the call, so it may hold `{{ }}`
        placeholders (their names are checked against the case later); other texts (titles, briefing,
        endings, labels) are shown outside any call, where a placeholder has nothing to fill it."""
        if isinstance(value, str):
            self.error(path, "T001", f"{what} is written in one language only.",
                       "Write it as a mapping with fr:, nl: and en: lines.")
            return None
        if not isinstance(value, dict):
            self.error(path, "S003", f"{what} must be a text in fr, nl and en, not {_type_name(value)}.",
                       "Write it as a mapping with fr:, nl: and en: lines.")
            return None
        templates: dict[str, Template] = {}
        for lang, text in value.items():
            if lang not in m.LANGS:
                if text is None and not _ID.match(str(lang)):
                    self.error(path + (lang,), "T003", f"a comma cuts {what} in two.",
                               "Inside { }, a comma ends the text: put the whole text between double quotes.", key=True)
                else:
                    self.error(path + (lang,), "T002", f"unknown language '{lang}' in {what}.",
                               _choices_hint(str(lang), m.LANGS), key=True)
                continue
            if not isinstance(text, (str, int, float)) or isinstance(text, bool) or str(text).strip() == "":
                self.error(path + (lang,), "T001", f"the {lang} text of {what} is empty or not a text.",
                           f"Write the {lang} text after '{lang}:'.")
                continue
            try:
                templates[lang] = compile_template(str(text))
            except ExpressionError as exc:
                self.error(path + (lang,), exc.code, exc.message, exc.hint)
                continue
            if not templates[lang].plain:  # so that a limit met in play says where the text is written
                templates[lang] = dataclasses.replace(templates[lang], where=self.where(path + (lang,)))
            if not in_call and not templates[lang].plain:
                self.error(path + (lang,), "X002", f"the {lang} text of {what} has a '{{{{ }}}}' placeholder, but it is "
                           "shown outside the call, where nothing fills it in.",
                           "Write the text in full; placeholders work in what is said during the call "
                           "(say, reply, option texts and debriefs, events, the silence line).")
        missing = [lang for lang in m.LANGS if lang not in value]
        if missing:
            self.error(path, "T001", f"{what} has no {' or '.join(missing)} translation.",
                       f"Add a '{missing[0]}:' line with the translation.")
        return m.Text(templates) if len(templates) == len(m.LANGS) else None

    def lines(self, path: tuple, value: Any, what: str, *, in_call: bool = True) -> m.Lines | None:
        if isinstance(value, list):
            variants = []
            for i, item in enumerate(value):
                item = self.mapping(path + (i,), item, VARIANT_KEYS, f"variant {i + 1} of {what}")
                cond = self.condition(path + (i, "when"), item["when"]) if "when" in item else None
                text = self.text(path + (i, "text"), item.get("text"), what, in_call=in_call) if "text" in item else None
                if text is not None:
                    variants.append(m.Variant(cond, text))
            return m.Lines(tuple(variants))
        text = self.text(path, value, what, in_call=in_call)
        return m.Lines((m.Variant(None, text),)) if text else None

    def duration(self, path: tuple, value: Any, what: str) -> int | None:
        seconds = parse_duration(value)
        if seconds is None:
            shown = _yaml_number(value) if isinstance(value, float) else value
            self.error(path, "D001", f"{what} '{shown}' is not a duration.",
                       "Write minutes as a number (5, 0.5) or as a text: '30s', '2 min', '1h30'.")
        elif seconds > MAX_DURATION_SECONDS:
            self.error(path, "D003", f"{what} '{value}' is longer than a day ({MAX_DURATION_SECONDS // 60:,} minutes).",
                       "Simulated times are minutes or hours: write the time this step really takes, such as "
                       "'5 min' or '2h'.")
            return None
        return seconds

    def condition(self, path: tuple, value: Any) -> Condition | None:
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, str):
            self.error(path, "S003", f"a condition must be a text, not {_type_name(value)}.",
                       "Write it as 'stress >= 70 and not located'.")
            return None
        try:
            return dataclasses.replace(compile_condition(value), where=self.where(path))
        except ExpressionError as exc:
            self.error(path, exc.code, exc.message, exc.hint)
            return None

    def coordinates(self, path, value, what) -> tuple[float, float] | None:
        if (not isinstance(value, list) or len(value) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
            self.error(path, "S003", f"{what} must be [latitude, longitude].", "For example [50.3961, 3.7779].")
            return None
        lat, lon = float(value[0]), float(value[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.error(path, "S004", f"{what} [{lat}, {lon}] is not on Earth: latitude is between -90 and 90, longitude between -180 and 180.",
                       "Check that latitude comes first (Belgium is around [50.5, 4.5]).")
            return None
        return lat, lon


def _yaml_number(value: float) -> str:
    """A number as YAML writes it: '.inf' and '.nan' rather than Python's 'inf' and 'nan'."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return str(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    for kind in (bool, int, float, str, dict, list):
        if isinstance(value, kind):
            return TYPE_NAMES[kind]
    return type(value).__name__


# ------------------------------------------------------------------ scenarios


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
    _check_ending_names(c, endings, cases)
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


def _check_ending_names(c: Checker, endings: dict[str, m.Ending], cases: dict[str, m.Case]) -> None:
    """An ending's debrief variants read the state of the case that ended: its flags and the built-in names."""
    names = set(BUILTIN_NAMES)
    for case in cases.values():
        for node in case.nodes.values():
            for option in node.options:
                names.update(option.effects.set, option.effects.unset)
        for event in case.events:
            names.update(event.effects.set, event.effects.unset)
    for ending in endings.values():
        for i, variant in enumerate(ending.variants.variants if ending.variants else ()):
            if variant.when is None:
                continue
            for name in sorted(variant.when.names.names):
                if name not in names:
                    c.error(("endings", ending.id, "debrief", i, "when"), "R007",
                            f"'{name}' is neither a flag set in this scenario nor a known variable.",
                            suggest(name, names) or "Flags exist once an option or event sets them ('set: [name]').")


def _model_actions(c: Checker, raw) -> tuple[dict, ...]:
    """The model call: the answers a senior agent would give, in the answers-file form."""
    out = []
    for i, item in enumerate(_list(c, ("model",), raw, "model")):
        if isinstance(item, str):
            item = {"type": "choose", "option": item}
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
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
                               for i, item in enumerate(_list(c, path + ("events",), raw.get("events"), "events"))) if e)
    _check_references(c, path, raw, nodes, events, truth, endings, rubric, caller, raw_nodes or {})
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
    for i, item in enumerate(_list(c, path, raw, "orders")):
        item = c.mapping(path + (i,), item, CASE_ORDER_KEYS, "an order rule")
        if not all(isinstance(item.get(k), str) for k in CASE_ORDER_KEYS):
            continue
        level = _level(c, path + (i, "level"), item["level"])
        known = {(o.first, o.then) for o in rubric.orders} if rubric is not None else None
        if known is not None and (item["first"], item["then"]) not in known:
            rules = ", ".join(f"{a} before {b}" for a, b in sorted(known))
            c.error(path + (i,), "R002", f"the '{rubric.id}' rubric has no rule '{item['first']} before {item['then']}'.",
                    f"A case can only change the level of a rule of its rubric: {rules}.")
            continue
        if level is not None:
            out[(item["first"], item["then"])] = m.Order(item["first"], item["then"], level)
    return out


def _list(c: Checker, path, value, what) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        c.error(path, "S003", f"{what} must be a list (lines starting with '-'), not {_type_name(value)}.",
                "Start each item with '- '.")
        return []
    return value


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
    for i, item in enumerate(_list(c, path + ("options",), raw.get("options"), "options")):
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


def _level(c: Checker, path, value) -> m.DeviationLevel | None:
    level = c.choice(path, value, DEVIATION_LEVELS, "the level")
    return m.DeviationLevel(level) if level else None


def _breaks(c: Checker, path, raw) -> tuple[m.Deviation, ...]:
    """`breaks: [confirm_eta]` or `breaks: [{step: confirm_eta, level: major}]`."""
    out = []
    for i, item in enumerate([raw] if isinstance(raw, (str, dict)) else _list(c, path, raw, "breaks")):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, dict):
            item = c.mapping(p, item, BREAK_KEYS, "what the option breaks")
            if "step" in item and isinstance(item["step"], str):
                out.append(m.Deviation(item["step"], _level(c, p + ("level",), item["level"]) if "level" in item else None))
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


def _check_references(c: Checker, path, raw, nodes, events, truth, endings, rubric, caller, raw_nodes) -> None:
    """Every goto, end, step, fact and flag named in a case must exist."""
    node_ids = list(raw_nodes)
    start = raw.get("start")
    if "start" in raw and start is None:
        c.error(path + ("start",), "S002", "'start' names no node.", "Write the name of the node the call starts at.")
    elif start is not None and not isinstance(start, str):
        c.error(path + ("start",), "S003", f"'start' must name one node, not {_type_name(start)}.", "Write the first node's name.")
    elif start is not None and start not in raw_nodes:
        c.error(path + ("start",), "R001", f"the start node '{start}' does not exist.", _choices_hint(str(start), node_ids))
    flags = set()
    for node in nodes.values():
        for option in node.options:
            flags.update(option.effects.set, option.effects.unset)
    for event in events:
        flags.update(event.effects.set, event.effects.unset)
    names = BUILTIN_NAMES | flags
    steps = list(rubric.protocol) if rubric is not None else None

    def check_effects(p, effects):
        for key in ("reveal",):
            for i, fact in enumerate(getattr(effects, key)):
                if fact not in truth:
                    c.error(p + (key, i), "R003", f"there is no fact '{fact}' in this case's truth.", _choices_hint(fact, truth))

    def check_target(p, goto, end):
        if goto is not None and goto not in raw_nodes:
            c.error(p + ("goto",), "R001", f"there is no node '{goto}' in this case.", _choices_hint(str(goto), node_ids))
        if end is not None and end not in endings:
            c.error(p + ("end",), "R004", f"there is no ending '{end}'.", _choices_hint(str(end), endings))

    def check_names(p, names_of):
        for name in sorted(names_of.names):
            if name not in names:
                c.error(p, "R007", f"'{name}' is neither a flag set in this case nor a known variable.",
                        suggest(name, names) or "Flags exist once an option or event sets them ('set: [name]').")
        for obj, attr in sorted(names_of.attributes):
            if obj in ("known", "file") and attr not in truth:
                c.error(p, "R003", f"there is no fact '{attr}' in this case's truth.", _choices_hint(attr, truth))

    def check_text(p, text):
        for lang, template in text.values.items() if text is not None else ():
            check_names(p + (lang,), template.names)

    def check_lines(p, lines):
        if lines is None:
            return
        varied = c.doc.positions.get(p + (0, "text")) is not None  # a list of variants, not one text
        for i, variant in enumerate(lines.variants):
            if variant.when is not None:
                check_names(p + (i, "when"), variant.when.names)
            check_text(p + (i, "text") if varied else p, variant.text)

    for node in nodes.values():
        check_target(node.origin, None, node.end)
        check_lines(node.origin + ("say",), node.say)
        if not node.options and node.end is None:
            c.error(node.origin, "R009", f"the node '{node.id}' has no option and no end: the call would be stuck there.",
                    "Add options, or 'end: ENDING' to finish the call here.", key=True)
        for option in node.options:
            p = option.origin
            check_target(p, option.goto, option.end)
            check_effects(p, option.effects)
            check_lines(p + ("reply",), option.reply)
            check_text(p + ("text",), option.text)
            check_text(p + ("debrief",), option.debrief)
            if option.when is not None:
                check_names(p + ("when",), option.when.names)
            many = isinstance(c.doc.data_at(p + ("step",)), list)
            for i, step_id in enumerate(option.steps):
                if steps is not None and step_id not in steps:
                    c.error(p + ("step", i) if many else p + ("step",), "R002",
                            f"the step '{step_id}' is not in the '{rubric.id}' rubric's protocol.", _choices_hint(step_id, steps))
            listed = isinstance(c.doc.data_at(p + ("breaks",)), list)
            for i, broken in enumerate(option.breaks):
                if steps is not None and broken not in steps:
                    at = p + ("breaks", i) if listed else p + ("breaks",)
                    if isinstance(c.doc.data_at(at), dict):
                        at = at + ("step",)
                    c.error(at, "R002", f"the step '{broken}' is not in the '{rubric.id}' rubric's protocol.",
                            _choices_hint(broken, steps))
            if option.action and option.action.type is m.ActionType.RECORD and option.action.field not in truth:
                c.error(p + ("action", "field"), "R003", f"there is no fact '{option.action.field}' to record.", _choices_hint(str(option.action.field), truth))
    for event in events:
        check_target(event.origin, event.goto, event.end)
        check_effects(event.origin, event.effects)
        check_lines(event.origin + ("say",), event.say)
        if event.when is not None:
            check_names(event.origin + ("when",), event.when.names)
    if caller is not None:
        check_text(path + ("caller", "silence"), caller.silence)
    if caller is not None and caller.hangs_up_at <= 100 and caller.hang_up_ending is None:
        c.error(path + ("caller",), "S002", "the caller can hang up but 'hang_up_ending' is missing.",
                "Add 'hang_up_ending: NAME' naming an ending with outcome hung_up.")


# ------------------------------------------------------------------ providers


def load_directory(paths: Iterable[Path]) -> m.Directory:
    """Load every provider file; raise ScenarioError listing every problem across them."""
    providers: list[m.Provider] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(paths):
        try:
            doc = load_yaml(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        c = Checker(doc)
        try:
            root = c.mapping((), doc.data, {"providers": True}, "the provider file")
            for i, raw in enumerate(_list(c, ("providers",), root.get("providers"), "providers")):
                provider = _provider(c, ("providers", i), raw)
                if provider is None:
                    continue
                if provider.id in seen:
                    c.error(("providers", i, "id"), "R008", f"the provider id '{provider.id}' is already used in {seen[provider.id]}.",
                            "Give each provider its own id.")
                    continue
                seen[provider.id] = doc.name
                providers.append(provider)
        except TooManyProblems:
            problems.extend(c.too_many().problems)
            continue
        problems.extend(c.problems)
    if problems:
        raise ScenarioError(problems)
    return m.Directory(tuple(providers))


def _provider(c: Checker, path, raw) -> m.Provider | None:
    raw = c.mapping(path, raw, PROVIDER_KEYS, "the provider")
    if not raw or any(k not in raw for k, req in PROVIDER_KEYS.items() if req):
        return None
    pid = c.ident(path + ("id",), raw["id"], "the provider id")
    kind = c.choice(path + ("kind",), raw["kind"], m.PROVIDER_KINDS, "the provider kind")
    coords = c.coordinates(path + ("coordinates",), raw["coordinates"], "coordinates")
    hours_raw = raw.get("hours", "24/7")
    hours = _hours(c, path + ("hours",), hours_raw)
    speed = c.number(path + ("speed_kmh",), raw.get("speed_kmh", 50), "speed_kmh", 5, 200, default=50)
    cost = c.number(path + ("cost",), raw.get("cost", 0), "cost", 0, 1_000_000, default=0)
    partner = c.typed(path + ("partner",), raw.get("partner", False), bool, "partner", default=False)
    if pid is None or kind is None or coords is None or hours is None:
        return None
    note = c.text(path + ("note",), raw["note"], f"the note on provider '{pid}'") if "note" in raw else None
    hours_text = hours_raw if isinstance(hours_raw, str) else ", ".join(map(str, hours_raw))
    return m.Provider(pid, str(raw["name"]), kind, str(raw["place"]), coords,
                      frozenset(c.strings(path + ("capabilities",), raw.get("capabilities"), "capabilities")),
                      hours, c.strings(path + ("languages",), raw.get("languages"), "languages"),
                      bool(partner), int(cost), float(speed), str(raw.get("phone", "")), hours_text, note)


def _hours(c: Checker, path, raw) -> tuple[m.Hours, ...] | None:
    if raw == "24/7":
        return m.ALWAYS_OPEN
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if items is None:
        c.error(path, "S003", "hours must be '24/7' or a list such as ['Mon-Fri 07:00-19:00'].", "See 'Providers' in docs/authoring.md.")
        return None
    out = []
    for i, item in enumerate(items):
        match = _HOURS.match(str(item).strip())
        p = path + (i,) if isinstance(raw, list) else path
        if not match:
            c.error(p, "D002", f"'{item}' is not an opening time.", "Write 'Mon-Fri 07:00-19:00', 'Sat 08:00-12:00' or '24/7'.")
            continue
        d1 = _DAYS.index(match["d1"]) if match["d1"] else 0
        d2 = _DAYS.index(match["d2"]) if match["d2"] else (d1 if match["d1"] else 6)
        days = frozenset(range(d1, d2 + 1)) if d1 <= d2 else frozenset(list(range(d1, 7)) + list(range(0, d2 + 1)))
        start = int(match["a"]) * 60 + int(match["am"])
        end = int(match["b"]) * 60 + int(match["bm"])
        if start >= 24 * 60 or end > 24 * 60:
            c.error(p, "D002", f"'{item}' is not an opening time.", "Hours go from 00:00 to 24:00.")
            continue
        out.append(m.Hours(days, start, end))
    return tuple(out) if out else None


# ------------------------------------------------------------------ rubrics


def load_rubric(path: Path | str) -> m.Rubric:
    path = Path(path)
    return build_rubric(load_yaml(path), content_hash(path.read_bytes()))


def build_rubric(doc: Document, digest: str = "") -> m.Rubric:
    c = Checker(doc)
    try:
        return _build_rubric(c, doc, digest)
    except TooManyProblems:
        raise c.too_many() from None


def _build_rubric(c: Checker, doc: Document, digest: str) -> m.Rubric:
    root = c.mapping((), doc.data, RUBRIC_KEYS, "the rubric")
    if not root:
        raise ScenarioError(c.problems)
    rid = c.ident(("id",), root.get("id"), "the rubric id") if "id" in root else None
    title = c.text(("title",), root["title"], "the title") if "title" in root else None
    pass_mark = c.number(("pass_mark",), root.get("pass_mark"), "pass_mark", 0, 100, default=70) if "pass_mark" in root else 70
    cap = c.number(("critical_cap",), root.get("critical_cap", min(pass_mark - 1, 49)), "critical_cap", 0, 100, default=49)
    if cap >= pass_mark:
        c.error(("critical_cap",), "S004", f"critical_cap ({cap}) must be below the pass mark ({pass_mark}).",
                "A missed critical step must make the call fail: lower critical_cap.")
    compliance = _compliance(c, root.get("compliance"))
    levels = _levels(c, ("levels",), root.get("levels"))
    criteria = {}
    raw_criteria = root.get("criteria")
    if isinstance(raw_criteria, dict):
        for cid, raw in raw_criteria.items():
            cpath = ("criteria", cid)
            if cid not in CRITERIA:
                c.error(cpath, "R010", f"there is no criterion '{cid}'.", _choices_hint(str(cid), CRITERIA), key=True)
                continue
            raw = c.mapping(cpath, raw, CRITERION_KEYS, f"the criterion '{cid}'")
            if not raw:
                continue
            weight = c.number(cpath + ("weight",), raw.get("weight"), "weight", 0, 100, default=None) if "weight" in raw else None
            own = _levels(c, cpath + ("levels",), raw["levels"]) if "levels" in raw else levels
            settings = _criterion_settings(c, cpath + ("settings",), cid, raw.get("settings"))
            minimum = c.number(cpath + ("minimum",), raw["minimum"], "minimum", 0, 100) if "minimum" in raw else None
            if weight is not None:
                criteria[cid] = m.Criterion(cid, float(weight), dict(settings), own,
                                            float(minimum) if minimum is not None else None)
    elif "criteria" in root:
        c.error(("criteria",), "S003", "criteria must be a mapping of criterion names.", f"Criteria: {', '.join(CRITERIA)}.")
    protocol = {}
    placed = []
    orders: list[tuple[tuple, str, str, m.DeviationLevel | None]] = []  # (path, first, then, level)
    for i, raw in enumerate(_list(c, ("protocol",), root.get("protocol"), "protocol")):
        step = _step(c, ("protocol", i), raw, orders)
        if step is None:
            continue
        if step.id in protocol:
            c.error(("protocol", i, "id"), "R008", f"the step '{step.id}' is defined twice.", "Keep one definition per step.")
        protocol[step.id] = step
        placed.append((i, step))
    rules: dict[tuple[str, str], m.Order] = {}
    for at, first, then, level in orders:
        for name in (first, then):
            if name not in protocol:
                c.error(at, "R002", f"the step '{name}' is not in this protocol.", _choices_hint(str(name), protocol))
        if first in protocol and then in protocol:
            # Breaking the order of a critical step is a critical failure unless the rubric says otherwise.
            default = m.DeviationLevel.CRITICAL if protocol[first].critical else m.DeviationLevel.MODERATE
            rules[(first, then)] = m.Order(first, then, level or default)
    costs = dict(m.DEFAULT_DEVIATION_COSTS)
    raw_costs = root.get("deviations")
    if raw_costs is not None:
        if not isinstance(raw_costs, dict):
            c.error(("deviations",), "S003", "deviations must map levels to the procedure points they cost.",
                    "For example 'major: 15', 'moderate: 8', 'minor: 3' (a critical deviation always fails the call).")
        else:
            for level, cost in raw_costs.items():
                if level not in ("major", "moderate", "minor"):
                    c.error(("deviations", level), "S001", f"'{level}' is not a level with a cost.",
                            "Levels with a cost: major, moderate, minor. A critical deviation fails the call: it has no cost.",
                            key=True)
                    continue
                value = c.number(("deviations", level), cost, level, 0, 100)
                if value is not None:
                    costs[level] = float(value)
    passing = tuple(c.strings(("passing_compliance",), root.get("passing_compliance"), "passing_compliance")) \
        or ("high_compliance", "compliant")
    for i, level in enumerate(passing):
        if level not in COMPLIANCE_LEVELS:
            c.error(("passing_compliance", i), "S004", f"there is no compliance level '{level}'.",
                    _choices_hint(level, COMPLIANCE_LEVELS))
    if "timing" in criteria:
        for step in criteria["timing"].settings.get("targets") or {}:
            if step not in protocol:
                c.error(("criteria", "timing", "settings", "targets", step), "R002", f"the step '{step}' is not in this protocol.",
                        _choices_hint(str(step), protocol), key=True)
    if c.problems:
        raise ScenarioError(c.problems)
    return m.Rubric(rid, title, float(pass_mark), float(cap), compliance, criteria, protocol, doc.name, digest,
                    tuple(rules.values()), costs, passing)


# Settings each criterion understands: name -> kind ("number" 0-100, or "targets": step -> duration).
CRITERION_SETTINGS = {
    "calm": {"curt_penalty": "number", "alarming_penalty": "number", "silence_penalty": "number",
             "calm_bonus_drop": "number"},
    "timing": {"targets": "targets", "help_within": "duration"},
}


def _criterion_settings(c: Checker, path, cid: str, raw) -> dict:
    if raw is None:
        return {}
    known = CRITERION_SETTINGS.get(cid, {})
    if not isinstance(raw, dict):
        c.error(path, "S003", f"settings must be a mapping, not {_type_name(raw)}.", "See docs/rubrics.md.")
        return {}
    out = {}
    for key, value in raw.items():
        kind = known.get(key)
        if kind is None:
            c.error(path + (key,), "S001", f"the criterion '{cid}' has no setting '{key}'.",
                    suggest(key, known) or (f"Settings here: {', '.join(known)}." if known else "This criterion has no settings."),
                    key=True)
        elif kind == "number":
            number = c.number(path + (key,), value, key, 0, 100)
            if number is not None:
                out[key] = number
        elif kind == "duration":
            if c.duration(path + (key,), value, key) is not None:
                out[key] = value
        elif kind == "targets":
            if not isinstance(value, dict):
                c.error(path + (key,), "S003", "targets must map steps to durations.", "For example 'safety_check: 3 min'.")
                continue
            out[key] = {step: target for step, target in value.items()
                        if c.duration(path + (key, step), target, f"the target for '{step}'") is not None}
    return out


def _compliance(c: Checker, raw) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, dict):
        c.error(("compliance",), "S003", "compliance must map each level to its lowest procedure score.",
                "For example 'high_compliance: 90', down to 'non_compliant: 0'.")
        return ()
    for key in raw:
        if key not in COMPLIANCE_LEVELS:
            c.error(("compliance", key), "S001", f"unknown compliance level '{key}'.", _choices_hint(str(key), COMPLIANCE_LEVELS), key=True)
    bands = []
    for level in COMPLIANCE_LEVELS:
        if level not in raw:
            c.error(("compliance",), "S002", f"the compliance level '{level}' has no lowest score.", f"Add '{level}: NUMBER'.")
            continue
        value = c.number(("compliance", level), raw[level], level, 0, 100)
        if value is not None:
            bands.append((level, float(value)))
    for (hi, hi_min), (lo, lo_min) in zip(bands, bands[1:]):
        if lo_min >= hi_min:
            c.error(("compliance", lo), "S005", f"the bands overlap: '{lo}' starts at {lo_min:g}, not below '{hi}' ({hi_min:g}).",
                    "Each level must start lower than the one above it.")
    if bands and bands[-1][1] != 0:
        c.error(("compliance", bands[-1][0]), "S005", f"the bands leave a gap: scores below {bands[-1][1]:g} have no level.",
                f"Set '{bands[-1][0]}: 0'.")
    return tuple(bands)


def _levels(c: Checker, path, raw) -> tuple[m.Level, ...]:
    out = []
    for i, item in enumerate(_list(c, path, raw, "levels")):
        item = c.mapping(path + (i,), item, LEVEL_KEYS, "the level")
        if not item or "min" not in item:
            continue
        low = c.number(path + (i, "min"), item["min"], "min", 0, 100)
        name = c.text(path + (i, "name"), item.get("name"), "the level name") if "name" in item else None
        desc = c.text(path + (i, "description"), item.get("description"), "the level description") if "description" in item else None
        if low is not None and name and desc:
            out.append(m.Level(float(low), name, desc))
    out.sort(key=lambda level: -level.min)
    if out and out[-1].min != 0:
        c.error(path, "S005", f"the levels leave a gap: scores below {out[-1].min:g} have no level.", "Give the lowest level 'min: 0'.")
    return tuple(out)


def _order_items(c: Checker, path, raw, what: str) -> list[tuple[tuple, str, m.DeviationLevel | None]]:
    """`before: [identify]` or `before: [{step: identify, level: major}]` (likewise `requires`)."""
    out = []
    items = [raw] if isinstance(raw, (str, dict)) else _list(c, path, raw, what)
    for i, item in enumerate(items):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, dict):
            item = c.mapping(p, item, ORDER_KEYS, f"an item of '{what}'")
            if isinstance(item.get("step"), str):
                out.append((p + ("step",), item["step"], _level(c, p + ("level",), item["level"]) if "level" in item else None))
        elif isinstance(item, str):
            out.append((p, item, None))
        else:
            c.error(p, "S003", f"each item of '{what}' must be a step, or a mapping with 'step' and 'level'.",
                    "Write [identify] or [{step: identify, level: major}].")
    return out


def _step(c: Checker, path, raw, orders: list) -> m.Step | None:
    raw = c.mapping(path, raw, STEP_KEYS, "the step")
    if not raw or "id" not in raw:
        return None
    sid = c.ident(path + ("id",), raw["id"], "the step id")
    label = c.text(path + ("label",), raw["label"], f"the label of '{sid}'") if "label" in raw else None
    critical = c.typed(path + ("critical",), raw.get("critical", False), bool, "critical", default=False)
    within = c.duration(path + ("within",), raw["within"], "within") if "within" in raw else None
    before_items = _order_items(c, path + ("before",), raw.get("before"), "before")
    before = tuple(name for _, name, _ in before_items)
    if sid is not None:
        orders.extend((at, sid, name, level) for at, name, level in before_items)
        orders.extend((at, name, sid, level) for at, name, level in _order_items(c, path + ("requires",), raw.get("requires"), "requires"))
    weight = c.number(path + ("weight",), raw.get("weight", 1), "weight", 0, 100, default=1)
    why = c.text(path + ("why",), raw["why"], f"the explanation of '{sid}'") if "why" in raw else None
    optional = c.typed(path + ("optional",), raw.get("optional", False), bool, "optional", default=False)
    if critical and optional:
        c.error(path + ("optional",), "S004", "a critical step cannot be optional.",
                "A critical step must be possible in every call of this rubric: remove 'optional' or 'critical'.")
    if sid is None or label is None:
        return None
    return m.Step(sid, label, bool(critical), within, before, float(weight), why, bool(optional))

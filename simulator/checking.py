"""Read values out of a parsed YAML Document, collecting every problem found along the way.

The Checker checks shapes (a mapping with these keys, a number in a range, a name from a list) and
values with a grammar (texts in three languages, conditions, durations, coordinates); each problem
gets its `file:line:column`, a stable code and a hint. The scenario, rubric and provider loaders
(simulator.loader, simulator.rubric_loader, simulator.directory_loader) all read through it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from typing import Any, Iterable

from simulator import model as m
from simulator.durations import parse_duration
from simulator.errors import Problem, ScenarioError, Severity
from simulator.expressions import Condition, ExpressionError, Template, compile_condition, compile_template
from simulator.yamlsource import Document

# Keys of a text variant (`- {when: ..., text: ...}`): name -> required. The other tables are with
# their loaders (simulator.loader, simulator.rubric_loader, simulator.directory_loader).
VARIANT_KEYS = {"when": False, "text": True}
DEVIATION_LEVELS = tuple(level.value for level in m.DeviationLevel)

# A range the schema cannot state as a type: a duration (an option's minutes, an event's time, a
# deadline) lasts at most a day.
MAX_DURATION_SECONDS = 24 * 3600

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

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

    # --- shared readers

    def list_of(self, path, value, what) -> list:
        """The items of a list; none (with a problem when something else is written) otherwise."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, "S003", f"{what} must be a list (lines starting with '-'), not {_type_name(value)}.",
                       "Start each item with '- '.")
            return []
        return value

    def deviation_level(self, path, value) -> m.DeviationLevel | None:
        """How serious breaking a step or an order rule is: critical, major, moderate or minor."""
        level = self.choice(path, value, DEVIATION_LEVELS, "the level")
        return m.DeviationLevel(level) if level else None


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

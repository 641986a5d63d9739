"""Read values out of a parsed YAML Document, collecting every problem found along the way.

The shape of a file (its keys, the type, choices and range of each value) is its JSON Schema's
business (simulator.shape). The Checker checks values with a grammar (texts in three languages,
conditions, durations, coordinates) and collects every problem; each gets its `file:line:column`, a
stable code and a hint. The scenario, rubric and provider loaders
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
    """Collects problems while reading a Document; never stops at the first one (up to MAX_PROBLEMS).

    The shape of a file (keys, types, choices, ranges) is checked against its JSON Schema first
    (simulator.shape); the loaders then read values with the lenient readers below, which never
    report: what they skip, the schema has reported. A problem of the loader's own (a translation, a
    duration, a reference) says more than the schema's at the same place: `settle` keeps only it."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []
        self._paths: list[tuple[tuple, bool]] = []  # (path, found by the schema), beside each problem

    def error(self, path, code: str, message: str, hint: str = "", *, key: bool = False, shape: bool = False) -> None:
        self.problems.append(self.doc.problem(tuple(path), code, message, hint, key=key))
        self._paths.append((tuple(path), shape))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems()

    def settle(self) -> list[Problem]:
        """Drop each schema problem the loader words better: at the same place, or inside a list or a
        value the loader reports as a whole (coordinates not on Earth, a malformed duration)."""
        own = {path for path, shape in self._paths if not shape}
        kept = [(problem, (path, shape)) for problem, (path, shape) in zip(self.problems, self._paths)
                if not shape or not any(path[:n] in own and (n == len(path) or not isinstance(self.doc.data_at(path[:n]), dict))
                                        for n in range(len(path) + 1))]
        self.problems = [problem for problem, _ in kept]
        self._paths = [where for _, where in kept]
        return self.problems

    def too_many(self) -> ScenarioError:
        self.settle()
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
        self._paths.append((tuple(path), False))

    def ref(self, path, raw: dict, key: str) -> str | None:
        """A reference by name (goto, end, start...): a plain word, or None when absent or malformed."""
        value = raw.get(key)
        return value if isinstance(value, str) else None

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

    def said(self, path: tuple, value: Any, what: str) -> m.Text | None:
        """A line someone says in the call: a text in fr, nl and en, or in a fourth language (`es: ...`) with an
        optional `gloss:` in fr, nl and en, shown as said."""
        foreign = [lang for lang in value if lang in m.FOREIGN_LANGS] if isinstance(value, dict) else []
        if not foreign:
            return self.text(path, value, what, in_call=True)
        said_in = foreign[0]
        for lang in value:
            if lang in m.LANGS:
                self.error(path + (lang,), "T002", f"{what} is said in '{said_in}': its {lang} version is a gloss.",
                           f"Put the fr, nl and en versions under 'gloss:', beside '{said_in}:'.", key=True)
            elif lang != "gloss" and lang != said_in:
                self.error(path + (lang,), "T002", f"{what} is said in one language, '{said_in}', not also in '{lang}'.",
                           "Keep one language for a line said abroad; give its meaning under 'gloss:'.", key=True)
        words = value[said_in]
        if not isinstance(words, (str, int, float)) or isinstance(words, bool) or str(words).strip() == "":
            self.error(path + (said_in,), "T001", f"the {said_in} text of {what} is empty or not a text.",
                       f"Write what is said after '{said_in}:'.")
            return None
        try:
            original = compile_template(str(words))
        except ExpressionError as exc:
            self.error(path + (said_in,), exc.code, exc.message, exc.hint)
            return None
        gloss = self.text(path + ("gloss",), value["gloss"], f"the gloss of {what}", in_call=True) \
            if "gloss" in value else None
        return m.Text(gloss.values if gloss is not None else {}, said_in, original)

    def lines(self, path: tuple, value: Any, what: str, *, in_call: bool = True) -> m.Lines | None:
        """What someone says, as one text or a list of variants; during the call (`in_call`) a line may be
        in a fourth language (see `said`)."""
        def read(at: tuple, item: Any) -> m.Text | None:
            return self.said(at, item, what) if in_call else self.text(at, item, what, in_call=False)
        if isinstance(value, list):
            variants = []
            for i, item in enumerate(value):
                item = obj(item)
                cond = self.condition(path + (i, "when"), item["when"]) if "when" in item else None
                text = read(path + (i, "text"), item.get("text")) if "text" in item else None
                if text is not None:
                    variants.append(m.Variant(cond, text))
            return m.Lines(tuple(variants))
        text = read(path, value)
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



# --- lenient readers: a value of the right shape, or a default. They never report: the schema has.


def obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list:
    return value if isinstance(value, list) else []


def number(value: Any, default=None, *, whole: bool = False):
    kinds = int if whole else (int, float)
    ok = isinstance(value, kinds) and not isinstance(value, bool) and math.isfinite(value)
    return value if ok else default


def flag(value: Any, default: bool = False) -> bool:
    return value if isinstance(value, bool) else default


def word(value: Any, choices: Iterable[str] | None = None, default=None):
    """A text, one of `choices` when given."""
    ok = isinstance(value, str) and (choices is None or value in choices)
    return value if ok else default


def identifier(value: Any) -> str | None:
    """A name (an id, a case or node name): lowercase letters, digits, '-' and '_'."""
    return value if isinstance(value, str) and _ID.match(value) else None


def strings(value: Any) -> tuple[str, ...]:
    """`a` or `[a, b]`: the texts (numbers read as texts)."""
    listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(str(v) for v in listed if isinstance(v, (str, int)) and not isinstance(v, bool))


def deviation_level(value: Any) -> m.DeviationLevel | None:
    """How serious breaking a step or an order rule is: critical, major, moderate or minor."""
    return m.DeviationLevel(value) if value in DEVIATION_LEVELS else None


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

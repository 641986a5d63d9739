"""Read a YAML file into plain Python values, keeping the position of every key and value.

Scenario, rubric and provider files come from instructors and from the internet, so this
reader is built from PyYAML's event stream rather than a constructor: it never builds a
Python object from a tag, never recurses (a 10,000-deep file cannot exhaust the stack),
and counts what aliases expand to (a "billion laughs" file is refused, not expanded).
Semantic checks run later on the values; `Document.at(path)` still gives them the line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from simulator.errors import Position, Problem, ScenarioError, display_path

try:  # the C parser is much faster; PyYAML without libyaml falls back to pure Python.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_VALUES = 100_000

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
# What YAML 1.1 accepts in a file (PyYAML's own test), and names for the characters met in practice.
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_CHARACTER_NAMES = {"\x0b": "vertical tab", "\x0c": "form feed", "\x08": "backspace", "\x1b": "escape",
                    "\x7f": "delete", "\x1a": "end of file (Ctrl-Z)"}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

Path_ = tuple  # a path into the document: keys and list indexes, e.g. ("cases", "lea", "nodes")


@dataclass
class Document:
    """Plain values from one YAML file, and where each of them was written."""

    name: str
    data: Any
    positions: dict[tuple, Position] = field(default_factory=dict)
    key_positions: dict[tuple, Position] = field(default_factory=dict)

    def at(self, path: tuple) -> Position:
        """Position of the value at `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Position(1, 1))

    def key_at(self, path: tuple) -> Position:
        """Position of the key that names `path` (for unknown or duplicate keys)."""
        path = tuple(path)
        return self.key_positions.get(path) or self.at(path)

    def data_at(self, path: tuple) -> Any:
        """The value written at `path`, or None when there is none."""
        value = self.data
        for part in path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        return value

    def problem(self, path: tuple, code: str, message: str, hint: str = "", *, key: bool = False) -> Problem:
        pos = self.key_at(path) if key else self.at(path)
        return Problem(self.name, pos.line, pos.column, code, message, hint)


def load_yaml(path: Path | str) -> Document:
    """Read and parse a YAML file; raise ScenarioError with a positioned problem if it is unusable."""
    path = Path(path)
    name = display_path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError([Problem(name, 1, 1, "P000", f"cannot read this file ({exc.strerror}).",
                                     "Check the file name and that you may read it.")]) from None
    if size > MAX_BYTES:
        raise ScenarioError([Problem(name, 1, 1, "P002",
                                     f"the file is {size / 1_000_000:.1f} MB; a scenario file is at most {MAX_BYTES // 1_000_000} MB.",
                                     "Split it, or check that this is really a scenario file.")])
    return parse_yaml(path.read_bytes(), name)


def parse_yaml(source: bytes | str, name: str) -> Document:
    """Parse YAML text into a Document. All refusals are ScenarioError with a position."""
    text = _decode(source, name)
    builder = _Builder(name)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Position.from_mark(mark) if mark else Position(1, 1)
        what = (exc.problem or exc.context or "unexpected text").rstrip(".")
        if "nesting depth" in what:  # libyaml's own limit, met before ours when it scans ahead
            raise ScenarioError([Problem(name, pos.line, pos.column, "P003",
                                         f"the file is nested more than {MAX_DEPTH} levels deep.",
                                         "A scenario needs far fewer levels: check the indentation.")]) from None
        raise ScenarioError([Problem(name, pos.line, pos.column, "P001",
                                     f"the YAML cannot be read here: {what}.",
                                     "Check the indentation of this line and of the one above (spaces, not tabs), and put texts that contain ': ' or start with a special character between quotes.")]) from None
    except (yaml.YAMLError, UnicodeError) as exc:  # a lone surrogate in a str makes the C parser's encoding fail
        found = _NOT_PRINTABLE.search(text)  # a reader error: the reader found a character it refuses
        if found is not None:
            raise ScenarioError([_bad_character(name, text, found.start())]) from None
        raise ScenarioError([Problem(name, 1, 1, "P001", f"the YAML cannot be read: {exc}.",
                                     "Check that this is a YAML text file.")]) from None
    return builder.document()


def _at(text: str, index: int) -> tuple[int, int]:
    """Line and column (from 1) of a character of `text`, as an editor counts them."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _bad_character(name: str, text: str, index: int) -> Problem:
    """A character YAML does not allow, at its own line and column (the reader gives only an offset, in bytes
    for the C parser)."""
    character = text[index]
    described = f"U+{ord(character):04X}"
    if character in _CHARACTER_NAMES:
        described = f"{_CHARACTER_NAMES[character]}, {described}"
    line, column = _at(text, index)
    what = "an invisible control character" if unicodedata.category(character) == "Cc" else "a character"
    return Problem(name, line, column, "P001",
                   f"the YAML cannot be read here: it holds {what} ({described}) that YAML does not allow.",
                   "Delete it: editors seldom show it, and it often comes with text pasted from a word processor or "
                   "a web page.")


def _decode(source: bytes | str, name: str) -> str:
    if isinstance(source, str):
        text = source
        if len(text) > MAX_BYTES:
            raise ScenarioError([Problem(name, 1, 1, "P002", f"the text is {len(text) / 1_000_000:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB.",
                                         "Split it, or check that this is really a scenario file.")])
    else:
        if len(source) > MAX_BYTES:
            raise ScenarioError([Problem(name, 1, 1, "P002", f"the text is {len(source) / 1_000_000:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB.",
                                         "Split it, or check that this is really a scenario file.")])
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            before = source[: exc.start]
            line = before.count(b"\n") + 1
            column = exc.start - (before.rfind(b"\n") + 1) + 1
            raise ScenarioError([Problem(name, line, column, "P007",
                                         "this is not UTF-8 text (a binary file, or another encoding).",
                                         "Save the file as UTF-8 in your editor.")]) from None
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _at(text, nul)
        raise ScenarioError([Problem(name, line, column, "P007", "this file contains binary data, not text.",
                                     "Open a scenario file saved as UTF-8 text.")])
    return text


class _Frame:
    __slots__ = ("value", "path", "key", "key_pos", "anchor", "start", "pos", "is_map")

    def __init__(self, value, path, anchor, pos, start):
        self.value = value
        self.path = path
        self.key = _NO_KEY
        self.key_pos = None
        self.anchor = anchor
        self.start = start  # values counted when this one opened, itself included
        self.pos = pos
        self.is_map = isinstance(value, dict)


_NO_KEY = object()


class _Builder:
    """Turns a stream of parser events into values, positions and anchors, without recursion."""

    def __init__(self, name: str):
        self.name = name
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.has_root = False
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.total = 0
        self.positions: dict[tuple, Position] = {}
        self.key_positions: dict[tuple, Position] = {}
        self.resolver = _Loader("")  # used only for its resolver and scalar constructors

    def fail(self, mark, code: str, message: str, hint: str):
        pos = Position.from_mark(mark)
        raise ScenarioError([Problem(self.name, pos.line, pos.column, code, message, hint)])

    def document(self) -> Document:
        return Document(self.name, self.root, self.positions, self.key_positions)

    def _child_path(self, mark) -> tuple | None:
        """Path of the value about to be added; None when it is a mapping key."""
        if not self.stack:
            if self.has_root:
                self.fail(mark, "P001", "the file holds more than one YAML document.",
                          "Remove the '---' line: a scenario is one document.")
            return ()
        top = self.stack[-1]
        if top.is_map:
            if top.key is _NO_KEY:
                return None
            return top.path + (top.key,)
        return top.path + (len(top.value),)

    def _count(self, n: int, mark):
        self.total += n
        if self.total > MAX_VALUES:
            self.fail(mark, "P004", f"this file holds more than {MAX_VALUES:,} values; a scenario needs far fewer.",
                      "Check that this is a scenario file; '&' anchors and '*' aliases repeated inside each other multiply values.")

    def _add(self, value, mark, size: int):
        if not self.stack:
            self.root, self.has_root = value, True
            return
        top = self.stack[-1]
        if top.is_map:
            if top.key is _NO_KEY:
                if isinstance(value, (dict, list)):
                    self.fail(mark, "S003", "a key must be a plain word, not a list or a mapping.",
                              "Write the key as a single word followed by ':'.")
                if value in top.value:
                    self.fail(mark, "P006", f"the key '{value}' is written twice in the same place.",
                              "Keep one of them: YAML would silently ignore the first.")
                top.key = value
                top.key_pos = Position.from_mark(mark)
                return
            path = top.path + (top.key,)
            top.value[top.key] = value
            self.key_positions[path] = top.key_pos
            top.key = _NO_KEY
        else:
            top.value.append(value)

    def _check_tag(self, event, allowed: set[str] | str):
        tag = event.tag
        if tag is None or tag == "!":
            return
        allowed = {allowed} if isinstance(allowed, str) else allowed
        if tag not in allowed:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(event.start_mark, "P005", f"the tag '{shown}' is not allowed in a scenario file.",
                      "Remove the tag: scenario files hold only texts, numbers, lists and mappings.")

    def feed(self, event):
        kind = type(event)
        mark = event.start_mark
        if kind is yaml.ScalarEvent:  # most events: tested first
            self._check_tag(event, _SCALAR_TAGS)
            self._count(1, mark)
            value = self._scalar(event)
            path = self._child_path(mark)
            if path is not None:
                self.positions[path] = Position.from_mark(mark)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self._add(value, mark, 1)
            return
        if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            return
        if kind is yaml.DocumentStartEvent:
            if self.has_root:
                self.fail(event.start_mark, "P001", "the file holds more than one YAML document.",
                          "Remove the '---' line: a scenario is one document.")
            return
        if kind is yaml.AliasEvent:
            if event.anchor not in self.anchors:
                self.fail(mark, "P001", f"the alias '*{event.anchor}' names no anchor.", "Define '&name' before using '*name'.")
            value, size = self.anchors[event.anchor]
            self._count(size, mark)
            path = self._child_path(mark)
            if path is not None:
                self.positions[path] = Position.from_mark(mark)
            self._add(value, mark, size)
            return
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            is_map = kind is yaml.MappingStartEvent
            self._check_tag(event, _MAP_TAG if is_map else _SEQ_TAG)
            if len(self.stack) >= MAX_DEPTH:
                self.fail(mark, "P003", f"the file is nested more than {MAX_DEPTH} levels deep.",
                          "A scenario needs far fewer levels: check the indentation.")
            path = self._child_path(mark)
            if path is None:
                self.fail(mark, "S003", "a key must be a plain word, not a list or a mapping.",
                          "Write the key as a single word followed by ':'.")
            self._count(1, mark)
            self.positions[path] = Position.from_mark(mark)
            self.stack.append(_Frame({} if is_map else [], path, event.anchor, mark, self.total))
            return
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self.stack.pop()
            count = self.total - frame.start + 1  # itself and every value inside, aliases expanded
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.value, count)
            self._add(frame.value, frame.pos, count)
            return

    def _scalar(self, event):
        if event.tag in (None, "!"):
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        else:
            tag = event.tag
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            return self.resolver.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError):
            self.fail(event.start_mark, "S003", f"'{event.value}' is not a valid value here.",
                      "Put it between quotes if it is a text.")

"""A file's shape checked against its JSON Schema, each error told as the loader tells problems.

The schemas (simulator/schema/*.schema.json) say which keys each object has, which are required,
and the type, choices and range of each value. `check_shape` validates a parsed file with
`jsonschema` and turns every error into a positioned problem with a hint:

    additionalProperties -> S001 unknown key (did you mean...?)   at the key
    required             -> S002 missing key                     at the object
    type                 -> S003 wrong type ("a whole number")   at the value
    enum, minimum, maximum, pattern, minItems... -> S004 value not allowed (choices, range)

Validating costs ~90 ms to import jsonschema and ~50 ms for a large call, against a first prompt of
a few hundred: so a file whose content has passed once is not validated again. The content hashes
that passed are kept in a small cache (`validated.json` in the user cache folder, under
PLATEAU_HOME when it is set), keyed by the schema's own hash, so that a new schema checks every
file again; an unreadable cache is ignored and rewritten.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from simulator.checking import _ID, Checker, _choices_hint, _type_name, content_hash, suggest
from simulator.schema import SCHEMAS, shipped_path

CACHE_FILE = "validated.json"
MAX_REMEMBERED = 2000

TYPE_WORDS = {"string": "a text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "object": "a mapping (keys with ':')", "array": "a list (lines starting with '-')", "null": "empty"}
TYPE_HINTS = {"object": "Write it as 'key: value' lines, indented under its name.",
              "array": "Start each item with '- '."}
NAME_HINT = "Use lowercase letters, digits, '-' and '_', starting with a letter or digit."

Problem = tuple[tuple, str, str, str, bool]  # (path, code, message, hint, at the key)


def check_shape(c: Checker, kind: str, digest: str = "") -> None:
    """Add to `c` a problem for each place where its document breaks the `kind` schema.

    Skipped when a file with this content (`digest`) has passed before; remembered when it passes."""
    key = f"{kind}:{_schema_hash(kind)}:{digest}" if digest else ""
    if key and key in _remembered():
        return
    found = sorted(problems(c.doc.data, kind), key=lambda p: _place(c, p))
    for path, code, message, hint, at_key in found:
        c.error(path, code, message, hint, key=at_key, shape=True)
    if key and not found:
        remember(key)


def problems(data: Any, kind: str) -> list[Problem]:
    """Every shape problem of `data` against the `kind` schema, as (path, code, message, hint, key)."""
    out: list[Problem] = []
    for error in validator(kind).iter_errors(data):
        out.extend(_mapped(error))
    seen: set = set()
    return [p for p in out if not (p[:3] in seen or seen.add(p[:3]))]  # type: ignore[func-returns-value]


def _place(c: Checker, problem: Problem) -> tuple[int, int]:
    path, *_, at_key = problem
    position = c.doc.key_at(path) if at_key else c.doc.at(path)
    return position.line, position.column


# ------------------------------------------------------------------ the validator


def _finite_number(checker, value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole_number(checker, value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@lru_cache(maxsize=None)
def validator(kind: str):
    """A draft-07 validator where .nan and .inf are not numbers, and 3.0 is not a whole number (as in the loader)."""
    import jsonschema  # type: ignore[import-untyped]  # ~90 ms: only when a file is validated

    checker = jsonschema.Draft7Validator.TYPE_CHECKER.redefine_many({"number": _finite_number,
                                                                     "integer": _whole_number})
    cls = jsonschema.validators.extend(jsonschema.Draft7Validator, type_checker=checker)
    return cls(json.loads(shipped_path(kind).read_text(encoding="utf-8")))


@lru_cache(maxsize=None)
def _schema_hash(kind: str) -> str:
    return content_hash(shipped_path(kind).read_bytes())


# ------------------------------------------------------------------ errors to problems


def _mapped(error) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if "propertyNames" in error.relative_schema_path:  # a name written as a key: cases, nodes, facts...
        what = error.schema.get("title", "the name")
        yield path + (value,), "S004", f"{what} '{value}' is not a valid name.", NAME_HINT, True
    elif keyword in ("anyOf", "oneOf"):
        yield from _alternatives(error, path)
    elif keyword == "not":
        return  # a rule between keys ('goto' or 'end', not both): the loader says it in its own words
    elif keyword == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in value:
            if key not in allowed:
                hint = suggest(key, allowed) or (f"Keys allowed here: {', '.join(allowed)}." if allowed else
                                                 "Nothing can be written here.")
                yield path + (key,), "S001", f"unknown key '{key}' in {_title(schema, path, 'this mapping')}.", hint, True
    elif keyword == "required":
        what = _title(schema, path, "this mapping")
        for key in error.validator_value:
            if key not in value:
                yield path, "S002", f"{what} has no '{key}'.", f"Add a '{key}:' line to {what}.", bool(path)
    elif keyword == "type":
        yield _wrong_type(path, schema, value, _types(error.validator_value))
    elif keyword == "enum":
        what = _name(schema, path)
        choices = [str(v) for v in error.validator_value]
        if value is None:
            yield path, "S002", f"{what} is empty.", _choices_hint("", choices), False
        else:
            yield path, "S004", f"{what} cannot be '{value}'.", _choices_hint(str(value), choices), False
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        yield path, "S004", f"{_name(schema, path)} must be {_range(schema)}, not {value}.", _use(schema), False
    elif keyword == "pattern" and error.validator_value == _ID.pattern:
        yield path, "S004", f"{_name(schema, path)} '{value}' is not a valid name.", NAME_HINT, False
    elif keyword == "pattern":
        yield path, "S004", f"{_name(schema, path)} '{value}' is not written as expected.", _described(schema), False
    elif keyword in ("minItems", "maxItems", "minProperties"):
        count = error.validator_value
        many = {"minItems": f"at least {count} item", "maxItems": f"at most {count} item",
                "minProperties": f"at least {count} entr"}[keyword]
        many += ("s" if count != 1 else "") if keyword != "minProperties" else ("ies" if count != 1 else "y")
        yield path, "S004", f"{_name(schema, path)} must have {many}.", _described(schema), False
    else:  # a keyword these schemas do not use yet: jsonschema's own words, still positioned
        yield path, "S004", f"{_name(schema, path)}: {error.message}.", _described(schema), False


def _alternatives(error, path: tuple) -> Iterator[Problem]:
    """anyOf/oneOf: the problems of the form the author meant, or one 'must be X or Y' when no form fits."""
    subs = error.context or []
    if subs and all(s.validator in ("required", "not") and len(s.absolute_path) == len(path) for s in subs):
        return  # a rule between keys ('at' or 'when'; a location has coordinates): the loader words it
    branches: dict[Any, list] = {}
    for sub in subs:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errors for errors in branches.values()
             if not any(e.validator == "type" and len(e.absolute_path) == len(path) for e in errors)]
    if meant:
        # The form meant: the one that knows the most of the keys written (a line said in Spanish with a French
        # version beside it is a foreign line), then the one whose problems lie deepest.
        def unknown(errors: list) -> int:
            return sum(len([k for k in e.instance if k not in e.schema.get("properties", {})])
                       for e in errors if e.validator == "additionalProperties" and len(e.absolute_path) == len(path))
        for sub in max(meant, key=lambda errors: (-unknown(errors), max(len(e.absolute_path) for e in errors))):
            yield from _mapped(sub)
        return
    kinds: list[str] = []
    for errors in branches.values():
        for e in errors:
            kinds.extend(k for k in _types(e.validator_value) if k not in kinds)
    yield _wrong_type(path, error.schema, error.instance, kinds)


def _wrong_type(path: tuple, schema: dict, value: Any, kinds: list[str]) -> Problem:
    what = _name(schema, path)
    if isinstance(value, float) and not math.isfinite(value) and "minimum" in schema and "maximum" in schema:
        return path, "S004", f"{what} must be a number {_range(schema)}, not {_yaml_number(value)}.", _use(schema), False
    found = _yaml_number(value) if isinstance(value, float) and not math.isfinite(value) else _type_name(value)
    words = [TYPE_WORDS.get(k, k) for k in kinds if k != "null" and not (k == "integer" and "number" in kinds)]
    hint = TYPE_HINTS.get(kinds[0], "Check the value after the ':'.") if len(kinds) == 1 else _described(schema)
    return path, "S003", f"{what} must be {' or '.join(words)}, not {found}.", hint, False


def _types(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _title(schema: dict, path: tuple, default: str) -> str:
    title = schema.get("title")
    if not title:
        return f"'{path[-1]}'" if path and isinstance(path[-1], str) else default
    return title.replace("{key}", str(path[-1]) if path else "")


def _name(schema: dict, path: tuple) -> str:
    """What a value is called in a problem: its object's title, else its key, else 'each item of' its list."""
    if schema.get("title"):
        return _title(schema, path, "")
    if path and isinstance(path[-1], str):
        return str(path[-1])
    if len(path) > 1 and isinstance(path[-2], str):
        return f"each item of {path[-2]}"
    return "the value" if path else "the file"


def _range(schema: dict) -> str:
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None and hi is not None:
        return f"between {lo} and {hi}"
    return f"at least {lo}" if lo is not None else f"at most {hi}"


def _use(schema: dict) -> str:
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None and hi is not None:
        return f"Use a value from {lo} to {hi}."
    return f"Use a value of at least {lo}." if lo is not None else f"Use a value of at most {hi}."


def _described(schema: dict) -> str:
    return schema.get("description") or "See docs/authoring.md for what can be written here."


def _yaml_number(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    return ".inf" if value > 0 else "-.inf"


# ------------------------------------------------------------------ the cache of files that passed


def cache_path() -> Path:
    """validated.json in the user cache folder; under PLATEAU_HOME when it is set (tests, portable installs)."""
    env = os.environ.get("PLATEAU_HOME")
    if env:
        return Path(env).expanduser() / "cache" / CACHE_FILE
    from platformdirs import user_cache_path
    return user_cache_path("plateau", appauthor=False) / CACHE_FILE


_memory: dict[Path, list[str]] = {}


def _remembered() -> set[str]:
    path = cache_path()
    if path not in _memory:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            keys = data.get("validated") if isinstance(data, dict) else None
            _memory[path] = [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []
        except (OSError, ValueError):
            _memory[path] = []  # missing, unreadable or corrupt: validate again, then rewrite it
    return set(_memory[path])


def remember(key: str) -> None:
    """Record that content passed, atomically; a cache that cannot be written only costs time."""
    _remembered()
    path = cache_path()
    keys = [k for k in _memory[path] if k != key] + [key]
    _memory[path] = keys[-MAX_REMEMBERED:]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".validated-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"validated": _memory[path]}, out)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def forget() -> None:
    """Drop what this process remembers of the cache (tests)."""
    _memory.clear()


__all__ = ["SCHEMAS", "cache_path", "check_shape", "forget", "problems", "remember", "validator"]

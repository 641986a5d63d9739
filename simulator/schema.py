"""The JSON Schemas of scenario, rubric and provider files: simulator/schema/*.schema.json.

These files are the one statement of which keys each object has, which are required, and the type,
choices and range of each value; they are edited by hand. The loader checks a file's shape against
them (simulator.shape, with `jsonschema`), VS Code's YAML extension completes and checks from them
(`# yaml-language-server: $schema=...`), and `plateau schema` prints them.

A definition's `title` names the object in problems ("unknown key 'tnoe' in the option."); `{key}`
stands for its name in the file ("the case '{key}'"). Enumerations shared with the engine (tones,
outcomes, provider kinds...) are checked against simulator.model by tests/test_schema.py.
"""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMAS = ("scenario", "rubric", "providers")


def shipped_path(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


def schema_text(kind: str) -> str:
    """The schema of one kind of file, as shipped: scenario, rubric or providers."""
    return shipped_path(kind).read_text(encoding="utf-8")


def load(kind: str) -> dict:
    return json.loads(schema_text(kind))


def definitions(kind: str) -> dict[str, dict]:
    """The named object definitions of a schema: 'scenario', 'case', 'option'..."""
    return load(kind)["definitions"]


def keys(kind: str, definition: str) -> dict[str, bool]:
    """The keys an object accepts, name -> required, read from its schema."""
    d = definitions(kind)[definition]
    return {k: k in d.get("required", ()) for k in d.get("properties", {})}

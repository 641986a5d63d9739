"""The JSON Schemas are the one statement of keys, types and ranges: they are valid draft-07, agree with
the names the engine knows, accept every bundled file, and what the loader refuses for its shape
(unknown or missing keys, wrong types, values out of range) the schema refuses too."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from simulator import model as m
from simulator.catalog import PROVIDERS, RUBRICS, bundled_scenarios
from simulator.checking import _ID
from simulator.durations import DURATION
from simulator.errors import ScenarioError
from simulator.loader import build_rubric, parse_scenario
from simulator.rubric_loader import COMPLIANCE_LEVELS, CRITERIA, CRITERION_SETTINGS
from simulator.schema import SCHEMAS, definitions, load, schema_text, shipped_path
from simulator.shape import problems, validator
from simulator.yamlsource import load_yaml, parse_yaml
from tests.conftest import E411, TWO_CALLS
from tests.test_cli import plateau

# Loader codes about the shape of a file, which a schema can say.
SHAPE = {"S001", "S002", "S003", "S004", "T001", "T002", "D001"}
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("kind", SCHEMAS)
def test_the_shipped_schemas_are_valid_draft_7(kind):
    jsonschema.Draft7Validator.check_schema(load(kind))
    assert json.loads(shipped_path(kind).read_text(encoding="utf-8")) == load(kind)


def enums(kind: str, definition: str, key: str) -> list:
    schema = definitions(kind)[definition]["properties"][key]
    return schema.get("enum") or next(s["enum"] for s in schema["anyOf"] if "enum" in s)


def test_the_schemas_name_what_the_engine_knows():
    """The schema is edited by hand: its choices must stay those of simulator.model and the loaders."""
    assert enums("scenario", "ending", "outcome") == [o.value for o in m.Outcome]
    assert enums("scenario", "option", "tone") == [t.value for t in m.Tone]
    assert enums("scenario", "node", "speaker") == enums("scenario", "event", "speaker") == [s.value for s in m.Speaker]
    assert enums("scenario", "fact", "kind") == [k.value for k in m.FactKind]
    assert enums("scenario", "action", "type") == [a.value for a in m.ActionType]
    assert enums("scenario", "action", "kind") == enums("providers", "provider", "kind") == list(m.PROVIDER_KINDS)
    transfer = definitions("scenario")["action"]["allOf"][2]["anyOf"][2]
    assert transfer["properties"]["to"]["enum"] == list(m.TRANSFER_TARGETS)
    assert enums("scenario", "caller", "languages") == list(m.LANGS) + list(m.FOREIGN_LANGS)
    assert list(definitions("scenario")["text"]["properties"]) == list(m.LANGS)
    foreign = definitions("scenario")["said"]["anyOf"][1]["properties"]
    assert list(foreign) == list(m.FOREIGN_LANGS) + ["gloss"]
    levels = definitions("scenario")["case"]["properties"]["orders"]["items"]["properties"]["level"]["enum"]
    assert levels == [level.value for level in m.DeviationLevel]
    rubric = definitions("rubric")["rubric"]["properties"]
    assert list(rubric["criteria"]["properties"]) == list(CRITERIA)
    assert rubric["compliance"]["required"] == list(COMPLIANCE_LEVELS)
    for criterion, settings in CRITERION_SETTINGS.items():
        assert set(rubric["criteria"]["properties"][criterion]["allOf"][1]["properties"]["settings"]["properties"]) == set(settings)
    assert definitions("scenario")["scenario"]["properties"]["id"]["pattern"] == _ID.pattern
    duration = definitions("scenario")["option"]["properties"]["minutes"]["anyOf"][1]["pattern"]
    assert duration == re.sub(r"\(\?P<\w+>", "(", DURATION.pattern)


def files():
    scenarios = bundled_scenarios() + [E411, TWO_CALLS] + sorted((FIXTURES / "lint").glob("*.yaml")) \
        + sorted((FIXTURES / "paths").glob("*.yaml"))
    return ([(p, "scenario") for p in scenarios] + [(p, "rubric") for p in sorted(RUBRICS.glob("*.yaml"))]
            + [(p, "providers") for p in sorted(PROVIDERS.glob("*.yaml"))])


@pytest.mark.parametrize("path, kind", files(), ids=lambda v: getattr(v, "name", v))
def test_bundled_and_fixture_files_validate(path, kind):
    assert problems(load_yaml(path).data, kind) == []


# ------------------------------------------------------------------ mutations


def leaves(data, path=()):
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from leaves(value, path + (key,))
    elif isinstance(data, list):
        yield path, data
        for i, value in enumerate(data):
            yield from leaves(value, path + (i,))
    else:
        yield path, data


def at(data, path):
    for part in path:
        data = data[part]
    return data


def mutations(data):
    """(description, mutated data): wrong types, out-of-range numbers, unknown and missing keys."""
    for path, value in list(leaves(data)):
        if not path:
            continue
        parent, last = at(data, path[:-1]), path[-1]
        for wrong in ([1, 2], {"x": 1}, True, -5, 10 ** 7, "Not An Id!"):
            if wrong == value or type(wrong) is type(value) or (isinstance(wrong, dict) and not isinstance(value, list)):
                continue
            mutated = copy.deepcopy(data)
            at(mutated, path[:-1])[last] = wrong
            yield f"{path} = {wrong!r}", mutated
        if isinstance(parent, dict):
            mutated = copy.deepcopy(data)
            del at(mutated, path[:-1])[last]
            yield f"del {path}", mutated
        if isinstance(value, dict):
            mutated = copy.deepcopy(data)
            at(mutated, path)["colour"] = "red"
            yield f"{path} + colour", mutated


def loader_codes(load, data) -> set[str]:
    try:
        load(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    except ScenarioError as exc:
        return {p.code for p in exc.problems}
    return set()


def check_agreement(data, kind, load):
    disagreements = []
    for description, mutated in mutations(data):
        if next(validator(kind).iter_errors(mutated), None) is not None:
            continue  # the schema refuses it already: whatever the loader says, they agree
        codes = loader_codes(load, mutated) & SHAPE
        if codes:
            disagreements.append(f"{description}: loader {sorted(codes)}, schema accepts")
    return disagreements


def test_every_shape_error_of_a_scenario_is_a_schema_error(lib):
    data = load_yaml(E411).data
    assert check_agreement(data, "scenario", lambda text: parse_scenario(text, "m.yaml", lib.rubrics, lib.directory)) == []


def test_every_shape_error_of_a_rubric_is_a_schema_error():
    data = load_yaml(RUBRICS / "roadside.yaml").data
    assert check_agreement(data, "rubric", lambda text: build_rubric(parse_yaml(text, "r.yaml"))) == []


def test_the_schema_knows_conditional_requirements():
    schema = load("scenario")

    def errors(definition, value):
        return list(jsonschema.Draft7Validator({**schema, "$ref": f"#/definitions/{definition}"}).iter_errors(value))

    option = {"id": "note", "text": {"fr": "a", "nl": "b", "en": "c"}, "action": {"type": "record"}}
    assert errors("option", option) != []
    fact = {"value": "x", "kind": "location", "label": {"fr": "a", "nl": "b", "en": "c"}}
    assert errors("fact", fact) != []


# ------------------------------------------------------------------ the command


def test_schema_command_prints_and_writes(tmp_path):
    printed = plateau("schema", "rubric")
    assert printed.returncode == 0 and json.loads(printed.stdout)["title"] == "Plateau rubric"
    result = plateau("schema", "all", "-o", str(tmp_path))
    assert result.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["providers.schema.json", "rubric.schema.json",
                                                         "scenario.schema.json"]
    assert (tmp_path / "scenario.schema.json").read_text(encoding="utf-8") == schema_text("scenario")


def test_every_scenario_key_is_documented():
    docs = (Path(__file__).parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    tables = [d for kind in ("scenario", "providers") for name, d in definitions(kind).items() if name != "text"]
    missing = sorted({k for d in tables for k in d.get("properties", {}) if f"`{k}`" not in docs and f"{k}:" not in docs})
    assert missing == []

"""The JSON Schema and the loader agree: bundled files validate, and what the loader refuses for its
shape (unknown or missing keys, wrong types, values out of range) the schema refuses too."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from simulator.catalog import PROVIDERS, RUBRICS, bundled_scenarios
from simulator.errors import ScenarioError
from simulator.loader import build_rubric, parse_scenario
from simulator.schema import SCHEMAS, TYPES, build, schema_text, shipped_path, validate
from simulator.yamlsource import load_yaml, parse_yaml
from tests.conftest import E411, TWO_CALLS
from tests.test_cli import plateau

# Loader codes about the shape of a file, which a schema can say.
SHAPE = {"S001", "S002", "S003", "S004", "T001", "T002", "D001"}
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("kind", SCHEMAS)
def test_shipped_schemas_are_the_generated_ones(kind):
    assert shipped_path(kind).read_text(encoding="utf-8") == schema_text(kind)


def test_every_key_of_every_loader_table_has_a_type():
    for name, (table, types) in TYPES.items():
        assert set(table) <= set(types), name


def files():
    scenarios = bundled_scenarios() + [E411, TWO_CALLS] + sorted((FIXTURES / "lint").glob("*.yaml")) \
        + sorted((FIXTURES / "paths").glob("*.yaml"))
    return ([(p, "scenario") for p in scenarios] + [(p, "rubric") for p in sorted(RUBRICS.glob("*.yaml"))]
            + [(p, "providers") for p in sorted(PROVIDERS.glob("*.yaml"))])


@pytest.mark.parametrize("path, kind", files(), ids=lambda v: getattr(v, "name", v))
def test_bundled_and_fixture_files_validate(path, kind):
    assert validate(load_yaml(path).data, build(kind)) == []


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
    schema = build(kind)
    disagreements = []
    for description, mutated in mutations(data):
        if validate(mutated, schema):
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
    schema = build("scenario")
    option = {"id": "note", "text": {"fr": "a", "nl": "b", "en": "c"}, "action": {"type": "record"}}
    assert validate(option, {**schema, "$ref": "#/definitions/option"}) != []
    fact = {"value": "x", "kind": "location", "label": {"fr": "a", "nl": "b", "en": "c"}}
    assert validate(fact, {**schema, "$ref": "#/definitions/fact"}) != []


def test_the_schemas_are_valid_draft_7():
    jsonschema = pytest.importorskip("jsonschema")
    for kind in SCHEMAS:
        jsonschema.Draft7Validator.check_schema(build(kind))
    data = load_yaml(E411).data
    assert list(jsonschema.Draft7Validator(build("scenario")).iter_errors(data)) == []


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
    from simulator import loader as L

    docs = (Path(__file__).parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    tables = [L.SCENARIO_KEYS, L.ENDING_KEYS, L.CASE_KEYS, L.CALLER_KEYS, L.FACT_KEYS, L.NODE_KEYS, L.OPTION_KEYS,
              L.ACTION_KEYS, L.EVENT_KEYS, L.VARIANT_KEYS, L.TRAFFIC_KEYS, L.PROVIDER_KEYS]
    missing = sorted({k for table in tables for k in table if f"`{k}`" not in docs and f"{k}:" not in docs})
    assert missing == []

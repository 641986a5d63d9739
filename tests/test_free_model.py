"""The model call typed in the trainee's own words (tests/free/model): each bundled model call rewritten as
sentences meaning its options, not saying their words, in French, Dutch and English. Played through
`plateau play --answers` as `--free` reads them (where two readings are offered, the one meant is picked, as a
trainee picks it on screen), it must reach the model call's ending and a score within 5 points of the model
call played in the same language: the language a trainee speaks is scored, how they phrase it must not be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from simulator.catalog import open_scenario
from tests.test_cli import plateau

MODEL_FILES = sorted((Path(__file__).parent / "free" / "model").glob("*.yaml"))


def play(scenario_id: str, answers: Path, home: Path) -> dict:
    result = plateau("play", scenario_id, "--answers", str(answers), "--trainee", "Amélie Dupont", "--json",
                     env_home=home)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def model_in_the_same_language(scenario_id: str, typed: list, tmp_path: Path) -> Path:
    """The bundled model call, preceded by the typed file's own start and choice of language."""
    scenario, _ = open_scenario(scenario_id)
    opening = [a for a in typed[:2] if isinstance(a, dict) and a.get("type") in ("start", "speak")]
    model = [a for a in scenario.model if not (isinstance(a, dict) and a.get("type") == "start")]
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(opening + list(model), allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("typed_file", MODEL_FILES, ids=[p.stem for p in MODEL_FILES])
def test_the_model_call_typed_in_own_words_ends_as_the_model_call_within_five_points(typed_file, tmp_path):
    scenario_id = typed_file.stem.rsplit(".", 1)[0]
    typed = yaml.safe_load(typed_file.read_text(encoding="utf-8"))
    reference = play(scenario_id, model_in_the_same_language(scenario_id, typed, tmp_path), tmp_path / "a")
    free = play(scenario_id, typed_file, tmp_path / "b")
    assert free["ending"] == reference["ending"]
    assert abs(free["score"]["overall"] - reference["score"]["overall"]) <= 5


def test_the_typed_model_calls_cover_french_dutch_and_english():
    assert {p.stem.rsplit(".", 1)[1] for p in MODEL_FILES} == {"fr", "nl", "en"}

"""The model call played through the engine: each step must be offered when it comes, and the call must end.

Above both the loader (which reads the model call without playing it) and the engine. Lint, the
bundled scenarios' tests and `plateau paths` use it; the player and the results do not need it.
"""

from __future__ import annotations

from pathlib import Path

from simulator import model as m
from simulator.engine import IllegalAction, Session
from simulator.errors import PlateauError, Problem, ScenarioError
from simulator.expressions import LimitError
from simulator.loader import Checker, build_scenario, content_hash, expressions_of
from simulator.yamlsource import Document, load_yaml, parse_yaml


def model_problems(scenario: m.Scenario, doc: Document, directory: m.Directory) -> list[Problem]:
    """Where the model call of `scenario` (read from `doc`) cannot be played, at its step; [] when it plays to an end."""
    if not scenario.model:
        return []
    c = Checker(doc)
    _check_model(c, scenario, directory)
    return c.problems


def load_checked(path: Path | str, rubrics: dict[str, m.Rubric] | None = None,
                 directory: m.Directory | None = None) -> m.Scenario:
    """A scenario file loaded and its model call played; ScenarioError lists what is wrong in either."""
    path = Path(path)
    return _checked(load_yaml(path), content_hash(path.read_bytes()), rubrics, directory)


def parse_checked(text: str, name: str = "scenario.yaml", rubrics=None, directory=None) -> m.Scenario:
    """As load_checked, from text (tests, tools)."""
    return _checked(parse_yaml(text, name), content_hash(text.encode("utf-8")), rubrics, directory)


def _checked(doc: Document, digest: str, rubrics, directory) -> m.Scenario:
    scenario = build_scenario(doc, digest, rubrics, directory)
    problems = model_problems(scenario, doc, directory) if directory is not None else []
    if problems:
        raise ScenarioError(problems)
    return scenario


def _check_model(c: Checker, scenario: m.Scenario, directory: m.Directory) -> None:
    """The model call must play to an ending: each step is offered when it comes."""
    session = Session(scenario, directory)
    explicit_start = 0 if isinstance(c.doc.data.get("model", [None])[0], dict) and \
        c.doc.data["model"][0].get("type") == "start" else 1
    for i, action in enumerate(scenario.model):
        index = max(i - explicit_start, 0)
        try:
            session.apply(action)
        except IllegalAction as exc:
            c.error(("model", index), "M001", f"the model call cannot go on here: {exc}",
                    "Play the scenario to this point and pick an option that is offered.")
            return
        except LimitError as exc:  # said where the condition or text is written, as lint says it
            at = next((path for _, path, e in expressions_of(scenario, c.doc) if e is exc.expression), ("model", index))
            c.error(at, exc.code, exc.message, exc.hint)
            return
        except PlateauError as exc:
            c.error(("model", index), "M001", f"the model call stops here: {exc}", "Check the scenario at this point.")
            return
        if session.ended and i < len(scenario.model) - 1:
            c.error(("model", index + 1), "M002", "the call is already over before this step of the model call.",
                    "Remove the steps after the ending.")
            return
    if not session.ended:
        c.error(("model",), "M002", "the model call stops before the call ends.",
                "Add the steps that lead to an ending.")

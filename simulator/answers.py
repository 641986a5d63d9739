"""Answers files: scripted actions for `plateau play --answers`.

An answers file is a YAML (or JSON) list of actions in the same form as a transcript's
actions, so any recorded or generated path can be replayed. A plain text item is shorthand
for choosing that option: `- greet` is `- {type: choose, option: greet}`. A transcript
(`.jsonl`) can be given too: its actions are replayed.
"""

from __future__ import annotations

import json
from pathlib import Path

from simulator.errors import Position, Problem, ScenarioError, display_path
from simulator.transcript import read_transcript
from simulator.yamlsource import load_yaml

Located = tuple[dict, Position]


def load_answers(path: Path | str) -> list[Located]:
    path = Path(path)
    name = display_path(path)
    if path.suffix == ".jsonl":
        transcript = read_transcript(path)
        return [(action, Position(i + 2, 1)) for i, action in enumerate(transcript.actions)]
    doc = load_yaml(path)
    if not isinstance(doc.data, list):
        raise ScenarioError([doc.problem((), "A001", "an answers file must be a list of actions.",
                                         "Write one action per line, starting with '- ' (for example '- greet').")])
    out, problems = [], []
    for i, item in enumerate(doc.data):
        pos = doc.at((i,))
        if isinstance(item, str):
            item = {"type": "choose", "option": item}
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            problems.append(Problem(name, pos.line, pos.column, "A001", "this answer is not an action.",
                                    "Write an option id ('- greet') or an action ('- {type: input, value: GH-512-KL}')."))
            continue
        out.append((json.loads(json.dumps(item, default=str)), pos))
    if problems:
        raise ScenarioError(problems)
    return out

"""Answers files: scripted actions for `plateau play --answers`.

An answers file is a YAML (or JSON) list of actions in the same form as a transcript's
actions, so any recorded or generated path can be replayed. A plain text item is shorthand
for choosing that option: `- greet` is `- {type: choose, option: greet}`. A whole number
names an option by the number it is shown with at that moment: `- 2` is
`- {type: choose, number: 2}`, and `{type: provider, number: 1}` is the first row of the
directory at a provider prompt. `- say: "vous êtes où ?"` is a sentence typed in the trainee's own words, read
against the options offered at that moment as `plateau play --free` reads it (the best reading is taken when
two are close: a file cannot be asked which one it meant). Options are shown in an order drawn for each session, so a
file with numbers is played with `plateau play --seed N`; the numbers become option ids as
the call is played (`order.resolve_number`), and the transcript stores ids. A transcript
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
    if not doc.data:
        raise ScenarioError([doc.problem((), "A001", "this answers file holds no action.",
                                         "Write one action per line, starting with '- ' (for example '- greet'); "
                                         "to play the call yourself, leave out --answers.")])
    out, problems = [], []
    for i, item in enumerate(doc.data):
        pos = doc.at((i,))
        if isinstance(item, str):
            item = {"type": "choose", "option": item}
        elif isinstance(item, dict) and "say" in item and set(item) <= {"say", "means"} and isinstance(item["say"], str) \
                and item["say"].strip():
            # A typed sentence, read as `plateau play --free` reads it; `means` (the option meant) is for
            # `plateau understand --answers`, which lists the sentences read otherwise.
            item = {"type": "say", "text": item["say"], **({"means": str(item["means"])} if "means" in item else {})}
        elif _is_number(item):
            item = {"type": "choose", "number": item}
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            problems.append(Problem(name, pos.line, pos.column, "A001", "this answer is not an action.",
                                    "Write an option id ('- greet'), the number shown on screen ('- 2') or an action "
                                    "('- {type: input, value: GH-512-KL}')."))
            continue
        wrong = _wrong_number(item)
        if wrong:
            problems.append(Problem(name, pos.line, pos.column, "A001", *wrong))
            continue
        out.append((json.loads(json.dumps(item, default=str)), pos))
    if problems:
        raise ScenarioError(problems)
    return out


# The key that names what a number picks, for the actions that may give a number instead.
NUMBERED = {"choose": "option", "provider": "id"}


def _is_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _wrong_number(item: dict) -> tuple[str, str] | None:
    """(message, hint) when an action's `number` cannot be used, else None."""
    if "number" not in item:
        return None
    named = NUMBERED.get(item["type"])
    if named is None:
        return (f"a '{item['type']}' action has no number.",
                "Only 'choose' and 'provider' actions may name what is on screen by its number.")
    if not _is_number(item["number"]) or item["number"] < 1:
        return (f"the number {item['number']!r} is not a place on screen.",
                "Give a whole number from 1, as shown on screen ('number: 2').")
    if named in item:
        return (f"this answer gives both '{named}' and 'number'.", f"Keep one of them: '{named}' or 'number'.")
    return None

"""Answers files: scripted actions for `plateau play --answers`.

An answers file is a YAML (or JSON) list of actions in the same form as a transcript's
actions, so any recorded or generated path can be replayed. A plain text item is shorthand
for choosing that option: `- greet` is `- {type: choose, option: greet}`. A whole number
names an option by the number it is shown with at that moment: `- 2` is
`- {type: choose, number: 2}`, and `{type: provider, number: 1}` is the first row of the
directory at a provider prompt. `- say: "vous êtes où ?"` is a sentence typed in the trainee's own words, read
against the options offered at that moment as `plateau play --free` reads it; when two readings are close, the
trainee would pick one of the two shown: the file picks the one it `means:` if it is among them, else the closer.
Options are shown in an order drawn for each session, so a
file with numbers is played with `plateau play --seed N`; the numbers become option ids as
the call is played (`order.resolve_number`), and the transcript stores ids. A transcript
(`.jsonl`) can be given too: its actions are replayed.
"""

from __future__ import annotations

import json
from pathlib import Path

from simulator.errors import Position, Problem, ScenarioError, display_path
from simulator.shorthand import expand
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
        # A `say` (a typed sentence) is read as `plateau play --free` reads it; its `means` (the option meant) is
        # picked when two readings are offered, and `plateau understand --answers` lists the sentences read otherwise.
        item = expand(item)
        if item is None:
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


def said_action(session, item: dict) -> dict:
    """The action a typed sentence of an answers file stands for at the session's current choice, read as
    `plateau play --free` reads it. When the reading is unsure, the player shows the two closest readings and the
    trainee picks the one they meant: the file picks its `means` when it is one of the two, else the closer."""
    from simulator.understand import as_action, understand_now
    reading = understand_now(session, item["text"])
    two = [r.option for r in reading.readings[:2]]
    if reading.kind == "unsure" and item.get("means") in two:
        return {"type": "choose", "option": item["means"], "said": item["text"], "free": True}
    return as_action(reading, item["text"], pick_unsure=True)


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

"""The answers shorthand, read and written in one place.

Answers files (`plateau play --answers`), a scenario's model call and the paths `plateau paths` writes all
use the same short forms for actions: an option id alone is choosing that option (`- greet`), a whole number
is choosing the option shown at that place (`- 2`), and `- say: "..."` is a sentence typed in the trainee's
own words (with `means:`, the option it means). Anything else is written as the action itself
(`- {type: input, value: GH-512-KL}`).
"""

from __future__ import annotations

from typing import Any


def expand(item: Any) -> dict | None:
    """The action an answer written in shorthand stands for; None when it is not an action at all."""
    if isinstance(item, str):
        return {"type": "choose", "option": item}
    if isinstance(item, int) and not isinstance(item, bool):
        return {"type": "choose", "number": item}
    if isinstance(item, dict) and "say" in item and set(item) <= {"say", "means"} and isinstance(item["say"], str) \
            and item["say"].strip():
        return {"type": "say", "text": item["say"], **({"means": str(item["means"])} if "means" in item else {})}
    if isinstance(item, dict) and isinstance(item.get("type"), str):
        return dict(item)
    return None


def contract(action: dict) -> Any:
    """An action as the shorthand writes it: a bare option id for a plain choice, else the action."""
    return action["option"] if action["type"] == "choose" and set(action) == {"type", "option"} else action

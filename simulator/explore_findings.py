"""A condition or text that fails while the explorer plays a scenario, told as a finding.

`expression_origins` finds where in the scenario file each condition and text is written, and
`explain_failure` says what went wrong and how to fix it, in an instructor's words.
"""

from __future__ import annotations

import re

from simulator import model as m
from simulator.expressions import Condition, Template


def expression_origins(scenario: m.Scenario) -> dict[int, tuple[str, tuple]]:
    """Every condition and text of a scenario, by identity: (case id, where it is written in the file)."""
    out: dict[int, tuple[str, tuple]] = {}

    def text(cid: str, path: tuple, value: m.Text | None) -> None:
        for lang, template in value.values.items() if value else ():
            out[id(template)] = (cid, path + (lang,))

    def lines(cid: str, path: tuple, value: m.Lines | None) -> None:
        if value is None:
            return
        listed = len(value.variants) > 1 or any(v.when is not None for v in value.variants)  # variants, not one text
        for i, variant in enumerate(value.variants):
            if variant.when is not None:
                out[id(variant.when)] = (cid, path + (i, "when"))
            text(cid, path + (i, "text") if listed else path, variant.text)

    for cid, case in scenario.cases.items():
        text(cid, ("cases", cid, "caller", "silence"), case.caller.silence)
        for node in case.nodes.values():
            lines(cid, node.origin + ("say",), node.say)
            for option in node.options:
                if option.when is not None:
                    out[id(option.when)] = (cid, option.origin + ("when",))
                text(cid, option.origin + ("text",), option.text)
                text(cid, option.origin + ("debrief",), option.debrief)
                lines(cid, option.origin + ("reply",), option.reply)
        for event in case.events:
            if event.when is not None:
                out[id(event.when)] = (cid, event.origin + ("when",))
            lines(cid, event.origin + ("say",), event.say)
    return out


# Names that stay empty until a provider is dispatched; a condition reading them must test 'dispatched' first.
EMPTY_BEFORE_DISPATCH = ("dispatched", "eta")
_KINDS = {"NoneType": "an empty value", "str": "a text", "int": "a number", "float": "a number",
          "bool": "a yes-or-no value", "list": "a list", "dict": "a group of values"}
TEXT_HINT = ("Use the variables listed in docs/authoring.md under 'Texts and languages' ({{ caller }}, {{ eta }}, "
             "{{ provider }}, {{ time }}, {{ stress }}) or a flag of the case.")
CONDITION_HINT = ("Compare a number with a number ('stress > 60') and a text with a text between quotes "
                  "(\"lang == 'fr'\"); docs/authoring.md lists the names a condition can use under 'Conditions'.")


def explain_failure(expression: Condition | Template, context: dict, error: BaseException | None) -> tuple[str, str]:
    """What went wrong and how to fix it, in an instructor's words: (message, hint)."""
    is_text = isinstance(expression, Template)
    source = expression.source.strip()
    if is_text:
        shown = source if len(source) <= 60 else source[:57] + "..."
        what = f"the text '{shown}' cannot be filled in"
    else:
        what = f"the condition '{source}' cannot be worked out"
    empty = [name for name in EMPTY_BEFORE_DISPATCH if name in expression.names.names and context.get(name) is None]
    if empty:
        verb = "is" if len(empty) == 1 else "are"
        message = f"{what} when no provider has been dispatched yet: {' and '.join(empty)} {verb} empty."
        if is_text:
            return message, ("Use it only once a provider is dispatched (in a line or an option with "
                             "'when: dispatched'), or leave the placeholder out.")
        guarded = _guarded(source, empty)
        if guarded is None:
            return message, (f"Test 'dispatched' before the part that reads {' and '.join(empty)}: "
                             "'(dispatched and ...)'.")
        return message, f"Test 'dispatched' first: '{guarded}'."
    return f"{what}: {_plain(error, expression)}.", TEXT_HINT if is_text else CONDITION_HINT


def _guarded(source: str, names: list[str]) -> str | None:
    """The condition with 'dispatched and' before each part joined by 'or' that reads `names`; None when
    brackets or quotes make its parts hard to tell apart."""
    if any(c in source for c in "()[]'\""):
        return None
    parts = re.split(r"\s+or\s+", source)
    if len(parts) == 1:
        return f"dispatched and {source}"
    reads = re.compile(r"\b(" + "|".join(names) + r")\b")
    return " or ".join(f"(dispatched and {part})" if reads.search(part) else part for part in parts)


def _plain(error: BaseException | None, expression: Condition | Template) -> str:
    """The error that Python or Jinja gave, said without their vocabulary where it is a common one."""
    text = str(error) if error is not None else "it failed"
    if isinstance(error, ZeroDivisionError):
        return "it divides by zero"
    found = re.search(r"has no attribute '([^']+)'", text)
    if found:
        owner = next((o for o, a in sorted(expression.names.attributes) if a == found[1]), None)
        return f"'{owner}' has no '{found[1]}'" if owner else f"nothing there has a '{found[1]}'"
    found = re.search(r"'(.+)' not supported between instances of '(\w+)' and '(\w+)'", text)
    if found:
        return f"'{found[1]}' compares {_KINDS.get(found[2], found[2])} with {_KINDS.get(found[3], found[3])}"
    found = re.search(r"unsupported operand type\(s\) for (.+): '(\w+)' and '(\w+)'", text)
    if found:
        return f"'{found[1]}' combines {_KINDS.get(found[2], found[2])} with {_KINDS.get(found[3], found[3])}"
    return text

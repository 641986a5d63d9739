"""Check that every name a scenario uses points at something: nodes, endings, steps, facts and flags.

Run by the scenario loader once a case (or the whole scenario) is read, so that a `goto` to a node
that does not exist, a step the rubric lacks or a condition on a flag nothing sets is reported
where it is written, with the other problems of the file.
"""

from __future__ import annotations

from simulator import model as m
from simulator.checking import Checker, _choices_hint, _type_name, suggest

# Names a condition or text may use besides the flags the scenario sets.
BUILTIN_NAMES = {"stress", "minutes", "time", "known", "file", "fact", "dispatched", "eta", "lang", "caller",
                 "provider", "reference", "booked", "calls", "cases", "weak_language"} | set(m.ACTION_FLAGS.values())


def check_ending_names(c: Checker, endings: dict[str, m.Ending], cases: dict[str, m.Case]) -> None:
    """An ending's debrief variants read the state of the case that ended: its flags and the built-in names."""
    names = set(BUILTIN_NAMES)
    for case in cases.values():
        names |= case.flag_names
    for ending in endings.values():
        for i, variant in enumerate(ending.variants.variants if ending.variants else ()):
            if variant.when is None:
                continue
            for name in sorted(variant.when.names.names):
                if name not in names:
                    c.error(("endings", ending.id, "debrief", i, "when"), "R007",
                            f"'{name}' is neither a flag set in this scenario nor a known variable.",
                            suggest(name, names) or "Flags exist once an option or event sets them ('set: [name]').")



def check_references(c: Checker, path, raw, nodes, events, truth, endings, rubric, caller, raw_nodes,
                     drawn_flags: set[str] | frozenset[str] = frozenset()) -> None:
    """Every goto, end, step, fact and flag named in a case must exist."""
    node_ids = list(raw_nodes)
    start = raw.get("start")
    if "start" in raw and start is None:
        c.error(path + ("start",), "S002", "'start' names no node.", "Write the name of the node the call starts at.")
    elif start is not None and not isinstance(start, str):
        c.error(path + ("start",), "S003", f"'start' must name one node, not {_type_name(start)}.", "Write the first node's name.")
    elif start is not None and start not in raw_nodes:
        c.error(path + ("start",), "R001", f"the start node '{start}' does not exist.", _choices_hint(str(start), node_ids))
    flags = set()
    for node in nodes.values():
        for option in node.options:
            flags.update(option.effects.set, option.effects.unset)
    for event in events:
        flags.update(event.effects.set, event.effects.unset)
    names = BUILTIN_NAMES | flags | set(drawn_flags)
    steps = list(rubric.protocol) if rubric is not None else None

    def check_effects(p, effects):
        for key in ("reveal",):
            for i, fact in enumerate(getattr(effects, key)):
                if fact not in truth:
                    c.error(p + (key, i), "R003", f"there is no fact '{fact}' in this case's truth.", _choices_hint(fact, truth))

    def check_target(p, goto, end):
        if goto is not None and goto not in raw_nodes:
            c.error(p + ("goto",), "R001", f"there is no node '{goto}' in this case.", _choices_hint(str(goto), node_ids))
        if end is not None and end not in endings:
            c.error(p + ("end",), "R004", f"there is no ending '{end}'.", _choices_hint(str(end), endings))

    def check_names(p, names_of):
        for name in sorted(names_of.names):
            if name not in names:
                c.error(p, "R007", f"'{name}' is neither a flag set in this case nor a known variable.",
                        suggest(name, names) or "Flags exist once an option or event sets them ('set: [name]').")
        for obj, attr in sorted(names_of.attributes):
            if obj in ("known", "file", "fact") and attr not in truth:
                c.error(p, "R003", f"there is no fact '{attr}' in this case's truth.", _choices_hint(attr, truth))

    def check_text(p, text):
        for lang, template in text.values.items() if text is not None else ():
            check_names(p + ((lang,) if text.original is None else ("gloss", lang)), template.names)
        if text is not None and text.original is not None:
            check_names(p + (text.said_in,), text.original.names)

    def check_lines(p, lines):
        if lines is None:
            return
        varied = c.doc.positions.get(p + (0, "text")) is not None  # a list of variants, not one text
        for i, variant in enumerate(lines.variants):
            if variant.when is not None:
                check_names(p + (i, "when"), variant.when.names)
            check_text(p + (i, "text") if varied else p, variant.text)

    for node in nodes.values():
        check_target(node.origin, None, node.end)
        check_lines(node.origin + ("say",), node.say)
        if not node.options and node.end is None:
            c.error(node.origin, "R009", f"the node '{node.id}' has no option and no end: the call would be stuck there.",
                    "Add options, or 'end: ENDING' to finish the call here.", key=True)
        for option in node.options:
            p = option.origin
            check_target(p, option.goto, option.end)
            check_effects(p, option.effects)
            check_lines(p + ("reply",), option.reply)
            check_text(p + ("text",), option.text)
            check_text(p + ("debrief",), option.debrief)
            if option.when is not None:
                check_names(p + ("when",), option.when.names)
            many = isinstance(c.doc.data_at(p + ("step",)), list)
            for i, step_id in enumerate(option.steps):
                if steps is not None and step_id not in steps:
                    c.error(p + ("step", i) if many else p + ("step",), "R002",
                            f"the step '{step_id}' is not in the '{rubric.id}' rubric's protocol.", _choices_hint(step_id, steps))
            listed = isinstance(c.doc.data_at(p + ("breaks",)), list)
            for i, broken in enumerate(option.breaks):
                if steps is not None and broken not in steps:
                    at = p + ("breaks", i) if listed else p + ("breaks",)
                    if isinstance(c.doc.data_at(at), dict):
                        at = at + ("step",)
                    c.error(at, "R002", f"the step '{broken}' is not in the '{rubric.id}' rubric's protocol.",
                            _choices_hint(broken, steps))
            if option.action and option.action.type is m.ActionType.RECORD and option.action.field not in truth:
                c.error(p + ("action", "field"), "R003", f"there is no fact '{option.action.field}' to record.", _choices_hint(str(option.action.field), truth))
            near = option.action.near if option.action else None
            if near is not None:
                places = [fid for fid, fact in truth.items() if fact.kind is m.FactKind.LOCATION and fact.coordinates]
                if near not in places:
                    c.error(p + ("action", "near"), "R003", f"'{near}' is not a location of this case with coordinates: "
                            "providers are measured from one.", _choices_hint(str(near), places))
            if option.action and option.action.answers is not None:
                check_names(p + ("action", "answers"), option.action.answers.names)
            check_lines(p + ("no_answer",), option.no_answer)
    for event in events:
        check_target(event.origin, event.goto, event.end)
        check_effects(event.origin, event.effects)
        check_lines(event.origin + ("say",), event.say)
        if event.when is not None:
            check_names(event.origin + ("when",), event.when.names)
    if caller is not None:
        check_text(path + ("caller", "silence"), caller.silence)
    if caller is not None and caller.hangs_up_at <= 100 and caller.hang_up_ending is None:
        c.error(path + ("caller",), "S002", "the caller can hang up but 'hang_up_ending' is missing.",
                "Add 'hang_up_ending: NAME' naming an ending with outcome hung_up.")

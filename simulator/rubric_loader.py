"""Load rubric files into the model: score bands, criteria and their settings, and the protocol.

A rubric names the compliance bands, the criteria that score a call (with their weights, level
descriptors and settings) and the protocol: the steps a call should go through, their deadlines
and the order rules between them. Every problem is reported at once, as the scenario loader does.
"""

from __future__ import annotations

from pathlib import Path

from simulator import model as m
from simulator.checking import Checker, TooManyProblems, _choices_hint, _type_name, content_hash, suggest
from simulator.errors import ScenarioError
from simulator.yamlsource import Document, load_yaml

# Keys each object accepts: name -> required. Used by this loader and the schema.
RUBRIC_KEYS = {"id": True, "title": True, "pass_mark": True, "critical_cap": False, "compliance": True,
               "levels": True, "criteria": True, "protocol": True, "deviations": False, "passing_compliance": False}
LEVEL_KEYS = {"min": True, "name": True, "description": True}
CRITERION_KEYS = {"weight": True, "levels": False, "settings": False, "minimum": False}
STEP_KEYS = {"id": True, "label": True, "critical": False, "within": False, "before": False, "requires": False,
             "weight": False, "why": False, "optional": False}
ORDER_KEYS = {"step": True, "level": False}

CRITERIA = ("calm", "procedure", "provider", "case_file", "timing", "language")
COMPLIANCE_LEVELS = ("high_compliance", "compliant", "partial", "low", "non_compliant")


def load_rubric(path: Path | str) -> m.Rubric:
    path = Path(path)
    return build_rubric(load_yaml(path), content_hash(path.read_bytes()))


def build_rubric(doc: Document, digest: str = "") -> m.Rubric:
    c = Checker(doc)
    try:
        return _build_rubric(c, doc, digest)
    except TooManyProblems:
        raise c.too_many() from None


def _build_rubric(c: Checker, doc: Document, digest: str) -> m.Rubric:
    root = c.mapping((), doc.data, RUBRIC_KEYS, "the rubric")
    if not root:
        raise ScenarioError(c.problems)
    rid = c.ident(("id",), root.get("id"), "the rubric id") if "id" in root else None
    title = c.text(("title",), root["title"], "the title") if "title" in root else None
    pass_mark = c.number(("pass_mark",), root.get("pass_mark"), "pass_mark", 0, 100, default=70) if "pass_mark" in root else 70
    cap = c.number(("critical_cap",), root.get("critical_cap", min(pass_mark - 1, 49)), "critical_cap", 0, 100, default=49)
    if cap >= pass_mark:
        c.error(("critical_cap",), "S004", f"critical_cap ({cap}) must be below the pass mark ({pass_mark}).",
                "A missed critical step must make the call fail: lower critical_cap.")
    compliance = _compliance(c, root.get("compliance"))
    levels = _levels(c, ("levels",), root.get("levels"))
    criteria = {}
    raw_criteria = root.get("criteria")
    if isinstance(raw_criteria, dict):
        for cid, raw in raw_criteria.items():
            cpath = ("criteria", cid)
            if cid not in CRITERIA:
                c.error(cpath, "R010", f"there is no criterion '{cid}'.", _choices_hint(str(cid), CRITERIA), key=True)
                continue
            raw = c.mapping(cpath, raw, CRITERION_KEYS, f"the criterion '{cid}'")
            if not raw:
                continue
            weight = c.number(cpath + ("weight",), raw.get("weight"), "weight", 0, 100, default=None) if "weight" in raw else None
            own = _levels(c, cpath + ("levels",), raw["levels"]) if "levels" in raw else levels
            settings = _criterion_settings(c, cpath + ("settings",), cid, raw.get("settings"))
            minimum = c.number(cpath + ("minimum",), raw["minimum"], "minimum", 0, 100) if "minimum" in raw else None
            if weight is not None:
                criteria[cid] = m.Criterion(cid, float(weight), dict(settings), own,
                                            float(minimum) if minimum is not None else None)
    elif "criteria" in root:
        c.error(("criteria",), "S003", "criteria must be a mapping of criterion names.", f"Criteria: {', '.join(CRITERIA)}.")
    protocol = {}
    placed = []
    orders: list[tuple[tuple, str, str, m.DeviationLevel | None]] = []  # (path, first, then, level)
    for i, raw in enumerate(c.list_of(("protocol",), root.get("protocol"), "protocol")):
        step = _step(c, ("protocol", i), raw, orders)
        if step is None:
            continue
        if step.id in protocol:
            c.error(("protocol", i, "id"), "R008", f"the step '{step.id}' is defined twice.", "Keep one definition per step.")
        protocol[step.id] = step
        placed.append((i, step))
    rules: dict[tuple[str, str], m.Order] = {}
    for at, first, then, level in orders:
        for name in (first, then):
            if name not in protocol:
                c.error(at, "R002", f"the step '{name}' is not in this protocol.", _choices_hint(str(name), protocol))
        if first in protocol and then in protocol:
            # Breaking the order of a critical step is a critical failure unless the rubric says otherwise.
            default = m.DeviationLevel.CRITICAL if protocol[first].critical else m.DeviationLevel.MODERATE
            rules[(first, then)] = m.Order(first, then, level or default)
    costs = dict(m.DEFAULT_DEVIATION_COSTS)
    raw_costs = root.get("deviations")
    if raw_costs is not None:
        if not isinstance(raw_costs, dict):
            c.error(("deviations",), "S003", "deviations must map levels to the procedure points they cost.",
                    "For example 'major: 15', 'moderate: 8', 'minor: 3' (a critical deviation always fails the call).")
        else:
            for level, cost in raw_costs.items():
                if level not in ("major", "moderate", "minor"):
                    c.error(("deviations", level), "S001", f"'{level}' is not a level with a cost.",
                            "Levels with a cost: major, moderate, minor. A critical deviation fails the call: it has no cost.",
                            key=True)
                    continue
                value = c.number(("deviations", level), cost, level, 0, 100)
                if value is not None:
                    costs[level] = float(value)
    passing = tuple(c.strings(("passing_compliance",), root.get("passing_compliance"), "passing_compliance")) \
        or ("high_compliance", "compliant")
    for i, level in enumerate(passing):
        if level not in COMPLIANCE_LEVELS:
            c.error(("passing_compliance", i), "S004", f"there is no compliance level '{level}'.",
                    _choices_hint(level, COMPLIANCE_LEVELS))
    if "timing" in criteria:
        for step in criteria["timing"].settings.get("targets") or {}:
            if step not in protocol:
                c.error(("criteria", "timing", "settings", "targets", step), "R002", f"the step '{step}' is not in this protocol.",
                        _choices_hint(str(step), protocol), key=True)
    if c.problems:
        raise ScenarioError(c.problems)
    return m.Rubric(rid, title, float(pass_mark), float(cap), compliance, criteria, protocol, doc.name, digest,
                    tuple(rules.values()), costs, passing)


# Settings each criterion understands: name -> kind ("number" 0-100, or "targets": step -> duration).
CRITERION_SETTINGS = {
    "calm": {"curt_penalty": "number", "alarming_penalty": "number", "silence_penalty": "number",
             "calm_bonus_drop": "number"},
    "timing": {"targets": "targets", "help_within": "duration"},
}


def _criterion_settings(c: Checker, path, cid: str, raw) -> dict:
    if raw is None:
        return {}
    known = CRITERION_SETTINGS.get(cid, {})
    if not isinstance(raw, dict):
        c.error(path, "S003", f"settings must be a mapping, not {_type_name(raw)}.", "See docs/rubrics.md.")
        return {}
    out = {}
    for key, value in raw.items():
        kind = known.get(key)
        if kind is None:
            c.error(path + (key,), "S001", f"the criterion '{cid}' has no setting '{key}'.",
                    suggest(key, known) or (f"Settings here: {', '.join(known)}." if known else "This criterion has no settings."),
                    key=True)
        elif kind == "number":
            number = c.number(path + (key,), value, key, 0, 100)
            if number is not None:
                out[key] = number
        elif kind == "duration":
            if c.duration(path + (key,), value, key) is not None:
                out[key] = value
        elif kind == "targets":
            if not isinstance(value, dict):
                c.error(path + (key,), "S003", "targets must map steps to durations.", "For example 'safety_check: 3 min'.")
                continue
            out[key] = {step: target for step, target in value.items()
                        if c.duration(path + (key, step), target, f"the target for '{step}'") is not None}
    return out


def _compliance(c: Checker, raw) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, dict):
        c.error(("compliance",), "S003", "compliance must map each level to its lowest procedure score.",
                "For example 'high_compliance: 90', down to 'non_compliant: 0'.")
        return ()
    for key in raw:
        if key not in COMPLIANCE_LEVELS:
            c.error(("compliance", key), "S001", f"unknown compliance level '{key}'.", _choices_hint(str(key), COMPLIANCE_LEVELS), key=True)
    bands = []
    for level in COMPLIANCE_LEVELS:
        if level not in raw:
            c.error(("compliance",), "S002", f"the compliance level '{level}' has no lowest score.", f"Add '{level}: NUMBER'.")
            continue
        value = c.number(("compliance", level), raw[level], level, 0, 100)
        if value is not None:
            bands.append((level, float(value)))
    for (hi, hi_min), (lo, lo_min) in zip(bands, bands[1:]):
        if lo_min >= hi_min:
            c.error(("compliance", lo), "S005", f"the bands overlap: '{lo}' starts at {lo_min:g}, not below '{hi}' ({hi_min:g}).",
                    "Each level must start lower than the one above it.")
    if bands and bands[-1][1] != 0:
        c.error(("compliance", bands[-1][0]), "S005", f"the bands leave a gap: scores below {bands[-1][1]:g} have no level.",
                f"Set '{bands[-1][0]}: 0'.")
    return tuple(bands)


def _levels(c: Checker, path, raw) -> tuple[m.Level, ...]:
    out = []
    for i, item in enumerate(c.list_of(path, raw, "levels")):
        item = c.mapping(path + (i,), item, LEVEL_KEYS, "the level")
        if not item or "min" not in item:
            continue
        low = c.number(path + (i, "min"), item["min"], "min", 0, 100)
        name = c.text(path + (i, "name"), item.get("name"), "the level name") if "name" in item else None
        desc = c.text(path + (i, "description"), item.get("description"), "the level description") if "description" in item else None
        if low is not None and name and desc:
            out.append(m.Level(float(low), name, desc))
    out.sort(key=lambda level: -level.min)
    if out and out[-1].min != 0:
        c.error(path, "S005", f"the levels leave a gap: scores below {out[-1].min:g} have no level.", "Give the lowest level 'min: 0'.")
    return tuple(out)


def _order_items(c: Checker, path, raw, what: str) -> list[tuple[tuple, str, m.DeviationLevel | None]]:
    """`before: [identify]` or `before: [{step: identify, level: major}]` (likewise `requires`)."""
    out = []
    items = [raw] if isinstance(raw, (str, dict)) else c.list_of(path, raw, what)
    for i, item in enumerate(items):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, dict):
            item = c.mapping(p, item, ORDER_KEYS, f"an item of '{what}'")
            if isinstance(item.get("step"), str):
                out.append((p + ("step",), item["step"], c.deviation_level(p + ("level",), item["level"]) if "level" in item else None))
        elif isinstance(item, str):
            out.append((p, item, None))
        else:
            c.error(p, "S003", f"each item of '{what}' must be a step, or a mapping with 'step' and 'level'.",
                    "Write [identify] or [{step: identify, level: major}].")
    return out


def _step(c: Checker, path, raw, orders: list) -> m.Step | None:
    raw = c.mapping(path, raw, STEP_KEYS, "the step")
    if not raw or "id" not in raw:
        return None
    sid = c.ident(path + ("id",), raw["id"], "the step id")
    label = c.text(path + ("label",), raw["label"], f"the label of '{sid}'") if "label" in raw else None
    critical = c.typed(path + ("critical",), raw.get("critical", False), bool, "critical", default=False)
    within = c.duration(path + ("within",), raw["within"], "within") if "within" in raw else None
    before_items = _order_items(c, path + ("before",), raw.get("before"), "before")
    before = tuple(name for _, name, _ in before_items)
    if sid is not None:
        orders.extend((at, sid, name, level) for at, name, level in before_items)
        orders.extend((at, name, sid, level) for at, name, level in _order_items(c, path + ("requires",), raw.get("requires"), "requires"))
    weight = c.number(path + ("weight",), raw.get("weight", 1), "weight", 0, 100, default=1)
    why = c.text(path + ("why",), raw["why"], f"the explanation of '{sid}'") if "why" in raw else None
    optional = c.typed(path + ("optional",), raw.get("optional", False), bool, "optional", default=False)
    if critical and optional:
        c.error(path + ("optional",), "S004", "a critical step cannot be optional.",
                "A critical step must be possible in every call of this rubric: remove 'optional' or 'critical'.")
    if sid is None or label is None:
        return None
    return m.Step(sid, label, bool(critical), within, before, float(weight), why, bool(optional))

"""Load rubric files into the model: score bands, criteria and their settings, and the protocol.

A rubric names the compliance bands, the criteria that score a call (with their weights, level
descriptors and settings) and the protocol: the steps a call should go through, their deadlines
and the order rules between them. Every problem is reported at once, as the scenario loader does.
"""

from __future__ import annotations

from pathlib import Path

from simulator import model as m
from simulator.checking import (
    Checker,
    TooManyProblems,
    _choices_hint,
    content_hash,
    deviation_level,
    flag,
    identifier,
    items,
    number,
    obj,
    strings,
)
from simulator.errors import ScenarioError
from simulator.shape import check_shape
from simulator.yamlsource import Document, load_yaml

# Keys, types and ranges are stated in simulator/schema/rubric.schema.json (checked by simulator.shape);
# these names are what the scoring code knows (tests/test_schema.py checks the schema lists the same).
CRITERIA = m.CRITERIA
COMPLIANCE_LEVELS = ("high_compliance", "compliant", "partial", "low", "non_compliant")


def load_rubric(path: Path | str) -> m.Rubric:
    path = Path(path)
    return build_rubric(load_yaml(path), content_hash(path.read_bytes()))


def build_rubric(doc: Document, digest: str = "") -> m.Rubric:
    c = Checker(doc)
    try:
        check_shape(c, "rubric", digest)
        return _build_rubric(c, doc, digest)
    except TooManyProblems:
        raise c.too_many() from None


def _build_rubric(c: Checker, doc: Document, digest: str) -> m.Rubric:
    root = obj(doc.data)
    if not root:
        raise ScenarioError(c.settle() or [doc.problem((), "S003", "the file is empty.", "See docs/rubrics.md.")])
    rid = identifier(root.get("id"))
    title = c.text(("title",), root["title"], "the title") if "title" in root else None
    pass_mark = number(root.get("pass_mark"), 70)
    cap = number(root.get("critical_cap", min(pass_mark - 1, 49)), 49)
    if cap >= pass_mark:
        c.error(("critical_cap",), "S004", f"critical_cap ({cap}) must be below the pass mark ({pass_mark}).",
                "A missed critical step must make the call fail: lower critical_cap.")
    compliance = _compliance(c, root.get("compliance"))
    levels = _levels(c, ("levels",), root.get("levels"))
    criteria = {}
    for cid, raw in obj(root.get("criteria")).items():
        cpath = ("criteria", cid)
        if cid not in CRITERIA:  # said here rather than as an unknown key: a criterion is scoring code
            c.error(cpath, "R010", f"there is no criterion '{cid}'.", _choices_hint(str(cid), CRITERIA), key=True)
            continue
        raw = obj(raw)
        weight = number(raw.get("weight"))
        own = _levels(c, cpath + ("levels",), raw["levels"]) if "levels" in raw else levels
        settings = _criterion_settings(c, cpath + ("settings",), cid, raw.get("settings"))
        minimum = number(raw.get("minimum"))
        if weight is not None:
            criteria[cid] = m.Criterion(cid, float(weight), dict(settings), own,
                                        float(minimum) if minimum is not None else None)
    protocol = {}
    placed = []
    orders: list[tuple[tuple, str, str, m.DeviationLevel | None]] = []  # (path, first, then, level)
    for i, raw in enumerate(items(root.get("protocol"))):
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
    for level, cost in obj(root.get("deviations")).items():
        if level in costs and level != "critical" and number(cost) is not None:
            costs[level] = float(cost)
    passing = tuple(level for level in strings(root.get("passing_compliance")) if level in COMPLIANCE_LEVELS) \
        or ("high_compliance", "compliant")
    if "timing" in criteria:
        for step in criteria["timing"].settings.get("targets") or {}:
            if step not in protocol:
                c.error(("criteria", "timing", "settings", "targets", step), "R002", f"the step '{step}' is not in this protocol.",
                        _choices_hint(str(step), protocol), key=True)
    if c.settle():
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
    """The settings a criterion understands (the schema says which, and their ranges): a duration is checked here."""
    out = {}
    for key, value in obj(raw).items():
        kind = CRITERION_SETTINGS.get(cid, {}).get(key)
        if kind == "number" and number(value) is not None:
            out[key] = value
        elif kind == "duration" and c.duration(path + (key,), value, key) is not None:
            out[key] = value
        elif kind == "targets" and isinstance(value, dict):
            out[key] = {step: target for step, target in value.items()
                        if c.duration(path + (key, step), target, f"the target for '{step}'") is not None}
    return out


def _compliance(c: Checker, raw) -> tuple[tuple[str, float], ...]:
    raw = obj(raw)
    bands = []
    for level in COMPLIANCE_LEVELS:
        value = number(raw.get(level))
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
    for i, item in enumerate(items(raw)):
        item = obj(item)
        low = number(item.get("min"))
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
    for i, item in enumerate([raw] if isinstance(raw, (str, dict)) else items(raw)):
        p = path + (i,) if isinstance(raw, list) else path
        if isinstance(item, dict) and isinstance(item.get("step"), str):
            out.append((p + ("step",), item["step"], deviation_level(item.get("level"))))
        elif isinstance(item, str):
            out.append((p, item, None))
    return out


def _step(c: Checker, path, raw, orders: list) -> m.Step | None:
    raw = obj(raw)
    if "id" not in raw:
        return None
    sid = identifier(raw["id"])
    label = c.text(path + ("label",), raw["label"], f"the label of '{sid}'") if "label" in raw else None
    critical = flag(raw.get("critical"))
    within = c.duration(path + ("within",), raw["within"], "within") if "within" in raw else None
    before_items = _order_items(c, path + ("before",), raw.get("before"), "before")
    before = tuple(name for _, name, _ in before_items)
    if sid is not None:
        orders.extend((at, sid, name, level) for at, name, level in before_items)
        orders.extend((at, name, sid, level) for at, name, level in _order_items(c, path + ("requires",), raw.get("requires"), "requires"))
    weight = number(raw.get("weight", 1), 1)
    why = c.text(path + ("why",), raw["why"], f"the explanation of '{sid}'") if "why" in raw else None
    optional = flag(raw.get("optional"))
    if critical and optional:
        c.error(path + ("optional",), "S004", "a critical step cannot be optional.",
                "A critical step must be possible in every call of this rubric: remove 'optional' or 'critical'.")
    if sid is None or label is None:
        return None
    return m.Step(sid, label, bool(critical), within, before, float(weight), why, bool(optional))

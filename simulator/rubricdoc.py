"""A rubric as an instructor reads it: the pass rule, criteria, deviation costs, steps and order rules.

`plateau rubric ID` prints it; docs/rubrics.md shows the same for the bundled rubrics.
"""

from __future__ import annotations

from simulator import model as m


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds / 60:.1f} min"


def describe(rubric: m.Rubric, lang: str = "en") -> dict:
    """Everything that decides a verdict under this rubric, as plain data (for JSON and the text view)."""
    from simulator.loader import parse_duration

    criteria = []
    for cid, c in rubric.criteria.items():
        settings = {}
        for key, value in c.settings.items():
            if key == "targets":
                settings[key] = {step: _duration(parse_duration(v)) for step, v in value.items()}
            elif key == "help_within":
                settings[key] = _duration(parse_duration(value))
            else:
                settings[key] = value
        criteria.append({"id": cid, "weight": c.weight, "minimum": c.minimum, "settings": settings})
    steps = [{"id": s.id, "label": s.label.render(lang), "critical": s.critical, "weight": s.weight,
              "within": _duration(s.within_seconds)} for s in rubric.protocol.values()]
    orders = [{"first": o.first, "then": o.then, "level": o.level.value} for o in rubric.orders]
    return {"id": rubric.id, "title": rubric.title.render(lang), "pass_mark": rubric.pass_mark,
            "critical_cap": rubric.critical_cap, "passing_compliance": list(rubric.passing_compliance),
            "compliance": dict(rubric.compliance), "deviations": {"critical": "fails the call", **rubric.deviation_costs},
            "criteria": criteria, "steps": steps, "orders": orders}


def _settings_text(settings: dict) -> str:
    return "; ".join(f"{k}: " + (", ".join(f"{step} {d}" for step, d in v.items()) if isinstance(v, dict) else str(v))
                     for k, v in settings.items())


def render_text(rubric: m.Rubric, lang: str = "en") -> str:
    d = describe(rubric, lang)
    lines = [f"{d['title']} ({d['id']})", "",
             f"A call passes with: no critical failure; procedure compliance {' or '.join(d['passing_compliance'])};",
             "every criterion at or above its minimum; an overall score of at least "
             f"{d['pass_mark']:g}/100. A critical failure caps the score at {d['critical_cap']:g}.", "",
             "Criteria (weight, minimum, settings):"]
    for c in d["criteria"]:
        extra = f", at least {c['minimum']:g}%" if c["minimum"] is not None else ""
        settings = _settings_text(c["settings"])
        lines.append(f"  {c['id']:<10} {c['weight']:>4g}{extra}" + (f"  ({settings})" if settings else ""))
    lines += ["", "Deviations (procedure points lost):"]
    lines += [f"  {level:<9} {cost if isinstance(cost, str) else f'-{cost:g}'}" for level, cost in d["deviations"].items()]
    lines += ["", "Protocol steps (weight, deadline):"]
    for s in d["steps"]:
        mark = "critical " if s["critical"] else ""
        within = f", within {s['within']}" if s["within"] else ""
        lines.append(f"  {s['id']:<17} {s['weight']:>3g}  {mark}{s['label']}{within}")
    lines += ["", "Order rules (doing the second while the first is not done yet):"]
    lines += [f"  {o['first']} before {o['then']}: {o['level']}" for o in d["orders"]]
    return "\n".join(lines) + "\n"


def render_markdown(rubric: m.Rubric) -> str:
    """The rubric's tables for docs/rubrics.md (a test keeps the guide equal to the files)."""
    d = describe(rubric, "en")
    lines = [f"### `{d['id']}`: {d['title']}", "",
             f"Pass mark {d['pass_mark']:g}; a critical failure caps the score at {d['critical_cap']:g}; "
             f"passing compliance: {', '.join(d['passing_compliance'])}. Deviations cost "
             + ", ".join(f"{level} {cost:g}" for level, cost in d["deviations"].items() if not isinstance(cost, str))
             + " procedure points; a critical one fails the call.", "",
             "| criterion | weight | minimum | settings |", "| --- | ---: | ---: | --- |"]
    for c in d["criteria"]:
        settings = _settings_text(c["settings"])
        minimum = f"{c['minimum']:g}%" if c["minimum"] is not None else ""
        lines.append(f"| `{c['id']}` | {c['weight']:g} | {minimum} | {settings} |")
    lines += ["", "| step | critical | weight | within | label |", "| --- | --- | ---: | --- | --- |"]
    for s in d["steps"]:
        lines.append(f"| `{s['id']}` | {'yes' if s['critical'] else ''} | {s['weight']:g} | {s['within']} | {s['label']} |")
    lines += ["", "| order rule | level |", "| --- | --- |"]
    lines += [f"| `{o['first']}` before `{o['then']}` | {o['level']} |" for o in d["orders"]]
    return "\n".join(lines) + "\n"

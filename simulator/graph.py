"""The dialogue graph of a scenario as Mermaid or Graphviz DOT text.

One subgraph per case. Nodes are boxes, endings are rounded and coloured by outcome,
timed events are hexagons with a dashed arrow to where they move the call. An option is
an arrow labelled with its id; it is bold and starred when it performs a critical step of
the rubric, and crossed (✗) when it breaks one. Options that keep the call at the node
are listed in the node's box rather than drawn as loops, so the graph stays readable.
Pure functions: the same scenario always gives the same text (golden-file tested).
"""

from __future__ import annotations

import re

from simulator import model as m
from simulator.safe import printable

OUTCOME_COLOURS = {
    m.Outcome.RESOLVED: "#d4edda",
    m.Outcome.ESCALATED: "#fff3cd",
    m.Outcome.HUNG_UP: "#e2e3e5",
    m.Outcome.FAILED: "#f8d7da",
    m.Outcome.UNSAFE: "#f5c6cb",
}


def _id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", p) for p in parts)


def _option_label(option: m.Option, rubric: m.Rubric | None) -> str:
    label = option.id
    step = rubric.protocol.get(option.step) if rubric and option.step else None
    if step is not None:
        label += f" [{step.id}{'★' if step.critical else ''}]"
    if option.breaks:
        label += " ✗" + ",".join(option.breaks)
    return label


def _critical(option: m.Option, rubric: m.Rubric | None) -> bool:
    step = rubric.protocol.get(option.step) if rubric and option.step else None
    return bool(step and step.critical)


def _event_label(event: m.Event) -> str:
    parts = [event.id]
    if event.at_seconds is not None:
        parts.append(f"at {event.at_seconds / 60:g} min")
    if event.when is not None:
        parts.append(f"when {event.when.source}")
    return " · ".join(parts)


def _stays(node: m.Node, rubric) -> list[str]:
    return [_option_label(o, rubric) for o in node.options if not o.goto and not o.end]


def _ending_targets(scenario: m.Scenario) -> list[str]:
    return list(scenario.endings)


# ------------------------------------------------------------------ Mermaid


def _mm(text: str) -> str:
    """Text inside a Mermaid label: quotes would end it, and Mermaid reads HTML in labels, so its characters are
    written as Mermaid's entity codes (a '<script>' in a scenario text is shown, never run)."""
    return (printable(text).replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("&", "#amp;"))


def to_mermaid(scenario: m.Scenario, rubric: m.Rubric | None = None) -> str:
    lines = ["flowchart TD"]
    critical_links: list[int] = []
    link = 0
    for ending in scenario.endings.values():
        lines.append(f'  {_id("E", ending.id)}(["{_mm(ending.id)}: {ending.outcome.value}"]):::{ending.outcome.value}')
    for case in scenario.cases.values():
        lines.append(f'  subgraph {_id("case", case.id)}["{_mm(case.id)}: {_mm(case.caller.name)}"]')
        start = _id("start", case.id)
        lines.append(f"    {start}((start))")
        for node in case.nodes.values():
            body = [f"<b>{_mm(node.id)}</b> · {node.speaker.value}"] + [_mm(s) for s in _stays(node, rubric)]
            lines.append(f'    {_id(case.id, node.id)}["{"<br/>".join(body)}"]')
        for event in case.events:
            lines.append(f'    {_id("ev", case.id, event.id)}{{{{"{_mm(_event_label(event))}"}}}}:::event')
        lines.append("  end")
        lines.append(f"  {start} --> {_id(case.id, case.start)}")
        link += 1
        for node in case.nodes.values():
            src = _id(case.id, node.id)
            if node.end:
                lines.append(f"  {src} --> {_id('E', node.end)}")
                link += 1
            for option in node.options:
                target = _id(case.id, option.goto) if option.goto else _id("E", option.end) if option.end else None
                if target is None:
                    continue
                arrow = "==>" if _critical(option, rubric) else "-->"
                if _critical(option, rubric):
                    critical_links.append(link)
                lines.append(f'  {src} {arrow}|"{_mm(_option_label(option, rubric))}"| {target}')
                link += 1
        for event in case.events:
            target = _id(case.id, event.goto) if event.goto else _id("E", event.end) if event.end else None
            if target is not None:
                lines.append(f"  {_id('ev', case.id, event.id)} -.-> {target}")
                link += 1
    for outcome, colour in OUTCOME_COLOURS.items():
        lines.append(f"  classDef {outcome.value} fill:{colour},stroke:#333")
    lines.append("  classDef event fill:#e7f1ff,stroke:#36c,stroke-dasharray: 4 3")
    if critical_links:
        lines.append(f"  linkStyle {','.join(map(str, critical_links))} stroke:#c00,stroke-width:2px")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ DOT


def _dq(text: str) -> str:
    """A DOT string; a line break becomes DOT's centred \\n."""
    return '"' + printable(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(scenario: m.Scenario, rubric: m.Rubric | None = None) -> str:
    lines = [f"digraph {_dq(scenario.id)} {{",
             "  rankdir=TB;",
             '  node [fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for ending in scenario.endings.values():
        lines.append(f"  {_id('E', ending.id)} [label={_dq(f'{ending.id}: {ending.outcome.value}')}, shape=box, "
                     f"style=\"rounded,filled\", fillcolor={_dq(OUTCOME_COLOURS[ending.outcome])}];")
    for case in scenario.cases.values():
        lines.append(f"  subgraph {_id('cluster', case.id)} {{")
        lines.append(f"    label={_dq(f'{case.id}: {case.caller.name}')};")
        start = _id("start", case.id)
        lines.append(f"    {start} [label=\"start\", shape=circle];")
        for node in case.nodes.values():
            body = [f"{node.id} · {node.speaker.value}"] + _stays(node, rubric)
            lines.append(f"    {_id(case.id, node.id)} [label={_dq(chr(10).join(body))}, shape=box];")
        for event in case.events:
            lines.append(f"    {_id('ev', case.id, event.id)} [label={_dq(_event_label(event))}, shape=hexagon, "
                         "style=dashed, color=\"#3366cc\"];")
        lines.append("  }")
        lines.append(f"  {start} -> {_id(case.id, case.start)};")
        for node in case.nodes.values():
            src = _id(case.id, node.id)
            if node.end:
                lines.append(f"  {src} -> {_id('E', node.end)};")
            for option in node.options:
                target = _id(case.id, option.goto) if option.goto else _id("E", option.end) if option.end else None
                if target is None:
                    continue
                style = ", color=\"#cc0000\", penwidth=2" if _critical(option, rubric) else ""
                lines.append(f"  {src} -> {target} [label={_dq(_option_label(option, rubric))}{style}];")
        for event in case.events:
            target = _id(case.id, event.goto) if event.goto else _id("E", event.end) if event.end else None
            if target is not None:
                lines.append(f"  {_id('ev', case.id, event.id)} -> {target} [style=dashed, color=\"#3366cc\"];")
    lines.append("}")
    return "\n".join(lines) + "\n"

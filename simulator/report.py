"""Debriefs: a Score rendered for the trainee, in the terminal (Rich), Markdown or HTML (Jinja2).

Rendering only: every figure comes from scoring. HTML is autoescaped, so nothing a trainee
typed or a scenario author wrote can run in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from simulator import model as m
from simulator.i18n import num, t
from simulator.scoring import Score

TEMPLATES = Path(__file__).parent / "templates"
CRITERIA_ORDER = ("calm", "procedure", "provider", "case_file", "timing", "language")


@dataclass
class Debrief:
    """What a debrief shows, in one language: built from a Score, the scenario and the session header."""

    lang: str
    scenario: m.Scenario
    score: Score
    trainee: str = ""
    started: str = ""

    @property
    def title(self) -> str:
        return self.scenario.title.render(self.lang)

    @property
    def ending(self) -> m.Ending | None:
        return self.scenario.endings.get(self.score.ending) if self.score.ending else None

    def criteria(self) -> list[dict]:
        out = []
        for cid in CRITERIA_ORDER:
            c = self.score.criteria.get(cid)
            if c is None:
                continue
            lost = [e for e in c.evidence if e.points < 0 or e.better or (e.expected and cid != "calm")]
            out.append({
                "id": cid, "name": t("criterion." + cid, self.lang), "score": num(c.score, self.lang),
                "max": num(c.weight, self.lang),
                "percent": round(c.percent), "applies": c.applies,
                "level": c.level.name.render(self.lang) if c.level else "",
                "level_text": c.level.description.render(self.lang) if c.level else "",
                "evidence": [self.evidence(e) for e in c.evidence],
                "lost": [self.evidence(e) for e in lost],
            })
        return out

    def evidence(self, e) -> dict:
        return {"turn": e.turn, "clock": num(e.clock, self.lang) if e.clock is not None else "",
                "points": round(e.points, 1), "signed": ("+" if e.points > 0 else "−" if e.points < 0 else "") + num(abs(round(e.points, 1)), self.lang),
                "what": e.what[self.lang], "detail": e.detail[self.lang] if e.detail else "",
                "expected": e.expected[self.lang] if e.expected else "", "better": e.better[self.lang] if e.better else "",
                "case": self.scenario.cases[e.case].reference if e.case in self.scenario.cases else ""}

    def critical(self) -> list[str]:
        return [f["label"][self.lang] for f in self.score.critical_failures]

    def notes(self) -> list[dict]:
        return [{"turn": n["turn"], "text": n["text"][self.lang], "note": n["note"][self.lang]} for n in self.score.notes]

    def words(self) -> dict:
        keys = ["debrief.title", "debrief.overall", "debrief.passed", "debrief.failed", "debrief.compliance",
                "debrief.criterion", "debrief.points", "debrief.level", "debrief.lost", "debrief.better",
                "debrief.expected", "debrief.turn", "debrief.critical", "debrief.notes", "debrief.trainee",
                "debrief.ending", "debrief.na", "debrief.evidence", "debrief.ranking", "debrief.colon",
                "debrief.your_notes"]
        return {k.split(".", 1)[1]: t(k, self.lang) for k in keys}

    def context(self) -> dict:
        return {"d": self, "w": self.words(), "score": self.score, "criteria": self.criteria(),
                "ending": self.ending, "lang": self.lang, "overall": num(self.score.overall, self.lang),
                "compliance": t("compliance." + self.score.compliance, self.lang) if self.score.compliance else ""}


def _env(autoescape: bool) -> Environment:
    # Autoescape is decided here, not by file name: the HTML template ends in .j2.
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=autoescape,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_markdown(debrief: Debrief) -> str:
    return _env(False).get_template("debrief.md.j2").render(debrief.context())


def render_html(debrief: Debrief) -> str:
    return _env(True).get_template("debrief.html.j2").render(debrief.context())


def render_terminal(debrief: Debrief, console: Console) -> None:
    lang, score, w = debrief.lang, debrief.score, debrief.words()
    verdict = Text(w["passed"] if score.passed else w["failed"], style="bold green" if score.passed else "bold red")
    head = Text.assemble((f"{w['overall']}{w['colon']} {num(score.overall, lang)}/100  ", "bold"), verdict,
                         f"  ({w['compliance']}{w['colon']} {t('compliance.' + score.compliance, lang)})")
    parts = [head]
    if debrief.ending is not None:
        parts.append(Text.assemble((f"{w['ending']}{w['colon']} ", "bold"), debrief.ending.title.render(lang)))
        parts.append(Text(debrief.ending.debrief.render(lang)))
    for label in debrief.critical():
        parts.append(Text(f"✗ {w['critical']}{w['colon']} {label}", style="bold red"))
    console.print(Panel(Group(*parts), title=f"{w['title']}{w['colon']} {debrief.title}"))
    table = Table(show_header=True, header_style="bold")
    table.add_column(w["criterion"])
    table.add_column(w["points"], justify="right")
    table.add_column(w["level"])
    for c in debrief.criteria():
        points = f"{c['score']}/{c['max']}" if c["applies"] else w["na"]
        table.add_row(c["name"], points, c["level"] if c["applies"] else "")
    console.print(table)
    for c in debrief.criteria():
        if not c["lost"]:
            continue
        console.print(Text(c["name"], style="bold underline"))
        for e in c["lost"]:
            where = f"[{w['turn']} {e['turn']}, {e['clock']} min] " if e["turn"] else ""
            console.print(Text.assemble(("  − ", "red"), where, e["what"]))
            if e["detail"]:
                console.print(Text(f"    {w['ranking']}{w['colon']} {e['detail']}", style="dim"))
            if e["expected"]:
                console.print(Text(f"    {w['expected']}{w['colon']} {e['expected']}", style="dim"))
            if e["better"]:
                console.print(Text(f"    {w['better']}{w['colon']} {e['better']}", style="green"))
    notes = debrief.notes()
    if notes:
        console.print(Text(w["notes"], style="bold underline"))
        for n in notes:
            console.print(Text.assemble(f"  [{w['turn']} {n['turn']}] ", ("“" + n["text"] + "”", "italic")))
            console.print(Text(f"    {n['note']}"))

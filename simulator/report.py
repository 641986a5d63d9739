"""Debriefs: a Score rendered for the trainee, in the terminal (Rich), Markdown or HTML (Jinja2).

Rendering only: every figure comes from scoring. HTML is autoescaped, so nothing a trainee
typed or a scenario author wrote can run in the page. How a quote is written in each language is
decided here; numbers, shares, prices and dates are written by simulator.formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.criteria import CRITERIA
from simulator.formatting import NBSP, half_up, moment, number, percent
from simulator.i18n import t

if TYPE_CHECKING:  # the desk imports the helpers below without loading scoring, Rich or Jinja
    from rich.console import Console

    from simulator import model as m
    from simulator.scoring import Evidence, Score

TEMPLATES = Path(__file__).parent / "templates"


# ------------------------------------------------------------------ how figures and quotes are written


def quote(text: str, lang: str) -> str:
    """Words someone said, between the language's quotation marks: « … » in French, “…” in Dutch and English."""
    if lang != "fr":
        return f"“{text}”"
    inner = re.sub(r"\s*»", "”", re.sub(r"«\s*", "“", text))  # quotes within a quote: “…”, as French does
    return f"«{NBSP}{typeset(inner, lang)}{NBSP}»"


_FR_SPACE_BEFORE = re.compile(r"[ \u202f](?=[:;!?»])")


def typeset(text: str, lang: str) -> str:
    """French spacing: the space before : ; ! ? » and after « becomes a no-break space (never a line of its own)."""
    if lang != "fr" or type(text) is not str:  # numbers, and Markup already escaped, pass as they are
        return text
    return _FR_SPACE_BEFORE.sub(NBSP, text).replace("« ", "«" + NBSP)


# ------------------------------------------------------------------ the debrief


@dataclass
class Debrief:
    """What a debrief shows, in one language: built from a Score, the scenario and the session header."""

    lang: str
    scenario: m.Scenario
    score: Score
    trainee: str = ""
    started: str = ""
    tz: tzinfo | None = None  # where `started` is shown; None: the computer's local time

    def __post_init__(self) -> None:
        from simulator.safe import printable
        self.trainee = printable(self.trainee)  # a name from a transcript's header: no escape sequence reaches a screen

    @property
    def title(self) -> str:
        return self.scenario.title.render(self.lang)

    @property
    def ending(self) -> m.Ending | None:
        return self.scenario.endings.get(self.score.ending) if self.score.ending else None

    @property
    def ending_text(self) -> str:
        """The ending's debrief as it fits this call (its variant for what happened)."""
        if self.score.ending_debrief:
            return self.score.ending_debrief[self.lang]
        return self.ending.debrief.render(self.lang) if self.ending else ""

    def case_endings(self) -> list[dict]:
        """With several callers, how each call ended, named by caller: [{who, title, text}]."""
        endings = getattr(self.score, "case_endings", [])
        if len(self.scenario.cases) < 2:
            return []
        return [{"who": self.who(e["case"]), "title": e["title"][self.lang], "text": e["debrief"][self.lang]}
                for e in endings]

    def who(self, case_id: str | None) -> str:
        """Whose call a line is about, when the scenario has several: `Lotte Peeters, DOS-2026-071204`."""
        case = self.scenario.cases.get(case_id) if case_id else None
        if case is None or len(self.scenario.cases) < 2:
            return ""
        return f"{case.caller.name}, {case.reference}"

    def why_failed(self) -> str:
        """Why a call did not pass, in one line: `Non réussi à cause de : une faute critique`."""
        lang, out = self.lang, []
        for r in getattr(self.score, "reasons", []):
            if r["reason"] == "compliance":
                out.append(t("reason.compliance", lang, level=t("compliance." + r["level"], lang),
                             needed=t("compliance." + r["needed"], lang)))
            elif r["reason"] == "minimum":
                out.append(t("reason.minimum", lang, criterion=t("criterion." + r["criterion"], lang),
                             percent=percent(half_up(r["percent"], 0), lang), minimum=percent(r["minimum"], lang)))
            elif r["reason"] == "pass_mark":
                out.append(t("reason.pass_mark", lang, mark=number(self.score.pass_mark, lang)))
            else:
                out.append(t("reason." + r["reason"], lang))
        return f"{t('debrief.why_failed', lang)}{t('debrief.colon', lang)} {'; '.join(out)}" if out else ""

    @property
    def header(self) -> str:
        """Who took the call and when: `Stagiaire : Zoë Lambert · 30/11/2026 08:01`."""
        parts = [f"{t('debrief.trainee', self.lang)}{t('debrief.colon', self.lang)} {self.trainee}"] if self.trainee else []
        if self.started:
            parts.append(moment(self.started, self.lang, self.tz))
        return " · ".join(parts)

    def criteria(self) -> list[dict]:
        out = []
        for cid in CRITERIA:
            c = self.score.criteria.get(cid)
            if c is None:
                continue
            out.append({
                "id": cid, "name": t("criterion." + cid, self.lang), "score": number(c.score, self.lang),
                "max": number(c.weight, self.lang),
                "percent": percent(half_up(c.percent, 0), self.lang), "applies": c.applies,
                "level": c.level.name.render(self.lang) if c.level else "",
                "level_text": c.level.description.render(self.lang) if c.level else "",
                "evidence": [self.evidence(e) for e in c.evidence],
                "lost": [self.evidence(e) for e in explaining(cid, c.evidence, c.applies and c.score < c.weight)],
            })
        return out

    def evidence(self, e: Evidence) -> dict:
        from simulator.scoring_card import provider_line  # here: the desk imports this module without the model
        ranking = e.extra.get("ranking") or []
        return {"turn": e.turn, "clock": number(e.clock, self.lang) if e.clock is not None else "",
                "points": round(e.points, 1), "signed": ("+" if e.points > 0 else "−" if e.points < 0 else "") + number(abs(round(e.points, 1)), self.lang),
                "what": e.what[self.lang], "detail": e.detail[self.lang] if e.detail and not ranking else "",
                "ranking": [provider_line(r, self.lang) for r in ranking],  # as the stored evidence says it
                "expected": e.expected[self.lang] if e.expected else "", "better": e.better[self.lang] if e.better else "",
                "case": self.scenario.cases[e.case].reference if e.case is not None and e.case in self.scenario.cases else "",
                "who": self.who(e.case)}

    def critical(self) -> list[str]:
        return [f"{f['label'][self.lang]} ({who})" if (who := self.who(f.get("case"))) else f["label"][self.lang]
                for f in self.score.critical_failures]

    def notes(self) -> list[dict]:
        return [{"turn": n["turn"], "text": n["text"][self.lang], "quoted": quote(n["text"][self.lang], self.lang),
                 "note": n["note"][self.lang], "who": self.who(n.get("case"))} for n in self.score.notes]

    def words(self) -> dict:
        keys = ["debrief.title", "debrief.overall", "debrief.passed", "debrief.failed", "debrief.compliance",
                "debrief.criterion", "debrief.points", "debrief.level", "debrief.lost", "debrief.better",
                "debrief.expected", "debrief.turn", "debrief.critical", "debrief.notes", "debrief.trainee",
                "debrief.ending", "debrief.na", "debrief.evidence", "debrief.ranking", "debrief.colon",
                "debrief.your_notes"]
        return {k.split(".", 1)[1]: t(k, self.lang) for k in keys}

    def context(self) -> dict:
        return {"d": self, "w": self.words(), "score": self.score, "criteria": self.criteria(),
                "ending": self.ending, "lang": self.lang, "overall": number(self.score.overall, self.lang),
                "compliance": t("compliance." + self.score.compliance, self.lang) if self.score.compliance else ""}


def explaining(cid: str, evidence: list[Evidence], lost_points: bool) -> list[Evidence]:
    """The evidence that says where a criterion's points went, for the short terminal debrief.

    Penalties, missed or broken steps and better options always; when the criterion lost points,
    also the lines that carry no points of their own but explain the score (the caller's stress,
    a call in the caller's second language, a step never done); and if still nothing, every line
    (a step done late still earns some points)."""
    shown = [e for e in evidence if e.points < 0 or e.better or (e.expected and cid != "calm")]
    if lost_points:
        shown = [e for e in evidence if e in shown or e.points == 0] or list(evidence)
    return shown


def _env(autoescape: bool, lang: str):
    from jinja2 import Environment, FileSystemLoader
    # Autoescape is decided here, not by file name: the HTML template ends in .j2.
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=autoescape,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       finalize=lambda value: typeset(value, lang))


_MARKDOWN_HTML = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def render_markdown(debrief: Debrief) -> str:
    """The debrief as Markdown. Markdown lets raw HTML through to the page it becomes, so every value written
    into it has its HTML characters escaped: a '<script>' in a name or a scenario text is shown, never run."""
    from simulator.safe import printable
    env = _env(False, debrief.lang)
    typeset_only = env.finalize

    def finalize(value):
        value = typeset_only(value)
        return printable(value).translate(_MARKDOWN_HTML) if isinstance(value, str) else value
    env.finalize = finalize
    return env.get_template("debrief.md.j2").render(debrief.context())


def render_html(debrief: Debrief) -> str:
    return _env(True, debrief.lang).get_template("debrief.html.j2").render(debrief.context())


def render_terminal(debrief: Debrief, console: Console, *, plain: bool = False) -> None:
    """The debrief on the terminal: a panel and a table, or, when `plain` (`--plain`), lines of text without a box
    character."""
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    lang, score = debrief.lang, debrief.score
    w = {k: typeset(v, lang) for k, v in debrief.words().items()}

    verdict = Text(w["passed"] if score.passed else w["failed"], style="bold green" if score.passed else "bold red")
    head = Text.assemble((typeset(f"{w['overall']}{w['colon']} {number(score.overall, lang)}/100  ", lang), "bold"), verdict,
                         typeset(f"  ({w['compliance']}{w['colon']} {t('compliance.' + score.compliance, lang)})", lang))
    title = typeset(f"{w['title']}{w['colon']} {debrief.title}", lang)
    parts = [head]
    if debrief.case_endings():
        for e in debrief.case_endings():
            parts.append(Text.assemble((typeset(f"{w['ending']} ({e['who']}){w['colon']} ", lang), "bold"),
                                       typeset(e["title"], lang)))
            parts.append(Text(typeset(e["text"], lang)))
    elif debrief.ending is not None:
        parts.append(Text.assemble((typeset(f"{w['ending']}{w['colon']} ", lang), "bold"),
                                   typeset(debrief.ending.title.render(lang), lang)))
        parts.append(Text(typeset(debrief.ending_text, lang)))
    for label in debrief.critical():
        parts.append(Text(typeset(f"{'' if plain else '✗ '}{w['critical']}{w['colon']} {label}", lang), style="bold red"))
    if debrief.why_failed():
        parts.append(Text(typeset(debrief.why_failed(), lang), style="red"))
    free, choices = score.free_answers
    if free:  # played in the trainee's own words (--free): how many answers were typed, not picked from the list
        parts.append(Text(typeset(t("free.count", lang, free=free, total=choices), lang)))
    if plain:
        console.print(Text(title, style="bold"))
        for part in parts:
            console.print(part)
        console.print()
    else:
        console.print(Panel(Group(*parts), title=title))
    table = Table(show_header=True, header_style="bold", box=None if plain else box.HEAVY_HEAD, pad_edge=not plain)
    table.add_column(w["criterion"])
    table.add_column(w["points"], justify="right")
    table.add_column(w["level"])
    criteria = debrief.criteria()
    for c in criteria:
        points = f"{c['score']}/{c['max']}" if c["applies"] else w["na"]
        table.add_row(typeset(c["name"], lang), points, typeset(c["level"], lang) if c["applies"] else "")
    console.print(table)
    for c in criteria:
        if not c["lost"]:
            continue
        console.print(Text(typeset(f"{c['name']} ({c['score']}/{c['max']})", lang), style="bold underline"))
        for e in c["lost"]:
            where = f"[{w['turn']} {e['turn']}, {e['clock']} min] " if e["turn"] else ""
            if e["who"]:
                where = f"[{e['who']}{', ' + where[1:-2] if where else ''}] "
            mark = ("  − ", "red") if e["points"] < 0 or e["expected"] or e["better"] else "  · "  # ·: no loss by itself
            console.print(Text.assemble(mark, where, typeset(e["what"], lang)))
            if e["detail"]:
                console.print(Text(typeset(f"    {w['ranking']}{w['colon']} {e['detail']}", lang), style="dim"))
            if e["ranking"]:
                console.print(Text(f"    {w['ranking']}{w['colon']}", style="dim"))
                for line in e["ranking"]:
                    console.print(Text(typeset(f"      {line}", lang), style="dim"))
            if e["expected"]:
                console.print(Text(typeset(f"    {w['expected']}{w['colon']} {e['expected']}", lang), style="dim"))
            if e["better"]:
                console.print(Text(typeset(f"    {w['better']}{w['colon']} {e['better']}", lang), style="green"))
    notes = debrief.notes()
    if notes:
        console.print(Text(w["notes"], style="bold underline"))
        for n in notes:
            who = f"{n['who']}, " if n["who"] else ""
            console.print(Text.assemble(f"  [{who}{w['turn']} {n['turn']}] ", (typeset(n["quoted"], lang), "italic")))
            console.print(Text(typeset(f"    {n['note']}", lang)))

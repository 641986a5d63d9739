"""The interactive player: Rich draws the call, prompt-toolkit reads the trainee's answers.

It is a thin front-end: it turns keystrokes into engine actions, writes each action and its
events to the transcript before showing the next prompt, and draws the events. It decides
nothing the engine or scoring decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from simulator import model as m
from simulator.catalog import Library
from simulator.engine import IllegalAction, Session, Status
from simulator.i18n import COMMANDS, command_of, t
from simulator.providers import search
from simulator.transcript import TranscriptWriter

STRESS_STYLES = [(30, "stress.calm", "green"), (55, "stress.tense", "yellow"), (80, "stress.stressed", "dark_orange"),
                 (101, "stress.panic", "bold red")]


def stress_words(stress: float, lang: str) -> tuple[str, str]:
    for limit, key, style in STRESS_STYLES:
        if stress < limit:
            return t(key, lang), style
    return t("stress.panic", lang), "bold red"


def stress_bar(stress: float, lang: str, width: int = 10) -> Text:
    """Colour and words, never colour alone: '██████░░░░ 62 tense'."""
    words, style = stress_words(stress, lang)
    filled = round(stress / 100 * width)
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "dim"), f" {round(stress)} {words}")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Quit(Exception):
    """The trainee asked to save and quit."""


class Player:
    def __init__(self, session: Session, library: Library, writer: TranscriptWriter | None, *, lang: str,
                 console: Console, ask: Callable[[str, list[str]], str] | None = None):
        self.session = session
        self.scenario = session.scenario
        self.library = library
        self.writer = writer
        self.lang = lang
        self.console = console
        self.ask = ask or PromptAsker().ask

    # ------------------------------------------------------------------ drawing

    def header(self) -> Panel:
        s, cs = self.session, self.session.case_state
        case = s.case
        line = Text.assemble(
            (self.scenario.title.render(self.lang), "bold"), "  ",
            f"{t('clock', self.lang)} {s.now().strftime('%H:%M')}", "  ",
            f"{t('case', self.lang)} {case.reference}", "  ",
            f"{t('caller', self.lang)} {case.caller.name}  ",
            f"{t('stress', self.lang)} ", stress_bar(cs.stress, self.lang))
        others = [c for cid, c in s.state.cases.items() if cid != s.state.active and c.status.value in ("ringing", "live")]
        if others:
            line.append("  ")
            for cid in (cid for cid, c in s.state.cases.items() if cid != s.state.active and c.status.value in ("ringing", "live")):
                other = s.state.cases[cid]
                badge = "●" if other.status.value == "ringing" or other.stress >= 70 else "○"
                line.append(f"[{badge} {self.scenario.cases[cid].reference}] ", style="bold magenta" if badge == "●" else "")
        return Panel(line, expand=True)

    def speaker_name(self, event: dict) -> str:
        if event["speaker"] == "caller":
            return self.scenario.cases[event["case"]].caller.name
        return t("speaker." + event["speaker"], self.lang)

    def draw_event(self, event: dict) -> None:
        kind, lang, c = event["type"], self.lang, self.console
        if kind == "said":
            c.print(Text.assemble((self.speaker_name(event) + ": ", "bold cyan"), event["text"][event["lang"]]))
        elif kind == "chose":
            c.print(Text.assemble((t("you", lang) + ": ", "bold green"), event["text"]))
        elif kind == "silence":
            c.print(Text(t("silence", lang), style="dim"))
        elif kind == "recorded":
            c.print(Text(t("recorded", lang, field=self.field_label(event["case"], event["field"]), value=event["value"]), style="dim"))
        elif kind == "dispatched":
            c.print(Text(t("dispatched", lang, name=event["name"], eta=event["eta"], km=event["km"]), style="bold"))
        elif kind == "booked":
            c.print(Text(t("booked", lang, name=event["name"]), style="bold"))
        elif kind == "acted":
            key = "acted." + event["action"]
            c.print(Text(t(key, lang, to=event.get("to", "")), style="bold"))
        elif kind == "withheld":
            c.print(Text(t("withheld", lang, fact=self.field_label(event["case"], event["fact"])), style="yellow"))
        elif kind == "hung_up":
            c.print(Text(t("hung_up", lang), style="bold red"))
        elif kind == "ringing":
            c.print(Text(t("ringing", lang, ref=event["reference"]), style="bold magenta"))
        elif kind == "switched":
            c.print(Text(t("switched", lang, ref=self.scenario.cases[event["to"]].reference), style="bold magenta"))
        elif kind == "spoke":
            c.print(Text(t("speaking", lang, lang=t("lang." + event["lang"], lang)), style="dim"))
        elif kind == "note":
            c.print(Text(t("note.saved", lang), style="dim"))
        elif kind == "case_ended":
            ending = self.scenario.endings[event["ending"]]
            c.print(Text(t("case_ended", lang, title=ending.title.render(lang)), style="bold"))

    def field_label(self, case_id: str, field_id: str) -> str:
        fact = self.scenario.cases[case_id].truth.get(field_id)
        return fact.label.render(self.lang) if fact else field_id

    def draw_options(self, options: list[m.Option]) -> None:
        cs = self.session.case_state
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="bold")
        table.add_column()
        for i, option in enumerate(options, 1):
            table.add_row(f"{i}.", option.text.render(cs.speaking, self.session.context()))
        self.console.print(Text(t("your_options", self.lang), style="bold"))
        self.console.print(table)

    def provider_hits(self, kind: str):
        case = self.session.case
        target = case.location.coordinates if case.location else None
        return search(self.library.directory, kind=kind, near=target, at=self.session.now(), needs=case.needs,
                      traffic=self.scenario.traffic)

    def draw_providers(self, kind: str) -> list:
        lang = self.lang
        hits = self.provider_hits(kind)
        table = Table(title=t("providers.title", lang, kind=kind), expand=False)
        for key in ("#", "providers.name", "providers.place", "providers.km", "providers.eta", "providers.open",
                    "providers.capabilities", "providers.partner", "providers.cost"):
            table.add_column(key if key == "#" else t(key, lang), overflow="fold")
        for i, hit in enumerate(hits, 1):
            p = hit.provider
            table.add_row(str(i), p.name, p.place, f"{hit.km:.0f}", t("min", lang, n=hit.eta),
                          t("yes", lang) if hit.open else t("no", lang), ", ".join(sorted(p.capabilities)),
                          t("yes", lang) if p.partner else t("no", lang), f"€{p.cost}")
        self.console.print(table)
        return hits

    def draw_file(self) -> None:
        case, cs = self.session.case, self.session.case_state
        table = Table(title=t("file.title", self.lang, ref=case.reference))
        table.add_column(t("file.field", self.lang))
        table.add_column(t("file.value", self.lang))
        table.add_column(t("file.known", self.lang))
        for fid, fact in case.truth.items():
            table.add_row(f"{fact.label.render(self.lang)} ({fid})", cs.file.get(fid) or t("file.empty", self.lang),
                          "✓" if fid in cs.known else "")
        self.console.print(table)

    # ------------------------------------------------------------------ playing

    def act(self, action: dict) -> list[dict]:
        """Apply an action, save it to the transcript, then draw its events."""
        events = self.session.apply(action)
        if self.writer is not None:
            self.writer.append(action, events, now_iso())
        for event in events:
            self.draw_event(event)
        return events

    def start(self) -> None:
        self.console.print(Panel(self.scenario.briefing.render(self.lang), title=self.scenario.title.render(self.lang),
                                 subtitle=t("briefing", self.lang)))
        self.act({"type": "start", "lang": self.lang})

    def run(self) -> None:
        """Play until the call ends or the trainee quits (raises Quit)."""
        if self.session.state.status is Status.READY:
            self.start()
        while not self.session.ended:
            action = self.next_action()
            if action is not None:
                self.act(action)

    def next_action(self) -> dict | None:
        st = self.session.state
        if st.status is Status.AWAITING_INPUT:
            label = self.field_label(st.pending["case"], st.pending["field"])
            value = self.ask(t("prompt.field", self.lang, field=label), [])
            return {"type": "input", "value": value} if value.strip() else None
        if st.status is Status.AWAITING_PROVIDER:
            hits = self.draw_providers(st.pending["kind"])
            answer = self.ask(t("prompt.provider", self.lang), [h.provider.id for h in hits]).strip()
            chosen = _pick(answer, [h.provider.id for h in hits])
            if chosen is None:
                self.console.print(t("bad_choice", self.lang, n=len(hits)))
                return None
            return {"type": "provider", "id": chosen}
        self.console.print(self.header())
        options = self.session.options()
        self.draw_options(options)
        words = [names[self.lang] for names in COMMANDS.values()]
        answer = self.ask(t("prompt.choice", self.lang), words).strip()
        if not answer:
            return None
        chosen = _pick(answer, [o.id for o in options])
        if chosen is not None:
            return {"type": "choose", "option": chosen}
        return self.command(answer, len(options))

    def command(self, answer: str, n_options: int) -> dict | None:
        word, _, rest = answer.partition(" ")
        command = command_of(word)
        rest = rest.strip()
        if command == "help":
            self.console.print(t("help", self.lang))
        elif command == "file":
            self.draw_file()
        elif command == "providers":
            self.draw_providers(rest or (self.session.case.needs and "tow") or "tow")
        elif command == "quit":
            raise Quit()
        elif command == "record":
            field, _, value = rest.partition(" ")
            if field not in self.session.case.truth or not value.strip():
                self.console.print(t("file.unknown_field", self.lang, fields=", ".join(self.session.case.truth)))
                return None
            return {"type": "record", "field": field, "value": value}
        elif command == "speak" and rest in m.LANGS:
            return {"type": "speak", "lang": rest}
        elif command == "note" and rest:
            return {"type": "note", "text": rest}
        elif command == "switch":
            target = next((cid for cid, c in self.scenario.cases.items() if rest in (cid, c.reference)), rest)
            return {"type": "switch", "case": target}
        else:
            self.console.print(t("bad_choice", self.lang, n=n_options))
        return None


def _pick(answer: str, ids: list[str]) -> str | None:
    """A 1-based number or an id among `ids`."""
    if answer.isdigit() and 1 <= int(answer) <= len(ids):
        return ids[int(answer) - 1]
    return answer if answer in ids else None


class PromptAsker:
    """Reads a line with prompt-toolkit: history, completion of commands and provider ids."""

    def __init__(self, session: PromptSession | None = None):
        self._session = session

    def ask(self, message: str, words: list[str]) -> str:
        if self._session is None:
            self._session = PromptSession()
        completer = WordCompleter(words, ignore_case=True, sentence=True) if words else None
        return self._session.prompt(message + " › ", completer=completer)


def play_answers(session: Session, actions: list[tuple[dict, tuple[int, int]]], writer: TranscriptWriter | None,
                 on_events: Callable[[list[dict]], None] | None = None) -> None:
    """Apply scripted actions (each with its line and column in the answers file)."""
    for action, _ in actions:
        events = session.apply(action)
        if writer is not None:
            writer.append(action, events, now_iso())
        if on_events:
            on_events(events)


__all__ = ["Player", "PromptAsker", "Quit", "IllegalAction", "play_answers", "stress_bar", "Group"]

"""What the player draws with Rich: the engine's events as lines, the options, the case file and the help.

`Drawing` is the screen side of `simulator.player.Player`: it prints, counts the lines printed since
the caller's last words, and says those words again when they would have scrolled out of view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from simulator.events import ActedEvent, Event, EventType, SaidEvent
from simulator.formatting import number
from simulator.i18n import COMMANDS, exists, t

if TYPE_CHECKING:
    from simulator import model as m
    from simulator.catalog import Library
    from simulator.engine import Session

__all__ = ["Drawing"]


class Drawing:
    """Draws a session's events and state on a Rich console; `Player` sets the attributes below."""

    session: Session
    scenario: m.Scenario
    library: Library
    lang: str
    console: Console
    plain: bool
    last_words: Text | None  # the last thing said to the trainee, kept in view by remind()
    _lines_since: int
    _free_answer: bool  # the action being drawn was a typed sentence, understood

    def out(self, renderable: RenderableType, **style: Any) -> None:
        """Print, counting the lines since the last words said to the trainee (see `remind`)."""
        self.console.print(renderable, **style)
        if self.last_words is not None:
            self._lines_since += self._height(renderable)

    def _height(self, renderable: RenderableType) -> int:
        return len(self.console.render_lines(renderable, self.console.options, pad=False))

    def remind(self) -> None:
        """Say again, just above the prompt, the last words the trainee heard when what was printed
        since (the options, the directory) would have pushed them off the screen."""
        if self.last_words is None or self._lines_since + 3 < self.console.height:
            return
        again = Text(t("last_words", self.lang) + " ", style="dim")
        again.append_text(self.last_words)
        self.out(again)
        self._lines_since = 0

    def party_name(self, event: ActedEvent) -> str:
        """Who a transfer went to, or who a call reached: a party Plateau names (hospital, family...) or the id."""
        to = event.get("to")
        if not to:
            return ""
        if event["action"] == "transfer":
            return t("transfer." + to, self.lang)
        return t("speaker." + to, self.lang) if exists("speaker." + to) else to.replace("_", " ")

    def speaker_name(self, event: SaidEvent) -> str:
        if event["speaker"] == "caller":
            return self.scenario.cases[event["case"]].caller.name
        return t("speaker." + event["speaker"], self.lang)

    def draw_event(self, event: Event) -> None:
        lang = self.lang
        if event["type"] == EventType.SAID:
            # A line said abroad is shown as said, with its gloss in the trainee's own language.
            shown = event["text"][lang if event.get("said_in") else event["lang"]]
            said = Text.assemble((self.speaker_name(event) + t("debrief.colon", lang) + " ", "bold cyan"), shown)
            self.out(said)
            self.last_words, self._lines_since = said, 0
        elif event["type"] == EventType.CHOSE:
            you = t("free.understood" if self._free_answer else "you", lang)
            self.out(Text.assemble((you + t("debrief.colon", lang) + " ", "bold green"), event["text"]))
        elif event["type"] == EventType.UNCLEAR:
            caller = self.scenario.cases[event["case"]].caller.name
            said = Text.assemble((caller + t("debrief.colon", lang) + " ", "bold cyan"), t("unclear.caller", event["lang"]))
            self.out(said)
            self.last_words, self._lines_since = said, 0
        elif event["type"] == EventType.SILENCE:
            self.out(Text(t("silence", lang), style="dim"))
        elif event["type"] == EventType.RECORDED:
            self.out(Text(t("recorded", lang, field=self.field_label(event["case"], event["field"]), value=event["value"]), style="dim"))
        elif event["type"] == EventType.DISPATCHED:
            self.out(Text(t("dispatched", lang, name=event["name"], eta=event["eta"], km=number(event["km"], lang)), style="bold"))
        elif event["type"] == EventType.BOOKED:
            self.out(Text(t("booked", lang, name=event["name"]), style="bold"))
        elif event["type"] == EventType.ACTED:
            self.out(Text(t("acted." + event["action"], lang, to=self.party_name(event)), style="bold"))
        elif event["type"] == EventType.NO_ANSWER:
            self.out(Text(t("call.no_answer", lang), style="yellow"))
        elif event["type"] == EventType.WITHHELD:
            self.out(Text(t("withheld", lang, fact=self.field_label(event["case"], event["fact"])), style="yellow"))
        elif event["type"] == EventType.HUNG_UP:
            self.out(Text(t("hung_up", lang), style="bold red"))
        elif event["type"] == EventType.RINGING:
            self.out(Text(t("ringing", lang, ref=event["reference"]), style="bold magenta"))
        elif event["type"] == EventType.SWITCHED:
            self.out(Text(t("switched", lang, ref=self.scenario.cases[event["to"]].reference), style="bold magenta"))
        elif event["type"] == EventType.SPOKE:
            self.out(Text(t("speaking", lang, language=t("lang." + event["lang"], lang)), style="dim"))
        elif event["type"] == EventType.NOTE:
            self.out(Text(t("note.saved", lang), style="dim"))
        elif event["type"] == EventType.CASE_ENDED:
            ending = self.scenario.endings[event["ending"]]
            self.out(Text(t("case_ended", lang, title=ending.title.render(lang)), style="bold"))
            still = [cid for cid, cs in self.session.state.cases.items() if cs.status.value != "ended"]
            if still:  # several calls at once: this one is closed, not the shift
                self.out(Text(t("calls_open", lang, n=len(still)), style="bold magenta"))

    def field_label(self, case_id: str, field_id: str) -> str:
        fact = self.scenario.cases[case_id].truth.get(field_id)
        return fact.label.render(self.lang) if fact else field_id

    def draw_options(self, options: list[m.Option]) -> None:
        """The options numbered from 1 in the order given: `displayed_options`, the order for the seed."""
        cs = self.session.case_state
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="bold")
        table.add_column()
        for i, option in enumerate(options, 1):
            table.add_row(f"{i}.", Text(option.text.render(cs.speaking, self.session.context())))
        self.out(Text(t("your_options", self.lang), style="bold"))
        self.out(table)

    def draw_file(self) -> None:
        case, cs, lang = self.session.case, self.session.case_state, self.lang
        if self.plain:  # one field per line, in words: what a screen reader reads out
            self.out(Text(t("file.title", lang, ref=case.reference), style="bold"))
            for fid, fact in case.truth.items():
                known = f" ({t('file.known', lang).lower()})" if fid in cs.known else ""
                value = cs.file.get(fid) or t("file.empty", lang)
                self.out(Text(f"{fact.label.render(lang)}{t('debrief.colon', lang)} {value}{known}"))
            for note in cs.notes:
                self.out(Text(f"- {note}"))
            return
        table = Table(title=t("file.title", lang, ref=case.reference), box=box.HEAVY_HEAD)
        table.add_column(t("file.field", lang))
        table.add_column(t("file.value", lang))
        table.add_column(t("file.known", lang))
        for fid, fact in case.truth.items():
            table.add_row(Text(fact.label.render(lang)), Text(cs.file.get(fid) or t("file.empty", lang)),
                          t("yes", lang) if fid in cs.known else "")
        self.out(table)
        for note in cs.notes:
            self.out(Text(f"• {note}", style="dim"))

    def draw_help(self) -> None:
        table = Table.grid(padding=(0, 2))
        for command in ("file", "record", "providers", "speak", "note", "switch", "quit"):
            table.add_row(Text(COMMANDS[command][self.lang]), Text(t("help." + command, self.lang)))
        self.out(Text(t("help.intro", self.lang), style="bold"))
        self.out(table)

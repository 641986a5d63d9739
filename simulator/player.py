"""The interactive player: Rich draws the call, prompt-toolkit reads the trainee's answers.

It is a thin front-end: it turns keystrokes into engine actions, writes each action and its
events to the transcript before showing the next prompt, and draws the events. It decides
nothing the engine or scoring decides.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Callable, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application.current import get_app
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.key_binding import KeyBindings
from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from simulator import model as m
from simulator.catalog import Library
from simulator.engine import IllegalAction, Session, Status
from simulator.errors import PlateauError
from simulator.i18n import COMMANDS, capability_label, capability_of, command_of, kind_label, kind_of, num, t
from simulator.order import NotShown, displayed_options, option_at, provider_rows
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


class Quit(Exception):
    """The trainee asked to save and quit."""


class TimedOut(Exception):
    """The decision time ran out before the trainee answered (timed mode)."""


@dataclass
class Ask:
    """One question to the trainee."""

    message: str
    words: list[str] = field(default_factory=list)   # completion
    choices: int = 0                                  # number of options, for the arrow keys
    seconds: float | None = None                      # time limit (timed mode)
    status: str = ""                                  # status line text
    colon: str = ":"                                  # what ends the question in plain mode (' :' in French)


class Player:
    """Plays a Session with a trainee: draws events, asks, turns answers into actions.

    `seed` orders the options on screen (`order.shuffled`): the session's seed, kept in its
    transcript header; None keeps the file's order (a transcript from before the shuffle)."""

    def __init__(self, session: Session, library: Library, writer: TranscriptWriter | None, *, lang: str,
                 console: Console, seed: int | None, ask: Callable[[Ask], str] | None = None, timed: bool = False,
                 plain: bool = False):
        self.session = session
        self.seed = seed
        self.scenario = session.scenario
        self.library = library
        self.writer = writer
        self.lang = lang
        self.console = console
        asker = ask or PromptAsker().ask
        colon = t("debrief.colon", lang)
        self.ask = lambda question: asker(replace(question, colon=colon))
        self.timed = timed
        self.plain = plain

    # ------------------------------------------------------------------ drawing

    def header(self):
        s, cs = self.session, self.session.case_state
        case = s.case
        line = Text.assemble(
            (self.scenario.title.render(self.lang), "bold"), "  ",
            f"{t('clock', self.lang)} {s.now().strftime('%H:%M')}", "  ",
            f"{t('case', self.lang)} {case.reference}", "  ",
            f"{t('caller', self.lang)} {case.caller.name}  ",
            f"{t('stress', self.lang)} ", stress_bar(cs.stress, self.lang))
        for cid, other in s.state.cases.items():
            if cid == s.state.active or other.status.value not in ("ringing", "live"):
                continue
            urgent = other.status.value == "ringing" or other.stress >= 70
            words, _ = stress_words(other.stress, self.lang)
            line.append(f"  [{'●' if urgent else '○'} {self.scenario.cases[cid].reference}: "
                        f"{t('ringing.badge', self.lang) if other.status.value == 'ringing' else words}]",
                        style="bold magenta" if urgent else "")
        return line if self.plain else Panel(line, expand=True)

    def speaker_name(self, event: dict) -> str:
        if event["speaker"] == "caller":
            return self.scenario.cases[event["case"]].caller.name
        return t("speaker." + event["speaker"], self.lang)

    def draw_event(self, event: dict) -> None:
        kind, lang, c = event["type"], self.lang, self.console
        if kind == "said":
            c.print(Text.assemble((self.speaker_name(event) + t("debrief.colon", lang) + " ", "bold cyan"),
                                  event["text"][event["lang"]]))
        elif kind == "chose":
            c.print(Text.assemble((t("you", lang) + t("debrief.colon", lang) + " ", "bold green"), event["text"]))
        elif kind == "silence":
            c.print(Text(t("silence", lang), style="dim"))
        elif kind == "recorded":
            c.print(Text(t("recorded", lang, field=self.field_label(event["case"], event["field"]), value=event["value"]), style="dim"))
        elif kind == "dispatched":
            c.print(Text(t("dispatched", lang, name=event["name"], eta=event["eta"], km=num(event["km"], lang)), style="bold"))
        elif kind == "booked":
            c.print(Text(t("booked", lang, name=event["name"]), style="bold"))
        elif kind == "acted":
            to = t("transfer." + event["to"], lang) if event.get("to") else ""
            c.print(Text(t("acted." + event["action"], lang, to=to), style="bold"))
        elif kind == "withheld":
            c.print(Text(t("withheld", lang, fact=self.field_label(event["case"], event["fact"])), style="yellow"))
        elif kind == "hung_up":
            c.print(Text(t("hung_up", lang), style="bold red"))
        elif kind == "ringing":
            c.print(Text(t("ringing", lang, ref=event["reference"]), style="bold magenta"))
        elif kind == "switched":
            c.print(Text(t("switched", lang, ref=self.scenario.cases[event["to"]].reference), style="bold magenta"))
        elif kind == "spoke":
            c.print(Text(t("speaking", lang, language=t("lang." + event["lang"], lang)), style="dim"))
        elif kind == "note":
            c.print(Text(t("note.saved", lang), style="dim"))
        elif kind == "case_ended":
            ending = self.scenario.endings[event["ending"]]
            c.print(Text(t("case_ended", lang, title=ending.title.render(lang)), style="bold"))

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
        self.console.print(Text(t("your_options", self.lang), style="bold"))
        self.console.print(table)

    def provider_hits(self, kind: str, words: list[str] = ()):
        """Directory search from the command line: capabilities (in any language), 'open', a distance in km.

        Returns (hits, unknown words); words such as 'km' and 'all' are understood and dropped. Without
        filters, the hits are `provider_rows`, the rows an answers file numbers."""
        capabilities, within, unknown = [], None, []
        for word in words:
            number = word.lower().removesuffix("km")
            if number.isdigit():
                within = float(number)
            elif word.lower() in OPEN_WORDS or word.lower() in ALL_WORDS or word.lower() == "km":
                continue
            elif capability_of(word) or word in self._capabilities():
                capabilities.append(capability_of(word) or word)
            else:
                unknown.append(word)
        hits = provider_rows(self.session, kind, within_km=within, open_only=any(w.lower() in OPEN_WORDS for w in words))
        return [h for h in hits if all(c in h.provider.capabilities for c in capabilities)], unknown

    def _capabilities(self) -> set[str]:
        return {c for p in self.library.directory.providers for c in p.capabilities}

    def draw_providers(self, kind: str, words: list[str] = ()) -> list:
        """The directory search as a table, nearest first; the first SHOWN unless 'all' is asked."""
        lang = self.lang
        hits, unknown = self.provider_hits(kind, list(words))
        if unknown:
            kinds = ", ".join(kind_label(k, lang) for k in sorted({p.kind for p in self.library.directory.providers}))
            capabilities = ", ".join(sorted({capability_label(c, lang) for c in self._capabilities()}, key=str.lower))
            self.console.print(Text(t("providers.unknown_word", lang, word=unknown[0], kinds=kinds, capabilities=capabilities),
                                    style="yellow"))
            return hits
        if not hits:
            self.console.print(Text(t("providers.none", lang), style="yellow"))
            return hits
        shown = hits if any(w.lower() in ALL_WORDS for w in words) else hits[:SHOWN]
        table = Table(title=t("providers.title", lang, kind=kind_label(kind, lang)),
                      box=box.ASCII if self.plain else box.HEAVY_HEAD)
        for key in ("#", "providers.name", "providers.km", "providers.eta", "providers.open",
                    "providers.capabilities", "providers.partner", "providers.cost"):
            table.add_column(key if key == "#" else t(key, lang), overflow="fold")
        for i, hit in enumerate(shown, 1):
            p = hit.provider
            where = f"{p.place}\n{p.note.render(lang)}" if p.note else p.place
            table.add_row(str(i), Text(f"{p.name}\n{where}"), f"{hit.km:.0f}", t("min", lang, n=hit.eta),
                          t("yes", lang) if hit.open else t("no", lang),
                          Text(", ".join(sorted(capability_label(c, lang) for c in p.capabilities))),
                          t("yes", lang) if p.partner else t("no", lang), t("providers.cost_value", lang, cost=p.cost))
        self.console.print(table)
        if len(shown) < len(hits):
            self.console.print(Text(t("providers.more", lang, n=len(hits) - len(shown), all=t("providers.all", lang)),
                                    style="dim"))
        return hits

    def draw_file(self) -> None:
        case, cs = self.session.case, self.session.case_state
        table = Table(title=t("file.title", self.lang, ref=case.reference), box=box.ASCII if self.plain else box.HEAVY_HEAD)
        table.add_column(t("file.field", self.lang))
        table.add_column(t("file.value", self.lang))
        table.add_column(t("file.known", self.lang))
        for fid, fact in case.truth.items():
            table.add_row(Text(f"{fact.label.render(self.lang)} ({fid})"), Text(cs.file.get(fid) or t("file.empty", self.lang)),
                          t("yes", self.lang) if fid in cs.known else "")
        self.console.print(table)
        for note in cs.notes:
            self.console.print(Text(f"• {note}", style="dim"))

    def draw_help(self) -> None:
        table = Table.grid(padding=(0, 2))
        for command in ("file", "record", "providers", "speak", "note", "switch", "quit"):
            table.add_row(Text(COMMANDS[command][self.lang]), Text(t("help." + command, self.lang)))
        self.console.print(Text(t("help.intro", self.lang), style="bold"))
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
        briefing = self.scenario.briefing.render(self.lang)
        if self.plain:
            self.console.print(Text(f"{self.scenario.title.render(self.lang)} - {t('briefing', self.lang)}", style="bold"))
            self.console.print(Text(briefing))
        else:
            self.console.print(Panel(Text(briefing), title=Text(self.scenario.title.render(self.lang)),
                                     subtitle=Text(t("briefing", self.lang))))
        self.act({"type": "start", "lang": self.lang})

    def run(self) -> None:
        """Play until the call ends or the trainee quits (raises Quit)."""
        if self.session.state.status is Status.READY:
            self.start()
        while not self.session.ended:
            try:
                action = self.next_action()
            except KeyboardInterrupt:
                self.confirm_quit()
                continue
            if action is not None:
                try:
                    self.act(action)
                except IllegalAction as exc:
                    self.console.print(Text(str(exc), style="yellow"))

    def confirm_quit(self) -> None:
        """Ctrl-C: the call is already saved; ask whether to stop here."""
        try:
            answer = self.ask(Ask(t("quit.confirm", self.lang)))
        except (KeyboardInterrupt, EOFError):
            raise Quit() from None
        if answer.strip().lower() in ("", "y", "yes", "o", "oui", "j", "ja"):
            raise Quit()

    def next_action(self) -> dict | None:
        st = self.session.state
        if st.status is Status.AWAITING_INPUT:
            label = self.field_label(st.pending["case"], st.pending["field"])
            value = self.ask(Ask(t("prompt.field", self.lang, field=label)))
            if command_of(value.strip().partition(" ")[0]):  # a command, not the value: /file, ?, /quit...
                return self.command(value.strip(), 0)
            return {"type": "input", "value": value} if value.strip() else None
        if st.status is Status.AWAITING_PROVIDER:
            words = []
            while True:
                hits = self.draw_providers(st.pending["kind"], words)
                ids = [h.provider.id for h in hits]
                shown = len(hits) if words else min(len(hits), SHOWN)  # the arrow keys go through the rows on screen
                answer = self.ask(Ask(t("prompt.provider", self.lang), ids, shown)).strip()
                if answer.lower() in ALL_WORDS:
                    words = [answer]
                    continue
                break
            chosen = _pick(answer, ids)
            if chosen is not None:
                return {"type": "provider", "id": chosen}
            if command_of(answer.partition(" ")[0]):
                return self.command(answer, len(hits))
            self.console.print(Text(t("bad_choice", self.lang, n=len(hits)), style="yellow"))
            return None
        self.console.print(self.header())
        options = displayed_options(self.session, self.seed)
        self.draw_options(options)
        words = [names[self.lang] for names in COMMANDS.values()] + list(self.scenario.cases[st.active].truth)
        seconds = self.scenario.decision_seconds if self.timed else None
        try:
            answer = self.ask(Ask(t("prompt.choice", self.lang), words, len(options), seconds,
                                  t("status.timed" if self.timed else "status.practice", self.lang))).strip()
        except TimedOut:
            self.console.print(Text(t("timed_out", self.lang), style="yellow"))
            return {"type": "silence"}
        if not answer:
            return None
        chosen = self._option_typed(answer, [o.id for o in options])
        if chosen is not None:
            return {"type": "choose", "option": chosen}
        return self.command(answer, len(options))

    def _option_typed(self, answer: str, ids: list[str]) -> str | None:
        """The option a trainee names by its number on screen or by its id."""
        if answer.isdigit():
            try:
                return option_at(self.session, self.seed, int(answer))
            except NotShown:
                return None
        return answer if answer in ids else None

    def command(self, answer: str, n_options: int) -> dict | None:
        word, _, rest = answer.partition(" ")
        command = command_of(word)
        rest = rest.strip()
        lang = self.lang
        if command == "help":
            self.draw_help()
        elif command == "file":
            self.draw_file()
        elif command == "providers":
            words = rest.split()
            kind = next((kind_of(w) for w in words if kind_of(w)), "tow")
            self.draw_providers(kind, [w for w in words if not kind_of(w)])
        elif command == "quit":
            raise Quit()
        elif command == "record":
            field_id, _, value = rest.partition(" ")
            if field_id not in self.session.case.truth:
                self.console.print(Text(t("file.unknown_field", lang, fields=", ".join(self.session.case.truth)), style="yellow"))
            elif not value.strip():
                self.console.print(Text(t("record.no_value", lang, command=word, field=field_id), style="yellow"))
            else:
                return {"type": "record", "field": field_id, "value": value}
        elif command == "speak":
            if rest.lower() in m.LANGS:
                return {"type": "speak", "lang": rest.lower()}
            self.console.print(Text(t("speak.unknown", lang), style="yellow"))
        elif command == "note":
            if rest:
                return {"type": "note", "text": rest}
            self.console.print(Text(t("note.empty", lang, command=word), style="yellow"))
        elif command == "switch":
            target = self._case_named(rest)
            if target is not None:
                return {"type": "switch", "case": target}
            refs = ", ".join(c.reference for c in self.scenario.cases.values())
            self.console.print(Text(t("switch.unknown", lang, ref=rest, refs=refs), style="yellow"))
        else:
            self.console.print(Text(t("bad_choice", lang, n=n_options), style="yellow"))
        return None

    def _case_named(self, name: str) -> str | None:
        """The case a trainee names by id, by reference, or by the end of its reference (`031008`)."""
        name = name.strip().lower()
        if not name:
            return None
        for cid, case in self.scenario.cases.items():
            if name in (cid.lower(), case.reference.lower()) or case.reference.lower().endswith(name):
                return cid
        return None


OPEN_WORDS = ("open", "ouvert", "ouverts", "nu", "now")
ALL_WORDS = ("all", "tout", "tous", "alle", "alles")
SHOWN = 10  # providers listed before "... and N more"


def show_model(scenario: m.Scenario, library: Library, lang: str, console: Console) -> None:
    """Play the scenario's model call on a fresh session and draw it, so a trainee can compare."""
    console.rule(t("model.title", lang))
    player = Player(Session(scenario, library.directory), library, None, lang=lang, console=console, seed=None,
                    ask=lambda _: "", plain=True)
    try:
        for action in scenario.model:
            player.act(action)
    except PlateauError as exc:  # a model call the scenario file got wrong: 'plateau lint' reports it
        console.print(Text(str(exc), style="yellow"))


def _pick(answer: str, ids: list[str]) -> str | None:
    """A 1-based number or an id among `ids`."""
    if answer.isdigit() and 1 <= int(answer) <= len(ids):
        return ids[int(answer) - 1]
    return answer if answer in ids else None


def completer_for(ask: Ask) -> WordCompleter | None:
    """Tab completion of the commands, field names and provider ids offered with a question."""
    return WordCompleter(ask.words, ignore_case=True, sentence=True) if ask.words else None


class PromptAsker:
    """Reads a line with prompt-toolkit: completion, arrow keys over the options, a countdown."""

    def __init__(self, session: PromptSession | None = None, clock: Callable[[], float] = time.monotonic):
        self._session = session
        self.clock = clock

    def ask(self, ask: Ask) -> str:
        if self._session is None:
            self._session = PromptSession()
        completer = completer_for(ask)
        bindings = KeyBindings()
        if ask.choices:
            @bindings.add("down")
            def _down(event):
                buffer = event.app.current_buffer
                current = int(buffer.text) if buffer.text.isdigit() else 0
                buffer.text = str(current % ask.choices + 1)
                buffer.cursor_position = len(buffer.text)

            @bindings.add("up")
            def _up(event):
                buffer = event.app.current_buffer
                current = int(buffer.text) if buffer.text.isdigit() else 1
                buffer.text = str((current - 2) % ask.choices + 1)
                buffer.cursor_position = len(buffer.text)
        started = self.clock()

        def left() -> float:
            return ask.seconds - (self.clock() - started)

        def toolbar():
            if ask.seconds is None:
                return ask.status
            return f"⏱ {max(0, int(left()) + 1):>3} s   {ask.status}"

        def start_timer():
            app = get_app()

            async def watch():
                while left() > 0:
                    await asyncio.sleep(0.1)
                if not app.future.done():
                    app.exit(exception=TimedOut())

            app.create_background_task(watch())

        # Set on the session rather than passed: prompt() keeps the previous question's toolbar and
        # completer when given None, which left a frozen countdown under the next question.
        session = self._session
        session.completer = completer
        session.key_bindings = bindings
        session.bottom_toolbar = toolbar if (ask.status or ask.seconds) else None
        session.refresh_interval = 0.5 if ask.seconds else 0
        session.reserve_space_for_menu = 0  # no blank lines pushing the caller's last words off an 80x24 screen
        return session.prompt(ask.message + " › ", pre_run=start_timer if ask.seconds is not None else None)


class PlainAsker:
    """For --plain: one line at a time from standard input, friendly to screen readers and logs.

    A time limit cannot interrupt a plain read; an answer that comes after the limit counts as
    a silence (the caller waited), which the player turns into the engine's silence action.
    """

    def __init__(self, stream: TextIO | None = None, out: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream or sys.stdin
        self.out = out or sys.stdout
        self.clock = clock

    def ask(self, ask: Ask) -> str:
        if ask.seconds is not None:
            self.out.write(f"(⏱ {ask.seconds:g} s · {ask.status})\n")
        self.out.write(f"{ask.message}{ask.colon} ")
        self.out.flush()
        started = self.clock()
        line = self.stream.readline()
        if not line:
            raise EOFError
        if ask.seconds is not None and self.clock() - started > ask.seconds:
            raise TimedOut()
        return line.rstrip("\n")

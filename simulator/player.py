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
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from simulator import model as m
from simulator.catalog import Library
from simulator.engine import IllegalAction, Session, Status
from simulator.errors import PlateauError
from simulator.i18n import COMMANDS, capability_label, capability_of, command_of, kind_label, kind_of, num, t
from simulator.order import NotShown, displayed_options, option_at, provider_rows
from simulator.providers import Hit
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
                 plain: bool = False, time_factor: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 free: bool = False):
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
        self._directory_drawn: tuple | None = None
        self.last_words: Text | None = None  # the last thing said to the trainee, kept in view by remind()
        self._lines_since = 0
        self._hold_next = False
        self.time_factor = time_factor
        self.clock = clock
        self._decision: tuple[tuple, float, float] | None = None  # timed mode: (where, started, limit in seconds)
        self.decisions: list[dict] = []  # timed mode: each decision's time taken and limit, for the debrief
        # Free mode (--free): the trainee types what they would say; the options are shown only on '?'.
        self.free = free
        self._options_shown: tuple | None = None  # the decision point at which '?' showed the options
        self._free_answer = False  # the action being drawn was a typed sentence, understood

    # ------------------------------------------------------------------ drawing

    def header(self):
        """Where the trainee is: the call on the line, its caller's stress, and every other call waiting
        (who, what about, for how long). Plain mode says it in words, one call per line."""
        s, cs, lang = self.session, self.session.case_state, self.lang
        case = s.case
        clock = s.now().strftime("%H:%M")
        if self.plain:
            words, _ = stress_words(cs.stress, lang)
            lines = [Text(t("header.plain", lang, caller=case.caller.name, ref=case.reference, time=clock,
                            stress=round(cs.stress), words=words))]
        else:
            lines = [Text.assemble((self.scenario.title.render(lang), "bold"), "  ", f"{t('clock', lang)} {clock}", "  ",
                                   f"{t('case', lang)} {case.reference}", "  ", f"{case.caller.name}  ",
                                   f"{t('stress', lang)} ", stress_bar(cs.stress, lang))]
        for cid, other in s.state.cases.items():
            if cid == s.state.active or other.status.value not in ("ringing", "live"):
                continue
            waited = t("min", lang, n=max(0, round((s.state.clock - (other.waiting_since or s.state.clock)) / 60)))
            ref = self.scenario.cases[cid].reference
            if other.status.value == "ringing":
                line = t("header.ringing", lang, ref=ref, waited=waited)
                urgent = True
            else:
                situation = self.scenario.cases[cid].situation
                words, _ = stress_words(other.stress, lang)
                line = t("header.on_hold", lang, caller=self.scenario.cases[cid].caller.name, ref=ref, waited=waited,
                         words=words, situation=f"{', ' if self.plain else ' · '}{situation.render(lang)}" if situation else "")
                urgent = other.stress >= 70
            if self.plain:
                lines.append(Text(line))
            else:
                lines.append(Text(("☎ " if other.status.value == "ringing" else "⏸ ") + line,
                                  style="bold magenta" if urgent else "magenta"))
        if self.plain:
            return Group(*lines)
        return Panel(Group(*lines), expand=True)

    def out(self, renderable, **style) -> None:
        """Print, counting the lines since the last words said to the trainee (see `remind`)."""
        self.console.print(renderable, **style)
        if self.last_words is not None:
            self._lines_since += self._height(renderable)

    def _height(self, renderable) -> int:
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

    def speaker_name(self, event: dict) -> str:
        if event["speaker"] == "caller":
            return self.scenario.cases[event["case"]].caller.name
        return t("speaker." + event["speaker"], self.lang)

    def draw_event(self, event: dict) -> None:
        kind, lang = event["type"], self.lang
        if kind == "said":
            said = Text.assemble((self.speaker_name(event) + t("debrief.colon", lang) + " ", "bold cyan"),
                                 event["text"][event["lang"]])
            self.out(said)
            self.last_words, self._lines_since = said, 0
        elif kind == "chose":
            you = t("free.understood" if self._free_answer else "you", lang)
            self.out(Text.assemble((you + t("debrief.colon", lang) + " ", "bold green"), event["text"]))
        elif kind == "unclear":
            caller = self.scenario.cases[event["case"]].caller.name
            said = Text.assemble((caller + t("debrief.colon", lang) + " ", "bold cyan"), t("unclear.caller", event["lang"]))
            self.out(said)
            self.last_words, self._lines_since = said, 0
        elif kind == "silence":
            self.out(Text(t("silence", lang), style="dim"))
        elif kind == "recorded":
            self.out(Text(t("recorded", lang, field=self.field_label(event["case"], event["field"]), value=event["value"]), style="dim"))
        elif kind == "dispatched":
            self.out(Text(t("dispatched", lang, name=event["name"], eta=event["eta"], km=num(event["km"], lang)), style="bold"))
        elif kind == "booked":
            self.out(Text(t("booked", lang, name=event["name"]), style="bold"))
        elif kind == "acted":
            to = t("transfer." + event["to"], lang) if event.get("to") else ""
            self.out(Text(t("acted." + event["action"], lang, to=to), style="bold"))
        elif kind == "withheld":
            self.out(Text(t("withheld", lang, fact=self.field_label(event["case"], event["fact"])), style="yellow"))
        elif kind == "hung_up":
            self.out(Text(t("hung_up", lang), style="bold red"))
        elif kind == "ringing":
            self.out(Text(t("ringing", lang, ref=event["reference"]), style="bold magenta"))
        elif kind == "switched":
            self.out(Text(t("switched", lang, ref=self.scenario.cases[event["to"]].reference), style="bold magenta"))
        elif kind == "spoke":
            self.out(Text(t("speaking", lang, language=t("lang." + event["lang"], lang)), style="dim"))
        elif kind == "note":
            self.out(Text(t("note.saved", lang), style="dim"))
        elif kind == "case_ended":
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

    def provider_hits(self, kind: str, words: list[str] = ()) -> tuple[list["Row"], list[str]]:
        """Directory search from the command line: capabilities (in any language), 'open', a distance in km.

        Returns (rows, unknown words); words such as 'km' and 'all' are understood and dropped. Each
        row keeps the provider's number in the whole directory of its kind (`provider_rows`, the
        numbers an answers file and the dispatch prompt use), so a search shows the same numbers."""
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
        numbers = {h.provider.id: i for i, h in enumerate(provider_rows(self.session, kind), 1)}
        hits = provider_rows(self.session, kind, within_km=within, open_only=any(w.lower() in OPEN_WORDS for w in words))
        return [Row(numbers[h.provider.id], h) for h in hits if all(c in h.provider.capabilities for c in capabilities)], unknown

    def _capabilities(self) -> set[str]:
        return {c for p in self.library.directory.providers for c in p.capabilities}

    def rows_that_fit(self) -> int:
        """Providers listed before "... and N more": what fits under the call's header and above the prompt."""
        return max(4, min(SHOWN, self.console.height - 12))

    def draw_providers(self, kind: str, words: list[str] = ()) -> list["Row"]:
        """The directory as an agent's tool: one line per provider, nearest first, with the same number
        in a search and at the dispatch prompt; the nearest that fit the screen unless 'all' is asked."""
        lang = self.lang
        rows, unknown = self.provider_hits(kind, list(words))
        if unknown:
            kinds = ", ".join(kind_label(k, lang) for k in sorted({p.kind for p in self.library.directory.providers}))
            capabilities = ", ".join(sorted({capability_label(c, lang) for c in self._capabilities()}, key=str.lower))
            self.out(Text(t("providers.unknown_word", lang, word=unknown[0], kinds=kinds, capabilities=capabilities),
                                    style="yellow"))
            return rows
        if not rows:
            self.out(Text(t("providers.none", lang), style="yellow"))
            return rows
        if any(w.lower() in ALL_WORDS for w in words):
            shown = rows
        else:  # the scene's region: within REGION_KM, at least the three nearest, as many as fit
            near = [r for r in rows if r.hit.km <= REGION_KM] if self.session.case.location else rows
            shown = (near if len(near) >= 3 else rows[:3])[:self.rows_that_fit()]
        # Capabilities every listed provider has say nothing about the choice: said once, above the list.
        common = set.intersection(*(set(r.hit.provider.capabilities) for r in shown))
        title = t("providers.heading", lang, kind=kind_label(kind, lang), n=len(shown), total=len(rows))
        if common:
            title += " · " + t("providers.all_have", lang, capabilities=_labels(common, lang))
        self.out(Text(title, style="bold"))
        if self.plain:
            for row in shown:
                self.out(Text(self._plain_provider(row)))
        else:
            self.out(Text(t("providers.legend", lang), style="dim"))
            self.out(self._provider_table(shown, common))
        if len(shown) < len(rows):
            self.out(Text(t("providers.more", lang, n=len(rows) - len(shown), all=t("providers.all", lang)),
                                    style="dim"))
        return rows

    def _provider_table(self, shown: list["Row"], common: set[str]) -> Group:
        """One line per provider cut to the screen's width (a note, when there is one, wraps below it)."""
        lang, width = self.lang, self.console.width
        lines = []
        digits = max(len(str(r.number)) for r in shown)
        needs = self.session.case.needs

        def figures(hit) -> str:
            when = t("min", lang, n=hit.eta) if hit.open else t("providers.closed", lang)
            return f"{hit.km:>3.0f} km {when:>7} {t('providers.cost_value', lang, cost=hit.provider.cost):>5}"

        widest = max(len(r.hit.provider.name) + len(r.hit.provider.place) + 2 for r in shown)
        # Name and place get what the figures and at least CAPS_ROOM columns of capabilities leave.
        name_room = max(12, min(widest, width - (digits + 3) - len(figures(shown[0].hit)) - 2 - CAPS_ROOM))
        for row in shown:
            p, hit = row.hit.provider, row.hit
            # The capabilities this case calls for first (not marked as such: knowing them is the trainee's job).
            apart = sorted(set(p.capabilities) - common, key=lambda c: (c not in needs, capability_label(c, lang).lower()))
            apart = ", ".join(capability_label(c, lang) for c in apart)
            line = Text(f"{row.number:>{digits}} ", style="bold")
            line.append("★ " if p.partner else "  ", style="yellow")
            name = Text(f"{p.name}, {p.place}")
            name.truncate(name_room, overflow="ellipsis", pad=True)
            line.append_text(name)
            line.append(" " + figures(hit), style="yellow" if not hit.open else "")
            line.append(" ")
            caps = Text(apart, style="cyan")
            caps.truncate(max(0, width - line.cell_len), overflow="ellipsis")
            line.append_text(caps)
            lines.append(line)
            if p.note:
                lines.append(Padding(Text(p.note.render(lang), style="dim"), (0, 0, 0, digits + 3)))
        return Group(*lines)

    def _plain_provider(self, row: "Row") -> str:
        """One provider as one sentence-like line: what a screen reader reads out, nothing cut."""
        lang, p, hit = self.lang, row.hit.provider, row.hit
        parts = [f"{row.number}. {p.name}, {p.place}", f"{num(round(hit.km), lang)} km",
                 t("min", lang, n=hit.eta) if hit.open else t("providers.closed", lang),
                 t("providers.partner", lang) if p.partner else t("providers.no_partner", lang),
                 t("providers.cost_value", lang, cost=p.cost),
                 t("providers.capabilities", lang) + t("debrief.colon", lang) + " " + _labels(set(p.capabilities), lang)]
        if p.note:
            parts.append(p.note.render(lang))
        return ". ".join(part[:1].upper() + part[1:] for part in parts) + "."

    def draw_file(self) -> None:
        case, cs, lang = self.session.case, self.session.case_state, self.lang
        if self.plain:  # one field per line, in words: what a screen reader reads out
            self.out(Text(t("file.title", lang, ref=case.reference), style="bold"))
            for fid, fact in case.truth.items():
                known = f" ({t('file.known', lang).lower()})" if fid in cs.known else ""
                value = cs.file.get(fid) or t("file.empty", lang)
                self.out(Text(f"{fact.label.render(lang)} ({fid}){t('debrief.colon', lang)} {value}{known}"))
            for note in cs.notes:
                self.out(Text(f"- {note}"))
            return
        table = Table(title=t("file.title", lang, ref=case.reference), box=box.HEAVY_HEAD)
        table.add_column(t("file.field", lang))
        table.add_column(t("file.value", lang))
        table.add_column(t("file.known", lang))
        for fid, fact in case.truth.items():
            table.add_row(Text(f"{fact.label.render(lang)} ({fid})"), Text(cs.file.get(fid) or t("file.empty", lang)),
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

    # ------------------------------------------------------------------ playing

    def act(self, action: dict) -> list[dict]:
        """Apply an action, save it to the transcript, then draw its events."""
        events = self.session.apply(action)
        if self.writer is not None:
            self.writer.append(action, events, now_iso())
        self._free_answer = bool(action.get("free"))
        for event in events:
            self.draw_event(event)
        self._free_answer = False
        return events

    def start(self) -> None:
        briefing = self.scenario.briefing.render(self.lang)
        if self.plain:
            self.out(Text(f"{self.scenario.title.render(self.lang)} - {t('briefing', self.lang)}", style="bold"))
            self.out(Text(briefing))
        else:
            self.out(Panel(Text(briefing), title=Text(self.scenario.title.render(self.lang)),
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
                    self.take_waiting_call()
                except IllegalAction as exc:
                    self._hold_next = False
                    # Said in the trainee's language, without the engine's words for its states.
                    self.out(Text(t("refused." + (exc.waiting or "other"), self.lang), style="yellow"))

    def take_waiting_call(self) -> None:
        """After an option that puts the caller on hold ("one moment, another call"), take the call that
        rings, else the one waiting longest: one more action, recorded as if /switch had been typed."""
        hold, self._hold_next = self._hold_next, False
        st = self.session.state
        if not hold or st.status is not Status.AWAITING_CHOICE:
            return
        waiting = [(cs.status.value != "ringing", cs.waiting_since or 0, cid) for cid, cs in st.cases.items()
                   if cid != st.active and cs.status.value in ("ringing", "live")]
        if waiting:
            self.act({"type": "switch", "case": min(waiting)[2]})

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
            kind = st.pending["kind"]
            if self._directory_drawn != (st.turn, kind):  # drawn once per prompt, not again after a wrong entry
                self._directory_drawn = (st.turn, kind)
                self.draw_providers(kind)
                self.remind()
            everyone = provider_rows(self.session, kind)
            ids = [h.provider.id for h in everyone]
            answer = self.ask(Ask(t("prompt.provider", self.lang), ids, min(len(ids), self.rows_that_fit()))).strip()
            if answer.lower() in ALL_WORDS:
                self.draw_providers(kind, [answer])
                return None
            chosen = _pick(answer, ids)
            if chosen is not None:
                return {"type": "provider", "id": chosen}
            if command_of(answer.partition(" ")[0]):
                return self.command(answer, len(ids))
            self.out(Text(t("bad_choice", self.lang, n=len(ids)), style="yellow"))
            return None
        self.out(self.header())
        options = displayed_options(self.session, self.seed)
        if not self.free or self._options_shown == self._decision_point():
            self.draw_options(options)
        self.remind()
        words = [names[self.lang] for names in COMMANDS.values()] + list(self.scenario.cases[st.active].truth)
        seconds = self.seconds_left(options) if self.timed else None
        try:
            if seconds is not None and seconds <= 0:
                raise TimedOut()
            prompt = t("prompt.free" if self.free else "prompt.choice", self.lang)
            answer = self.ask(Ask(prompt, words, len(options), seconds,
                                  t("status.timed" if self.timed else "status.practice", self.lang))).strip()
        except TimedOut:
            self.out(Text(t("timed_out", self.lang), style="yellow"))
            self.decided()
            return {"type": "silence"}
        if not answer:
            return None
        if self.free and answer == "?":  # the list, one key away; /aide still gives the commands
            self._options_shown = self._decision_point()
            self.out(Text(t("free.help", self.lang), style="dim"))
            return None
        chosen = self._option_typed(answer, [o.id for o in options])
        if chosen is not None:
            self._hold_next = any(o.id == chosen and o.hold for o in options)
            self.decided()
            return {"type": "choose", "option": chosen}
        if self.free and not command_of(answer.partition(" ")[0]):
            return self.free_answer(answer, options)
        return self.command(answer, len(options))

    def free_answer(self, answer: str, options: list[m.Option]) -> dict | None:
        """A typed sentence, read against the options offered: taken when the reading is sure, one of the two
        closest readings to pick when unsure, the caller asking again when nothing was understood."""
        from simulator.understand import as_action, understand_now
        understanding = understand_now(self.session, answer, options)
        if understanding.kind == "unsure":
            speaking, context = self.session.case_state.speaking, self.session.context()
            by_id = {o.id: o for o in options}
            two = [by_id[r.option] for r in understanding.readings[:2]]
            table = Table.grid(padding=(0, 1))
            table.add_column(justify="right", style="bold")
            table.add_column()
            for i, option in enumerate(two, 1):
                table.add_row(f"{i}.", Text(option.text.render(speaking, context)))
            self.out(table)
            picked = self.ask(Ask(t("free.pick", self.lang), [], 2)).strip()
            if picked not in ("1", "2"):
                return None  # say it another way
            option = two[int(picked) - 1]
            self._hold_next = option.hold
            self.decided()
            return {"type": "choose", "option": option.id, "said": answer, "free": True}
        action = as_action(understanding, answer)
        if action["type"] == "choose":
            self._hold_next = any(o.id == action["option"] and o.hold for o in options)
        self.decided()
        return action

    def decision_limit(self, options: list[m.Option]) -> float:
        """Seconds for one decision in timed mode: time to read what is on screen (the caller's last
        words and every option, at READING_WPM words a minute in the language spoken), plus the
        scenario's time to think, times the class's factor (`--time-factor`)."""
        lang = self.session.case_state.speaking
        context = self.session.context()
        words = sum(len(o.text.render(lang, context).split()) for o in options)
        if self.last_words is not None:
            words += len(self.last_words.plain.split())
        seconds = self.scenario.think_seconds + words * 60 / READING_WPM.get(lang, min(READING_WPM.values()))
        return max(MIN_DECISION_SECONDS, round(seconds * self.time_factor))

    def seconds_left(self, options: list[m.Option]) -> float:
        """Time left for the decision on screen. A command (/file, /providers, /speak...) pauses nothing
        and never starts the count again: the limit runs from the moment the options were first shown."""
        at = self._decision_point()
        if self._decision is None or self._decision[0] != at:
            self._decision = (at, self.clock(), self.decision_limit(options))
        _, started, limit = self._decision
        return limit - (self.clock() - started)

    def decided(self) -> None:
        """Note how long the decision on screen took (timed mode), for the debrief."""
        if self._decision is not None and self._decision[0] == self._decision_point():
            _, started, limit = self._decision
            self.decisions.append({"decision": len(self.decisions) + 1, "took": round(self.clock() - started, 1),
                                   "limit": limit})
            self._decision = None

    def _decision_point(self) -> tuple:
        """What stays the same while the trainee types commands (a note, the file, another language)
        before deciding: the call on the line, its node and what was already chosen there."""
        cs = self.session.case_state
        return self.session.state.active, cs.node, len(cs.chosen), self.session.state.status.value

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
            words = rest.split()
            field_id, value = None, ""
            for k in range(min(4, len(words)), 0, -1):  # the longest label that fits: 'numéro de membre 4418...'
                field_id = self._field_named(" ".join(words[:k]))
                if field_id is not None:
                    value = " ".join(words[k:])
                    break
            if field_id is None:
                labels = ", ".join(self.field_label(self.session.state.active, f).lower() for f in self.session.case.truth)
                self.out(Text(t("file.unknown_field", lang, fields=labels), style="yellow"))
            elif not value.strip():
                self.out(Text(t("record.no_value", lang, command=word, field=field_id), style="yellow"))
            else:
                return {"type": "record", "field": field_id, "value": value}
        elif command == "speak":
            if rest.lower() in m.LANGS:
                return {"type": "speak", "lang": rest.lower()}
            self.out(Text(t("speak.unknown", lang), style="yellow"))
        elif command == "note":
            if rest:
                return {"type": "note", "text": rest}
            self.out(Text(t("note.empty", lang, command=word), style="yellow"))
        elif command == "switch":
            target = self._case_named(rest)
            if target is not None:
                return {"type": "switch", "case": target}
            refs = ", ".join(c.reference for c in self.scenario.cases.values())
            self.out(Text(t("switch.unknown", lang, ref=rest, refs=refs), style="yellow"))
        else:
            self.out(Text(t("bad_choice", lang, n=n_options), style="yellow"))
        return None

    def _field_named(self, name: str) -> str | None:
        """A case-file field named by its label in any language ('plaque', 'nummerplaat') or by its id."""
        from simulator.understand import plain
        wanted = plain(name).strip()
        for field_id, fact in self.session.case.truth.items():
            labels = [field_id, *(fact.label.render(lang) for lang in m.LANGS)]
            if any(plain(label).replace(" ", "") == wanted.replace(" ", "") for label in labels):
                return field_id
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
CAPS_ROOM = 29  # columns kept for a provider's capabilities on an 80-column line
# Silent reading of adults, in words a minute: 238 on average for English non-fiction, most adults
# between 175 and 300, slower in a second language (Brysbaert 2019, "How many words do we read per
# minute? A review and meta-analysis of reading rate", J. Memory and Language 109). Trainees often
# read the caller's language as a second one, so the lower end is taken, the same for all three.
READING_WPM = {"fr": 200, "nl": 200, "en": 200}
MIN_DECISION_SECONDS = 10
REGION_KM = 50  # the directory lists the providers within this road distance of the scene first
SHOWN = 10  # providers listed at most before "... and N more", fewer on a short screen


@dataclass(frozen=True)
class Row:
    """A provider found in the directory, with its number at the dispatch prompt."""

    number: int
    hit: "Hit"


def _labels(capabilities: set[str], lang: str) -> str:
    return ", ".join(sorted((capability_label(c, lang) for c in capabilities), key=str.lower))


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
            self.out.write(f"({ask.seconds:.0f} s · {ask.status})\n")  # words and numbers, no clock glyph
        self.out.write(f"{ask.message}{ask.colon} ")
        self.out.flush()
        started = self.clock()
        line = self.stream.readline()
        if not line:
            raise EOFError
        if ask.seconds is not None and self.clock() - started > ask.seconds:
            raise TimedOut()
        return line.rstrip("\n")

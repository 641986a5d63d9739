"""The interactive player: Rich draws the call, prompt-toolkit reads the trainee's answers.

It is a thin front-end: it turns keystrokes into engine actions, writes each action and its
events to the transcript before showing the next prompt, and draws the events. It decides
nothing the engine or scoring decides.

`Player` is made of parts kept in their own modules: `simulator.player_draw` draws the events, the
options and the case file; `simulator.player_directory` searches and lists the providers;
`simulator.player_timed` times decisions and reads free answers; `simulator.player_ask` asks the
questions. This module keeps the header, the game loop and the commands, and names what the
others import from it.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from simulator import model as m
from simulator.catalog import Library
from simulator.engine import IllegalAction, Session, Status
from simulator.errors import PlateauError
from simulator.events import ActionData, Event, StartAction
from simulator.i18n import COMMANDS, command_of, kind_of, t
from simulator.order import NotShown, displayed_options, option_at, pending_field, pending_kind, provider_rows
from simulator.player_ask import Ask, PlainAsker, PromptAsker, TimedOut, completer_for
from simulator.player_directory import ALL_WORDS, CAPS_ROOM, OPEN_WORDS, REGION_KM, SHOWN, DirectoryView, Row
from simulator.player_timed import MIN_DECISION_SECONDS, READING_WPM, TimedAndFree
from simulator.transcript import TranscriptWriter

__all__ = [
    "ALL_WORDS", "CAPS_ROOM", "MIN_DECISION_SECONDS", "OPEN_WORDS", "READING_WPM", "REGION_KM", "SHOWN",
    "STRESS_STYLES", "Ask", "PlainAsker", "Player", "PromptAsker", "Quit", "Row", "TimedOut", "completer_for",
    "now_iso", "show_model", "stress_bar", "stress_words",
]


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


class Player(DirectoryView, TimedAndFree):
    """Plays a Session with a trainee: draws events, asks, turns answers into actions.

    `seed` orders the options on screen (`order.shuffled`): the session's seed, kept in its
    transcript header; None keeps the file's order (a transcript from before the shuffle)."""

    def __init__(self, session: Session, library: Library, writer: TranscriptWriter | None, *, lang: str,
                 console: Console, seed: int | None, ask: Callable[[Ask], str] | None = None, timed: bool = False,
                 plain: bool = False, time_factor: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 free: bool = False, variants: dict[str, str] | None = None):
        self.session = session
        self.seed = seed
        self.variants = variants  # the scenario's variants for this call (None: the first of each)
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
        self._directory_drawn: tuple[int, str] | None = None
        self.last_words: Text | None = None  # the last thing said to the trainee, kept in view by remind()
        self._lines_since = 0
        self._hold_next = False
        self.time_factor = time_factor
        self.clock = clock
        self._decision: tuple[tuple[object, ...], float, float] | None = None  # timed mode: (where, started, limit in seconds)
        self.decisions: list[dict[str, float]] = []  # timed mode: each decision's time taken and limit, for the debrief
        # Free mode (--free): the trainee types what they would say; the options are shown only on '?'.
        self.free = free
        self._options_shown: tuple[object, ...] | None = None  # the decision point at which '?' showed the options
        self._free_answer = False  # the action being drawn was a typed sentence, understood

    # ------------------------------------------------------------------ the header

    def header(self) -> RenderableType:
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

    # ------------------------------------------------------------------ playing

    def act(self, action: ActionData) -> list[Event]:
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
        start: StartAction = {"type": "start", "lang": self.lang}
        if self.variants:
            start["variants"] = dict(self.variants)
        self.act(start)

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

    def next_action(self) -> ActionData | None:
        st = self.session.state
        if st.status is Status.AWAITING_INPUT:
            label = self.field_label(*pending_field(self.session))
            value = self.ask(Ask(t("prompt.field", self.lang, field=label)))
            if command_of(value.strip().partition(" ")[0]):  # a command, not the value: /file, ?, /quit...
                return self.command(value.strip(), 0)
            return {"type": "input", "value": value} if value.strip() else None
        if st.status is Status.AWAITING_PROVIDER:
            _, kind = pending_kind(self.session)
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


    def _option_typed(self, answer: str, ids: list[str]) -> str | None:
        """The option a trainee names by its number on screen or by its id."""
        if answer.isdigit():
            try:
                return option_at(self.session, self.seed, int(answer))
            except NotShown:
                return None
        return answer if answer in ids else None

    def command(self, answer: str, n_options: int) -> ActionData | None:
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
            kind = next((k for k in map(kind_of, words) if k), "tow")
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
                label = self.field_label(self.session.state.active, field_id).lower()
                self.out(Text(t("record.no_value", lang, command=word, field=label), style="yellow"))
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


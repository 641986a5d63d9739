"""A decision at the options, in the player's two other modes: timed mode's limit and the time each decision
took (`--timed`), and free mode's typed sentence read against the options offered (`--free`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Callable

from rich.table import Table
from rich.text import Text

from simulator.i18n import t
from simulator.player_ask import Ask
from simulator.player_draw import Drawing

if TYPE_CHECKING:
    from simulator import model as m

__all__ = ["MIN_DECISION_SECONDS", "READING_WPM", "TimedAndFree"]

# Silent reading of adults, in words a minute: 238 on average for English non-fiction, most adults
# between 175 and 300, slower in a second language (Brysbaert 2019, "How many words do we read per
# minute? A review and meta-analysis of reading rate", J. Memory and Language 109). Trainees often
# read the caller's language as a second one, so the lower end is taken, the same for all three.
READING_WPM = {"fr": 200, "nl": 200, "en": 200}
MIN_DECISION_SECONDS = 10


class TimedAndFree(Drawing):
    """Times the decision on screen and reads free answers; `Player` sets the attributes below."""

    ask: Callable[[Ask], str]
    time_factor: float
    clock: Callable[[], float]
    _decision: tuple[tuple[object, ...], float, float] | None  # timed mode: (where, started, limit in seconds)
    decisions: list[dict[str, float]]  # timed mode: each decision's time taken and limit, for the debrief
    _hold_next: bool  # the option taken puts the caller on hold: take the call waiting next

    def free_answer(self, answer: str, options: list[m.Option]) -> Mapping[str, object] | None:
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

    def _decision_point(self) -> tuple[object, ...]:
        """What stays the same while the trainee types commands (a note, the file, another language)
        before deciding: the call on the line, its node and what was already chosen there."""
        cs = self.session.case_state
        return self.session.state.active, cs.node, len(cs.chosen), self.session.state.status.value

"""Naive ways of playing a call, to prove that the verdict cannot be gamed.

A trainee who knows nothing of the job might press the same number every time, pick the
longest or the shortest sentence, or answer at random. None of these may pass a bundled call:
`tests/test_gameability.py` plays them on every scenario, and `bench/gameability.py` prints the
table. Every strategy is generous where it does not matter for the gate: it types the true
value when the case file asks for one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from simulator import model as m
from simulator.engine import Session, Status
from simulator.order import displayed_options, pending_field, pending_kind, provider_rows
from simulator.scoring import Score, new_records, record_action, score_records

MAX_ACTIONS = 300

Pick = Callable[[list, str], int]  # (displayed items, "option" or "provider") -> index


@dataclass(frozen=True)
class Played:
    score: Score
    ended: bool
    actions: tuple[dict, ...]


def play(scenario: m.Scenario, rubric: m.Rubric, directory: m.Directory, pick: Pick, *, seed: int | None,
         lang: str = "fr") -> Played:
    """Play a whole call choosing with `pick` among what the screen shows, in the order it shows it."""
    session = Session(scenario, directory)
    records = new_records(scenario)
    actions: list[dict] = [{"type": "start", "lang": lang}]
    record_action(session, records, 1, actions[0])
    while not session.ended and len(actions) < MAX_ACTIONS:
        st = session.state
        if st.status is Status.AWAITING_INPUT:
            case_id, field_id = pending_field(session)
            fact = session.fact(case_id, field_id)
            action = {"type": "input", "value": str(fact.value)}
        elif st.status is Status.AWAITING_PROVIDER:
            providers = [hit.provider for hit in provider_rows(session, pending_kind(session)[1])]
            action = {"type": "provider", "id": providers[pick(providers, "provider")].id}
        else:
            displayed = displayed_options(session, seed)  # what the screen shows, in its order
            action = {"type": "choose", "option": displayed[pick(displayed, "option")].id}
        actions.append(action)
        record_action(session, records, len(actions), action)
    return Played(score_records(scenario, rubric, directory, session, records), session.ended, tuple(actions))


def always(k: int) -> Pick:
    """Always the k-th item on screen (the last one when there are fewer)."""
    return lambda items, what: min(k, len(items)) - 1


def by_length(lang: str, longest: bool) -> Pick:
    """The longest (or shortest) option text in `lang`; the first provider listed."""
    def pick(items, what):
        if what == "provider":
            return 0
        lengths = [len(o.text.values[lang].source) for o in items]
        return lengths.index(max(lengths) if longest else min(lengths))
    return pick


def at_random(rng: random.Random) -> Pick:
    return lambda items, what: rng.randrange(len(items))

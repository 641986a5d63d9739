"""The order in which options are shown: shuffled per session, the same on every replay.

Where an option stands on screen must tell the trainee nothing (authors tend to write the
model answer first). The order is a pure function of the session's seed, the case, the node
and the option ids: no hidden randomness, so a resumed or replayed call shows the same
numbers, and an answers file may name an option by the number it had on screen.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Mapping, Protocol, Sequence, TypeVar

from simulator.errors import PlateauError

if TYPE_CHECKING:  # the engine is imported only by the front-ends that call these functions
    from simulator import model as m
    from simulator.engine import Session
    from simulator.providers import Hit


class _Named(Protocol):
    """What `shuffled` orders: anything with an id (options)."""

    @property
    def id(self) -> str: ...


T = TypeVar("T")
N = TypeVar("N", bound=_Named)

SEED_MAX = 2**31 - 1


def new_seed() -> int:
    """A fresh seed for a new session (front-ends call this; the engine never draws one)."""
    return secrets.randbelow(SEED_MAX) + 1


def _rank(seed: int, case: str, node: str, option_id: str) -> bytes:
    return hashlib.blake2b(f"{seed}\x1f{case}\x1f{node}\x1f{option_id}".encode("utf-8"), digest_size=8).digest()


def shuffled(options: Sequence[N], seed: int | None, case: str, node: str) -> list[N]:
    """The options in display order for this seed. Options offered later at the same node keep
    their place relative to the others, since each option's rank depends on its id only.
    A seed of None keeps the file order (authoring tools, `plateau graph`)."""
    if seed is None:
        return list(options)
    return sorted(options, key=lambda o: _rank(seed, case, node, o.id))


def variant_dimensions(scenario: "m.Scenario") -> dict[str, list[str]]:
    """Every variant of a scenario with the ids of its values, the default first."""
    return {dimension: [a.id for a in values] for dimension, values in scenario.variant_dimensions.items()}


def draw_variants(scenario: "m.Scenario", seed: int, asked: Mapping[str, str] | None = None) -> dict[str, str]:
    """The value of each of the scenario's variants for a call of this seed: as `asked`, else drawn from the
    seed (the same seed draws the same call, so a transcript's seed says which call it was)."""
    out = {}
    for dimension, values in variant_dimensions(scenario).items():
        if asked and dimension in asked:
            out[dimension] = asked[dimension]
            continue
        digest = hashlib.blake2b(f"{seed}\x1fvariant\x1f{dimension}".encode("utf-8"), digest_size=8).digest()
        out[dimension] = values[int.from_bytes(digest, "big") % len(values)]
    return out


# ------------------------------------------------------------------ what is on screen, by number


class NotShown(PlateauError):
    """A number that no option (or provider row) has on screen now; says which numbers there are."""

    def __init__(self, what: str, number: int, count: int):
        self.what, self.number, self.count = what, number, count
        shown = (f"the {what}s are numbered 1 to {count}" if count > 1 else
                 f"only one {what} is shown, number 1" if count == 1 else f"no {what} is shown")
        super().__init__(f"there is no {what} number {number} on screen now: {shown}.")


def displayed_options(session: "Session", seed: int | None) -> list["m.Option"]:
    """The options offered now, in the order the player shows and numbers them for this seed."""
    return shuffled(session.options(), seed, session.state.active, session.case_state.node)


def provider_rows(session: "Session", kind: str, *, within_km: float | None = None,
                  open_only: bool = False) -> list["Hit"]:
    """The directory as the player lists it at a provider prompt: nearest (by ETA) first, not shuffled,
    since the distance is what the trainee must weigh. Row k is provider number k."""
    from simulator.providers import search
    request = session.pending_request() if session.state.pending else session.request(session.state.active, None)
    return search(session.directory, kind=kind, near=request.near, at=session.now(), needs=request.needs,
                  within_km=within_km, open_only=open_only, traffic=session.traffic)


def pending_field(session: "Session") -> tuple[str, str]:
    """The case and the case-file field a record action waits for a value of (at Status.AWAITING_INPUT)."""
    pending = session.state.pending
    assert pending is not None and pending["field"] is not None, "the session waits for no value"
    return pending["case"], pending["field"]


def pending_kind(session: "Session") -> tuple[str, str]:
    """The case and the kind of provider a dispatch or a booking waits for (at Status.AWAITING_PROVIDER)."""
    pending = session.state.pending
    assert pending is not None and pending["kind"] is not None, "the session waits for no provider"
    return pending["case"], pending["kind"]


def _numbered(items: Sequence[T], number: int, what: str) -> T:
    if not 1 <= number <= len(items):
        raise NotShown(what, number, len(items))
    return items[number - 1]


def option_at(session: "Session", seed: int | None, number: int) -> str:
    """The id of the option shown as `number` (counted from 1) for this seed; NotShown if none is."""
    return _numbered(displayed_options(session, seed), number, "option").id


def provider_at(session: "Session", number: int) -> str:
    """The id of the provider in row `number` of the directory shown at the current provider prompt."""
    return _numbered(provider_rows(session, pending_kind(session)[1]), number, "provider").provider.id


def resolve_number(session: "Session", seed: int | None, action: dict) -> dict:
    """An action that names what is on screen by its number (`{type: choose, number: 2}`), turned
    into the same action with the id, as transcripts store it. Other actions are returned as they are;
    so is a number given when the session is not waiting for that kind of answer (the engine then
    says what it is waiting for)."""
    from simulator.engine import Status

    if "number" not in action:
        return action
    kind, status = action.get("type"), session.state.status
    rest = {k: v for k, v in action.items() if k != "number"}
    if kind == "choose" and status is Status.AWAITING_CHOICE:
        return {**rest, "option": option_at(session, seed, action["number"])}
    if kind == "provider" and status is Status.AWAITING_PROVIDER:
        return {**rest, "id": provider_at(session, action["number"])}
    return rest

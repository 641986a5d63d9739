"""What a condition or text can read of a call (`Context`, worked out name by name as it is read), and the final
state as `plateau play --json` prints it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from simulator import model as m

if TYPE_CHECKING:
    from simulator.engine import Session
    from simulator.session_queries import SessionQueries
    from simulator.session_state import CaseState

class Context(dict[str, Any]):
    """The names a condition or text of one case can read, worked out on first reading.

    A condition reads two or three names; building all of them for each of the dozen checks an
    action makes was most of the engine's time. Read it at once: the values are those of the
    moment each is first read. `full()` gives every name, for Jinja's templates and for errors.
    """

    __slots__ = ("_session", "_cid")

    def __init__(self, session: "SessionQueries", cid: str):
        super().__init__()
        self._session, self._cid = session, cid

    def __missing__(self, name: str) -> Any:
        session, cid = self._session, self._cid
        cs = session.state.cases[cid]
        if name in _CONTEXT_NAMES:  # before flags: 'dispatched' and 'booked' are both, and read as values
            value: object = _CONTEXT_NAMES[name](session, session.scenario.cases[cid], cs)
        elif name in session._flags:
            value = name in cs.flags
        else:
            raise KeyError(name)
        self[name] = value
        return value

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or name in self._session._flags or name in _CONTEXT_NAMES

    def full(self) -> dict[str, Any]:
        for name in (*self._session._flags, *_CONTEXT_NAMES):
            self[name]
        return dict(self)

    def frozen(self, names: Iterable[str]) -> dict[str, Any]:
        """The values of `names` now, as a plain dict that later changes of the session leave alone."""
        return {name: self[name] for name in names if name in self}


# What each name of a context is, read from (session, case, case state).
_CONTEXT_NAMES: dict[str, Callable[[SessionQueries, m.Case, CaseState], object]] = {
    "stress": lambda s, case, cs: round(cs.stress),
    "minutes": lambda s, case, cs: s.state.clock / 60,
    "time": lambda s, case, cs: s.now().strftime("%H:%M"),
    "known": lambda s, case, cs: {fid: fid in cs.known for fid in case.truth},
    "file": lambda s, case, cs: {fid: cs.file.get(fid, "") for fid in case.truth},
    "fact": lambda s, case, cs: {fid: s.truth_value(case.id, fid) for fid in case.truth},
    "calls": lambda s, case, cs: list(cs.calls),
    # Every call of the scenario as it stands: `'cash_promised' in cases.nattaya.flags`, `cases.eva.ending`.
    "cases": lambda s, case, cs: {cid: {"flags": list(other.flags), "ending": other.ending}
                                  for cid, other in s.state.cases.items()},
    "dispatched": lambda s, case, cs: dict(cs.dispatched) if cs.dispatched else None,
    "booked": lambda s, case, cs: [dict(b) for b in cs.booked],  # empty (false) until something is booked
    "eta": lambda s, case, cs: cs.dispatched["eta"] if cs.dispatched else None,
    "provider": lambda s, case, cs: cs.dispatched["name"] if cs.dispatched else "",
    "lang": lambda s, case, cs: cs.speaking,
    "caller": lambda s, case, cs: case.caller.name,
    "reference": lambda s, case, cs: case.reference,
}


def final_summary(session: Session) -> dict[str, object]:
    """The final state as `plateau play --json` prints it."""
    st = session.state
    single = len(st.cases) == 1
    cases: dict[str, dict[str, object]] = {
        cid: {"ending": cs.ending, "flags": sorted(cs.flags), "facts": sorted(cs.known), "file": cs.file,
              "stress": round(cs.stress)} for cid, cs in st.cases.items()}
    first = next(iter(cases.values()))
    out: dict[str, object] = {
        "scenario": st.scenario, "ending": st.ending,
        "outcome": session.scenario.endings[st.ending].outcome.value if st.ending else None,
        "clock": round(st.clock / 60, 2),
        "flags": first["flags"] if single else {cid: c["flags"] for cid, c in cases.items()},
        "facts": first["facts"] if single else {cid: c["facts"] for cid, c in cases.items()},
        "turns": st.turn}
    if not single:
        out["cases"] = cases
    return out

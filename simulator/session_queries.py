"""What a Session can be asked without changing it: the case on the line, the options offered, the facts and
traffic this call drew, what a dispatch or booking asks of a provider. The engine's Session is built on it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from simulator import model as m
from simulator.engine_context import Context
from simulator.events import ProviderInfo
from simulator.session_state import CaseState, CaseStatus, Pending, State, Status


class SessionQueries:
    """The questions a front-end, scoring or the explorer asks of a Session (simulator.engine.Session)."""

    scenario: m.Scenario
    directory: m.Directory
    state: State
    _flags: set[str]
    # The options offered at a turn, kept until the next action: a front-end, scoring and the engine itself ask
    # for them several times between two actions, and only an action changes them.
    # The explorer swaps states in and out of one Session: the state itself is part of the key.
    _offered: tuple[State, int, str, list[m.Option]] | None = None
    _acting: bool = False  # within Session.apply, while the state changes: nothing is kept

    @property
    def ended(self) -> bool:
        return self.state.status is Status.ENDED

    @property
    def case(self) -> m.Case:
        return self.scenario.cases[self.state.active]

    @property
    def case_state(self) -> CaseState:
        return self.state.cases[self.state.active]

    def now(self) -> datetime:
        return self.scenario.clock_start + timedelta(seconds=self.state.clock)

    def _drawn(self, cid: str) -> list[m.Alternative]:
        """The variant values this call drew for a case (the first of each dimension before the start)."""
        drawn = self.state.variants
        return [next((a for a in values if a.id == drawn.get(dimension)), values[0])
                for dimension, values in self.scenario.cases[cid].variants]

    def truth(self, cid: str) -> Mapping[str, m.Fact]:
        """A case's facts as this call drew them: the scenario's truth with its variants' facts."""
        case = self.scenario.cases[cid]
        if not case.variants:
            return case.truth
        facts = dict(case.truth)
        for alternative in self._drawn(cid):
            facts.update(alternative.facts)
        return facts

    def fact(self, cid: str, fid: str) -> m.Fact:
        return self.truth(cid)[fid]

    def truth_value(self, cid: str, fid: str) -> Any:
        return self.fact(cid, fid).value

    @property
    def traffic(self) -> Mapping[str, m.Traffic]:
        """The scenario's traffic, with the delays its drawn variants add (which provider is busy today)."""
        if not any(case.variants for case in self.scenario.cases.values()):
            return self.scenario.traffic
        traffic = dict(self.scenario.traffic)
        for cid in self.scenario.cases:
            for alternative in self._drawn(cid):
                traffic.update(alternative.traffic)
        return traffic

    def request(self, cid: str, option_id: str | None) -> m.Request:
        """What the dispatch or booking of an option asks of a provider (capabilities, where from)."""
        case = self.scenario.cases[cid]
        found = case.option(option_id) if option_id is not None else None
        return case.request(found[1].action if found else None, self.truth(cid))

    def pending_request(self) -> m.Request:
        """What the dispatch or booking the session waits for asks of a provider."""
        pending = self._pending()
        return self.request(pending["case"], pending["option"])

    def context(self, case_id: str | None = None) -> "Context":
        """What conditions and texts of a case can refer to (each value worked out when first read)."""
        return Context(self, case_id or self.state.active)

    def options(self, case_id: str | None = None) -> list[m.Option]:
        """Options offered now at the current node of a case (the active one by default)."""
        cid = case_id or self.state.active
        if not self._acting and self._kept(cid):
            assert self._offered is not None
            return list(self._offered[3])
        offered = self._options_now(cid)
        if not self._acting:
            self._offered = (self.state, self.state.turn, cid, list(offered))
        return offered

    def _kept(self, cid: str) -> bool:
        kept = self._offered
        return kept is not None and kept[0] is self.state and kept[1] == self.state.turn and kept[2] == cid

    def _offered_before_acting(self) -> list[m.Option]:
        """The options offered as the action being applied begins, before it has changed anything."""
        if self._kept(self.state.active):
            assert self._offered is not None
            return list(self._offered[3])
        return self._options_now(self.state.active)

    def _options_now(self, cid: str) -> list[m.Option]:
        cs = self.state.cases[cid]
        if cs.status is not CaseStatus.LIVE:
            return []
        node = self.scenario.cases[cid].nodes[cs.node]
        ctx = self.context(cid)
        return [o for o in node.options
                if (o.repeatable or o.id not in cs.chosen) and (o.when is None or o.when(ctx))]

    def possible(self) -> list[str]:
        """What the session accepts now, in words (for errors and front-ends)."""
        st = self.state
        if st.status is Status.READY:
            return ["start (pick up the call)"]
        if st.status is Status.ENDED:
            return []
        if st.status is Status.AWAITING_INPUT:
            return [f"input (a value for '{self._pending()['field']}')"]
        if st.status is Status.AWAITING_PROVIDER:
            kind = self._pending()["kind"]
            ids = [p.id for p in self.directory.of_kind(kind)] if kind is not None else []
            return [f"provider (one of: {', '.join(ids)})"]
        out = [f"choose (one of: {', '.join(o.id for o in self.options())})", "record", "speak", "silence", "note"]
        others = [cid for cid, cs in st.cases.items() if cid != st.active and cs.status in (CaseStatus.RINGING, CaseStatus.LIVE)]
        if others:
            out.append(f"switch (to: {', '.join(others)})")
        return out

    def _pending(self) -> Pending:
        """What the session waits for; only asked while it waits for a value or a provider."""
        pending = self.state.pending
        assert pending is not None, "the session waits for nothing"
        return pending

    def provider_dealt_with(self, cid: str) -> ProviderInfo | None:
        """The provider the case is dealing with now: the last dispatched or booked, if any."""
        cs = self.state.cases[cid]
        return cs.booked[-1] if cs.booked and (not cs.dispatched or cs.booked[-1]["at"] >= cs.dispatched["at"]) \
            else cs.dispatched

    def provider_languages(self, cid: str) -> tuple[str, ...]:
        """The languages of the provider the case is dealing with (the last dispatched or booked), if known."""
        latest = self.provider_dealt_with(cid)
        provider = self.directory.get(latest["id"]) if latest else None
        return tuple(lang for lang in provider.languages if lang in m.LANGS) if provider else ()

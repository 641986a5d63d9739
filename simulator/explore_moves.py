"""The moves a trainee could make at a point of the call, as the explorer tries them.

Every option offered, the true value and one wrong one for a typed field, a sample of the providers
of a kind, switching calls and (when asked) silence; see simulator/explore.py for the whole list.
"""

from __future__ import annotations

import itertools
from typing import Any

from simulator import model as m
from simulator.engine import CaseStatus, Session, Status
from simulator.order import pending_field, pending_kind
from simulator.scoring import field_matches, rank_providers
from simulator.shorthand import contract

WRONG_VALUE = "?"
PROVIDER_SAMPLE = 4


def typed_values(fact: m.Fact, inputs: str) -> list[str]:
    """The true value as a trainee would type it, then (unless inputs='truth') a wrong one."""
    candidates = [str(fact.value), *fact.accept]
    if fact.coordinates:
        candidates.append(f"{fact.coordinates[0]}, {fact.coordinates[1]}")
    right = next((c for c in candidates if field_matches(fact, c)), None)
    out = [right] if right is not None else []
    if inputs == "both" and not field_matches(fact, WRONG_VALUE):
        out.append(WRONG_VALUE)
    return out


def provider_choices(scenario: m.Scenario, session: Session, case: m.Case, kind: str, providers: str = "sample") -> list[str]:
    ranked = rank_providers(scenario, case, session.directory, kind, session.now(), session.pending_request(),
                            session.traffic)
    if providers == "best":
        return [r["id"] for r in ranked[:1]]
    if len(ranked) <= PROVIDER_SAMPLE:
        return [r["id"] for r in ranked]
    suitable = [r["id"] for r in ranked if r["suitable"]]
    unsuitable = [r["id"] for r in ranked if not r["suitable"]]
    picks = suitable[:2] + suitable[-1:] + unsuitable[:1]
    return list(dict.fromkeys(picks)) or [ranked[0]["id"]]


def moves(scenario: m.Scenario, session: Session, inputs: str, just_switched: bool, silence: bool = False,
          providers: str = "sample", offered: list | None = None) -> list[dict]:
    """The actions the explorer tries from the session's current state.

    `offered`, when given, receives the options offered now (so that scoring need not ask again)."""
    st = session.state
    if st.status is Status.READY:
        first = min(scenario.cases.values(), key=lambda c: c.rings_at_seconds)
        start = {"type": "start", "lang": first.caller.first_language}
        # A call with variants is explored in each of them (a start action per combination of values).
        combinations = itertools.product(*([(d, a.id) for a in values]
                                           for d, values in scenario.variant_dimensions.items()))
        drawn = [dict(c) for c in combinations if c]
        return [{**start, "variants": v} for v in drawn] or [start]
    if st.status is Status.ENDED:
        return []
    if st.status is Status.AWAITING_INPUT:
        case_id, field_id = pending_field(session)
        return [{"type": "input", "value": v} for v in typed_values(session.fact(case_id, field_id), inputs)]
    if st.status is Status.AWAITING_PROVIDER:
        case_id, kind = pending_kind(session)
        return [{"type": "provider", "id": pid}
                for pid in provider_choices(scenario, session, scenario.cases[case_id], kind, providers)]
    preferred = session.case.caller.first_language
    if session.case_state.speaking != preferred:
        return [{"type": "speak", "lang": preferred}]
    options = session.options()
    if offered is not None:
        offered.extend(options)
    out: list[dict] = [{"type": "choose", "option": o.id} for o in options]
    if silence:
        out.append({"type": "silence"})
    if not just_switched:
        out += [{"type": "switch", "case": cid} for cid, cs in st.cases.items()
                if cid != st.active and cs.status in (CaseStatus.RINGING, CaseStatus.LIVE)]
    return out


def as_answer(action: dict) -> Any:
    """An action as written in an answers file: a bare option id for a choice."""
    return contract(action)

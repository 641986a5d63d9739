"""What a call is at one moment: the state a Session changes and saves (`State`, one `CaseState` per call on the
line, what it waits for), as JSON-ready data in a versioned format. Only the engine changes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, TypedDict

from simulator.errors import PlateauError
from simulator.events import ProviderInfo

STATE_VERSION = 1
MIN_COMPATIBLE_STATE_VERSION = 1


class Status(str, Enum):
    READY = "ready"
    AWAITING_CHOICE = "awaiting_choice"
    AWAITING_INPUT = "awaiting_input"
    AWAITING_PROVIDER = "awaiting_provider"
    ENDED = "ended"


class CaseStatus(str, Enum):
    WAITING = "waiting"    # the phone has not rung yet
    RINGING = "ringing"    # rang, not answered yet
    LIVE = "live"
    ENDED = "ended"


class Pending(TypedDict):
    """What the session waits for after an option whose action needs input: a value or a provider."""

    case: str
    option: str
    action: str        # a model.ActionType value: record, dispatch or book
    field: str | None  # the case-file field a record action asks for
    kind: str | None   # the kind of provider a dispatch or booking asks for


@dataclass
class CaseState:
    node: str
    stress: float
    status: CaseStatus = CaseStatus.WAITING
    flags: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    file: dict[str, str] = field(default_factory=dict)
    chosen: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    speaking: str = "en"
    dispatched: ProviderInfo | None = None
    booked: list[ProviderInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ending: str | None = None
    waiting_since: int | None = None  # clock when the call began to ring, or was left on hold
    calls: list[str] = field(default_factory=list)  # who the agent's outbound calls reached (`to`), in order


@dataclass
class State:
    scenario: str
    content_hash: str
    cases: dict[str, CaseState]
    active: str
    clock: int = 0  # seconds since the first call rang
    status: Status = Status.READY
    pending: Pending | None = None
    turn: int = 0
    ending: str | None = None
    variants: dict[str, str] = field(default_factory=dict)  # the scenario's variants drawn: dimension -> value
    version: int = STATE_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-ready data (what `from_dict` reads back)."""
        data = asdict(self)
        data["status"] = self.status.value
        for case in data["cases"].values():
            case["status"] = case["status"].value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "State":
        version = data.get("version", 0)
        if not MIN_COMPATIBLE_STATE_VERSION <= version <= STATE_VERSION:
            raise PlateauError(f"this saved call is in format {version}; this Plateau reads formats "
                               f"{MIN_COMPATIBLE_STATE_VERSION} to {STATE_VERSION}.")
        cases = {cid: CaseState(**{**c, "status": CaseStatus(c["status"])}) for cid, c in data["cases"].items()}
        return cls(**{**data, "cases": cases, "status": Status(data["status"])})

"""The provider directory: distances, travel times and search. Pure functions, no IO."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping

from simulator.model import Directory, Provider, Traffic

EARTH_RADIUS_KM = 6371.0088
# Roads are not straight lines: a great-circle distance times this is a fair road distance.
ROAD_FACTOR = 1.3
# Time to answer the call and get going before driving.
TURNOUT_MINUTES = 5


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def road_km(provider: Provider, target: tuple[float, float]) -> float:
    return distance_km(provider.coordinates, target) * ROAD_FACTOR


def eta_minutes(provider: Provider, target: tuple[float, float], traffic: Mapping[str, Traffic] | None = None) -> int:
    """Minutes until the provider is on site: turnout, road distance at its speed, traffic."""
    traffic = traffic or {}
    rule = traffic.get(provider.id) or traffic.get("*") or Traffic()
    drive = road_km(provider, target) / provider.speed_kmh * 60 * rule.factor
    return int(math.ceil(TURNOUT_MINUTES + drive + rule.delay_seconds / 60))


@dataclass(frozen=True)
class Hit:
    """One provider found by a search, with what the trainee needs to choose."""

    provider: Provider
    km: float
    eta: int
    open: bool
    missing: tuple[str, ...]  # capabilities the case needs that this provider lacks


def search(directory: Directory, *, kind: str | None = None, near: tuple[float, float] | None = None,
           at: datetime | None = None, needs: Iterable[str] = (), capability: str | None = None,
           within_km: float | None = None, open_only: bool = False,
           traffic: Mapping[str, Traffic] | None = None) -> list[Hit]:
    """Providers matching the filters, nearest (by ETA) first."""
    needs = tuple(needs)
    hits = []
    for provider in directory.providers:
        if kind and provider.kind != kind:
            continue
        if capability and capability not in provider.capabilities:
            continue
        km = road_km(provider, near) if near else 0.0
        if within_km is not None and km > within_km:
            continue
        is_open = provider.is_open(at) if at else True
        if open_only and not is_open:
            continue
        eta = eta_minutes(provider, near, traffic) if near else 0
        missing = tuple(n for n in needs if n not in provider.capabilities)
        hits.append(Hit(provider, km, eta, is_open, missing))
    hits.sort(key=lambda h: (h.eta, h.provider.id))
    return hits

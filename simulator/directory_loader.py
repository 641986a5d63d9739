"""Load the provider files into the directory: who can be sent, from where, and when they are open.

Every file is read and every problem across them is reported at once; a provider id may be used
only once in the whole directory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from simulator import model as m
from simulator.checking import (
    Checker,
    TooManyProblems,
    content_hash,
    flag,
    identifier,
    items,
    number,
    obj,
    strings,
    word,
)
from simulator.errors import Problem, ScenarioError
from simulator.shape import check_shape
from simulator.yamlsource import load_yaml

# Keys, types and ranges are stated in simulator/schema/providers.schema.json (checked by simulator.shape).

_HOURS = re.compile(r"^(?:(?P<d1>Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:-(?P<d2>Mon|Tue|Wed|Thu|Fri|Sat|Sun))?\s+)?(?P<a>\d{1,2}):(?P<am>\d{2})-(?P<b>\d{1,2}):(?P<bm>\d{2})$")
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def load_directory(paths: Iterable[Path]) -> m.Directory:
    """Load every provider file; raise ScenarioError listing every problem across them."""
    providers: list[m.Provider] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(paths):
        try:
            doc = load_yaml(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        c = Checker(doc)
        try:
            check_shape(c, "providers", content_hash(Path(path).read_bytes()))
            for i, raw in enumerate(items(obj(doc.data).get("providers"))):
                provider = _provider(c, ("providers", i), raw, Path(path).stem)
                if provider is None:
                    continue
                if provider.id in seen:
                    c.error(("providers", i, "id"), "R008", f"the provider id '{provider.id}' is already used in {seen[provider.id]}.",
                            "Give each provider its own id.")
                    continue
                seen[provider.id] = doc.name
                providers.append(provider)
        except TooManyProblems:
            problems.extend(c.too_many().problems)
            continue
        problems.extend(c.settle())
    if problems:
        raise ScenarioError(problems)
    return m.Directory(tuple(providers))


def _provider(c: Checker, path, raw, source: str = "") -> m.Provider | None:
    raw = obj(raw)
    pid = identifier(raw.get("id"))
    kind = word(raw.get("kind"), m.PROVIDER_KINDS)
    coords = c.coordinates(path + ("coordinates",), raw["coordinates"], "coordinates") if "coordinates" in raw else None
    hours_raw = raw.get("hours", "24/7")
    hours = _hours(c, path + ("hours",), hours_raw)
    speed = number(raw.get("speed_kmh", 50), 50)
    cost = number(raw.get("cost", 0), 0)
    partner = flag(raw.get("partner"))
    if pid is None or kind is None or coords is None or hours is None or "name" not in raw or "place" not in raw:
        return None
    note = c.text(path + ("note",), raw["note"], f"the note on provider '{pid}'") if "note" in raw else None
    hours_text = hours_raw if isinstance(hours_raw, str) else ", ".join(map(str, hours_raw))
    return m.Provider(pid, str(raw["name"]), kind, str(raw["place"]), coords,
                      frozenset(strings(raw.get("capabilities"))), hours, strings(raw.get("languages")),
                      bool(partner), int(cost), float(speed), str(raw.get("phone", "")), hours_text, note,
                      source)


def _hours(c: Checker, path, raw) -> tuple[m.Hours, ...] | None:
    if raw == "24/7":
        return m.ALWAYS_OPEN
    listed = [raw] if isinstance(raw, str) else items(raw)
    out = []
    for i, item in enumerate(listed):
        match = _HOURS.match(str(item).strip())
        p = path + (i,) if isinstance(raw, list) else path
        if not match:
            c.error(p, "D002", f"'{item}' is not an opening time.", "Write 'Mon-Fri 07:00-19:00', 'Sat 08:00-12:00' or '24/7'.")
            continue
        d1 = _DAYS.index(match["d1"]) if match["d1"] else 0
        d2 = _DAYS.index(match["d2"]) if match["d2"] else (d1 if match["d1"] else 6)
        days = frozenset(range(d1, d2 + 1)) if d1 <= d2 else frozenset(list(range(d1, 7)) + list(range(0, d2 + 1)))
        start = int(match["a"]) * 60 + int(match["am"])
        end = int(match["b"]) * 60 + int(match["bm"])
        if start >= 24 * 60 or end > 24 * 60:
            c.error(p, "D002", f"'{item}' is not an opening time.", "Hours go from 00:00 to 24:00.")
            continue
        out.append(m.Hours(days, start, end))
    return tuple(out) if out else None

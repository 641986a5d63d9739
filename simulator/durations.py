"""Durations as scenario and rubric files write them: `5`, `0.5`, `'30s'`, `'2 min'`, `'1h30'`.

Shared by the loader, which checks them where they are written, and by scoring, which reads a
rubric's timing targets.
"""

from __future__ import annotations

import math
import re
from typing import Any

DURATION = re.compile(r"^\s*(?:(?P<h>\d+)\s*h\s*(?P<hm>\d+)?\s*(?:min|m)?|(?P<m>\d+(?:[.,]\d+)?)\s*(?:min|m)|(?P<s>\d+)\s*s)\s*$")


def parse_duration(value: Any) -> int | None:
    """Seconds from `5`, `0.5`, `'30s'`, `'2 min'`, `'1h30'`; None when malformed (or not finite: `.inf`, `.nan`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if value < 0 or not math.isfinite(value):
            return None
        return int(round(value * 60)) if value < 1e300 else int(value) * 60
    if not isinstance(value, str):
        return None
    match = DURATION.match(value)
    if not match:
        return None
    if match["h"] is not None:
        return int(match["h"]) * 3600 + int(match["hm"] or 0) * 60
    if match["m"] is not None:
        return int(round(float(match["m"].replace(",", ".")) * 60))
    return int(match["s"])

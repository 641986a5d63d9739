"""How numbers, shares, prices, dates and moments are written in each interface language, in one place.

French and Dutch write a decimal comma (24,4), English a point; a share is "54,5 %" in French and Dutch and
"54.5%" in English; a price "145 €" in French, "€ 145" in Dutch, "€145" in English; a day "30/11/2026" in
French and Dutch and "30 Nov 2026" in English, a moment the same with its local time ("30/11/2026 08:01").
Transcripts and the results store keep moments in UTC (ISO 8601); they are shown in the local time of the
computer. The debrief, the desk, the cohort report and the player all write through these functions.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def half_up(value: float, digits: int = 0) -> float:
    """`value` rounded as people do, half away from zero (54.55 -> 54.6, 12.5 -> 13); round() goes to even."""
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(exact)


def number(value: float | None, lang: str, digits: int = 1, *, comma: bool | None = None, missing: str = "") -> str:
    """A number as the language writes it, at most `digits` decimals without trailing zeros: 24,4 in French
    and Dutch, 24.4 in English (`comma` forces one or the other); `missing` stands for no value."""
    if value is None:
        return missing
    text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    if digits and "." in text:
        text = text.rstrip("0").rstrip(".")
    if comma is None:
        comma = lang in ("fr", "nl")
    return text.replace(".", ",") if comma else text


def percent(value: float | None, lang: str) -> str:
    """A share, one decimal at most, rounded half away from zero: 54,5 % in French and Dutch, 54.5% in English."""
    if value is None:
        return "–"
    text = f"{half_up(value, 1):.1f}".removesuffix(".0")
    if lang in ("fr", "nl"):
        return text.replace(".", ",") + NBSP + "%"
    return text + "%"


def price(amount: float, lang: str) -> str:
    """An amount in euros as Belgians write it: 145 € in French, € 145 in Dutch, €145 in English."""
    value = number(amount, lang)
    return {"fr": f"{value}{NBSP}€", "nl": f"€{NBSP}{value}"}.get(lang, f"€{value}")


def day(when: date, lang: str) -> str:
    """A day: 30/11/2026 in French and Dutch, 30 Nov 2026 in English."""
    if lang == "en":
        return f"{when.day} {MONTHS_EN[when.month - 1]} {when.year}"
    return f"{when:%d/%m/%Y}"


def moment(iso: str | None, lang: str, tz: tzinfo | None = None) -> str:
    """An ISO time stamp as a person reads it, in local time (or `tz`): 30/11/2026 08:01, or 30 Nov 2026 08:01 in
    English. A bare date keeps no time; text that is no time stamp is shown as it is."""
    if not iso:
        return ""
    try:
        if len(iso) == 10:
            return day(date.fromisoformat(iso), lang)
        at = datetime.fromisoformat(iso).astimezone(tz)
    except (TypeError, ValueError):
        return str(iso)
    return f"{day(at.date(), lang)} {at:%H:%M}"


def local_day(iso: str) -> date:
    """The local day of an ISO time stamp kept in UTC."""
    return datetime.fromisoformat(iso).astimezone().date()

"""Case-file fields: does what the trainee typed say the same as the truth, for each kind of fact."""

from __future__ import annotations

import re
import unicodedata

from simulator import model as m
from simulator.providers import distance_km


def normalise(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]", "", text)


_COORDS = re.compile(r"(-?\d{1,2}[.,]\d+)\s*[,; ]\s*(-?\d{1,3}[.,]\d+)")


def same_phone(typed: str, truth: str) -> bool:
    """The same phone number in any usual notation: '02 345 67 89' and '+32 2 345 67 89' (a Brussels landline),
    '06 12 48 37 95', '+33 6 12 48 37 95' and '0033 612 483 795' (a French mobile). The truth is read in Belgium
    unless it gives its country; what was typed is read in the truth's country (Google's phonenumbers)."""
    import phonenumbers
    try:
        wanted = phonenumbers.parse(truth, "BE")
        got = phonenumbers.parse(typed, phonenumbers.region_code_for_number(wanted) or "BE")
    except phonenumbers.NumberParseException:
        digits, want = re.sub(r"\D", "", typed), re.sub(r"\D", "", truth)
        return bool(want) and digits == want
    return (got.country_code, got.national_number, bool(got.italian_leading_zero)) == \
        (wanted.country_code, wanted.national_number, bool(wanted.italian_leading_zero))


def field_matches(fact: m.Fact, typed: str) -> bool:
    """Does what the trainee typed say the same as the truth, for this kind of fact?"""
    if not typed.strip():
        return False
    if fact.kind is m.FactKind.LOCATION:
        match = _COORDS.search(typed)
        if match and fact.coordinates:
            lat, lon = (float(g.replace(",", ".")) for g in match.groups())
            return distance_km((lat, lon), fact.coordinates) <= fact.tolerance_km
        wanted = [normalise(a) for a in fact.accept] or [normalise(fact.value)]
        return any(w and w in normalise(typed) for w in wanted)
    if fact.kind is m.FactKind.PHONE:
        return same_phone(typed, str(fact.value))
    if fact.kind is m.FactKind.MEMBER:
        digits = re.sub(r"\D", "", typed)
        truth = re.sub(r"\D", "", str(fact.value))
        return digits == truth and bool(truth) or normalise(typed) == normalise(fact.value)
    if fact.kind is m.FactKind.NUMBER:
        numbers = re.findall(r"\d+", typed)
        return bool(numbers) and int(numbers[0]) == int(fact.value)
    if fact.accept:
        return any(normalise(a) in normalise(typed) for a in fact.accept)
    return normalise(typed) == normalise(fact.value)

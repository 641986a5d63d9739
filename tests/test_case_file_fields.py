"""What a trainee types in the case file counts when it says the same as the truth, in any usual notation."""

from __future__ import annotations

import pytest

from simulator import model as m
from simulator.expressions import compile_template
from simulator.scoring import field_matches


def fact(kind: m.FactKind, value, **extra) -> m.Fact:
    label = m.Text({"en": compile_template("field")})
    return m.Fact("field", value, kind, label, **extra)


@pytest.mark.parametrize("kind, truth, typed, counts", [
    # Phones: Belgian landlines and mobiles, French and Dutch numbers, with or without the country code.
    (m.FactKind.PHONE, "02 345 67 89", "+32 2 345 67 89", True),
    (m.FactKind.PHONE, "02 345 67 89", "0032 2 345 67 89", True),
    (m.FactKind.PHONE, "02 345 67 89", "023456789", True),
    (m.FactKind.PHONE, "02 345 67 89", "02 345 67 98", False),
    (m.FactKind.PHONE, "0470 12 34 56", "+32 470 12 34 56", True),
    (m.FactKind.PHONE, "0470 12 34 56", "470123456", True),
    (m.FactKind.PHONE, "+33 6 12 48 37 95", "06 12 48 37 95", True),
    (m.FactKind.PHONE, "+33 6 12 48 37 95", "0033612483795", True),
    (m.FactKind.PHONE, "+33 6 12 48 37 95", "+32 6 12 48 37 95", False),
    (m.FactKind.PHONE, "+31 6 12345678", "06-12345678", True),
    (m.FactKind.PHONE, "+31 6 12345678", "", False),
    # Member numbers: the digits, whatever the spaces and dashes.
    (m.FactKind.MEMBER, "4418 2093 61", "4418209361", True),
    (m.FactKind.MEMBER, "4418 2093 61", "4418-2093-61", True),
    (m.FactKind.MEMBER, "4418 2093 61", "4418 2093 16", False),
    # Numbers: the first number typed.
    (m.FactKind.NUMBER, 4, "4 personnes", True),
    (m.FactKind.NUMBER, 4, "trois", False),
    # Plates and texts: case, spaces, dashes and accents do not matter.
    (m.FactKind.PLATE, "1-ABC-234", "1abc234", True),
    (m.FactKind.PLATE, "1-ABC-234", "1-ABC-243", False),
    (m.FactKind.TEXT, "Peugeot 208", "peugeot 208", True),
])
def test_a_typed_value_counts_when_it_says_the_same_as_the_truth(kind, truth, typed, counts):
    assert field_matches(fact(kind, truth), typed) is counts


def test_a_location_counts_by_its_words_or_by_coordinates_within_the_tolerance():
    where = fact(m.FactKind.LOCATION, "Parking P3, zone C, allée 14", coordinates=(50.3962, 3.7721),
                 tolerance_km=0.3, accept=("zone c", "allee 14"))
    assert field_matches(where, "P3 zone C") is True
    assert field_matches(where, "50.3975, 3.7730") is True   # about 160 m away
    assert field_matches(where, "50.4100, 3.7721") is False  # 1.5 km away
    assert field_matches(where, "près de l'entrée") is False

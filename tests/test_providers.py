"""The provider directory: great-circle distances, travel times, opening hours and search."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from simulator import model as m
from simulator.errors import ScenarioError
from simulator.loader import load_directory
from simulator.providers import distance_km, eta_minutes, search


def test_paris_to_london_is_343_km_as_the_crow_flies():
    assert distance_km((48.8566, 2.3522), (51.5074, -0.1278)) == pytest.approx(343.6, abs=0.2)


def test_brussels_grand_place_to_antwerp_central_is_41_km():
    assert distance_km((50.8467, 4.3525), (51.2172, 4.4211)) == pytest.approx(41.5, abs=0.2)


def provider(**overrides):
    base = dict(id="tow-a", name="Dépannage A", kind="tow", place="Dour", coordinates=(50.3960, 3.7780),
                capabilities=frozenset({"battery", "offroad"}), hours=m.ALWAYS_OPEN, languages=("fr",), partner=True,
                cost=120, speed_kmh=60.0)
    return m.Provider(**{**base, **overrides})


def test_eta_is_turnout_plus_road_distance_at_the_provider_speed():
    p = provider()
    target = (50.4503, 3.9520)  # Mons, Grand-Place
    road = distance_km(p.coordinates, target) * 1.3
    assert eta_minutes(p, target) == math.ceil(5 + road / 60 * 60)


def test_traffic_delay_and_factor_apply_to_the_eta():
    p = provider()
    target = (50.4503, 3.9520)
    plain = eta_minutes(p, target)
    slowed = eta_minutes(p, target, {"tow-a": m.Traffic(factor=2.0, delay_seconds=600)})
    road_minutes = distance_km(p.coordinates, target) * 1.3
    assert slowed == math.ceil(5 + road_minutes * 2 + 10)
    assert slowed > plain


@pytest.mark.parametrize("hours, moment, is_open", [
    (m.Hours(frozenset(range(5)), 7 * 60, 19 * 60), datetime(2026, 7, 3, 23, 40), False),   # Friday night
    (m.Hours(frozenset(range(5)), 7 * 60, 19 * 60), datetime(2026, 7, 3, 10, 0), True),     # Friday morning
    (m.Hours(frozenset(range(5)), 7 * 60, 19 * 60), datetime(2026, 7, 4, 10, 0), False),    # Saturday
    (m.Hours(frozenset({4}), 18 * 60, 6 * 60), datetime(2026, 7, 4, 2, 0), True),           # Friday night shift, Sat 02:00
    (m.Hours(frozenset({4}), 18 * 60, 6 * 60), datetime(2026, 7, 3, 2, 0), False),          # Fri 02:00 belongs to Thursday
])
def test_opening_hours(hours, moment, is_open):
    assert hours.is_open(moment) is is_open


def test_search_ranks_by_eta_and_flags_missing_capabilities():
    near = provider(id="near", coordinates=(50.3980, 3.7800), capabilities=frozenset({"battery"}))
    far = provider(id="far", coordinates=(50.4503, 3.9520))
    hits = search(m.Directory((far, near)), kind="tow", near=(50.3960, 3.7780), needs=("battery", "offroad"))
    assert [(h.provider.id, h.missing) for h in hits] == [("near", ("offroad",)), ("far", ())]


def test_a_provider_with_coordinates_off_the_earth_is_a_positioned_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("providers:\n  - id: x\n    name: X\n    kind: tow\n    place: Dour\n    coordinates: [350.4, 3.77]\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_directory([path])
    problem = caught.value.problems[0]
    assert (problem.line, problem.column, problem.code) == (6, 18, "S004")
    assert problem.message.startswith("coordinates [350.4, 3.77] is not on Earth")


def test_every_kind_and_capability_of_the_bundled_directory_is_named_in_the_trainees_language():
    from simulator.catalog import library
    from simulator.i18n import capability_label, exists, kind_label
    directory = library().directory
    kinds = {p.kind for p in directory.providers}
    capabilities = {c for p in directory.providers for c in p.capabilities}
    assert sorted(k for k in kinds if not exists("kind." + k)) == []
    assert sorted(c for c in capabilities if not exists("capability." + c)) == []
    for lang in ("fr", "nl", "en"):  # and two capabilities never read the same: a trainee types them to search
        labels = [capability_label(c, lang).casefold() for c in capabilities]
        assert len(set(labels)) == len(labels), lang
    assert capability_label("emergency_travel_document", "fr") == "titre de voyage provisoire"
    assert kind_label("tow", "nl") == "takeldienst"

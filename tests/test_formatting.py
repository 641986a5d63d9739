"""How figures and dates are written in each interface language (simulator/formatting.py): one place for the
debrief, the desk, the cohort report and the player."""

from __future__ import annotations

from datetime import date, timezone

import pytest

from simulator.formatting import day, half_up, moment, number, percent, price


@pytest.mark.parametrize("value, lang, digits, written", [
    (24.4, "fr", 1, "24,4"), (24.4, "nl", 1, "24,4"), (24.4, "en", 1, "24.4"),
    (85.0, "fr", 1, "85"), (7, "fr", 1, "7"), (0.1234, "nl", 4, "0,1234"), (2.6, "en", 0, "3"),
])
def test_a_number_has_the_languages_decimal_mark_and_no_trailing_zero(value, lang, digits, written):
    assert number(value, lang, digits) == written


def test_a_missing_number_is_written_as_the_caller_asks_and_a_spreadsheet_may_force_the_mark():
    assert (number(None, "fr"), number(None, "fr", missing="–")) == ("", "–")
    assert number(94.4, "en", comma=True) == "94,4"


@pytest.mark.parametrize("lang, share, amount", [
    ("fr", "54,5\u00a0%", "145\u00a0€"), ("nl", "54,5\u00a0%", "€\u00a0145"), ("en", "54.5%", "€145")])
def test_shares_and_prices_are_written_as_belgians_write_them(lang, share, amount):
    assert (percent(54.45, lang), price(145, lang)) == (share, amount)


def test_rounding_goes_half_away_from_zero_as_people_round():
    assert (half_up(12.5), half_up(54.55, 1), round(12.5)) == (13.0, 54.6, 12)


@pytest.mark.parametrize("lang, shown_day, shown_moment", [
    ("fr", "02/03/2026", "16/03/2026 09:30"), ("nl", "02/03/2026", "16/03/2026 09:30"),
    ("en", "2 Mar 2026", "16 Mar 2026 09:30")])
def test_every_day_and_moment_is_written_one_way_per_language(lang, shown_day, shown_moment):
    assert day(date(2026, 3, 2), lang) == shown_day
    assert moment("2026-03-16T09:30:00+00:00", lang, timezone.utc) == shown_moment
    assert moment("2026-03-02", lang) == shown_day


def test_text_that_is_no_time_stamp_is_shown_as_it_is():
    assert (moment("yesterday", "fr"), moment("", "en"), moment(None, "nl")) == ("yesterday", "", "")

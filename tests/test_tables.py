"""Tables that fit the terminal: cells wrap between words, never inside one, and lesser columns give way."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from simulator.tables import Column, fitted
from tests.conftest import table_headers

REGISTER = [Column("Trainee"), Column("Scenario"), Column("Score", "right", wrap=False), Column("Verdict"),
            Column("Compliance", rank=1), Column("Session", wrap=False, rank=2)]
CALLS = [["Zoë Vandenbroucke-Ngô", "Flat tyre on the E8 near Tromsø", "82.4", "passed", "Compliant", "e5000000001"],
         ["Amélie Dupont", "Two calls on the E8", "49", "not passed", "Non-compliant", "a1000000001"]]


def draw(width: int, table_of) -> list[str]:
    """What a console `width` columns wide shows of the table `table_of(console)` makes, without trailing blanks."""
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False, markup=False)
    console.print(table_of(console))
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


def register(width: int) -> list[str]:
    return draw(width, lambda console: fitted(console, REGISTER, CALLS, show_edge=False, pad_edge=False))


def test_a_table_that_fits_is_drawn_as_rich_draws_it():
    def plain(console) -> Table:
        table = Table(show_edge=False, pad_edge=False)
        for column in REGISTER:
            table.add_column(column.header, justify=column.justify)
        for row in CALLS:
            table.add_row(*row)
        return table

    assert register(120) == draw(120, plain)
    assert table_headers("\n".join(register(120))) == [[c.header for c in REGISTER]]


@pytest.mark.parametrize("width, headers", [
    (76, ["Trainee", "Scenario", "Score", "Verdict", "Compliance", "Session"]),
    (75, ["Trainee", "Scenario", "Score", "Verdict", "Compliance"]),
    (62, ["Trainee", "Scenario", "Score", "Verdict", "Compliance"]),
    (61, ["Trainee", "Scenario", "Score", "Verdict"]),
])
def test_lesser_columns_give_way_highest_rank_first_only_when_whole_words_no_longer_fit(width, headers):
    assert table_headers("\n".join(register(width))) == [headers]


def test_a_narrow_console_wraps_cells_between_words_never_inside_one():
    assert register(50) == [
        "Trainee            ┃ Scenario  ┃ Score ┃ Verdict",
        "━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━",
        "Zoë                │ Flat tyre │  82.4 │ passed",
        "Vandenbroucke-Ngô  │ on the E8 │       │",
        "                   │ near      │       │",
        "                   │ Tromsø    │       │",
        "Amélie Dupont      │ Two calls │    49 │ not",
        "                   │ on the E8 │       │ passed"]


def test_a_figure_stays_whole_while_its_header_wraps():
    timings = [Column("Step"), Column("9 calls in 10 within", "right", wrap=False),
               Column("Share", "right", wrap=False)]
    assert draw(30, lambda console: fitted(console, timings, [["Dispatch a provider", "3.8 min", "54,5\u00a0%"]],
                                           show_edge=False)) == [
        "          ┃  9 calls ┃",
        "          ┃    in 10 ┃",
        " Step     ┃   within ┃  Share",
        "━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━",
        " Dispatch │  3.8 min │ 54,5\u00a0%",
        " a        │          │",
        " provider │          │"]

"""Tables that fit the terminal: cells wrap between words, never inside one, and lesser columns give way.

Rich shrinks a table that is too wide by cutting words ("Stagiai…", "Janss…"). `fitted` works
out each column's narrowest width (its longest word, or its longest cell for a column whose cells
must stay whole) and, when even the narrowest table is wider than the console, leaves out the
columns of highest rank first. The columns it keeps get fixed widths between their narrowest and
their natural one, so Rich never has to cut. A table that fits as it is stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

ESSENTIAL = 0  # the rank of a column that is always shown
_BETWEEN_WORDS = re.compile(r"[^\S\u00a0\u202f]+")  # whitespace, but not the no-break spaces of "54,5 %"


@dataclass(frozen=True)
class Column:
    """A column: its header, how it is justified, and when it gives way. Columns of the highest rank are
    left out first (the rightmost of them first); ESSENTIAL ones never. A column whose cells must stay
    whole (a date, a number with its unit, an id to type) has `wrap=False`; its header may still wrap."""

    header: str
    justify: str = "left"
    rank: int = ESSENTIAL
    wrap: bool = True


def fitted(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[RenderableType]], **options) -> Table:
    """A Rich table of `rows` (strings or Texts) under `columns`, no wider than `console`. `options` go to
    `rich.table.Table` (title, box, show_edge...)."""
    texts = [[cell.plain if isinstance(cell, Text) else str(cell) for cell in row] for row in rows]
    narrowest = [_narrowest(c, [row[i] for row in texts]) for i, c in enumerate(columns)]
    natural = [max([_widest(c.header)] + [_widest(row[i]) for row in texts]) for i, c in enumerate(columns)]
    shown = list(range(len(columns)))
    while True:
        span = _span(console, _table([columns[i] for i in shown], [], [narrowest[i] for i in shown], options))
        lesser = [i for i in shown if columns[i].rank != ESSENTIAL]
        if span <= console.width or not lesser:
            break
        shown.remove(max(reversed(lesser), key=lambda i: columns[i].rank))
    kept = [columns[i] for i in shown]
    kept_rows = [[row[i] for i in shown] for row in rows]
    room = console.width - (span - sum(narrowest[i] for i in shown))
    low, high = [narrowest[i] for i in shown], [natural[i] for i in shown]
    if sum(high) <= room or sum(low) > room:
        # It fits as it is; or even the essential columns at their narrowest do not: Rich does its best.
        return _table(kept, kept_rows, None, options)
    return _table(kept, kept_rows, _share(low, high, room), options)


def _narrowest(column: Column, cells: list[str]) -> int:
    cell_width = _longest_word if column.wrap else _widest
    return max([_longest_word(column.header), 1] + [cell_width(cell) for cell in cells])


def _widest(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in _BETWEEN_WORDS.split(text)), default=0)


def _span(console: Console, table: Table) -> int:
    """How wide `table` is, with its borders and padding, when nothing constrains it."""
    return Measurement.get(console, console.options.update_width(10_000), table).maximum


def _share(low: list[int], high: list[int], room: int) -> list[int]:
    """Widths between `low` and `high` adding up to `room` at most: the widest columns give up width
    first, as Rich itself shrinks them, but none below its narrowest."""
    def widths(level: int) -> list[int]:
        return [max(lo, min(hi, level)) for lo, hi in zip(low, high)]

    level = max(high)
    while level > 0 and sum(widths(level)) > room:
        level -= 1
    out = widths(level)
    for i, hi in enumerate(high):  # what is left goes, a column at a time, to those still short of natural
        if sum(out) < room and out[i] < hi:
            out[i] += 1
    return out


def _table(columns: list[Column], rows, widths: list[int] | None, options: dict) -> Table:
    table = Table(**options)
    for n, column in enumerate(columns):
        table.add_column(column.header, justify=column.justify, width=widths[n] if widths else None,
                         no_wrap=not column.wrap and widths is None)
    for row in rows:
        table.add_row(*row)
    return table

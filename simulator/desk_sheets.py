"""Recorded calls as tables for spreadsheets: `plateau results --csv` and `--xlsx`.

Each table is a `View` (title, column titles and kinds, rows): the calls with a column per criterion,
the criteria of each call, and how many calls reached each compliance level. `write_csv` writes the
first for Excel and LibreOffice, `write_xlsx` all three as a workbook; text never becomes a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from simulator.criteria import CRITERIA
from simulator.desk_common import WORDS, say
from simulator.errors import PlateauError
from simulator.formatting import number
from simulator.safe import printable

# A spreadsheet reads numbers and dates as its locale writes them: Excel set to French or Dutch (Belgium)
# takes 94,4 and 02/03/2026 09:30; Excel in English takes 94.4 and 2026-03-02 09:30 (as LibreOffice in any locale).
DATE_FORMATS = {True: ("%d/%m/%Y %H:%M", "dd/mm/yyyy hh:mm"), False: ("%Y-%m-%d %H:%M", "yyyy-mm-dd hh:mm")}


def decimal_comma(choice: str | None, lang: str) -> bool:
    """The decimal mark of spreadsheets: --decimal (or --decimal-comma, --decimal-point), else the language's."""
    if choice is not None:
        return choice == "comma"
    return lang in ("fr", "nl")


class Kind(str, Enum):
    """What a column holds, so that each writer gives it its own form (CSV text, a workbook's typed cell)."""

    TEXT = "text"
    NUMBER = "number"
    WHOLE = "whole"
    DATE = "date"
    SHARE = "share"  # a fraction shown as a percentage


@dataclass(frozen=True)
class View:
    """One table of the results (a CSV file, a sheet of a workbook): a title, column titles and kinds, rows of values."""

    title: str
    head: tuple[str, ...]
    kinds: tuple[Kind, ...]
    rows: tuple[tuple, ...]


def _criteria_order(rows) -> list[str]:
    criteria: list[str] = []
    for r in rows:
        criteria.extend(c for c in r.criteria if c not in criteria)
    order = CRITERIA
    return sorted(criteria, key=lambda c: (order.index(c) if c in order else len(order), c))


def _criterion_name(cid: str, lang: str) -> str:
    from simulator.i18n import t
    try:
        return t("criterion." + cid, lang)
    except KeyError:
        return cid


def _moment(iso: str) -> datetime:
    """A stored moment (UTC) as the local time a spreadsheet shows, without zone (spreadsheets have none)."""
    return datetime.fromisoformat(iso).astimezone().replace(tzinfo=None)


def calls_view(rows, lang: str) -> View:
    """One line per call, with each criterion's score in its own column: the CSV and the first sheet."""
    from simulator.i18n import t
    criteria = _criteria_order(rows)
    head = [say(k, lang) for k in ("col.session", "col.date", "col.trainee", "col.scenario", "col.version", "col.lang",
                                   "col.mode", "col.status", "col.outcome", "col.score", "col.result", "col.compliance",
                                   "col.critical")]
    head += [say("col.criterion", lang, name=_criterion_name(c, lang)) for c in criteria]
    head += [say("col.minutes", lang), say("col.transcript", lang)]
    kinds = (Kind.TEXT, Kind.DATE) + (Kind.TEXT,) * 2 + (Kind.WHOLE,) + (Kind.TEXT,) * 4 + (Kind.NUMBER,) + \
        (Kind.TEXT,) * 2 + (Kind.WHOLE,) + (Kind.NUMBER,) * len(criteria) + (Kind.NUMBER, Kind.TEXT)
    out = []
    for r in rows:
        line = [r.session, _moment(r.started), r.trainee, r.scenario, r.scenario_version, r.lang,
                say("mode." + r.mode, lang) if "mode." + r.mode in WORDS else r.mode,
                say("status." + r.status, lang), t("outcome." + r.outcome, lang) if r.outcome else "",
                r.overall, say("result.passed" if r.passed else "result.failed", lang),
                t("compliance." + r.compliance, lang) if r.compliance else "", len(r.critical_failures)]
        line += [r.criteria[c].percent if c in r.criteria and r.criteria[c].applies else None for c in criteria]
        line += [r.minutes, r.transcript]
        out.append(tuple(line))
    return View(say("sheet.calls", lang), tuple(head), kinds, tuple(out))


def criteria_view(rows, lang: str) -> View:
    """One line per call and criterion that applied to it: points, out of how many, percentage, level."""
    head = tuple(say(k, lang) for k in ("col.session", "col.date", "col.trainee", "col.scenario", "col.criterion_name",
                                        "col.points", "col.out_of", "col.percent", "col.level"))
    kinds = (Kind.TEXT, Kind.DATE, Kind.TEXT, Kind.TEXT, Kind.TEXT, Kind.NUMBER, Kind.NUMBER, Kind.NUMBER, Kind.TEXT)
    order = _criteria_order(rows)
    out = []
    for r in rows:
        for cid in order:
            c = r.criteria.get(cid)
            if c is None or not c.applies:
                continue
            level = (c.level or {}).get(lang) or (c.level or {}).get("en") or ""
            out.append((r.session, _moment(r.started), r.trainee, r.scenario, _criterion_name(cid, lang),
                        c.score, c.max, c.percent, level))
    return View(say("sheet.criteria", lang), head, kinds, tuple(out))


def compliance_view(rows, lang: str) -> View:
    """How many finished calls reached each compliance level of the procedure, and their share."""
    from simulator.i18n import t
    from simulator.loader import COMPLIANCE_LEVELS
    assessed = [r.compliance for r in rows if r.status == "finished" and r.compliance in COMPLIANCE_LEVELS]
    head = tuple(say(k, lang) for k in ("col.compliance_level", "col.calls", "col.share"))
    out = tuple((t("compliance." + level, lang), assessed.count(level),
                 round(assessed.count(level) / len(assessed), 4) if assessed else None) for level in COMPLIANCE_LEVELS)
    return View(say("sheet.compliance", lang), head, (Kind.TEXT, Kind.WHOLE, Kind.SHARE), out)


def csv_text(value: str) -> str:
    """A text cell Excel will not read as a formula (a name typed as '=...' stays text).

    Control characters are made visible first (simulator.safe): a NUL before '=' would otherwise
    hide the '=' from this check and be dropped by the spreadsheet, which would then run the formula.
    """
    value = printable(value)
    return "'" + value if value.lstrip()[:1] in ("=", "+", "-", "@") else value


def _csv_value(value, kind: str, lang: str, comma: bool) -> str:
    if value is None:
        return ""
    if kind == Kind.DATE:
        return value.strftime(DATE_FORMATS[comma][0])
    if kind in (Kind.NUMBER, Kind.SHARE):
        return number(float(value), lang, digits=4 if kind == Kind.SHARE else 2, comma=comma)
    if kind == Kind.WHOLE:
        return str(value)
    return csv_text(str(value))


def write_csv(rows, stream, lang: str, *, decimal_comma: bool) -> None:
    """Results as CSV for Excel in Belgium and LibreOffice: ';' between cells, UTF-8 with a byte order mark."""
    import csv
    import io
    view = calls_view(rows, lang)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(view.head)
    for line in view.rows:
        writer.writerow([_csv_value(v, k, lang, decimal_comma) for v, k in zip(line, view.kinds)])
    stream.write(("\ufeff" + text.getvalue()).encode("utf-8"))


def write_xlsx(rows, stream, lang: str, *, decimal_comma: bool) -> None:
    """Results as an Excel workbook: one sheet per view, numbers and dates typed, the title row frozen."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise PlateauError(say("xlsx.no_openpyxl", lang)) from None
    book = Workbook()
    book.remove(book.active)
    for view in (calls_view(rows, lang), criteria_view(rows, lang), compliance_view(rows, lang)):
        sheet = book.create_sheet(view.title[:31])
        sheet.append([printable(h) for h in view.head])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in view.head]
        for r, line in enumerate(view.rows, start=2):
            for c, (value, kind) in enumerate(zip(line, view.kinds), start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c)
                if kind == Kind.TEXT:
                    cell.value = printable(str(value))
                    cell.data_type = "s"  # text stays text, '=...' included: never a formula
                    widths[c - 1] = max(widths[c - 1], len(cell.value))
                else:
                    cell.value = value
                    if kind == Kind.DATE:
                        cell.number_format = DATE_FORMATS[decimal_comma][1]
                        widths[c - 1] = max(widths[c - 1], 16)
                    elif kind == Kind.SHARE:
                        cell.number_format = "0.0%"
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width, 6) + 2, 60)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    book.save(stream)

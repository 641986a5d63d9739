"""What the instructor's desk commands share: their words in French, Dutch and English, and small helpers.

`say` gives each message in the interface language (the catalog's messages `desk.KEY`); the helpers
pick that language, show numbers and dates as it writes them, add and read the filters on calls
(--trainee, --since...), and open the terminal with markup off.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime

from simulator.i18n import Table, t

# The words are the catalog's messages `desk.KEY` (simulator/locale); WORDS reads them as a table
# ("mode.timed" in WORDS, WORDS["col.date"]["fr"]).
WORDS = Table("desk.")


def say(key: str, lang: str, **values) -> str:
    return t("desk." + key, lang, **values)


def _lang(args) -> str:
    from simulator.i18n import detect_lang
    return detect_lang(args.lang)


def _day(text: str) -> date:
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    from simulator.i18n import detect_lang
    raise argparse.ArgumentTypeError(t("cli.err.date", detect_lang(), text=text))


def _add_filters(p, lang: str, *, outcome: bool = True) -> None:
    """The options that choose calls (--trainee, --since...), their help in `lang`."""
    from simulator.languages import LANGS

    p.add_argument("--trainee", action="append", default=[], metavar=t("cli.meta.name", lang),
                   help=t("cli.filter.trainee", lang))
    p.add_argument("--scenario", action="append", default=[], metavar="ID", help=t("cli.filter.scenario", lang))
    p.add_argument("--since", type=_day, metavar=t("cli.meta.date", lang), help=t("cli.filter.since", lang))
    p.add_argument("--until", type=_day, metavar=t("cli.meta.date", lang), help=t("cli.filter.until", lang))
    if outcome:
        group = p.add_mutually_exclusive_group()
        group.add_argument("--passed", dest="passed", action="store_const", const=True, help=t("cli.filter.passed", lang))
        group.add_argument("--failed", dest="passed", action="store_const", const=False, help=t("cli.filter.failed", lang))
        group = p.add_mutually_exclusive_group()
        group.add_argument("--finished", dest="status", action="store_const", const="finished",
                           help=t("cli.filter.finished", lang))
        group.add_argument("--abandoned", dest="status", action="store_const", const="abandoned",
                           help=t("cli.filter.abandoned", lang))
    p.add_argument("--assessments", action="store_true", help=t("cli.filter.assessments", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang_output", lang))


def _filters(args):
    from simulator.store import Filters
    return Filters(tuple(args.trainee), tuple(args.scenario), args.since, args.until,
                   getattr(args, "passed", None), getattr(args, "status", None), args.assessments)


def _console(**kwargs):
    """The terminal. Markup is off: names, notes and option texts come from people, '[/b]' included."""
    from rich.console import Console
    return Console(highlight=False, markup=False, **kwargs)

"""Subcommands of the instructor's desk: results, import, cohort, export, push, roster.

Each command parses its arguments, calls the store, cohort or xapi module, and prints in the
language chosen with --lang (default: the system's). Modules are imported inside commands so
that `plateau results` starts quickly.

The commands share their words and helpers with simulator.desk_common; the spreadsheet tables are in
simulator.desk_sheets and the xAPI export and push in simulator.desk_xapi. This module holds the
results, import, cohort and roster commands and registers every desk subcommand with its arguments;
it re-exports the names other modules import from it.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from simulator.cli_common import EXIT_OK, EXIT_PROBLEM
from simulator.desk_common import WORDS, _add_filters, _console, _filters, _lang, say
from simulator.desk_sheets import (
    DATE_FORMATS,
    Kind,
    View,
    calls_view,
    compliance_view,
    criteria_view,
    csv_text,
    decimal_comma,
    write_csv,
    write_xlsx,
)
from simulator.desk_xapi import LIVE_DEADLINE, LIVE_RETRIES, actors_for, cmd_export, cmd_push, push_call
from simulator.errors import PlateauError
from simulator.formatting import moment, number
from simulator.i18n import detect_lang, t, tn
from simulator.safe import printable

# What other modules and tests import from here.
__all__ = [
    "register", "cmd_results", "cmd_import", "cmd_cohort", "cmd_export", "cmd_push", "cmd_roster", "push_call",
    "WORDS", "say", "DATE_FORMATS", "Kind", "View", "decimal_comma", "calls_view", "criteria_view", "compliance_view",
    "csv_text", "write_csv", "write_xlsx", "actors_for", "LIVE_DEADLINE", "LIVE_RETRIES",
]


# ------------------------------------------------------------------ results


def cmd_results(args) -> int:
    import json

    from simulator.store import Store

    lang = _lang(args)
    filters = _filters(args)
    whole = args.json or args.csv or args.xlsx
    with Store() as store:
        if whole:
            rows = store.sessions(filters)
            total = len(rows)
        else:
            limit = args.limit if args.limit and args.limit > 0 else None
            rows = store.sessions(filters, limit=limit)
            total = store.count(filters) if limit and len(rows) == limit else len(rows)
    comma = decimal_comma(args.decimal, lang)
    if args.json:
        text = json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2) + "\n"
        _emit(text.encode("utf-8"), args.output, lang)
        return EXIT_OK
    if args.csv:
        import io
        buffer = io.BytesIO()
        write_csv(rows, buffer, lang, decimal_comma=comma)
        _emit(buffer.getvalue(), args.output, lang)
        return EXIT_OK
    if args.xlsx:
        import io
        buffer = io.BytesIO()
        write_xlsx(rows, buffer, lang, decimal_comma=comma)
        _emit(buffer.getvalue(), args.xlsx, lang)
        return EXIT_OK
    _print_results(rows, total, lang)
    return EXIT_OK


def _emit(data: bytes, output: str | None, lang: str) -> None:
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise PlateauError(say("cannot_write", lang, path=output, reason=exc.strerror or exc)) from None
        print(say("written", lang, path=output), file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _print_results(rows, total: int, lang: str) -> None:
    from rich.text import Text

    from simulator.formatting import percent
    from simulator.i18n import t
    from simulator.tables import Column, fitted

    console = _console()
    if not rows:
        console.print(say("results.none", lang))
        return
    # A narrow window leaves out the compliance, then the outcome: the verdict already says passed or not.
    columns = [Column(say("col.date", lang), wrap=False), Column(say("col.trainee", lang)),
               Column(say("col.scenario", lang)), Column(say("col.score", lang), "right", wrap=False),
               Column(say("col.result", lang)), Column(say("col.outcome", lang), rank=1),
               Column(say("col.compliance", lang), rank=2)]
    cells = []
    for r in rows:
        if r.status == "abandoned":
            result, style = say("status.abandoned", lang), "yellow"
        else:
            result, style = say("result.passed" if r.passed else "result.failed", lang), "green" if r.passed else "red"
        cells.append([moment(r.started, lang), r.trainee, r.scenario, number(r.overall, lang), Text(result, style=style),
                      t("outcome." + r.outcome, lang) if r.outcome else "",
                      t("compliance." + r.compliance, lang) if r.compliance else ""])
    console.print(fitted(console, columns, cells, show_edge=False, pad_edge=False))
    finished = [r for r in rows if r.status == "finished"]
    passed = sum(r.passed for r in finished)
    share = percent(100 * passed / len(finished) if finished else None, lang)
    mean = sum(r.overall for r in finished) / len(finished) if finished else None
    console.print(say("results.summary", lang, n=len(rows), passed=passed, finished=len(finished), share=share,
                      mean=number(round(mean, 1), lang) if mean is not None else "–"))
    if total > len(rows):
        console.print(say("results.limited", lang, shown=len(rows), total=total))


# ------------------------------------------------------------------ import


def cmd_import(args) -> int:
    import json

    from simulator.importing import import_paths
    from simulator.results import Outcome, explain

    lang = _lang(args)
    items = import_paths(args.paths, scenario_folders=[Path(f) for f in args.scenarios])
    counts = {o: sum(1 for i in items if i.outcome is o) for o in Outcome}
    refused = [i for i in items if i.refusal is not None]
    if args.json:
        print(json.dumps([{"source": i.source, "outcome": i.outcome.value if i.outcome else "refused",
                           "reason": i.refusal.value if i.refusal else None, "detail": i.detail} for i in items],
                         ensure_ascii=False, indent=2))
    else:
        for item in refused:
            print(say("import.refused", lang, source=item.source,
                      reason=explain(item.refusal, item.detail, lang)))
        if not items:
            print(say("import.none", lang))
        else:
            print(say("import.summary", lang, found=len(items), added=counts[Outcome.ADDED], updated=counts[Outcome.UPDATED],
                      duplicate=counts[Outcome.DUPLICATE], refused=len(refused)))
    return EXIT_PROBLEM if refused else EXIT_OK


# ------------------------------------------------------------------ cohort


def cmd_cohort(args) -> int:
    from simulator.cohort import build_cohort, render_html, render_terminal
    from simulator.store import Store

    lang = _lang(args)
    with Store() as store:
        cohort = build_cohort(store, _filters(args), top=args.top)
    render_terminal(cohort, lang, _console())
    if args.html:
        Path(args.html).write_text(render_html(cohort, lang), encoding="utf-8")
        print(say("written", lang, path=args.html))
    return EXIT_OK


# ------------------------------------------------------------------ roster


def cmd_roster(args) -> int:
    lang = _lang(args)
    if args.roster_command == "import":
        return _roster_import(args, lang)
    return _roster_list(args, lang)


def _roster_import(args, lang: str) -> int:
    from simulator.roster import Roster, RosterFileError, load, read_csv, save

    path = Path(args.file)
    if not path.is_file():
        raise PlateauError(say("roster.no_file", lang, path=args.file))
    known = Roster() if args.replace else load()
    try:
        entries, problems = read_csv(path, known=known)
    except RosterFileError as exc:
        raise PlateauError(exc.format(lang)) from None
    for problem in problems:
        print(problem.format(lang), file=sys.stderr)
    if not entries:
        print(say("roster.nothing", lang))
        return EXIT_PROBLEM
    roster, added, updated = known.merged(entries)
    where = save(roster)
    print(say("roster.imported", lang, read=tn("desk.roster.read", len(entries), lang),
              added=tn("desk.roster.added", added, lang), updated=tn("desk.roster.updated", updated, lang),
              refused=tn("desk.roster.refused", len(problems), lang), total=tn("desk.roster.trainees", len(roster), lang),
              path=where))
    return EXIT_PROBLEM if problems else EXIT_OK


def _roster_list(args, lang: str) -> int:
    import json

    from simulator.roster import load, roster_path
    from simulator.store import Store, store_path, trainee_key

    roster = load()
    if args.json:
        print(json.dumps([e.as_dict() for e in roster], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not len(roster):
        print(say("roster.empty", lang))
    else:
        from simulator.tables import Column, fitted
        console = _console()
        columns = [Column(say("col.trainee", lang)), Column(say("col.email", lang), rank=1),
                   Column(say("col.username", lang), rank=2)]
        cells = [[e.name, e.email or "", e.username or ""] for e in roster]
        console.print(fitted(console, columns, cells, show_edge=False, pad_edge=False))
        sys.stdout.flush()
        print(tn("desk.roster.count", len(roster), lang, path=roster_path()))
    if store_path().exists():
        with Store() as store:
            names: dict[str, str] = {}
            for row in store.sessions(criteria=False):
                if roster.get(row.trainee) is None:
                    names.setdefault(trainee_key(row.trainee), " ".join(row.trainee.split()))
        if names:
            print(say("roster.missing", lang, names=", ".join(sorted(names.values(), key=trainee_key))))
    return EXIT_OK


# ------------------------------------------------------------------ registration


def register(add, lang: str) -> None:
    """The desk's commands, their help in `lang`."""
    from simulator.languages import LANGS

    file = t("cli.meta.file", lang)
    p = add("results", t("cli.results", lang),
            "plateau results --trainee 'Amélie Dupont' --since 2026-03-01 --csv -o results.csv", cmd_results)
    _add_filters(p, lang)
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=t("cli.results.json", lang))
    form.add_argument("--csv", action="store_true", help=t("cli.results.csv", lang))
    form.add_argument("--xlsx", metavar=file, help=t("cli.results.xlsx", lang))
    mark = p.add_mutually_exclusive_group()
    mark.add_argument("--decimal", choices=["comma", "point"], help=t("cli.results.decimal", lang))
    mark.add_argument("--decimal-comma", dest="decimal", action="store_const", const="comma",
                      help=t("cli.results.decimal_comma", lang))
    mark.add_argument("--decimal-point", dest="decimal", action="store_const", const="point",
                      help=t("cli.results.decimal_point", lang))
    p.add_argument("-o", "--output", metavar=file, help=t("cli.results.output", lang))
    p.add_argument("--limit", type=int, default=100, metavar="N", help=t("cli.results.limit", lang))

    p = add("import", t("cli.import", lang),
            "plateau import class-march.zip /media/usb/plateau --scenarios my-scenarios", cmd_import)
    p.add_argument("paths", nargs="+", metavar=t("cli.meta.paths", lang), help=t("cli.import.paths", lang))
    p.add_argument("--scenarios", action="append", default=[], metavar=t("cli.meta.folder", lang),
                   help=t("cli.import.scenarios", lang))
    p.add_argument("--json", action="store_true", help=t("cli.import.json", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang_output", lang))

    p = add("cohort", t("cli.cohort", lang), "plateau cohort --since 2026-03-01 --html class-report.html --lang fr",
            cmd_cohort)
    _add_filters(p, lang, outcome=False)
    p.add_argument("-o", "--html", metavar=file, dest="html", help=t("cli.cohort.html", lang))
    p.add_argument("--top", type=int, default=10, metavar="N", help=t("cli.cohort.top", lang))

    p = add("export", t("cli.export", lang), "plateau export --xapi statements.json --since 2026-03-01", cmd_export)
    p.add_argument("--xapi", required=True, metavar=file, help=t("cli.export.xapi", lang))
    _add_xapi(p, lang)

    p = add("push", t("cli.push", lang), "plateau push --lrs https://lrs.example.org/xAPI/ --user centre", cmd_push)
    p.add_argument("--lrs", metavar="URL", help=t("cli.push.lrs", lang))
    p.add_argument("--user", metavar=t("cli.meta.name", lang), help=t("cli.push.user", lang))
    p.add_argument("--password", metavar=t("cli.meta.secret", lang), help=t("cli.push.password", lang))
    p.add_argument("--all", action="store_true", help=t("cli.push.all", lang))
    p.add_argument("--batch", type=_batch, default=50, metavar="N", help=t("cli.push.batch", lang))
    p.add_argument("--retries", type=_retries, default=4, metavar="N", help=t("cli.push.retries", lang))
    p.add_argument("--wait", type=_wait, default=1.0, metavar=t("cli.meta.seconds", lang), help=t("cli.push.wait", lang))
    p.add_argument("--deadline", type=_deadline, default=300.0, metavar=t("cli.meta.seconds", lang),
                   help=t("cli.push.deadline", lang))
    _add_xapi(p, lang)

    p = add("roster", t("cli.roster", lang), "plateau roster import class-mons.csv --lang fr", cmd_roster)
    p.add_argument("--json", action="store_true", help=t("cli.roster.json", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang_output", lang))
    sub = p.add_subparsers(dest="roster_command", metavar="IMPORT", parser_class=type(p))
    q = sub.add_parser("import", lang=lang, help=t("cli.roster.import", lang),
                       description=t("cli.roster.import.description", lang),
                       epilog=t("cli.example", lang) + "\n  plateau roster import class-mons.csv")
    q.add_argument("file", metavar=t("cli.meta.csv", lang), help=t("cli.roster.import.file", lang))
    q.add_argument("--replace", action="store_true", help=t("cli.roster.import.replace", lang))
    q.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=t("cli.arg.lang_output", lang))


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _retries(text: str) -> int:
    if not text.strip().isdecimal():
        raise argparse.ArgumentTypeError(t("cli.err.retries", detect_lang(), text=printable(text)))
    return int(text)


def _batch(text: str) -> int:
    if not text.strip().isdecimal() or not 1 <= int(text) <= 500:
        raise argparse.ArgumentTypeError(t("cli.err.batch", detect_lang(), text=printable(text)))
    return int(text)


def _wait(text: str) -> float:
    value = _number(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(t("cli.err.wait", detect_lang(), text=printable(text)))
    return value


def _deadline(text: str) -> float:
    value = _number(text)
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError(t("cli.err.deadline", detect_lang(), text=printable(text)))
    return value


def _add_xapi(p, lang: str) -> None:
    _add_filters(p, lang)
    p.add_argument("--actor", choices=["pseudonym", "email", "account"], help=t("cli.xapi.actor", lang))
    p.add_argument("--homepage", metavar="URL", help=t("cli.xapi.homepage", lang))
    p.add_argument("--class", dest="class_name", metavar=t("cli.meta.name", lang), help=t("cli.xapi.class", lang))
    p.add_argument("--real-names", action="store_true", help=t("cli.xapi.real_names", lang))
    p.add_argument("--site", metavar="URL", help=t("cli.xapi.site", lang))

"""The `plateau` command: its parser, the dispatch to each subcommand, and the commands that read the
catalogue and saved calls (list, sessions, score, report).

Each subcommand parses its arguments, calls the library, and turns a domain error into a clean message
and exit code: 0 ok, 1 a problem in a file, 2 usage. Playing calls (play, resume, assess) is in
simulator.cli_play, what the commands share in simulator.cli_common; both are re-exported here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from datetime import datetime
from pathlib import Path

from simulator import __version__
from simulator.cli_common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    _console,
    _err,
    new_session_id,
)
from simulator.cli_parser import Parser, early_lang
from simulator.cli_play import (
    NoTrainee,
    cmd_assess,
    cmd_play,
    cmd_resume,
    push_live,
    record_transcript,
    render_profile,
    run_assessment,
)
from simulator.errors import PlateauError, ScenarioError, display_path
from simulator.i18n import choose_lang, detect_lang, t, tn
from simulator.languages import LANGS

# What other modules and tests import from here.
__all__ = [
    "EXIT_OK", "EXIT_PROBLEM", "EXIT_USAGE", "EXIT_INTERRUPTED", "EXTENSIONS", "main", "build_parser",
    "cmd_list", "cmd_play", "cmd_resume", "cmd_assess", "cmd_sessions", "cmd_score", "cmd_report",
    "run_assessment", "render_profile", "record_transcript", "push_live", "NoTrainee", "new_session_id",
]

# Modules that add subcommands: each has register(add, lang), where add(name, help, example, func) returns the
# subparser to which the command adds its arguments; `lang` is the language of the help texts it gives.
EXTENSIONS = ("simulator.author_cli", "simulator.desk_cli", "simulator.handin")


# ------------------------------------------------------------------ list


def cmd_list(args) -> int:
    from simulator.catalog import bundled_scenarios, library
    from simulator.loader import load_scenario

    lang = detect_lang(args.lang)
    if not bundled_scenarios():
        # An install without its calls (a broken package) must not look like an empty catalogue.
        from simulator.catalog import SCENARIOS
        _err(t("err.no_bundled", lang, path=str(SCENARIOS)))
        return EXIT_PROBLEM
    lib = library()
    rows, problems = [], []
    for path in bundled_scenarios():
        try:
            s = load_scenario(path, lib.rubrics, lib.directory)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        rows.append({"id": s.id, "title": s.title.render_all(), "languages": list(s.languages),
                     "difficulty": s.difficulty, "minutes": s.minutes, "rubric": s.rubric_id,
                     "cases": len(s.cases), "summary": s.summary.render_all()})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from rich.table import Table
        from rich.text import Text

        console = _console()
        if console.width < 72:  # a narrow window: one line per call, the id first, nothing cut
            for r in rows:
                console.print(f"{r['id']}  {'★' * r['difficulty']}  {r['minutes']} min  {' '.join(r['languages'])}",
                              markup=False, soft_wrap=True)
                console.print("  " + r["title"][lang], markup=False)
            return EXIT_PROBLEM if problems else EXIT_OK
        table = Table(show_lines=False)
        table.add_column(t("col.id", lang), no_wrap=True)  # typed by the trainee: never cut
        table.add_column(t("col.title", lang), ratio=1, min_width=16)
        table.add_column(t("col.difficulty", lang), no_wrap=True)
        table.add_column(t("col.minutes", lang), no_wrap=True, justify="right")
        table.add_column(t("col.languages", lang), no_wrap=True)
        for r in rows:
            table.add_row(r["id"], Text(r["title"][lang]), "★" * r["difficulty"], str(r["minutes"]), " ".join(r["languages"]))
        console.print(table)
    for p in problems:
        print(p.format(), file=sys.stderr)
    return EXIT_PROBLEM if problems else EXIT_OK


def cmd_sessions(args) -> int:
    from simulator.sessions import list_sessions

    saved = list_sessions()
    if args.json:
        print(json.dumps([{"id": s.id, "scenario": s.scenario, "trainee": s.trainee, "started": s.started,
                           "turns": s.turns, "ended": s.ended, "ending": s.ending, "path": str(s.path)} for s in saved],
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.text import Text

    from simulator.formatting import moment
    from simulator.tables import Column, fitted
    lang = detect_lang(args.lang)
    # The id is typed to resume or score a call: never cut, never left out; the start time gives way first.
    columns = [Column(t("col.id", lang), wrap=False), Column(t("col.scenario", lang)),
               Column(t("col.trainee", lang)), Column(t("col.started", lang), wrap=False, rank=1),
               Column(t("col.actions", lang), "right", rank=2), Column(t("col.state", lang))]
    rows = [[s.id, s.scenario, Text(s.trainee), moment(s.started, lang), str(s.turns),
             t("outcome." + s.outcome, lang) if s.outcome else s.ending or t("state.unfinished", lang)] for s in saved]
    console = _console()
    console.print(fitted(console, columns, rows))
    return EXIT_OK


# ------------------------------------------------------------------ score and report


def _load_scored(transcript_path: str, folders=()):
    """The transcript (a file, or a session id as 'plateau sessions' shows it), the scenario it was played on
    (found as the import finds it: its own file, a bundled one, or one in `folders`), and its Score."""
    from simulator.i18n import detect_lang
    from simulator.importing import ScenarioFinder
    from simulator.results import Refusal, Refused, explain, rescore
    from simulator.sessions import find_session
    from simulator.transcript import TranscriptMismatch, read_transcript

    if not Path(transcript_path).is_file() and not transcript_path.endswith(".jsonl"):
        transcript_path = str(find_session(transcript_path).path)
    transcript = read_transcript(transcript_path)
    for warning in transcript.warnings:
        _err(warning)
    if transcript.tampered:
        raise PlateauError(f"{display_path(transcript_path)} has been edited after it was recorded (its checksums do not match); "
                           "it cannot be scored.")
    try:
        scenario, lib = ScenarioFinder([Path(f) for f in folders]).find(transcript.header)
        return transcript, scenario, rescore(transcript, scenario, lib)[2]
    except Refused as exc:
        said = f"{display_path(transcript_path)}: {explain(exc.reason, exc.detail, detect_lang())}"
        raise (TranscriptMismatch(said) if exc.reason is Refusal.OTHER_VERSION else PlateauError(said)) from None


def cmd_score(args) -> int:
    from simulator.report import Debrief, render_terminal

    transcript, scenario, score = _load_scored(args.transcript, args.scenarios)
    if args.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=2))
    else:
        lang = detect_lang(args.lang or transcript.header.get("lang"))
        console = _console(plain=args.plain)
        if score.ending is None:
            console.print(tn("score.unfinished", len(transcript.turns), lang), style="bold yellow", markup=False,
                          soft_wrap=True)
        render_terminal(Debrief(lang, scenario, score, transcript.header.get("trainee", ""),
                                transcript.header.get("started", "")), console, plain=args.plain)
    return EXIT_OK


def cmd_report(args) -> int:
    from simulator.report import Debrief, render_html, render_markdown

    transcript, scenario, score = _load_scored(args.transcript, args.scenarios)
    lang = detect_lang(args.lang or transcript.header.get("lang"))
    debrief = Debrief(lang, scenario, score, transcript.header.get("trainee", ""), transcript.header.get("started", ""))
    text = render_html(debrief) if args.format == "html" else render_markdown(debrief)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise PlateauError(t("err.cannot_write", lang, path=display_path(args.output), reason=exc.strerror or exc)) from None
        print(display_path(args.output))
    else:
        sys.stdout.write(text)
    return EXIT_OK


# ------------------------------------------------------------------ parser


def _factor(text: str) -> float:
    """A time factor for a class: 0.5 (half the time) to 3 (three times as long)."""
    lang = detect_lang()
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.err.factor_number", lang, text=text)) from None
    if not 0.5 <= value <= 3:
        raise argparse.ArgumentTypeError(t("cli.err.factor_range", lang, text=text))
    return value


def _seed(text: str) -> int:
    """--seed: a whole number in the range `order.new_seed` draws from."""
    from simulator.order import SEED_MAX
    if not text.isdigit() or not 1 <= int(text) <= SEED_MAX:
        raise argparse.ArgumentTypeError(t("cli.err.seed", detect_lang(), max=SEED_MAX, text=text))
    return int(text)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, its help and its errors in `lang` (default: the interface language)."""
    lang = detect_lang(lang)
    parser = Parser(prog="plateau", lang=lang, description=t("cli.plateau", lang),
                    epilog=t("cli.example", lang) + "\n  plateau play dour-festival --lang fr")
    parser.add_argument("--version", action="version", version=f"plateau {__version__}", help=t("cli.version", lang))
    sub = parser.add_subparsers(dest="command", metavar=t("cli.meta.command", lang))

    def add(name, help_, example, func):
        p = sub.add_parser(name, lang=lang, help=help_, description=help_,
                           epilog=t("cli.example", lang) + "\n  " + example)
        p.set_defaults(func=func)
        return p

    file, name = t("cli.meta.file", lang), t("cli.meta.name", lang)
    p = add("list", t("cli.list", lang), "plateau list --json", cmd_list)
    p.add_argument("--json", action="store_true", help=t("cli.list.json", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang", lang))

    p = add("play", t("cli.play", lang), "plateau play dour-festival --lang fr", cmd_play)
    p.add_argument("scenario", metavar=t("cli.meta.scenario", lang), help=t("cli.play.scenario", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.play.lang", lang))
    p.add_argument("--answers", metavar=file, help=t("cli.play.answers", lang))
    p.add_argument("--transcript", metavar=file, help=t("cli.play.transcript", lang))
    p.add_argument("--json", action="store_true", help=t("cli.play.json", lang))
    p.add_argument("--trainee", metavar=name, help=t("cli.play.trainee", lang))
    p.add_argument("--timed", action="store_true", help=t("cli.play.timed", lang))
    p.add_argument("--time-factor", type=_factor, default=1.0, metavar="F", help=t("cli.play.time_factor", lang))
    p.add_argument("--plain", action="store_true", help=t("cli.play.plain", lang))
    p.add_argument("--free", action="store_true", help=t("cli.play.free", lang))
    p.add_argument("--seed", type=_seed, metavar="N", help=t("cli.play.seed", lang))
    p.add_argument("--variant", action="append", metavar="NAME=VALUE", help=t("cli.play.variant", lang))
    p.add_argument("--lrs", metavar="URL", help=t("cli.play.lrs", lang))

    p = add("resume", t("cli.resume", lang), "plateau resume", cmd_resume)
    p.add_argument("session", nargs="?", metavar=t("cli.meta.session", lang), help=t("cli.resume.session", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.resume.lang", lang))
    p.add_argument("--timed", action="store_true", help=t("cli.resume.timed", lang))
    p.add_argument("--time-factor", type=_factor, default=1.0, metavar="F", help=t("cli.resume.time_factor", lang))
    p.add_argument("--plain", action="store_true", help=t("cli.arg.plain", lang))
    p.add_argument("--free", action="store_true", help=t("cli.resume.free", lang))

    p = add("assess", t("cli.assess", lang), "plateau assess --lang fr", cmd_assess)
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang", lang))
    p.add_argument("--trainee", metavar=name, help=t("cli.assess.trainee", lang))
    p.add_argument("--plain", action="store_true", help=t("cli.arg.plain", lang))
    p.add_argument("--seed", type=_seed, metavar="N", help=t("cli.assess.seed", lang))

    p = add("sessions", t("cli.sessions", lang), "plateau sessions --json", cmd_sessions)
    p.add_argument("--json", action="store_true", help=t("cli.arg.json", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang", lang))

    p = add("score", t("cli.score", lang), "plateau score session.jsonl --json", cmd_score)
    p.add_argument("transcript", metavar=t("cli.meta.transcript", lang), help=t("cli.arg.transcript", lang))
    p.add_argument("--json", action="store_true", help=t("cli.score.json", lang))
    p.add_argument("--plain", action="store_true", help=t("cli.score.plain", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang_debrief", lang))
    p.add_argument("--scenarios", action="append", default=[], metavar=t("cli.meta.folder", lang),
                   help=t("cli.import.scenarios", lang))

    p = add("report", t("cli.report", lang), "plateau report session.jsonl --format html -o debrief.html", cmd_report)
    p.add_argument("transcript", metavar=t("cli.meta.transcript", lang), help=t("cli.arg.transcript", lang))
    p.add_argument("--format", choices=["md", "html"], default="md")
    p.add_argument("-o", "--output", metavar=file, help=t("cli.report.output", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.arg.lang_debrief", lang))
    p.add_argument("--scenarios", action="append", default=[], metavar=t("cli.meta.folder", lang),
                   help=t("cli.import.scenarios", lang))

    for extension in EXTENSIONS:
        importlib.import_module(extension).register(add, lang)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    choose_lang(early_lang(argv))  # before the parser is built: its help and its errors speak the --lang given
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and (not hasattr(args, "sentence") or any(word.startswith("-") for word in extra)):
        parser.error(t("cli.err.unrecognized", detect_lang(), words=" ".join(extra)))
    if extra:  # 'plateau understand S --node N "typed words"': the words after the options are the sentence
        args.sentence = [*args.sentence, *extra]
    choose_lang(getattr(args, "lang", None))
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return EXIT_PROBLEM
    except PlateauError as exc:
        _err(str(exc))
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug of ours: say so plainly, keep the details for the developers
        return _crash_report()


def _crash_report() -> int:
    import traceback

    from simulator.catalog import home

    detail = traceback.format_exc()
    try:
        logs = home() / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"crash-{datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
        log.write_text(detail, encoding="utf-8")
        where = t("err.crash_log", detect_lang(), path=log)
    except OSError:
        where = ""
    _err(t("err.crash", detect_lang()) + where)
    return 70

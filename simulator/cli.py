"""The `plateau` command. Each subcommand parses its arguments, calls the library, and turns a
domain error into a clean message and exit code: 0 ok, 1 a problem in a file, 2 usage."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from simulator import __version__
from simulator.errors import PlateauError, Problem, ScenarioError, display_path

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

# Modules that add subcommands: each has register(add), where add(name, help, example, func)
# returns the subparser to which the command adds its arguments.
EXTENSIONS = ("simulator.author_cli", "simulator.desk_cli", "simulator.handin")


def _console(*, plain: bool = False, **kwargs):
    """The terminal. Plain mode writes no escape codes at all (screen readers, logs)."""
    from rich.console import Console
    if plain:
        kwargs.update(color_system=None, emoji=False)
    return Console(highlight=False, markup=False, **kwargs)  # texts come from people: '[/b]' stays text


def _next_words(session, lang: str) -> str:
    """What the call waits for after an answers file stops early, in the interface language only."""
    from simulator.engine import Status
    from simulator.i18n import kind_label, t
    st = session.state
    if st.status is Status.AWAITING_INPUT:
        return t("answers.next_input", lang, field=st.pending["field"])
    if st.status is Status.AWAITING_PROVIDER:
        return t("answers.next_provider", lang, kind=kind_label(st.pending["kind"], lang))
    return t("answers.next_choice", lang, ids=", ".join(o.id for o in session.options()))


def _factor(text: str) -> float:
    """A time factor for a class: 0.5 (half the time) to 3 (three times as long)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number: write 1.5 for half as much time again.") from None
    if not 0.5 <= value <= 3:
        raise argparse.ArgumentTypeError(f"{text} is outside 0.5 to 3: 1 is the normal time, 1.5 half as much again.")
    return value


def new_session_id() -> str:
    """Twelve random hexadecimal digits (os.urandom: the uuid module costs start-up time)."""
    return os.urandom(6).hex()


def _err(message: str) -> None:
    from simulator.i18n import detect_lang, t
    print(t("err.prefix", detect_lang()) + message, file=sys.stderr)


# ------------------------------------------------------------------ list


def cmd_list(args) -> int:
    from simulator.catalog import bundled_scenarios, library
    from simulator.i18n import detect_lang
    from simulator.loader import load_scenario

    lang = detect_lang(args.lang)
    if not bundled_scenarios():
        # An install without its calls (a broken package) must not look like an empty catalogue.
        from simulator.catalog import SCENARIOS
        from simulator.i18n import t
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

        from simulator.i18n import t
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


# ------------------------------------------------------------------ play


def _transcript_path(scenario_id: str, session_id: str) -> Path:
    from simulator.catalog import home
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return home() / "sessions" / f"{stamp}-{scenario_id}-{session_id}.jsonl"


def _asker(args):
    from simulator.player import PlainAsker, PromptAsker
    return PlainAsker().ask if args.plain else PromptAsker().ask


class NoTrainee(PlateauError):
    """The trainee gave no name at the prompt: the call is not started."""


def _trainee(args, lang: str, interactive: bool) -> str:
    """--trainee, else the remembered name, else (first interactive use) ask once and remember it. A call played
    with no one to ask (an answers file, a pipe) and no name known belongs to the computer's user account: a
    call is never anonymous."""
    import getpass

    from simulator.i18n import t
    from simulator.sessions import remember_trainee, remembered_trainee

    name = (args.trainee or "").strip() or remembered_trainee()
    if not name and interactive:
        # A call always belongs to someone: ask again on an empty answer; Ctrl-C or Ctrl-D play nothing.
        while not name:
            try:
                name = input(t("ask.trainee", lang) + " ").strip()
            except (EOFError, KeyboardInterrupt):
                print()
                raise NoTrainee(t("err.no_trainee", lang)) from None
    elif name and not args.trainee and interactive:  # a name remembered on this computer: say whose calls these are
        print(t("playing_as", lang, name=name))
    if name and name != remembered_trainee() and (args.trainee or interactive):
        remember_trainee(name)
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no account name to be had (some containers): still a name
            name = "?"
    return name


def cmd_play(args) -> int:
    from simulator.answers import load_answers
    from simulator.catalog import open_scenario
    from simulator.engine import Session
    from simulator.i18n import detect_lang, t
    from simulator.order import new_seed
    from simulator.player import now_iso
    from simulator.transcript import TranscriptWriter

    scenario, lib = open_scenario(args.scenario)
    lang = detect_lang(args.lang)
    answers = load_answers(args.answers) if args.answers else []
    interactive = not answers and sys.stdin.isatty()
    trainee = _trainee(args, lang, interactive)
    while True:
        session_id = new_session_id()
        path = Path(args.transcript) if args.transcript else _transcript_path(scenario.id, session_id)
        if path.exists():
            raise PlateauError(t("err.transcript_exists", lang, path=display_path(path)))
        args.transcript = None  # a second call ('play again') gets a name of its own
        header = {"session": session_id, "scenario": scenario.id, "scenario_version": scenario.version,
                  "content_hash": scenario.content_hash, "scenario_file": str(Path(scenario.source).resolve()),
                  "rubric": scenario.rubric_id, "trainee": trainee, "lang": lang,
                  # How the call was played: results, the class report and xAPI tell a scripted call from a real one.
                  "mode": "answers" if answers else "timed" if args.timed else "practice", "started": now_iso(),
                  **({"free": True} if args.free else {}),  # answers typed in the trainee's own words
                  "plateau": __version__,
                  "seed": args.seed if args.seed is not None else new_seed()}  # a replay draws a new order
        writer = TranscriptWriter(path, header)
        code, again = _run_call(args, scenario, lib, Session(scenario, lib.directory), writer, header, lang, answers)
        if not again:
            return code
        answers = []


def cmd_resume(args) -> int:
    from simulator.sessions import find_session
    from simulator.transcript import TranscriptLock

    saved = find_session(args.session)
    lock = TranscriptLock(saved.path).acquire()  # before reading: another window may be writing it
    try:
        return _resume(args, saved, lock)
    finally:
        lock.release()


def _resume(args, saved, lock) -> int:
    from simulator.catalog import open_scenario
    from simulator.i18n import detect_lang, local_time, t
    from simulator.store import Store
    from simulator.transcript import TranscriptWriter, read_transcript, replay, rewrite_whole

    transcript = read_transcript(saved.path)
    header = transcript.header
    lang = detect_lang(args.lang or header.get("lang"))
    for warning in transcript.warnings:
        _err(warning)
    if transcript.tampered:
        raise PlateauError(t("err.edited", lang, path=display_path(saved.path)))
    with Store() as store:
        ended = store.finished(str(header.get("session")))
    if ended is not None and not _ended(transcript):
        # The results hold this call as finished, and its file has lost its end: cut back, it cannot be played on.
        raise PlateauError(t("err.recorded_finished", lang, session=saved.id, ended=local_time(ended, lang)))
    source = header.get("scenario_file")
    scenario, lib = open_scenario(source if source and Path(source).is_file() else header["scenario"])
    session = replay(scenario, lib.directory, transcript)
    if session.ended:
        record_transcript(saved.path)  # a call killed as it ended may have missed the results: recorded now
        _err(t("ended_already", lang, session=saved.id))
        return EXIT_OK
    if transcript.warnings:
        # Without the torn line, so the chain stays whole: a new file renamed over the old one, never in place.
        rewrite_whole(saved.path, header, transcript.turns)
    writer = TranscriptWriter(saved.path, last_hash=transcript.last_hash, turns=len(transcript.turns), lock=lock)
    args.timed = args.timed or header.get("mode") == "timed"
    args.free = args.free or bool(header.get("free"))
    from simulator.player import Player
    from simulator.transcript import display_seed

    console = _console(plain=args.plain)
    console.print(t("resumed", lang, turns=len(transcript.turns)))
    if display_seed(header) is None:  # recorded before the options were shuffled: the numbers it showed stay
        console.print(t("order.file_order", lang))
    recap = Player(session, lib, None, lang=lang, console=console, seed=display_seed(header))
    for turn in transcript.turns[-3:]:  # the last exchanges, to pick up the thread
        for event in turn["events"]:
            if event["type"] in ("said", "chose"):
                recap.draw_event(event)
    code, _ = _run_call(args, scenario, lib, session, writer, header, lang, [], console=console, offer_replay=False)
    return code


def _ended(transcript) -> bool:
    """The transcript's own record says the call ended (its last events hold the end)."""
    return any(e.get("type") == "session_ended" for turn in transcript.turns[-1:] for e in turn["events"])


def _run_call(args, scenario, lib, session, writer, header, lang, answers, console=None, offer_replay=True):
    """Play (scripted answers first, then interactively), save, debrief. Returns (exit code, replay?)."""
    from simulator.engine import IllegalAction, Status, final_summary
    from simulator.i18n import num, t
    from simulator.order import NotShown, resolve_number
    from simulator.player import Player, Quit
    from simulator.transcript import display_seed
    # The results store, scoring and report are imported when the call ends, not before its first prompt.

    json_out = getattr(args, "json", False)
    console = console or _console(quiet=json_out, plain=args.plain)
    seed = display_seed(header)
    player = Player(session, lib, writer, lang=lang, console=console, seed=seed, ask=_asker(args), timed=args.timed,
                    plain=args.plain, time_factor=getattr(args, "time_factor", 1.0), free=getattr(args, "free", False))
    path = writer.path
    try:
        if answers:
            answers_name = display_path(args.answers)
            if answers[0][0].get("type") != "start":
                player.start()
            for action, pos in answers:
                if session.ended:
                    break
                try:
                    if action.get("type") == "say":  # a typed sentence: read as the free-text mode reads it
                        from simulator.answers import said_action
                        if session.state.status is not Status.AWAITING_CHOICE:
                            raise IllegalAction("a sentence is said when the call waits for a choice.", session.possible())
                        action = said_action(session, action)
                    player.act(resolve_number(session, seed, action))  # the transcript stores ids, not numbers
                except NotShown as exc:
                    raise ScenarioError([Problem(answers_name, pos.line, pos.column, "A002", str(exc),
                                                 f"Numbers count what is shown on screen, in the order drawn for this "
                                                 f"session (seed {seed}); play the file with the same --seed, or name "
                                                 f"the {exc.what} by its id.")]) from None
                except IllegalAction as exc:
                    raise ScenarioError([Problem(answers_name, pos.line, pos.column, "A002", str(exc),
                                                 "Check the answers against the options offered at that point "
                                                 "('plateau paths' lists valid paths).")]) from None
            if not session.ended and (json_out or not sys.stdin.isatty()):
                if json_out:
                    print(json.dumps(final_summary(session), ensure_ascii=False, indent=2))
                _err(t("answers.short", lang) + " " + _next_words(session, lang))
                return EXIT_PROBLEM, False
        player.run()
    except Quit:
        writer.close()
        record_transcript(path, abandoned=True)
        push_live(args, header, lang)
        console.print(t("saved_at", lang, path=display_path(path)), soft_wrap=True)  # a path to copy: never cut
        console.print(t("resume_hint", lang))
        return EXIT_OK, False
    except (KeyboardInterrupt, EOFError):
        writer.close()
        record_transcript(path, abandoned=True)
        push_live(args, header, lang)
        console.print()
        console.print(t("saved_at", lang, path=display_path(path)), soft_wrap=True)  # a path to copy: never cut
        console.print(t("resume_hint", lang))
        return EXIT_INTERRUPTED, False
    finally:
        writer.close()
    from simulator.report import Debrief, render_terminal
    from simulator.scoring import score_actions

    record_transcript(path)
    push_live(args, header, lang)
    score = score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, writer_actions(path))
    summary = final_summary(session)
    summary["transcript"] = str(path)
    summary["score"] = {"overall": score.overall, "passed": score.passed}
    if json_out:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK, False
    render_terminal(Debrief(lang, scenario, score, header.get("trainee", ""), header.get("started", "")), console,
                    plain=args.plain)
    if player.decisions:  # timed mode: the time each decision took against its limit
        console.print(t("timed.title", lang), style="bold underline")
        for d in player.decisions:
            late = t("timed.ran_out", lang) if d["took"] >= d["limit"] else ""
            console.print(t("timed.line", lang, n=d["decision"], took=num(round(d["took"]), lang), limit=d["limit"]) + late)
    console.print(t("saved_at", lang, path=display_path(path)), soft_wrap=True)  # a path to copy: never cut
    if offer_replay and not answers and sys.stdin.isatty():
        return EXIT_OK, _after_debrief(player, scenario, lib, lang, console)
    return EXIT_OK, False


def _after_debrief(player, scenario, lib, lang, console) -> bool:
    """Offer to replay the call or to see the model call. True: play it again."""
    from simulator.i18n import t
    from simulator.player import show_model

    while True:
        try:
            answer = player.ask(player_ask(t("ask.replay", lang))).strip().lower()
        except (KeyboardInterrupt, EOFError):
            return False
        if answer in ("m", "model", "modèle", "modele", "model call") and scenario.model:
            show_model(scenario, lib, lang, console)
            continue
        return answer in ("r", "replay", "rejouer", "opnieuw")


def record_transcript(path: Path, *, abandoned: bool = False) -> None:
    from simulator.importing import record_transcript as record
    record(path, abandoned=abandoned)


def push_live(args, header: dict, lang: str) -> None:
    """With an LRS configured (--lrs, or PLATEAU_LRS), send the call just recorded: its `stored` time witnesses it."""
    if getattr(args, "lrs", None) or os.environ.get("PLATEAU_LRS"):
        from simulator.desk_cli import push_call
        push_call(header, getattr(args, "lrs", None), lang)


def writer_actions(path: Path) -> list[dict]:
    from simulator.transcript import read_transcript
    return read_transcript(path).actions


def player_ask(message: str):
    from simulator.player import Ask
    return Ask(message)


def run_assessment(lang: str, console, ask, trainee: str = "", *, seed: int | None) -> tuple[list, dict]:
    """The questionnaire, the two short calls, then the profile. Returns (profile, scores).

    `seed` orders the options of both calls on screen (None: the file's order)."""
    from rich.panel import Panel
    from rich.text import Text

    from simulator.assess import ASSESS_SCENARIOS, QUALITIES, QUESTIONS, measures, profile, tone_decisions, word
    from simulator.catalog import open_scenario
    from simulator.engine import Session
    from simulator.player import Ask, Player, now_iso
    from simulator.scoring import score_actions
    from simulator.transcript import TranscriptWriter, read_transcript

    console.print(Panel(word("intro", lang)))
    answers = {}
    for i, quality in enumerate(QUALITIES, 1):
        console.print(Text(f"{i}. {QUESTIONS[quality][lang]}", style="bold"))
        while True:
            reply = ask(Ask(word("scale", lang), ["1", "2", "3", "4", "5"])).strip()
            if reply in ("1", "2", "3", "4", "5"):
                answers[quality] = int(reply)
                break
            console.print(word("bad_scale", lang))
    scores, decisions = {}, []
    for n, scenario_id in enumerate(ASSESS_SCENARIOS, 1):
        scenario, lib = open_scenario(scenario_id)
        console.rule(word("call", lang, n=n))
        session_id = new_session_id()
        path = _transcript_path(scenario.id, session_id)
        header = {"session": session_id, "scenario": scenario.id, "scenario_version": scenario.version,
                  "content_hash": scenario.content_hash, "scenario_file": str(Path(scenario.source).resolve()),
                  "rubric": scenario.rubric_id, "trainee": trainee, "lang": lang, "mode": "assess",
                  "started": now_iso(), "plateau": __version__, "seed": seed}
        writer = TranscriptWriter(path, header)
        try:
            Player(Session(scenario, lib.directory), lib, writer, lang=lang, console=console, seed=seed, ask=ask).run()
        finally:
            writer.close()
        transcript = read_transcript(path)
        scores[scenario.id] = score_actions(scenario, lib.rubrics[scenario.rubric_id], lib.directory, transcript.actions)
        decisions += tone_decisions(scenario, lib.directory, transcript.actions)
    return profile(answers, measures(scores, decisions)), scores


def render_profile(results, lang: str, console) -> None:
    from rich.table import Table
    from rich.text import Text

    from simulator.assess import ADVICE, NAMES, VERDICTS, word
    from simulator.i18n import t
    from simulator.report import percent

    table = Table(title=word("title", lang))
    for key in ("quality", "believed", "measured", "verdict"):
        table.add_column(word(key, lang))
    for r in results:
        measured = "—" if r.measured is None else percent(r.measured, lang)
        table.add_row(NAMES[r.quality][lang], percent(r.believed, lang), measured, VERDICTS[r.verdict][lang])
    console.print(table)
    console.print(Text(word("advice", lang), style="bold underline"))
    for r in results:
        if r.verdict != "strength":
            console.print(Text.assemble(("• " + NAMES[r.quality][lang] + t("debrief.colon", lang) + " ", "bold"), ADVICE[r.quality][lang]))


def cmd_assess(args) -> int:
    from simulator.assess import word
    from simulator.catalog import home
    from simulator.i18n import detect_lang
    from simulator.order import new_seed
    from simulator.player import Quit
    from simulator.sessions import remembered_trainee

    lang = detect_lang(args.lang)
    console = _console(plain=args.plain)
    try:
        trainee = (args.trainee or "").strip() or remembered_trainee()  # a candidate may stay anonymous
        results, scores = run_assessment(lang, console, _asker(args), trainee,
                                         seed=args.seed if args.seed is not None else new_seed())
    except Quit:
        console.print(word("stopped", lang))
        return EXIT_OK
    except (KeyboardInterrupt, EOFError):
        console.print()
        console.print(word("stopped", lang))
        return EXIT_INTERRUPTED
    render_profile(results, lang, console)
    folder = home() / "assessments"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"profile-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"lang": lang, "profile": [r.__dict__ for r in results],
                               "scores": {k: v.overall for k, v in scores.items()}}, ensure_ascii=False, indent=2),
                   encoding="utf-8")
    console.print(word("saved", lang, path=display_path(out)))
    return EXIT_OK


def cmd_sessions(args) -> int:
    from simulator.sessions import list_sessions

    saved = list_sessions()
    if args.json:
        print(json.dumps([{"id": s.id, "scenario": s.scenario, "trainee": s.trainee, "started": s.started,
                           "turns": s.turns, "ended": s.ended, "ending": s.ending, "path": str(s.path)} for s in saved],
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.text import Text

    from simulator.i18n import detect_lang, local_time, t
    from simulator.tables import Column, fitted
    lang = detect_lang(args.lang)
    # The id is typed to resume or score a call: never cut, never left out; the start time gives way first.
    columns = [Column(t("col.id", lang), wrap=False), Column(t("col.scenario", lang)),
               Column(t("col.trainee", lang)), Column(t("col.started", lang), wrap=False, rank=1),
               Column(t("col.actions", lang), "right", rank=2), Column(t("col.state", lang))]
    rows = [[s.id, s.scenario, Text(s.trainee), local_time(s.started, lang), str(s.turns),
             t("outcome." + s.outcome, lang) if s.outcome else s.ending or t("state.unfinished", lang)] for s in saved]
    console = _console()
    console.print(fitted(console, columns, rows))
    return EXIT_OK


# ------------------------------------------------------------------ score and report


def _load_scored(transcript_path: str):
    """The transcript (a file, or a session id as 'plateau sessions' shows it), its scenario, and its Score."""
    from simulator.catalog import open_scenario
    from simulator.scoring import score_actions
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
    header = transcript.header
    name = header.get("scenario", "")
    source = header.get("scenario_file")
    try:
        scenario, lib = open_scenario(source if source and Path(source).is_file() else name)
    except PlateauError:
        scenario, lib = open_scenario(name)
    if header.get("content_hash") != scenario.content_hash:
        raise TranscriptMismatch(
            f"{display_path(transcript_path)} was recorded with another version of the scenario '{name}' "
            f"(version {header.get('scenario_version')}, the file has changed since); it cannot be scored against this one.")
    rubric = lib.rubrics[scenario.rubric_id]
    return transcript, scenario, score_actions(scenario, rubric, lib.directory, transcript.actions)


def cmd_score(args) -> int:
    from simulator.i18n import detect_lang
    from simulator.report import Debrief, render_terminal

    transcript, scenario, score = _load_scored(args.transcript)
    if args.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=2))
    else:
        from simulator.i18n import t
        lang = detect_lang(args.lang or transcript.header.get("lang"))
        console = _console(plain=args.plain)
        if score.ending is None:
            console.print(t("score.unfinished", lang, turns=len(transcript.turns)), style="bold yellow", markup=False,
                          soft_wrap=True)
        render_terminal(Debrief(lang, scenario, score, transcript.header.get("trainee", ""),
                                transcript.header.get("started", "")), console, plain=args.plain)
    return EXIT_OK


def cmd_report(args) -> int:
    from simulator.i18n import detect_lang
    from simulator.report import Debrief, render_html, render_markdown

    transcript, scenario, score = _load_scored(args.transcript)
    lang = detect_lang(args.lang or transcript.header.get("lang"))
    debrief = Debrief(lang, scenario, score, transcript.header.get("trainee", ""), transcript.header.get("started", ""))
    text = render_html(debrief) if args.format == "html" else render_markdown(debrief)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            from simulator.i18n import t
            raise PlateauError(t("err.cannot_write", lang, path=display_path(args.output), reason=exc.strerror or exc)) from None
        print(display_path(args.output))
    else:
        sys.stdout.write(text)
    return EXIT_OK


# ------------------------------------------------------------------ parser


def _seed(text: str) -> int:
    """--seed: a whole number in the range `order.new_seed` draws from."""
    from simulator.order import SEED_MAX
    if not text.isdigit() or not 1 <= int(text) <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 1 to {SEED_MAX}, not '{text}'")
    return int(text)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: exit 2 with the usage line, never a traceback
        self.print_usage(sys.stderr)
        _err(message)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="plateau", description="Plateau: practise assistance calls and get an explained debrief.",
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="Example:\n  plateau play dour-festival --lang fr")
    parser.add_argument("--version", action="version", version=f"plateau {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name, help_, example, func):
        p = sub.add_parser(name, help=help_, description=help_, epilog=f"Example:\n  {example}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = add("list", "List the bundled scenarios.", "plateau list --json", cmd_list)
    p.add_argument("--json", action="store_true", help="print JSON (id, title, languages, ...)")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="interface language")

    p = add("play", "Take a call: play a scenario interactively or from an answers file.",
            "plateau play dour-festival --lang fr", cmd_play)
    p.add_argument("scenario", help="a bundled scenario id (see 'plateau list') or a path to a YAML file")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="interface language (default: from the system, else English)")
    p.add_argument("--answers", metavar="FILE", help="play the actions in FILE (YAML list, or a transcript .jsonl)")
    p.add_argument("--transcript", metavar="FILE", help="where to write the transcript (default: the data directory)")
    p.add_argument("--json", action="store_true", help="print the final state as JSON (ending, flags, facts, clock)")
    p.add_argument("--trainee", metavar="NAME", help="the trainee's name, kept with the session (remembered)")
    p.add_argument("--timed", action="store_true", help="timed mode: each decision has the time to read what is on "
                                                         "screen and think; silence when it runs out")
    p.add_argument("--time-factor", type=_factor, default=1.0, metavar="F",
                   help="timed mode: more (1.5) or less (0.8) time per decision, for a class (default 1)")
    p.add_argument("--plain", action="store_true", help="plain text, no colours or redraws (screen readers, logs)")
    p.add_argument("--free", action="store_true",
                   help="type what you would say in your own words, in the caller's language; '?' shows the options")
    p.add_argument("--seed", type=_seed, metavar="N",
                   help="the order the options are shown in (default: a new one for each call); an answers file that "
                        "names options by number ('- 2') is played with the seed it was written for")
    p.add_argument("--lrs", metavar="URL", help="send each call to this LRS as it ends (default: PLATEAU_LRS; user "
                                                "and password from PLATEAU_LRS_USER and PLATEAU_LRS_PASSWORD)")

    p = add("resume", "Continue a call that was interrupted, exactly where it stopped.", "plateau resume", cmd_resume)
    p.add_argument("session", nargs="?", help="a session id or transcript file (default: the latest unfinished one)")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="interface language (default: the call's)")
    p.add_argument("--timed", action="store_true", help="timed mode")
    p.add_argument("--time-factor", type=_factor, default=1.0, metavar="F", help="timed mode: more or less time per decision")
    p.add_argument("--plain", action="store_true", help="plain text, no colours or redraws")
    p.add_argument("--free", action="store_true", help="free-text answers (a call begun with --free goes on with them)")

    p = add("assess", "Does the job suit you? Six questions, two short calls, then your profile.",
            "plateau assess --lang fr", cmd_assess)
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="interface language")
    p.add_argument("--trainee", metavar="NAME", help="your name (optional)")
    p.add_argument("--plain", action="store_true", help="plain text, no colours or redraws")
    p.add_argument("--seed", type=_seed, metavar="N", help="the order the options of both calls are shown in "
                                                           "(default: a new one each time)")

    p = add("sessions", "List the saved calls in the data directory.", "plateau sessions --json", cmd_sessions)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="interface language")

    p = add("score", "Score a saved call and show its debrief.", "plateau score session.jsonl --json", cmd_score)
    p.add_argument("transcript", help="a transcript (.jsonl) written by 'plateau play'")
    p.add_argument("--json", action="store_true", help="print the score as JSON (overall, passed, criteria...)")
    p.add_argument("--plain", action="store_true", help="plain text, no colours or boxes (screen readers, logs)")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="language of the debrief (default: the call's)")

    p = add("report", "Write the debrief of a saved call as Markdown or HTML (prints on A4).",
            "plateau report session.jsonl --format html -o debrief.html", cmd_report)
    p.add_argument("transcript", help="a transcript (.jsonl) written by 'plateau play'")
    p.add_argument("--format", choices=["md", "html"], default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the screen")
    p.add_argument("--lang", choices=["fr", "nl", "en"], help="language of the debrief (default: the call's)")

    for extension in EXTENSIONS:
        importlib.import_module(extension).register(add)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and (not hasattr(args, "sentence") or any(word.startswith("-") for word in extra)):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:  # 'plateau understand S --node N "typed words"': the words after the options are the sentence
        args.sentence = [*args.sentence, *extra]
    from simulator.i18n import choose_lang
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
    from simulator.i18n import detect_lang, t

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

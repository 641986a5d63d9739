"""Playing calls: `plateau play`, `plateau resume` and `plateau assess`.

A call is played from an answers file first, then interactively; it is saved as it goes, recorded in the
results and, with an LRS configured, sent there when it ends; the debrief follows. The heavy modules
(engine, player, scoring, report) are imported inside the functions, when a call starts or ends.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from simulator import __version__
from simulator.cli_common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEM,
    _asker,
    _console,
    _err,
    _transcript_path,
    new_session_id,
)
from simulator.errors import PlateauError, Problem, ScenarioError, display_path


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
    from simulator.formatting import moment
    from simulator.i18n import detect_lang, t, tn
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
        raise PlateauError(t("err.recorded_finished", lang, session=saved.id, ended=moment(ended, lang)))
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
    console.print(tn("resumed", len(transcript.turns), lang))
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


def _variants(args, scenario, seed, lang, *, scripted: bool) -> dict[str, str] | None:
    """The scenario's variants for this call: those asked with --variant NAME=VALUE, the others drawn from the
    seed; an answers file plays the first of each unless asked (it was written for them)."""
    from simulator.i18n import t
    from simulator.order import draw_variants, variant_dimensions
    dimensions = variant_dimensions(scenario)
    choices = "; ".join(f"{d}={'|'.join(values)}" for d, values in dimensions.items()) or "-"
    asked = {}
    for given in getattr(args, "variant", None) or ():
        name, _, value = given.partition("=")
        if value not in dimensions.get(name.strip(), []):
            raise PlateauError(t("err.variant", lang, given=given, choices=choices))
        asked[name.strip()] = value
    if not dimensions:
        return None
    return (asked or None) if scripted else draw_variants(scenario, seed if seed is not None else 0, asked)


def _run_call(args, scenario, lib, session, writer, header, lang, answers, console=None, offer_replay=True):
    """Play (scripted answers first, then interactively), save, debrief. Returns (exit code, replay?)."""
    from simulator.engine import IllegalAction, Status, final_summary
    from simulator.formatting import number
    from simulator.i18n import t
    from simulator.order import NotShown, resolve_number
    from simulator.player import Player, Quit
    from simulator.transcript import display_seed
    # The results store, scoring and report are imported when the call ends, not before its first prompt.

    json_out = getattr(args, "json", False)
    console = console or _console(quiet=json_out, plain=args.plain)
    seed = display_seed(header)
    player = Player(session, lib, writer, lang=lang, console=console, seed=seed, ask=_asker(args), timed=args.timed,
                    plain=args.plain, time_factor=getattr(args, "time_factor", 1.0), free=getattr(args, "free", False),
                    variants=_variants(args, scenario, seed, lang, scripted=bool(answers)))
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
    from simulator.importing import finish_call
    from simulator.report import Debrief, render_terminal
    from simulator.scoring import score_actions

    # Read once, replayed once: the same score goes to the results and to the debrief.
    score = finish_call(path, scenario, lib)
    push_live(args, header, lang)
    if score is None:  # a transcript that cannot be replayed was said on stderr; the call as played is scored
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
            console.print(t("timed.line", lang, n=d["decision"], took=number(round(d["took"]), lang), limit=d["limit"]) + late)
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
        from simulator.desk_xapi import push_call
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
    from simulator.formatting import percent
    from simulator.i18n import t

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

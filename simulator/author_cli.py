"""Subcommands for instructors who write scenarios: lint, paths, graph, schema, new, understand.

Each parses its arguments, calls one library function (lint, explore, graph, schema,
scaffold) and prints the result; the formats live here, the checks do not.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from simulator.cli_common import EXIT_OK, EXIT_PROBLEM
from simulator.errors import PlateauError, Problem, display_path

LINT_STATES = 20_000  # simulator.lint.LINT_STATES, repeated here so that '--help' does not import the linter

# ------------------------------------------------------------------ lint


GITHUB_LEVELS = {"error": "error", "warning": "warning", "note": "notice"}


def format_text(p: Problem) -> str:
    return p.format()


def _github_data(text: str) -> str:
    from simulator.safe import printable
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _github_property(text: str) -> str:
    """A property value of a workflow command: ':' and ',' would end it, as a line break would end the command."""
    return _github_data(str(text)).replace(":", "%3A").replace(",", "%2C")


def format_github(p: Problem) -> str:
    """A GitHub Actions annotation: shown on the line in a pull request."""
    text = f"{p.code} {p.message}" + (f" {p.hint}" if p.hint else "")
    return (f"::{GITHUB_LEVELS[p.severity.value]} file={_github_property(p.file)},line={p.line},col={p.column},"
            f"title={_github_property(p.code)}::{_github_data(text)}")


def cmd_lint(args) -> int:
    from simulator.lint import default_paths, lint_paths

    paths = [Path(p) for p in args.paths] or default_paths()
    for path in paths:
        if not path.exists():
            raise PlateauError(f"there is no file or folder '{path}'.")
    problems, notes = lint_paths(paths, max_states=args.max_states)
    # Notes (L000: what lint could not check) are listed with the problems but never fail.
    found = sorted([*problems, *notes], key=lambda p: (p.file, p.line, p.column, p.code, p.message))
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in found], ensure_ascii=False, indent=2))
    else:
        for p in found:
            print(format_github(p) if args.format == "github" else format_text(p))
    failing = [p for p in problems if p.severity.value == "error" or args.strict]
    return EXIT_PROBLEM if failing else EXIT_OK


# ------------------------------------------------------------------ paths


def _answer_line(item) -> str:
    return f"- {item}" if isinstance(item, str) else "- " + json.dumps(item, ensure_ascii=False)


def answers_text(path: list, title: str) -> str:
    """An answers file that `plateau play --answers` replays."""
    return f"# {title}\n" + "".join(_answer_line(item) + "\n" for item in path)


def _path_words(path: list) -> str:
    words = []
    for item in path:
        if isinstance(item, str):
            words.append(item)
        elif item["type"] == "start":
            words.append(f"start {item['lang']}")
        elif item["type"] == "input":
            words.append(f"type {item['value']!r}")
        elif item["type"] == "provider":
            words.append(f"provider {item['id']}")
        elif item["type"] == "switch":
            words.append(f"switch to {item['case']}")
        elif item["type"] == "speak":
            words.append(f"speak {item['lang']}")
        else:
            words.append(item["type"])
    return ", ".join(words)


def render_paths(result, pass_mark: float, max_states: int | None = None, doc=None) -> str:
    """The report of 'plateau paths' as an instructor reads it; `doc`, the scenario's YAML, gives the
    line of a condition or text that fails."""
    lines = []
    if result.mode == "random":
        how = f"{result.calls:,} random call{'s' if result.calls != 1 else ''}"
    elif result.out_of_states:
        how = "stopped before every path was followed"
    elif result.complete:
        how = "every path followed"
    else:
        how = "not every path could be followed to its end (see the problems)"
    lines.append(f"{result.scenario}: {how} ({result.states:,} states, {result.transitions:,} moves tried)")
    if result.out_of_states:
        limit = f"--max-states {max_states:,}" if max_states is not None else "--max-states"
        lines.append(f"limit: {limit} reached; raise it, or sample the paths with --random 1000")
    # Paths (random: calls) that a problem stops before any ending are counted apart.
    stopped = f", {result.stopped:,} stop{'s' if result.stopped == 1 else ''} at a problem (see the problems)"
    if result.mode == "random":
        if result.stopped:
            ended = result.calls - result.stopped
            lines.append(f"calls: {ended:,} reach{'es' if ended == 1 else ''} an ending{stopped}")
        lines.append(f"paths: {result.paths:,} distinct")
    elif result.paths is None:
        lines.append("paths: endless (a loop without time passing)")
    elif result.stopped:
        lines.append(f"paths: {result.paths:,} reach{'es' if result.paths == 1 else ''} an ending{stopped}")
    else:
        lines.append(f"paths: {result.paths:,}" + ("" if result.complete else " followed to an ending"))
    lines.append("endings: " + (", ".join(f"{e} {n:,}" for e, n in sorted(result.endings.items())) or "none reached"))
    if result.score_min is not None:
        lines.append(f"score: min {result.score_min:g}, max {result.score_max:g} (pass mark {pass_mark:g}); "
                     f"{result.passes:,} {'path passes' if result.passes == 1 else 'paths pass'}")
        lines.append("criteria: " + ", ".join(f"{c} {r['min']:g}-{r['max']:g}/{r['out_of']:g}" for c, r in result.criteria.items()))
        for label, path, score in (("best", result.best, result.best_score), ("worst", result.worst, result.worst_score)):
            verdict = "passes" if score.passed else "fails"
            lines.append(f"{label} call ({score.overall:g}, {verdict}, {score.ending}): {_path_words(path)}")
    if result.problems:
        lines.append("problems:")
        for p in result.problems:
            where = f" (line {doc.at(p.at).line})" if doc is not None and p.at else ""
            after = f" After: {_path_words(list(p.path))}." if p.path else ""
            lines.append(f"  {p.code}{where}: {p.message}{after}")
            if p.hint:
                lines.append(f"    hint: {p.hint}")
    else:
        lines.append("problems: none")
    return "\n".join(lines)


def cmd_paths(args) -> int:
    from simulator.catalog import open_scenario
    from simulator.explore import estimate_states, explore, explore_random

    scenario, lib = open_scenario(args.scenario)
    rubric = lib.rubrics[scenario.rubric_id]
    if args.random is not None:
        if args.random < 1:
            raise PlateauError("--random needs a number of calls of at least 1.")
        result = explore_random(scenario, rubric, lib.directory, runs=args.random, seed=args.seed, inputs=args.inputs,
                                silence=args.silence)
    else:
        guess = estimate_states(scenario)
        if guess > args.max_states * 100:
            raise PlateauError(f"{scenario.id} has too many paths to follow every one (at least {guess:,} states, "
                               f"more than {args.max_states:,}): sample it with random calls instead, for example "
                               f"'plateau paths {args.scenario} --random 1000 --seed 1'.")
        result = explore(scenario, rubric, lib.directory, inputs=args.inputs, silence=args.silence,
                         max_states=args.max_states)
    for target, path, label in ((args.save_best, result.best, "best"), (args.save_worst, result.worst, "worst")):
        if target and path:
            score = result.best_score if label == "best" else result.worst_score
            if not Path(target).parent.is_dir():
                raise PlateauError(f"cannot write {target}: the folder {display_path(Path(target).parent)} does not exist. "
                                   "Create it first, or give another path.")
            Path(target).write_text(answers_text(path, f"The {label} call found by 'plateau paths' for {scenario.id}: "
                                                 f"{score.overall:g} points, ending '{score.ending}'."), encoding="utf-8")
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        doc = None
        if scenario.source and any(p.at for p in result.problems):
            from simulator.yamlsource import load_yaml
            doc = load_yaml(scenario.source)
        print(render_paths(result, rubric.pass_mark, args.max_states, doc))
    return EXIT_PROBLEM if result.problems else EXIT_OK


# ------------------------------------------------------------------ graph


def cmd_graph(args) -> int:
    from simulator.catalog import open_scenario
    from simulator.graph import to_dot, to_mermaid

    scenario, lib = open_scenario(args.scenario)
    rubric = lib.rubrics[scenario.rubric_id]
    out = Path(args.output) if args.output else None
    image = out is not None and out.suffix.lower() in (".svg", ".png", ".pdf")
    fmt = "dot" if image else args.format
    text = to_dot(scenario, rubric) if fmt == "dot" else to_mermaid(scenario, rubric)
    if image:
        dot = shutil.which("dot")
        if dot is None:
            raise PlateauError(f"drawing {out.name} needs Graphviz's 'dot' program, which is not installed. "
                               "Install Graphviz (Debian/Ubuntu: 'apt install graphviz', macOS: 'brew install graphviz', "
                               "Windows: 'winget install graphviz'), or write the graph as text with "
                               "'--format mermaid -o graph.mmd' and paste it into any Mermaid viewer.")
        done = subprocess.run([dot, "-T" + out.suffix.lower()[1:], "-o", str(out)], input=text, text=True,
                              capture_output=True, encoding="utf-8")
        if done.returncode != 0:
            raise PlateauError(f"Graphviz could not draw the graph: {done.stderr.strip()}")
        print(display_path(out))
    elif out is not None:
        out.write_text(text, encoding="utf-8")
        print(display_path(out))
    else:
        sys.stdout.write(text)
    return EXIT_OK


# ------------------------------------------------------------------ schema


def cmd_schema(args) -> int:
    from simulator.schema import SCHEMAS, schema_text

    kinds = list(SCHEMAS) if args.kind == "all" else [args.kind]
    if args.output:
        folder = Path(args.output)
        if len(kinds) == 1 and folder.suffix == ".json":
            folder.write_text(schema_text(kinds[0]), encoding="utf-8")
            print(display_path(folder))
            return EXIT_OK
        folder.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            target = folder / f"{kind}.schema.json"
            target.write_text(schema_text(kind), encoding="utf-8")
            print(display_path(target))
        return EXIT_OK
    if len(kinds) != 1:
        raise PlateauError("'all' writes several files: give a folder with -o.")
    sys.stdout.write(schema_text(kinds[0]))
    return EXIT_OK


# ------------------------------------------------------------------ new


TEMPLATE = Path(__file__).resolve().parent / "templates" / "new-scenario.yaml.j2"


def scaffold_text(scenario_id: str, path: Path) -> str:
    """The new scenario's YAML, its schema header pointing at the shipped schema from where it is written."""
    import os

    from jinja2 import Environment

    from simulator.schema import shipped_path

    env = Environment(variable_start_string="[[", variable_end_string="]]", block_start_string="[%",
                      block_end_string="%]", comment_start_string="[#", comment_end_string="#]",
                      keep_trailing_newline=True, autoescape=False)
    schema = shipped_path("scenario").resolve()
    try:
        schema_ref = Path(os.path.relpath(schema, path.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows
        schema_ref = schema.as_uri()
    text = env.from_string(TEMPLATE.read_text(encoding="utf-8")).render(
        id=scenario_id, schema=schema_ref, file=display_path(path))
    return text.lstrip("\n")


def write_scaffold(name: str, output: Path | None = None, *, force: bool = False) -> Path:
    from simulator.loader import _ID

    if not _ID.match(name):
        raise PlateauError(f"'{name}' cannot be a scenario id: use lowercase letters, digits, '-' and '_', "
                           "starting with a letter or digit (for example 'e19-battery').")
    path = output or Path(f"{name}.yaml")
    if path.exists() and not force:
        raise PlateauError(f"{display_path(path)} already exists; choose another name, or add --force to overwrite it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(name, path), encoding="utf-8")
    return path


def cmd_rubric(args) -> int:
    import json

    from simulator.catalog import library
    from simulator.errors import PlateauError
    from simulator.loader import load_rubric, suggest
    from simulator.rubricdoc import describe, render_text

    path = Path(args.rubric)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        rubric = load_rubric(path)
    else:
        rubrics = library().rubrics
        rubric = rubrics.get(args.rubric)
        if rubric is None:
            hint = suggest(args.rubric, rubrics)
            raise PlateauError(f"there is no rubric '{args.rubric}'. {hint + ' ' if hint else ''}"
                               f"Rubrics: {', '.join(sorted(rubrics))}.")
    if args.json:
        print(json.dumps(describe(rubric, args.lang), ensure_ascii=False, indent=2))
    else:
        print(render_text(rubric, args.lang), end="")
    return EXIT_OK


def cmd_new(args) -> int:
    path = write_scaffold(args.name, Path(args.output) if args.output else None, force=args.force)
    print(display_path(path))
    print(f"Next: plateau lint {display_path(path)} && plateau paths {display_path(path)} && "
          f"plateau play {display_path(path)}", file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------ registration


# ------------------------------------------------------------------ understand


def cmd_understand(args) -> int:
    """How a typed sentence is read at a node, or how each sentence of an answers file was read in play."""
    from simulator.catalog import open_scenario
    from simulator.understand import find_node, node_phrases, understand

    scenario, lib = open_scenario(args.scenario)
    lang = args.lang or next(iter(scenario.cases.values())).caller.first_language
    if args.answers:
        return _understand_answers(scenario, lib, Path(args.answers), args.lang)
    if not args.node or not args.sentence:
        raise PlateauError("give a node and a sentence ('plateau understand dour-festival --node intake "
                           "\"vous êtes où ?\"'), or an answers file of typed sentences with --answers FILE.")
    try:
        case_id = find_node(scenario, args.node)
    except KeyError:
        raise PlateauError(f"the scenario '{scenario.id}' has no node '{args.node}'.") from None
    node = scenario.cases[case_id].nodes[args.node]
    reading = understand(" ".join(args.sentence), node_phrases(scenario, case_id, args.node, lang), lang,
                         {o.id: o.tone.value for o in node.options})
    texts = {o.id: o.text.values.get(lang, next(iter(o.text.values.values()))).source for o in node.options}
    if args.json:
        print(json.dumps({"kind": reading.kind, "readings": [
            {"option": r.option, "score": r.score, "words": list(r.words), "via": r.via} for r in reading.readings]},
            ensure_ascii=False, indent=2))
        return EXIT_OK
    verdict = {"sure": f"understood as '{reading.best.option}'",
               "unsure": f"unsure: the trainee picks '{reading.readings[0].option}' or '{reading.readings[1].option}'"
               if len(reading.readings) > 1 else "unsure",
               "none": "not understood: the caller asks again"}[reading.kind]
    print(verdict)
    for r in reading.readings[:args.top]:
        words = ", ".join(r.words) or "-"
        print(f"  {r.score:5.3f}  {r.option:<24} words: {words}")
        print(f"         {texts[r.option]}")
        if r.via and r.via != texts[r.option]:
            print(f"         (via: {r.via})")
    return EXIT_OK


def _understand_answers(scenario, lib, path: Path, lang: str | None) -> int:
    """Play an answers file and say how each typed sentence was read; `means:` marks what it should have been."""
    from simulator.answers import load_answers
    from simulator.engine import IllegalAction, Session, Status
    from simulator.understand import as_action, understand_now

    session = Session(scenario, lib.directory)
    answers = load_answers(path)
    if answers and answers[0][0].get("type") != "start":
        session.apply({"type": "start", "lang": lang or "en"})
    wrong = 0
    for action, pos in answers:
        if session.ended:
            break
        if action.get("type") == "say":
            node = session.case_state.node
            if session.state.status is not Status.AWAITING_CHOICE:
                raise PlateauError(f"{display_path(path)}:{pos.line}: a sentence is said when the call waits for a choice.")
            reading = understand_now(session, action["text"])
            played = as_action(reading, action["text"], pick_unsure=True)
            got = played.get("option")
            meant = action.get("means")
            bad = reading.kind != "sure" or (meant is not None and got != meant)
            wrong += bad
            mark = "✗" if bad else "✓"
            what = got if reading.kind == "sure" else (f"unsure, best {got}" if reading.kind == "unsure" else "not understood")
            print(f"{mark} {display_path(path)}:{pos.line} [{node}] {action['text']!r} -> {what}"
                  + (f" (meant {meant})" if meant is not None and got != meant else ""))
            action = played
        try:
            session.apply(action)
        except IllegalAction as exc:
            raise PlateauError(f"{display_path(path)}:{pos.line}: {exc}") from None
    print(f"{wrong} sentence(s) not understood at once as meant.")
    return EXIT_PROBLEM if wrong else EXIT_OK


def register(add, lang: str) -> None:
    """The authors' commands, their help in `lang`."""
    from simulator.i18n import t
    from simulator.languages import LANGS

    file = t("cli.meta.file", lang)
    scenario, scenario_help = t("cli.meta.scenario", lang), t("cli.arg.scenario", lang)
    p = add("lint", t("cli.lint", lang), "plateau lint scenarios/my-call.yaml", cmd_lint)
    p.add_argument("paths", nargs="*", metavar=t("cli.meta.paths", lang), help=t("cli.lint.paths", lang))
    p.add_argument("--format", choices=["text", "json", "github"], default="text", help=t("cli.lint.format", lang))
    p.add_argument("--strict", action="store_true", help=t("cli.lint.strict", lang))
    p.add_argument("--max-states", type=int, default=LINT_STATES, metavar="N",
                   help=t("cli.lint.max_states", lang, states=LINT_STATES))

    p = add("paths", t("cli.paths", lang), "plateau paths scenarios/my-call.yaml --save-best best.yaml", cmd_paths)
    p.add_argument("scenario", metavar=scenario, help=scenario_help)
    p.add_argument("--json", action="store_true", help=t("cli.paths.json", lang))
    p.add_argument("--random", type=int, metavar="N", help=t("cli.paths.random", lang))
    p.add_argument("--seed", type=int, default=0, help=t("cli.paths.seed", lang))
    p.add_argument("--inputs", choices=["both", "truth"], default="both", help=t("cli.paths.inputs", lang))
    p.add_argument("--silence", action="store_true", help=t("cli.paths.silence", lang))
    p.add_argument("--max-states", type=int, default=50_000, metavar="N", help=t("cli.paths.max_states", lang))
    p.add_argument("--save-best", metavar=file, help=t("cli.paths.save_best", lang))
    p.add_argument("--save-worst", metavar=file, help=t("cli.paths.save_worst", lang))

    p = add("graph", t("cli.graph", lang), "plateau graph scenarios/my-call.yaml --format mermaid", cmd_graph)
    p.add_argument("scenario", metavar=scenario, help=scenario_help)
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    p.add_argument("-o", "--output", metavar=file, help=t("cli.graph.output", lang))

    p = add("schema", t("cli.schema", lang), "plateau schema scenario -o scenario.schema.json", cmd_schema)
    p.add_argument("kind", nargs="?", choices=["scenario", "rubric", "providers", "all"], default="scenario")
    p.add_argument("-o", "--output", metavar=t("cli.meta.path", lang), help=t("cli.schema.output", lang))

    p = add("rubric", t("cli.rubric", lang), "plateau rubric roadside --lang fr", cmd_rubric)
    p.add_argument("rubric", metavar=t("cli.meta.rubric", lang), help=t("cli.rubric.rubric", lang))
    p.add_argument("--lang", choices=LANGS, default="en", help=t("cli.rubric.lang", lang))
    p.add_argument("--json", action="store_true", help=t("cli.arg.json", lang))

    p = add("new", t("cli.new", lang), "plateau new my-call", cmd_new)
    p.add_argument("name", metavar=t("cli.meta.new_name", lang), help=t("cli.new.name", lang))
    p.add_argument("-o", "--output", metavar=file, help=t("cli.new.output", lang))
    p.add_argument("--force", action="store_true", help=t("cli.new.force", lang))

    p = add("understand", t("cli.understand", lang),
            "plateau understand dour-festival --node intake --lang fr \"est-ce que quelqu'un est blessé ?\"", cmd_understand)
    p.add_argument("scenario", metavar=scenario, help=scenario_help)
    p.add_argument("sentence", nargs="*", metavar=t("cli.meta.sentence", lang), help=t("cli.understand.sentence", lang))
    p.add_argument("--node", metavar="ID", help=t("cli.understand.node", lang))
    p.add_argument("--lang", choices=LANGS, help=t("cli.understand.lang", lang))
    p.add_argument("--answers", metavar=file, help=t("cli.understand.answers", lang))
    p.add_argument("--top", type=int, default=5, metavar="N", help=t("cli.understand.top", lang))
    p.add_argument("--json", action="store_true", help=t("cli.understand.json", lang))

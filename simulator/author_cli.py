"""Subcommands for scenario authors and instructors who write scenarios: lint (and more to come)."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.cli import EXIT_OK, EXIT_PROBLEM
from simulator.errors import Problem, ScenarioError, display_path


def cmd_lint(args) -> int:
    from simulator.catalog import RUBRICS, bundled_scenarios, library
    from simulator.loader import load_rubric, load_scenario

    paths = [Path(p) for p in args.paths] or bundled_scenarios() + sorted(RUBRICS.glob("*.yaml"))
    problems: list[Problem] = []
    try:
        lib = library()
    except ScenarioError as exc:
        problems.extend(exc.problems)
        lib = None
    for path in paths:
        if path.is_dir():
            paths.extend(sorted(path.glob("*.yaml")))
            continue
        try:
            if lib is None:
                break
            if path.resolve().parent == RUBRICS.resolve() or "pass_mark" in path.read_text(encoding="utf-8", errors="replace"):
                load_rubric(path)
            else:
                lib_here = library(path)
                load_scenario(path, lib_here.rubrics, lib_here.directory)
        except ScenarioError as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem(display_path(path), 1, 1, "P000", f"cannot read this file ({exc.strerror}).", ""))
    problems = sorted(set(problems))
    if args.format == "json":
        print(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    elif args.format == "github":
        for p in problems:
            print(f"::{p.severity.value} file={p.file},line={p.line},col={p.column}::{p.code} {p.message} {p.hint}".rstrip())
    else:
        for p in problems:
            print(p.format())
    errors = [p for p in problems if p.severity.value == "error" or args.strict]
    return EXIT_PROBLEM if errors else EXIT_OK




def register(add) -> None:
    p = add("lint", "Check scenario and rubric files and report every problem with its line.",
            "plateau lint scenarios/my-call.yaml", cmd_lint)
    p.add_argument("paths", nargs="*", help="files or folders (default: every bundled scenario and rubric)")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.add_argument("--strict", action="store_true", help="warnings fail too")

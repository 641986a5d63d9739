"""Hostile scenario files: how fast each is refused and how much memory it takes.

    python bench/bench_hostile.py

Measured in-process against loading a small valid scenario (the baseline) in the same run;
peak memory from tracemalloc. Prints a Markdown table for docs/reliability.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.catalog import library  # noqa: E402
from simulator.errors import ScenarioError  # noqa: E402
from simulator.loader import load_scenario  # noqa: E402
from tests.test_hostile import hostile_files  # noqa: E402

E411 = ROOT / "tests" / "fixtures" / "e411-flat-tyre.yaml"


def measure(content) -> tuple[float, float, str]:
    """Load `content` from a file, as `plateau play FILE` does."""
    lib = library(E411)
    path = Path(tempfile.mkdtemp()) / "x.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    tracemalloc.start()
    started = time.perf_counter()
    try:
        load_scenario(path, lib.rubrics, lib.directory)
        outcome = "loaded"
    except ScenarioError as exc:
        outcome = exc.problems[0].code + " " + exc.problems[0].message
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 1_000_000, outcome


def main() -> None:
    base, base_mem, _ = measure(E411.read_text(encoding="utf-8"))
    print(f"Baseline: loading the valid E411 fixture, {base * 1000:.1f} ms, {base_mem:.1f} MB peak.\n")
    print("| input | refused with | time | vs baseline | peak memory |\n| --- | --- | ---: | ---: | ---: |")
    cases = dict(hostile_files())
    cases["10 MB of distinct keys"] = ("ten.yaml", "".join(f"key{i}: value number {i}\n" for i in range(420_000)), "P002")
    for name, (_, content, _) in cases.items():
        elapsed, mem, outcome = measure(content)
        print(f"| {name} | {outcome[:90]} | {elapsed * 1000:.1f} ms | {elapsed / base:.1f}x | {mem:.1f} MB |")


if __name__ == "__main__":
    main()

"""What the benchmarks share: timing a command as a user runs it.

A user's Python keeps the compiled bytecode of Plateau's modules (`__pycache__`) after the first
run; pip does the same for the libraries at install. A machine that sets PYTHONDONTWRITEBYTECODE
would make every run recompile Plateau's sources (about 45 ms) while the libraries of the baseline
stay compiled, so the commands are timed without it, after one warm-up run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user's terminal: this one, bytecode caching on, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def median_seconds(command: list[str], env: dict[str, str] | None = None, runs: int = RUNS, *,
                   check: bool = False) -> float:
    """Median wall time of `command` run `runs` times in a new process, after one untimed run."""
    env = env if env is not None else user_env()
    times = []
    for n in range(runs + 1):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL, cwd=ROOT)
        if n:
            times.append(time.perf_counter() - started)
        if check and result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr.decode(errors='replace')}")
    return statistics.median(times)

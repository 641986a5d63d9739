"""Class import: the cost of one zip member as archives grow (linear, not quadratic).

    python bench/bench_import.py [--members 500,1000,2000,4000]

Each archive holds N members that are not transcripts (one line of JSON that is not a header), as a
damaged hand-in would: each is opened, refused on its own, and the import goes on. The cost per member
should stay flat as N grows; the ratio of the largest archive's per-member cost to the smallest's is
printed (1.0 is linear; quadratic listing gave about N_max / N_min). Run in-process, in a temporary
data directory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def archive(folder: Path, members: int) -> Path:
    path = folder / f"class-{members}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(members):
            z.writestr(f"sessions/call-{i:05d}.jsonl", '{"type": "note", "text": "not a transcript"}\n')
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", default="500,1000,2000,4000")
    args = parser.parse_args()
    sizes = [int(n) for n in args.members.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PLATEAU_HOME"] = str(Path(scratch) / "home")
        from simulator.importing import import_paths
        rows = []
        for n in sizes:
            path = archive(Path(scratch), n)
            started = time.perf_counter()
            items = import_paths([path])
            seconds = time.perf_counter() - started
            assert len(items) == n and all(i.refusal for i in items), "every junk member is refused on its own"
            rows.append((n, seconds, 1000 * seconds / n))
    print("| members | seconds | ms per member |")
    print("| ---: | ---: | ---: |")
    for n, seconds, per in rows:
        print(f"| {n:,} | {seconds:.2f} | {per:.2f} |")
    print(f"\nper-member cost, largest / smallest archive: {rows[-1][2] / rows[0][2]:.2f} "
          f"(linear: about 1; quadratic: about {sizes[-1] / sizes[0]:.0f})")


if __name__ == "__main__":
    main()

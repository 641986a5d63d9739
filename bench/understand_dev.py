"""Free-text answers, development set: the authors' own phrasings, each read as if a trainee had typed it.

Every option of every bundled scenario is known by its text and the example phrasings its author wrote
under `says:` (what `node_phrases` reads). This benchmark takes each phrasing in turn, removes it from its
option (leave-one-out), and reads it against the options of its node as they would be known without it:
the other phrasings of the same option, the option's text, every other option. It counts, per scenario
and language: the share whose best reading is the option the phrasing belongs to (top-1), the share
understood at once as meant (sure), sent to "pick one of two", understood at once as another option
(confidently wrong), and not understood at all (missed).

No phrasing means "nothing", so a last column guards the other side: "stray" is the share of sentences
from *other* scenarios (a fixed sample of their phrasings, a few per node) that are understood at once
as one of the node's options. Some strays do say an option (every call opens with a greeting), so it is
a relative measure: a change that raises it accepts more of what is not meant.

Why this is the development set: the corpus in tests/free/corpus/ (sentences typed as trainees type
them, written apart from the phrasings) is what bench_understand.py measures, and it stays held out:
any change to the reading (weights, thresholds, words) is chosen on these figures, and the corpus is
read afterwards, once, to see whether the change carries over. The phrasings cover all seven bundled
scenarios (~6,900 sentences), against the corpus's three.

    python bench/understand_dev.py [--json] [--mistakes] [--scenario ID]

Deterministic (a typo equally close to two option words resolves the same way in every run) and takes
about ten seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.catalog import bundled_scenarios, open_scenario  # noqa: E402
from simulator.understand import Tally, node_phrases, understand  # noqa: E402

LANGS = ("fr", "nl", "en")
STRAYS = 8  # sentences from other scenarios read at each node and language


def cells(scenario_ids: list[str] | None = None) -> list[dict]:
    """Every node of every bundled scenario, in each language in which one of its options has phrasings:
    its options' phrases (as node_phrases reads them), tones and phrasings to hold out."""
    out = []
    for path in bundled_scenarios():
        if scenario_ids and path.stem not in scenario_ids:
            continue
        scenario, _ = open_scenario(path.stem)
        for case_id, case in scenario.cases.items():
            for node_id, node in case.nodes.items():
                for lang in LANGS:
                    said = [(o.id, i, p) for o in node.options for i, p in enumerate(o.phrasings(lang))]
                    if not said:
                        continue
                    out.append({"scenario": path.stem, "case": case_id, "node": node_id, "lang": lang,
                                "phrases": node_phrases(scenario, case_id, node_id, lang),
                                "tones": {o.id: o.tone.value for o in node.options}, "said": said})
    return out


def strays(all_cells: list[dict], cell: dict) -> list[str]:
    """A fixed sample of phrasings from other scenarios, in the cell's language (the same for every run)."""
    pool = [p for c in all_cells if c["lang"] == cell["lang"] and c["scenario"] != cell["scenario"]
            for _, _, p in c["said"]]
    if not pool:
        return []
    start = sum(map(ord, cell["scenario"] + cell["node"])) % len(pool)
    step = max(1, len(pool) // STRAYS) + 1
    return [pool[(start + k * step) % len(pool)] for k in range(STRAYS)]


def measure(read=understand, scenario_ids: list[str] | None = None, all_cells: list[dict] | None = None) -> list[dict]:
    """One row per scenario and language; `read` is the reading measured (understand, or a variant of it)."""
    all_cells = cells(scenario_ids) if all_cells is None else all_cells
    tallies: dict[tuple[str, str], Tally] = {}
    stray: dict[tuple[str, str], list[int]] = {}
    seconds: dict[tuple[str, str], float] = {}
    for cell in all_cells:
        key, lang, phrases = (cell["scenario"], cell["lang"]), cell["lang"], cell["phrases"]
        tally = tallies.setdefault(key, Tally())
        started = time.perf_counter()
        for option_id, i, said in cell["said"]:
            # The option's phrases are its text (first) and then its phrasings: leave this phrasing out.
            kept = {o: (ps[:i + 1] + ps[i + 2:] if o == option_id else ps) for o, ps in phrases.items()}
            tally.add(cell["node"], option_id, said, read(said, kept, lang, cell["tones"]))
        seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started
        counts = stray.setdefault(key, [0, 0])
        for said in strays(all_cells, cell):
            counts[0] += 1
            counts[1] += read(said, phrases, lang, cell["tones"]).kind == "sure"
    rows = []
    for (scenario_id, lang), tally in sorted(tallies.items()):
        n_stray, sure_stray = stray[(scenario_id, lang)]
        rows.append({"scenario": scenario_id, "lang": lang, "sentences": tally.sentences,
                     "first": round(tally.share(tally.first), 3), "right": round(tally.share(tally.right), 3),
                     "unsure": round(tally.share(tally.unsure), 3), "wrong": round(tally.share(tally.wrong), 3),
                     "missed": round(tally.share(tally.missed), 3),
                     "stray": round(sure_stray / n_stray, 3) if n_stray else 0.0,
                     "ms_per_sentence": round(1000 * seconds[(scenario_id, lang)] / max(1, tally.sentences), 2),
                     "counts": {"first": tally.first, "right": tally.right, "unsure": tally.unsure,
                                "wrong": tally.wrong, "missed": tally.missed, "strays": n_stray,
                                "stray_sure": sure_stray},
                     "mistakes": tally.mistakes})
    return rows


def totals(rows: list[dict], by: str | None = "lang") -> list[dict]:
    """The rows pooled by language (by="lang") or all together (by=None), weighted by sentences."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r[by] if by else "all", []).append(r)
    out = []
    for name, group in sorted(groups.items()):
        n = sum(r["sentences"] for r in group)
        counts = {k: sum(r["counts"][k] for r in group) for k in group[0]["counts"]}
        out.append({"scenario": "all", "lang": name, "sentences": n,
                    **{k: round(counts[k] / n, 3) for k in ("first", "right", "unsure", "wrong", "missed")},
                    "stray": round(counts["stray_sure"] / max(1, counts["strays"]), 3),
                    "ms_per_sentence": round(sum(r["ms_per_sentence"] * r["sentences"] for r in group) / n, 2)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--mistakes", action="store_true", help="list the phrasings not understood as meant")
    parser.add_argument("--scenario", action="append", help="only this scenario (may be repeated)")
    args = parser.parse_args()
    rows = measure(scenario_ids=args.scenario)
    summary = totals(rows) + totals(rows, by=None)
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k not in ("mistakes", "counts")} for r in rows + summary],
                         indent=2))
        return
    print(f"{'scenario':<24} {'lang':<4} {'n':>5} {'top-1':>6} {'sure':>6} {'pick 2':>7} {'wrong':>6} {'missed':>7} "
          f"{'stray':>6} {'ms':>6}")
    for r in rows + summary:
        if r is summary[0] or r is summary[-1]:
            print("-" * 86)
        print(f"{r['scenario']:<24} {r['lang']:<4} {r['sentences']:>5} {r['first']:>6.1%} {r['right']:>6.1%} "
              f"{r['unsure']:>7.1%} {r['wrong']:>6.1%} {r['missed']:>7.1%} {r['stray']:>6.1%} {r['ms_per_sentence']:>6}")
        if args.mistakes:
            for node, meant, said, kind, best in r.get("mistakes", ()):
                print(f"    [{node}] {said!r}: meant {meant}, read {kind} {best}")


if __name__ == "__main__":
    main()

"""Speed of one edit and the re-validation after it (what the TUI does on every change).

On the reference file, interleaved, N times each (median / min / max):

* baseline: ``yaml.safe_load`` of the text (the runtime's own parse, the floor);
* edit: ``Document.from_text(text).set_value(...)`` (compose + splice);
* revalidate: ``psa_config.check_text`` of the edited text (all rules);
* edit + revalidate + diff: the whole round trip of one change.

Prints each as milliseconds and as a ratio to the baseline measured in the same
process, and the goal (re-validation under 50 ms).

    python benchmarks/edit.py [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from psa_config import check_text
from psa_config.edit import Document, unified_diff

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "attention_config.yaml"
GOAL_MS = 50.0


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    text = CONFIG.read_bytes().decode("utf-8")
    values = [0.55, 0.5]

    def edit(i: int) -> Document:
        return Document.from_text(text, "c.yaml").set_value("Wan2.1_14b", "psa_balanced", "mask_ratios.1", [0.0, values[i % 2]])

    edited = edit(0).text
    cases: dict[str, Callable[[int], object]] = {
        "baseline yaml.safe_load": lambda i: yaml.safe_load(text),
        "edit (compose + splice)": edit,
        "revalidate (check_text)": lambda i: check_text(edited, "c.yaml"),
        "edit + revalidate + diff": lambda i: (lambda d: (check_text(d.text, "c.yaml"), unified_diff(text, d.text)))(edit(i)),
    }
    for case in cases.values():  # warm-up: imports, caches
        case(0)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(args.runs):
        for name, case in cases.items():
            samples[name].append(timed(lambda: case(i)))
    base = statistics.median(samples["baseline yaml.safe_load"])
    print(f"{CONFIG.relative_to(ROOT)} ({len(text.splitlines())} lines), {args.runs} runs each, interleaved")
    print(f"{'case':28} {'median ms':>10} {'min':>8} {'max':>8} {'x baseline':>11}")
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"{name:28} {median:10.2f} {min(times):8.2f} {max(times):8.2f} {median / base:11.2f}")
    revalidate = statistics.median(samples["revalidate (check_text)"])
    verdict = "meets" if revalidate < GOAL_MS else "MISSES"
    print(f"re-validation median {revalidate:.1f} ms: {verdict} the {GOAL_MS:.0f} ms goal")


if __name__ == "__main__":
    main()

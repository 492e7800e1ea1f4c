"""Speed of one edit: on the reference file (what the TUI does on every change) and on big files.

Reference file, interleaved, N times each (median / min / max):

* baseline: ``yaml.safe_load`` of the text (the runtime's own parse, the floor);
* edit: ``Document.from_text(text).set_value(...)`` (compose + splice + verification);
* revalidate: ``psa_config.check_text`` of the edited text (all rules);
* edit + revalidate + diff: the whole round trip of one change.

Size rows (``--sizes``, default 0.1, 1 and 5 MB): a valid file of N copies of a
preset; one ``set`` of a preset in the middle of the file plus its summary (the
changed lines and the unified diff, what ``psa-config set`` prints), against
``yaml.safe_load`` of the same text in the same process. The edit must grow
linearly with the size and stay under 0.5 s at 1 MB.

    python benchmarks/edit.py [--runs 50] [--size-runs 5] [--sizes 0.1,1,5]
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
from psa_config.edit.diff import changed_lines

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "attention_config.yaml"
GOAL_MS = 50.0
SIZE_GOAL_S = 0.5
MODEL = "Wan2.1_14b"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def big_file(size_bytes: int) -> tuple[str, int]:
    """The reference file's first model with its PSA preset copied until the text has ``size_bytes``."""
    text = CONFIG.read_text()
    start = text.index(f"{MODEL}:")
    section = text[start : text.index("\n# ", start)].rstrip() + "\n"
    preset = section[section.index("    psa_balanced:") :]
    pieces, total, count = [section], len(section), 0
    while total < size_bytes:
        copy = preset.replace("    psa_balanced:", f"    psa_copy_{count}:", 1)
        pieces.append(copy)
        total += len(copy)
        count += 1
    return "".join(pieces), count


def reference_rows(runs: int) -> None:
    text = CONFIG.read_bytes().decode("utf-8")
    values = [0.55, 0.5]

    def edit(i: int) -> Document:
        return Document.from_text(text, "c.yaml").set_value(MODEL, "psa_balanced", "mask_ratios.1", [0.0, values[i % 2]])

    edited = edit(0).text
    cases: dict[str, Callable[[int], object]] = {
        "baseline yaml.safe_load": lambda i: yaml.safe_load(text),
        "edit (compose + splice)": edit,
        "revalidate (check_text)": lambda i: check_text(edited, "c.yaml"),
        "edit + revalidate + diff": lambda i: (lambda d: (check_text(d.text, "c.yaml"), unified_diff(text, d.text, regions=d.regions)))(edit(i)),
    }
    for case in cases.values():  # warm-up: imports, caches
        case(0)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(runs):
        for name, case in cases.items():
            samples[name].append(timed(lambda: case(i)))
    base = statistics.median(samples["baseline yaml.safe_load"])
    print(f"{CONFIG.relative_to(ROOT)} ({len(text.splitlines())} lines), {runs} runs each, interleaved")
    print(f"{'case':28} {'median ms':>10} {'min':>8} {'max':>8} {'x baseline':>11}")
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"{name:28} {median:10.2f} {min(times):8.2f} {max(times):8.2f} {median / base:11.2f}")
    revalidate = statistics.median(samples["revalidate (check_text)"])
    verdict = "meets" if revalidate < GOAL_MS else "MISSES"
    print(f"re-validation median {revalidate:.1f} ms: {verdict} the {GOAL_MS:.0f} ms goal")


def size_rows(sizes: list[float], runs: int) -> None:
    print(f"\none `set` + summary on big files ({runs} runs each, median; the preset in the middle)")
    print(f"{'size':>8} {'presets':>8} {'safe_load s':>12} {'edit+summary s':>15} {'x safe_load':>12} {'ms per MB':>10}")
    for megabytes in sizes:
        text, count = big_file(int(megabytes * 1_000_000))
        preset = f"psa_copy_{count // 2}"

        def edit_and_summary(i: int) -> None:
            doc = Document.from_text(text, "big.yaml").set_value(MODEL, preset, "warmup_steps", 10 + i % 2)
            changed_lines(text, doc.text, doc.regions)
            unified_diff(text, doc.text, "big.yaml", regions=doc.regions)

        edit_and_summary(0)
        edits, loads = [], []
        for i in range(runs):
            edits.append(timed(lambda: edit_and_summary(i)) / 1000)
            loads.append(timed(lambda: yaml.safe_load(text)) / 1000)
        edit_s, load_s = statistics.median(edits), statistics.median(loads)
        mb = len(text) / 1e6
        print(f"{mb:7.2f}M {count + 1:8d} {load_s:12.3f} {edit_s:15.3f} {edit_s / load_s:12.3f} {edit_s * 1000 / mb:10.1f}")
        if 0.9 <= mb <= 1.1:
            verdict = "meets" if edit_s < SIZE_GOAL_S else "MISSES"
            print(f"{'':8} 1 MB edit + summary {edit_s:.3f} s: {verdict} the {SIZE_GOAL_S} s goal")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--size-runs", type=int, default=5)
    parser.add_argument("--sizes", default="0.1,1,5", help="file sizes in MB (comma list; '' for none)")
    args = parser.parse_args()
    reference_rows(args.runs)
    if args.sizes:
        size_rows([float(s) for s in args.sizes.split(",")], args.size_runs)


if __name__ == "__main__":
    main()

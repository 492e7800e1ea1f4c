"""How fast ``psa-config tui`` shows a file and re-validates after an edit.

Run: ``python benchmarks/tui.py [FILE] [--repeat N]`` (default: the reference presets).

* start-up: a fresh interpreter imports the app, reads and checks the file and
  draws tree, form and diagnostics (headless, 120x40), compared with a bare
  Textual app that shows the same file in one ``Static`` (the baseline, same
  machine, same run);
* edit: one field set through the edit engine plus the re-check of the whole
  text (what happens on every change), compared with the check alone, and
  the form redraw for another preset.

Goals (issue 4): shown in < 1 s; re-validation after an edit < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "configs" / "attention_config.yaml"

PROBE_APP = """
import sys, time
from psa_tui.app import PsaConfigApp
from psa_tui.widgets.pyramid import PyramidEditor

async def main():
    app = PsaConfigApp(sys.argv[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()  # one more frame: the form is painted
        print(time.time() - float(sys.argv[2]))

import asyncio
asyncio.run(main())
"""

PROBE_BASELINE = """
import sys, time
from pathlib import Path
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static(Path(sys.argv[1]).read_text())

async def main():
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(time.time() - float(sys.argv[2]))

import asyncio
asyncio.run(main())
"""


def shown_after(probe: str, path: Path) -> float:
    """Seconds from starting a fresh interpreter to the probe's first full screen (exit not counted)."""
    argv = [sys.executable, "-c", probe, str(path), repr(time.time())]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def startup(path: Path, repeat: int) -> tuple[float, float]:
    app = statistics.median(shown_after(PROBE_APP, path) for _ in range(repeat))
    bare = statistics.median(shown_after(PROBE_BASELINE, path) for _ in range(repeat))
    return app, bare


def edit_costs(path: Path, repeat: int) -> tuple[float, float]:
    from psa_config import check_text
    from psa_tui.session import Session

    session = Session.open(path)
    model = session.models()[0]
    preset = next(p for p in session.presets(model) if session.preset(model, p).get("type") == "psa")
    values = iter(range(1, 10_000))
    edit = median_ms(lambda: session.set_value(model, preset, "warmup_steps", next(values)), repeat)
    check = median_ms(lambda: check_text(session.text, str(path)), repeat)
    return edit, check


def redraw_ms(path: Path, repeat: int) -> float:
    from psa_tui.app import PsaConfigApp
    from psa_tui.widgets.tree import Target

    async def run() -> float:
        app = PsaConfigApp(path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            targets = [Target(m, p) for m in app.session.models() for p in app.session.presets(m)]
            psa = [t for t in targets if app.session.preset(t.model, t.preset or "").get("type") == "psa"]
            times = []
            for index in range(repeat):
                start = time.perf_counter()
                app.show_target(psa[index % len(psa)])
                await app.workers.wait_for_complete()
                times.append(time.perf_counter() - start)
            return statistics.median(times) * 1000

    return asyncio.run(run())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=REFERENCE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app, bare = startup(args.file, args.repeat)
    edit, check = edit_costs(args.file, max(args.repeat, 20))
    redraw = redraw_ms(args.file, max(args.repeat, 20))
    print(f"file: {args.file} ({len(args.file.read_text().splitlines())} lines)")
    print(f"start-up to the full first screen: {app * 1000:7.0f} ms   (goal < 1000 ms)")
    print(f"  bare Textual app, same file:     {bare * 1000:7.0f} ms   ratio {app / bare:.2f}x")
    print(f"edit + re-validation:              {edit:7.1f} ms   (goal < 50 ms)")
    print(f"  re-check alone (check_text):     {check:7.1f} ms   edit/check {edit / check:.1f}x")
    print(f"form redraw for another preset:    {redraw:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

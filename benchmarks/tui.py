"""How fast ``psa-config tui`` shows a file and re-validates after an edit.

Run: ``python benchmarks/tui.py [FILE] [--repeat N]`` (default: the reference presets).

* start-up, first screen: from starting a fresh interpreter (headless, 120x40)
  to the first frame the app draws in which the tree lists every model and
  preset of the file and the diagnostics table holds every diagnostic (the
  probe records each frame the screen's compositor draws and checks the
  widgets' state at that frame). The preset form is built right after that
  frame (``PsaConfigApp`` waits for it), so it is not in this number;
* start-up, form ready: until the form also shows the first preset with its
  values (form worker done, one more frame);
* both compared with a bare Textual app that shows the same file in one
  ``Static`` (the baseline, same machine, same run);
* edit: one field set through the edit engine plus the re-check of the whole
  text (what happens on every change), compared with the check alone, and
  the form redraw for another preset.

Goals (issue 4): shown in < 1 s (first screen; target < 0.7 s on the 2-core
development machine); re-validation after an edit < 50 ms.

To compare with another version of the TUI, put its ``psa_tui`` first on the
path: ``PYTHONPATH=/tmp/old python benchmarks/tui.py`` (the probes run in
subprocesses that inherit the environment).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "configs" / "attention_config.yaml"

PROBE_APP = """
import sys, time
from textual.screen import Screen
from psa_tui.app import PsaConfigApp
from psa_tui.widgets.diagnostics import DiagnosticsPanel
from psa_tui.widgets.tree import ConfigTree

first_screen = []
draw = Screen._compositor_refresh

def drawn(screen):
    # Every frame goes through here (a terminal gets its update inside draw).
    draw(screen)
    app = screen.app
    if first_screen or screen is not app.screen or not app.query(DiagnosticsPanel):
        return
    tree, table = app.query_one(ConfigTree), app.query_one(DiagnosticsPanel).table
    shown = sum(1 + len(node.children) for node in tree.root.children)
    wanted = sum(1 + len(app.session.presets(model)) for model in app.session.models())
    if shown == wanted and table.row_count == len(app.session.diagnostics) and tree.region and table.region:
        first_screen.append(time.time())

Screen._compositor_refresh = drawn

async def main():
    app = PsaConfigApp(sys.argv[1])
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()  # one more frame: the form is painted
        start = float(sys.argv[2])
        print(first_screen[0] - start, time.time() - start)

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


def shown_after(probe: str, path: Path) -> list[float]:
    """Seconds from starting a fresh interpreter to the probe's screens (exit not counted)."""
    argv = [sys.executable, "-c", probe, str(path), repr(time.time())]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return [float(value) for value in done.stdout.split()]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def startup(path: Path, repeat: int) -> tuple[float, float, float]:
    """Medians of (first screen, form ready, bare Textual app), the probes interleaved."""
    app: list[list[float]] = []
    bare: list[float] = []
    for _ in range(repeat):
        app.append(shown_after(PROBE_APP, path))
        bare.extend(shown_after(PROBE_BASELINE, path))
    return statistics.median(a[0] for a in app), statistics.median(a[1] for a in app), statistics.median(bare)


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
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    first, form, bare = startup(args.file, args.repeat)
    edit, check = edit_costs(args.file, max(args.repeat, 20))
    redraw = redraw_ms(args.file, max(args.repeat, 20))
    print(f"file: {args.file} ({len(args.file.read_text().splitlines())} lines)")
    print(f"load average (1 min) at start:    {load:7.2f}   ({os.cpu_count()} cores)")
    print(f"start-up to the first screen:      {first * 1000:7.0f} ms   (goal < 1000 ms, target < 700 ms)")
    print(f"  form ready (first preset shown): {form * 1000:7.0f} ms")
    print(f"  bare Textual app, same file:     {bare * 1000:7.0f} ms   first screen / bare {first / bare:.2f}x")
    print(f"edit + re-validation:              {edit:7.1f} ms   (goal < 50 ms)")
    print(f"  re-check alone (check_text):     {check:7.1f} ms   edit/check {edit / check:.1f}x")
    print(f"form redraw for another preset:    {redraw:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

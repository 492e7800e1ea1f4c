"""Whole-process speed of ``psa-config check`` against check-jsonschema, side by side.

Runs, interleaved, N times each:

* ``psa-config check configs/attention_config.yaml``
* ``check-jsonschema --schemafile schema/attention_config.schema.json configs/attention_config.yaml``
* ``python -c pass`` (the interpreter's own start-up: the floor under any Python CLI)

and prints the median/min/max wall time, the median CPU time (user + sys,
steadier than wall time when the machine is shared), the peak resident memory
of each child (``os.wait4`` rusage, per process), the ratio and the targets (median
under 0.25 s, faster than check-jsonschema). ``--importtime`` adds the slowest
imports of one ``psa-config check`` (``python -X importtime``).

    python benchmarks/check.py [--runs 20] [--importtime]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "configs/attention_config.yaml"
SCHEMA = "schema/attention_config.schema.json"
TARGET_SECONDS = 0.25


@dataclass
class Sample:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    returncode: int


@dataclass
class Tool:
    label: str
    argv: list[str]
    samples: list[Sample] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)


def executable(name: str) -> str:
    """The console script next to this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"benchmarks/check.py: `{name}` is not installed in this environment")
    return found


def run_once(argv: list[str]) -> Sample:
    """Wall time and peak RSS of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=quiet_env())
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, cpu, usage.ru_maxrss / 1024, process.returncode)  # ru_maxrss is in KiB on Linux


def quiet_env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return env


def measure(tools: list[Tool], runs: int, warmup: int) -> None:
    """Interleave the tools so drift (caches, frequency) hits all of them alike."""
    for _ in range(warmup):
        for tool in tools:
            run_once(tool.argv)
    for _ in range(runs):
        for tool in tools:
            tool.samples.append(run_once(tool.argv))


def table(tools: list[Tool]) -> str:
    width = max(len(tool.label) for tool in tools)
    header = f"{'command':<{width}} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7} {'peak MB':>8} {'exit':>5}"
    rows = [header, "-" * len(header)]
    for tool in tools:
        seconds = [s.seconds for s in tool.samples]
        exits = ",".join(sorted({str(s.returncode) for s in tool.samples}))
        peak = max(s.peak_mb for s in tool.samples)
        cpu = statistics.median(s.cpu_seconds for s in tool.samples)
        rows.append(
            f"{tool.label:<{width}} {tool.median():>9.3f} {min(seconds):>7.3f} {max(seconds):>7.3f}"
            f" {cpu:>7.3f} {peak:>8.1f} {exits:>5}"
        )
    return "\n".join(rows)


def verdict(ours: Tool, theirs: Tool) -> str:
    ratio = theirs.median() / ours.median()
    fast = "PASS" if ours.median() < TARGET_SECONDS else "MISS"
    faster = "PASS" if ratio > 1 else "MISS"
    return (
        f"check-jsonschema / psa-config median ratio: {ratio:.2f}x\n"
        f"target median < {TARGET_SECONDS} s: {fast} ({ours.median():.3f} s); "
        f"faster than check-jsonschema: {faster}"
    )


def importtime(top: int) -> str:
    """The ``top`` slowest imports (cumulative microseconds) of one ``psa-config check``."""
    argv = [sys.executable, "-X", "importtime", "-m", "psa_config.cli", "check", CONFIG]
    stderr = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=quiet_env()).stderr
    rows = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            rows.append((int(cumulative), name[1:]))  # nested imports keep their indentation
    rows.sort(reverse=True)
    total = sum(us for us, name in rows if not name.startswith(" "))
    lines = [f"slowest imports of `psa-config check` (cumulative ms; top-level total {total / 1000:.1f} ms):"]
    lines += [f"  {us / 1000:8.1f}  {name.strip()}" for us, name in rows[:top]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per command (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per command first (default 2)")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of check")
    parser.add_argument("--top", type=int, default=15, help="how many imports --importtime lists")
    args = parser.parse_args(argv)
    ours = Tool(f"psa-config check {CONFIG}", [executable("psa-config"), "check", CONFIG])
    theirs = Tool(
        f"check-jsonschema --schemafile {SCHEMA} {CONFIG}",
        [executable("check-jsonschema"), "--schemafile", SCHEMA, CONFIG],
    )
    floor = Tool("python -c pass (interpreter start-up)", [sys.executable, "-c", "pass"])
    tools = [ours, theirs, floor]
    measure(tools, args.runs, args.warmup)
    print(
        f"{args.runs} runs each, interleaved, after {args.warmup} warm-up runs; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}"
    )
    print(table(tools))
    print(verdict(ours, theirs))
    if args.importtime:
        print(importtime(args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())

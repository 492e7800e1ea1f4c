"""Median timings (CUDA events on the GPU, wall clock on the CPU) and peak memory."""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import torch

T = TypeVar("T")


@dataclass(frozen=True)
class Timed(Generic[T]):
    """The median of ``samples`` (milliseconds) and the last call's result."""

    median_ms: float
    samples: tuple[float, ...]
    value: T


class Event(Protocol):
    def record(self) -> None: ...
    def synchronize(self) -> None: ...
    def elapsed_time(self, end: Any) -> float: ...


class Timer(Protocol):
    kind: str

    def measure(self, fn: Callable[[], T], *, repeat: int, warmup: int) -> Timed[T]: ...


class WallClockTimer:
    """``time.perf_counter`` around each call (CPU: every op is synchronous)."""

    kind = "cpu-wall-clock"

    def measure(self, fn: Callable[[], T], *, repeat: int, warmup: int = 0) -> Timed[T]:
        value = _warm(fn, warmup)
        samples = []
        for _ in range(max(1, repeat)):
            start = time.perf_counter()
            value = fn()
            samples.append((time.perf_counter() - start) * 1e3)
        return Timed(statistics.median(samples), tuple(samples), value)


@dataclass
class CudaEventTimer:
    """A pair of CUDA events around each call; the host waits for the end event only."""

    event: Callable[[], Event] = field(default=lambda: torch.cuda.Event(enable_timing=True))
    synchronize: Callable[[], None] = field(default=lambda: torch.cuda.synchronize())
    kind: str = "cuda-events"

    def measure(self, fn: Callable[[], T], *, repeat: int, warmup: int = 1) -> Timed[T]:
        value = _warm(fn, warmup)
        self.synchronize()
        samples = []
        for _ in range(max(1, repeat)):
            start, end = self.event(), self.event()
            start.record()
            value = fn()
            end.record()
            end.synchronize()
            samples.append(float(start.elapsed_time(end)))
        return Timed(statistics.median(samples), tuple(samples), value)


def _warm(fn: Callable[[], T], warmup: int) -> Any:
    value = None
    for _ in range(warmup):
        value = fn()
    return value


def timer_for(device: torch.device) -> Timer:
    return CudaEventTimer() if device.type == "cuda" else WallClockTimer()


@dataclass
class PeakMemory:
    """Filled in when the :func:`peak_memory` block ends.

    ``kind`` says what was measured: ``cuda-max-allocated`` (the caching
    allocator's peak during the block) or ``process-max-rss`` (the whole
    process's peak resident size so far: torch's CPU allocations are not
    tracked per block).
    """

    kind: str
    bytes: int = 0


@contextmanager
def peak_memory(device: torch.device) -> Iterator[PeakMemory]:
    if device.type != "cuda":
        probe = PeakMemory("process-max-rss")
        yield probe
        probe.bytes = process_max_rss()
        return
    probe = PeakMemory("cuda-max-allocated")
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    yield probe
    torch.cuda.synchronize(device)
    probe.bytes = int(torch.cuda.max_memory_allocated(device))


def process_max_rss() -> int:
    """Peak resident set size of this process in bytes (``ru_maxrss`` is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)

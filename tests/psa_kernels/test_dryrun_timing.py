"""Dry-run timing and measurement helpers, checked by logic on the CPU (fake CUDA events)."""

from __future__ import annotations

import math

import pytest
import torch

from psa_kernels.dryrun.pipeline import arranged, compare, level_shares, sample_blocks
from psa_kernels.dryrun.timing import CudaEventTimer, WallClockTimer, peak_memory, timer_for


class FakeClock:
    """Events that read a fake clock advanced by the timed function."""

    def __init__(self) -> None:
        self.now = 0.0
        self.log: list[str] = []

    def event(self) -> FakeEvent:
        return FakeEvent(self)


class FakeEvent:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.at: float | None = None

    def record(self) -> None:
        self.at = self.clock.now
        self.clock.log.append("record")

    def synchronize(self) -> None:
        self.clock.log.append("sync")

    def elapsed_time(self, end: FakeEvent) -> float:
        assert self.at is not None and end.at is not None
        return end.at - self.at


def test_cuda_event_timer_reports_the_median_after_warmup() -> None:
    clock = FakeClock()
    durations = iter([100.0, 5.0, 1.0, 9.0, 3.0])  # the first call is the warmup (e.g. a Triton compile)
    calls: list[float] = []

    def work() -> float:
        took = next(durations)
        clock.now += took
        calls.append(took)
        return took

    synced: list[bool] = []
    timer = CudaEventTimer(event=clock.event, synchronize=lambda: synced.append(True))
    timed = timer.measure(work, repeat=4, warmup=1)
    assert timed.samples == (5.0, 1.0, 9.0, 3.0)
    assert timed.median_ms == 4.0
    assert timed.value == 3.0
    assert len(calls) == 5 and synced == [True]
    assert clock.log.count("record") == 8 and clock.log.count("sync") == 4


def test_wall_clock_timer_runs_repeat_times() -> None:
    calls: list[int] = []
    timed = WallClockTimer().measure(lambda: calls.append(1) or len(calls), repeat=3, warmup=1)
    assert len(calls) == 4 and timed.value == 4
    assert len(timed.samples) == 3 and all(s >= 0 for s in timed.samples)
    assert min(timed.samples) <= timed.median_ms <= max(timed.samples)


def test_cpu_timer_and_memory_kind() -> None:
    assert timer_for(torch.device("cpu")).kind == "cpu-wall-clock"
    with peak_memory(torch.device("cpu")) as probe:
        torch.ones(1000)
    assert probe.kind == "process-max-rss" and probe.bytes > 0


def test_compare_relative_error_and_cosine() -> None:
    ref = torch.tensor([[[[3.0, 4.0]]]])
    assert compare(ref, ref) == (0.0, 1.0)
    rel, cos = compare(torch.tensor([[[[3.0, 0.0]]]]), ref)
    assert rel == pytest.approx(4.0 / 5.0)
    assert cos == pytest.approx(9.0 / (3.0 * 5.0))
    rel, cos = compare(2 * ref, ref)
    assert rel == pytest.approx(1.0) and cos == pytest.approx(1.0)
    assert compare(torch.zeros(1, 1, 1, 2), torch.zeros(1, 1, 1, 2)) == (0.0, 1.0)
    assert math.isinf(compare(ref, torch.zeros(1, 1, 1, 2))[0])


def test_level_shares_count_every_block() -> None:
    levels = torch.tensor([[[[1, 2, 0, 0], [8, 8, 4, 0]]]], dtype=torch.int8)
    shares = level_shares(levels)
    assert shares == {1: 1 / 8, 2: 1 / 8, 4: 1 / 8, 8: 2 / 8, 0: 3 / 8}
    assert sum(shares.values()) == pytest.approx(1.0)


def test_sample_blocks_are_distinct_sorted_and_reproducible() -> None:
    blocks = sample_blocks(100, 8, seed=3)
    assert blocks == sorted(set(blocks)) and len(blocks) == 8 and all(0 <= b < 100 for b in blocks)
    assert blocks == sample_blocks(100, 8, seed=3)
    assert sample_blocks(3, 8, seed=0) == [0, 1, 2]


def test_arranged_moves_text_behind_the_video() -> None:
    x = torch.arange(6.0).view(1, 1, 6, 1)
    assert arranged(x, 2, True).flatten().tolist() == [2, 3, 4, 5, 0, 1]
    assert arranged(x, 2, False) is x
    assert arranged(x, 0, True) is x

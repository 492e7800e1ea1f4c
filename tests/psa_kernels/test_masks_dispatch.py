"""Which path ``assign_levels_fast`` takes (the module docstring's promise), and each path on tiny exact rows.

``method="auto"`` runs the Triton kernels on CUDA or under the Triton interpreter, for float32 scores
with 1 to ``MAX_TRITON_KEYS`` key blocks, and the PyTorch path everywhere else. The two paths compute
the same levels, so the decision is checked by recording which one runs; it matters beyond speed: the
Triton sort reads 32-bit floats (other dtypes would be misread) and divides by ``Nk`` (no empty rows).
"""

from __future__ import annotations

import pytest
import torch
from kernel_presets import make_preset
from walk_oracle import oracle_levels, rank_levels

from psa_kernels import masks

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


@pytest.fixture(name="calls")
def calls_fixture(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which path each call takes; both paths then return zeros."""
    calls: list[str] = []

    def fake_triton(scores: torch.Tensor, preset, sort_warps, sort_keys) -> torch.Tensor:
        calls.append("triton")
        return torch.zeros(scores.shape, dtype=torch.int8, device=scores.device)

    def fake_torch(scores: torch.Tensor, preset) -> torch.Tensor:
        calls.append("torch")
        return torch.zeros(scores.shape, dtype=torch.int8, device=scores.device)

    monkeypatch.setattr(masks, "_assign_triton", fake_triton)
    monkeypatch.setattr(masks, "_assign_torch", fake_torch)
    if DEVICE == "cpu":
        monkeypatch.setenv("TRITON_INTERPRET", "1")
    return calls


def _path(calls: list[str], scores: torch.Tensor, method: str = "auto") -> str:
    masks.assign_levels_fast(scores, make_preset(), k=None, text_length=0, method=method)
    return calls.pop()


@pytest.mark.parametrize("rows, nk", [(1, 1), (2, 1), (2, 7), (2, masks.MAX_TRITON_KEYS)])
def test_auto_takes_triton_for_float32_rows_up_to_the_limit(calls: list[str], rows: int, nk: int) -> None:
    assert _path(calls, torch.zeros(1, 1, rows, nk, device=DEVICE)) == "triton"


@pytest.mark.parametrize(
    "shape, dtype",
    [
        ((1, 1, 2, masks.MAX_TRITON_KEYS + 1), torch.float32),
        ((1, 1, 2, 7), torch.float64),
        ((1, 1, 2, 7), torch.float16),
        ((1, 1, 2, 7), torch.bfloat16),
        ((1, 1, 2, 0), torch.float32),  # rows without key blocks
        ((1, 1, 0, 7), torch.float32),  # no rows
    ],
    ids=["longer-rows", "float64", "float16", "bfloat16", "no-key-blocks", "no-rows"],
)
def test_auto_takes_torch_elsewhere(calls: list[str], shape: tuple[int, ...], dtype: torch.dtype) -> None:
    assert _path(calls, torch.zeros(shape, dtype=dtype, device=DEVICE)) == "torch"


def test_auto_takes_torch_on_the_cpu_without_the_interpreter(calls: list[str], monkeypatch) -> None:
    for value in (None, "0", ""):
        if value is None:
            monkeypatch.delenv("TRITON_INTERPRET", raising=False)
        else:
            monkeypatch.setenv("TRITON_INTERPRET", value)
        assert _path(calls, torch.zeros(1, 1, 2, 7)) == "torch"


def test_auto_takes_torch_without_triton(calls: list[str], monkeypatch) -> None:
    monkeypatch.setattr(masks, "triton", None)
    assert _path(calls, torch.zeros(1, 1, 2, 7, device=DEVICE)) == "torch"


def test_explicit_methods_take_their_path(calls: list[str]) -> None:
    scores = torch.zeros(1, 1, 2, 7, dtype=torch.float64, device=DEVICE)
    assert _path(calls, scores, "triton") == "triton"
    assert _path(calls, scores.float(), "torch") == "torch"
    with pytest.raises(ValueError, match="method must be auto, triton or torch, got 'fast'"):
        _path(calls, scores, "fast")
    assert calls == []


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16])
@pytest.mark.parametrize("mode", ["topk", "thresholdbound"])
def test_auto_assignment_of_other_dtypes_equals_the_oracle(mode: str, dtype: torch.dtype) -> None:
    """Not only routed elsewhere: right (the float16 scores are exact dyadic values)."""
    preset = make_preset(mask_mode=mode, mask_ratios={1: [0.0, 0.3], 2: [0.3, 0.6], 8: [0.6, 0.9], 0: [0.9, 1.0]})
    rows = [[3.0, 0.5, 8.0, 1.0, 0.25, 2.0, 4.0, 0.125, 1.5, 6.0], [1.0] * 10]
    levels = masks.assign_levels_fast(
        torch.tensor(rows, dtype=dtype, device=DEVICE)[None, None], preset, k=None, text_length=0
    )
    ratios = preset.levels_in_order()
    assert levels[0, 0].tolist() == [oracle_levels(row, mode, 32, 32, ratios) for row in rows]


# ----------------------------------------------------------------------------- each path, exactly

TBOUND_RATIOS = [(2, 0.0, 0.25), (8, 0.0, 0.6), (1, 0.0, 0.25), (4, 0.0, 0.1), (0, 0.0, 1.0)]
"""Walked by end: 4 (no share under 0.1: gets nothing), 2, 1 (equal end, file order: only up to the
floor index), 8, 0; shares of the flat 8-block row are k/8, so 0.25 is met exactly."""
TBOUND_ROWS = [
    [1.0] * 8, [8.0, 4.0, 0.0, 2.0, 1.0, 0.5, 0.25, 0.25], [0.0] * 8, [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
]
TILINGS = [(32, 32), (64, 32), (128, 32)]


def _assign(scores: torch.Tensor, preset, method: str, **options: object) -> list:
    return masks.assign_levels_fast(scores, preset, k=None, text_length=0, method=method, **options)[0].tolist()


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the all-zero row's 0/0 shares
@pytest.mark.parametrize("n, tile_n", TILINGS)
@pytest.mark.parametrize("method, options", [("torch", {}), ("triton", {}), ("triton", {"sort_keys": 0})])
def test_thresholdbound_paths_on_tiny_rows_equal_the_oracle(method: str, options: dict, n: int, tile_n: int) -> None:
    preset = make_preset(block_size={"m": 64, "n": n, "tile_n": tile_n}, mask_mode="thresholdbound",
                         mask_ratios={level: [start, end] for level, start, end in TBOUND_RATIOS})
    scores = torch.tensor([TBOUND_ROWS, TBOUND_ROWS[::-1]], device=DEVICE)[None]  # two heads
    expected = [[oracle_levels(row, "thresholdbound", n, tile_n, TBOUND_RATIOS) for row in rows]
                for rows in (TBOUND_ROWS, TBOUND_ROWS[::-1])]
    assert _assign(scores, preset, method, **options) == expected


TOPK_RATIOS = [(2, 0.0, 0.3), (1, 0.0, 0.45), (8, 0.0, 0.5), (4, 0.0, 0.95)]
"""File order; level 1 after 2; level 8 gets at most one rank (rounded); ranks past 0.95 skipped."""
TOPK_ROWS = [[float(j % 5) for j in range(17)], [2.0 ** -j for j in range(17)], [1.0] * 17]


@pytest.mark.parametrize("n, tile_n", TILINGS)
@pytest.mark.parametrize("method", ["torch", "triton"])
def test_topk_paths_on_rows_of_17_blocks_equal_the_oracle(method: str, n: int, tile_n: int) -> None:
    """17 key blocks: the in-register sort pads to 32 lanes."""
    preset = make_preset(block_size={"m": 64, "n": n, "tile_n": tile_n}, mask_mode="topk",
                         mask_ratios={level: [start, end] for level, start, end in TOPK_RATIOS})
    scores = torch.tensor(TOPK_ROWS, device=DEVICE)[None, None]
    expected = [[oracle_levels(row, "topk", n, tile_n, TOPK_RATIOS) for row in TOPK_ROWS]]
    assert _assign(scores, preset, method) == expected


@pytest.mark.parametrize("nk", [1, 2, 17])
def test_thresholdbound_triton_walk_of_odd_row_lengths_equals_the_oracle(nk: int) -> None:
    ratios = [(1, 0.0, 0.5), (2, 0.5, 0.8), (0, 0.8, 1.0)]
    preset = make_preset(mask_mode="thresholdbound", mask_ratios={level: [s, e] for level, s, e in ratios})
    rows = [[float((7 * j) % 11 + 1) for j in range(nk)]]
    expected = [[oracle_levels(row, "thresholdbound", 32, 32, ratios) for row in rows]]
    assert _assign(torch.tensor(rows, device=DEVICE)[None, None], preset, "triton") == expected


class _LaunchRecorder:
    """Stands in for a Triton kernel: records each launch's grid, then launches the kernel."""

    def __init__(self, kernel: object, launches: list) -> None:
        self.kernel, self.launches = kernel, launches

    def __getitem__(self, grid: tuple[int, ...]) -> object:
        self.launches.append(grid)
        return self.kernel[grid]


@pytest.mark.parametrize(
    "mode, nk, sort_keys, sorted_in_registers",
    [("topk", 7, 7, True), ("topk", 8, 7, False), ("thresholdbound", 6, 6, True), ("thresholdbound", 7, 6, False)],
)
def test_rows_up_to_sort_keys_are_sorted_in_registers(
    monkeypatch: pytest.MonkeyPatch, mode: str, nk: int, sort_keys: int, sorted_in_registers: bool
) -> None:
    """The docstring's split: longer rows sort with ``torch.sort`` (topk: the whole PyTorch path)."""
    launches: list = []
    monkeypatch.setattr(masks, "_sort_rows", _LaunchRecorder(masks._sort_rows, launches))
    ratios = [(1, 0.0, 0.4), (2, 0.4, 0.7), (0, 0.7, 1.0)]
    preset = make_preset(mask_mode=mode, mask_ratios={level: [s, e] for level, s, e in ratios})
    rows = [[float((5 * j) % 7) for j in range(nk)]] * 3
    levels = _assign(torch.tensor(rows, device=DEVICE)[None, None], preset, "triton", sort_keys=sort_keys)
    assert levels == [[oracle_levels(row, mode, 32, 32, ratios) for row in rows]]
    assert launches == ([(3,)] if sorted_in_registers else [])


def test_thresholdbound_rows_over_threshold_sort_keys_are_sorted_by_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    launches: list = []
    monkeypatch.setattr(masks, "_sort_rows", _LaunchRecorder(masks._sort_rows, launches))
    monkeypatch.setattr(masks, "THRESHOLD_SORT_KEYS", 5)
    preset = make_preset(mask_mode="thresholdbound")
    for nk, expected_launches in ((5, [(1,)]), (6, [])):
        _assign(torch.rand(1, 1, 1, nk, device=DEVICE), preset, "triton")
        assert launches == expected_launches
        launches.clear()


def test_aligned_length_rounds_up_within_room_else_down() -> None:
    cases = [(5, 4, 10), (5, 4, 8), (5, 4, 7), (8, 4, 8), (0, 2, 5), (3, 1, 3), (7, 8, 7), (9, 8, 16)]
    assert [masks._aligned_length(*case) for case in cases] == [8, 8, 4, 8, 0, 3, 0, 16]


@pytest.mark.parametrize("n, tile_n", TILINGS)
def test_topk_ranks_equal_the_oracle(n: int, tile_n: int) -> None:
    walk = ((8, 0.0, 0.3), (1, 0.0, 0.1), (2, 0.3, 0.55), (4, 0.0, 0.99), (0, 0.99, 1.0))
    for nk in (1, 9, 23):
        ranks = masks._topk_ranks(nk, n, tile_n, walk, torch.device(DEVICE))
        assert ranks.dtype == torch.int8
        assert ranks.tolist() == rank_levels([1.0] * nk, "topk", n, tile_n, walk)


@pytest.mark.parametrize(
    "method, dtype", [("torch", torch.float64), ("torch", torch.float32), ("triton", torch.float32)]
)
def test_a_share_exactly_at_end_plus_eps_counts(method: str, dtype: torch.dtype) -> None:
    """``c_k <= end + 1e-6``: with end = 0.499999 the flat row's share 2/4 is exactly at the limit 0.5."""
    ratios = [(1, 0.0, 0.0), (2, 0.0, 0.499999), (0, 0.499999, 1.0)]
    preset = make_preset(block_size={"m": 32, "n": 128, "tile_n": 32}, mask_mode="thresholdbound",
                         mask_ratios={level: [s, e] for level, s, e in ratios})
    scores = torch.ones(1, 1, 1, 4, dtype=dtype, device=DEVICE)  # shares .25 .5 .75 1
    assert _assign(scores, preset, method) == [[[1, 2, 2, 0]]]  # level 1 up to the floor index 1


@pytest.mark.parametrize("mode", ["topk", "thresholdbound"])
@pytest.mark.parametrize("method", ["torch", "triton"])
def test_several_batches_heads_and_query_blocks_equal_the_oracle(method: str, mode: str) -> None:
    ratios = [(1, 0.0, 0.3), (4, 0.3, 0.6), (2, 0.6, 0.8), (0, 0.8, 1.0)]
    preset = make_preset(block_size={"m": 32, "n": 64, "tile_n": 32}, mask_mode=mode,
                         mask_ratios={level: [start, end] for level, start, end in ratios})
    raw = torch.randint(0, 6, (2, 2, 3, 9), generator=torch.Generator().manual_seed(1)).float()
    levels = masks.assign_levels_fast(raw.to(DEVICE), preset, k=None, text_length=0, method=method)
    assert levels.dtype == torch.int8
    expected = [[[oracle_levels(row, mode, 64, 32, ratios) for row in head] for head in batch]
                for batch in raw.tolist()]
    assert levels.tolist() == expected


@pytest.mark.parametrize("method", ["torch", "triton"])
def test_similarity_cap_without_keys_is_refused(method: str) -> None:
    preset = make_preset(block_size={"m": 128, "n": 128, "tile_n": 32}, attn_impl="old_mask_type", use_sim_mask=True,
                         sim_thresholds={"x2": 0.0, "x4": 0.0, "x8": 0.0})
    with pytest.raises(ValueError, match="^use_sim_mask needs the key tensor k for the similarity cap$"):
        masks.assign_levels_fast(torch.ones(1, 1, 1, 4, device=DEVICE), preset, k=None, text_length=0, method=method)


def _old_mask_preset(**overrides: object):
    return make_preset(block_size={"m": 128, "n": 128, "tile_n": 32}, attn_impl="old_mask_type",
                       mask_ratios={1: [0, 0.25], 2: [0.25, 0.5], 8: [0.5, 1.0]}, **overrides)  # a(8) = 2


@pytest.mark.parametrize("method", ["torch", "triton"])
def test_text_length_defaults_to_the_presets_then_to_zero(method: str) -> None:
    scores = torch.tensor([[[[4.0, 3.0, 2.0, 1.0]]]], device=DEVICE)  # levels 1, 2, 8, 8 by rank

    def levels(preset, text_length: int | None) -> list:
        return masks.assign_levels_fast(scores, preset, k=None, text_length=text_length, method=method)[0, 0].tolist()

    assert levels(_old_mask_preset(text_length=129), None) == [[1, 2, 1, 1]]  # ceil(129 / 128) = 2 blocks
    assert levels(_old_mask_preset(text_length=129), 0) == [[1, 2, 8, 8]]
    assert levels(_old_mask_preset(), None) == [[1, 2, 8, 8]]


@pytest.mark.parametrize("method", ["torch", "triton"])
def test_similarity_cap_keeps_an_int8_level_map(method: str) -> None:
    preset = _old_mask_preset(use_sim_mask=True, sim_thresholds={"x2": 0.5, "x4": 0.5, "x8": 0.5})
    scores = torch.tensor([[[[4.0, 3.0, 2.0, 1.0]]] * 2], device=DEVICE)
    noisy = torch.randn(1, 1, 512, 16, generator=torch.Generator().manual_seed(3))
    smooth = torch.randn(1, 1, 1, 16, generator=torch.Generator().manual_seed(4)).expand(1, 1, 512, 16)
    k = torch.cat([noisy, smooth], dim=1).to(DEVICE)  # head 0: every cap 1; head 1: every cap 8
    levels = masks.assign_levels_fast(scores, preset, k=k, text_length=0, method=method)
    assert levels.dtype == torch.int8
    assert levels[0, :, 0].tolist() == [[1, 1, 1, 1], [1, 2, 8, 8]]


class _LaunchStub:
    """Stands in for a Triton kernel without running it: records each launch's grid and ``num_warps``."""

    def __init__(self, name: str, launches: list) -> None:
        self.name, self.launches = name, launches

    def __getitem__(self, grid: tuple[int, ...]) -> object:
        def launch(*args: object, **options: object) -> None:
            self.launches.append((self.name, grid, options.get("num_warps")))

        return launch


@pytest.mark.parametrize(
    "mode, nk, sort_warps, expected",
    [
        ("topk", 7, None, [("sort", (2,), 1)]),
        ("topk", 600, None, [("sort", (2,), 2)]),  # 1024 lanes: a warp per 512 keys
        ("topk", 7, 4, [("sort", (2,), 4)]),
        ("thresholdbound", 7, None, [("sort", (2,), 1), ("walk", (2,), 1)]),
        ("thresholdbound", 600, None, [("walk", (2,), 2)]),  # sorted by torch.sort
        ("thresholdbound", 7, 3, [("sort", (2,), 3), ("walk", (2,), 3)]),
    ],
)
def test_launches_take_a_warp_per_512_keys_or_the_sort_warps_asked_for(
    monkeypatch: pytest.MonkeyPatch, mode: str, nk: int, sort_warps: int | None, expected: list
) -> None:
    """``sort_warps`` is the benchmarks' knob; the default is the module docstring's warp per 512 keys."""
    launches: list = []
    monkeypatch.setattr(masks, "_sort_rows", _LaunchStub("sort", launches))
    monkeypatch.setattr(masks, "_threshold_walk", _LaunchStub("walk", launches))
    scores = torch.rand(1, 1, 2, nk, device=DEVICE)
    masks.assign_levels_fast(scores, make_preset(mask_mode=mode), k=None, text_length=0, method="triton",
                             sort_warps=sort_warps)
    assert launches == expected
    assert all(type(warps) is int for _, _, warps in launches)

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
from walk_oracle import oracle_levels

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


@pytest.mark.parametrize("nk", [1, 7, masks.MAX_TRITON_KEYS])
def test_auto_takes_triton_for_float32_rows_up_to_the_limit(calls: list[str], nk: int) -> None:
    assert _path(calls, torch.zeros(1, 1, 2, nk, device=DEVICE)) == "triton"


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

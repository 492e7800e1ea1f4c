"""Public API: dispatch, ValueError on bad input, estimate/assign/build/density wiring."""

from __future__ import annotations

import pytest
import torch

import psa_kernels
from psa_kernels import reference as ref


def _qkv(shape=(1, 2, 96, 64), dtype=torch.float32) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return [torch.randn(shape, generator=gen, dtype=dtype) for _ in range(3)]


def _call(**overrides):
    q, k, v = _qkv()
    args = {"q": q, "k": k, "v": v, "levels": torch.ones(1, 2, 3, 3, dtype=torch.int8)}
    kwargs = {"block_m": 32, "block_n": 32}
    for key, value in overrides.items():
        (args if key in args else kwargs)[key] = value
    return psa_kernels.pyramid_attention(args["q"], args["k"], args["v"], args["levels"], **kwargs)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"q": torch.zeros(2, 96, 64)}, "rank 4"),
        ({"k": torch.zeros(1, 2, 64, 64)}, "Lq must equal Lk"),
        ({"v": torch.zeros(1, 2, 96, 64, dtype=torch.float16)}, "dtype"),
        ({"levels": torch.ones(1, 2, 3, 4, dtype=torch.int8)}, "levels must have shape"),
        ({"levels": torch.full((1, 2, 3, 3), 3, dtype=torch.int8)}, "found 3"),
        ({"levels": torch.ones(1, 2, 3, 3)}, "integer tensor"),
        ({"block_m": 48}, "block_m"),
        ({"block_n": 512}, "block_n"),
        ({"tile_n": 48}, "tile_n"),
        ({"tile_n": 64}, "tile_n"),
        ({"sm_scale": -1.0}, "sm_scale"),
        ({"sm_scale": float("nan")}, "sm_scale"),
        ({"backend": "cuda"}, "backend"),
        ({"q": torch.zeros(1, 2, 96, 64, dtype=torch.int32)}, "floating-point"),
    ],
)
def test_bad_input_raises_value_error(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _call(**overrides)


def test_triton_head_dim_must_be_64_or_128() -> None:
    q, k, v = (x.to("cuda" if torch.cuda.is_available() else "cpu") for x in _qkv((1, 1, 64, 32)))
    with pytest.raises(ValueError, match="head dim"):
        psa_kernels.pyramid_attention(q, k, v, torch.ones(1, 1, 2, 2, dtype=torch.int8, device=q.device),
                                      block_m=32, block_n=32, backend="triton")


@pytest.mark.parametrize("value", [3, -1, 16])
def test_triton_path_rejects_bad_level_values(value: int) -> None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    q, k, v = (x.to(device) for x in _qkv())
    levels = torch.ones(1, 2, 3, 3, dtype=torch.int8, device=device)
    levels[0, 1, 2, 0] = value
    with pytest.raises(ValueError, match=f"found {value}"):
        psa_kernels.pyramid_attention(q, k, v, levels, block_m=32, block_n=32, backend="triton")


def test_triton_on_cpu_without_interpreter_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRITON_INTERPRET", "0")
    q, k, v = _qkv()
    with pytest.raises(ValueError, match="TRITON_INTERPRET"):
        psa_kernels.pyramid_attention(q, k, v, torch.ones(1, 2, 3, 3, dtype=torch.int8), block_m=32, block_n=32,
                                      backend="triton")


def test_auto_on_cpu_runs_the_reference() -> None:
    q, k, v = _qkv((1, 1, 50, 16))
    levels = torch.tensor([[[[1, 2], [0, 4]]]])
    out = psa_kernels.pyramid_attention(q, k, v, levels, block_m=32, block_n=32)
    torch.testing.assert_close(out, ref.pyramid_attention(q, k, v, levels, block_m=32, block_n=32))


def test_density_validates_and_counts() -> None:
    levels = torch.tensor([[[[1, 2], [0, 8]]]])
    assert psa_kernels.density(levels, block_m=32, block_n=32, seq_len=64) == pytest.approx((1 + 0.5 + 0.125) / 4)
    with pytest.raises(ValueError, match="shape"):
        psa_kernels.density(levels, block_m=32, block_n=32, seq_len=100)
    with pytest.raises(ValueError, match="seq_len"):
        psa_kernels.density(levels, block_m=32, block_n=32, seq_len=0)


def test_build_levels_is_estimate_then_assign(preset_factory) -> None:
    q, k, _ = _qkv((1, 2, 200, 64))
    preset = preset_factory()
    levels = psa_kernels.build_levels(q, k, preset, seed=5)
    scores = ref.estimate_importance(q, k, block_m=32, block_n=32, seed=5)
    assert torch.equal(levels, ref.assign_levels(scores, preset))
    assert levels.shape == (1, 2, 7, 7)


def test_estimate_is_seeded_and_normalised() -> None:
    q, k, _ = _qkv((1, 2, 200, 64))
    a = psa_kernels.estimate_importance(q, k, block_m=64, block_n=32, seed=1)
    b = psa_kernels.estimate_importance(q, k, block_m=64, block_n=32, seed=1)
    assert torch.equal(a, b)
    torch.testing.assert_close(a.sum(-1), torch.ones(1, 2, 4, dtype=a.dtype))


def test_preset_must_be_psa() -> None:
    from psa_config.model import DensePreset

    q, k, _ = _qkv()
    with pytest.raises(ValueError, match="PsaPreset"):
        psa_kernels.build_levels(q, k, DensePreset(type="dense"))


def test_sim_mask_needs_k(preset_factory) -> None:
    preset = preset_factory(
        attn_impl="old_mask_type", use_sim_mask=True, block_size={"m": 128, "n": 128, "tile_n": 32},
        sim_thresholds={"x2": 0.0, "x4": 0.0, "x8": -1.0},
    )
    with pytest.raises(ValueError, match="k"):
        psa_kernels.assign_levels(torch.rand(1, 1, 2, 2), preset)

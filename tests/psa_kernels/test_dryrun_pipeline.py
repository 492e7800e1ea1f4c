"""One preset through the pipeline: the error against sampled reference blocks, and on the GPU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

import psa_kernels
from psa_config.cli import main
from psa_kernels.data import random_qkv
from psa_kernels.dryrun.pipeline import RunContext, dense_baseline, output_error
from psa_kernels.dryrun.timing import WallClockTimer

PUBLISHED = str(Path(__file__).resolve().parents[2] / "configs" / "attention_config.yaml")


def _context(qkv: psa_kernels.data.Qkv) -> RunContext:
    timer = WallClockTimer()
    baseline = dense_baseline(qkv, timer, torch.device("cpu"), 1, 0)
    return RunContext(qkv, baseline, timer, torch.device("cpu"), 1, 0, seed=0, reference_blocks=3)


def test_error_against_sampled_reference_blocks(preset_factory) -> None:  # type: ignore[no-untyped-def]
    preset = preset_factory()
    qkv = random_qkv(1, 2, 150, 64, seed=4)
    ctx = _context(qkv)
    levels = psa_kernels.build_levels(qkv.q, qkv.k, preset, seed=0)
    out = psa_kernels.pyramid_attention(qkv.q, qkv.k, qkv.v, levels, block_m=32, block_n=32, backend="reference")
    # labelled "triton" so the sampled-reference comparison runs; the output is the reference's own
    same = output_error(out, ctx.baseline.out, qkv, levels, preset, ctx, "triton")
    assert same.reference_rel_l2 is not None and same.reference_rel_l2 < 1e-6
    assert len(same.reference_blocks) == 3 and all(0 <= b < 5 for b in same.reference_blocks)
    assert 0 < same.dense_rel_l2 and same.dense_cosine < 1
    rows = torch.cat([torch.arange(b * 32, min(150, (b + 1) * 32)) for b in same.reference_blocks])
    broken = out.clone()
    broken[:, :, rows] *= 2
    assert output_error(broken, ctx.baseline.out, qkv, levels, preset, ctx, "triton").reference_rel_l2 == (
        pytest.approx(1.0, rel=1e-4)
    )
    on_cpu = output_error(out, ctx.baseline.out, qkv, levels, preset, ctx, "reference")
    assert on_cpu.reference_rel_l2 is None and on_cpu.dense_rel_l2 == same.dense_rel_l2


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("model", ["Wan2.1_1.3b", "CogVideo_5b", "Wan2.2_5B"])
def test_every_published_preset_matches_the_reference_on_the_gpu(
    capsys: pytest.CaptureFixture[str], model: str
) -> None:
    assert main(["dry-run", PUBLISHED, "--model", model, "--all", "--repeat", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["device"] == "cuda" and report["reduced"] is None and report["dtype"] == "bf16"
    for preset in report["presets"]:
        if preset["type"] == "psa":
            assert preset["backend"] == "triton"
            assert preset["error"]["reference_rel_l2"] <= 1e-2, preset["name"]
            assert preset["times_ms"]["kernel"] > 0

"""Kernel benchmark at the shapes and presets of measurements.md (CUDA only).

    python benchmarks/kernels.py                 # the table + the (n, level) correctness rows
    python benchmarks/kernels.py --sweep         # kernel launch variants per row
    python benchmarks/kernels.py --rows 0,4 --json out.json
    python benchmarks/kernels.py --mask-only     # dense, estimate, mask (Triton and PyTorch paths) per row
    python benchmarks/kernels.py --estimate-sweep  # estimate variants (float32 / float16 block maxima, tiles)
    python benchmarks/kernels.py --peer          # FlexAttention and ours on one level-1/skip map
    python benchmarks/kernels.py --peer --peer-variants   # ... plus our kernel's launch variants

Every time is a median of CUDA-event timings; every ratio is against dense
SDPA measured in the same process on the same tensors. The published
implementation's ratios (measurements.md, H100) are printed beside ours.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psa_kernels  # noqa: E402
from psa_config.model import PsaPreset  # noqa: E402
from psa_kernels import reference  # noqa: E402

SHAPES = {
    "CogVideoX-5B": (1, 48, 17776, 64),
    "Wan2.1-1.3B 480p": (1, 12, 32760, 128),
    "Wan2.1-14B 720p": (1, 40, 75600, 128),
}
TOPK = {1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1.0]}
TOPK32 = {1: [0.0, 0.05], 2: [0.05, 0.1], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}
THRESHOLD = {1: [0.0, 0.4], 2: [0.4, 0.5], 4: [0.5, 0.6], 8: [0.6, 0.8], 0: [0.8, 1.0]}
OLD = {1: [0.0, 0.05], 2: [0.05, 0.15], 4: [0.15, 0.25], 8: [0.25, 0.5], 0: [0.5, 1.0]}
PRESETS = {
    "topk, n=128": (128, "topk", "new_mask_type", TOPK),
    "topk, n=64": (64, "topk", "new_mask_type", TOPK),
    "old_mask_type topk": (128, "topk", "old_mask_type", OLD),
    "topk, n=32": (32, "topk", "new_mask_type", TOPK32),
    "thresholdbound, n=128": (128, "thresholdbound", "new_mask_type", THRESHOLD),
}
# (shape, preset, published total speedup, published kernel/ideal, published estimate+mask / dense)
ROWS = [
    ("CogVideoX-5B", "topk, n=128", 1.39, 0.29, 1.7 / 9.1),
    ("CogVideoX-5B", "topk, n=64", 1.22, 0.25, 1.8 / 9.1),
    ("CogVideoX-5B", "old_mask_type topk", 1.48, 0.35, 2.5 / 9.3),
    ("Wan2.1-1.3B 480p", "topk, n=32", 1.52, 0.21, 2.1 / 11.4),
    ("Wan2.1-1.3B 480p", "topk, n=128", 1.88, 0.37, 1.6 / 11.7),
    ("Wan2.1-1.3B 480p", "thresholdbound, n=128", 0.83, 0.42, 2.9 / 11.5),
    ("Wan2.1-14B 720p", "thresholdbound, n=128", 1.04, 0.43, 21.8 / 204.8),
    ("Wan2.1-14B 720p", "topk, n=128", 2.17, 0.41, 20.0 / 207.5),
]


def make_preset(name: str) -> PsaPreset:
    n, mode, impl, ratios = PRESETS[name]
    return PsaPreset.model_validate({
        "type": "psa", "use_sim_mask": False, "block_size": {"m": 128, "n": n, "tile_n": 32},
        "mask_ratios": ratios, "mask_mode": mode, "attn_impl": impl,
    })


def cuda_median_ms(fn: Callable[[], object], budget_ms: float = 1500.0, most: int = 20) -> float:
    """Median of CUDA-event timings after one warm-up; repeats fit ``budget_ms`` (5..most)."""
    fn()
    torch.cuda.synchronize()
    times: list[float] = []
    reps = most
    while len(times) < reps:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
        if len(times) == 1:
            reps = max(5, min(most, int(budget_ms / max(times[0], 1e-3))))
    return statistics.median(times)


def rel_err_on_blocks(out: torch.Tensor, q, k, v, levels, preset: PsaPreset, causal: bool = False) -> float:
    size = preset.block_size
    mq = levels.shape[2]
    blocks = sorted({0, mq // 3, (2 * mq) // 3, mq - 1})
    rows = reference.block_rows(blocks, size.m, q.shape[2]).to(q.device)
    expected = reference.pyramid_attention(
        q.float(), k.float(), v.float(), levels, block_m=size.m, block_n=size.n, query_blocks=blocks,
        causal=causal, max_elements=1 << 28,
    ).double()
    return float((out[:, :, rows].double() - expected).norm() / expected.norm())


@dataclass
class Row:
    shape: str
    preset: str
    dense_ms: float
    total_ms: float
    estimate_ms: float
    mask_ms: float
    kernel_ms: float
    density: float
    speedup: float
    kernel_ideal: float
    est_mask_share: float
    rel_err: float
    published_speedup: float
    published_kernel_ideal: float
    published_est_mask_share: float


def random_qkv_bf16(batch: int, heads: int, length: int, dim: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Seeded random bf16 Q, K, V on the GPU (the same tensors for every variant of a row)."""
    gen = torch.Generator(device="cuda").manual_seed(0)
    return tuple(  # type: ignore[return-value]
        torch.randn(batch, heads, length, dim, device="cuda", dtype=torch.bfloat16, generator=gen) for _ in range(3)
    )


def run_row(shape_name: str, preset_name: str, published: tuple[float, float, float], **launch) -> Row:
    batch, heads, length, dim = SHAPES[shape_name]
    preset = make_preset(preset_name)
    size = preset.block_size
    q, k, v = random_qkv_bf16(batch, heads, length, dim)
    dense = cuda_median_ms(lambda: F.scaled_dot_product_attention(q, k, v))
    scores = psa_kernels.estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=0)
    levels = psa_kernels.assign_levels(scores, preset, k=k, text_length=0)
    estimate = cuda_median_ms(lambda: psa_kernels.estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=0))
    mask = cuda_median_ms(lambda: psa_kernels.assign_levels(scores, preset, k=k, text_length=0))
    attend = _attention_fn(q, k, v, levels, preset, **launch)
    kernel = cuda_median_ms(attend)
    out = attend()
    dens = psa_kernels.density(levels, block_m=size.m, block_n=size.n, seq_len=length)
    total = estimate + mask + kernel
    err = rel_err_on_blocks(out, q, k, v, levels, preset)
    del q, k, v, scores, levels, out
    torch.cuda.empty_cache()
    return Row(shape_name, preset_name, dense, total, estimate, mask, kernel, dens, dense / total,
               dens * dense / kernel, (estimate + mask) / dense, err, *published)


def _attention_fn(q, k, v, levels, preset: PsaPreset, **launch) -> Callable[[], torch.Tensor]:
    size = preset.block_size
    if not launch:
        return lambda: psa_kernels.pyramid_attention(q, k, v, levels, block_m=size.m, block_n=size.n,
                                                     tile_n=size.tile_n)
    from psa_kernels.attention import pyramid_attention_triton

    scale = 1.0 / math.sqrt(q.shape[-1])
    return lambda: pyramid_attention_triton(q, k, v, levels, block_m=size.m, block_n=size.n, sm_scale=scale,
                                            causal=False, **launch)


def correctness_rows() -> list[tuple[int, int, float]]:
    """measurements.md's H200 check: B=1, H=4, L=8192, D=128; 5% at level 1, 30% at one other level."""
    results = []
    for n in (128, 64, 32):
        for level in (1, 2, 4, 8):
            gen = torch.Generator(device="cuda").manual_seed(n + level)
            q, k, v = (torch.randn(1, 4, 8192, 128, device="cuda", dtype=torch.bfloat16, generator=gen)
                       for _ in range(3))
            draw = torch.rand(1, 4, 64, 8192 // n, device="cuda", generator=gen)
            levels = torch.zeros(draw.shape, dtype=torch.int8, device="cuda")
            levels[draw < 0.35] = level
            levels[draw < 0.05] = 1
            out = psa_kernels.pyramid_attention(q, k, v, levels, block_m=128, block_n=n)
            expected = reference.pyramid_attention(q.float(), k.float(), v.float(), levels, block_m=128,
                                                   block_n=n, max_elements=1 << 28).double()
            results.append((n, level, float((out.double() - expected).norm() / expected.norm())))
    return results


def dense_through_kernel() -> list[tuple[str, float, float, float]]:
    """An all-level-1 map through our kernel: how close its loop gets to dense SDPA at density 1."""
    results = []
    for name in ("CogVideoX-5B", "Wan2.1-1.3B 480p"):
        batch, heads, length, dim = SHAPES[name]
        q, k, v = (torch.randn(batch, heads, length, dim, device="cuda", dtype=torch.bfloat16) for _ in range(3))
        levels = torch.ones(batch, heads, math.ceil(length / 128), math.ceil(length / 128), dtype=torch.int8,
                            device="cuda")
        dense = cuda_median_ms(lambda: F.scaled_dot_product_attention(q, k, v))
        ours = cuda_median_ms(lambda: psa_kernels.pyramid_attention(q, k, v, levels, block_m=128, block_n=128))
        flops = 4 * batch * heads * length * length * dim
        results.append((name, dense, ours, flops / ours / 1e9))
        print(f"dense via our kernel | {name} | SDPA {dense:.2f} ms ({flops / dense / 1e9:.0f} TFLOP/s) "
              f"| ours {ours:.2f} ms ({flops / ours / 1e9:.0f} TFLOP/s) | ratio {dense / ours:.2f}", flush=True)
    return results


def mask_rows(rows: list[tuple], sweep: bool = False) -> None:
    """Per row: dense SDPA, the estimate, and the level assignment through the Triton and PyTorch paths.

    Also checks that both paths give the reference's level map on the row's real scores. ``sweep`` adds the
    Triton sort at 1, 2, 4 and 8 warps per row, for rows of up to 1024 key blocks (all sorted in registers).
    """
    from psa_kernels.masks import assign_levels_fast

    print("| shape | preset | dense ms | estimate ms | mask ms (Triton) | mask ms (PyTorch) | est+mask/dense "
          "(Triton / PyTorch) | levels equal (Triton, PyTorch vs reference) |\n|---|---|---|---|---|---|---|---|")
    for shape_name, preset_name, *_published in rows:
        batch, heads, length, dim = SHAPES[shape_name]
        preset = make_preset(preset_name)
        size = preset.block_size
        q, k, v = random_qkv_bf16(batch, heads, length, dim)
        dense = cuda_median_ms(lambda: F.scaled_dot_product_attention(q, k, v))
        estimate = cuda_median_ms(lambda: psa_kernels.estimate_importance(q, k, block_m=size.m, block_n=size.n,
                                                                          seed=0))
        scores = psa_kernels.estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=0)
        times, same = {}, {}
        expected = reference.assign_levels(scores, preset, k=k, text_length=0)
        for method in ("triton", "torch"):
            times[method] = cuda_median_ms(lambda: assign_levels_fast(scores, preset, k=k, text_length=0,
                                                                      method=method))
            same[method] = torch.equal(assign_levels_fast(scores, preset, k=k, text_length=0, method=method),
                                       expected)
        print(f"| {shape_name} {SHAPES[shape_name]} | {preset_name} | {dense:.2f} | {estimate:.3f} "
              f"| {times['triton']:.3f} | {times['torch']:.3f} | {100 * (estimate + times['triton']) / dense:.1f}% "
              f"/ {100 * (estimate + times['torch']) / dense:.1f}% | {same['triton']}, {same['torch']} |", flush=True)
        if sweep and scores.shape[-1] <= 1024:
            for warps in (1, 2, 4, 8):
                def run(warps: int = warps) -> torch.Tensor:
                    return assign_levels_fast(scores, preset, k=k, text_length=0, method="triton",
                                              sort_warps=warps, sort_keys=1024)

                print(f"mask sort {shape_name} {preset_name} Nk={scores.shape[-1]} warps={warps}: "
                      f"{cuda_median_ms(run):.3f} ms, equal {torch.equal(run(), expected)}", flush=True)
        del q, k, v, scores, expected
        torch.cuda.empty_cache()


# FlexAttention's peer rows: the three shapes with L rounded up to a multiple of 128
PEER_SHAPES = {
    "CogVideoX-5B": (1, 48, 17792, 64),
    "Wan2.1-1.3B": (1, 12, 32768, 128),
    "Wan2.1-14B": (1, 40, 75648, 128),
}
PEER_DENSITIES = (0.15, 1.0)
# launch variants timed beside the default in --peer-variants (the default is timed first and last)
PEER_VARIANTS: list[dict[str, int]] = [
    {"fused_acc": 0},
    {"num_warps": 8, "num_stages": 3},
    {"num_warps": 8, "num_stages": 2},
    {"num_warps": 8, "num_stages": 3, "cont_tile": 128},
    {"num_warps": 8, "num_stages": 2, "cont_tile": 128, "key_tile": 128},
    {"num_stages": 3},
    {"block_q": 64},
    {"ordered": 1},
]
# second round (after PEER_VARIANTS): per-loop pipeline depth (the level-1 loop deep, the others shallow, as
# FlexAttention's single loop), plain offset loads instead of descriptors, half-height query tiles
PEER_STAGE_VARIANTS: list[dict[str, int]] = [
    {"contiguous": 1},
    {"num_warps": 8, "num_stages": 2, "contiguous": 1},
    {"num_warps": 8, "num_stages": 3, "contiguous": 1, "stages_pooled": 1, "stages_gather": 1},
    {"num_warps": 8, "num_stages": 3, "stages_pooled": 1, "stages_gather": 1},
    {"num_warps": 8, "stages_l1": 3, "stages_pooled": 1, "stages_gather": 1},
    {"stages_l1": 3, "stages_pooled": 1, "stages_gather": 1},
    {"block_q": 64},
    {"block_q": 64, "num_stages": 3},
    {"block_q": 64, "num_warps": 8, "num_stages": 3, "stages_pooled": 1, "stages_gather": 1},
]
# Triton's automatic warp specialisation, kept apart (run in its own process: a compiler crash loses nothing else)
PEER_WS_VARIANTS: list[dict[str, int]] = [
    {"warp_specialize": 1},
    {"warp_specialize": 1, "num_warps": 8},
    {"warp_specialize": 1, "num_warps": 8, "cont_tile": 128, "num_stages": 2},
]


def level1_map(batch: int, heads: int, blocks: int, density: float, seed: int = 0) -> torch.Tensor:
    """A level map of levels 1 and 0 only: per query block ``round(density * blocks)`` random key blocks."""
    keep = max(1, round(density * blocks))
    gen = torch.Generator(device="cuda").manual_seed(seed)
    draw = torch.rand(batch, heads, blocks, blocks, device="cuda", generator=gen)
    chosen = draw.topk(keep, dim=-1).indices
    levels = torch.zeros(batch, heads, blocks, blocks, dtype=torch.int8, device="cuda")
    levels.scatter_(-1, chosen, 1)
    return levels


def flex_block_mask(levels: torch.Tensor, length: int):  # noqa: ANN201 - torch's BlockMask
    """FlexAttention's block mask of the same map: every kept block a full 128x128 block (no mask_mod)."""
    from torch.nn.attention.flex_attention import BlockMask

    kept = levels == 1
    counts = kept.sum(-1, dtype=torch.int32)
    # kept block indices first, ascending (stable sort of the "not kept" flag)
    indices = torch.sort((~kept).to(torch.int8), dim=-1, stable=True).indices.to(torch.int32)
    empty = torch.zeros_like(counts)
    try:
        return BlockMask.from_kv_blocks(empty, torch.zeros_like(indices), counts, indices, BLOCK_SIZE=128,
                                        seq_lengths=(length, length), compute_q_blocks=False)
    except TypeError:  # older torch: no compute_q_blocks
        return BlockMask.from_kv_blocks(empty, torch.zeros_like(indices), counts, indices, BLOCK_SIZE=128,
                                        seq_lengths=(length, length))


@dataclass
class PeerRow:
    shape: str
    density: float
    dense_ms: float
    flex_ms: float
    ours_ms: float
    flex_ideal: float
    ours_ideal: float
    flex_over_ours: float
    agreement: float
    before_ms: float


def peer(variants: list[dict[str, int]], with_flex: bool = True) -> list[PeerRow]:
    """FlexAttention (compiled, ``BlockMask.from_kv_blocks``) and ``pyramid_attention`` on one level-1/skip map;
    ``variants``: our launch variants timed beside the default at density < 1."""
    from torch.nn.attention.flex_attention import flex_attention

    compiled = torch.compile(flex_attention, dynamic=False)

    def flex(*args, **kwargs) -> torch.Tensor:
        return compiled(*args, **kwargs) if with_flex else F.scaled_dot_product_attention(*args[:3])
    rows = []
    for name, (batch, heads, length, dim) in PEER_SHAPES.items():
        q, k, v = random_qkv_bf16(batch, heads, length, dim)
        dense = cuda_median_ms(lambda: F.scaled_dot_product_attention(q, k, v))
        for dens in PEER_DENSITIES:
            levels = level1_map(batch, heads, length // 128, dens)
            real = float(levels.float().mean())
            mask = flex_block_mask(levels, length)
            flex_ms = cuda_median_ms(lambda: flex(q, k, v, block_mask=mask))
            ours_ms = cuda_median_ms(lambda: psa_kernels.pyramid_attention(q, k, v, levels, block_m=128,
                                                                           block_n=128))
            a, b = flex(q, k, v, block_mask=mask).float(), psa_kernels.pyramid_attention(
                q, k, v, levels, block_m=128, block_n=128).float()
            agree = float((a - b).norm() / a.norm())
            before_ms = cuda_median_ms(_v10_launch(q, k, v, levels))
            row = PeerRow(name, real, dense, flex_ms, ours_ms, real * dense / flex_ms, real * dense / ours_ms,
                          flex_ms / ours_ms, agree, before_ms)
            rows.append(row)
            print(f"peer | {name} {(batch, heads, length, dim)} | density {real:.3f} | dense {dense:.2f} ms "
                  f"| flex {flex_ms:.3f} ms ({row.flex_ideal:.2f}) | ours {ours_ms:.3f} ms ({row.ours_ideal:.2f}) "
                  f"| flex/ours {row.flex_over_ours:.2f} | agree {agree:.4f} | v10 launch {before_ms:.3f} ms "
                  f"({real * dense / before_ms:.2f})", flush=True)
            if variants and dens < 1:
                _peer_variants(q, k, v, levels, real * dense, ours_ms, b, variants)
            del mask, levels, a, b
        del q, k, v
        torch.cuda.empty_cache()
    return rows


def _v10_launch(q, k, v, levels) -> Callable[[], torch.Tensor]:
    """Our kernel as v10 launched it on this map (pyramid built, every loop compiled, v10's launch shape)."""
    from psa_kernels.attention import pyramid_attention_triton

    scale = 1.0 / math.sqrt(q.shape[-1])
    return lambda: pyramid_attention_triton(q, k, v, levels, block_m=128, block_n=128, sm_scale=scale, causal=False,
                                            prune=0, fused_acc=0)


def _peer_variants(q, k, v, levels, ideal_ms: float, default_ms: float, expected: torch.Tensor,
                   variants: list[dict[str, int]]) -> None:
    from psa_kernels.attention import pyramid_attention_triton

    scale = 1.0 / math.sqrt(q.shape[-1])
    for launch in [*variants, {}]:
        def run(launch: dict = launch) -> torch.Tensor:
            return pyramid_attention_triton(q, k, v, levels, block_m=128, block_n=128, sm_scale=scale, causal=False,
                                            **launch)

        try:
            ms = cuda_median_ms(run, budget_ms=400, most=10)
            err = float((run().float() - expected).norm() / expected.norm())
        except Exception as exc:  # noqa: BLE001 - a variant that does not compile is reported, not fatal
            print(f"  variant {launch}: {type(exc).__name__}: {str(exc)[:160]}", flush=True)
            continue
        print(f"  variant {launch}: {ms:.3f} ms | /ideal {ideal_ms / ms:.2f} | vs default API {default_ms / ms:.2f}x "
              f"| diff {err:.1e}", flush=True)


def print_peer(rows: list[PeerRow], card: str) -> None:
    print(f"\n### {card}: FlexAttention vs pyramid_attention, level-1/skip map, 128x128 blocks, bf16\n")
    print("| shape (B, H, L, D) | density | dense ms | Flex ms | ours ms | Flex kernel/ideal | ours kernel/ideal "
          "| Flex time / ours | outputs agree | ours, v10 launch: ms (kernel/ideal) |\n"
          "|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.shape} {PEER_SHAPES[r.shape]} | {r.density:.3f} | {r.dense_ms:.2f} | {r.flex_ms:.3f} "
              f"| {r.ours_ms:.3f} | {r.flex_ideal:.2f} | {r.ours_ideal:.2f} | {r.flex_over_ours:.2f} "
              f"| {r.agreement:.4f} | {r.before_ms:.3f} ({r.density * r.dense_ms / r.before_ms:.2f}) |")


def print_table(rows: list[Row], card: str) -> None:
    print(f"\n### {card}, bf16, median CUDA-event times; ratios against dense SDPA in the same run\n")
    print("| shape (B, H, L, D) | preset | dense ms | PSA total ms | estimate+mask ms | kernel ms | density "
          "| total speedup | kernel/ideal | rel err | published speedup | published kernel/ideal "
          "| est+mask/dense (ours / published) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.shape} {SHAPES[r.shape]} | {r.preset} | {r.dense_ms:.1f} | {r.total_ms:.1f} "
              f"| {r.estimate_ms + r.mask_ms:.2f} ({r.estimate_ms:.2f} + {r.mask_ms:.2f}) | {r.kernel_ms:.2f} "
              f"| {r.density:.3f} | {r.speedup:.2f}x | {r.kernel_ideal:.2f} | {r.rel_err:.4f} "
              f"| {r.published_speedup:.2f}x | {r.published_kernel_ideal:.2f} "
              f"| {100 * r.est_mask_share:.1f}% / {100 * r.published_est_mask_share:.1f}% |")


def sweep(rows: list[tuple], with_estimate: bool = True) -> None:
    """Kernel time of each launch variant, against dense in the same run (no reference check)."""
    # launch variants against the default, which is timed first and last (run-to-run spread); v10's rejected
    # "overlap" (next tile's QK^T before this tile's softmax) and the v8 variants are in KERNEL_NOTES.md
    # round 1 (v11 notes): {"fused_acc": 0}, 8 warps at 2 and 3 stages, {"num_stages": 3},
    # {"stages_l1": 3, "stages_gather": 2}, {"ordered": 1}
    variants = [{}, {"fused_acc": 0}, {"block_q": 64}, {"ordered": 1},
                {"num_warps": 8, "num_stages": 3, "stages_pooled": 1, "stages_gather": 1},
                {"num_warps": 8, "num_stages": 3, "contiguous": 1, "stages_pooled": 1, "stages_gather": 1},
                {"stages_l1": 3, "stages_pooled": 1, "stages_gather": 1}, {}]
    for shape_name, preset_name, *_published in rows:
        batch, heads, length, dim = SHAPES[shape_name]
        preset = make_preset(preset_name)
        size = preset.block_size
        q, k, v = (torch.randn(batch, heads, length, dim, device="cuda", dtype=torch.bfloat16) for _ in range(3))
        dense = cuda_median_ms(lambda: F.scaled_dot_product_attention(q, k, v), budget_ms=500)
        scores = psa_kernels.estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=0)
        levels = psa_kernels.assign_levels(scores, preset, k=k, text_length=0)
        dens = psa_kernels.density(levels, block_m=size.m, block_n=size.n, seq_len=length)
        reference_out = _attention_fn(q, k, v, levels, preset)().float()
        results = []
        for launch in variants:
            try:
                attend = _attention_fn(q, k, v, levels, preset, **(launch or {"prefetch": 1}))
                ms = cuda_median_ms(attend, budget_ms=300, most=10)
                err = float((attend().float() - reference_out).norm() / reference_out.norm())
                results.append((dens * dense / ms, ms, err, launch))
            except Exception as exc:  # noqa: BLE001 - a variant that does not compile is reported, not fatal
                print(f"{shape_name} {preset_name} {launch}: {type(exc).__name__}: {str(exc)[:100]}")
        for ideal, ms, err, launch in results:
            print(f"sweep {shape_name} | {preset_name} | dense {dense:.2f} | {launch} | kernel {ms:.2f} ms "
                  f"| /ideal {ideal:.2f} | vs default {err:.1e}", flush=True)
        if with_estimate:
            _sweep_estimate(q, k, preset, dense)
        del q, k, v, scores, levels, reference_out
        torch.cuda.empty_cache()


def _sweep_estimate(q: torch.Tensor, k: torch.Tensor, preset: PsaPreset, dense: float) -> None:
    from psa_kernels.encode import encode_levels, pyramid
    from psa_kernels.sampling import sample_offsets

    size = preset.block_size
    batch, heads = q.shape[:2]
    parts = {
        "sample offsets": lambda: sample_offsets(batch, heads, size.m, size.m // 4, seed=0, device=q.device),
        "pyramid k+v": lambda: pyramid(k, k, size.n),
    }
    scores = psa_kernels.estimate_importance(q, k, block_m=size.m, block_n=size.n, seed=0)
    levels = psa_kernels.assign_levels(scores, preset, k=k, text_length=0)
    parts["encode levels"] = lambda: encode_levels(levels)
    for name, fn in parts.items():
        ms = cuda_median_ms(fn, budget_ms=200)
        print(f"part {name}: {ms:.3f} ms ({100 * ms / dense:.2f}% of dense)")
    ms = cuda_median_ms(lambda: psa_kernels.assign_levels(scores, preset, k=k, text_length=0), budget_ms=200)
    print(f"part assign levels: {ms:.3f} ms ({100 * ms / dense:.2f}% of dense)")
    _estimate_variants(q, k, size.m, size.n, dense)


# v10: block maxima and scores in two launches, key tiles interleaved so block maxima reduce in registers (the
# float16 block maxima and packed-key variants lost on the H100: KERNEL_NOTES.md). The default is timed first
# and last (run-to-run spread).
ESTIMATE_VARIANTS = [
    {}, {"interleave": False}, {"num_warps": 4}, {"num_warps": 8}, {"block_r": 128}, {"block_r": 128, "block_c": 128},
    {"block_r": 256, "num_warps": 8, "block_c": 128}, {"block_r": 128, "num_warps": 8, "block_c": 256},
    {"num_stages": 3}, {},
]


def _estimate_variants(q: torch.Tensor, k: torch.Tensor, block_m: int, block_n: int, dense: float) -> None:
    from psa_kernels.estimate import estimate_importance_triton

    expected = psa_kernels.estimate_importance(q.float(), k.float(), block_m=block_m, block_n=block_n, seed=0)
    for launch in ESTIMATE_VARIANTS:
        def run(launch: dict = launch) -> torch.Tensor:
            return estimate_importance_triton(q, k, block_m=block_m, block_n=block_n, seed=0, **launch)

        try:
            ms = cuda_median_ms(run, budget_ms=300, most=15)
        except Exception as exc:  # noqa: BLE001 - a variant that does not compile is reported, not fatal
            print(f"estimate {launch}: {type(exc).__name__}: {str(exc)[:100]}")
            continue
        scores = run()
        diff = float((scores - expected).abs().max())
        same_top = float((scores.argmax(-1) == expected.argmax(-1)).float().mean())
        print(f"estimate n={block_n} {launch}: {ms:.3f} ms ({100 * ms / dense:.2f}% of dense) | max diff vs float32 "
              f"inputs {diff:.1e} | same top block {100 * same_top:.2f}%", flush=True)


def estimate_sweep(rows: list[tuple]) -> None:
    """Estimate variants per distinct (shape, n), against dense in the same run."""
    seen = set()
    for shape_name, preset_name, *_published in rows:
        batch, heads, length, dim = SHAPES[shape_name]
        size = make_preset(preset_name).block_size
        if (shape_name, size.n) in seen:
            continue
        seen.add((shape_name, size.n))
        q, k = random_qkv_bf16(batch, heads, length, dim)[:2]
        dense = cuda_median_ms(lambda: F.scaled_dot_product_attention(q, k, k), budget_ms=500)
        print(f"### {shape_name} n={size.n}: dense {dense:.2f} ms", flush=True)
        _estimate_variants(q, k, size.m, size.n, dense)
        del q, k
        torch.cuda.empty_cache()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", help="comma-separated row indices (default: all)")
    parser.add_argument("--sweep", action="store_true", help="time kernel launch variants instead")
    parser.add_argument("--no-estimate-sweep", action="store_true", help="with --sweep: attention variants only")
    parser.add_argument("--no-correctness", action="store_true")
    parser.add_argument("--dense-check", action="store_true", help="also run an all-level-1 map through our kernel")
    parser.add_argument("--mask-only", action="store_true", help="dense, estimate and both mask paths per row")
    parser.add_argument("--mask-sweep", action="store_true", help="with --mask-only: the sort at 1-8 warps per row")
    parser.add_argument("--estimate-sweep", action="store_true", help="estimate variants per distinct (shape, n)")
    parser.add_argument("--peer", action="store_true", help="FlexAttention and ours on one level-1/skip map, then "
                        "the table (unless --peer-only)")
    parser.add_argument("--peer-only", action="store_true", help="with --peer: skip the table")
    parser.add_argument("--peer-variants", choices=("none", "main", "stages", "ws"), default="none",
                        help="with --peer: our launch variants too (main, or the warp-specialised ones)")
    parser.add_argument("--no-flex", action="store_true", help="with --peer: SDPA stands in for FlexAttention")
    parser.add_argument("--json", type=Path, help="write the rows here as JSON")
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("benchmarks/kernels.py needs a CUDA device", file=sys.stderr)
        return 2
    chosen = ROWS if not args.rows else [ROWS[int(i)] for i in args.rows.split(",")]
    card = torch.cuda.get_device_name()
    if args.mask_only:
        print(f"### {card}")
        mask_rows(chosen, sweep=args.mask_sweep)
        return 0
    if args.estimate_sweep:
        print(f"### {card}")
        estimate_sweep(chosen)
        return 0
    if args.sweep:
        sweep(chosen, with_estimate=not args.no_estimate_sweep)
        return 0
    variants = {"none": [], "main": PEER_VARIANTS, "stages": PEER_STAGE_VARIANTS, "ws": PEER_WS_VARIANTS}[args.peer_variants]
    peer_rows = peer(variants, with_flex=not args.no_flex) if args.peer else []
    if peer_rows:
        print_peer(peer_rows, card)
    if args.peer_only:
        if args.json:
            args.json.write_text(json.dumps({"card": card, "peer": [asdict(r) for r in peer_rows]}, indent=1))
        return 0
    rows = [run_row(shape, preset, (speedup, ideal, share)) for shape, preset, speedup, ideal, share in chosen]
    checks = [] if args.no_correctness else correctness_rows()
    if args.dense_check:
        dense_through_kernel()
    if peer_rows:
        print_peer(peer_rows, card)
    print_table(rows, card)
    if checks:
        print("\n| n | level | rel err vs reference (bf16, B=1 H=4 L=8192 D=128) |\n|---|---|---|")
        for n, level, err in checks:
            print(f"| {n} | {level} | {err:.4f} |")
    if args.json:
        args.json.write_text(json.dumps({"card": card, "rows": [asdict(r) for r in rows], "checks": checks,
                                               "peer": [asdict(r) for r in peer_rows]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

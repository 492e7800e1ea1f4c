"""One preset on one input: level map, stage times, density and output errors."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from psa_config.model import DensePreset, PsaPreset
from psa_kernels.data import Qkv
from psa_kernels.dryrun import kernels
from psa_kernels.dryrun.geometry import TextLayout
from psa_kernels.dryrun.report import LEVEL_ORDER, OutputError, PresetResult, StageTimes
from psa_kernels.dryrun.timing import Timer, peak_memory


@dataclass(frozen=True)
class Baseline:
    """Dense SDPA on the run's tensors (in their native layout)."""

    out: torch.Tensor
    time_ms: float
    peak_memory_bytes: int


@dataclass(frozen=True)
class RunContext:
    qkv: Qkv
    baseline: Baseline
    timer: Timer
    device: torch.device
    repeat: int
    warmup: int
    seed: int
    reference_blocks: int


def dense_baseline(qkv: Qkv, timer: Timer, device: torch.device, repeat: int, warmup: int) -> Baseline:
    sdpa = torch.nn.functional.scaled_dot_product_attention
    with peak_memory(device) as memory:
        timed = timer.measure(lambda: sdpa(qkv.q, qkv.k, qkv.v), repeat=repeat, warmup=warmup)
    return Baseline(timed.value, timed.median_ms, memory.bytes)


def dense_result(name: str, preset: DensePreset, ctx: RunContext) -> PresetResult:
    """A dense preset is the baseline itself: density 1, dense timings only."""
    base = ctx.baseline
    return PresetResult(
        name=name,
        type="dense",
        description=preset.description,
        settings={},
        density=1.0,
        expected_density=1.0,
        level_shares={level: float(level == 1) for level in LEVEL_ORDER},
        times=StageTimes(None, None, base.time_ms),
        dense_ms=base.time_ms,
        peak_memory_bytes=base.peak_memory_bytes,
        backend="sdpa",
    )


def arranged(x: torch.Tensor, text_length: int, text_at_end: bool) -> torch.Tensor:
    """Move the leading ``text_length`` tokens behind the video, as Gilbert rearrangement does."""
    if not (text_at_end and text_length):
        return x
    return torch.cat([x[:, :, text_length:], x[:, :, :text_length]], dim=2)


def arranged_qkv(qkv: Qkv, text_length: int, layout: TextLayout) -> Qkv:
    """The tensors as the kernels see them: queries and keys/values each with the text where ``layout`` says."""
    return Qkv(
        arranged(qkv.q, text_length, layout.queries_at_end),
        arranged(qkv.k, text_length, layout.keys_at_end),
        arranged(qkv.v, text_length, layout.keys_at_end),
    )


def psa_result(
    name: str, preset: PsaPreset, ctx: RunContext, *, text_length: int, layout: TextLayout
) -> PresetResult:
    qkv = arranged_qkv(ctx.qkv, text_length, layout)
    backend = kernels.resolved_backend(ctx.device)
    times, levels, out, memory = _timed_pipeline(qkv, preset, ctx, text_length)
    seq_len = qkv.q.shape[2]
    dense_out = arranged(ctx.baseline.out, text_length, layout.queries_at_end)  # output rows follow the queries
    return PresetResult(
        name=name,
        type="psa",
        description=preset.description,
        settings=preset_settings(preset, text_length, layout),
        density=kernels.density(levels, preset, seq_len),
        expected_density=preset.expected_density(),
        level_shares=level_shares(levels),
        times=times,
        dense_ms=ctx.baseline.time_ms,
        peak_memory_bytes=memory,
        backend=backend,
        errors=output_error(out, dense_out, qkv, levels, preset, ctx, backend),
    )


def _timed_pipeline(
    qkv: Qkv, preset: PsaPreset, ctx: RunContext, text_length: int
) -> tuple[StageTimes, torch.Tensor, torch.Tensor, int]:
    measure = ctx.timer.measure
    with peak_memory(ctx.device) as memory:
        scores = measure(lambda: kernels.estimate(qkv, preset, ctx.seed), repeat=ctx.repeat, warmup=ctx.warmup)
        mask = measure(
            lambda: kernels.assign(scores.value, qkv, preset, text_length), repeat=ctx.repeat, warmup=ctx.warmup
        )
        kernel = measure(
            lambda: kernels.attention(qkv, mask.value, preset, "auto"), repeat=ctx.repeat, warmup=ctx.warmup
        )
    times = StageTimes(scores.median_ms, mask.median_ms, kernel.median_ms)
    return times, mask.value, kernel.value, memory.bytes


def preset_settings(preset: PsaPreset, text_length: int, layout: TextLayout) -> dict[str, object]:
    """The settings a result reports; ``text_position`` is the keys' (where old_mask_type forces text blocks)."""
    size = preset.block_size
    return {
        "mask_mode": preset.mask_mode,
        "attn_impl": preset.attn_impl,
        "block_m": size.m,
        "block_n": size.n,
        "tile_n": size.tile_n,
        "use_sim_mask": preset.use_sim_mask,
        "text_length": text_length,
        "text_position": _position(layout.keys_at_end),
        "query_text_position": _position(layout.queries_at_end),
    }


def _position(at_end: bool) -> str:
    return "end" if at_end else "start"


def level_shares(levels: torch.Tensor) -> dict[int, float]:
    """Share of all (b, h, i, j) blocks at each level."""
    counts = torch.bincount(levels.flatten().long().cpu(), minlength=9)
    total = max(1, levels.numel())
    return {level: float(counts[level]) / total for level in LEVEL_ORDER}


def output_error(
    out: torch.Tensor,
    dense: torch.Tensor,
    qkv: Qkv,
    levels: torch.Tensor,
    preset: PsaPreset,
    ctx: RunContext,
    backend: str,
) -> OutputError:
    rel_l2, cosine = compare(out, dense)
    blocks = sample_blocks(levels.shape[2], ctx.reference_blocks, ctx.seed)
    if backend == "reference":
        note = "the kernel is the reference on this device"
        return OutputError(rel_l2, cosine, None, [], note)
    rows, reference = kernels.reference_rows(qkv, levels, preset, blocks)
    ref_l2, _ = compare(out[:, :, rows], reference)
    return OutputError(rel_l2, cosine, ref_l2, blocks)


def sample_blocks(count: int, wanted: int, seed: int) -> list[int]:
    """Up to ``wanted`` distinct query-block indices in ``[0, count)``, sorted, reproducible."""
    generator = torch.Generator().manual_seed(seed)
    chosen = torch.randperm(count, generator=generator)[: max(1, wanted)]
    return sorted(int(i) for i in chosen)


def compare(out: torch.Tensor, ref: torch.Tensor) -> tuple[float, float]:
    """(relative L2 error, cosine similarity) of ``out`` against ``ref``, in float64, head by head."""
    diff = norm_out = norm_ref = dot = 0.0
    for o, r in zip(out.flatten(0, 1), ref.flatten(0, 1)):
        o, r = o.double(), r.double()
        diff += float((o - r).square().sum())
        norm_out += float(o.square().sum())
        norm_ref += float(r.square().sum())
        dot += float((o * r).sum())
    rel = math.sqrt(diff / norm_ref) if norm_ref > 0 else (0.0 if diff == 0 else math.inf)
    scale = math.sqrt(norm_out * norm_ref)
    cosine = dot / scale if scale > 0 else (1.0 if diff == 0 else 0.0)
    return rel, cosine

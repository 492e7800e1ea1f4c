"""Rules about what the kernels (attn_impl) accept: block sizes and the similarity mask."""

from __future__ import annotations

from collections.abc import Iterator

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.context import CheckContext, PresetView
from psa_config.rules.registry import register
from psa_config.runtime import SIM_KEYS

NEW_MASK_BLOCK_N = (32, 64, 128)
DEFAULT_THRESHOLDS = {"x2": "0", "x4": "0", "x8": "-1"}
"""The runtime's AttentionConfig defaults when no threshold is passed."""


@register(
    "PSA301",
    "invalid-tile-n",
    Severity.ERROR,
    summary="`tile_n` must be a power of two >= 16 that divides `n`.",
    explanation="""
The kernel walks each key block in tiles of `tile_n` keys; a tile that is not
a power of two, or that does not divide `n`, cannot be laid out (Triton
needs power-of-two tiles) and the alignment of pooled levels,
`ceil(level / (n / tile_n))`, becomes meaningless.
""",
    bad="""
      block_size: {m: 128, n: 64, tile_n: 48}
""",
    good="""
      block_size: {m: 128, n: 64, tile_n: 32}
""",
    fix="use tile_n = 32 (or another power of two >= 16 dividing n)",
)
def check_tile_n(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        tile_n = preset.tile_n()
        n = preset.block_n()
        if tile_n is None:
            continue
        if tile_n & (tile_n - 1):
            yield preset.diagnostic("invalid-tile-n", ("block_size", "tile_n"), f"tile_n {tile_n} is not a power of two")
        elif n is not None and n > 0 and n % tile_n:
            crash = ": n // tile_n is 0 and the runtime's mask step divides by it (ZeroDivisionError)" if tile_n > n else ""
            yield preset.diagnostic(
                "invalid-tile-n", ("block_size", "tile_n"), f"tile_n {tile_n} does not divide the key block n = {n}{crash}",
                fix=f"use a tile_n that divides {n}, e.g. {min(32, n)}",
            )


@register(
    "PSA302",
    "new-mask-block-n",
    Severity.ERROR,
    summary="new_mask_type supports key blocks n = 32, 64 or 128 only.",
    explanation="""
The new_mask_type kernel is written for key blocks of 32, 64 or 128 tokens
(the guide's options); other sizes are outside what it was written and
measured for.
""",
    bad="""
      attn_impl: new_mask_type
      block_size: {m: 128, n: 256, tile_n: 32}
""",
    good="""
      attn_impl: new_mask_type
      block_size: {m: 128, n: 128, tile_n: 32}
""",
    fix="use n = 32, 64 or 128",
)
def check_new_mask_n(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        n = preset.block_n()
        if preset.attn_impl == "new_mask_type" and n is not None and n not in NEW_MASK_BLOCK_N:
            yield preset.diagnostic(
                "new-mask-block-n", ("block_size", "n"),
                f"new_mask_type is written for key blocks n = 32, 64 or 128 (the guide's options), not {n}",
            )


@register(
    "PSA303",
    "old-mask-block-size",
    Severity.ERROR,
    summary="old_mask_type requires m = 128, n = 128 and tile_n = 32.",
    explanation="""
The published old_mask_type kernel is written for 128 x 128 blocks and
32-wide key tiles; other sizes do not run.
""",
    bad="""
      attn_impl: old_mask_type
      block_size: {m: 128, n: 64, tile_n: 32}
""",
    good="""
      attn_impl: old_mask_type
      block_size: {m: 128, n: 128, tile_n: 32}
""",
    fix="use block_size m: 128, n: 128, tile_n: 32, or attn_impl new_mask_type",
)
def check_old_mask_sizes(ctx: CheckContext) -> Iterator[Diagnostic]:
    required = {"m": 128, "n": 128, "tile_n": 32}
    for preset in ctx.psa_presets():
        if preset.attn_impl != "old_mask_type":
            continue
        for key, wanted in required.items():
            value = preset.integer("block_size", key)
            if value is not None and value != wanted:
                yield preset.diagnostic(
                    "old-mask-block-size", ("block_size", key),
                    f"old_mask_type requires block_size.{key} = {wanted}, not {value}", fix=f"write `{key}: {wanted}`",
                )


@register(
    "PSA304",
    "sim-mask-unsupported",
    Severity.ERROR,
    summary="new_mask_type does not support `use_sim_mask: true`.",
    explanation="""
The similarity cap exists only in the old_mask_type kernel; the runtime raises
an error when both are set.
""",
    bad="""
      use_sim_mask: true
      attn_impl: new_mask_type
""",
    good="""
      use_sim_mask: false
      attn_impl: new_mask_type
""",
    fix="set use_sim_mask: false, or use attn_impl: old_mask_type with block_size 128/128/32",
)
def check_sim_mask_impl(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        if preset.attn_impl == "new_mask_type" and preset.has("use_sim_mask") and preset.sim_mask_on():
            value = preset.get("use_sim_mask")
            read = "" if value is True else f" (the runtime reads `{value!r}` as true)"
            yield preset.diagnostic(
                "sim-mask-unsupported", ("use_sim_mask",),
                f"use_sim_mask is on{read} but attn_impl is new_mask_type: the runtime refuses this at setup (ValueError)",
            )


@register(
    "PSA305",
    "sim-thresholds-missing",
    Severity.ERROR,
    summary="The similarity cap is on but `sim_thresholds` lacks x2, x4 or x8.",
    explanation="""
With the similarity cap on (old_mask_type, `use_sim_mask` true or left to its
default true), the runtime reads the thresholds from the legacy
`sim_*_threshold` keys, else from `sim_thresholds`. A missing or empty
`sim_thresholds` passes none, so the runtime's defaults x2=0, x4=0, x8=-1
apply (x8=-1: no cap in effect). A `sim_thresholds` that lists some but not
all three passes None for the others, and the cap crashes at the first
sparse step (TypeError).
""",
    bad="""
      use_sim_mask: true
      sim_thresholds: {x2: 0.7, x4: 0.65}
""",
    good="""
      use_sim_mask: true
      sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}
""",
    fix="give all three thresholds x2, x4, x8",
)
def check_sim_thresholds(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        if preset.attn_impl != "old_mask_type" or not preset.sim_mask_on():
            continue
        thresholds = preset.get("sim_thresholds")
        if preset.has("sim_thresholds") and not isinstance(thresholds, dict):
            continue  # null or another type: the null-value and wrong-type rules say what the runtime does
        if thresholds:
            yield from _partial_thresholds(preset, thresholds)
        else:
            yield from _no_thresholds(preset)


def _no_thresholds(preset: PresetView) -> Iterator[Diagnostic]:
    legacy = [key for _, key in SIM_KEYS if preset.has(key)]
    if len(legacy) == len(SIM_KEYS):
        return
    state = "empty" if preset.has("sim_thresholds") else "missing"
    given = f" (only {', '.join(legacy)} given)" if legacy else ""
    defaults = ", ".join(f"{short}={DEFAULT_THRESHOLDS[short]}" for short, key in SIM_KEYS if key not in legacy)
    at = ("sim_thresholds",) if preset.has("sim_thresholds") else ("use_sim_mask",) if preset.has("use_sim_mask") else ()
    yield preset.diagnostic(
        "sim-thresholds-missing", at,
        f"the similarity cap is on but sim_thresholds is {state}{given}: the runtime uses its defaults {defaults}"
        + (" (x8=-1: no cap in effect)" if "x8" in defaults else ""),
        fix="add `sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}` (your values)", at="key",
    )


def _partial_thresholds(preset: PresetView, thresholds: dict[object, object]) -> Iterator[Diagnostic]:
    missing = [short for short, legacy in SIM_KEYS if short not in thresholds and not preset.has(legacy)]
    if missing:
        names = ", ".join(missing)
        yield preset.diagnostic(
            "sim-thresholds-missing", ("sim_thresholds",),
            f"sim_thresholds lacks {names}: the runtime passes None for {'it' if len(missing) == 1 else 'them'} "
            "and the similarity cap crashes at the first sparse step (TypeError)",
            fix=f"add {names} to sim_thresholds", at="key",
        )


@register(
    "PSA306",
    "sta-without-tile-size",
    Severity.ERROR,
    summary="STA rearrangement without `tile_size`.",
    explanation="""
`rearrange_method: STA` tiles the token grid with `tile_size` ([depth,
height, width]). Without it the runtime passes no tile size to the STA
rearranger, which cannot tile the grid and fails at setup. (`tile_size` must
also divide the token grid of the video, which depends on the video size:
`psa-config dry-run` checks that.)
""",
    bad="""
      use_rearrange: true
      rearrange_method: STA
""",
    good="""
      use_rearrange: true
      rearrange_method: STA
      tile_size: [2, 8, 8]
""",
    fix="add `tile_size: [depth, height, width]`, or use rearrange_method: Gilbert",
)
def check_sta_tile_size(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        if _rearrangement(preset) == "STA" and not preset.has("tile_size"):
            yield preset.diagnostic(
                "sta-without-tile-size", ("rearrange_method",),
                "rearrange_method is STA but tile_size is missing: the runtime passes no tile size to the STA "
                "rearranger, which fails at setup",
            )


@register(
    "PSA307",
    "hybrid-rearrangement-crashes",
    Severity.ERROR,
    summary="`rearrange_method: Hybrid` fails at every forward pass of the published runtime.",
    explanation="""
The published runtime's forward pass unpacks four values from
`HybridRearranger.rearrange`, which returns three (queries, keys, values):
every attention call with `use_rearrange` on and `rearrange_method: Hybrid`
raises a ValueError, warm-up steps included (the rearrangement runs before the
warm-up test). Its inverse is also called with the wrong arguments.
""",
    bad="""
      use_rearrange: true
      rearrange_method: Hybrid
""",
    good="""
      use_rearrange: true
      rearrange_method: Gilbert
""",
    fix="use rearrange_method: Gilbert (or SemanticAware), or turn use_rearrange off",
)
def check_hybrid_rearrangement(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        if _rearrangement(preset) == "Hybrid":
            yield preset.diagnostic(
                "hybrid-rearrangement-crashes", ("rearrange_method",),
                "rearrange_method is Hybrid: the published runtime's forward unpacks 4 values from the Hybrid "
                "rearranger, which returns 3, so every attention call fails (ValueError)",
            )


def _rearrangement(preset: PresetView) -> object:
    """The rearrangement method the runtime runs for the preset (None when use_rearrange is off)."""
    return preset.runtime_value("rearrange_method") if preset.runtime_value("use_rearrange") else None

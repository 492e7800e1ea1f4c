"""Warnings: presets that run, but not as written, on the published runtime."""

from __future__ import annotations

from collections.abc import Iterator

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.context import CheckContext, PresetView
from psa_config.rules.registry import register

THRESHOLD_FLOOR = 0.06
DEFAULTED_KEYS = {"type": "psa", "use_rearrange": "true", "warmup_steps": "0", "rearrange_method": "Gilbert"}


def misread_levels(n: int, tile_n: int) -> list[int]:
    """Pooled levels whose blocks the published new_mask_type kernel reads wrongly.

    When n/l < tile_n the kernel packs exactly two pooled blocks into a tile;
    if even two do not fill it (2*n/l < tile_n) the rest of the tile reads
    fixed wrong rows.
    """
    return [level for level in (2, 4, 8) if 2 * n < level * tile_n]


@register(
    "PSA401",
    "pooled-tile-misread",
    Severity.WARNING,
    summary="The published new_mask_type kernel computes this pooled level wrongly.",
    explanation="""
When a pooled key block holds fewer than half a tile of rows (2 * n / level <
tile_n), the published new_mask_type kernel fills the rest of the tile with
fixed wrong rows near the start of the pooled keys. Measured relative error
against exact pyramid attention: 2.0-2.8 (n=64 at level 8, n=32 at levels 4
and 8); n=128 is right at every level. psa-config's own kernels compute these
levels correctly.
""",
    bad="""
      attn_impl: new_mask_type
      block_size: {m: 128, n: 32, tile_n: 32}
      mask_ratios: {1: [0.0, 0.05], 2: [0.05, 0.1], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}
""",
    good="""
      attn_impl: new_mask_type
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios: {1: [0.0, 0.05], 2: [0.05, 0.1], 4: [0.1, 0.15], 8: [0.15, 0.25], 0: [0.25, 1.0]}
""",
    fix="use n = 128, or leave the level empty, or run with psa-config's kernels",
)
def check_pooled_tiles(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        n = preset.block_n()
        tile_n = preset.tile_n()
        if preset.attn_impl != "new_mask_type" or not n or not tile_n:
            continue
        wrong = misread_levels(n, tile_n)
        for step in preset.walk():
            if step.level in wrong and step.share > 0:
                yield preset.diagnostic(
                    "pooled-tile-misread",
                    ("mask_ratios", step.level),
                    f"level {step.level} with n={n}, tile_n={tile_n}: a pooled block is "
                    f"{n // step.level} rows, under half a tile, and the published new_mask_type kernel "
                    "reads wrong rows for it (measured relative error 2-3)",
                    at="key",
                )


@register(
    "PSA402",
    "text-length-ignored",
    Severity.WARNING,
    summary="new_mask_type ignores `text_length`.",
    explanation="""
With old_mask_type the key blocks holding text tokens are forced to full
resolution; new_mask_type ignores `text_length` entirely, so text tokens are
pooled or skipped like video tokens.
""",
    bad="""
CogVideo_5b:
  text_length: 226
  attention_configs:
    p: {type: psa, attn_impl: new_mask_type, ...}
""",
    good="""
CogVideo_5b:
  text_length: 226
  attention_configs:
    p: {type: psa, attn_impl: old_mask_type, use_rearrange: true, rearrange_method: Gilbert, ...}
""",
    fix="accept that text blocks are treated like video blocks, or use old_mask_type with Gilbert rearrangement",
)
def check_text_ignored(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        text_length, _ = preset.text_length()
        if preset.attn_impl == "new_mask_type" and text_length:
            yield preset.diagnostic(
                "text-length-ignored", ("attn_impl",),
                f"text_length is {text_length} but new_mask_type ignores it: the {text_length} text tokens "
                "get no forced full-resolution blocks",
            )


@register(
    "PSA403",
    "text-blocks-misplaced",
    Severity.WARNING,
    summary="old_mask_type forces the wrong blocks to full resolution without Gilbert rearrangement.",
    explanation="""
old_mask_type forces the last `ceil(text_length / n)` key blocks to level 1,
assuming the text sits at the end of the sequence, which is where Gilbert
rearrangement puts it. Without rearrangement (or with STA, SemanticAware or
Hybrid) CogVideoX's text comes first, so video blocks are forced instead.
""",
    bad="""
      attn_impl: old_mask_type
      use_rearrange: false
""",
    good="""
      attn_impl: old_mask_type
      use_rearrange: true
      rearrange_method: Gilbert
""",
    fix="use use_rearrange: true with rearrange_method: Gilbert",
)
def check_text_blocks(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        text_length, _ = preset.text_length()
        if preset.attn_impl != "old_mask_type" or not text_length:
            continue
        blamed = _rearrangement_problem(preset)
        if blamed is not None:
            key, why = blamed
            yield preset.diagnostic(
                "text-blocks-misplaced", (key,),
                f"text_length is {text_length} and {why}: old_mask_type forces the last key blocks to full "
                "resolution, but the text is not there",
            )


def _rearrangement_problem(preset: PresetView) -> tuple[str, str] | None:
    if preset.boolean("use_rearrange") is False:
        return "use_rearrange", "use_rearrange is false"
    method = preset.string("rearrange_method")
    if method is not None and method != "Gilbert":
        return "rearrange_method", f"rearrange_method is {method}"
    return None


@register(
    "PSA404",
    "runtime-default",
    Severity.WARNING,
    summary="A key is left to the runtime's default.",
    explanation="""
The runtime fills a missing key with its own default: `type` psa,
`use_rearrange` true, `rearrange_method` Gilbert, `warmup_steps` 0. Write
the value to make the preset say what it runs.
""",
    bad="""
    p:
      type: psa
      # no warmup_steps
""",
    good="""
    p:
      type: psa
      warmup_steps: 0
""",
    fix="write the key with the value you want",
)
def check_runtime_defaults(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        for key, default in DEFAULTED_KEYS.items():
            if preset.has(key) or (key == "rearrange_method" and preset.boolean("use_rearrange") is False):
                continue
            yield preset.diagnostic(
                "runtime-default", (), f"`{key}` is not set; the runtime uses its default `{default}`",
                fix=f"add `{key}: {default}` (or the value you want)", at="key",
            )


@register(
    "PSA405",
    "level1-below-floor",
    Severity.WARNING,
    summary="thresholdbound level 1 is narrower than the runtime's 6% floor.",
    explanation="""
In thresholdbound mode, when level 1 walks first (it has the smallest `end`),
it always gets at least floor(0.06 * Nk) + 1 key blocks, whatever its range
says, so a narrower level 1 runs denser than written. (When another level
walks first, PSA406 applies instead.)
""",
    bad="""
      mask_mode: thresholdbound
      mask_ratios: {1: [0.0, 0.03], ...}
""",
    good="""
      mask_mode: thresholdbound
      mask_ratios: {1: [0.0, 0.1], ...}
""",
    fix="widen level 1 to at least 0.06, or use topk",
)
def check_floor(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        if preset.mask_mode != "thresholdbound" or _walked_before_level1(preset):
            continue
        for step in preset.walk():
            width = step.share  # level 1 walks first here: it runs from 0 to its end, whatever its start
            if step.level == 1 and width < THRESHOLD_FLOOR:
                yield preset.diagnostic(
                    "level1-below-floor", ("mask_ratios", 1),
                    f"level 1 covers {width:g} of the importance, but thresholdbound always keeps at least "
                    "6% of the key blocks (+1) at full resolution", at="key",
                )


@register(
    "PSA406",
    "level1-walked-late",
    Severity.WARNING,
    summary="thresholdbound walks another level before level 1, so level 1's 6% floor misfires.",
    explanation="""
thresholdbound walks the levels in the order of their `end` (ties keep the
file order). Level 1's floor raises its end to the rank index
floor(0.06 * Nk) + 1: an absolute index, not a count. When level 1 walks
first that guarantees it that many blocks; when another level walks before
it, level 1 only reaches that index, so it may get fewer blocks than its
range says, or none.
""",
    bad="""
      mask_mode: thresholdbound
      mask_ratios: {2: [0.0, 0.3], 1: [0.3, 0.5], 4: [0.5, 0.7], 8: [0.7, 0.8], 0: [0.8, 1.0]}
""",
    good="""
      mask_mode: thresholdbound
      mask_ratios: {1: [0.0, 0.3], 2: [0.3, 0.5], 4: [0.5, 0.7], 8: [0.7, 0.8], 0: [0.8, 1.0]}
""",
    fix="give level 1 the smallest end, so that it walks first",
)
def check_level1_first(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        if preset.mask_mode != "thresholdbound":
            continue
        before = _walked_before_level1(preset)
        if before:
            names = ", ".join(str(level) for level in before)
            yield preset.diagnostic(
                "level1-walked-late", ("mask_ratios", 1),
                f"thresholdbound walks the levels by their end, so level {names} walk{'s' if len(before) == 1 else ''} "
                "before level 1; level 1's 6% floor is an absolute rank index, so level 1 may get fewer blocks "
                "than its range says, or none",
                at="key",
            )


def _walked_before_level1(preset: PresetView) -> list[int]:
    """Levels with a non-empty share that thresholdbound walks before level 1."""
    walked = preset.walk()
    for step in walked:
        if step.level == 1:
            return [earlier.level for earlier in walked[: step.position] if earlier.share > 0]
    return []

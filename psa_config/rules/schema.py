"""Rules emitted by validating the data against the typed model (psa_config.validation)."""

from __future__ import annotations

from psa_config.diagnostics import Severity
from psa_config.rules.registry import declare

declare(
    "PSA101",
    "unknown-key",
    Severity.ERROR,
    summary="A key the format does not define (often a typo).",
    explanation="""
The runtime reads keys with `.get(key, default)`: a misspelt key is ignored
and the runtime default silently takes its place (`mask_ratio:` instead of
`mask_ratios:` runs with no ratios at all).
""",
    bad="""
      mask_ratio:
        1: [0.0, 0.4]
""",
    good="""
      mask_ratios:
        1: [0.0, 0.4]
""",
    fix="correct the key's spelling or remove it",
)

declare(
    "PSA102",
    "wrong-type",
    Severity.ERROR,
    summary="A value of the wrong type (strict: no string numbers, no `yes`).",
    explanation="""
Types are strict: numbers are not quoted, booleans are `true`/`false`, block
sizes, lengths, steps and divisors are integers (`128`, not `128.0`). The
runtime passes values through unchecked: a quoted number or `m: 128.0`
crashes its arithmetic (TypeError), and a boolean key is read for
truthiness (`0` is false, the string `"false"` is true).
""",
    bad="""
      block_size:
        m: 128
        n: "64"
        tile_n: 32
""",
    good="""
      block_size:
        m: 128
        n: 64
        tile_n: 32
""",
    fix="write the value with the expected type",
)

declare(
    "PSA103",
    "missing-key",
    Severity.ERROR,
    summary="A required key is missing.",
    explanation="""
A model section needs `default_attention`, `video_scale`, `text_length` and
`attention_configs`. A `psa` preset needs `use_sim_mask`, `block_size`,
`mask_ratios`, `mask_mode` and `attn_impl`: the runtime's defaults for them
crash (`use_sim_mask` defaults to true, which `new_mask_type`, the default
kernel, refuses at setup), silently change what runs (with `old_mask_type`
the default true turns the similarity cap on), or contradict the guide (a
missing `mask_ratios` becomes `{}`, which attends only key block 0).
""",
    bad="""
    my_preset:
      type: psa
      block_size: {m: 128, n: 128, tile_n: 32}
""",
    good="""
    my_preset:
      type: psa
      use_sim_mask: false
      block_size: {m: 128, n: 128, tile_n: 32}
      mask_ratios: {1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1.0]}
      mask_mode: topk
      attn_impl: new_mask_type
""",
    fix="add the missing key",
)

declare(
    "PSA104",
    "invalid-value",
    Severity.ERROR,
    summary="A value outside the allowed set (enums are case-sensitive).",
    explanation="""
`type` is `psa` or `dense`; `mask_mode` is `topk` or `thresholdbound`;
`attn_impl` is `new_mask_type` or `old_mask_type`; `rearrange_method` is
`Gilbert`, `STA`, `SemanticAware` or `Hybrid`; block sizes `m` and `n` are
16, 32, 64, 128 or 256. The runtime lower-cases `type` (another case is only
a warning, PSA407) and refuses other types; it compares the rest exactly: a
`mask_mode` other than `thresholdbound` runs topk, an unknown `attn_impl`
builds no kernel (crash at the first sparse step), an unknown
`rearrange_method` raises at the first step while rearrangement is on.
""",
    bad="""
      mask_mode: TopK
""",
    good="""
      mask_mode: topk
""",
    fix="use one of the allowed values, spelt exactly",
)

declare(
    "PSA105",
    "out-of-range",
    Severity.ERROR,
    summary="A number outside its bounds.",
    explanation="""
Video divisors are positive, `text_length` and `warmup_steps` are >= 0,
`tile_size` entries are positive, similarity thresholds are in [-1, 1] and
`tile_n` is between 16 and 256.
""",
    bad="""
  video_scale:
    width_divisor: 0
""",
    good="""
  video_scale:
    width_divisor: 16
""",
    fix="use a value inside the bounds given in the message",
)

"""Rules emitted while reading the YAML (psa_config.source)."""

from __future__ import annotations

from psa_config.diagnostics import Severity
from psa_config.rules.registry import declare

declare(
    "PSA001",
    "yaml-syntax",
    Severity.ERROR,
    summary="The file is not well-formed YAML.",
    explanation="""
The runtime loads the file with PyYAML; a syntax error stops every job that
uses the file. The diagnostic points at the place the YAML reader gave up,
which is usually at or just after the mistake (an unclosed bracket, a tab used
for indentation, a key without a colon).
""",
    bad="""
Wan2.1_14b:
  default_attention: psa_balanced
  video_scale: {width_divisor: 16, height_divisor: 16
""",
    good="""
Wan2.1_14b:
  default_attention: psa_balanced
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
""",
    fix="correct the YAML at the reported position (indent with spaces, close brackets and quotes)",
)

declare(
    "PSA002",
    "duplicate-key",
    Severity.ERROR,
    summary="A key appears twice in one mapping.",
    explanation="""
PyYAML silently keeps the last value of a duplicated key, so the first one
never takes effect, and YAML 1.2 readers (editors) reject the file. Usually
one of the two was meant to be another key, or an edit was pasted twice.
""",
    bad="""
    mask_ratios:
      1: [0.0, 0.4]
      1: [0.4, 0.5]
""",
    good="""
    mask_ratios:
      1: [0.0, 0.4]
      2: [0.4, 0.5]
""",
    fix="remove one of the two keys, or rename the one that was meant to be different",
)

declare(
    "PSA003",
    "yaml11-ambiguous-scalar",
    Severity.ERROR,
    summary="A plain scalar means one thing to the runtime (YAML 1.1) and another to YAML 1.2 readers.",
    explanation="""
The runtime reads the file with PyYAML, which implements YAML 1.1; editors,
schema validators and this tool's YAML 1.2 reader disagree with it on some
plain scalars: `yes`/`no`/`on`/`off` (booleans to PyYAML, strings to 1.2),
`y`/`n` (booleans in YAML 1.1), `1e-3` without a dot (a *string* to PyYAML, a
float to 1.2), `1.0e3` without an exponent sign (a string to PyYAML),
`0755` (octal 493 to PyYAML, 755 to 1.2), `12:30` (sexagesimal 750 to
PyYAML). A preset must mean the same to every reader.
""",
    bad="""
      use_sim_mask: no
      mask_ratios:
        1: [0.0, 1e-1]
""",
    good="""
      use_sim_mask: false
      mask_ratios:
        1: [0.0, 0.1]
""",
    fix="write booleans as true/false and numbers with a dot (0.001 or 1.0e-3)",
)

declare(
    "PSA004",
    "empty-document",
    Severity.ERROR,
    summary="The file holds no YAML document.",
    explanation="""
An empty file (or one with only comments) loads as nothing: the runtime finds
no model and fails when a job asks for one.
""",
    bad="""
# presets go here
""",
    good="""
CogVideo_5b:
  default_attention: baseline
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 226
  attention_configs:
    baseline: {type: dense}
""",
    fix="add at least one model section",
)

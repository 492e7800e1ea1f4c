"""Warnings about how the runtime reads a preset: `type`'s case, a dense preset's psa keys, legacy keys, step
counting, model names."""

from __future__ import annotations

from collections.abc import Iterator

from psa_config.core_schema import psa_only_fields
from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.context import CheckContext
from psa_config.rules.registry import register
from psa_config.runtime import INFERENCE_STEPS, SIM_KEYS, runtime_kind


@register(
    "PSA407",
    "type-case",
    Severity.WARNING,
    summary="`type` written in another case (`PSA`, `Dense`).",
    explanation="""
The runtime lower-cases `type` before comparing it, so `PSA` runs as `psa`
and `Dense` as `dense`. Every other value is compared exactly, and YAML 1.2
tools (editors, the JSON Schema) expect the lower-case spelling.
""",
    bad="""
    psa_balanced:
      type: PSA
""",
    good="""
    psa_balanced:
      type: psa
""",
    fix="write the type in lower case",
)
def check_type_case(ctx: CheckContext) -> Iterator[Diagnostic]:
    for model in ctx.models():
        for preset in model.presets():
            kind = preset.get("type")
            if isinstance(kind, str) and kind != kind.lower() and kind.lower() in ("psa", "dense"):
                yield preset.diagnostic(
                    "type-case", ("type",),
                    f"`type: {kind}`: the runtime lower-cases it and runs the preset as `{kind.lower()}`",
                    fix=f"write `{kind.lower()}`",
                )


@register(
    "PSA411",
    "ignored-in-dense",
    Severity.WARNING,
    summary="psa keys (`mask_ratios`, `block_size`, ...) in a dense preset: the runtime never reads them.",
    explanation="""
The runtime runs a preset whose `type` is `dense` as full attention and
returns before it reads any other key, so `mask_ratios`, `block_size`,
`warmup_steps` and every other psa key there are ignored, whatever their
values (even null or a wrong type). That is often deliberate (a psa preset
switched to dense for a baseline run), so it is a warning: the preset runs
dense, as its `type` says, but the sparse settings written there have no
effect. One warning per preset, at its first psa key, names them all. Keys
that are neither dense nor psa keys (typos) are unknown keys (PSA101).
""",
    bad="""
    baseline:
      type: dense
      mask_mode: topk
""",
    good="""
    baseline:
      type: dense
      description: "Dense baseline."
""",
    fix="remove the key, or make the preset `type: psa`",
)
def check_ignored_in_dense(ctx: CheckContext) -> Iterator[Diagnostic]:
    for model in ctx.models():
        for preset in model.presets():
            if runtime_kind(preset.data) != "dense":
                continue
            ignored = [key for key in preset.data if key in psa_only_fields()]
            if ignored:
                listed = ", ".join(f"`{key}`" for key in ignored)
                verb = "is" if len(ignored) == 1 else f"({len(ignored)} psa keys) are"
                yield preset.diagnostic(
                    "ignored-in-dense", (ignored[0],),
                    f"{listed} {verb} ignored: the preset is dense, and the runtime runs a dense preset as full "
                    "attention without reading its psa keys",
                    fix=f"remove {'it' if len(ignored) == 1 else 'them'}, or make the preset `type: psa`", at="key",
                )


@register(
    "PSA408",
    "legacy-sim-threshold",
    Severity.WARNING,
    summary="A legacy `sim_2x_threshold` / `sim_4x_threshold` / `sim_8x_threshold` preset key.",
    explanation="""
The runtime still reads the legacy preset keys `sim_2x_threshold`,
`sim_4x_threshold` and `sim_8x_threshold`, and they take precedence over
`sim_thresholds.x2`, `x4` and `x8`: with both written, the legacy value is
the one that runs and the `sim_thresholds` entry is silently ignored.
""",
    bad="""
      sim_2x_threshold: 0.95
      sim_thresholds: {x2: 0.7, x4: 0.65, x8: 0.6}
""",
    good="""
      sim_thresholds: {x2: 0.95, x4: 0.65, x8: 0.6}
""",
    fix="move the value into sim_thresholds and remove the legacy key",
)
def check_legacy_thresholds(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        thresholds = preset.get("sim_thresholds")
        for short, legacy in SIM_KEYS:
            if not preset.has(legacy):
                continue
            value = preset.get(legacy)
            if isinstance(thresholds, dict) and thresholds and short in thresholds:
                wins = f"the runtime uses it ({value!r}) and ignores sim_thresholds.{short} ({thresholds[short]!r})"
            else:
                wins = f"the runtime uses it ({value!r}); sim_thresholds has no {short}"
            yield preset.diagnostic(
                "legacy-sim-threshold", (legacy,),
                f"`{legacy}` is the legacy form of sim_thresholds.{short}: {wins}",
                fix=f"write `{short}: {value!r}` in sim_thresholds and remove `{legacy}`", at="key",
            )


@register(
    "PSA409",
    "warmup-covers-all-steps",
    Severity.WARNING,
    summary=f"`warmup_steps` >= {INFERENCE_STEPS}: every denoising step runs dense.",
    explanation=f"""
The runtime counts denoising steps modulo the pipeline's number of inference
steps ({INFERENCE_STEPS} in its example scripts) and runs dense attention
while the count is below `warmup_steps`. With `warmup_steps >= {INFERENCE_STEPS}`
every step is a warm-up step: the preset never runs sparse there.
""",
    bad="""
      warmup_steps: 60
""",
    good="""
      warmup_steps: 15
""",
    fix=f"use fewer warm-up steps than inference steps (< {INFERENCE_STEPS})",
)
def check_warmup(ctx: CheckContext) -> Iterator[Diagnostic]:
    for preset in ctx.psa_presets():
        steps = preset.number("warmup_steps")
        if steps is not None and steps >= INFERENCE_STEPS:
            yield preset.diagnostic(
                "warmup-covers-all-steps", ("warmup_steps",),
                f"warmup_steps is {preset.get('warmup_steps')!r}: the runtime counts steps modulo the inference "
                f"steps ({INFERENCE_STEPS} in its scripts), so with {INFERENCE_STEPS} steps every step runs dense",
            )


@register(
    "PSA410",
    "unsupported-model-name",
    Severity.WARNING,
    summary="A model name the runtime does not dispatch (it contains neither `Wan` nor `CogVideo`).",
    explanation="""
The runtime picks its setup from the model section's name: a name containing
`CogVideo` takes the CogVideoX path, one containing `Wan` the Wan path (two
transformers when the name contains `2.2`); it compares case-insensitively.
Any other name is refused at setup ("Unsupported model"), so the section's
presets cannot run on the published runtime.
""",
    bad="""
HunyuanVideo:
  default_attention: psa_balanced
""",
    good="""
Wan2.1_14b:
  default_attention: psa_balanced
""",
    fix="name the section after a model the runtime supports (a name containing Wan or CogVideo)",
)
def check_model_names(ctx: CheckContext) -> Iterator[Diagnostic]:
    for model in ctx.models():
        if model.runtime_path is None:
            yield model.diagnostic(
                "unsupported-model-name", (),
                f"the runtime dispatches on the model name, and `{model.name}` contains neither `Wan` nor "
                "`CogVideo`: setup refuses it (ValueError: Unsupported model)",
                at="key",
            )

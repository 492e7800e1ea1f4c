"""Rules about a model section as a whole."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.rules.context import CheckContext
from psa_config.rules.registry import register


@register(
    "PSA106",
    "unknown-default-preset",
    Severity.ERROR,
    summary="`default_attention` names no preset of its model.",
    explanation="""
`default_attention` is the preset a job runs when none is named on the
command line. It must be a key of the same model's `attention_configs`;
otherwise every job that relies on the default fails at start-up.
""",
    bad="""
Wan2.1_14b:
  default_attention: psa_balance
  attention_configs:
    psa_balanced: {...}
""",
    good="""
Wan2.1_14b:
  default_attention: psa_balanced
  attention_configs:
    psa_balanced: {...}
""",
    fix="name one of the model's presets",
)
def check_default_preset(ctx: CheckContext) -> Iterator[Diagnostic]:
    for model in ctx.models():
        default = model.string("default_attention")
        configs = model.get("attention_configs")
        if default is None or not isinstance(configs, dict) or default in configs:
            continue
        names = [str(name) for name in configs]
        close = difflib.get_close_matches(default, names, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else f" (presets: {_listing(names)})"
        yield model.diagnostic(
            "unknown-default-preset",
            ("default_attention",),
            f"default_attention `{default}` is not a preset of `{model.name}`{hint}",
            fix=f"write `{close[0]}`" if close else None,
        )


LISTED_NAMES = 8
"""A message names at most this many presets (a file may hold thousands)."""


def _listing(names: list[str]) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:LISTED_NAMES])
    return shown if len(names) <= LISTED_NAMES else f"{shown} and {len(names) - LISTED_NAMES} more"

"""Reading and checking large valid files (no node limit), against PyYAML itself in the same process.

Builds valid attention-config files of about 0.8 MB and 8 MB (one model, many
copies of a full preset), written out plainly and with every ``mask_ratios``
merged from the first preset's (an anchor), then times, best of ``--repeat``:

* ``yaml.load(..., CSafeLoader)``: libyaml, the floor for any PyYAML reading;
* ``read_source``: what the checker reads (runtime data, spans, reading diagnostics);
* ``check_text``: the whole check;
* ``yaml.safe_load``: the runtime's pure-Python reader (skipped above 1 MB
  unless ``--pure``: minutes there).

    python benchmarks/read_large.py [--repeat 1] [--pure]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import yaml

from psa_config import check_text
from psa_config.source import read_source

PRESET = """\
    p{index}:
      type: psa
      description: "Preset {index}."
      use_rearrange: true
      use_sim_mask: false
      block_size:
        m: 128
        n: 128
        tile_n: 32
      mask_ratios:{anchor}
{ratios}      mask_mode: thresholdbound
      attn_impl: new_mask_type
      tile_size: [2, 8, 8]
      warmup_steps: 15
      rearrange_method: Gilbert
      verbose: false
"""
RATIOS = "        1: [0.0, 0.4]\n        2: [0.4, 0.5]\n        4: [0.5, 0.6]\n        8: [0.6, 0.8]\n        0: [0.8, 1.0]\n"
HEAD = """\
Wan2.1_14b:
  default_attention: p0
  video_scale: {width_divisor: 16, height_divisor: 16, depth_divisor: 4}
  text_length: 0
  attention_configs:
"""


def config_text(presets: int, *, merged: bool) -> str:
    """``presets`` copies of a valid preset; ``merged``: the first anchors its mask_ratios, the rest merge them."""
    body = PRESET.format(index=0, anchor=" &ratios" if merged else "", ratios=RATIOS)
    ratios = "        <<: *ratios\n" if merged else RATIOS
    body += "".join(PRESET.format(index=index, anchor="", ratios=ratios) for index in range(1, presets))
    return HEAD + body


def best_seconds(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(text: str, repeat: int, pure: bool) -> dict[str, float]:
    results = {"libyaml load": best_seconds(lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat)}  # noqa: S506
    results["read_source"] = best_seconds(lambda: read_source(text, "big.yaml"), repeat)
    results["check_text"] = best_seconds(lambda: check_text(text, "big.yaml"), repeat)
    if pure:
        results["yaml.safe_load"] = best_seconds(lambda: yaml.safe_load(text), repeat)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per step; the best is shown (default 1)")
    parser.add_argument("--pure", action="store_true", help="also time yaml.safe_load on the 8 MB files")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}; PyYAML {yaml.__version__}; load {os.getloadavg()[0]:.2f}")
    for presets in (1_700, 17_000):
        for merged in (False, True):
            text = config_text(presets, merged=merged)
            errors = [d for d in check_text(text) if d.is_error] if presets < 10_000 else []
            assert not errors, errors[:3]
            results = measure(text, args.repeat, args.pure or len(text) < 1_000_000)
            floor = results["libyaml load"]
            shape = "merged" if merged else "plain"
            cells = ", ".join(f"{name} {seconds:.2f} s ({seconds / floor:.1f}x)" for name, seconds in results.items())
            print(f"{presets} presets, {shape}, {len(text) / 1e6:.1f} MB: {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``psa-config dry-run``: what a preset really does on a given video size.

The pieces, each with one job:

* :mod:`.defaults`: realistic per-model sizes (video, heads, head dim);
* :mod:`.geometry`: token grid, sequence length, the CPU reduction and the
  layout checks the schema cannot make (Gilbert, STA);
* :mod:`.inputs`: the Q/K/V a run uses, laid out as each preset's runtime would;
* :mod:`.timing`: median CUDA-event or wall-clock timings, peak memory;
* :mod:`.pipeline`: one preset: level map, times, errors;
* :mod:`.runner`: a whole run (all requested presets, one dense baseline);
* :mod:`.report` / :mod:`.render`: the result records, JSON and rich text.
"""

from __future__ import annotations

from psa_kernels.dryrun.report import DryRunReport, PresetResult
from psa_kernels.dryrun.runner import DryRunRequest, run_dry_run

__all__ = ["DryRunReport", "DryRunRequest", "PresetResult", "run_dry_run"]

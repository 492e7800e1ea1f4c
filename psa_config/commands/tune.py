"""``psa-config tune [CONFIG] --model M --max-error E``: the fastest preset within an error budget.

Needs the ``kernels`` and ``tune`` extras (torch, optuna, plotext, matplotlib);
everything heavy is imported inside :func:`run`. Exit codes: 0 a preset within
the budget was found (and written, with ``--write``), 1 none was (or the write
was refused), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from psa_config.commands.dryrun import DEFAULT_CONFIG, _did_you_mean, _load, _section
from psa_config.errors import UsageError

if TYPE_CHECKING:
    from psa_config.model import ModelSection

EXIT_OK, EXIT_FAILED = 0, 1
INSTALL_HINT = "tune needs torch and optuna: pip install 'psa-config[kernels,tune]'"
MISSING_EXTRAS = ("torch", "triton", "rich", "safetensors", "optuna", "plotext", "matplotlib")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "tune",
        help="search the fastest preset whose attention error stays within a budget",
        description=(
            "Search checker-valid new_mask_type presets with Optuna (multi-objective: speedup on CUDA or "
            "density on the CPU, against the worst sample's attention output error, the budget a "
            "constraint), measure each on every sample with dry-run's pipeline, and print the Pareto "
            "front. --write adds the chosen preset to the file."
        ),
    )
    parser.add_argument("config", nargs="?", default=str(DEFAULT_CONFIG), metavar="CONFIG",
                        help=f"attention_config.yaml (default: {DEFAULT_CONFIG})")
    parser.add_argument("--model", required=True, help="model section, e.g. Wan2.1_1.3b")
    parser.add_argument("--max-error", type=float, required=True, metavar="E",
                        help="error budget: the worst sample's error against dense attention must stay <= E")
    parser.add_argument("--metric", choices=("rel-l2", "cosine"), default="rel-l2",
                        help="error: relative L2 of the attention output, or 1 - cosine similarity (default rel-l2)")
    _add_data_options(parser)
    _add_search_options(parser)
    _add_output_options(parser)
    parser.set_defaults(handler=run)


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--qkv", nargs="+", metavar="PATH",
                      help="captured q, k, v: files, or folders (with a capture index.json, or all their files)")
    data.add_argument("--data", choices=("local", "random"), help="synthetic Q/K/V (default: local)")
    parser.add_argument("--samples", type=int, default=2, help="synthetic samples (seeds) to measure on (default 2)")
    parser.add_argument("--video", metavar="WxHxF", help="video size (default: the model's, or the capture's)")
    parser.add_argument("--heads", type=int, help="attention heads of synthetic data (default: the model's)")
    parser.add_argument("--full-size", action="store_true", help="on the CPU, do not reduce the size")
    parser.add_argument("--device", choices=("cuda", "cpu"), help="default: cuda if available")
    parser.add_argument("--dtype", choices=("bf16", "fp16", "fp32"), help="default: bf16 on CUDA, fp32 on CPU")
    parser.add_argument("--repeat", type=int, help="timed runs per stage, median (default: 20 CUDA, 1 CPU)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the estimate and the sampler")


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=("topk", "thresholdbound", "both"), default="both",
                        help="mask modes to search (default both)")
    parser.add_argument("--n", default="32,64,128", metavar="N,...", help="key block sizes to search (default 32,64,128)")
    parser.add_argument("--trials", type=int, default=32, help="trials to run now (default 32; 0: report the stored study)")
    parser.add_argument("--objective", choices=("speed", "density"),
                        help="what to improve: speed (CUDA; the default there) or density (the CPU default)")
    parser.add_argument("--from", dest="source", metavar="PRESET",
                        help="preset whose other settings (rearrangement, warmup, ...) candidates copy "
                             "(default: the model's default_attention if it is psa)")
    parser.add_argument("--storage", metavar="URL",
                        help="Optuna storage, e.g. sqlite:///tune.db: resumable, shared by several workers")
    parser.add_argument("--study", metavar="NAME", help="study name in the storage (default: psa-tune-MODEL)")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", metavar="NAME", help="add the chosen preset to the model under this name")
    parser.add_argument("--dry-run", action="store_true", help="with --write: print the diff instead of writing")
    parser.add_argument("--per-sample", action="store_true", help="one error column per sample")
    parser.add_argument("--plot", metavar="FILE", help="save the Pareto plot as a PNG")
    parser.add_argument("--no-plot", action="store_true", help="no plot in the terminal")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--json-file", metavar="FILE", help="also save the JSON object to FILE")


def run(args: argparse.Namespace) -> int:
    if args.dry_run and not args.write:
        raise UsageError("--dry-run shows the diff of --write NAME; give --write too")
    if args.qkv and args.heads is not None:
        raise UsageError("--heads: the --qkv files' tensors fix the shape [B, H, L, D]")
    _check_output_paths(args)
    config = _load(args.config)
    if config is None:
        return EXIT_FAILED
    section = _section(config, args.model)
    modules = _modules()
    request = _request(args, section, modules)
    try:
        with modules["render"].progress_display(args.trials, request.objective, args.metric, args.max_error) as progress:
            report = modules["runner"].run_tune(request, progress)
    except ValueError as exc:  # input errors of the data, the study or the kernels
        raise UsageError(str(exc)) from None
    diff = _write(args, request, report, modules) if args.write and report.front.chosen is not None else None
    _print(args, report, modules, diff)
    if args.plot:
        modules["plots"].save_plot(report, args.plot)
    if report.front.chosen is None:
        return EXIT_FAILED
    return EXIT_FAILED if diff is False else EXIT_OK


def _check_output_paths(args: argparse.Namespace) -> None:
    """Refuse output files that cannot be written before the tune runs, not after."""
    from pathlib import Path

    for option, path in (("--plot", args.plot), ("--json-file", args.json_file)):
        if path is not None and not Path(path).resolve().parent.is_dir():
            raise UsageError(f"{option} {path}: no such folder {str(Path(path).parent)!r}")
        if path is not None and Path(path).is_dir():
            raise UsageError(f"{option} {path}: is a folder; give a file name")


def _cuda_run(args: argparse.Namespace) -> bool:
    import torch

    return args.device == "cuda" or (args.device is None and torch.cuda.is_available())


def _modules() -> dict[str, Any]:
    """The tune modules; a one-line UsageError when an extra is missing."""
    import importlib
    import importlib.util
    import warnings

    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    names = ("runner", "render", "plots", "write", "space", "report")
    if any(importlib.util.find_spec(extra) is None for extra in ("optuna", "plotext", "matplotlib")):
        raise UsageError(INSTALL_HINT)  # imported only where used: check now, not after the first trials
    try:
        import torch  # noqa: F401

        return {name: importlib.import_module(f"psa_kernels.tune.{name}") for name in names}
    except ModuleNotFoundError as exc:
        if exc.name in MISSING_EXTRAS:
            raise UsageError(INSTALL_HINT) from None
        raise


def _request(args: argparse.Namespace, section: ModelSection, modules: dict[str, Any]) -> Any:
    from psa_config.edit import read_text
    from psa_kernels.dryrun.geometry import parse_video

    try:
        video = None if args.video is None else parse_video(args.video)
        space = modules["space"].SearchSpace(_modes(args.mode), _block_ns(args.n))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return modules["runner"].TuneRequest(
        config_path=args.config, text=read_text(args.config), model=args.model, section=section,
        max_error=args.max_error, source_preset=_source(section, args.model, args.source),
        preset_name=_preset_name(section, args.model, args.write), metric=args.metric, space=space,
        objective=args.objective or ("speed" if _cuda_run(args) else "density"), trials=args.trials, samples=args.samples, qkv_paths=args.qkv or [],
        data=args.data or "local", video=video, heads=args.heads, device=args.device, dtype=args.dtype, full_size=args.full_size,
        repeat=args.repeat, seed=args.seed, storage=args.storage, study_name=args.study,
    )


def _modes(mode: str) -> tuple[str, ...]:
    return ("topk", "thresholdbound") if mode == "both" else (mode,)


def _block_ns(text: str) -> tuple[int, ...]:
    try:
        return tuple(dict.fromkeys(int(part) for part in text.split(",")))
    except ValueError:
        raise UsageError(f"--n {text!r}: expected comma-separated integers, e.g. 64,128") from None


def _source(section: ModelSection, model: str, given: str | None) -> str | None:
    from psa_config.model import PsaPreset

    presets = section.attention_configs
    if given is not None:
        if not isinstance(presets.get(given), PsaPreset):
            known = [name for name, p in presets.items() if isinstance(p, PsaPreset)]
            raise UsageError(f"--from {given!r}: no psa preset of that name in {model!r}{_did_you_mean(given, known)}")
        return given
    if isinstance(presets.get(section.default_attention), PsaPreset):
        return section.default_attention
    return next((name for name, p in presets.items() if isinstance(p, PsaPreset)), None)


def _preset_name(section: ModelSection, model: str, write: str | None) -> str:
    from psa_kernels.tune.runner import DEFAULT_PRESET_NAME

    if write is not None:
        if write in section.attention_configs:
            raise UsageError(f"--write {write!r}: model {model!r} already has a preset of that name")
        return write
    name, number = DEFAULT_PRESET_NAME, 2
    while name in section.attention_configs:
        name, number = f"{DEFAULT_PRESET_NAME}_{number}", number + 1
    return name


def _write(args: argparse.Namespace, request: Any, report: Any, modules: dict[str, Any]) -> str | bool:
    """The diff (``--dry-run``), True when written, False when refused."""
    from psa_config.edit import FileChangedError, RefusedError, save, unified_diff, validate
    from psa_kernels.tune.presets import BasePreset

    base = BasePreset(request.text, request.config_path, request.model, request.source_preset)
    doc = modules["write"].tuned_document(base, args.write, report.front.chosen, report)
    if args.dry_run:
        fresh = validate(doc, request.text).new_errors
        if fresh:
            print(f"psa-config tune: the preset would add {len(fresh)} error(s); --write would refuse it", file=sys.stderr)
        return unified_diff(request.text, doc.text, args.config)
    try:
        save(doc, args.config, original_text=request.text)
    except (RefusedError, FileChangedError) as exc:
        print(f"psa-config tune: not written: {exc}", file=sys.stderr)
        return False
    report.written = args.write
    print(f"psa-config tune: wrote preset {args.write!r} to {args.config}", file=sys.stderr)
    return True


def _print(args: argparse.Namespace, report: Any, modules: dict[str, Any], diff: str | bool | None) -> None:
    body = report.to_json(per_sample=True)
    if isinstance(diff, str):
        body["diff"] = diff
    if args.json_file:
        with open(args.json_file, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=2)
    if args.json:
        json.dump(body, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    modules["render"].print_report(report, per_sample=args.per_sample, plot=not args.no_plot)
    if isinstance(diff, str):
        sys.stdout.write(diff)

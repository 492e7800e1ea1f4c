"""``psa-config dry-run [CONFIG] --model M [--preset P | --all]``: what a preset really does.

Needs the ``kernels`` extra (torch); everything heavy is imported inside :func:`run`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psa_config.errors import UsageError

if TYPE_CHECKING:
    from psa_config.diagnostics import Diagnostic
    from psa_config.model import AttentionConfigFile, ModelSection

DEFAULT_CONFIG = Path("configs") / "attention_config.yaml"
EXIT_OK, EXIT_FAILED = 0, 1
INSTALL_HINT = "dry-run needs torch: pip install 'psa-config[kernels]'"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "dry-run",
        help="try presets on a video size: sparsity, speed, error against dense",
        description=(
            "Run a preset's importance estimate, level assignment and sparse attention on Q/K/V of a "
            "video size, and report the pyramid per level, the FLOP density, the times against dense "
            "SDPA and the output error. Without CUDA the reference runs at a reduced size."
        ),
    )
    parser.add_argument("config", nargs="?", default=str(DEFAULT_CONFIG), metavar="CONFIG",
                        help=f"attention_config.yaml (default: {DEFAULT_CONFIG})")
    parser.add_argument("--model", required=True, help="model section, e.g. Wan2.1_1.3b")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--preset", help="preset name (default: the model's default_attention)")
    which.add_argument("--all", action="store_true", help="every preset of the model")
    _add_size_options(parser)
    _add_run_options(parser)
    parser.set_defaults(handler=run)


def _add_size_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--video", metavar="WxHxF", help="video size (default: the model's usual size)")
    parser.add_argument("--heads", type=int, help="attention heads (default: the model's)")
    parser.add_argument("--head-dim", type=int, help="head dimension (default: 64 CogVideo, 128 Wan)")
    parser.add_argument("--batch", type=int, help="batch size (default: 1)")
    parser.add_argument("--full-size", action="store_true", help="on the CPU, do not reduce the size")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dtype", choices=("bf16", "fp16", "fp32"), help="default: bf16 on CUDA, fp32 on CPU")
    parser.add_argument("--device", choices=("cuda", "cpu"), help="default: cuda if available")
    parser.add_argument("--data", choices=("random", "local"), help="synthetic Q/K/V (default: random)")
    parser.add_argument("--qkv", metavar="FILE", help="captured q, k, v in a .pt or .safetensors file")
    parser.add_argument("--repeat", type=int, help="timed runs, median reported (default: 20 CUDA, 1 CPU)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the estimate (default: 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def run(args: argparse.Namespace) -> int:
    config = _load(args.config)
    if config is None:
        return EXIT_FAILED
    section = _section(config, args.model)
    presets = _preset_names(section, args.model, args.preset, args.all)
    _check_qkv_options(args)
    runner, render = _kernels()
    request = _request(args, section, presets, runner)
    try:
        with render.progress_display() as progress:
            report = runner.run_dry_run(request, progress)
    except ValueError as exc:  # DryRunInputError, QkvFileError, kernel input checks
        raise UsageError(str(exc)) from None
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render.print_report(report)
    return EXIT_OK


def _check_qkv_options(args: argparse.Namespace) -> None:
    if args.qkv is None:
        return
    if args.data is not None:
        raise UsageError("--qkv and --data are exclusive: the file is the data")
    given = [flag for flag, value in (("--heads", args.heads), ("--head-dim", args.head_dim),
                                      ("--batch", args.batch)) if value is not None]  # fmt: skip
    if given:
        raise UsageError(f"{', '.join(given)}: the --qkv file's tensors fix the shape [B, H, L, D]")


def _load(path: str) -> AttentionConfigFile | None:
    """The typed file, or None after printing its errors (located) on stderr."""
    import psa_config
    from psa_config.errors import UnreadableInputError

    if Path(path).is_dir():
        raise UnreadableInputError(f"{path}: is a directory, not a file (name the attention_config.yaml in it)")
    if not Path(path).exists():
        raise UnreadableInputError(f"{path}: no such file")
    try:
        return psa_config.load(path)
    except psa_config.ConfigError as exc:
        _print_diagnostics(exc.diagnostics)
        print(f"psa-config dry-run: error: {path} has errors; fix them first (psa-config check {path})",
              file=sys.stderr)
        return None


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        print(f"{d.path}:{d.line}:{d.column}: {d.severity.value} {d.code} {d.name}: {d.full_message()}", file=sys.stderr)


def _section(config: AttentionConfigFile, model: str) -> ModelSection:
    if model not in config.root:
        raise UsageError(f"unknown model {model!r}{_choices(model, list(config.root), 'models')}")
    return config.model(model)


def _preset_names(section: ModelSection, model: str, preset: str | None, every: bool) -> list[str]:
    if every:
        return list(section.attention_configs)
    name = preset or section.default_attention
    if name not in section.attention_configs:
        known = list(section.attention_configs)
        raise UsageError(f"unknown preset {name!r} of model {model!r}{_choices(name, known, 'presets')}")
    return [name]


def _choices(name: str, known: list[str], what: str) -> str:
    """The closest known name (by spelling, else by prefix), then every known name."""
    if not known:
        return f"; the file has no {what}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    close = close or [k for k in known if k.lower().startswith(name.lower())][:1]
    guess = f"; did you mean {close[0]!r}?" if close else ""
    return f"{guess} ({what}: {', '.join(known)})"


def _did_you_mean(name: str, known: list[str]) -> str:
    """The closest name and every known one (``psa-config tune`` uses it for presets)."""
    return _choices(name, known, "presets")


def _kernels() -> tuple[Any, Any]:
    """The runner and renderer modules; a one-line UsageError when torch is missing."""
    import warnings

    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")  # torch without numpy
    try:
        import torch  # noqa: F401
        from psa_kernels.dryrun import render, runner
    except ModuleNotFoundError as exc:
        if exc.name in ("torch", "triton", "rich", "safetensors"):
            raise UsageError(INSTALL_HINT) from None
        raise
    return runner, render


def _request(args: argparse.Namespace, section: ModelSection, presets: list[str], runner: Any) -> Any:
    from psa_kernels.dryrun.geometry import parse_video

    try:
        video = None if args.video is None else parse_video(args.video)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return runner.DryRunRequest(
        config_path=args.config,
        model=args.model,
        section=section,
        presets=presets,
        video=video,
        heads=args.heads,
        head_dim=args.head_dim,
        batch=args.batch,
        dtype=args.dtype,
        device=args.device,
        data=args.data or "random",
        qkv_path=args.qkv,
        repeat=args.repeat,
        seed=args.seed,
        full_size=args.full_size,
        preset_warnings=_preset_warnings(args.config, args.model, presets),
    )


def _preset_warnings(path: str, model: str, presets: list[str]) -> dict[str, list[Any]]:
    """The checker's warnings about each preset, located, as the report lists them."""
    import psa_config
    from psa_kernels.dryrun.report import Finding

    found: dict[str, list[Any]] = {name: [] for name in presets}
    for d in psa_config.check(path):
        if d.model == model and d.preset in found:
            found[d.preset].append(Finding(d.code, f"{d.path}:{d.line}:{d.column}: {d.full_message()}"))
    return found

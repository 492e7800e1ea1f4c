"""A whole dry-run: pick the sizes, make the inputs, time dense once, then each preset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import torch

from psa_config.model import DensePreset, ModelSection, PsaPreset
from psa_kernels.data import Qkv, load_qkv, local_qkv, random_qkv
from psa_kernels.dryrun import geometry as geo
from psa_kernels.dryrun.defaults import Video, model_defaults
from psa_kernels.dryrun.pipeline import RunContext, dense_baseline, dense_result, psa_result
from psa_kernels.dryrun.report import DryRunReport, Finding, PresetResult, Reduction
from psa_kernels.dryrun.timing import timer_for

DTYPES: dict[str, torch.dtype] = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
DATA_KINDS: tuple[str, ...] = ("random", "local")
CUDA_REPEAT = 20
CPU_REPEAT = 1
REFERENCE_BLOCKS = 8
CPU_NOTE = (
    "CPU run: the density per level and the error against dense attention are what the preset does; "
    "the times are of the PyTorch reference and say nothing about GPU speed (no speedup is shown)"
)


class DryRunInputError(ValueError):
    """The request cannot be run as given (a one-line message for the user)."""


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def step(self, description: str) -> None: ...
    def advance(self) -> None: ...


class _NoProgress:
    def start(self, total: int) -> None: ...
    def step(self, description: str) -> None: ...
    def advance(self) -> None: ...


@dataclass
class DryRunRequest:
    """What the user asked for; ``None`` means the model's or device's default."""

    config_path: str
    model: str
    section: ModelSection
    presets: list[str]
    video: Video | None = None
    heads: int | None = None
    head_dim: int | None = None
    batch: int | None = None
    dtype: str | None = None
    device: str | None = None
    data: str = "random"
    qkv_path: str | None = None
    repeat: int | None = None
    seed: int = 0
    full_size: bool = False
    preset_warnings: dict[str, list[Finding]] = field(default_factory=dict)
    command_line: bool = True
    """Whether the report may name command-line options (``--full-size``); the TUI has none."""


@dataclass(frozen=True)
class Plan:
    """The sizes a run uses (after defaults and the CPU reduction).

    ``requested`` and ``requested_seq_len`` are the size the user asked for
    (a captured file's own length): the layout checks judge that size, since
    it is the one the preset will meet in production.
    """

    geometry: geo.Geometry
    batch: int
    heads: int
    head_dim: int
    requested: geo.Geometry
    requested_seq_len: int
    reduction: Reduction | None = None


def run_dry_run(request: DryRunRequest, progress: Progress | None = None) -> DryRunReport:
    progress = progress or _NoProgress()
    device = resolve_device(request.device)
    dtype_name = request.dtype or ("bf16" if device.type == "cuda" else "fp32")
    if dtype_name not in DTYPES:
        raise DryRunInputError(f"--dtype {dtype_name!r}: expected one of {', '.join(DTYPES)}")
    progress.start(2 + len(request.presets))
    progress.step("preparing inputs")
    plan, qkv = prepare(request, device, DTYPES[dtype_name])
    progress.advance()
    progress.step("dense SDPA baseline")
    ctx = _context(request, qkv, device)
    report = _report(request, plan, ctx, device, dtype_name)
    progress.advance()
    for name in request.presets:
        progress.step(f"preset {name}")
        report.presets.append(run_preset(request, name, plan, ctx))
        progress.advance()
    return report


def resolve_device(requested: str | None) -> torch.device:
    if requested is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise DryRunInputError("--device cuda: no CUDA device is available (use --device cpu)")
    return torch.device(requested)


def prepare(request: DryRunRequest, device: torch.device, dtype: torch.dtype) -> tuple[Plan, Qkv]:
    _check_positive(request)
    if request.qkv_path is not None:
        return _captured(request, device, dtype)
    plan = plan_generated(request, device)
    return plan, generate(request.data, plan, device, dtype, request.seed)


def plan_generated(request: DryRunRequest, device: torch.device) -> Plan:
    defaults = model_defaults(request.model)
    video = request.video or defaults.video
    heads = request.heads or defaults.heads
    batch = request.batch or 1
    head_dim = request.head_dim or defaults.head_dim
    full = geo.geometry(request.section, video)
    if device.type == "cuda" or request.full_size:
        return Plan(full, batch, heads, head_dim, full, full.seq_len)
    small = geo.reduced_geometry(request.section, video)
    cpu_heads = min(heads, geo.CPU_MAX_HEADS)
    reduction = None
    if (small, cpu_heads, batch) != (full, heads, 1):
        reduction = Reduction(video, full.seq_len, heads, batch, _reduction_reason(request))
    return Plan(small, 1, cpu_heads, head_dim, full, full.seq_len, reduction)


def _reduction_reason(request: DryRunRequest) -> str:
    cap = f"sequence <= {geo.CPU_MAX_TOKENS} tokens, <= {geo.CPU_MAX_HEADS} heads, batch 1"
    if not request.command_line:
        return f"on the CPU the reference implementation runs at a reduced size ({cap})"
    why = "no CUDA device" if request.device is None else "--device cpu"
    return f"{why}: the reference implementation runs at a reduced size ({cap}); use --full-size to override"


def generate(data: str, plan: Plan, device: torch.device, dtype: torch.dtype, seed: int) -> Qkv:
    g = plan.geometry
    if data == "local":
        return local_qkv(
            g.grid,
            text_length=g.text_length,
            batch=plan.batch,
            heads=plan.heads,
            head_dim=plan.head_dim,
            dtype=dtype,
            device=device,
            seed=seed,
        )
    if data != "random":
        raise DryRunInputError(f"--data {data!r}: expected one of {', '.join(DATA_KINDS)}")
    return random_qkv(plan.batch, plan.heads, g.seq_len, plan.head_dim, dtype=dtype, device=device, seed=seed)


def _captured(request: DryRunRequest, device: torch.device, dtype: torch.dtype) -> tuple[Plan, Qkv]:
    qkv = load_qkv(str(request.qkv_path))
    batch, heads, length, head_dim = qkv.shape
    video = request.video or model_defaults(request.model).video
    geometry = geo.geometry(request.section, video)
    reduction = None
    if device.type != "cuda" and not request.full_size and (heads > geo.CPU_MAX_HEADS or batch > 1):
        qkv = Qkv(*(x[:1, : geo.CPU_MAX_HEADS] for x in qkv))
        reduction = Reduction(video, length, heads, batch, _reduction_reason(request))
    plan = Plan(geometry, qkv.q.shape[0], qkv.q.shape[1], head_dim, geometry, length, reduction)
    return plan, qkv.to(device, dtype)


def _check_positive(request: DryRunRequest) -> None:
    options = {"--heads": request.heads, "--head-dim": request.head_dim, "--batch": request.batch}
    for option, value in {**options, "--repeat": request.repeat}.items():
        if value is not None and value < 1:
            raise DryRunInputError(f"{option} {value}: expected a positive integer")


def _context(request: DryRunRequest, qkv: Qkv, device: torch.device) -> RunContext:
    timer = timer_for(device)
    repeat = request.repeat or (CUDA_REPEAT if device.type == "cuda" else CPU_REPEAT)
    warmup = 1 if device.type == "cuda" else 0
    baseline = dense_baseline(qkv, timer, device, repeat, warmup)
    return RunContext(qkv, baseline, timer, device, repeat, warmup, request.seed, REFERENCE_BLOCKS)


def run_preset(request: DryRunRequest, name: str, plan: Plan, ctx: RunContext) -> PresetResult:
    preset = request.section.attention_configs[name]
    if isinstance(preset, DensePreset):
        return dense_result(name, preset, ctx)
    result = _psa(name, preset, geo.run_text_length(request.section, preset, plan.geometry), ctx)
    text_length = geo.preset_text_length(request.section, preset)
    layout = geo.layout_warnings(preset, plan.requested, plan.requested_seq_len, text_length)
    result.warnings = [Finding(w.code, w.message) for w in layout] + request.preset_warnings.get(name, [])
    return result


def _psa(name: str, preset: PsaPreset, text_length: int, ctx: RunContext) -> PresetResult:
    try:
        return psa_result(name, preset, ctx, text_length=text_length, layout=geo.text_layout(preset))
    except ValueError as exc:  # the kernels' documented way of rejecting input
        raise DryRunInputError(f"preset {name}: {exc}") from exc


def _report(request: DryRunRequest, plan: Plan, ctx: RunContext, device: torch.device, dtype: str) -> DryRunReport:
    g = plan.geometry
    return DryRunReport(
        config=request.config_path,
        model=request.model,
        device=device.type,
        device_name=device_name(device),
        dtype=dtype,
        data=f"qkv:{request.qkv_path}" if request.qkv_path else request.data,
        seed=request.seed,
        repeat=ctx.repeat,
        timer=ctx.timer.kind,
        memory="cuda-max-allocated" if device.type == "cuda" else "process-max-rss",
        video=g.video,
        grid=tuple(g.grid),  # type: ignore[arg-type]
        text_length=g.text_length,
        seq_len=ctx.qkv.q.shape[2],
        batch=plan.batch,
        heads=plan.heads,
        head_dim=plan.head_dim,
        dense_ms=ctx.baseline.time_ms,
        dense_peak_memory_bytes=ctx.baseline.peak_memory_bytes,
        reduction=plan.reduction,
        notes=run_notes(request, device),
    )


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "CPU"


def run_notes(request: DryRunRequest, device: torch.device) -> list[str]:
    notes = []
    if device.type != "cuda":
        notes.append(CPU_NOTE)
    if request.qkv_path is None and request.data == "random":
        hint = " (try --data local or --qkv FILE)" if request.command_line else ""
        notes.append(
            "random data: attention is nearly flat, so thresholdbound presets keep far more blocks than on "
            f"real video{hint}"
        )
    return notes

"""Input checks of the public API: every problem is a ``ValueError`` naming it, never a device fault."""

from __future__ import annotations

import math
import os

import torch

BLOCK_SIZES = (16, 32, 64, 128, 256)
LEVEL_VALUES = (0, 1, 2, 4, 8)
BACKENDS = ("auto", "triton", "reference")
TRITON_HEAD_DIMS = (64, 128)
TRITON_DTYPES = (torch.float16, torch.bfloat16, torch.float32)


def interpreter_mode() -> bool:
    """True when Triton runs in its CPU interpreter (``TRITON_INTERPRET=1``)."""
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


def check_qkv(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor | None = None) -> None:
    """Rank 4, equal shapes (Lq = Lk), one dtype, one device, floating point, non-empty."""
    named = {"q": q, "k": k} if v is None else {"q": q, "k": k, "v": v}
    for name, tensor in named.items():
        if not isinstance(tensor, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
        if tensor.dim() != 4:
            raise ValueError(f"{name} must have rank 4 [B, H, L, D], got shape {tuple(tensor.shape)}")
        if not tensor.is_floating_point():
            raise ValueError(f"{name} must be a floating-point tensor, got {tensor.dtype}")
    for name, tensor in named.items():
        if tensor.shape != q.shape:
            raise ValueError(f"{name} has shape {tuple(tensor.shape)} but q has {tuple(q.shape)} (Lq must equal Lk)")
        if tensor.dtype != q.dtype:
            raise ValueError(f"{name} has dtype {tensor.dtype} but q has {q.dtype}")
        if tensor.device != q.device:
            raise ValueError(f"{name} is on {tensor.device} but q is on {q.device}")
    if q.numel() == 0:
        raise ValueError(f"q, k, v must be non-empty, got shape {tuple(q.shape)}")


def check_block_sizes(block_m: int, block_n: int, tile_n: int | None = None) -> None:
    for name, value in (("block_m", block_m), ("block_n", block_n)):
        if not isinstance(value, int) or isinstance(value, bool) or value not in BLOCK_SIZES:
            raise ValueError(f"{name} must be one of {BLOCK_SIZES}, got {value!r}")
    if tile_n is None:
        return
    if not isinstance(tile_n, int) or tile_n < 16 or tile_n & (tile_n - 1) or block_n % tile_n:
        raise ValueError(f"tile_n must be a power of two >= 16 dividing block_n={block_n}, got {tile_n!r}")


def grid_shape(seq_len: int, block_m: int, block_n: int) -> tuple[int, int]:
    """``(Mq, Nk)`` = ``(ceil(L/m), ceil(L/n))``."""
    return math.ceil(seq_len / block_m), math.ceil(seq_len / block_n)


def check_levels(
    levels: torch.Tensor, expected: tuple[int, ...], device: torch.device | None = None, values: bool = True
) -> None:
    """Integer tensor of the expected shape holding only 0/1/2/4/8 (values not read when ``values`` is false)."""
    if not isinstance(levels, torch.Tensor):
        raise ValueError(f"levels must be a torch.Tensor, got {type(levels).__name__}")
    if levels.is_floating_point() or levels.is_complex() or levels.dtype == torch.bool:
        raise ValueError(f"levels must be an integer tensor, got {levels.dtype}")
    if tuple(levels.shape) != expected:
        raise ValueError(f"levels must have shape {expected} [B, H, ceil(L/m), ceil(L/n)], got {tuple(levels.shape)}")
    if device is not None and levels.device != device:
        raise ValueError(f"levels is on {levels.device} but q is on {device}")
    if not values:
        return
    wide = levels.to(torch.int32)
    # 0, 1, 2, 4, 8 are exactly the values in [0, 8] with at most one bit set: one fused test, one sync
    bad = (wide.clamp(0, 8) != wide) | ((wide & (wide - 1)) != 0)
    if bool(bad.any()):
        value = int(levels[bad][0])
        raise ValueError(f"levels may only hold {LEVEL_VALUES}, found {value}")


def check_backend(backend: str, q: torch.Tensor) -> str:
    """Resolve ``auto`` and check that the chosen backend can run ``q``."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "auto":
        backend = "triton" if q.is_cuda else "reference"
    if backend == "triton":
        if not q.is_cuda and not interpreter_mode():
            raise ValueError(
                f"backend='triton' needs a CUDA tensor (q is on {q.device}); "
                "on CPU use backend='reference' or set TRITON_INTERPRET=1 before importing triton"
            )
        if q.shape[-1] not in TRITON_HEAD_DIMS:
            raise ValueError(f"the Triton kernels need head dim in {TRITON_HEAD_DIMS}, got {q.shape[-1]}")
        if q.dtype not in TRITON_DTYPES:
            raise ValueError(f"the Triton kernels need dtype float16, bfloat16 or float32, got {q.dtype}")
    return backend


def check_triton_size(seq_len: int, block_n: int, *tensors: torch.Tensor) -> None:
    """The kernel indexes rows inside one (b, h) with 32-bit offsets."""
    padded = math.ceil(seq_len / block_n) * block_n
    for tensor in tensors:
        if max(padded * tensor.shape[-1], seq_len * tensor.stride(2)) >= 2**31:
            raise ValueError(
                f"sequence length {seq_len} is too long for the Triton kernel (L * row stride must be < 2**31)"
            )


def check_scale(sm_scale: float | None, head_dim: int) -> float:
    if sm_scale is None:
        return 1.0 / math.sqrt(head_dim)
    if not isinstance(sm_scale, (int, float)) or isinstance(sm_scale, bool) or not math.isfinite(sm_scale):
        raise ValueError(f"sm_scale must be a finite number, got {sm_scale!r}")
    if sm_scale <= 0:
        raise ValueError(f"sm_scale must be positive, got {sm_scale}")
    return float(sm_scale)


def unit_stride(x: torch.Tensor) -> torch.Tensor:
    """The kernels index the head dim densely: copy tensors whose last stride is not 1."""
    return x if x.stride(-1) == 1 else x.contiguous()

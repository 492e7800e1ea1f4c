"""Q/K/V inputs for trying presets: random, synthetic with spatial locality, or captured.

* :func:`random_qkv`: i.i.d. normal tensors. Attention over them is nearly
  flat, so thresholdbound presets keep far more blocks than on real video.
* :func:`local_qkv`: video tokens on a ``depth x height x width`` grid whose
  queries and keys are random Fourier features of the token's position, so a
  query's logits fall off with grid distance (an RBF kernel with a per-head
  length scale) as on real video activations; text tokens are random.
* :func:`load_qkv` / :func:`save_qkv`: captured tensors in a ``.pt`` or
  ``.safetensors`` file holding ``q``, ``k`` and ``v``.

Sequences are laid out as the model's attention sees them before any
rearrangement: ``text_length`` text tokens first, then the video tokens in
raster order (token ``x + width * (y + height * z)``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import torch

QKV_KEYS: tuple[str, str, str] = ("q", "k", "v")
SUFFIXES: tuple[str, ...] = (".pt", ".pth", ".safetensors")

LOCAL_SHARPNESS = 8.0
"""Logit of a query against a key at its own position, above far-away keys."""
LOCAL_LENGTH_SCALES: tuple[float, float] = (1.0, 3.0)
"""Range (in grid cells) of the per-head RBF length scale."""
LOCAL_NOISE = 0.3
"""Standard deviation of the per-token noise added to the positional features."""


class Grid(NamedTuple):
    """The video token grid, named as ``VideoScale.token_grid`` returns it."""

    width: int
    height: int
    depth: int

    @property
    def tokens(self) -> int:
        return self.width * self.height * self.depth


class Qkv(NamedTuple):
    """Query, key and value, each ``[B, H, L, D]``."""

    q: torch.Tensor
    k: torch.Tensor
    v: torch.Tensor

    @property
    def shape(self) -> tuple[int, int, int, int]:
        batch, heads, length, dim = self.q.shape
        return batch, heads, length, dim

    def to(self, device: torch.device | str, dtype: torch.dtype) -> Qkv:
        return Qkv(*(x.to(device=device, dtype=dtype).contiguous() for x in self))


class QkvFileError(ValueError):
    """A ``--qkv`` file that cannot be used: missing, unreadable, wrong keys or shapes."""


def random_qkv(
    batch: int,
    heads: int,
    length: int,
    head_dim: int,
    *,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str = "cpu",
    seed: int = 0,
) -> Qkv:
    """I.i.d. standard normal Q, K, V ``[batch, heads, length, head_dim]``."""
    generator = torch.Generator(device=device).manual_seed(seed)
    shape = (batch, heads, length, head_dim)
    return Qkv(*(torch.randn(shape, generator=generator, device=device, dtype=dtype) for _ in range(3)))


def grid_positions(grid: Grid, device: torch.device | str = "cpu") -> torch.Tensor:
    """``[tokens, 3]`` float (x, y, z) of the video tokens in raster order."""
    z, y, x = torch.meshgrid(
        torch.arange(grid.depth, device=device),
        torch.arange(grid.height, device=device),
        torch.arange(grid.width, device=device),
        indexing="ij",
    )
    return torch.stack([x, y, z], dim=-1).reshape(-1, 3).float()


def local_qkv(
    grid: Grid,
    *,
    text_length: int = 0,
    batch: int = 1,
    heads: int = 1,
    head_dim: int = 64,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str = "cpu",
    seed: int = 0,
) -> Qkv:
    """Q/K/V whose attention is local on ``grid`` (``text_length`` random text tokens first)."""
    video = _local_video(grid, batch, heads, head_dim, device, seed)
    if text_length:
        text = random_qkv(batch, heads, text_length, head_dim, device=device, seed=seed + 1)
        video = Qkv(*(torch.cat([t, x], dim=2) for t, x in zip(text, video)))
    return video.to(device, dtype)


def _local_video(grid: Grid, batch: int, heads: int, head_dim: int, device: torch.device | str, seed: int) -> Qkv:
    """Random Fourier features of the position: ``z(p) . z(p')`` ~ ``exp(-|p - p'|^2 / 2 s^2)``."""
    cpu = torch.Generator().manual_seed(seed)
    scales = torch.empty(heads).uniform_(*LOCAL_LENGTH_SCALES, generator=cpu)
    positions = grid_positions(grid, device)
    amplitude = math.sqrt(LOCAL_SHARPNESS * math.sqrt(head_dim))
    features = [_fourier_features(positions, scales, head_dim, cpu) for _ in range(2)]
    noise = torch.Generator(device=device).manual_seed(seed + 2)
    shape = (batch, heads, grid.tokens, head_dim)

    def noisy(base: torch.Tensor, scale: float) -> torch.Tensor:
        # base rows have norm ~1, so per-dimension noise of size 1/sqrt(dim) is LOCAL_NOISE relative
        jitter = torch.randn(shape, generator=noise, device=device) / math.sqrt(head_dim)
        return scale * (base + LOCAL_NOISE * jitter)

    q = noisy(features[0], amplitude)
    k = noisy(features[0], amplitude)
    v = noisy(features[1], math.sqrt(head_dim))
    return Qkv(q, k, v)


def _fourier_features(
    positions: torch.Tensor, scales: torch.Tensor, dim: int, generator: torch.Generator
) -> torch.Tensor:
    """``[H, tokens, dim]`` unit-norm-ish features ``sqrt(2/dim) cos(w . p + phi)``, ``w ~ N(0, 1/s^2)``.

    The frequencies are drawn on the CPU (same seed, same features on every
    device); the features are computed where ``positions`` live.
    """
    heads = scales.shape[0]
    freqs = torch.randn(heads, 3, dim, generator=generator) / scales[:, None, None]
    phases = torch.rand(heads, 1, dim, generator=generator) * 2 * math.pi
    angles = positions[None] @ freqs.to(positions.device) + phases.to(positions.device)
    return math.sqrt(2.0 / dim) * torch.cos(angles)


def load_qkv(path: str | Path) -> Qkv:
    """Read ``q``, ``k``, ``v`` from a ``.pt``/``.pth`` or ``.safetensors`` file (on the CPU).

    Each tensor is ``[B, H, L, D]`` (or ``[H, L, D]``, read as B = 1); all
    three must have one shape and a floating dtype. Raises
    :class:`QkvFileError` naming the problem.
    """
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise QkvFileError(f"{path}: expected a .pt, .pth or .safetensors file")
    if not path.is_file():
        raise QkvFileError(f"{path}: no such file")
    tensors = _read_tensors(path)
    missing = [key for key in QKV_KEYS if key not in tensors]
    if missing:
        found = ", ".join(sorted(map(str, tensors))) or "nothing"
        raise QkvFileError(f"{path}: missing {', '.join(missing)} (found {found}); expected keys q, k, v")
    return _validated(path, Qkv(*(_as_tensor(path, key, tensors[key]) for key in QKV_KEYS)))


def _read_tensors(path: Path) -> Mapping[object, object]:
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch.load / safetensors raise many unrelated types
        raise QkvFileError(f"{path}: cannot read tensors: {_first_line(exc)}") from exc
    if not isinstance(loaded, Mapping):
        raise QkvFileError(f"{path}: expected a dict with keys q, k, v, found {type(loaded).__name__}")
    return loaded


def _as_tensor(path: Path, key: str, value: object) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise QkvFileError(f"{path}: {key} is a {type(value).__name__}, not a tensor")
    if not value.is_floating_point():
        raise QkvFileError(f"{path}: {key} has dtype {value.dtype}; expected a floating dtype")
    if value.dim() == 3:
        value = value.unsqueeze(0)
    if value.dim() != 4 or 0 in value.shape:
        raise QkvFileError(f"{path}: {key} has shape {tuple(value.shape)}; expected [B, H, L, D]")
    return value


def _validated(path: Path, qkv: Qkv) -> Qkv:
    shapes = {key: tuple(x.shape) for key, x in zip(QKV_KEYS, qkv)}
    if len(set(shapes.values())) != 1:
        listed = ", ".join(f"{key} {shape}" for key, shape in shapes.items())
        raise QkvFileError(f"{path}: q, k and v must have one shape [B, H, L, D]; found {listed}")
    return qkv


def save_qkv(path: str | Path, qkv: Qkv) -> None:
    """Write ``q``, ``k``, ``v`` as :func:`load_qkv` reads them (format chosen by the suffix)."""
    path = Path(path)
    tensors = {key: x.detach().contiguous().cpu() for key, x in zip(QKV_KEYS, qkv)}
    if path.suffix == ".safetensors":
        from safetensors.torch import save_file

        save_file(tensors, str(path))
    elif path.suffix in SUFFIXES:
        torch.save(tensors, path)
    else:
        raise QkvFileError(f"{path}: expected a .pt, .pth or .safetensors file")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]

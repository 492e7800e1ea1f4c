"""``capture_qkv``: record a video transformer's q, k, v at chosen layers and denoising steps.

Hook point: a forward pre-hook and an always-called forward hook around each
chosen block's self-attention module (``attn1``) swap
``torch.nn.functional.scaled_dot_product_attention`` for a recording wrapper
for the duration of that module's call. Both families reach SDPA with
``[B, H, L, D]`` tensors after their projections, QK norms and rotary
embedding (CogVideoX's processor calls it directly; Wan's goes through
diffusers' attention dispatch, whose native backend calls it). Wrapping the
processor instead would not work for CogVideoX: its ``Attention.forward``
drops keyword arguments the processor's signature does not name, and a
generic wrapper names none. Other attention backends (flash, sage) never
call SDPA: capture then raises, asking for the native backend.

The swap is process-global while a chosen layer runs: do not run other
models in other threads during a capture.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import torch

from psa_kernels.capture.families import CaptureError, VideoLayout, family_of, self_attention_modules, video_layout
from psa_kernels.capture.index import CaptureRecord, write_index
from psa_kernels.data import Qkv, save_qkv

Call = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


class capture_qkv:  # noqa: N801 - used as a context manager, named like contextlib's
    """Context manager: ``with capture_qkv(transformer, "qkv/", layers=[0, 9], steps=[0, 25]) as cap: pipe(...)``.

    ``layers``/``steps``: 0-based block indices and denoising steps to record
    (None: all). A step is a run of transformer calls with one timestep;
    repeated calls at one step (Wan's conditional and unconditional passes)
    are numbered by ``pass_index``. Files are
    ``{prefix}_layer{L}_step{S}_pass{P}.safetensors`` holding ``q, k, v``
    ``[B, H, L, D]`` in the model's token order; ``index.json`` lists them
    (rewritten after each file, so an interrupted run keeps its index).
    ``dtype`` converts the saved tensors (default: as the model computes them).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        out_dir: str | Path,
        *,
        layers: Iterable[int] | None = None,
        steps: Iterable[int] | None = None,
        model_name: str | None = None,
        prefix: str = "qkv",
        dtype: torch.dtype | None = None,
    ) -> None:
        family_of(model)
        self.model = model
        self.out_dir = Path(out_dir)
        self.modules = self_attention_modules(model)
        self.layers = None if layers is None else sorted(set(layers))
        self.steps = None if steps is None else set(steps)
        self.model_name = model_name or type(model).__name__
        self.prefix = prefix
        self.dtype = dtype
        self.records: list[CaptureRecord] = []
        self._bad_layers()
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._signature = inspect.signature(model.forward)
        self._step, self._pass, self._timestep = -1, 0, None
        self._layout: VideoLayout | None = None
        self._calls: list[Call] | None = None
        self._original_sdpa: Callable[..., torch.Tensor] | None = None

    def _bad_layers(self) -> None:
        count = len(self.modules)
        bad = [layer for layer in self.layers or [] if not 0 <= layer < count]
        if bad:
            raise CaptureError(f"layers {bad} out of range: the model has {count} blocks (0..{count - 1})")

    # ---- context manager -------------------------------------------------------------------------

    def __enter__(self) -> capture_qkv:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._handles.append(self.model.register_forward_pre_hook(self._on_model_call, with_kwargs=True))
        for layer in self.layers if self.layers is not None else range(len(self.modules)):
            module = self.modules[layer]
            self._handles.append(module.register_forward_pre_hook(self._start_layer))
            self._handles.append(module.register_forward_hook(self._finish(layer), always_call=True))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._restore_sdpa()

    # ---- hooks -----------------------------------------------------------------------------------

    def _on_model_call(self, module: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        bound = self._signature.bind_partial(*args, **kwargs).arguments
        timestep = _first_value(bound.get("timestep"))
        if self._step < 0 or timestep is None or timestep != self._timestep:
            self._step, self._pass = self._step + 1, 0
        else:
            self._pass += 1
        self._timestep = timestep
        self._layout = video_layout(self.model, bound["hidden_states"])

    def _wanted(self) -> bool:
        return self.steps is None or self._step in self.steps

    def _start_layer(self, module: torch.nn.Module, args: tuple[Any, ...]) -> None:
        if not self._wanted() or self._original_sdpa is not None:
            return
        calls: list[Call] = []
        original = torch.nn.functional.scaled_dot_product_attention

        def recording(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, *a: Any, **kw: Any) -> torch.Tensor:
            calls.append((query.detach(), key.detach(), value.detach()))
            return original(query, key, value, *a, **kw)

        self._calls, self._original_sdpa = calls, original
        torch.nn.functional.scaled_dot_product_attention = recording

    def _finish(self, layer: int) -> Callable[..., None]:
        def hook(module: torch.nn.Module, args: tuple[Any, ...], output: Any) -> None:
            calls = self._calls
            if self._restore_sdpa() and calls is not None:
                self._save(layer, _self_attention_call(calls, layer))

        return hook

    def _restore_sdpa(self) -> bool:
        """Put SDPA back; whether a recording was in progress."""
        if self._original_sdpa is None:
            return False
        torch.nn.functional.scaled_dot_product_attention = self._original_sdpa
        self._original_sdpa, self._calls = None, None
        return True

    # ---- writing ---------------------------------------------------------------------------------

    def _save(self, layer: int, call: Call) -> None:
        q, k, v = (x if self.dtype is None else x.to(self.dtype) for x in call)
        layout = self._layout
        assert layout is not None  # set by the model's pre-hook before any block runs
        text_length = q.shape[2] - layout.tokens
        if text_length < 0:
            raise CaptureError(f"layer {layer}: {q.shape[2]} tokens, fewer than the {layout.tokens}-token video grid")
        name = f"{self.prefix}_layer{layer:03d}_step{self._step:03d}_pass{self._pass}.safetensors"
        save_qkv(self.out_dir / name, Qkv(q, k, v))
        self.records.append(
            CaptureRecord(
                file=name, layer=layer, step=self._step, pass_index=self._pass, timestep=self._timestep,
                shape=tuple(q.shape), dtype=str(q.dtype).removeprefix("torch."),  # type: ignore[arg-type]
                video=layout.video, grid=layout.grid, text_length=text_length,
            )
        )
        write_index(self.out_dir, self.model_name, type(self.model).__name__, self.records)


def _self_attention_call(calls: list[Call], layer: int) -> Call:
    """The one SDPA call whose queries attend to keys of their own length (not image cross-attention)."""
    own = [call for call in calls if call[0].shape[2] == call[1].shape[2]]
    if len(own) != 1:
        raise CaptureError(
            f"layer {layer}: expected one self-attention scaled_dot_product_attention call, saw {len(own)} "
            f"(of {len(calls)}); capture needs diffusers' native attention backend"
        )
    return own[0]


def _first_value(value: object) -> float | None:
    if isinstance(value, torch.Tensor):
        return float(value.flatten()[0]) if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None

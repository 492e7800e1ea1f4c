"""Tensor Memory Accelerator descriptors: when they can be used, and how one is built."""

from __future__ import annotations

import torch


def descriptors_supported(x: torch.Tensor) -> bool:
    """True where Triton can load through descriptors: Hopper or newer (or the interpreter), Triton >= 3.4."""
    from psa_kernels.validate import interpreter_mode

    if not interpreter_mode() and (not x.is_cuda or torch.cuda.get_device_capability(x.device)[0] < 9):
        return False
    try:
        from triton.tools.tensor_descriptor import TensorDescriptor  # noqa: F401 - only probing
    except ImportError:
        return False
    return True


def row_descriptor(x: torch.Tensor, rows: int, tile: int):  # noqa: ANN201 - triton's TensorDescriptor
    """A descriptor over ``x`` seen as ``[rows, D]`` (dense rows), loading ``[tile, D]`` tiles."""
    from triton.tools.tensor_descriptor import TensorDescriptor

    return TensorDescriptor.from_tensor(x.view(rows, x.shape[-1]), [tile, x.shape[-1]])

"""Capture q, k, v from diffusers video transformers (Wan, CogVideoX) for ``dry-run --qkv`` and ``tune``.

::

    from psa_kernels.capture import capture_qkv

    with capture_qkv(pipe.transformer, "qkv/", layers=[0, 15, 29], steps=[0, 10, 40], model_name="Wan2.1_1.3b"):
        pipe(prompt, num_inference_steps=50)

Needs the ``capture`` extra (diffusers) only to build the model; capture itself uses torch hooks.
"""

from __future__ import annotations

from psa_kernels.capture.families import CaptureError
from psa_kernels.capture.index import INDEX_NAME, CaptureIndexError, CaptureRecord, read_index
from psa_kernels.capture.recorder import capture_qkv

__all__ = ["INDEX_NAME", "CaptureError", "CaptureIndexError", "CaptureRecord", "capture_qkv", "read_index"]

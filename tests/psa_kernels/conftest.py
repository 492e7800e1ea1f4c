"""Kernel tests: run Triton in interpreter mode on CPU-only machines (set before triton is imported)."""

from __future__ import annotations

import os

import pytest
import torch

if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

from kernel_presets import make_preset  # noqa: E402


@pytest.fixture(name="preset_factory")
def preset_factory_fixture() -> object:
    """The :func:`make_preset` factory, for tests."""
    return make_preset


@pytest.fixture
def device() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"

"""Strict equality of loaded YAML data: the runtime's values, types and key order."""

from __future__ import annotations

import math
from typing import Any


def same(runtime: Any, checker: Any) -> bool:
    """Equal values of the same types, dict keys in the same order (``True != 1`` here)."""
    if type(runtime) is not type(checker):
        return False
    if isinstance(runtime, dict):
        return len(runtime) == len(checker) and all(
            same(k1, k2) and same(v1, v2) for (k1, v1), (k2, v2) in zip(runtime.items(), checker.items())
        )
    if isinstance(runtime, (list, tuple)):
        return len(runtime) == len(checker) and all(same(a, b) for a, b in zip(runtime, checker))
    if isinstance(runtime, float) and math.isnan(runtime):
        return math.isnan(checker)
    return bool(runtime == checker)

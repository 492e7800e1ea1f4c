from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_FIXTURE = Path(__file__).parent / "rules" / "fixtures" / "_base.yaml"


@pytest.fixture
def base_text() -> str:
    return BASE_FIXTURE.read_text()


@pytest.fixture
def reference_config() -> Path:
    return ROOT / "configs" / "attention_config.yaml"

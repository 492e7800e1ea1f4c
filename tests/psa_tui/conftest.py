"""Fixtures: a private copy of the reference file for every test."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "configs" / "attention_config.yaml"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    target = tmp_path / "attention_config.yaml"
    shutil.copyfile(REFERENCE, target)
    return target


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests here in a fresh event loop (no asyncio plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True

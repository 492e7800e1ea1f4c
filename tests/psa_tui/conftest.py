"""Fixtures: a private copy of the reference file for every test."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _import_the_installed_package() -> None:
    """Import ``psa_tui`` (the ``tui/`` folder) before anything else can.

    tests/conftest.py puts ``tests/`` on sys.path, where this folder would be
    found first as a namespace package named ``psa_tui`` without the app in it.
    """
    tests_dir = str(REPO / "tests")
    saved = list(sys.path)
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != tests_dir]
    try:
        if getattr(sys.modules.get("psa_tui"), "__file__", None) is None:
            sys.modules.pop("psa_tui", None)
        importlib.import_module("psa_tui")
    finally:
        sys.path[:] = saved


_import_the_installed_package()
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

"""Fakes for the owner and group a save sees, for tests that cannot chown (or run as root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from psa_config.edit import writing


def pretend_owner(monkeypatch: pytest.MonkeyPatch, config: Path, uid: int, gid: int) -> None:
    """Make ``save`` see the target as owned by ``uid:gid``."""
    real_fstat, inode = os.fstat, config.stat().st_ino

    def fstat(fd: int) -> os.stat_result:
        found = real_fstat(fd)
        if found.st_ino != inode:
            return found
        values = list(found)
        values[4], values[5] = uid, gid
        return os.stat_result(values)

    monkeypatch.setattr(writing.os, "fstat", fstat)

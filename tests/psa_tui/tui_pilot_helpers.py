"""Small helpers shared by the Pilot tests."""

from __future__ import annotations

from textual.pilot import Pilot

from psa_tui.app import PsaConfigApp
from psa_tui.widgets.tree import ConfigTree, Target


async def settle(app: PsaConfigApp, pilot: Pilot[int]) -> None:
    """Let messages, the form worker, scroll animations and refreshes finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def select(app: PsaConfigApp, pilot: Pilot[int], target: Target) -> None:
    """Highlight ``target`` in the tree and wait until the form shows it."""
    await settle(app, pilot)
    tree = app.query_one(ConfigTree)
    node = tree.find(target)
    assert node is not None, target
    tree.move_cursor(node)
    await settle(app, pilot)


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """(old, new) pairs of lines that differ, for texts with the same number of lines."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new) if a != b]

"""ctrl+t: a short tune in a worker, its Pareto points listed, one applied to the preset through the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label

import psa_config
from psa_tui import tune_screen
from psa_tui.app import PsaConfigApp
from psa_tui.widgets.tree import Target
from tui_pilot_helpers import select, settle

pytest.importorskip("optuna")

BALANCED = Target("CogVideo_5b", "psa_balanced")


@pytest.fixture(autouse=True)
def tiny_tune(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tune_screen, "TUI_TRIALS", 2)
    monkeypatch.setattr(tune_screen, "TUI_MAX_TOKENS", 520)


async def open_tune(app: PsaConfigApp, pilot, wait: bool = True) -> tune_screen.TuneScreen:  # type: ignore[no-untyped-def]
    await select(app, pilot, BALANCED)
    await pilot.press("ctrl+t")
    await (settle(app, pilot) if wait else pilot.pause())
    screen = app.screen
    assert isinstance(screen, tune_screen.TuneScreen)
    return screen


async def submit_budget(app: PsaConfigApp, pilot, screen: tune_screen.TuneScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    field = screen.query_one(Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_pareto_point_is_applied_as_one_undo_step(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.session.text
        screen = await open_tune(app, pilot)
        status = str(screen.query_one("#tune-status", Label).content)
        assert "budget rel-l2 0.9" not in status
        own_budget = float(status.split("budget rel-l2 ")[1].split(" ")[0])
        await submit_budget(app, pilot, screen, "-1")
        assert "must be positive" in str(screen.query_one("#tune-status", Label).content)
        table = screen.query_one(DataTable)
        if table.row_count == 0:  # no point beat the preset's own error in 3 trials: ask for a looser budget
            await submit_budget(app, pilot, screen, "1.0")
        assert table.row_count >= 1 and own_budget > 0
        chosen = screen.fields[0]
        table.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, tune_screen.TuneScreen)
        preset = psa_config.load_text(app.session.text).preset(BALANCED.model, BALANCED.preset)
        assert {str(k): v for k, v in preset.mask_ratios.items()} == {str(k): v for k, v in chosen["mask_ratios"].items()}
        assert preset.mask_mode == chosen["mask_mode"] and preset.block_size.n == chosen["block_size.n"]
        assert not [d for d in app.session.diagnostics if d.is_error]
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.session.text == original


async def test_escape_closes_without_a_change(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.session.text
        await open_tune(app, pilot, wait=False)  # closing stops the tune between trials
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, tune_screen.TuneScreen) and app.session.text == original

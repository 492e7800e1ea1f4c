"""SVG snapshots of the main screens (textual pinned to 8.2.8 by the tui extra).

Update after a deliberate change of the look: ``pytest tests/psa_tui --snapshot-update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from psa_tui.app import PsaConfigApp
from psa_tui.widgets.tree import ConfigTree, Target
from tui_pilot_helpers import select, settle


TOPK = Target("Wan2.1_1.3b", "psa_topk")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PsaConfigApp:
    """The reference file under a relative name, so the header is the same on every machine."""
    shutil.copyfile(Path(__file__).resolve().parents[2] / "configs" / "attention_config.yaml", tmp_path / "attention_config.yaml")
    monkeypatch.chdir(tmp_path)
    return PsaConfigApp("attention_config.yaml")


async def _on_topk(pilot: Pilot[int]) -> None:
    await select(pilot.app, pilot, TOPK)  # type: ignore[arg-type]
    pilot.app.query_one(ConfigTree).focus()
    await settle(pilot.app, pilot)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_main_screen(snap_compare, app: PsaConfigApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=size, run_before=_on_topk)


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, app: PsaConfigApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["f1"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_delete_confirmation(snap_compare, app: PsaConfigApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await _on_topk(pilot)
        await pilot.press("x")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_save_diff_preview(snap_compare, app: PsaConfigApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await _on_topk(pilot)
        pilot.app.session.set_value(TOPK.model, TOPK.preset, "block_size.n", 128)  # type: ignore[attr-defined]
        pilot.app._show_session(None)  # type: ignore[attr-defined]
        await settle(pilot.app, pilot)  # type: ignore[arg-type]
        await pilot.press("ctrl+s")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_focused_field_low_in_the_form_at_80x24(snap_compare, app: PsaConfigApp) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await _on_topk(pilot)
        for widget in pilot.app.query(Input):
            widget.cursor_blink = False  # a blinking cursor would make the picture depend on timing
        pilot.app.query_one("#field-warmup-steps").focus()
        await settle(pilot.app, pilot)  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_model_page(snap_compare, app: PsaConfigApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[int]) -> None:
        await select(pilot.app, pilot, Target(TOPK.model))  # type: ignore[arg-type]
        pilot.app.query_one(ConfigTree).focus()
        await settle(pilot.app, pilot)  # type: ignore[arg-type]

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_malformed_file_at_80x24(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "attention_config.yaml").write_text("Wan:\n  default_attention: psa\n\tvideo_scale: {}\n")
    monkeypatch.chdir(tmp_path)
    assert snap_compare(PsaConfigApp("attention_config.yaml"), terminal_size=(80, 24), run_before=_settled)


async def _settled(pilot: Pilot[int]) -> None:
    await settle(pilot.app, pilot)  # type: ignore[arg-type]

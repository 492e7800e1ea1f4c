"""Models from the TUI: new, duplicate, rename, delete, and the model's own fields in the form."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select

import psa_config
from psa_tui.app import PsaConfigApp
from psa_tui.widgets.form import PresetForm
from psa_tui.widgets.tree import ConfigTree, Target
from tui_pilot_helpers import changed_lines, select, settle

SMALL = (80, 24)
MODEL = Target("Wan2.1_1.3b")


async def test_new_model_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "attention_config.yaml"
    path.write_text("# presets\n")
    app = PsaConfigApp(path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "press m" in str(app.query_one("#text-page").render())
        app.query_one(ConfigTree).focus()
        await pilot.press("m")
        await settle(app, pilot)
        suggestion = app.screen.query_one("#name", Input).value
        assert "Wan" in suggestion  # a name the runtime supports
        await pilot.press(*"Wan_tiny", "enter")
        await settle(app, pilot)
        assert app.session.models() == ["Wan_tiny"] and app.target == Target("Wan_tiny")
        assert psa_config.check_text(app.session.text) == []
        assert app.session.text.startswith("# presets\n")


async def test_model_fields_are_edited_in_the_form(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, MODEL)
        original = app.session.text
        length = app.query_one("#model-text-length", Input)
        length.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"226", "enter")
        await settle(app, pilot)
        assert psa_config.load_text(app.session.text).model(MODEL.model).text_length == 226
        assert len(changed_lines(original, app.session.text)) == 1
        app.query_one("#model-default-attention", Select).value = "psa_topk"
        await settle(app, pilot)
        assert app.session.default_preset(MODEL.model) == "psa_topk"
        divisor = app.query_one("#model-video-scale-depth-divisor", Input)
        divisor.focus()
        await pilot.press("ctrl+a", "ctrl+k", "0", "enter")  # must be > 0: refused with a message
        await settle(app, pilot)
        assert psa_config.load_text(app.session.text).model(MODEL.model).video_scale.depth_divisor == 4


async def test_duplicate_rename_and_delete_a_model(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, MODEL)
        tree = app.query_one(ConfigTree)
        tree.focus()
        await pilot.press("c")
        await settle(app, pilot)
        assert app.screen.query_one("#name", Input).value == "Wan2.1_1.3b_copy"
        await pilot.press("enter")
        await settle(app, pilot)
        copy = "Wan2.1_1.3b_copy"
        assert app.session.presets(copy) == app.session.presets(MODEL.model) and app.target == Target(copy)

        tree.focus()
        await pilot.press("r")
        await settle(app, pilot)
        suggestion = app.screen.query_one("#name", Input).value
        assert suggestion not in app.session.models()
        await pilot.press(*"Wan_small", "enter")
        await settle(app, pilot)
        assert "Wan_small" in app.session.models() and copy not in app.session.models()

        tree.focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert "Delete model Wan_small" in str(app.screen.query_one(".question").render())
        await pilot.press("y")
        await settle(app, pilot)
        assert "Wan_small" not in app.session.models()
        # back to the file as it was (the engine may leave the blank line that separated the copy)
        assert app.session.text.rstrip("\n") == config_path.read_text().rstrip("\n")


async def test_preset_keys_still_act_on_presets(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=SMALL) as pilot:
        await select(app, pilot, Target(MODEL.model, "psa_topk"))
        app.query_one(ConfigTree).focus()
        await pilot.press("c")
        await settle(app, pilot)
        assert app.screen.query_one("#name", Input).value == "psa_topk_copy"
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.session.dirty and isinstance(app.query_one(PresetForm), PresetForm)

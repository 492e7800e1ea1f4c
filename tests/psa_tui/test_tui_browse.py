"""Pilot tests of everything that does not change the file."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input, Label, Select, Switch

from psa_tui.app import PsaConfigApp
from psa_tui.widgets.diagnostics import DiagnosticsPanel
from psa_tui.widgets.form import PresetForm
from psa_tui.widgets.pyramid import PyramidBar, PyramidEditor
from psa_tui.widgets.tree import ConfigTree, Target

from tui_pilot_helpers import select


async def test_tree_lists_models_and_stars_defaults(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        tree = app.query_one(ConfigTree)
        models = [str(node.label) for node in tree.root.children]
        assert models == app.session.models()
        wan = tree.find(Target("Wan2.1_1.3b"))
        assert wan is not None
        labels = {str(child.label).strip() for child in wan.children}
        assert "★ psa_balanced" in labels and "psa_topk !2" in labels


async def test_starts_on_the_first_default_preset(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        first = app.session.models()[0]
        assert app.target == Target(first, app.session.default_preset(first))
        assert app.query(PyramidEditor)


async def test_form_shows_the_right_widgets_and_values(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "psa_topk"))
        form = app.query_one(PresetForm)
        assert form.border_title == "Wan2.1_1.3b / psa_topk (psa)"
        assert form.query_one("#field-mask-mode", Select).value == "topk"
        assert form.query_one("#field-block-size-n", Select).value == 32
        assert form.query_one("#field-use-sim-mask", Switch).value is False
        assert form.query_one("#field-warmup-steps", Input).value == "15"
        assert form.query_one("#field-tile-size", Input).value == "2, 8, 8"
        assert form.query_one("#mr-3-end", Input).value == "0.25"
        density = form.query_one("#pyramid-density", Label)
        assert "0.100" in str(density.render())  # .05 + .05/2 + .05/4 + .1/8


async def test_dense_page_is_read_only_and_a_model_shows_its_fields(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "baseline"))
        form = app.query_one(PresetForm)
        assert not form.query_one("#psa-page").display and "dense" in str(form.query_one("#text-page").render())
        await select(app, pilot, Target("Wan2.1_1.3b"))
        assert form.query_one("#model-page").display and not form.query_one("#psa-page").display
        assert form.query_one("#model-default-attention", Select).value == "psa_balanced"
        assert form.query_one("#model-text-length", Input).value == "0"
        assert "psa_topk" in str(form.query_one("#text-page").render())


async def test_density_follows_typing(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "psa_topk"))
        end = app.query_one("#mr-0-end", Input)
        end.focus()
        end.value = ""
        await pilot.press("0", ".", "0", "1")
        await pilot.pause()
        editor = app.query_one(PyramidEditor)
        assert editor.current_ranges()[0] == (1, 0.0, 0.01)
        assert "0.060" in str(app.query_one("#pyramid-density", Label).render())
        assert app.query_one(PyramidBar).ranges[0] == (1, 0.0, 0.01)
        assert not app.session.dirty


async def test_invalid_number_is_marked_and_not_applied(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "psa_topk"))
        warmup = app.query_one("#field-warmup-steps", Input)
        warmup.focus()
        await pilot.press("ctrl+a", "ctrl+k", "minus", "3", "enter")
        await pilot.pause()
        assert not warmup.is_valid
        assert not app.session.dirty


async def test_diagnostic_jumps_to_its_field(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(DiagnosticsPanel)
        index = next(i for i, d in enumerate(panel.diagnostics) if d.preset == "psa_topk" and d.field == "mask_ratios.8")
        panel.table.focus()
        panel.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.target == Target("Wan2.1_1.3b", "psa_topk")
        assert app.focused is not None and app.focused.id == "mr-3-start"
        detail = str(app.query_one("#diagnostic-detail").render())
        assert "PSA401" in detail


async def test_diagnostic_for_a_plain_field_focuses_it(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(DiagnosticsPanel)
        index = next(i for i, d in enumerate(panel.diagnostics) if d.field == "attn_impl")
        panel.table.focus()
        panel.table.move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "field-attn-impl"


async def test_f1_help_opens_and_closes(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert type(app.screen).__name__ == "Screen"


async def test_command_palette_lists_our_actions(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Save", "Undo", "Redo", "New preset", "Duplicate preset", "Rename preset", "Delete preset"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"help", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


async def test_quit_without_changes_exits(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_with_changes_asks(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test() as pilot:
        app.session.replace(app.session.text.replace("warmup_steps: 15", "warmup_steps: 1", 1))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "Screen"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0


async def test_warns_when_the_file_changes_on_disk(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(notifications=True) as pilot:
        config_path.write_text(config_path.read_text() + "# edited elsewhere\n")
        import os

        os.utime(config_path, ns=(1, 1))
        app.check_disk()
        await pilot.pause()
        titles = [n.title for n in app._notifications]
        assert "File changed on disk" in titles
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.session.text.endswith("# edited elsewhere\n")


async def test_save_without_changes_says_so(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["No changes to save"]


async def test_fast_switching_never_edits(config_path: Path) -> None:
    """Showing presets with other values must not turn into edits (stale Changed messages)."""
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "psa_topk"))
        targets = [Target(m, p) for m in app.session.models() for p in app.session.presets(m)]
        for _ in range(3):
            for target in targets:
                app.show_target(target)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.session.dirty and not app.session.can_undo


async def test_undo_of_a_rename_keeps_a_valid_selection(config_path: Path) -> None:
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(app, pilot, Target("Wan2.1_1.3b", "psa_topk"))
        app.apply(lambda: app.session.rename_preset("Wan2.1_1.3b", "psa_topk", "renamed"), Target("Wan2.1_1.3b", "renamed"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.target == Target("Wan2.1_1.3b", "renamed")
        await pilot.press("ctrl+z")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.target == Target("Wan2.1_1.3b")


async def test_malformed_yaml_opens_with_its_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("M:\n  default_attention: [\n")
    app = PsaConfigApp(path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        panel = app.query_one(DiagnosticsPanel)
        assert [d.line for d in panel.diagnostics if d.is_error] == [3]
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "Screen" and app.is_running


async def test_a_preset_the_runtime_runs_as_psa_shows_the_psa_form(config_path: Path) -> None:
    """`type: PSA` and a missing `type` run as psa (the runtime lower-cases it and defaults to psa)."""
    text = config_path.read_text(encoding="utf-8")
    start = text.index("  attention_configs:", text.index("Wan2.1_1.3b:"))
    topk = text.index("    psa_topk:\n      type: psa\n", start)
    text = text[:topk] + text[topk:].replace("      type: psa\n", "      type: PSA\n", 1)
    balanced = text.index("    psa_balanced:\n      type: psa\n", start)
    text = text[:balanced] + text[balanced:].replace("      type: psa\n", "", 1)
    config_path.write_text(text, encoding="utf-8")
    app = PsaConfigApp(config_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for preset in ("psa_topk", "psa_balanced"):
            await select(app, pilot, Target("Wan2.1_1.3b", preset))
            form = app.query_one(PresetForm)
            assert form.border_title == f"Wan2.1_1.3b / {preset} (psa)"
            assert form.query_one("#psa-page").display and "PSA411" not in str(form.query_one("#text-page").render())
